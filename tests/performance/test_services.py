"""Services: transitions, cascades, bad input, the predikat matrix, the unit-head rule."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.notifications.models import Notification
from performance import selectors, services
from performance.models import (
    BEHAVIOUR_FIELDS,
    Evaluation,
    EvaluationKind,
    IndicatorAspect,
    OrganisationResult,
    PeriodPlan,
    PredikatMatrixCell,
    Rating,
    Rhk,
    RhkKind,
    Skp,
    SkpStatus,
    SkpTransition,
)
from tests.performance.factories import first_indicator, skp_with_indicator

pytestmark = pytest.mark.django_db


def _set_status(skp, status):
    Skp.objects.filter(id=skp.id).update(status=status, assessor_id=skp.employee.supervisor_id)
    skp.refresh_from_db()
    return skp


# ---------------------------------------------------------------------------- transitions

ALLOWED = [
    ("DRAFT", "submit", "employee_a", "SUBMITTED"),
    ("DRAFT", "approve", "supervisor_a", "APPROVED"),
    ("SUBMITTED", "approve", "supervisor_a", "APPROVED"),
    ("SUBMITTED", "return", "supervisor_a", "RETURNED"),
    ("RETURNED", "submit", "employee_a", "SUBMITTED"),
    ("RETURNED", "approve", "supervisor_a", "APPROVED"),
    ("APPROVED", "return", "supervisor_a", "RETURNED"),
]
REFUSED_BY_STATE = [
    ("SUBMITTED", "submit", "employee_a"),
    ("APPROVED", "submit", "employee_a"),
    ("APPROVED", "approve", "supervisor_a"),
    ("DRAFT", "return", "supervisor_a"),
    ("RETURNED", "return", "supervisor_a"),
]
REFUSED_BY_ROLE = [
    ("DRAFT", "submit", "supervisor_a"),
    ("DRAFT", "approve", "employee_a"),
    ("SUBMITTED", "approve", "unit_head_a"),
    ("SUBMITTED", "approve", "hr_admin_a"),
    ("SUBMITTED", "return", "employee_a"),
    ("SUBMITTED", "return", "agency_head_a"),
]
SERVICES = {"submit": services.skp_submit, "approve": services.skp_approve, "return": services.skp_return}


@pytest.mark.parametrize(("start", "action", "who", "end"), ALLOWED)
def test_every_allowed_transition_moves_and_is_recorded(org_world, draft_skp, start, action, who, end):
    skp = _set_status(draft_skp, start)
    actor = getattr(org_world, who)
    skp = SERVICES[action](skp=skp, actor=actor, note="Perbaiki target")
    assert skp.status == end
    last = SkpTransition.objects.filter(skp=skp).last()
    assert (last.from_status, last.to_status, last.actor) == (start, end, actor)
    if end == SkpStatus.APPROVED:
        assert skp.assessor == org_world.supervisor_a.employee
        assert skp.approved_at is not None
    if end == SkpStatus.RETURNED:
        assert skp.status_note == "Perbaiki target"


@pytest.mark.parametrize(("start", "action", "who"), REFUSED_BY_STATE)
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(org_world, draft_skp, start, action, who):
    skp = _set_status(draft_skp, start)
    with pytest.raises(ApplicationError) as raised:
        SERVICES[action](skp=skp, actor=getattr(org_world, who), note="x")
    assert (raised.value.status_code, raised.value.code) == (409, "stale_transition")
    skp.refresh_from_db()
    assert skp.status == start
    assert not SkpTransition.objects.filter(skp=skp).exists()


@pytest.mark.parametrize(("start", "action", "who"), REFUSED_BY_ROLE)
def test_a_transition_by_the_wrong_person_is_forbidden(org_world, draft_skp, start, action, who):
    skp = _set_status(draft_skp, start)
    with pytest.raises(PermissionDenied):
        SERVICES[action](skp=skp, actor=getattr(org_world, who), note="x")
    skp.refresh_from_db()
    assert skp.status == start


def test_a_stale_transition_loses_the_compare_and_swap(org_world, draft_skp):
    stale = Skp.objects.get(id=draft_skp.id)
    services.skp_approve(skp=draft_skp, actor=org_world.supervisor_a)
    stale.status = SkpStatus.SUBMITTED  # what a second tab still believes
    with pytest.raises(ConflictError):
        services.skp_approve(skp=stale, actor=org_world.supervisor_a)


def test_returning_needs_a_note(org_world, approved_skp):
    with pytest.raises(ApplicationError) as raised:
        services.skp_return(skp=approved_skp, actor=org_world.supervisor_a, note="  ")
    assert "note" in raised.value.fields


def test_an_empty_skp_cannot_be_submitted(org_world):
    skp = services.skp_create(actor=org_world.employee_a, employee=org_world.employee_a.employee, year=2026)
    with pytest.raises(ApplicationError) as raised:
        services.skp_submit(skp=skp, actor=org_world.employee_a)
    assert raised.value.code == "skp_incomplete"


def test_the_employee_proposes_and_the_supervisor_is_told(org_world):
    skp = skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.employee_a)
    services.skp_submit(skp=skp, actor=org_world.employee_a)
    assert Notification.objects.filter(recipient=org_world.supervisor_a, kind="performance_skp_submitted").exists()
    services.skp_approve(skp=skp, actor=org_world.supervisor_a)
    assert Notification.objects.filter(recipient=org_world.employee_a, kind="performance_skp_approved").exists()


# ---------------------------------------------------------------------------- bad input


def test_editing_an_approved_skp_without_returning_it_is_refused(org_world, approved_skp):
    indicator = first_indicator(approved_skp)
    for call in (
        lambda: services.skp_update(skp=approved_skp, actor=org_world.supervisor_a, data={"approach": "QUALITATIVE"}),
        lambda: services.rhk_create(skp=approved_skp, actor=org_world.supervisor_a, kind="MAIN", description="x"),
        lambda: services.indicator_update(indicator=indicator, actor=org_world.supervisor_a, data={"unit": "x"}),
    ):
        with pytest.raises(ApplicationError) as raised:
            call()
        assert raised.value.code == "skp_not_editable"
    indicator.refresh_from_db()
    assert indicator.unit == "laporan"
    services.skp_return(skp=approved_skp, actor=org_world.supervisor_a, note="Revisi")
    services.indicator_update(indicator=indicator, actor=org_world.supervisor_a, data={"unit": "dokumen"})
    indicator.refresh_from_db()
    assert indicator.unit == "dokumen"


def test_a_range_with_min_above_max_is_refused(org_world, draft_skp):
    rhk = draft_skp.rhks.first()
    with pytest.raises(ApplicationError) as raised:
        services.indicator_create(
            rhk=rhk,
            actor=org_world.supervisor_a,
            aspect=IndicatorAspect.QUALITY,
            description="Mutu",
            target_min=Decimal("90"),
            target_max=Decimal("80"),
            unit="%",
        )
    assert raised.value.code == "range_inverted"
    assert "target_max" in raised.value.fields
    assert rhk.indicators.count() == 1


def test_the_database_refuses_an_inverted_range_too(draft_skp):
    from django.db import IntegrityError, transaction

    indicator = first_indicator(draft_skp)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(indicator).objects.filter(id=indicator.id).update(target_min=Decimal("20"), target_max=Decimal("10"))


def test_a_realisation_for_a_period_outside_the_skp_is_refused(org_world):
    skp = skp_with_indicator(
        employee_user=org_world.employee_a,
        actor=org_world.supervisor_a,
        approve_by=org_world.supervisor_a,
        period_start=datetime.date(2026, 7, 1),
    )
    indicator = first_indicator(skp)
    with pytest.raises(ApplicationError) as raised:
        services.realisation_record(
            indicator=indicator, actor=org_world.employee_a, period_date=datetime.date(2026, 3, 1), value=3
        )
    assert raised.value.code == "period_outside_skp"
    assert not indicator.realisations.exists()


def test_realisations_wait_for_approval_and_belong_to_the_employee(org_world, draft_skp):
    indicator = first_indicator(draft_skp)
    with pytest.raises(ApplicationError):
        services.realisation_record(
            indicator=indicator, actor=org_world.employee_a, period_date=datetime.date(2026, 3, 1), value=1
        )
    services.skp_approve(skp=draft_skp, actor=org_world.supervisor_a)
    with pytest.raises(PermissionDenied):
        services.realisation_record(
            indicator=indicator, actor=org_world.supervisor_a, period_date=datetime.date(2026, 3, 1), value=1
        )
    realisation, created = services.realisation_record(
        indicator=indicator, actor=org_world.employee_a, period_date=datetime.date(2026, 3, 15), value=4, note="ok"
    )
    assert created and realisation.period_plan.period_start == datetime.date(2026, 3, 1)
    again, created = services.realisation_record(
        indicator=indicator, actor=org_world.employee_a, period_date=datetime.date(2026, 3, 1), value=5
    )
    assert not created and again.id == realisation.id and again.value == 5


def test_a_second_skp_overlapping_the_first_is_a_conflict_but_a_transfer_starts_a_new_one(org_world, draft_skp):
    employee = org_world.employee_a.employee
    with pytest.raises(ConflictError):
        services.skp_create(actor=org_world.supervisor_a, employee=employee, year=2026)
    services.skp_update(skp=draft_skp, actor=org_world.supervisor_a, data={"period_end": datetime.date(2026, 6, 30)})
    assert PeriodPlan.objects.filter(indicator__rhk__skp=draft_skp).count() == 6
    second = services.skp_create(
        actor=org_world.supervisor_a, employee=employee, year=2026, period_start=datetime.date(2026, 7, 1)
    )
    assert second.period_end == datetime.date(2026, 12, 31)


def test_only_the_employee_and_the_direct_supervisor_draw_up_an_skp(org_world):
    with pytest.raises(PermissionDenied):
        services.skp_create(actor=org_world.unit_head_a, employee=org_world.employee_a.employee, year=2026)
    with pytest.raises(PermissionDenied):
        services.skp_create(actor=org_world.hr_admin_a, employee=org_world.employee_a.employee, year=2026)


# ---------------------------------------------------------------------------- cascade


def test_a_result_cascades_from_anyone_above_in_the_chain(org_world):
    head = skp_with_indicator(
        employee_user=org_world.unit_head_a, actor=org_world.agency_head_a, approve_by=org_world.agency_head_a
    )
    head_rhk = head.rhks.first()
    # Two levels up (unit head → supervisor → employee) is still the chain.
    skp = skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a, cascaded_from=head_rhk)
    assert skp.rhks.first().cascaded_from == head_rhk
    assert head_rhk in selectors.cascade_choices_for(skp=skp)


def test_a_cascade_from_outside_the_chain_is_refused(org_world):
    hr_skp = skp_with_indicator(
        employee_user=org_world.hr_admin_a, actor=org_world.agency_head_a, approve_by=org_world.agency_head_a
    )
    skp = skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a)
    for outside in (hr_skp.rhks.first(), skp.rhks.first()):  # a colleague's, and one's own
        with pytest.raises(ApplicationError) as raised:
            services.rhk_create(
                skp=skp, actor=org_world.supervisor_a, kind=RhkKind.MAIN, description="x", cascaded_from=outside
            )
        assert raised.value.code == "cascade_outside_chain"
    assert Rhk.objects.filter(skp=skp).count() == 1


def test_a_cascade_from_a_subordinate_or_an_unapproved_skp_is_refused(org_world):
    supervisor_draft = skp_with_indicator(employee_user=org_world.supervisor_a, actor=org_world.unit_head_a)
    employee_skp = skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a)
    with pytest.raises(ApplicationError):  # the supervisor's SKP is not approved yet
        services.rhk_create(
            skp=employee_skp,
            actor=org_world.supervisor_a,
            kind="MAIN",
            description="x",
            cascaded_from=supervisor_draft.rhks.first(),
        )
    with pytest.raises(ApplicationError):  # downward is not a cascade
        services.rhk_create(
            skp=supervisor_draft,
            actor=org_world.unit_head_a,
            kind="MAIN",
            description="x",
            cascaded_from=employee_skp.rhks.first(),
        )


# ---------------------------------------------------------------------------- evaluation and the matrix

MATRIX = [
    ("ABOVE", "BELOW", "KURANG"),
    ("ABOVE", "MEETS", "BAIK"),
    ("ABOVE", "ABOVE", "SANGAT_BAIK"),
    ("MEETS", "BELOW", "KURANG"),
    ("MEETS", "MEETS", "BAIK"),
    ("MEETS", "ABOVE", "BAIK"),
    ("BELOW", "BELOW", "SANGAT_KURANG"),
    ("BELOW", "MEETS", "BUTUH_PERBAIKAN"),
    ("BELOW", "ABOVE", "BUTUH_PERBAIKAN"),
]


def test_the_matrix_is_seeded_as_data_marked_verify():
    assert PredikatMatrixCell.objects.count() == 9
    assert not PredikatMatrixCell.objects.filter(verify=False).exists()


@pytest.mark.parametrize(("results", "behaviour", "predikat"), MATRIX)
def test_every_cell_of_the_matrix_gives_its_predikat(org_world, approved_skp, results, behaviour, predikat):
    evaluation = services.evaluation_create(
        skp=approved_skp,
        actor=org_world.supervisor_a,
        kind=EvaluationKind.ANNUAL,
        behaviour=dict.fromkeys(BEHAVIOUR_FIELDS, Rating.MEETS),
        results_rating=results,
        behaviour_rating=behaviour,
    )
    assert evaluation.predikat == predikat
    assert Evaluation.objects.get(id=evaluation.id).predikat == predikat


def test_a_corrected_cell_is_used_without_a_code_change(org_world, approved_skp):
    PredikatMatrixCell.objects.filter(results_rating="MEETS", behaviour_rating="ABOVE").update(predikat="SANGAT_BAIK")
    evaluation = services.evaluation_create(
        skp=approved_skp,
        actor=org_world.supervisor_a,
        kind=EvaluationKind.ANNUAL,
        behaviour=dict.fromkeys(BEHAVIOUR_FIELDS, Rating.ABOVE),
        results_rating="MEETS",
    )
    assert (evaluation.behaviour_rating, evaluation.predikat) == ("ABOVE", "SANGAT_BAIK")


def test_the_overall_behaviour_rating_defaults_from_the_seven_values():
    ratings = dict.fromkeys(BEHAVIOUR_FIELDS, Rating.ABOVE)
    assert services.behaviour_rating_default(ratings) == Rating.ABOVE
    ratings[BEHAVIOUR_FIELDS[0]] = Rating.BELOW
    assert services.behaviour_rating_default(ratings) == Rating.MEETS
    assert services.behaviour_rating_default(dict.fromkeys(BEHAVIOUR_FIELDS, Rating.BELOW)) == Rating.BELOW


def test_rating_someone_you_do_not_assess_is_forbidden(org_world, approved_skp):
    for who in ("unit_head_a", "hr_admin_a", "agency_head_a", "employee_a"):
        with pytest.raises(PermissionDenied):
            services.evaluation_create(
                skp=approved_skp,
                actor=getattr(org_world, who),
                kind=EvaluationKind.ANNUAL,
                behaviour=dict.fromkeys(BEHAVIOUR_FIELDS, Rating.MEETS),
                results_rating="MEETS",
            )
    assert not Evaluation.objects.exists()


def test_an_unapproved_skp_cannot_be_evaluated(org_world, draft_skp):
    with pytest.raises(ApplicationError) as raised:
        services.evaluation_create(
            skp=draft_skp,
            actor=org_world.supervisor_a,
            kind=EvaluationKind.ANNUAL,
            behaviour=dict.fromkeys(BEHAVIOUR_FIELDS, Rating.MEETS),
            results_rating="MEETS",
        )
    assert raised.value.code == "skp_not_approved"


def test_a_unit_heads_results_rating_follows_the_units_result(org_world):
    skp = skp_with_indicator(
        employee_user=org_world.unit_head_a, actor=org_world.agency_head_a, approve_by=org_world.agency_head_a
    )
    services.unit_result_set(
        actor=org_world.hr_admin_a, unit=org_world.div_a, year=2026, result=OrganisationResult.ISTIMEWA
    )
    behaviour = dict.fromkeys(BEHAVIOUR_FIELDS, Rating.ABOVE)
    with pytest.raises(ApplicationError) as raised:
        services.evaluation_create(
            skp=skp,
            actor=org_world.agency_head_a,
            kind=EvaluationKind.ANNUAL,
            behaviour=behaviour,
            results_rating="BELOW",
        )
    assert "results_rating" in raised.value.fields
    evaluation = services.evaluation_create(
        skp=skp, actor=org_world.agency_head_a, kind=EvaluationKind.ANNUAL, behaviour=behaviour
    )
    assert (evaluation.results_rating, evaluation.results_from_unit, evaluation.predikat) == (
        "ABOVE",
        True,
        "SANGAT_BAIK",
    )


def test_a_periodic_evaluation_must_lie_inside_the_skp_and_is_unique(org_world, approved_skp):
    args = dict(
        skp=approved_skp,
        actor=org_world.supervisor_a,
        kind=EvaluationKind.PERIODIC,
        behaviour=dict.fromkeys(BEHAVIOUR_FIELDS, Rating.MEETS),
        results_rating="MEETS",
    )
    with pytest.raises(ApplicationError):
        services.evaluation_create(
            **args, period_start=datetime.date(2025, 12, 1), period_end=datetime.date(2026, 3, 31)
        )
    services.evaluation_create(**args, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 3, 31))
    with pytest.raises(ConflictError):
        services.evaluation_create(
            **args, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 3, 31)
        )


# ---------------------------------------------------------------------------- suggestion, choices, distribution


def test_the_suggested_realisation_comes_from_verified_output_only(org_world, approved_skp, monkeypatch):
    plan = PeriodPlan.objects.filter(indicator__rhk__skp=approved_skp).order_by("period_start").first()
    assert selectors.suggested_realisation(plan=plan) == Decimal(0)  # no output log yet (attendance)
    monkeypatch.setattr(selectors, "verified_output_totals", lambda *, plans: {p.id: Decimal("7") for p in plans})
    realisation, _created = services.realisation_record(
        indicator=plan.indicator, actor=org_world.employee_a, period_date=plan.period_start, value=6
    )
    assert (realisation.value, realisation.suggested_value) == (Decimal("6"), Decimal("7"))


def test_indicator_choices_are_the_approved_skp_covering_the_day(org_world, draft_skp):
    employee = org_world.employee_a.employee
    assert not selectors.indicator_choices_for(employee=employee, on_date=datetime.date(2026, 5, 4)).exists()
    services.skp_approve(skp=draft_skp, actor=org_world.supervisor_a)
    choices = selectors.indicator_choices_for(employee=employee, on_date=datetime.date(2026, 5, 4))
    assert list(choices) == [first_indicator(draft_skp)]
    assert not selectors.indicator_choices_for(employee=employee, on_date=datetime.date(2027, 1, 4)).exists()


def test_distribution_warnings_follow_the_guideline():
    warn = selectors.distribution_warnings
    assert warn(result="ISTIMEWA", counts={"SANGAT_BAIK": 7, "BAIK": 3}) == []
    assert warn(result="ISTIMEWA", counts={"SANGAT_BAIK": 8, "BAIK": 2}) == ["SANGAT_BAIK>70"]
    assert warn(result="BAIK", counts={"BAIK": 10}) == ["BAIK>70", "BUTUH_PERBAIKAN|KURANG=0"]
    assert warn(result="BAIK", counts={"BAIK": 7, "KURANG": 1, "SANGAT_BAIK": 2}) == []
    assert warn(result="BUTUH_PERBAIKAN", counts={"BUTUH_PERBAIKAN": 5, "SANGAT_BAIK": 5}) == [
        "BUTUH_PERBAIKAN<60",
        "SANGAT_BAIK>10",
    ]
    assert warn(result="SANGAT_KURANG", counts={"SANGAT_BAIK": 1, "KURANG": 9}) == ["SANGAT_BAIK>0"]
    assert warn(result=None, counts={"SANGAT_BAIK": 1}) == []


def test_hr_sees_the_distribution_per_unit_subtree(org_world, approved_skp):
    services.evaluation_create(
        skp=approved_skp,
        actor=org_world.supervisor_a,
        kind=EvaluationKind.ANNUAL,
        behaviour=dict.fromkeys(BEHAVIOUR_FIELDS, Rating.ABOVE),
        results_rating="ABOVE",
    )
    services.unit_result_set(actor=org_world.hr_admin_a, unit=org_world.div_a, year=2026, result="SANGAT_KURANG")
    rows = {row.unit.code: row for row in selectors.distribution_for(user=org_world.hr_admin_a, year=2026)}
    assert rows["A-SEC"].counts == {"SANGAT_BAIK": 1}
    assert rows["A-ROOT"].total == 1
    assert rows["A-DIV"].warnings == ["SANGAT_BAIK>0"]
    assert rows["A-HR"].total == 0
    with pytest.raises(PermissionDenied):
        services.unit_result_set(actor=org_world.supervisor_a, unit=org_world.div_a, year=2026, result="BAIK")


def test_skp_targets_realisations_and_evaluations_are_audited(org_world, approved_skp):
    from performance.models import EvaluationEvent, IndicatorEvent, RealisationEvent, SkpEvent

    assert SkpEvent.objects.filter(pgh_obj_id=approved_skp.id, status="APPROVED").exists()
    indicator = first_indicator(approved_skp)
    assert IndicatorEvent.objects.filter(pgh_obj_id=indicator.id).exists()
    realisation, _created = services.realisation_record(
        indicator=indicator, actor=org_world.employee_a, period_date=datetime.date(2026, 1, 1), value=3
    )
    assert RealisationEvent.objects.filter(pgh_obj_id=realisation.id, value=3).exists()
    evaluation = services.evaluation_create(
        skp=approved_skp,
        actor=org_world.supervisor_a,
        kind=EvaluationKind.ANNUAL,
        behaviour=dict.fromkeys(BEHAVIOUR_FIELDS, Rating.MEETS),
        results_rating="MEETS",
    )
    assert EvaluationEvent.objects.filter(pgh_obj_id=evaluation.id, predikat="BAIK").exists()
