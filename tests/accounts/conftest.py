import sys
import types

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


def password_login(client, user, password=PASSWORD):
    """A real sign-in through allauth's form: unlike force_login it leaves allauth's record of the
    sign-in in the session, which counts as a recent reauthentication for token creation."""
    response = client.post(reverse("account_login"), {"login": user.username, "password": password})
    assert response.status_code == 302, response
    return client


def recently_signed_in(client, user):
    """Give a force_login session allauth's record of a password sign-in made just now (what a
    real sign-in leaves), so that token creation does not first ask for the password again."""
    import time

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "username": user.username, "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def logged_in_client(client, user):
    return password_login(client, user)


@pytest.fixture
def sent_notifications(monkeypatch):
    """Records every notification_send call. When the notifications app is there, the real function
    still runs (so its outbox row is written); if it is not there yet, a stand-in module replaces it."""
    calls: list[dict] = []
    try:
        from flexwork.notifications import services as module

        real = module.notification_send
    except ImportError:
        module = types.ModuleType("flexwork.notifications.services")
        monkeypatch.setitem(sys.modules, "flexwork.notifications.services", module)
        real = None

    def spy(**kwargs):
        calls.append(kwargs)
        if real is not None:
            real(**kwargs)

    monkeypatch.setattr(module, "notification_send", spy, raising=False)
    return calls


def totp_enrol(user) -> str:
    """Give `user` an authenticator app; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def totp_user(db):
    user = UserFactory(mfa_required=True)
    totp_enrol(user)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return user
