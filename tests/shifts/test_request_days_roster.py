"""The "which days" step of an arrangement request for a roster employee (docs/rules.md §8
"Flexibility on duties"): their working days are their duty dates, so the picker shows whole weeks,
a weekend shift can be chosen, a day off or a date without a published duty cannot."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from flexwork.common.calendar import office_today
from schedules.models import ArrangementRequest
from shifts.models import Duty, DutyKind
from tests.shifts.conftest import fetch_employee, month_start

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_a_nurse_picks_from_her_duty_dates_weekends_included(nurses, published_roster):
    published_roster(month_start(0))
    published_roster(month_start(1))
    nurse = fetch_employee(nurses[0].employee.id)
    tomorrow = office_today(nurse) + datetime.timedelta(days=1)
    duties = Duty.objects.filter(employee_id=nurse.id, is_active=True, is_published=True, duty_date__gte=tomorrow)
    weekend_shift = duties.filter(kind=DutyKind.SHIFT, duty_date__week_day__in=(1, 7)).order_by("duty_date").first()
    day_off = duties.exclude(kind=DutyKind.SHIFT).order_by("duty_date").first()

    html = client_for(nurses[0]).get("/arrangements/new/days/?location=HOME").content.decode()

    assert "Tap each day of a duty you want." in html
    assert "sched-picker sched-week-7" in html
    assert f'value="{weekend_shift.duty_date.isoformat()}"' in html
    assert f'value="{day_off.duty_date.isoformat()}"' not in html
    assert f"{weekend_shift.shift_type.name}" in html  # the duty named for a screen reader


def test_a_date_without_a_duty_cannot_be_sent(nurses, published_roster):
    published_roster(month_start(0))
    published_roster(month_start(1))
    nurse = fetch_employee(nurses[0].employee.id)
    tomorrow = office_today(nurse) + datetime.timedelta(days=1)
    off = (
        Duty.objects.filter(employee_id=nurse.id, is_active=True, duty_date__gte=tomorrow)
        .exclude(kind=DutyKind.SHIFT)
        .order_by("duty_date")
        .first()
    )
    response = client_for(nurses[0]).post("/arrangements/new/days/", {"location": "HOME", "dates": [off.duty_date]})
    assert "Choose days from the calendar." in response.content.decode()
    assert not ArrangementRequest.objects.exists()
