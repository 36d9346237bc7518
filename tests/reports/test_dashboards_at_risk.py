"""The HR dashboard's targets at risk (docs/rules.md §5): who, in which unit, on which indicator;
the headline counts people, not indicators; outside the unit filter nobody shows; the agency
head's home opens on the agency's day."""

import datetime
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def _person_with_a_plan(w, name, *, realised=None, direction="HIGHER", days=(-40, 40)):
    """An employee of the A section with an approved SKP whose one period runs from 40 days ago to 40 days ahead
    (so working days have passed whatever today is; `days` moves its bounds, as days from today), with a target
    of 10 and `realised` of it."""
    from flexwork.common.calendar import today_in
    from performance.models import PeriodPlan, Realisation
    from tests.org.factories import EmployeeFactory
    from tests.performance.factories import skp_with_indicator

    today = today_in(w.agency_a.time_zone)
    employee = EmployeeFactory(
        agency=w.agency_a, unit=w.sec_a, position=w.position_a, supervisor=w.supervisor_a.employee, name=name
    )
    skp = skp_with_indicator(
        employee_user=employee.user, actor=w.supervisor_a, year=today.year, approve_by=w.supervisor_a,
        direction=direction,
    )  # fmt: skip
    plan = PeriodPlan.objects.filter(indicator__rhk__skp=skp).order_by("period_start").first()
    PeriodPlan.objects.filter(indicator__rhk__skp=skp).exclude(id=plan.id).delete()
    PeriodPlan.objects.filter(id=plan.id).update(
        period_start=today + datetime.timedelta(days=days[0]),
        period_end=today + datetime.timedelta(days=days[1]),
        target_min=Decimal(10),
    )
    if realised is not None:
        Realisation.objects.create(
            agency=w.agency_a, period_plan_id=plan.id, indicator_id=plan.indicator_id, value=realised,
            entered_by=w.supervisor_a,
        )  # fmt: skip
    plan.refresh_from_db()
    return employee, plan


@pytest.fixture
def plans(org_world):
    """Two people with a current plan: one has realised nothing of a target of 10, the other the whole target."""
    return [
        _person_with_a_plan(org_world, "Sitti Behind")[0],
        _person_with_a_plan(org_world, "Rahmat Ontrack", realised=Decimal(10))[0],
    ]


def test_hr_sees_who_is_behind_by_name_and_unit(plans, org_world, hr_admin_a, client_for):
    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"unit": org_world.sec_a.id}).json()
    assert body["headline"]["at_risk"] == 1
    assert body["at_risk"]["count"] == 1
    [row] = body["at_risk"]["rows"]
    assert (row["name"], row["unit"], row["indicator"]) == (
        "Sitti Behind",
        org_world.sec_a.name,
        "Jumlah laporan yang disusun",
    )
    assert Decimal(str(row["expected"])) > 0


def test_the_card_counts_people_not_plans_and_shows_the_first_ten_by_name(org_world, hr_admin_a, client_for):
    """Eleven people behind, one of them on two indicators: eleven counted, the first ten by name shown, each
    with their first indicator at risk; someone inactive, or behind on a lower-is-better indicator, is not."""
    from performance.models import Indicator, PeriodPlan

    w = org_world
    behind = [_person_with_a_plan(w, f"Pegawai Tertinggal {n:02d}") for n in range(1, 12)]
    first, plan = behind[0]
    indicator = plan.indicator
    second = Indicator.objects.create(
        agency=w.agency_a, rhk=indicator.rhk, aspect=indicator.aspect, description="Jumlah rapat yang diikuti",
        target_min=Decimal(10), target_max=Decimal(10), unit="rapat",
    )  # fmt: skip
    PeriodPlan.objects.create(
        agency=w.agency_a, indicator=second, number=1, period_start=plan.period_start, period_end=plan.period_end,
        target_min=Decimal(10), target_max=Decimal(10),
    )  # fmt: skip
    gone, _plan = _person_with_a_plan(w, "Pegawai Nonaktif")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    _person_with_a_plan(w, "Pegawai Hemat", direction="LOWER")

    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"unit": w.sec_a.id}).json()
    assert body["at_risk"]["count"] == 11 and body["headline"]["at_risk"] == 11
    rows = body["at_risk"]["rows"]
    assert [row["name"] for row in rows] == [f"Pegawai Tertinggal {n:02d}" for n in range(1, 11)]
    assert rows[0]["indicator"] == "Jumlah laporan yang disusun"
    assert all(Decimal(str(row["expected"])) > 0 and row["realised"] is None for row in rows)


