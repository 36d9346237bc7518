import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Rows that migrations seed (the predikat matrix) are emptied by every transactional test's
    flush. Put them back before any database test, instead of serialized_rollback, which breaks
    when it follows a flush that recreated content types."""
    if request.node.get_closest_marker("django_db") is None and not (
        {"db", "transactional_db"} & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from performance.models import PredikatMatrixCell

    if not PredikatMatrixCell.objects.exists():
        from tests.performance.factories import ensure_reference_data

        ensure_reference_data()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache: never let them leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


# ---------------------------------------------------------------------------- personas
# Agency A (WITA): root "A-ROOT" headed by agency_head_a; "A-DIV" (decision level) headed by
# unit_head_a; "A-SEC" under A-DIV where supervisor_a supervises employee_a; "A-HR" where hr_admin_a
# works. Agency B (WIB): employee_b and hr_admin_b. Each persona is a User with `.employee`.


@pytest.fixture
def org_world(db):
    from types import SimpleNamespace

    from flexwork.org import services
    from flexwork.org.models import Role
    from tests.org.factories import AgencyFactory, EmployeeFactory, PositionFactory, UnitFactory

    a = AgencyFactory(code="AGA", name="Dinas A", time_zone="Asia/Makassar")
    root_a = UnitFactory(agency=a, code="A-ROOT", name="Sekretariat A", parent=None)
    div_a = UnitFactory(agency=a, code="A-DIV", name="Bidang A", parent=root_a)
    sec_a = UnitFactory(agency=a, code="A-SEC", name="Seksi A", parent=div_a)
    hr_unit_a = UnitFactory(agency=a, code="A-HR", name="Subbagian Kepegawaian A", parent=root_a)
    position_a = PositionFactory(agency=a, code="A-ANALIS", name="Analis")
    head = EmployeeFactory(agency=a, unit=root_a, position=position_a, name="Kepala Dinas A")
    unit_head = EmployeeFactory(agency=a, unit=div_a, position=position_a, supervisor=head, name="Kepala Bidang A")
    supervisor = EmployeeFactory(agency=a, unit=sec_a, position=position_a, supervisor=unit_head, name="Kasi A")
    employee = EmployeeFactory(agency=a, unit=sec_a, position=position_a, supervisor=supervisor, name="Pegawai A")
    hr = EmployeeFactory(agency=a, unit=hr_unit_a, position=position_a, supervisor=head, name="Admin SDM A")
    services.unit_update(unit=root_a, data={"head": head})
    services.unit_update(unit=div_a, data={"head": unit_head})
    services.role_assign(agency=a, user=head.user, role=Role.AGENCY_HEAD)
    services.role_assign(agency=a, user=hr.user, role=Role.HR_ADMIN)

    b = AgencyFactory(code="AGB", name="Dinas B", time_zone="Asia/Jakarta")
    root_b = UnitFactory(agency=b, code="B-ROOT", name="Sekretariat B", parent=None)
    position_b = PositionFactory(agency=b, code="B-ANALIS", name="Analis")
    hr_b = EmployeeFactory(agency=b, unit=root_b, position=position_b, name="Admin SDM B")
    employee_b = EmployeeFactory(agency=b, unit=root_b, position=position_b, supervisor=hr_b, name="Pegawai B")
    services.role_assign(agency=b, user=hr_b.user, role=Role.HR_ADMIN)
    return SimpleNamespace(
        agency_a=a,
        agency_b=b,
        root_a=root_a,
        div_a=div_a,
        sec_a=sec_a,
        hr_unit_a=hr_unit_a,
        root_b=root_b,
        position_a=position_a,
        position_b=position_b,
        employee_a=employee.user,
        supervisor_a=supervisor.user,
        unit_head_a=unit_head.user,
        agency_head_a=head.user,
        hr_admin_a=hr.user,
        employee_b=employee_b.user,
        hr_admin_b=hr_b.user,
    )


@pytest.fixture
def agency_a(org_world):
    return org_world.agency_a


@pytest.fixture
def agency_b(org_world):
    return org_world.agency_b


@pytest.fixture
def employee_a(org_world):
    return org_world.employee_a


@pytest.fixture
def supervisor_a(org_world):
    return org_world.supervisor_a


@pytest.fixture
def unit_head_a(org_world):
    return org_world.unit_head_a


@pytest.fixture
def hr_admin_a(org_world):
    return org_world.hr_admin_a


@pytest.fixture
def agency_head_a(org_world):
    return org_world.agency_head_a


@pytest.fixture
def employee_b(org_world):
    return org_world.employee_b


@pytest.fixture
def hr_admin_b(org_world):
    return org_world.hr_admin_b


@pytest.fixture
def platform_operator(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="operator", password="demo-pass-123", is_staff=True)


@pytest.fixture
def client_for():
    """client_for(user) → an APIClient authenticated as `user` (DRF force_authenticate)."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
