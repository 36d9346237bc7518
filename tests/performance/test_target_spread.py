"""How an indicator's annual target spreads over the periods (docs/rules.md §5): evenly with the
remainder spread across the year, cumulative running totals, by hand, or the same every period;
the sum (or the last running total) must meet the annual target; and a new indicator is not at risk
before a working day of its period is over."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import translation

from flexwork.common.exceptions import ApplicationError
from performance import calculations, selectors, services
from performance.models import IndicatorAspect, Realisation, RhkKind, TargetSpread
from tests.org.helpers import assert_error

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------- the arithmetic


def test_twelve_a_year_is_one_a_month():
    assert calculations.even_shares(total=D(12), count=12) == [D(1)] * 12


@pytest.mark.parametrize("total", ["1", "5", "10", "13", "25", "100.5", "7.25", "0"])
@pytest.mark.parametrize("count", [1, 2, 4, 10, 12])
def test_an_even_split_adds_up_exactly_and_differs_by_one_step_at_most(total, count):
    shares = calculations.even_shares(total=D(total), count=count)
    step = D(1) if D(total) == D(total).to_integral_value() else D("0.01")
    assert sum(shares) == D(total) and len(shares) == count
    assert max(shares) - min(shares) <= step


def test_the_remainder_is_spread_across_the_year_not_heaped_at_one_end():
    shares = calculations.even_shares(total=D(10), count=12)
    assert shares == [D(n) for n in (1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1)]
    assert calculations.even_shares(total=D(2), count=12).count(D(1)) == 2
    assert calculations.even_shares(total=D(2), count=12)[0] == 0  # not all in January


def test_cumulative_targets_are_running_totals_ending_at_the_annual_target():
    assert calculations.cumulative_shares(total=D(12), count=4) == [D(3), D(6), D(9), D(12)]
    assert calculations.cumulative_shares(total=D(10), count=4) == [D(3), D(5), D(8), D(10)]


def test_the_rule_checks():
    assert calculations.spread_error(mode="EVEN", total=D(12), targets=[D(6), D(5)]) == "sum"
    assert calculations.spread_error(mode="MANUAL", total=D(12), targets=[D(6), D(6)]) is None
    assert calculations.spread_error(mode="CUMULATIVE", total=D(12), targets=[D(6), D(11)]) == "last"
    assert calculations.spread_error(mode="CUMULATIVE", total=D(12), targets=[D(8), D(6), D(12)]) == "falls"
    assert calculations.spread_error(mode="SAME", total=D(90), targets=[D(80), D(95)]) is None


# ---------------------------------------------------------------------------- the service


@pytest.fixture
def rhk(org_world):
    skp = services.skp_create(actor=org_world.supervisor_a, employee=org_world.employee_a.employee, year=2026)
    return services.rhk_create(skp=skp, actor=org_world.supervisor_a, kind=RhkKind.MAIN, description="Layanan")


def add(rhk, actor, **extra):
    body = {
        "aspect": IndicatorAspect.QUANTITY,
        "description": "Jumlah laporan",
        "target_min": D(12),
        "unit": "laporan",
        **extra,
    }
    return services.indicator_create(rhk=rhk, actor=actor, **body)


def targets(indicator):
    return [plan.target_min for plan in indicator.period_plans.order_by("period_start")]


def test_a_new_indicator_spreads_its_annual_target_evenly_by_default(rhk, org_world):
    indicator = add(rhk, org_world.supervisor_a)
    assert indicator.spread == TargetSpread.EVEN and targets(indicator) == [D(1)] * 12


def test_cumulative_and_same(rhk, org_world):
    running = add(rhk, org_world.supervisor_a, spread=TargetSpread.CUMULATIVE)
    assert targets(running) == [D(n) for n in range(1, 13)]
    rate = add(rhk, org_world.supervisor_a, target_min=D(90), unit="%", spread=TargetSpread.SAME)
    assert targets(rate) == [D(90)] * 12


def test_by_hand_the_periods_must_add_up_to_the_annual_target(rhk, org_world):
    given = [D(0), D(0), D(3), D(0), D(0), D(3), D(0), D(0), D(3), D(0), D(0), D(2)]
    with pytest.raises(ApplicationError) as refused, translation.override("en"):
        add(rhk, org_world.supervisor_a, spread=TargetSpread.MANUAL, period_targets=given)
    assert refused.value.code == "spread_sum"
    assert refused.value.fields["period_targets"] == [
        "The periods add up to 11 laporan, not to the annual target of 12 laporan."
    ]
    assert not rhk.indicators.exists()
    given[-1] = D(3)
    indicator = add(rhk, org_world.supervisor_a, spread=TargetSpread.MANUAL, period_targets=given)
    assert targets(indicator) == given


def test_by_hand_needs_every_period(rhk, org_world):
    with pytest.raises(ApplicationError) as refused:
        add(rhk, org_world.supervisor_a, spread=TargetSpread.MANUAL, period_targets=[D(12)] + [None] * 11)
    assert "period_targets" in refused.value.fields
    with pytest.raises(ApplicationError):
        add(rhk, org_world.supervisor_a, spread=TargetSpread.MANUAL)


def test_a_cumulative_target_must_end_at_the_annual_target_and_never_fall(rhk, org_world):
    short = [D(n) for n in range(1, 12)] + [D(11)]
    with pytest.raises(ApplicationError) as refused:
        add(rhk, org_world.supervisor_a, spread=TargetSpread.CUMULATIVE, period_targets=short)
    assert refused.value.code == "spread_last"
    falling = [D(n) for n in range(1, 13)]
    falling[5] = D(2)
    with pytest.raises(ApplicationError) as refused:
        add(rhk, org_world.supervisor_a, spread=TargetSpread.CUMULATIVE, period_targets=falling)
    assert refused.value.code == "spread_falls"


def test_an_even_split_with_one_period_changed_must_still_add_up(rhk, org_world):
    given = [None] * 12
    given[0] = D(2)
    with pytest.raises(ApplicationError) as refused:
        add(rhk, org_world.supervisor_a, period_targets=given)
    assert refused.value.code == "spread_sum"


def test_a_range_spreads_both_ends(rhk, org_world):
    indicator = add(rhk, org_world.supervisor_a, target_min=D(12), target_max=D(24))
    plans = list(indicator.period_plans.order_by("period_start"))
    assert {(p.target_min, p.target_max) for p in plans} == {(D(1), D(2))}
    with pytest.raises(ApplicationError) as refused:
        add(rhk, org_world.supervisor_a, target_min=D(12), target_max=D(24), spread=TargetSpread.MANUAL,
            period_targets=[D(1)] * 12)  # fmt: skip
    assert "spread" in refused.value.fields


def test_a_quarterly_agency_spreads_over_four_quarters(rhk, org_world):
    from flexwork.org.models import AgencyPolicy

    AgencyPolicy.objects.filter(agency_id=rhk.agency_id).update(performance_period="QUARTERLY")
    indicator = add(rhk, org_world.supervisor_a, target_min=D(10))
    assert targets(indicator) == [D(3), D(2), D(3), D(2)]


# ---------------------------------------------------------------------------- at risk


def test_a_new_indicator_is_not_at_risk_on_its_first_day(rhk, org_world):
    indicator = add(rhk, org_world.supervisor_a)
    added_before_the_year(indicator)
    services.skp_approve(skp=rhk.skp, actor=org_world.supervisor_a)
    document = selectors.skp_document(skp=rhk.skp)
    first_day = selectors.skp_progress(skp=document, on_date=datetime.date(2026, 1, 1))[indicator.id]
    assert first_day.current.expected == 0 and first_day.at_risk is False
    # Thursday 1 January is the first working day of the period (the persona world declares no
    # holidays); once it is over, something is expected.
    assert selectors.skp_progress(skp=document, on_date=datetime.date(2026, 1, 2))[indicator.id].current.expected > 0


def added_before_the_year(indicator):
    from performance.models import Indicator

    Indicator.objects.filter(id=indicator.id).update(created_at=datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC))


def test_an_indicator_added_mid_period_is_first_assessed_in_the_next_period(rhk, org_world):
    indicator = add(rhk, org_world.supervisor_a)
    from performance.models import Indicator

    Indicator.objects.filter(id=indicator.id).update(created_at=datetime.datetime(2026, 3, 10, 4, tzinfo=datetime.UTC))
    services.skp_approve(skp=rhk.skp, actor=org_world.supervisor_a)
    document = selectors.skp_document(skp=rhk.skp)
    march = selectors.skp_progress(skp=document, on_date=datetime.date(2026, 3, 30))[indicator.id]
    assert march.current.expected > 0 and march.at_risk is False
    april = selectors.skp_progress(skp=document, on_date=datetime.date(2026, 4, 29))[indicator.id]
    assert april.at_risk is True


def test_a_month_with_nothing_done_is_at_risk_by_its_end(rhk, org_world):
    indicator = add(rhk, org_world.supervisor_a)
    added_before_the_year(indicator)
    services.skp_approve(skp=rhk.skp, actor=org_world.supervisor_a)
    document = selectors.skp_document(skp=rhk.skp)
    late = selectors.skp_progress(skp=document, on_date=datetime.date(2026, 1, 30))[indicator.id]
    assert late.current.plan.target_min == 1 and late.at_risk is True


def test_a_cumulative_indicator_counts_its_realisation_as_a_running_total(rhk, org_world):
    indicator = add(rhk, org_world.supervisor_a, spread=TargetSpread.CUMULATIVE)
    added_before_the_year(indicator)
    services.skp_approve(skp=rhk.skp, actor=org_world.supervisor_a)
    plans = list(indicator.period_plans.order_by("period_start"))
    Realisation.objects.create(
        agency_id=indicator.agency_id, period_plan=plans[1], indicator=indicator, value=D(2),
        entered_by=org_world.employee_a,
    )  # fmt: skip
    document = selectors.skp_document(skp=rhk.skp)
    # Mid-February the running target is between January's 1 and February's 2; 2 done is on track.
    mid = selectors.skp_progress(skp=document, on_date=datetime.date(2026, 2, 16))[indicator.id]
    assert D(1) < mid.current.expected < D(2) and mid.at_risk is False


# ---------------------------------------------------------------------------- the API


def _body(rhk_id, **extra):
    return {
        "rhk": rhk_id,
        "aspect": "QUANTITY",
        "description": "Jumlah",
        "target_min": "12",
        "unit": "laporan",
        **extra,
    }


def test_the_api_spreads_evenly_and_says_so(client_for, rhk, org_world):
    response = client_for(org_world.supervisor_a).post("/api/v1/indicators/", _body(rhk.id), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["spread"] == "EVEN" and [p["target_min"] for p in data["periods"]] == ["1.00"] * 12


def test_the_api_refuses_periods_that_do_not_add_up(client_for, rhk, org_world):
    items = [{"period_start": f"2026-{m:02d}-01", "target_min": "2"} for m in range(1, 13)]
    response = client_for(org_world.supervisor_a).post(
        "/api/v1/indicators/", _body(rhk.id, spread="MANUAL", period_targets=items), format="json"
    )
    assert_error(response, 400, field="period_targets", code="spread_sum")
    assert not rhk.indicators.exists()


def test_the_api_refuses_a_cumulative_target_short_of_the_annual(client_for, rhk, org_world):
    items = [{"period_start": "2026-12-01", "target_min": "11"}]
    response = client_for(org_world.supervisor_a).post(
        "/api/v1/indicators/", _body(rhk.id, spread="CUMULATIVE", period_targets=items), format="json"
    )
    assert_error(response, 400, field="period_targets", code="spread_last")


def test_the_api_refuses_an_unknown_spread(client_for, rhk, org_world):
    response = client_for(org_world.supervisor_a).post(
        "/api/v1/indicators/", _body(rhk.id, spread="HALF"), format="json"
    )
    assert_error(response, 400, field="spread")


def test_it_hides_other_agencies(client_for, rhk, org_world):
    response = client_for(org_world.hr_admin_b).post("/api/v1/indicators/", _body(rhk.id), format="json")
    assert response.status_code == 400 and "rhk" in response.json()["fields"]
    assert page(org_world.hr_admin_b).get(f"/performance/rhk/{rhk.id}/indicators/").status_code == 404


def test_it_forbids_hr_admin(client_for, rhk, org_world):
    response = client_for(org_world.hr_admin_a).post("/api/v1/indicators/", _body(rhk.id), format="json")
    assert_error(response, 403)
    assert page(org_world.hr_admin_a).get(f"/performance/rhk/{rhk.id}/indicators/").status_code == 403


# ---------------------------------------------------------------------------- the page


def page(user, language="en"):
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def test_the_form_shows_one_field_per_month(rhk, org_world):
    html = page(org_world.supervisor_a, "id").get(f"/performance/rhk/{rhk.id}/indicators/").content.decode()
    assert len(re.findall(r'name="period_\d+"', html)) == 12
    assert "Januari 2026" in html and "Desember 2026" in html
    assert "Merata" in html  # the spread choices speak Indonesian


def test_a_page_form_that_does_not_add_up_comes_back_filled_in(rhk, org_world):
    body = {
        "aspect": "QUANTITY",
        "description": "Jumlah laporan pelayanan",
        "target_min": "12",
        "unit": "laporan",
        "direction": "HIGHER",
        "spread": "MANUAL",
        **{f"period_{i}": "2" for i in range(12)},
    }
    response = page(org_world.supervisor_a).post(f"/performance/rhk/{rhk.id}/indicators/", body)
    html = response.content.decode()
    assert response.status_code == 200, response
    assert "The periods add up to 24 laporan, not to the annual target of 12 laporan." in html
    assert 'value="Jumlah laporan pelayanan"' not in html  # a textarea keeps its text as content
    assert "Jumlah laporan pelayanan</textarea>" in html and html.count('value="2"') == 12
    assert not rhk.indicators.exists()
    body.update({f"period_{i}": "1" for i in range(12)})
    done = page(org_world.supervisor_a).post(f"/performance/rhk/{rhk.id}/indicators/", body)
    assert done.status_code == 302 and targets(rhk.indicators.get()) == [D(1)] * 12


def test_a_page_form_without_period_values_takes_the_rule(rhk, org_world):
    body = {"aspect": "QUANTITY", "description": "Jumlah", "target_min": "24", "unit": "laporan",
            "direction": "HIGHER", "spread": "EVEN"}  # fmt: skip
    assert page(org_world.employee_a).post(f"/performance/rhk/{rhk.id}/indicators/", body).status_code == 302
    assert targets(rhk.indicators.get()) == [D(2)] * 12
