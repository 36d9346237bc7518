"""The roster pages (docs/rules.md §8): who may open them, generate, publish (a double tap writes once),
per-cell edits, names not NIPs, and fixed query counts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from flexwork.common import nav
from flexwork.notifications.models import Notification
from shifts import rosters
from shifts.models import Duty, DutyKind, DutySource, Roster, ShiftCoverage
from tests.shifts.conftest import month_start


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def draft(unit, months=2):
    roster = rosters.roster_for(unit=unit, period_start=month_start(months))
    rosters.roster_generate(roster=roster)
    roster.refresh_from_db()
    return roster


@pytest.mark.django_db
def test_roster_list_for_the_head_with_create(roster_unit, roster_head, assigned):
    client = client_of(roster_head)
    page = client.get(reverse("shifts:rosters"))
    assert page.status_code == 200
    assert roster_unit.name in page.content.decode()
    response = client.post(
        reverse("shifts:roster_create"), {"unit": roster_unit.id, "period_start": month_start(1).isoformat()}
    )
    roster = Roster.objects.get(unit=roster_unit, period_start=month_start(1))
    assert response.status_code == 302 and response.url == reverse("shifts:roster", args=[roster.id])


@pytest.mark.django_db
def test_roster_pages_refuse_staff_and_other_units(roster_unit, assigned, nurses, unit_head_a, hr_admin_b):
    roster = draft(roster_unit)
    assert client_of(nurses[0]).get(reverse("shifts:rosters")).status_code == 403
    assert client_of(nurses[0]).get(reverse("shifts:roster", args=[roster.id])).status_code == 200  # read-only
    assert client_of(hr_admin_b).get(reverse("shifts:roster", args=[roster.id])).status_code in (403, 404)
    assert client_of(hr_admin_b).get(reverse("shifts:roster", args=[roster.id])).status_code == 404
    post = client_of(nurses[0]).post(
        reverse("shifts:roster_publish", args=[roster.id]), {"version": roster.version, "override_reason": "x"}
    )
    assert post.status_code == 403
    assert not Roster.objects.get(id=roster.id).is_published


@pytest.mark.django_db
def test_a_draft_is_not_shown_to_staff(roster_unit, assigned, nurses):
    roster = draft(roster_unit)
    html = client_of(nurses[0]).get(reverse("shifts:roster", args=[roster.id])).content.decode()
    assert 'id="roster-grid"' not in html


@pytest.mark.django_db
def test_roster_page_shows_names_codes_and_counts(roster_unit, roster_head, assigned, nurses, shift_types):
    ShiftCoverage.objects.create(
        agency_id=roster_unit.agency_id, unit=roster_unit, shift_type=shift_types["M"], day_kind="WEEKDAY", min_staff=2
    )
    roster = draft(roster_unit)
    html = client_of(roster_head).get(reverse("shifts:roster", args=[roster.id])).content.decode()
    for nurse in nurses:
        assert nurse.employee.name in html
        assert nurse.employee.nip not in html
    assert 'data-mark="M"' in html and "+1" in html
    assert 'data-minimum="2"' in html
    assert "COVERAGE_SHIFT_MIN" in html  # the warnings are listed (their code only as a data attribute)
    assert 'name="override_reason"' in html


@pytest.mark.django_db
def test_generate_then_publish_and_a_double_tap_writes_once(roster_unit, roster_head, assigned, nurses):
    roster = rosters.roster_for(unit=roster_unit, period_start=month_start(2))
    client = client_of(roster_head)
    generated = client.post(reverse("shifts:roster_generate", args=[roster.id]), {"version": roster.version})
    assert generated.status_code == 302
    assert Duty.objects.filter(roster=roster).count() == 4 * len(
        range((roster.period_end - roster.period_start).days + 1)
    )
    roster.refresh_from_db()
    body = {"version": roster.version, "override_reason": "Sudah dibahas dengan tim"}
    first = client.post(reverse("shifts:roster_publish", args=[roster.id]), body)
    assert first.status_code == 302
    second = client.post(reverse("shifts:roster_publish", args=[roster.id]), body)
    assert second.status_code == 409
    assert "sched-error-summary" in second.content.decode()
    assert Notification.objects.filter(kind="roster_published", recipient=nurses[0]).count() == 1


@pytest.mark.django_db
def test_publish_over_warnings_without_a_reason_stays_on_the_page(roster_unit, roster_head, assigned):
    roster = rosters.roster_for(unit=roster_unit, period_start=month_start(0))  # late: ROSTER_LATE
    rosters.roster_generate(roster=roster)
    roster.refresh_from_db()
    response = client_of(roster_head).post(
        reverse("shifts:roster_publish", args=[roster.id]), {"version": roster.version}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-code="ROSTER_LATE"' in html and "error-message" in html
    assert not Roster.objects.get(id=roster.id).is_published


@pytest.mark.django_db
def test_cell_edit_on_a_draft_and_a_double_tap(roster_unit, roster_head, assigned, nurses):
    roster = draft(roster_unit)
    day = roster.period_start + datetime.timedelta(days=4)
    client = client_of(roster_head)
    form = client.get(
        reverse("shifts:roster", args=[roster.id]), {"edit": nurses[1].employee.id, "date": day.isoformat()}
    )
    assert 'id="cell-edit"' in form.content.decode()
    body = {"employee": nurses[1].employee.id, "duty_date": day.isoformat(), "cell": "OFF", "location": "OFFICE",
            "reason": "", "version": roster.version}  # fmt: skip
    assert client.post(reverse("shifts:roster_cell", args=[roster.id]), body).status_code == 302
    assert client.post(reverse("shifts:roster_cell", args=[roster.id]), body).status_code == 409
    duty = Duty.objects.get(employee_id=nurses[1].employee.id, duty_date=day, is_active=True)
    assert duty.kind == DutyKind.OFF and duty.source == DutySource.MANUAL


@pytest.mark.django_db
def test_cell_change_after_publish_needs_a_reason(roster_unit, roster_head, published_roster, nurses):
    roster = published_roster(month_start(2))
    day = roster.period_start + datetime.timedelta(days=4)
    client = client_of(roster_head)
    body = {"employee": nurses[1].employee.id, "duty_date": day.isoformat(), "cell": "L", "location": "OFFICE",
            "reason": "", "version": roster.version}  # fmt: skip
    refused = client.post(reverse("shifts:roster_cell", args=[roster.id]), body)
    assert refused.status_code == 400 and "error-message" in refused.content.decode()
    body["reason"] = "Menggantikan rekan yang sakit"
    assert client.post(reverse("shifts:roster_cell", args=[roster.id]), body).status_code == 302
    assert client.post(reverse("shifts:roster_cell", args=[roster.id]), body).status_code == 409
    assert Duty.objects.filter(employee_id=nurses[1].employee.id, duty_date=day, source=DutySource.CHANGE).count() == 1


@pytest.mark.django_db
def test_roster_page_runs_in_fixed_queries(roster_unit, roster_head, assigned, nurses, django_assert_max_num_queries):
    from tests.org.factories import EmployeeFactory
    from tests.shifts.conftest import assign

    roster = draft(roster_unit)
    client = client_of(roster_head)
    client.get(reverse("shifts:roster", args=[roster.id]))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("shifts:roster", args=[roster.id]))
    more = [
        EmployeeFactory(
            agency=roster_unit.agency,
            unit=roster_unit,
            position=nurses[0].employee.position,
            supervisor=roster_unit.head,
            name=f"Ns. Tambahan {i}",
        )  # fmt: skip
        for i in range(4)
    ]
    assign([m.user for m in more], assigned[0].pattern, step=1)
    rosters.roster_generate(roster=roster)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("shifts:roster", args=[roster.id]))
    assert "Ns. Tambahan 3" in response.content.decode()


@pytest.mark.django_db
def test_menus_offer_the_roster_pages_by_role(roster_unit, roster_head, nurses, employee_a):
    def roles(user):
        return frozenset(client_of(user).session[nav.SESSION_KEY])

    assert nav.ROSTER_MANAGER in roles(roster_head)
    assert nav.ROSTER_STAFF in roles(nurses[0]) and nav.ROSTER_MANAGER not in roles(nurses[0])
    assert not roles(employee_a) & nav.ROSTER_ROLES
    html = client_of(roster_head).get(reverse("home")).content.decode()
    assert reverse("shifts:rosters") in html


@pytest.mark.django_db
def test_the_head_sees_who_is_not_rostered(roster_unit, roster_head, assigned, nurses, shift_position):
    from tests.org.factories import EmployeeFactory

    newcomer = EmployeeFactory(
        agency=roster_unit.agency, unit=roster_unit, position=shift_position, name="Ns. Wulan Pratiwi"
    )
    roster = draft(roster_unit)
    days = (roster.period_end - roster.period_start).days + 1
    page = client_of(roster_head).get(reverse("shifts:roster", args=[roster.id])).content.decode()
    section = page.split('id="roster-unrostered"', 1)[1].split("</section>", 1)[0]
    assert f"{newcomer.name}: {days} " in section  # "… 28 hari" in the head's language
    assert all(user.employee.name not in section for user in nurses)  # every day of theirs is set
    staff_page = client_of(nurses[0]).get(reverse("shifts:roster", args=[roster.id])).content.decode()
    assert 'id="roster-unrostered"' not in staff_page
