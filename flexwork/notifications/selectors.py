from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from flexwork.notifications.models import Notification


def notification_list_for(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """The caller's own notifications, newest first. `unread`: True only unread, False only read."""
    qs = Notification.objects.filter(recipient=user)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def notification_get_for(*, user, notification_id: int) -> Notification:
    """The caller's notification; someone else's answers 404 like a missing one."""
    return get_object_or_404(Notification.objects.filter(recipient=user), id=notification_id)


def notification_unread_count_for(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
