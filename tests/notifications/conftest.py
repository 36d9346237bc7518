import itertools

import pytest

from flexwork.accounts.models import User

PASSWORD = "kuda-lari-kencang-42"
_numbers = itertools.count(1)


def make_user(*, language: str = "en", email: str | None = None, **extra) -> User:
    n = next(_numbers)
    return User.objects.create_user(
        username=f"19850505201001{n:04d}",
        email=f"notif{n}@example.go.id" if email is None else email,
        password=PASSWORD,
        language=language,
        first_name=extra.pop("first_name", "Ani"),
        **extra,
    )


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def other_user(db):
    return make_user()
