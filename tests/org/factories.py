"""factory_boy factories for the organisation app. They go through the services, so every
object is valid the way production makes it (paths, policies, NIPs)."""

from __future__ import annotations

import datetime

import factory

from flexwork.org import services
from flexwork.org.models import (
    Agency,
    DesignatedLocation,
    Employee,
    EmployeeType,
    Holiday,
    Position,
    PositionType,
    Unit,
)


def nip_for(n: int, *, employee_type: str = EmployeeType.PNS) -> str:
    """A valid NIP, unique per `n`: birth date, start year and month (PPPK: other digits), sex, sequence."""
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=n)
    start_year = 2000 + n % 20
    middle = f"{n % 12 + 1:02d}" if employee_type == EmployeeType.PNS else f"{n % 90 + 10:02d}"
    return f"{birth:%Y%m%d}{start_year}{middle}{n % 2 + 1}{n % 999 + 1:03d}"


def persona_nip(n: int) -> str:
    """The NIPs of the persona world (tests/conftest.py), which stays committed for the whole test
    session: born 1 January 1965, before any birth date `nip_for` makes (1970 onwards), so neither
    the factories' sequence nor a test's own `nip_for(n)` ever collides with a persona."""
    return f"196501012005{n % 12 + 1:02d}{n % 2 + 1}{n + 1:03d}"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG{n:04d}")
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")
    time_zone = "Asia/Makassar"
    mfa_required_for_hr = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.agency_create(**kwargs)


def _root_or_none(agency: Agency) -> Unit | None:
    return Unit.objects.filter(agency=agency, parent__isnull=True).first()


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Bidang {n}")
    office_latitude = "-5.147700"
    office_longitude = "119.432700"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if "parent" not in kwargs:
            kwargs["parent"] = _root_or_none(kwargs["agency"])
        return services.unit_create(**kwargs)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"J{n:04d}")
    name = factory.Sequence(lambda n: f"Analis {n}")
    type = PositionType.PELAKSANA
    is_fwa_eligible = True
    task_outside_office = True
    task_no_special_equipment = True
    task_ict_feasible = True
    task_minimal_face_to_face = True
    task_no_continuous_supervision = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.position_create(**kwargs)


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    agency = factory.SubFactory(AgencyFactory)
    unit = factory.LazyAttribute(lambda o: _root_or_none(o.agency) or UnitFactory(agency=o.agency, parent=None))
    position = factory.LazyAttribute(lambda o: PositionFactory(agency=o.agency))
    employee_type = EmployeeType.PNS
    nip = factory.LazyAttributeSequence(lambda o, n: nip_for(n + 1, employee_type=o.employee_type))
    name = factory.Faker("name", locale="id_ID")
    position_start_date = datetime.date(2020, 1, 1)
    password = "demo-pass-123"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.employee_create(**kwargs)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignatedLocation

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Co-working {n}")
    latitude = "-5.135000"
    longitude = "119.420000"
    radius_m = 150

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.location_create(**kwargs)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    agency = factory.SubFactory(AgencyFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    name = factory.Sequence(lambda n: f"Libur {n}")
    kind = "LIBUR_NASIONAL"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.holiday_create(**kwargs)
