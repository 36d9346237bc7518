"""Notifications of the arrangements app. Every one goes through the outbox:
`notification_send` writes the in-app row and queues the e-mail in the caller's transaction.
A directive is announced in batches on the worker (schedules/directives.py), each with `notify_many`:
rows are rendered once per language and office zone, then inserted with bulk_create — no query per
person beyond the insert."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from flexwork.common.i18n import supported_language, user_language
from flexwork.common.templatetags.flexwork_tags import office_datetime
from flexwork.notifications.kinds import kind_get, kind_register
from flexwork.notifications.models import Notification
from flexwork.notifications.services import EMAIL_TOPIC, TITLE_MAX_CHARS, notification_send
from flexwork.outbox.models import OutboxMessage
from flexwork.outbox.services import outbox_publish

KINDS = {
    "arrangement_submitted": (
        _("%(employee_name)s asks to work at: %(location)s"),
        _("%(employee_name)s asks to work at %(location)s on %(dates)s and waits for your %(step)s."),
    ),
    "arrangement_recommended": (
        _("Recommended: %(employee_name)s, %(location)s"),
        _(
            "%(actor_name)s recommended the request of %(employee_name)s (%(location)s on %(dates)s). It waits for "
            "your decision."
        ),
    ),
    "arrangement_approved": (
        _("Your request was approved"),
        _("Your request to work at %(location)s on %(dates)s was approved by %(actor_name)s. %(note)s"),
    ),
    "arrangement_rejected": (
        _("Your request was rejected"),
        _("Your request to work at %(location)s on %(dates)s was rejected by %(actor_name)s. %(note)s"),
    ),
    "arrangement_returned": (
        _("Your request was returned for revision"),
        _("%(actor_name)s returned your request (%(location)s on %(dates)s) for revision. %(note)s"),
    ),
    "arrangement_cancelled": (
        _("%(employee_name)s cancelled days"),
        _("%(employee_name)s cancelled %(location)s on %(dates)s. %(note)s"),
    ),
    "arrangement_revoked": (
        _("Flexible work revoked"),
        _("%(actor_name)s revoked your arrangement (%(location)s) on %(dates)s: %(note)s"),
    ),
    "holiday_declared": (
        _("New holiday: %(date)s"),
        _(
            "%(name)s on %(date)s is now a holiday. Your plan for that day stays in your calendar but does not "
            "count: no check-in is needed and it does not use your weekly quota."
        ),
    ),
    "arrangement_expired": (
        _("Your request expired"),
        _("Nobody decided your request (%(location)s on %(dates)s) before its first day, so it expired."),
    ),
    "arrangement_escalated": (
        _("A request of %(employee_name)s was escalated to you"),
        _(
            "The request of %(employee_name)s (%(location)s on %(dates)s) has waited %(days)s working days for "
            "%(approver_name)s. You may now act on it as well."
        ),
    ),
    "arrangement_reminder": (
        _("Reminder: a request of %(employee_name)s waits for you"),
        _(
            "The request of %(employee_name)s (%(location)s on %(dates)s) has waited %(days)s working days. It was "
            "escalated to %(target_name)s, who may act on it as well."
        ),
    ),
    "arrangement_rerouted": (
        _("A request of %(employee_name)s now waits for you"),
        _(
            "After a change of supervisor or unit, the request of %(employee_name)s (%(location)s on %(dates)s) "
            "was routed to you."
        ),
    ),
    "schedule_recalled": (
        _("You are recalled to the office on %(date)s"),
        _("%(actor_name)s recalled you to the office on %(date)s: %(reason)s"),
    ),
    "schedule_days_cancelled": (
        _("Days of your arrangement were cancelled"),
        _("Your days at %(location)s on %(dates)s were cancelled: %(reason)s"),
    ),
    "directive_announced": (
        _("Agency directive: %(date_from)s – %(date_to)s"),
        _("From %(date_from)s to %(date_to)s: %(message)s Allowed locations: %(locations)s.%(share)s"),
    ),
    "directive_changed": (
        _("Agency directive changed: %(date_from)s – %(date_to)s"),
        _(
            "The agency directive now reads: from %(date_from)s to %(date_to)s: %(message)s Allowed locations: "
            "%(locations)s.%(share)s"
        ),
    ),
    "directive_withdrawn": (
        _("Agency directive withdrawn: %(date_from)s – %(date_to)s"),
        _(
            "The agency directive for %(date_from)s to %(date_to)s (%(message)s) was withdrawn: %(reason)s "
            "From tomorrow your own approved plans apply again."
        ),
    ),
    "schedule_days_restored": (
        _("Days of your arrangement are back"),
        _("Your days at %(location)s on %(dates)s are back in your schedule: %(reason)s"),
    ),
}


def register_kinds() -> None:
    for name, (title, body) in KINDS.items():
        kind_register(name, title=title, body=body)


def format_dates(dates: Iterable[datetime.date]) -> str:
    """ "7 Dec 2026, 11 Dec 2026" — or "1 Dec 2026 – 27 Feb 2026 (26 days)" for many. In the active language."""
    days = sorted(dates)
    if not days:
        return "–"
    if len(days) <= 4:
        return ", ".join(formats.date_format(day, "j M Y") for day in days)
    first, last = formats.date_format(days[0], "j M Y"), formats.date_format(days[-1], "j M Y")
    return _("%(first)s – %(last)s (%(count)d days)") % {"first": first, "last": last, "count": len(days)}


def _label(choices, value) -> str:
    return str(choices(value).label) if value else ""


def notify(*, recipient_user, kind: str, arrangement_request=None, url: str = "", dates=None, **context) -> None:
    """One notification to one person, with the request's details in their language."""
    if recipient_user is None or not recipient_user.is_active:
        return
    from schedules.models import Location

    with translation.override(user_language(recipient_user) or settings.LANGUAGE_CODE):
        if arrangement_request is not None:
            context.setdefault("employee_name", arrangement_request.employee.name)
            context.setdefault("location", _label(Location, arrangement_request.location))
            context.setdefault("request_id", arrangement_request.id)
            url = url or f"/arrangements/{arrangement_request.id}/"
            if dates is None:
                dates = arrangement_request.dates
        if dates is not None:
            context["dates"] = format_dates(dates)
        if "step" in context:
            context["step"] = str(context["step"])
        context.setdefault("note", "")
        context = {
            key: (str(value) if not isinstance(value, int | float | bool | list) else value)
            for key, value in context.items()
        }
    notification_send(recipient=recipient_user, kind=kind, context=context, url=url)


