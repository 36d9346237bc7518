"""Performance management (docs/rules.md §5): SKP, planned work results (RHK),
indicators, period plans, realisations, feedback and evaluations, with the predikat matrix and the
unit-result rule stored as data (seeded by migration 0002, marked "verify")."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from flexwork.common.models import AgencyOwnedModel, BaseModel


class SkpStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    SUBMITTED = "SUBMITTED", _("Submitted")
    APPROVED = "APPROVED", _("Approved")
    RETURNED = "RETURNED", _("Returned")


# The allowed moves, in one place (CONTRIBUTING.md, "Checklist: adding a transition"). Who may make each move is decided in services.py.
# DRAFT → APPROVED is the "supervisor sets the targets" flow; DRAFT → SUBMITTED → APPROVED is the
# "employee proposes, supervisor approves" flow. An approved SKP is edited only after returning it.
SKP_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SkpStatus.DRAFT: (SkpStatus.SUBMITTED, SkpStatus.APPROVED),
    SkpStatus.SUBMITTED: (SkpStatus.APPROVED, SkpStatus.RETURNED),
    SkpStatus.RETURNED: (SkpStatus.SUBMITTED, SkpStatus.APPROVED),
    SkpStatus.APPROVED: (SkpStatus.RETURNED,),
}
SKP_EDITABLE_STATUSES = (SkpStatus.DRAFT, SkpStatus.RETURNED)


class SkpApproach(models.TextChoices):
    QUANTITATIVE = "QUANTITATIVE", _("Quantitative")
    QUALITATIVE = "QUALITATIVE", _("Qualitative")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="SkpEvent")
class Skp(AgencyOwnedModel):
    """Sasaran Kinerja Pegawai: one per employee, position assignment and year. A mid-year transfer
    starts a second SKP whose period begins at the transfer (docs/rules.md §5)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="skps")
    position = models.ForeignKey("org.Position", on_delete=models.PROTECT, related_name="skps")
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    approach = models.CharField(
        _("approach"), max_length=16, choices=SkpApproach.choices, default=SkpApproach.QUANTITATIVE
    )
    status = models.CharField(_("status"), max_length=16, choices=SkpStatus.choices, default=SkpStatus.DRAFT)
    status_note = models.TextField(_("note"), blank=True, help_text="The note of the last return.")
    # Pejabat penilai: the direct supervisor, recorded when the SKP is approved.
    assessor = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="assessed_skps"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-period_start", "id"]
        verbose_name = "SKP"
        verbose_name_plural = "SKP"
        indexes = [models.Index(fields=["agency", "employee", "year"], name="perf_skp_agency_emp_year")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SkpStatus.values), name="perf_skp_status_valid"),
            models.CheckConstraint(condition=Q(approach__in=SkpApproach.values), name="perf_skp_approach_valid"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="perf_skp_period_ordered"),
            models.CheckConstraint(
                condition=Q(status=SkpStatus.APPROVED, assessor__isnull=False) | ~Q(status=SkpStatus.APPROVED),
                name="perf_skp_approved_has_assessor",
            ),
            models.UniqueConstraint(
                fields=["agency", "employee", "position", "year", "period_start"], name="perf_skp_unique_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"SKP {self.year} {self.employee_id}"

    @property
    def is_editable(self) -> bool:
        return self.status in SKP_EDITABLE_STATUSES


class SkpTransition(AgencyOwnedModel):
    """One row per status change of an SKP (who, when, from, to, note)."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=SkpStatus.choices)
    to_status = models.CharField(max_length=16, choices=SkpStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class RhkKind(models.TextChoices):
    MAIN = "MAIN", _("Main")
    ADDITIONAL = "ADDITIONAL", _("Additional")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="RhkEvent")
class Rhk(AgencyOwnedModel):
    """Rencana Hasil Kerja. `cascaded_from` is an RHK of someone above the employee in the
    supervisor chain (the leader's RHK this one "intervenes"); services refuse any other."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="rhks")
    kind = models.CharField(_("kind"), max_length=16, choices=RhkKind.choices, default=RhkKind.MAIN)
    description = models.TextField(_("planned work result"))
    cascaded_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cascaded_to",
        verbose_name=_("cascaded from"),
    )

    class Meta:
        ordering = ["skp_id", "kind", "id"]
        verbose_name = _("planned work result")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RhkKind.values), name="perf_rhk_kind_valid"),
            models.CheckConstraint(condition=~Q(cascaded_from=F("id")), name="perf_rhk_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class IndicatorAspect(models.TextChoices):
    QUANTITY = "QUANTITY", _("Quantity")
    QUALITY = "QUALITY", _("Quality")
    TIME = "TIME", _("Time")
    COST = "COST", _("Cost")


class IndicatorDirection(models.TextChoices):
    HIGHER = "HIGHER", _("Higher is better")
    LOWER = "LOWER", _("Lower is better")


class TargetSpread(models.TextChoices):
    """How an indicator's annual target spreads over the periods (docs/rules.md §5)."""

    EVEN = "EVEN", _("Evenly (the periods add up to the annual target)")
    CUMULATIVE = "CUMULATIVE", _("Cumulative (each period's target is the running total)")
    MANUAL = "MANUAL", _("By hand (the periods add up to the annual target)")
    SAME = "SAME", _("The same target every period (a rate, a percentage, a deadline)")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="IndicatorEvent")
