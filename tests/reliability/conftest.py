import pytest

from tests.reliability.world import build_world
from tests.schedules.conftest import monday  # noqa: F401 - the Monday of the week after next


@pytest.fixture
def world(org_world):
    return build_world(org_world)
