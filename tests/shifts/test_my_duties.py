"""My duties (docs/rules.md §8): the next 14 days of a roster unit's employee as cards, nights with
"(+1)", days off shown plainly, a swap button on future shifts; a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shifts.models import DutyKind
from tests.shifts.test_swaps import day, make_duty, make_roster


@pytest.fixture
def duties(roster_unit, shift_types, nurses):
    roster = make_roster(roster_unit)
    a = nurses[0]
    make_duty(roster, a, day(1), shift_types["P"])
    make_duty(roster, a, day(2), shift_types["M"])
    make_duty(roster, a, day(3), kind=DutyKind.POST_NIGHT)
    make_duty(roster, a, day(4), kind=DutyKind.OFF)
    return roster, a


def test_my_duties_shows_the_next_14_days(client, duties):
    roster, a = duties
    client.force_login(a)
    response = client.get(reverse("shifts:my_duties"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="panel duty-card') == 14
    assert "07:00–14:00" in page
    assert "21:00–07:00 (+1)" in page
    assert page.count(reverse("shifts:swap_new") + "?duty=") == 2
    assert "POST_NIGHT" not in page and ">OFF<" not in page


def test_my_duties_reads_a_fixed_number_of_queries(client, duties, shift_types, django_assert_max_num_queries):
    roster, a = duties
    client.force_login(a)
    client.get(reverse("shifts:my_duties"))
    with django_assert_max_num_queries(14) as first:
        client.get(reverse("shifts:my_duties"))
    for offset in range(5, 12):
        make_duty(roster, a, day(offset), shift_types["S"])
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("shifts:my_duties"))
    assert response.content.decode().count(reverse("shifts:swap_new") + "?duty=") == 9


def test_an_office_unit_employee_sees_no_roster(client, org_world):
    client.force_login(org_world.employee_a)
    response = client.get(reverse("shifts:my_duties"))
    # The menu does not offer the page (flexwork/common/nav.py); opened anyway, it shows no roster.
    assert response.status_code in (200, 403)
    assert 'class="panel duty-card' not in response.content.decode()
