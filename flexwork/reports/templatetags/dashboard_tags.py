"""Labels for the raw values that the dashboards' SQL returns (codes, not display text)."""

from django import template
from django.utils.translation import gettext as _

from attendance.models import LeaveKind
from flexwork.approvals.models import ApprovalStatus
from schedules.models import Location

register = template.Library()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def location_label(value) -> str:
    return _label(Location, value)


@register.filter
def status_label(value) -> str:
    return _label(ApprovalStatus, value)


@register.filter
def request_label(row) -> str:
    """An open request on the home page: "Work from home" or "Annual leave"."""
    if row.get("kind") == "leave":
        return _label(LeaveKind, row.get("what"))
    return _("Arrangement: %(location)s") % {"location": _label(Location, row.get("what"))}
