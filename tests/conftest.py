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
#
# The personas are built through the services ONCE per test session and committed to the test
# database; every test still runs in its own transaction and rolls back, so what a test writes never
# reaches the next one. `org_world` hands each test fresh instances read by id, so an attribute a
# test sets in memory does not leak either. A transactional test (transaction=True, live_server)
# commits and is flushed afterwards: the world is then rebuilt before the next test that asks for it
# (pytest_runtest_setup below), outside any test transaction.

WORLD_UNITS = ("root_a", "div_a", "sec_a", "hr_unit_a", "root_b")
WORLD_PERSONAS = (
    "employee_a",
    "supervisor_a",
    "unit_head_a",
    "agency_head_a",
    "hr_admin_a",
    "employee_b",
    "hr_admin_b",
)


def _world_build() -> dict:
    """The persona world through the services; returns the ids of its objects by name."""
    from flexwork.org import services
    from flexwork.org.models import Role
    from tests.org.factories import AgencyFactory, EmployeeFactory, PositionFactory, UnitFactory, persona_nip

    nips = iter(persona_nip(n) for n in range(len(WORLD_PERSONAS)))
    a = AgencyFactory(code="AGA", name="Dinas A", time_zone="Asia/Makassar")
    root_a = UnitFactory(agency=a, code="A-ROOT", name="Sekretariat A", parent=None)
    div_a = UnitFactory(agency=a, code="A-DIV", name="Bidang A", parent=root_a)
    sec_a = UnitFactory(agency=a, code="A-SEC", name="Seksi A", parent=div_a)
    hr_unit_a = UnitFactory(agency=a, code="A-HR", name="Subbagian Kepegawaian A", parent=root_a)
    position_a = PositionFactory(agency=a, code="A-ANALIS", name="Analis")

    def person(**kwargs):
        return EmployeeFactory(nip=next(nips), **kwargs)

    head = person(agency=a, unit=root_a, position=position_a, name="Kepala Dinas A")
    unit_head = person(agency=a, unit=div_a, position=position_a, supervisor=head, name="Kepala Bidang A")
    supervisor = person(agency=a, unit=sec_a, position=position_a, supervisor=unit_head, name="Kasi A")
    employee = person(agency=a, unit=sec_a, position=position_a, supervisor=supervisor, name="Pegawai A")
    hr = person(agency=a, unit=hr_unit_a, position=position_a, supervisor=head, name="Admin SDM A")
    services.unit_update(unit=root_a, data={"head": head})
    services.unit_update(unit=div_a, data={"head": unit_head})
    services.role_assign(agency=a, user=head.user, role=Role.AGENCY_HEAD)
    services.role_assign(agency=a, user=hr.user, role=Role.HR_ADMIN)

    b = AgencyFactory(code="AGB", name="Dinas B", time_zone="Asia/Jakarta")
    root_b = UnitFactory(agency=b, code="B-ROOT", name="Sekretariat B", parent=None)
    position_b = PositionFactory(agency=b, code="B-ANALIS", name="Analis")
    hr_b = person(agency=b, unit=root_b, position=position_b, name="Admin SDM B")
    employee_b = person(agency=b, unit=root_b, position=position_b, supervisor=hr_b, name="Pegawai B")
    services.role_assign(agency=b, user=hr_b.user, role=Role.HR_ADMIN)
    units = dict(zip(WORLD_UNITS, (root_a, div_a, sec_a, hr_unit_a, root_b), strict=True))
    people = (employee, supervisor, unit_head, head, hr, employee_b, hr_b)
    return {
        "agency": {"agency_a": a.id, "agency_b": b.id},
        "unit": {name: unit.id for name, unit in units.items()},
        "position": {"position_a": position_a.id, "position_b": position_b.id},
        "employee": {name: e.id for name, e in zip(WORLD_PERSONAS, people, strict=True)},
    }


class PersonaWorld:
    """The committed persona world of this test session: its ids, and whether it is still there."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.ids: dict | None = None

    def present(self) -> bool:
        from flexwork.org.models import Agency

        return self.ids is not None and Agency.objects.filter(id=self.ids["agency"]["agency_a"]).exists()

    def ensure(self) -> None:
        """Build the world (committed) unless it is there; called outside any test transaction."""
        from django.core.management import call_command
        from django.db import transaction

        from flexwork.org.models import Agency

        with self.blocker.unblock():
            if self.present():
                return
            if Agency.objects.filter(code__in=["AGA", "AGB"]).exists():
                call_command("flush", interactive=False, verbosity=0)  # left by an interrupted session
            with transaction.atomic():
                self.ids = _world_build()

    def remove(self) -> None:
        """Leave a reused test database as a transactional test leaves it: empty."""
        from django.core.management import call_command

        with self.blocker.unblock():
            if self.ids is not None:
                call_command("flush", interactive=False, verbosity=0)
            self.ids = None

    def fetch(self):
        """Fresh instances of the world, wired to each other the way the services returned them
        (a persona's `.employee`, an employee's unit, agency, position and supervisor, a unit's
        parent and head): five queries, no lazy loads afterwards."""
        from types import SimpleNamespace

        from flexwork.accounts.models import User
        from flexwork.org.models import Agency, Employee, Position, Unit

        ids = self.ids
        agencies = Agency.objects.in_bulk(ids["agency"].values())
        units = Unit.objects.in_bulk(ids["unit"].values())
        positions = Position.objects.in_bulk(ids["position"].values())
        employees = Employee.objects.in_bulk(ids["employee"].values())
        users = User.objects.in_bulk([e.user_id for e in employees.values()])
        loaded = {Agency: agencies, Unit: units, Position: positions, Employee: employees, User: users}
        for objects in loaded.values():
            for obj in objects.values():
                for field in obj._meta.concrete_fields:
                    target = loaded.get(field.related_model) if field.is_relation else None
                    if target is not None and getattr(obj, field.attname) in target:
                        field.set_cached_value(obj, target[getattr(obj, field.attname)])
        for employee in employees.values():
            Employee._meta.get_field("user").remote_field.set_cached_value(users[employee.user_id], employee)
        return SimpleNamespace(
            **{name: agencies[pk] for name, pk in ids["agency"].items()},
            **{name: units[pk] for name, pk in ids["unit"].items()},
            **{name: positions[pk] for name, pk in ids["position"].items()},
            **{name: users[employees[pk].user_id] for name, pk in ids["employee"].items()},
        )


_persona_world: PersonaWorld | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the fixtures of a test that uses the personas: rebuild them if a transactional test's
    flush took them away (here, outside the transaction the test is about to open)."""
    if _persona_world is not None and "org_world" in item.fixturenames:
        _persona_world.ensure()


@pytest.fixture(scope="session")
def persona_world(django_db_setup, django_db_blocker):
    global _persona_world
    _persona_world = PersonaWorld(django_db_blocker)
    _persona_world.ensure()
    yield _persona_world
    _persona_world.remove()
    _persona_world = None


@pytest.fixture
def org_world(persona_world, db):
    if not persona_world.present():  # flushed by a transactional test that itself asked for the world
        persona_world.ensure()
    return persona_world.fetch()


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

    return get_user_model().objects.create_user(
        username="operator", password="demo-pass-123", is_staff=True, is_superuser=True
    )


@pytest.fixture
def client_for():
    """client_for(user) → an APIClient authenticated as `user` (DRF force_authenticate)."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
