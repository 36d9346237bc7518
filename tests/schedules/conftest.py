"""Helpers for the arrangement tests, on top of the personas of tests/conftest.py:
employee_a (A-SEC) → recommender supervisor_a (A-SEC) → decider unit_head_a (head of A-DIV)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from flexwork.common.calendar import office_today, today_in
from flexwork.org.models import Employee
from schedules import services


def emp(user) -> Employee:
    return Employee.objects.select_related("unit", "agency", "position", "supervisor", "user").get(user=user)


def next_monday(weeks_ahead: int = 2, *, employee_user=None) -> datetime.date:
    """A Monday far enough ahead for the lead time (default: the Monday of the week after next)."""
    today = office_today(emp(employee_user)) if employee_user else today_in("Asia/Makassar")  # agency A
    monday = today - datetime.timedelta(days=today.weekday())
    return monday + datetime.timedelta(weeks=weeks_ahead)


def days(start: datetime.date, *offsets: int) -> list[datetime.date]:
    return [start + datetime.timedelta(days=offset) for offset in offsets]


WORK_PLAN = [{"description": "Draf laporan", "quantity": "1", "unit": "dokumen"}]


def arrangement_input(dates, *, location="HOME", work_plan=None, **extra) -> services.ArrangementInput:
    return services.ArrangementInput(
        location=location,
        requested_dates=list(dates),
        work_plan=list(WORK_PLAN if work_plan is None else work_plan),
        reason=extra.pop("reason", "Menyusun laporan"),
        **extra,
    )


def create(user, dates, *, submit=True, **kwargs):
    ar, result = services.arrangement_request_create(
        employee=emp(user), data=arrangement_input(dates, **kwargs), actor=user, submit=submit
    )
    return ar


def fetch(ar):
    from schedules.models import ArrangementRequest

    return ArrangementRequest.objects.select_related(
        "employee__unit", "employee__agency", "employee__user", "employee__position", "employee__supervisor"
    ).get(id=ar.id)


def approve_fully(ar, *, supervisor, decider, override_reason=""):
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor)
    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=decider, override_reason=override_reason)
    return fetch(ar)


PERSONA_HOME = (Decimal("-5.135000"), Decimal("119.420000"))


@pytest.fixture(autouse=True)
def personas_have_homes(request):
    """The personas' approved home locations: their HOME requests break no rule (HOME_NOT_REGISTERED,
    docs/rules.md §3). A test of that rule clears them (tests/onboarding/test_home_location_flow.py)."""
    if "org_world" not in request.fixturenames:
        return
    world = request.getfixturevalue("org_world")
    Employee.objects.filter(agency_id__in=[world.agency_a.id, world.agency_b.id]).update(
        home_latitude=PERSONA_HOME[0], home_longitude=PERSONA_HOME[1]
    )
    for value in vars(world).values():
        employee = getattr(value, "employee", None) if hasattr(value, "username") else None
        if isinstance(employee, Employee):
            employee.home_latitude, employee.home_longitude = PERSONA_HOME


@pytest.fixture
def monday(employee_a):
    return next_monday(2, employee_user=employee_a)


@pytest.fixture
def body(monday):
    """A valid API body: WFH on Monday and Friday of the week after next."""
    return {
        "location": "HOME",
        "dates": [monday.isoformat(), (monday + datetime.timedelta(days=4)).isoformat()],
        "reason": "Menyusun laporan triwulan",
        "work_plan": [{"description": "Draf laporan", "quantity": 1, "unit": "dokumen", "indicator": None}],
    }