def notify_many(*, employees_qs, kind: str, context: dict, url: str = "") -> int:
    """Tell every active employee of `employees_qs` (users with an account) in one batch: one SELECT,
    one INSERT of notifications, one INSERT of e-mail outbox rows, published after commit."""
    spec = kind_get(kind)
    rows = list(
        employees_qs.filter(is_active=True, user__is_active=True)
        .annotate(zone=Coalesce("unit__time_zone", "agency__time_zone"))
        .values_list("user_id", "user__language", "user__email", "zone")
    )
    if not rows:
        return 0
    now = timezone.now()
    rendered: dict[tuple[str, str], tuple[str, str]] = {}
    notifications = []
    for user_id, language, _email, zone in rows:
        key = (supported_language(language) or settings.LANGUAGE_CODE, zone or settings.FLEXWORK_DEFAULT_TIME_ZONE)
        if key not in rendered:
            import zoneinfo

            with translation.override(key[0]), timezone.override(zoneinfo.ZoneInfo(key[1])):
                shown = {key_: (value(key[0]) if callable(value) else value) for key_, value in context.items()}
                shown["when"] = office_datetime(now)
                rendered[key] = ((str(spec.title) % shown)[:TITLE_MAX_CHARS], str(spec.body) % shown)
        title, body = rendered[key]
        plain_context = {k: v for k, v in context.items() if not callable(v)}
        notifications.append(
            Notification(
                recipient_id=user_id, kind=kind, title=title, body=body, url=url, context=plain_context, created_at=now
            )
        )
    created = Notification.objects.bulk_create(notifications, batch_size=1000)
    if spec.email:
        emails = {user_id for user_id, _lang, email, _zone in rows if email}
        messages = OutboxMessage.objects.bulk_create(
            [
                OutboxMessage(topic=EMAIL_TOPIC, payload={"notification_id": n.id})
                for n in created
                if n.recipient_id in emails
            ],
            batch_size=1000,
        )
        ids = [m.id for m in messages]
        if ids:
            transaction.on_commit(lambda: outbox_publish(message_ids=ids), robust=True)
    return len(created)
