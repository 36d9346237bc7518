from tests.schedules.conftest import body, monday  # noqa: F401
