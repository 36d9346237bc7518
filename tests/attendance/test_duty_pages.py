"""Today's duty on the home and check pages (docs/rules.md §8): the duty at hand with its hours and
check-in window, a day off or rest day plainly, the confirmation naming the duty, early leave against
the duty's end. Monday–Friday staff see no duty card."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from attendance.models import CheckEvent
from shifts.models import DutyKind
from tests.attendance.conftest import MONDAY, at
from tests.attendance.test_check_page import clock, post, text  # noqa: F401
from tests.attendance.test_duty_checks import SUNDAY, make_duty, nurse  # noqa: F401
from tests.shifts.conftest import nurses, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = "/attendance/"
NEXT_MONDAY = SUNDAY + datetime.timedelta(days=1)


@pytest.fixture
def nurse_client(client, nurse):  # noqa: F811
    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_home_page_shows_tonights_duty_and_when_check_in_opens(nurse_client, nurse, shift_types, clock):  # noqa: F811
    make_duty(nurse, SUNDAY, shift_types["M"])
    clock(at(SUNDAY, 15, 0))
    page = text(nurse_client.get("/"))
    assert "Today's duty Malam 21:00–07:00 (+1)" in page
    assert "Check-in opens at 20:00" in page


def test_the_check_page_follows_the_running_night_duty(nurse_client, nurse, shift_types, clock):  # noqa: F811
    duty = make_duty(nurse, SUNDAY, shift_types["M"])
    clock(at(SUNDAY, 20, 40))
    response = post(nurse_client, "IN")
    assert response.status_code == 302
    shown = text(nurse_client.get(response["Location"]))
    assert "Check-in for the Malam duty, Sunday 8 Mar." in shown
    assert CheckEvent.objects.get(employee_id=nurse.employee.id).duty_id == duty.id
    # After midnight the page is still Sunday's duty: the card says it runs, the button checks out.
    clock(at(NEXT_MONDAY, 2, 0))
    page = text(nurse_client.get(PAGE))
    assert "Duty now Malam 21:00–07:00 (+1)" in page and "Check out now" in page
    assert "Checked in at" in page


def test_an_early_check_out_is_banded_against_the_duty_end(nurse_client, nurse, shift_types, clock):  # noqa: F811
    make_duty(nurse, SUNDAY, shift_types["M"])
    clock(at(SUNDAY, 20, 55))
    post(nurse_client, "IN")
    clock(at(NEXT_MONDAY, 6, 20))
    refused = post(nurse_client, "OUT")
    assert refused.status_code == 400
    assert "PSW2" in text(refused) and "Your duty ends at 07:00" in text(refused)


def test_a_day_off_reads_plainly(nurse_client, nurse, clock):  # noqa: F811
    make_duty(nurse, MONDAY, None, kind=DutyKind.OFF)
    clock(at(MONDAY, 10, 0))
    assert "Today's duty Day off" in text(nurse_client.get("/"))


def test_the_indonesian_card(client, nurse, shift_types, clock):  # noqa: F811
    make_duty(nurse, SUNDAY, shift_types["M"])
    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    clock(at(SUNDAY, 15, 0))
    page = text(client.get("/"))
    assert "Dinas hari ini Malam 21:00–07:00 (+1)" in page and "Presensi masuk dibuka 20:00" in page


def test_a_mon_fri_employee_sees_no_duty_card(client, employee_a, clock):  # noqa: F811
    client.force_login(employee_a)
    clock(at(MONDAY, 9, 0))
    assert 'id="duty-today"' not in client.get("/").content.decode()
    assert 'id="duty-today"' not in client.get(PAGE).content.decode()
