"""The audit log's words for one history row, for pages that list a record's own history:
`{% load audit %}{{ event|audit_event }}` → "Data pegawai diubah" (flexwork/common/audit_viewer.py)."""

from django import template

from flexwork.common.audit_viewer import SOURCES

register = template.Library()

_BY_KEY = {source.key: source for source in SOURCES}


@register.filter
def audit_event(event) -> str:
    """What a pghistory event row says, as the agency's audit log says it; "" for anything else."""
    source = _BY_KEY.get(getattr(getattr(event, "_meta", None), "label", ""))
    if source is None:
        return ""
    return source.phrase(event.pgh_label)
