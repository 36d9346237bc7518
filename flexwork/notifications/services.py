from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from flexwork.common.i18n import user_language
from flexwork.common.templatetags.flexwork_tags import office_datetime
from flexwork.common.timezones import zone_for_user
from flexwork.notifications.kinds import kind_get
from flexwork.notifications.models import Notification
from flexwork.outbox.services import outbox_enqueue

EMAIL_TOPIC = "notification.email"
TITLE_MAX_CHARS = 200


class _Placeholders(dict):
    """A context for %-formatting that shows a missing placeholder instead of raising."""

    def __missing__(self, key: str) -> str:
        return f"%({key})s"


@contextlib.contextmanager
def recipient_locale(recipient) -> Iterator[None]:
    """Render for `recipient`: their language and their office zone (WIB / WITA / WIT)."""
    language = user_language(recipient) or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zone_for_user(recipient)):
        yield


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            return None
    else:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _display_context(*, context: dict, when: datetime) -> _Placeholders:
    """The context as the recipient reads it. Call inside `recipient_locale`."""
    shown = _Placeholders()
    for key, value in context.items():
        moment = _as_datetime(value) if key.endswith("_at") else None
        shown[key] = office_datetime(moment) if moment is not None else value
    shown["when"] = office_datetime(when)
    return shown


@transaction.atomic
def notification_send(*, recipient, kind: str, context: dict, url: str = "") -> None:
    """Tell `recipient` that something happened: an in-app notification now, in the caller's
    transaction, and an e-mail through the outbox once the transaction commits."""
    spec = kind_get(kind)
    now = timezone.now()
    with recipient_locale(recipient):
        shown = _display_context(context=context, when=now)
        title = (str(spec.title) % shown)[:TITLE_MAX_CHARS]
        body = str(spec.body) % shown
    notification = Notification(
        recipient=recipient, kind=kind, title=title, body=body, url=url, context=context, created_at=now
    )
    notification.full_clean(exclude=["recipient"])
    notification.save()
    if spec.email:
        outbox_enqueue(topic=EMAIL_TOPIC, payload={"notification_id": notification.id})


def notification_email_render(*, notification: Notification) -> tuple[str, str]:
    """Subject and plain-text body of the e-mail for `notification`, in its recipient's language
    and office zone."""
    recipient = notification.recipient
    with recipient_locale(recipient):
        data = {
            **_display_context(context=notification.context, when=notification.created_at),
            "notification": notification,
            "recipient": recipient,
            "site_name": settings.SITE_NAME,
        }
        subject_template = select_template(
            [f"notifications/email/{notification.kind}_subject.txt", "notifications/email/default_subject.txt"]
        )
        body_template = select_template(
            [f"notifications/email/{notification.kind}_body.txt", "notifications/email/default_body.txt"]
        )
        subject = " ".join(subject_template.render(data).split())
        body = body_template.render(data).strip() + "\n"
    return f"[{settings.SITE_NAME}] {subject}", body


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Send the e-mail of one notification, at most once (the outbox delivers at least once).
    Returns True if this call sent it. Raises if the mail server fails, so the outbox retries."""
    notification = Notification.objects.select_related("recipient").filter(id=notification_id).first()
    if notification is None:
        return False
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active:
        return False
    # Claim the e-mail; if sending fails below, the transaction rolls the claim back.
    claimed = Notification.objects.filter(id=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if claimed != 1:
        return False
    subject, body = notification_email_render(notification=notification)
    send_mail(subject, body, None, [recipient.email])
    return True


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read. Marking it again keeps the first time."""
    Notification.objects.filter(id=notification.id, read_at__isnull=True).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


__all__ = [
    "EMAIL_TOPIC",
    "notification_email_render",
    "notification_email_send",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_send",
    "recipient_locale",
]