class Indicator(AgencyOwnedModel):
    """Indikator Kinerja Individu. A single-value target has target_min == target_max; a range has
    target_min < target_max."""

    rhk = models.ForeignKey(Rhk, on_delete=models.CASCADE, related_name="indicators")
    aspect = models.CharField(_("aspect"), max_length=16, choices=IndicatorAspect.choices)
    description = models.TextField(_("indicator"))
    target_min = models.DecimalField(_("target (from)"), max_digits=14, decimal_places=2)
    target_max = models.DecimalField(_("target (to)"), max_digits=14, decimal_places=2)
    unit = models.CharField(pgettext_lazy("unit of measure", "unit"), max_length=64)
    direction = models.CharField(
        _("direction"), max_length=8, choices=IndicatorDirection.choices, default=IndicatorDirection.HIGHER
    )
    spread = models.CharField(
        _("spread over the periods"), max_length=16, choices=TargetSpread.choices, default=TargetSpread.EVEN
    )

    class Meta:
        ordering = ["rhk_id", "id"]
        verbose_name = _("indicator")
        constraints = [
            models.CheckConstraint(condition=Q(target_min__lte=F("target_max")), name="perf_indicator_range_ordered"),
            models.CheckConstraint(condition=Q(target_min__gte=0), name="perf_indicator_target_not_negative"),
            models.CheckConstraint(condition=Q(aspect__in=IndicatorAspect.values), name="perf_indicator_aspect_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=IndicatorDirection.values), name="perf_indicator_direction_valid"
            ),
            models.CheckConstraint(condition=Q(spread__in=TargetSpread.values), name="perf_indicator_spread_valid"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_range(self) -> bool:
        return self.target_min != self.target_max


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="PeriodPlanEvent"
)
class PeriodPlan(AgencyOwnedModel):
    """The plan of one indicator for one period of the agency's performance period (monthly,
    quarterly or semester), clipped to the SKP's period, with its own target."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="period_plans")
    number = models.PositiveSmallIntegerField(_("period"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    target_min = models.DecimalField(_("target (from)"), max_digits=14, decimal_places=2)
    target_max = models.DecimalField(_("target (to)"), max_digits=14, decimal_places=2)
    action_plan = models.TextField(_("action plan"), blank=True)

    class Meta:
        ordering = ["indicator_id", "period_start"]
        # The agency's current and coming periods (the HR dashboard's at-risk card), not its whole history; with
        # the start, the card finds its few distinct periods by skipping through the index (HR_PERIODS_SQL).
        indexes = [models.Index(fields=["agency", "period_end", "period_start"], name="perf_plan_agency_end_start")]
        constraints = [
            models.CheckConstraint(condition=Q(target_min__lte=F("target_max")), name="perf_plan_range_ordered"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="perf_plan_period_ordered"),
            models.UniqueConstraint(fields=["indicator", "period_start"], name="perf_plan_unique_period"),
        ]


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="RealisationEvent"
)
class Realisation(AgencyOwnedModel):
    """What the employee achieved on one indicator in one period. `suggested_value` keeps the
    sum of verified output-log entries shown when it was recorded (accepted or corrected)."""

    period_plan = models.OneToOneField(PeriodPlan, on_delete=models.CASCADE, related_name="realisation")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="realisations")
    value = models.DecimalField(_("realisation"), max_digits=14, decimal_places=2)
    suggested_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator_id", "period_plan_id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="perf_realisation_not_negative"),
        ]

    def evidence_visible_to(self, user) -> bool:
        from performance.selectors import skp_visible_q

        return Skp.objects.filter(skp_visible_q(user), id=self.indicator.rhk.skp_id).exists()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), model_name="FeedbackEvent")
class Feedback(AgencyOwnedModel):
    """Continuous feedback (umpan balik berkelanjutan) on an SKP, optionally about one indicator."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="feedback")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("feedback"))

    class Meta:
        ordering = ["-created_at", "-id"]


class Rating(models.TextChoices):
    ABOVE = "ABOVE", _("Above expectation")
    MEETS = "MEETS", _("Meets expectation")
    BELOW = "BELOW", _("Below expectation")


class Predikat(models.TextChoices):
    SANGAT_BAIK = "SANGAT_BAIK", _("Very good (Sangat Baik)")
    BAIK = "BAIK", _("Good (Baik)")
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN", _("Needs improvement (Butuh Perbaikan)")
    KURANG = "KURANG", _("Poor/Misconduct (Kurang/Misconduct)")
    SANGAT_KURANG = "SANGAT_KURANG", _("Very poor (Sangat Kurang)")


class OrganisationResult(models.TextChoices):
    ISTIMEWA = "ISTIMEWA", _("Outstanding (Istimewa)")
    BAIK = "BAIK", _("Good (Baik)")
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN", _("Needs improvement (Butuh Perbaikan)")
    KURANG = "KURANG", _("Poor (Kurang)")
    SANGAT_KURANG = "SANGAT_KURANG", _("Very poor (Sangat Kurang)")


class EvaluationKind(models.TextChoices):
    PERIODIC = "PERIODIC", _("Periodic")
    ANNUAL = "ANNUAL", _("Annual")


# The seven BerAKHLAK core values (docs/rules.md §5): field name → label.
BEHAVIOUR_VALUES: tuple[tuple[str, object], ...] = (
    ("behaviour_service", _("Service-oriented (Berorientasi Pelayanan)")),
    ("behaviour_accountable", _("Accountable (Akuntabel)")),
    ("behaviour_competent", _("Competent (Kompeten)")),
    ("behaviour_harmonious", _("Harmonious (Harmonis)")),
    ("behaviour_loyal", _("Loyal (Loyal)")),
    ("behaviour_adaptive", _("Adaptive (Adaptif)")),
    ("behaviour_collaborative", _("Collaborative (Kolaboratif)")),
)
BEHAVIOUR_FIELDS = tuple(name for name, _label in BEHAVIOUR_VALUES)


class PredikatMatrixCell(BaseModel):
    """One cell of the predikat matrix (results rating × behaviour rating → predikat). Data, not
    code: seeded from docs/rules.md §5 by migration 0002 with `verify` set until checked against the
    annex of PermenPANRB 6/2022."""

    results_rating = models.CharField(max_length=8, choices=Rating.choices)
    behaviour_rating = models.CharField(max_length=8, choices=Rating.choices)
    predikat = models.CharField(max_length=16, choices=Predikat.choices)
    verify = models.BooleanField(default=True, help_text="Still to be checked against the regulation's annex.")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["results_rating", "behaviour_rating"], name="perf_matrix_unique_cell"),
            models.CheckConstraint(condition=Q(results_rating__in=Rating.values), name="perf_matrix_results_valid"),
            models.CheckConstraint(condition=Q(behaviour_rating__in=Rating.values), name="perf_matrix_behaviour_valid"),
            models.CheckConstraint(condition=Q(predikat__in=Predikat.values), name="perf_matrix_predikat_valid"),
        ]


