import sys
import types

import pytest


@pytest.fixture
def make_user(db):
    from flexwork.accounts.models import User

    def make(username: str, **extra):
        return User.objects.create_user(username=username, password="correct-horse-battery", **extra)

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice", language="en")


@pytest.fixture
def bob(make_user):
    return make_user("bob", language="en")


@pytest.fixture
def token_for(monkeypatch):
    """A personal API token for a user (the key). The notification it sends is stubbed only when the
    notifications app cannot be imported yet."""
    try:
        from flexwork.notifications.services import notification_send  # noqa: F401
    except ImportError:
        stub = types.ModuleType("flexwork.notifications.services")
        stub.notification_send = lambda **kwargs: None
        monkeypatch.setitem(sys.modules, "flexwork.notifications.services", stub)

    from flexwork.accounts.services import api_token_create

    def make(user) -> str:
        _token, key = api_token_create(user=user, name="t")
        return key

    return make


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Each test stores evidence in its own temporary directory."""
    root = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root
