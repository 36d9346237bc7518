"""How shifts look (docs/rules.md §8 "Calendar"): a shift's cell is filled with its colour and written in white or
black, whichever contrasts more (WCAG ≥ 4.5:1), on the roster grid, the roster team calendar, my duties, the HR
type list and a pattern's cycle; the roster grid leaves out people with neither an assignment nor a duty in the
period, and lists them as not rostered."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from shifts import rosters
from shifts.models import contrast_ratio, text_colour_on
from tests.shifts.conftest import month_start

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("colour", "text"),
    [
        ("#f9a825", "#000000"),  # yellow: black, never white
        ("#ffff00", "#000000"),
        ("#3949ab", "#ffffff"),
        ("#2e7d32", "#ffffff"),
        ("#c62828", "#ffffff"),
        ("#777777", "#000000"),
    ],
)
def test_the_text_colour_follows_the_fill(colour, text):
    assert text_colour_on(colour) == text
    assert contrast_ratio(colour, text) >= 4.5


def test_every_fill_gets_at_least_4_5_to_1():
    for red in range(0, 256, 15):
        for green in range(0, 256, 15):
            for blue in range(0, 256, 51):
                colour = f"#{red:02x}{green:02x}{blue:02x}"
                assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5, colour


def test_a_broken_colour_reads_in_black():
    assert text_colour_on("") == "#000000" and text_colour_on("red") == "#000000"


def colours_of(page: str, shift) -> str:
    found = re.findall(rf"\.shift-t{shift.id} \{{([^}}]*)\}}", page)
    assert found, f"no colours for {shift.code}"
    return " ".join(found)


def test_the_roster_grid_and_the_team_calendar_set_the_text_colour(
    roster_unit, roster_head, published_roster, shift_types
):
    roster = published_roster(month_start(0))
    pages = [
        client_of(roster_head).get(reverse("shifts:roster", args=[roster.id])).content.decode(),
        client_of(roster_head).get(f"/schedule/team/?unit={roster_unit.id}").content.decode(),
    ]
    for page in pages:
        assert "--shift-fg: #000000" in colours_of(page, shift_types["S"])  # the yellow "Siang"
        assert "--shift-fg: #ffffff" in colours_of(page, shift_types["M"])  # the dark blue "Malam"


def test_my_duties_show_the_code_in_its_colour(roster_unit, published_roster, nurses, shift_types):
    published_roster(month_start(0))
    published_roster(month_start(1))
    page = client_of(nurses[0]).get(reverse("shifts:my_duties")).content.decode()
    assert 'class="duty-code"' in page
    used = [t for t in shift_types.values() if f"shift-t{t.id}" in page.split("</style>", 2)[-1]]
    assert used
    for shift in used:
        assert f"--shift-fg: {text_colour_on(shift.colour)}" in colours_of(page, shift)


def test_the_hr_type_list_and_the_pattern_cycle_set_the_text_colour(org_world, shift_types, pattern_4):
    hr = client_of(org_world.hr_admin_a)
    types = hr.get(reverse("shifts:hr_shifts")).content.decode()
    assert f'class="shift-badge shift-t{shift_types["S"].id}"' in types
    assert "--shift-fg: #000000" in colours_of(types, shift_types["S"])
    cycle = hr.get(reverse("shifts:hr_pattern", args=[pattern_4.id])).content.decode()
    assert "--shift-fg: #000000" in colours_of(cycle, shift_types["S"])


def test_the_pattern_cycle_uses_the_roster_marks(org_world, shift_types, pattern_4):
    hr = client_of(org_world.hr_admin_a)
    for language, rest, off in (("en", "RN", "Off"), ("id", "LM", "L")):
        hr.cookies["django_language"] = language
        page = hr.get(reverse("shifts:hr_pattern", args=[pattern_4.id])).content.decode()
        assert f'<span class="cycle-code">{rest}</span>' in page
        assert f'<span class="cycle-code">{off}</span>' in page
        assert '<span class="cycle-code">PN</span>' not in page


def test_someone_without_a_pattern_or_a_duty_has_no_row_but_is_not_rostered(roster_unit, roster_head, assigned, nurses):
    """The head works office hours without a pattern: no row of empty cells, but the "not rostered" list names
    them for every day of the month, with a way to set a duty."""
    roster = rosters.roster_for(unit=roster_unit, period_start=month_start(2))
    rosters.roster_generate(roster=roster)
    days = (roster.period_end - roster.period_start).days + 1
    client = client_of(roster_head)
    page = client.get(reverse("shifts:roster", args=[roster.id])).content.decode()
    grid = page.split('class="table-wrap', 1)[1].split("</table>", 1)[0]
    head_name = roster_unit.head.name
    assert head_name not in grid
    assert all(user.employee.name in grid for user in nurses)
    section = page.split('id="roster-unrostered"', 1)[1].split("</section>", 1)[0]
    assert f"{head_name}: {days} " in section
    link = re.search(r'<a href="(\?edit=[^"]+)">', section)
    assert link, section
    edit = client.get(reverse("shifts:roster", args=[roster.id]) + link.group(1).replace("&amp;", "&"))
    assert 'id="cell-edit"' in edit.content.decode()


def test_a_person_with_a_duty_set_by_hand_gets_a_row(roster_unit, roster_head, assigned, nurses, shift_types):
    from shifts.models import Duty

    roster = rosters.roster_for(unit=roster_unit, period_start=month_start(2))
    rosters.roster_generate(roster=roster)
    roster.refresh_from_db()
    rosters.duty_set(
        roster=roster, actor=roster_head, employee=roster_unit.head, duty_date=roster.period_start, cell="P"
    )
    assert Duty.objects.filter(employee=roster_unit.head, duty_date=roster.period_start).exists()
    page = client_of(roster_head).get(reverse("shifts:roster", args=[roster.id])).content.decode()
    grid = page.split('class="table-wrap', 1)[1].split("</table>", 1)[0]
    assert roster_unit.head.name in grid


def test_the_team_calendar_leaves_out_people_without_a_pattern_or_a_duty(
    roster_unit, roster_head, published_roster, nurses
):
    published_roster(month_start(0))
    page = client_of(roster_head).get(f"/schedule/team/?unit={roster_unit.id}").content.decode()
    grid = page.split("<table", 1)[1].split("</table>", 1)[0]
    assert roster_unit.head.name not in grid
    assert all(user.employee.name in grid for user in nurses)