class UnitResultRule(BaseModel):
    """A unit head's results rating follows the unit's result (docs/rules.md §5; data, "verify")."""

    organisation_result = models.CharField(max_length=16, choices=OrganisationResult.choices, unique=True)
    results_rating = models.CharField(max_length=8, choices=Rating.choices)
    verify = models.BooleanField(default=True)
    source = models.CharField(max_length=200, blank=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), model_name="UnitResultEvent")
class UnitResult(AgencyOwnedModel):
    """The organisational performance (capaian kinerja organisasi) of a unit for a year, set by HR.
    The root unit's result is the agency's."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="performance_results")
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=16, choices=OrganisationResult.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "unit", "year"], name="perf_unitresult_unique"),
            models.CheckConstraint(condition=Q(result__in=OrganisationResult.values), name="perf_unitresult_valid"),
        ]


def _rating_field(label):
    return models.CharField(label, max_length=8, choices=Rating.choices)


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="EvaluationEvent"
)
class Evaluation(AgencyOwnedModel):
    """A periodic or annual evaluation of an SKP by its assessor: results rating, the seven
    behaviour values, the overall behaviour rating and the predikat from the matrix."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(_("kind"), max_length=8, choices=EvaluationKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    results_rating = _rating_field(_("results rating"))
    results_from_unit = models.BooleanField(
        default=False, help_text="The results rating follows the unit's result (the employee heads the unit)."
    )
    behaviour_service = _rating_field(BEHAVIOUR_VALUES[0][1])
    behaviour_accountable = _rating_field(BEHAVIOUR_VALUES[1][1])
    behaviour_competent = _rating_field(BEHAVIOUR_VALUES[2][1])
    behaviour_harmonious = _rating_field(BEHAVIOUR_VALUES[3][1])
    behaviour_loyal = _rating_field(BEHAVIOUR_VALUES[4][1])
    behaviour_adaptive = _rating_field(BEHAVIOUR_VALUES[5][1])
    behaviour_collaborative = _rating_field(BEHAVIOUR_VALUES[6][1])
    behaviour_rating = _rating_field(_("behaviour rating"))
    predikat = models.CharField(_("predikat"), max_length=16, choices=Predikat.choices)
    note = models.TextField(_("notes and recommendations"), blank=True)
    evaluator = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="evaluations_given")

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["skp", "kind", "period_start"], name="perf_evaluation_unique_period"),
            models.CheckConstraint(condition=Q(kind__in=EvaluationKind.values), name="perf_evaluation_kind_valid"),
            models.CheckConstraint(condition=Q(predikat__in=Predikat.values), name="perf_evaluation_predikat_valid"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="perf_evaluation_period_ordered"
            ),
            *[
                models.CheckConstraint(condition=Q(**{f"{name}__in": Rating.values}), name=f"perf_evaluation_{name}")
                for name in ("results_rating", "behaviour_rating", *BEHAVIOUR_FIELDS)
            ],
        ]

    def behaviour_rows(self):
        return [
            (label, getattr(self, name), getattr(self, f"get_{name}_display")()) for name, label in BEHAVIOUR_VALUES
        ]
