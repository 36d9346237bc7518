from tests.schedules.conftest import body, monday, personas_have_homes  # noqa: F401
