"""Reference data of an agency: designated locations, holidays and Ramadan ranges."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel
from flexwork.org.models.organisation import coordinate_constraints
from flexwork.org.validators import validate_latitude, validate_longitude


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="DesignatedLocationEvent"
)
class DesignatedLocation(AgencyOwnedModel):
    """A place other than an office where staff may work (Pasal 12(1)(c)), set by the agency."""

    name = models.CharField(_("name"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=[validate_latitude])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=[validate_longitude])
    radius_m = models.PositiveIntegerField(_("radius (m)"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="org_location_name_unique_per_agency"),
            *coordinate_constraints("org_location", "latitude", "longitude", "radius_m"),
        ]

    def __str__(self) -> str:
        return self.name


class HolidayKind(models.TextChoices):
    LIBUR_NASIONAL = "LIBUR_NASIONAL", _("National holiday")
    CUTI_BERSAMA = "CUTI_BERSAMA", _("Collective leave (cuti bersama)")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="HolidayEvent")
class Holiday(AgencyOwnedModel):
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=HolidayKind.choices)
    confirmed = models.BooleanField(
        _("confirmed"), default=True, help_text=_("Dates the holiday library only estimates start unconfirmed.")
    )

    class Meta:
        ordering = ["date", "name"]
        indexes = [models.Index(fields=["agency", "date"], name="org_holiday_agency_date")]
        constraints = [
            models.UniqueConstraint(fields=["agency", "date", "name"], name="org_holiday_unique_per_day_name"),
            models.CheckConstraint(condition=Q(kind__in=HolidayKind.values), name="org_holiday_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="RamadanRangeEvent"
)
class RamadanRange(AgencyOwnedModel):
    """The days on the Ramadan schedule (docs/rules.md §2); ranges of one agency never overlap."""

    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="org_ramadan_end_after_start"),
            ExclusionConstraint(
                name="org_ramadan_no_overlap",
                expressions=[
                    ("agency", RangeOperators.EQUAL),
                    (
                        DateRange("start", "end", RangeBoundary(inclusive_lower=True, inclusive_upper=True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"
