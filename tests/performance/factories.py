"""Builders for performance tests. They go through the services, as production does."""

from __future__ import annotations

from decimal import Decimal

from performance import services
from performance.models import IndicatorAspect, IndicatorDirection, RhkKind, Skp, TargetSpread


def skp_with_indicator(
    *,
    employee_user,
    actor,
    year: int = 2026,
    target_min=Decimal("10"),
    target_max=None,
    direction=IndicatorDirection.HIGHER,
    approve_by=None,
    cascaded_from=None,
    period_start=None,
    period_end=None,
    spread=TargetSpread.SAME,
) -> Skp:
    """A draft SKP of `employee_user` made by `actor`, with one main RHK and one indicator (by
    default the same target in every period, so period figures read as the annual target); approved
    by `approve_by` when given."""
    skp = services.skp_create(
        actor=actor, employee=employee_user.employee, year=year, period_start=period_start, period_end=period_end
    )
    rhk = services.rhk_create(
        skp=skp, actor=actor, kind=RhkKind.MAIN, description="Laporan kinerja triwulan", cascaded_from=cascaded_from
    )
    services.indicator_create(
        rhk=rhk,
        actor=actor,
        aspect=IndicatorAspect.QUANTITY,
        description="Jumlah laporan yang disusun",
        target_min=target_min,
        target_max=target_max,
        unit="laporan",
        direction=direction,
        spread=spread,
    )
    if approve_by is not None:
        skp = services.skp_approve(skp=skp, actor=approve_by)
    return skp


def first_indicator(skp: Skp):
    return skp.rhks.first().indicators.first()


def ensure_reference_data() -> None:
    """Re-run the seed of migration 0002 (idempotent): a transactional test of any app flushes the
    tables, and with --reuse-db the serialized copy may already be empty."""
    import importlib

    from django.apps import apps

    importlib.import_module("performance.migrations.0002_seed_predikat_matrix").seed(apps, None)


def office_today():
    """Today in agency A's office zone (WITA), as the pages compute it."""
    import zoneinfo

    from django.utils import timezone

    return timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Makassar")).date()