def test_every_current_period_counts_and_no_other(org_world, hr_admin_a, client_for):
    """Plans of periods with other bounds (a semester, a month, a period clipped to a late SKP) are each judged
    against their own share of the target; a period that ended yesterday or starts tomorrow is not current."""
    w = org_world
    _person_with_a_plan(w, "Ani Semester")
    _person_with_a_plan(w, "Budi Bulanan", days=(-25, 5))
    _person_with_a_plan(w, "Citra Selesai", days=(-40, -1))
    _person_with_a_plan(w, "Dedi Berikutnya", days=(1, 40))

    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"unit": w.sec_a.id}).json()
    assert body["at_risk"]["count"] == 2
    rows = {row["name"]: Decimal(str(row["expected"])) for row in body["at_risk"]["rows"]}
    assert list(rows) == ["Ani Semester", "Budi Bulanan"]
    # Most of the month has passed, under half of the longer period: each its own expected share of 10.
    assert rows["Budi Bulanan"] > rows["Ani Semester"] > 0


def test_the_threshold_is_the_rules_to_the_hundredth(org_world, hr_admin_a, client_for):
    """Realised a hundredth either side of 80 % of what is expected by today: the card agrees with the rule's own
    calculation (performance.calculations.progress) on each, so the statement's whole-number arithmetic is exact."""
    from decimal import ROUND_CEILING, ROUND_FLOOR

    from flexwork.common.calendar import today_in
    from flexwork.org.models import Holiday
    from performance.calculations import progress

    w = org_world
    _employee, plan = _person_with_a_plan(w, "Batas Acuan")
    today = today_in(w.agency_a.time_zone)
    holidays = set(
        Holiday.objects.filter(agency=w.agency_a, date__range=(plan.period_start, plan.period_end)).values_list(
            "date", flat=True
        )
    )

    def rule(value):
        return progress(
            target=plan.target_min, actual=value, on_date=today, period_start=plan.period_start,
            period_end=plan.period_end, holidays=holidays, at_risk_ratio=Decimal("0.8"),
        )  # fmt: skip

    threshold = Decimal("0.8") * rule(None).expected
    below = threshold.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    above = threshold.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    values = {"Batas Kurang": below - Decimal("0.01"), "Batas Bawah": below, "Batas Atas": above}
    for name, value in values.items():
        _person_with_a_plan(w, name, realised=value)
    expected_names = sorted(["Batas Acuan"] + [name for name, value in values.items() if rule(value).at_risk])
    assert "Batas Kurang" in expected_names and "Batas Atas" not in expected_names

    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"unit": w.sec_a.id}).json()
    assert [row["name"] for row in body["at_risk"]["rows"]] == expected_names
    assert body["at_risk"]["count"] == len(expected_names)


@pytest.mark.parametrize(
    ("language", "heading", "tile"),
    [
        ("id", "Target berisiko pada periode ini", "Pegawai dengan target berisiko pada periode ini"),
        ("en", "Targets at risk this period", "Employees with a target at risk this period"),
    ],
)
def test_the_page_shows_the_card_in_the_users_language(plans, org_world, client, hr_admin_a, language, heading, tile):
    client.force_login(hr_admin_a)
    client.cookies["django_language"] = language
    page = client.get("/dashboard/", {"unit": org_world.sec_a.id}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in page and tile in page
    assert "Sitti Behind" in page and "Rahmat Ontrack" not in page


def test_a_unit_outside_the_filter_shows_nobody_at_risk(plans, org_world, hr_admin_a, client_for):
    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"unit": org_world.hr_unit_a.id}).json()
    assert body["at_risk"] == {"count": 0, "rows": []} and body["headline"]["at_risk"] == 0


def test_the_unit_filter_lists_names_in_tree_order(org_world, client, hr_admin_a):
    client.force_login(hr_admin_a)
    client.cookies["django_language"] = "en"
    page = client.get("/dashboard/").content.decode()
    select = page[page.index('name="unit"') : page.index("</select>", page.index('name="unit"'))]
    assert org_world.sec_a.name in select
    assert org_world.sec_a.code not in select  # names, not codes
    assert select.index(org_world.root_a.name) < select.index(org_world.div_a.name) < select.index(org_world.sec_a.name)


def test_the_agency_heads_home_opens_on_the_agencys_day(org_world, client):
    from flexwork.org.models import Role
    from flexwork.org.services import role_assign

    head = org_world.supervisor_a
    role_assign(agency=org_world.agency_a, user=head, role=Role.AGENCY_HEAD)
    client.force_login(head)
    client.cookies["django_language"] = "id"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert f"{org_world.root_a.name} hari ini" in page
    assert "Pegawai di kantor hari ini" in page and "Buka dasbor instansi" in page
    assert page.index("Buka dasbor instansi") < page.index('id="home-today"')  # the agency first, own day after


def test_an_employees_home_has_no_agency_view(employee_a, client):
    client.force_login(employee_a)
    page = client.get("/").content.decode()
    assert 'id="home-agency"' not in page
