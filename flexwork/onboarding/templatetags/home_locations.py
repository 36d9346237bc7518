"""The "home locations awaiting you" block of the supervisor's dashboard: the first few requests
waiting for the viewer's decision and their number. Three queries (scope, list, count), whatever
the number of requests."""

from django import template

from flexwork.onboarding import selectors

register = template.Library()

SHOWN = 5


@register.inclusion_tag("onboarding/_home_locations_awaiting.html", takes_context=True)
def home_locations_awaiting(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    queue = selectors.home_location_queue_for(user=user)
    items = list(queue[:SHOWN])
    for item in items:
        item.distance_m = selectors.distance_from_office_m(item)
    total = len(items) if len(items) < SHOWN else queue.count()
    return {"items": items, "total": total, "more": total - len(items)}
