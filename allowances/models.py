"""Allowance deduction schemes (docs/rules.md §10 "Scheme"): per agency, one version per month it
starts in. A version applies from its `effective_from` (the first day of a month) until the next
version's; `data` holds the whole scheme as data (components, bands, events, leave rules,
thresholds, cap, rounding, switches), validated by allowances.schemes.scheme_validate."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="AllowanceSchemeEvent"
)
class AllowanceScheme(AgencyOwnedModel):
    effective_from = models.DateField(_("in force from"))
    template = models.CharField(_("template"), max_length=32)
    data = models.JSONField(_("scheme"))
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency", "-effective_from"]
        verbose_name = _("allowance scheme")
        constraints = [
            models.UniqueConstraint(fields=["agency", "effective_from"], name="allowances_one_scheme_per_start"),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="allowances_scheme_starts_on_first"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.effective_from:%Y-%m} {self.template}"
