import pytest

from tests.performance.factories import ensure_reference_data, skp_with_indicator


@pytest.fixture(autouse=True)
def _predikat_matrix(request):
    """The predikat matrix and unit rule are reference data seeded by a migration."""
    if "django_db" in {m.name for m in request.node.iter_markers()} or "db" in request.fixturenames:
        request.getfixturevalue("db")
        ensure_reference_data()


@pytest.fixture
def draft_skp(org_world):
    """employee_a's SKP 2026 drawn up by their supervisor, not yet approved."""
    return skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a)


@pytest.fixture
def approved_skp(org_world):
    return skp_with_indicator(
        employee_user=org_world.employee_a, actor=org_world.supervisor_a, approve_by=org_world.supervisor_a
    )


@pytest.fixture
def skp_b(org_world):
    """An approved SKP in agency B."""
    return skp_with_indicator(
        employee_user=org_world.employee_b, actor=org_world.hr_admin_b, approve_by=org_world.hr_admin_b
    )
