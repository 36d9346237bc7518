from datetime import UTC, datetime

import pytest
from django.core import mail
from django.utils import translation

from flexwork.accounts.services import api_token_create
from flexwork.notifications.models import Notification
from flexwork.notifications.services import notification_email_send, notification_send
from flexwork.outbox.models import OutboxMessage, OutboxStatus
from flexwork.outbox.services import outbox_message_process
from tests.notifications.conftest import make_user

pytestmark = pytest.mark.django_db

EXPIRES = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 08.00 WIB, 09.00 WITA


def _send_token_notice(recipient, **overrides):
    context = {"token_name": "script", "token_prefix": "fwk_ab12", "expires_at": EXPIRES.isoformat()}
    context.update(overrides)
    notification_send(recipient=recipient, kind="api_token_created", context=context)


def test_the_in_app_notification_exists_at_once_and_the_email_waits_for_the_commit(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _send_token_notice(user)
        notification = Notification.objects.get(recipient=user)
        assert notification.kind == "api_token_created"
        assert "script" in notification.title
        assert notification.read_at is None
        assert OutboxMessage.objects.get().payload == {"notification_id": notification.id}
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.DONE


def test_the_token_email_says_what_when_and_what_to_do_in_english(user, settings, django_capture_on_commit_callbacks):
    settings.FLEXWORK_DEFAULT_TIME_ZONE = "Asia/Makassar"
    with django_capture_on_commit_callbacks(execute=True):
        _send_token_notice(user)

    (email,) = mail.outbox
    assert email.to == [user.email]
    assert email.subject == "[FlexWork] A new API token was created for your account"
    assert "script" in email.body
    assert "fwk_ab12" in email.body
    assert "7 Dec 2026 09:00 WITA" in email.body  # the expiry, in the recipient's office zone
    assert "Created:" in email.body and "WITA" in email.body.split("Created:")[1].splitlines()[0]
    assert "If this was not you" in email.body
    assert "revoke the token" in email.body


def test_the_token_email_is_in_indonesian_for_an_indonesian_user(settings, django_capture_on_commit_callbacks):
    user = make_user(language="id")
    settings.FLEXWORK_DEFAULT_TIME_ZONE = "Asia/Jakarta"
    with django_capture_on_commit_callbacks(execute=True):
        _send_token_notice(user)

    (email,) = mail.outbox
    assert "7 Des 2026 08.00 WIB" in email.body  # Indonesian date format and month
    with translation.override("id"):
        expected_subject = translation.gettext("A new API token was created for your account")
    assert email.subject == f"[FlexWork] {expected_subject}"
    assert "Dec." not in email.body


def test_the_in_app_text_is_stored_in_the_recipient_language_and_zone(settings):
    settings.FLEXWORK_DEFAULT_TIME_ZONE = "Asia/Jayapura"
    user = make_user(language="en")

    _send_token_notice(user)

    notification = Notification.objects.get(recipient=user)
    assert notification.title == "New API token “script”"
    assert "7 Dec 2026 10:00 WIT" in notification.body
    assert "If this was not you" in notification.body


def test_the_mfa_email_says_what_when_and_what_to_do(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, kind="mfa_disabled", context={})

    (email,) = mail.outbox
    assert "Two-factor authentication was turned off" in email.subject
    assert "turned off for your FlexWork account on" in email.body
    assert "WIB" in email.body
    assert "If this was not you" in email.body
    assert Notification.objects.get(recipient=user).title == "Two-factor authentication turned off"


def test_a_recipient_without_an_email_address_gets_only_the_in_app_notification(django_capture_on_commit_callbacks):
    user = make_user(email="")
    with django_capture_on_commit_callbacks(execute=True):
        _send_token_notice(user)

    assert Notification.objects.filter(recipient=user).count() == 1
    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == OutboxStatus.DONE


def test_the_email_is_sent_once_however_often_it_is_delivered(user):
    _send_token_notice(user)  # no commit callbacks: the outbox row waits
    message = OutboxMessage.objects.get()
    notification = Notification.objects.get()

    assert outbox_message_process(message_id=message.id) is True
    assert outbox_message_process(message_id=message.id) is False
    assert notification_email_send(notification_id=notification.id) is False

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_failing_mail_server_leaves_the_email_to_retry(user, monkeypatch):
    _send_token_notice(user)
    message = OutboxMessage.objects.get()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("flexwork.notifications.services.send_mail", refuse)
    outbox_message_process(message_id=message.id)
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert "mail server down" in message.last_error
    assert Notification.objects.get().emailed_at is None

    monkeypatch.undo()
    outbox_message_process(message_id=message.id)

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.DONE


def test_an_unknown_kind_is_a_programming_error(user):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notification_send(recipient=user, kind="no_such_kind", context={})
    assert not Notification.objects.exists()


def test_creating_a_token_notifies_its_owner(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        token, _key = api_token_create(user=user, name="laptop")

    notification = Notification.objects.get(recipient=user)
    assert notification.kind == "api_token_created"
    assert "laptop" in notification.title
    (email,) = mail.outbox
    assert token.prefix in email.body
