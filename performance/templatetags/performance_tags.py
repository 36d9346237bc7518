from django import template

register = template.Library()


@register.filter
def get_progress(progress: dict | None, indicator_id: int):
    """{{ progress|get_progress:indicator.id }}: the IndicatorProgress of one indicator."""
    if not progress:
        return None
    return progress.get(indicator_id)


@register.filter
def lookup(mapping: dict | None, key):
    """{{ mapping|lookup:key }}"""
    if not mapping:
        return None
    return mapping.get(key)
