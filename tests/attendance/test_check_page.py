"""The check page (docs/rules.md §4): today's place and hours at the top, one button whose label follows
the day (check in → check out → done), the answer after a plain form POST + redirect, an early check-out
refused until the person confirms the band it records, one write per tap, and the home page's cached
day forgotten at once. The clock is moved with `clock` (django.utils.timezone.now)."""

import datetime
import re
import uuid

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from attendance.models import CheckEvent, DayStatus, LeaveKind, LeaveRequest
from attendance.status import day_status_refresh
from attendance.today import day_plan
from flexwork.approvals.models import ApprovalStatus
from schedules.models import Location
from tests.attendance.conftest import MONDAY, OFFICE, at, north_of, schedule_day

PAGE = "/attendance/"


@pytest.fixture
def clock(monkeypatch):
    """Set the server's clock: clock(moment) makes timezone.now() return it from then on."""
    state = {}
    real = timezone.now

    def now():
        return state.get("now") or real()

    def set_to(moment: datetime.datetime) -> None:
        state["now"] = moment

    monkeypatch.setattr(timezone, "now", now)
    return set_to


@pytest.fixture
def page_client(client, employee_a):
    client.force_login(employee_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client, kind, point=OFFICE, *, token=None, confirm=False, accuracy=10):
    data = {
        "kind": kind,
        "latitude": f"{point[0]:.6f}",
        "longitude": f"{point[1]:.6f}",
        "accuracy": str(accuracy),
        "token": str(token or uuid.uuid4()),
    }
    if confirm:
        data["confirm_early"] = "1"
    return client.post(PAGE, data)


def text(response) -> str:
    """The page's visible words, tags stripped, whitespace folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def button_label(response) -> str:
    match = re.search(
        r'<button type="submit" class="check-button" id="check-button">([^<]*)</button>', response.content.decode()
    )
    return match.group(1).strip() if match else ""


def test_before_check_in_the_page_says_where_which_hours_and_offers_check_in(page_client, clock, org_world):
    clock(at(MONDAY, 7, 5))
    page = page_client.get(PAGE)
    assert page.status_code == 200
    words = text(page)
    assert "Own office — " + org_world.sec_a.name in words
    assert "within 100 m of this place" in words
    assert "07:30–16:00" in words
    assert "Not checked in yet" in words
    assert button_label(page) == "Check in now"
    assert 'id="check-result"' not in page.content.decode()


def test_check_in_answers_in_place_and_the_button_becomes_check_out(page_client, clock, employee_a):
    clock(at(MONDAY, 7, 12))
    response = post(page_client, "IN", north_of(OFFICE, 40))
    assert response.status_code == 302
    assert response["Location"] == "/attendance/?recorded=in#check-result"
    page = page_client.get(response["Location"])
    words = text(page)
    assert "Check-in recorded at 07:12." in words
    assert "You are inside the fence: 40 m from" in words
    assert "Checked in at 07:12" in words
    assert 'role="status" tabindex="-1" class="panel check-result ok"' in page.content.decode()
    assert button_label(page) == "Check out now"
    event = CheckEvent.objects.get(employee=employee_a.employee)
    assert event.kind == "IN" and event.inside_fence and event.local_date == MONDAY


def test_far_away_the_answer_shows_kilometres_and_offers_a_correction(page_client, clock):
    clock(at(MONDAY, 7, 12))
    post(page_client, "IN", north_of(OFFICE, 1234))
    words = text(page_client.get("/attendance/?recorded=in"))
    assert "You are outside the fence: 1.2 km from" in words
    assert "Ask for a correction" in words
    page_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "1,2 km" in text(page_client.get("/attendance/?recorded=in"))


def test_a_double_tap_writes_once(page_client, clock, employee_a):
    """Outside the fence a repeated check-in would add an attempt: the tap's token replays instead."""
    clock(at(MONDAY, 7, 12))
    token = uuid.uuid4()
    far = north_of(OFFICE, 3000)
    first = post(page_client, "IN", far, token=token)
    second = post(page_client, "IN", far, token=token)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    event = CheckEvent.objects.get(employee=employee_a.employee)
    assert event.attempt_count == 1 and event.flagged
    # A new tap (a new page, a new token) is a new attempt, as in the API.
    post(page_client, "IN", far)
    event.refresh_from_db()
    assert event.attempt_count == 2


def test_an_early_check_out_is_refused_until_confirmed_with_its_band(page_client, clock, employee_a):
    clock(at(MONDAY, 7, 12))
    post(page_client, "IN")
    clock(at(MONDAY, 15, 35))
    token = uuid.uuid4()
    asked = post(page_client, "OUT", token=token)
    assert asked.status_code == 400
    words = text(asked)
    assert "You are leaving 25 minutes early." in words
    assert "It is recorded as PSW1 (early leave of 1–30 minutes)" in words
    assert "Your working hours today end at 16:00." in words
    assert 'name="confirm_early" value="1"' in asked.content.decode()
    assert f'name="token" value="{token}"' in asked.content.decode()
    assert not CheckEvent.objects.filter(employee=employee_a.employee, kind="OUT").exists()
    # Cancel is a plain link back: nothing is recorded and the button still says check out.
    back = page_client.get(PAGE)
    assert button_label(back) == "Check out now"
    assert not CheckEvent.objects.filter(employee=employee_a.employee, kind="OUT").exists()
    # Confirmed: recorded once, and the day's status stores the band that was announced.
    confirmed = post(page_client, "OUT", token=token, confirm=True)
    assert confirmed.status_code == 302
    assert post(page_client, "OUT", token=token, confirm=True).status_code == 302  # a double tap
    out = CheckEvent.objects.get(employee=employee_a.employee, kind="OUT")
    assert out.attempt_count == 1
    day_status_refresh(employee_id=employee_a.employee.id, local_date=MONDAY)
    status = DayStatus.objects.get(employee=employee_a.employee, local_date=MONDAY)
    assert status.departure == "PSW1" and status.early_minutes == 25
    done = page_client.get(confirmed["Location"])
    words = text(done)
    assert "Check-out recorded at 15:35." in words
    assert "Today's attendance is complete" in words
    assert 'id="check-button"' not in done.content.decode()


