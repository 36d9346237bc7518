"""The approval engine's data (docs/rules.md §3): one set of statuses, one dict of allowed
moves, one Transition table and one Delegation table, shared by arrangements, leave,
official duty and attendance corrections.

A model that is approved inherits `ApprovableModel` (status, step, chain and escalation columns,
with their CheckConstraints) and names its `approval_kind`."""

from __future__ import annotations

from typing import ClassVar

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RECOMMENDED = "recommended", _("Recommended")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for revision")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    # Closed by the deciding official for service needs (penangguhan, docs/rules.md §9 "The decision").
    DEFERRED = "deferred", _("Deferred")


S = ApprovalStatus
# The only moves there are (docs/rules.md §3). A status missing as a key is final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    # A draft expires only where its kind says so (a duty swap waiting for the colleague, docs/rules.md §8);
    # the engine's sweep leaves drafts alone.
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN, S.EXPIRED}),
    S.SUBMITTED: frozenset({S.RECOMMENDED, S.APPROVED, S.REJECTED, S.RETURNED, S.WITHDRAWN, S.EXPIRED, S.DEFERRED}),
    S.RECOMMENDED: frozenset({S.APPROVED, S.REJECTED, S.RETURNED, S.WITHDRAWN, S.EXPIRED, S.DEFERRED}),
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN, S.EXPIRED}),
    S.APPROVED: frozenset({S.CANCELLED, S.REVOKED}),
}
# Waiting for an approver.
PENDING_STATUSES = (S.SUBMITTED, S.RECOMMENDED)
# Not final and not approved: what expiry and deactivation close.
OPEN_STATUSES = (S.DRAFT, S.SUBMITTED, S.RECOMMENDED, S.RETURNED)
# The employee may still edit.
EDITABLE_STATUSES = (S.DRAFT, S.RETURNED)


class ApprovalStep(models.TextChoices):
    RECOMMEND = "RECOMMEND", _("Recommendation by the direct supervisor")
    DECIDE = "DECIDE", _("Decision")


class ApprovalKind(models.TextChoices):
    ARRANGEMENT = "arrangement", _("Flexible work arrangement")
    LEAVE = "leave", _("Leave or official duty")
    CORRECTION = "correction", _("Attendance correction")
    SWAP = "swap", _("Duty swap")
    ROSTER = "roster", _("Roster publication")


class ApprovalAction(models.TextChoices):
    SUBMIT = "submit", _("submitted")
    RECOMMEND = "recommend", _("recommended")
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")
    RETURN = "return", _("returned for revision")
    WITHDRAW = "withdraw", _("withdrawn")
    CANCEL = "cancel", _("cancelled")
    REVOKE = "revoke", _("revoked")
    EXPIRE = "expire", _("expired")
    ESCALATE = "escalate", _("escalated")
    REROUTE = "reroute", _("re-routed")
    # The decisions only some kinds offer (their spec's `actions`): approval with other dates
    # (perubahan) and deferral (penangguhan), docs/rules.md §9 "The decision".
    CHANGE = "change", _("approved with changed dates")
    DEFER = "defer", _("deferred")


class ApprovableModel(AgencyOwnedModel):
    """The columns every approved object carries. `step` says who acts now: the recommender
    (RECOMMEND) or the decider (DECIDE); `escalated_to` may act beside them after escalation."""

    approval_kind: ClassVar[str] = ""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ApprovalStatus.choices, default=S.DRAFT)
    step = models.CharField(_("step"), max_length=16, choices=ApprovalStep.choices, null=True, blank=True)
    # Where a returned request re-enters on resubmission (docs/rules.md §3).
    returned_step = models.CharField(max_length=16, choices=ApprovalStep.choices, null=True, blank=True)
    recommender = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decider = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    escalated_to = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    step_since = models.DateTimeField(null=True, blank=True, help_text="When the current step began.")
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApprovalStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(step__isnull=True) | Q(step__in=ApprovalStep.values),
                name="%(app_label)s_%(class)s_step_valid",
            ),
            models.CheckConstraint(
                condition=Q(returned_step__isnull=True) | Q(returned_step__in=ApprovalStep.values),
                name="%(app_label)s_%(class)s_returned_step_valid",
            ),
            # Nobody decides their own request (docs/rules.md §3).
            models.CheckConstraint(
                condition=Q(decider__isnull=True) | ~Q(decider=F("employee")),
                name="%(app_label)s_%(class)s_not_own_decider",
            ),
            models.CheckConstraint(
                condition=Q(recommender__isnull=True) | ~Q(recommender=F("employee")),
                name="%(app_label)s_%(class)s_not_own_recommender",
            ),
        ]

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES


OPINIONS = [("change", _("other dates proposed")), ("defer", _("deferral proposed"))]


@pghistory.track(pghistory.InsertEvent(), model_name="TransitionEvent")
class Transition(AgencyOwnedModel):
    """One row per action on an approved object: who, when, from, to, why, on whose behalf. Also
    the actions that keep the status (a partial cancel, an escalation, a re-routing)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=16, choices=ApprovalAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=ApprovalStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=ApprovalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.ForeignKey("org.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    dates = ArrayField(models.DateField(), default=list, blank=True)
    # An approval with changed dates: the first and last day asked before it (`dates` holds the new ones).
    previous_dates = ArrayField(models.DateField(), default=list, blank=True)
    # A recommendation's opinion other than "approve" (the official leave form's four, docs/rules.md §9
    # "The decision"): `change` proposes the dates in `dates`, `defer` proposes a deferral.
    opinion = models.CharField(_("opinion"), max_length=16, blank=True, default="", choices=OPINIONS)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="approvals_transition_obj")]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=ApprovalStatus.values) & Q(to_status__in=ApprovalStatus.values),
                name="approvals_transition_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(action__in=ApprovalAction.values), name="approvals_transition_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(opinion="") | Q(action="recommend", opinion__in=["change", "defer"]),
                name="approvals_transition_opinion_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="DelegationEvent"
)
class Delegation(AgencyOwnedModel):
    """Plt./Plh.: `delegate` may act for `delegator` on the named approval kinds between two dates
    (inclusive, office dates). Actions record "on behalf of" the delegator."""

    delegator = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="delegations_given")
    delegate = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="delegations_received")
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("until"))
    kinds = ArrayField(models.CharField(max_length=16, choices=ApprovalKind.choices), verbose_name=_("approval kinds"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_from", "-id"]
        indexes = [models.Index(fields=["delegate", "date_from", "date_to"], name="approvals_delegation_delegate")]
        constraints = [
            models.CheckConstraint(condition=Q(date_to__gte=F("date_from")), name="approvals_delegation_dates_ordered"),
            models.CheckConstraint(condition=~Q(delegate=F("delegator")), name="approvals_delegation_not_self"),
            models.CheckConstraint(
                condition=Q(kinds__contained_by=ApprovalKind.values) & ~Q(kinds=[]),
                name="approvals_delegation_kinds_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator_id} → {self.delegate_id} ({self.date_from}–{self.date_to})"
