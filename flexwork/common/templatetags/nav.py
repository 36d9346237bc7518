"""The menus of base.html and of the sections' sub-menus (flexwork/common/nav.py)."""

from django import template

from flexwork.common import nav

register = template.Library()


def _here(request) -> str | None:
    """The current page as the registry names it: with its namespace ("shifts:my_duties")."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return None
    return match.view_name


@register.simple_tag(takes_context=True)
def nav_menu(context):
    request = context.get("request")
    if request is None:
        return None
    return nav.menu(nav.session_roles(request), _here(request))


@register.inclusion_tag("common/_tabs.html", takes_context=True)
def nav_tabs(context, section: str, label: str):
    request = context.get("request")
    if request is None:
        return {"links": [], "label": label}
    roles, here = nav.session_roles(request), _here(request)
    index = nav.section_links(roles, here)
    return {"links": index or nav.tabs(roles, section, here), "label": label, "index": bool(index)}