def test_a_mis_tap_hours_before_the_end_names_psw4(page_client, clock, employee_a):
    clock(at(MONDAY, 4, 23))
    asked = post(page_client, "OUT")
    assert asked.status_code == 400
    words = text(asked)
    assert "You are leaving 697 minutes early." in words
    assert "It is recorded as PSW4 (early leave of 91 minutes or more)" in words
    assert not CheckEvent.objects.filter(employee=employee_a.employee).exists()
    page_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "PSW4" in text(post(page_client, "OUT"))


def test_a_check_out_at_or_after_the_end_asks_nothing(page_client, clock, employee_a):
    clock(at(MONDAY, 7, 10))
    post(page_client, "IN")
    clock(at(MONDAY, 16, 0))
    assert post(page_client, "OUT").status_code == 302
    assert CheckEvent.objects.filter(employee=employee_a.employee, kind="OUT").exists()


def test_on_official_duty_an_early_check_out_asks_nothing(page_client, clock, employee_a):
    employee = employee_a.employee
    LeaveRequest.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=LeaveKind.DINAS_LUAR,
        date_from=MONDAY,
        date_to=MONDAY,
        status=ApprovalStatus.APPROVED,
    )
    clock(at(MONDAY, 10, 0))
    assert post(page_client, "OUT").status_code == 302
    assert "Official duty" in text(page_client.get(PAGE))


def test_a_post_without_a_position_records_nothing(page_client, clock, employee_a):
    clock(at(MONDAY, 7, 12))
    response = page_client.post(PAGE, {"kind": "IN", "token": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "Your position could not be read, so nothing was recorded." in text(response)
    assert not CheckEvent.objects.exists()


def test_the_home_page_shows_the_check_in_at_once(page_client, clock, employee_a):
    clock(at(MONDAY, 7, 12))
    before = page_client.get("/")
    assert before.status_code == 200
    post(page_client, "IN")
    after = text(page_client.get("/"))
    assert "07:12" in after


def test_a_home_day_without_an_approved_home_links_to_registering_one(page_client, clock, employee_a):
    schedule_day(employee_a, MONDAY, Location.HOME)
    clock(at(MONDAY, 7, 0))
    page = page_client.get(PAGE)
    words = text(page)
    assert "You have no approved home location yet" in words
    assert 'href="/profile/home-location/"' in page.content.decode()
    assert "Register your home location" in words


def test_a_home_day_with_an_approved_home_names_its_address(page_client, clock, employee_a, home_a):
    from flexwork.onboarding.models import HomeLocationRequest

    employee = employee_a.employee
    HomeLocationRequest.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        latitude="-5.135000",
        longitude="119.420000",
        address="Jl. Cendrawasih No. 12, Mamajang",
        status="APPROVED",
        decided_at=at(MONDAY, 6, 0) - datetime.timedelta(days=3),
    )
    schedule_day(employee_a, MONDAY, Location.HOME)
    clock(at(MONDAY, 7, 0))
    page = page_client.get(PAGE)
    words = text(page)
    assert "Home — Jl. Cendrawasih No. 12, Mamajang" in words
    assert "register" not in words.lower()


def test_the_page_reads_a_fixed_number_of_queries(page_client, clock, django_assert_num_queries):
    clock(at(MONDAY, 7, 0))
    page_client.get(PAGE)
    with django_assert_num_queries(18):
        page_client.get(PAGE)
    post(page_client, "IN")
    with django_assert_num_queries(18):
        page_client.get(PAGE)


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(15, 59, ("PSW1", 1, 1, 30)), (15, 30, ("PSW1", 30, 1, 30)), (15, 29, ("PSW2", 31, 31, 60)),
     (14, 30, ("PSW3", 90, 61, 90)), (14, 29, ("PSW4", 91, 91, None)), (16, 0, None)],
)  # fmt: skip
def test_the_early_leave_bands(employee_a, hour, minute, expected):
    plan = day_plan(employee=employee_a.employee, local_date=MONDAY)
    early = plan.early_leave(at(MONDAY, hour, minute))
    if expected is None:
        assert early is None
    else:
        assert (early.band, early.minutes, early.low, early.high) == expected


@pytest.mark.parametrize(("language", "metres", "shown"), [("id", 850, "850 m"), ("id", 999.6, "1,0 km"),
                         ("id", 1234, "1,2 km"), ("en", 1234, "1.2 km"), ("id", 12345678, "12.345,7 km")])  # fmt: skip
def test_distances_read_in_metres_then_kilometres(language, metres, shown):
    with translation.override(language):
        assert Template("{% load attendance_tags %}{{ d|distance }}").render(Context({"d": metres})) == shown
