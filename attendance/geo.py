"""Distances and fences (docs/rules.md §4). Pure functions: no database."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Fence:
    """Where the day's check events should happen. `latitude` None: the place has no registered
    coordinates (flagged NO_FENCE); `required` False: official duty, position recorded only."""

    location: str
    latitude: float | None
    longitude: float | None
    radius_m: int | None
    required: bool = True
    label: str = ""

    @property
    def known(self) -> bool:
        return self.latitude is not None and self.longitude is not None and self.radius_m is not None


@dataclass(frozen=True)
class Verdict:
    distance_m: int | None
    inside_fence: bool | None
    flags: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def judge(*, fence: Fence, latitude: float, longitude: float, accuracy_m: float, max_accuracy_m: int) -> Verdict:
    """Outside the fence, accuracy worse than the policy's maximum, or no fence on file → flagged
    (never refused). Official duty has no fence: nothing to flag, the position is recorded."""
    from attendance.models import CheckFlag

    if not fence.required:
        return Verdict(distance_m=None, inside_fence=None, flags=())
    flags: list[str] = []
    if not fence.known:
        return Verdict(distance_m=None, inside_fence=None, flags=(CheckFlag.NO_FENCE.value,))
    distance = haversine_m(latitude, longitude, fence.latitude, fence.longitude)
    inside = distance <= fence.radius_m
    if not inside:
        flags.append(CheckFlag.OUTSIDE_FENCE.value)
    if accuracy_m > max_accuracy_m:
        flags.append(CheckFlag.POOR_ACCURACY.value)
    return Verdict(distance_m=round(distance), inside_fence=inside, flags=tuple(flags))
