"""The suggested realisation rolls up the daily output log (attendance.WorkLog): entries linked to
the plan's indicator, verified SESUAI by the supervisor, dated inside the plan's period."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance import services as attendance_services
from attendance.models import Verification
from performance import selectors, services
from performance.models import PeriodPlan
from tests.performance.factories import first_indicator, skp_with_indicator

pytestmark = pytest.mark.django_db


def log(user, indicator, day, quantity, *, verdict=None, supervisor=None):
    entry = attendance_services.worklog_create(
        user=user,
        local_date=day,
        description="Menyusun laporan",
        quantity=Decimal(quantity),
        unit_of_measure="laporan",
        minutes_spent=120,
        indicator_id=indicator.id if indicator else None,
    )
    if verdict:
        attendance_services.worklog_verify(entry=entry, user=supervisor, verification=verdict)
    return entry


def plans_of(skp):
    return list(PeriodPlan.objects.filter(indicator__rhk__skp=skp).order_by("period_start"))


def test_the_suggestion_sums_the_verified_output_of_the_plans_period(org_world, approved_skp):
    employee, supervisor = org_world.employee_a, org_world.supervisor_a
    indicator = first_indicator(approved_skp)
    first, second = plans_of(approved_skp)[:2]
    day = first.period_start + datetime.timedelta(days=3)

    log(employee, indicator, day, "2", verdict=Verification.SESUAI, supervisor=supervisor)
    log(employee, indicator, first.period_end, "3.5", verdict=Verification.SESUAI, supervisor=supervisor)
    log(employee, indicator, day, "40")  # not verified yet
    log(employee, indicator, day, "50", verdict=Verification.TIDAK_SESUAI, supervisor=supervisor)
    log(employee, indicator, day, "60", verdict=Verification.KURANG, supervisor=supervisor)
    log(employee, None, day, "70", verdict=Verification.SESUAI, supervisor=supervisor)  # no indicator
    log(employee, indicator, second.period_start, "4", verdict=Verification.SESUAI, supervisor=supervisor)

    assert selectors.suggested_realisation(plan=first) == Decimal("5.5")
    assert selectors.suggested_realisation(plan=second) == Decimal("4")
    assert selectors.verified_output_totals(plans=plans_of(approved_skp))[plans_of(approved_skp)[2].id] == 0


def test_another_indicators_output_does_not_count(org_world, approved_skp):
    other_skp = skp_with_indicator(
        employee_user=org_world.supervisor_a, actor=org_world.unit_head_a, approve_by=org_world.unit_head_a
    )
    plan = plans_of(approved_skp)[0]
    log(
        org_world.supervisor_a,
        first_indicator(other_skp),
        plan.period_start + datetime.timedelta(days=1),
        "9",
        verdict=Verification.SESUAI,
        supervisor=org_world.unit_head_a,
    )

    assert selectors.suggested_realisation(plan=plan) == Decimal(0)
    assert selectors.suggested_realisation(plan=plans_of(other_skp)[0]) == Decimal("9")


def test_the_realisation_keeps_the_suggestion_beside_the_entered_value(org_world, approved_skp):
    plan = plans_of(approved_skp)[0]
    log(
        org_world.employee_a,
        plan.indicator,
        plan.period_start,
        "7",
        verdict=Verification.SESUAI,
        supervisor=org_world.supervisor_a,
    )

    realisation, _created = services.realisation_record(
        indicator=plan.indicator, actor=org_world.employee_a, period_date=plan.period_start, value=6
    )

    assert (realisation.value, realisation.suggested_value) == (Decimal("6"), Decimal("7"))


def test_the_totals_take_one_query_whatever_the_number_of_plans(org_world, approved_skp):
    other_skp = skp_with_indicator(
        employee_user=org_world.supervisor_a, actor=org_world.unit_head_a, approve_by=org_world.unit_head_a
    )
    plans = plans_of(approved_skp) + plans_of(other_skp)
    log(
        org_world.employee_a,
        first_indicator(approved_skp),
        plans[0].period_start,
        "1",
        verdict=Verification.SESUAI,
        supervisor=org_world.supervisor_a,
    )

    with CaptureQueriesContext(connection) as one:
        selectors.verified_output_totals(plans=plans[:1])
    with CaptureQueriesContext(connection) as many:
        totals = selectors.verified_output_totals(plans=plans)

    assert len(one) == len(many) == 1
    assert set(totals) == {plan.id for plan in plans} and totals[plans[0].id] == Decimal(1)
    assert selectors.verified_output_totals(plans=[]) == {}
