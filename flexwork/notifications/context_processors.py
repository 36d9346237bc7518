from flexwork.notifications.selectors import notification_unread_count_for


def unread_notifications(request):
    """`unread_notifications` for base.html: one COUNT, only for signed-in users, and only when a
    template actually reads it (the template engine calls the function; the result is kept)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    cache: dict[str, int] = {}

    def count() -> int:
        if "value" not in cache:
            cache["value"] = notification_unread_count_for(user=user)
        return cache["value"]

    return {"unread_notifications": count}
