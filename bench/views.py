"""The floors of the check-in benchmark, wired only by flexwork.settings.bench (bench.urls), under the same
settings, middleware (ATOMIC_REQUESTS: one transaction per request, committed at its end) and gunicorn
configuration as the API, behind the same token authentication
(flexwork.accounts.authentication.PersonalTokenAuthentication):

- `bare_check_in` authenticates and answers, nothing else: the read floor;
- `write_floor_check_in` authenticates and then writes what the real check-in writes (one attendance_checkevent
  row, into the same table with the same indexes and the same ON CONFLICT clause, in the request's one
  commit) with one prepared raw SQL statement that computes the context in the database: the office date in the
  unit's zone, official duty, the day's schedule, the fence, the distance, the flags and the attempt. What the
  check-in path cannot beat for the same durable work. The real check-in writes no daily status: those are
  computed by the nightly job (attendance.status), so the floor writes none either. Units with a roster (not
  Monday–Friday) are out of its scope: the seeded agency has none. tests/bench/ checks that it writes the same
  row as attendance.services.attendance_check for the same input."""

import json
import math

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import exceptions

from attendance.geo import EARTH_RADIUS_M
from attendance.services import _CHECK_IN_SQL, HOME_FENCE_RADIUS_M
from flexwork.accounts.authentication import PersonalTokenAuthentication
from flexwork.common.db import prepare_once

_auth = PersonalTokenAuthentication()


def _authenticate(request):
    header = request.headers.get("Authorization", "").split()
    if len(header) != 2 or header[0].lower() != "token":
        return None, JsonResponse({"message": "Authentication credentials were not provided."}, status=401)
    try:
        user, _token = _auth.authenticate_key(header[1])
    except exceptions.AuthenticationFailed as exc:
        return None, JsonResponse({"message": str(exc.detail)}, status=401)
    return user, None


@csrf_exempt
@require_POST
def bare_check_in(request):
    user, refusal = _authenticate(request)
    if refusal:
        return refusal
    return JsonResponse({"ok": True, "user": user.pk}, status=201)


# The same conflict handling and RETURNING as the check-in upsert (attendance.services._CHECK_IN_SQL).
_CONFLICT = "ON CONFLICT" + _CHECK_IN_SQL.split("ON CONFLICT", 1)[1]

WRITE_FLOOR_SQL = f"""
WITH c AS (
  SELECT e.id AS employee_id, e.agency_id, e.unit_id, e.supervisor_id, d.local_date,
    COALESCE(
      (SELECT o.max_accuracy_m FROM org_unitpolicyoverride o WHERE o.unit_id = e.unit_id LIMIT 1),
      (SELECT p.max_accuracy_m FROM org_agencypolicy p WHERE p.agency_id = e.agency_id LIMIT 1), 100
    ) AS max_accuracy_m,
    f.*
  FROM org_employee e
  JOIN org_unit u ON u.id = e.unit_id
  JOIN org_agency a ON a.id = e.agency_id
  CROSS JOIN LATERAL (SELECT ($1::timestamptz AT TIME ZONE COALESCE(NULLIF(u.time_zone, ''), a.time_zone))::date
                      AS local_date) d
  CROSS JOIN LATERAL (SELECT EXISTS (
      SELECT 1 FROM attendance_leaverequest l
      WHERE l.employee_id = e.id AND l.status = 'approved' AND l.kind = 'DINAS_LUAR'
        AND l.date_from <= d.local_date AND l.date_to >= d.local_date) AS on_duty) od
  LEFT JOIN LATERAL (
    SELECT sd.location, dl.id AS dl_id, dl.latitude AS dl_lat, dl.longitude AS dl_lon, dl.radius_m AS dl_radius,
      ou.id AS ou_id, ou.office_latitude AS ou_lat, ou.office_longitude AS ou_lon, ou.office_radius_m AS ou_radius
    FROM schedules_scheduleday sd
    LEFT JOIN org_designatedlocation dl ON dl.id = sd.designated_location_id
    LEFT JOIN org_unit ou ON ou.id = sd.other_office_unit_id
    WHERE sd.employee_id = e.id AND sd.local_date = d.local_date AND sd.cancelled_at IS NULL
    ORDER BY sd.local_date, sd.employee_id LIMIT 1
  ) s ON TRUE
  CROSS JOIN LATERAL (SELECT
    CASE WHEN od.on_duty THEN 'OFFICIAL_DUTY' WHEN s.location = 'HOME' THEN 'HOME'
         WHEN s.location = 'DESIGNATED' THEN 'DESIGNATED'
         WHEN s.location = 'OTHER_OFFICE' AND s.ou_id IS NOT NULL THEN 'OTHER_OFFICE' ELSE 'OFFICE' END AS location,
    NOT od.on_duty AS required,
    CASE WHEN od.on_duty THEN NULL WHEN s.location = 'HOME' THEN e.home_latitude
         WHEN s.location = 'DESIGNATED' THEN s.dl_lat
         WHEN s.location = 'OTHER_OFFICE' AND s.ou_id IS NOT NULL THEN s.ou_lat ELSE u.office_latitude END
      ::float8 AS f_lat,
    CASE WHEN od.on_duty THEN NULL WHEN s.location = 'HOME' THEN e.home_longitude
         WHEN s.location = 'DESIGNATED' THEN s.dl_lon
         WHEN s.location = 'OTHER_OFFICE' AND s.ou_id IS NOT NULL THEN s.ou_lon ELSE u.office_longitude END
      ::float8 AS f_lon,
    CASE WHEN od.on_duty THEN NULL WHEN s.location = 'HOME' THEN {HOME_FENCE_RADIUS_M}
         WHEN s.location = 'DESIGNATED' THEN s.dl_radius
         WHEN s.location = 'OTHER_OFFICE' AND s.ou_id IS NOT NULL THEN s.ou_radius ELSE u.office_radius_m END
      AS f_radius
  ) f
  WHERE e.user_id = $2::integer AND e.is_active
  ORDER BY e.name, e.id
  LIMIT 1
)
INSERT INTO attendance_checkevent AS e (created_at, updated_at, agency_id, employee_id, kind, local_date, at,
    location, latitude, longitude, accuracy_m, distance_m, fence_radius_m, inside_fence, flags, ip, duty_id,
    flagged, attempts, attempt_count, unit_id, supervisor_id)
SELECT $1, $1, c.agency_id, c.employee_id, 'IN', c.local_date, $1, c.location, $3::numeric(9, 6),
       $4::numeric(9, 6), $7::float8, v.distance, CASE WHEN c.required THEN c.f_radius END, v.inside, v.flags, $8::inet,
       NULL, cardinality(v.flags) > 0,
       jsonb_build_array(jsonb_build_object('at', $9::text, 'latitude', $3::float8, 'longitude', $4::float8,
           'accuracy_m', $10::numeric, 'distance_m', v.distance, 'inside_fence', v.inside, 'flags', to_jsonb(v.flags))),
       1, c.unit_id, c.supervisor_id
FROM c
CROSS JOIN LATERAL (SELECT c.required AND c.f_lat IS NOT NULL AND c.f_lon IS NOT NULL AND c.f_radius IS NOT NULL
                    AS known) k
CROSS JOIN LATERAL (SELECT CASE WHEN k.known THEN 2 * {EARTH_RADIUS_M} * asin(least(1.0, sqrt(
    sin((radians(c.f_lat) - radians($5::float8)) / 2) ^ 2
    + cos(radians($5::float8)) * cos(radians(c.f_lat)) * sin(radians(c.f_lon - $6::float8) / 2) ^ 2))) END AS metres) g
CROSS JOIN LATERAL (SELECT round(g.metres)::int AS distance, g.metres <= c.f_radius AS inside,
    CASE WHEN NOT c.required THEN '{{}}'::varchar(16)[]
         WHEN NOT k.known THEN '{{NO_FENCE}}'::varchar(16)[]
         ELSE array_remove(ARRAY[CASE WHEN g.metres > c.f_radius THEN 'OUTSIDE_FENCE' END,
                                 CASE WHEN $7::float8 > c.max_accuracy_m THEN 'POOR_ACCURACY' END]::varchar(16)[], NULL)
    END AS flags) v
{_CONFLICT}"""


def write_floor_insert(*, user_id: int, latitude: float, longitude: float, accuracy_m: float, ip, now):
    """The floor's one statement (prepared once per connection, as the check-in's are): the row's id."""
    with connection.cursor() as cursor:
        prepare_once("bench_write_floor", WRITE_FLOOR_SQL)
        cursor.execute(
            "EXECUTE bench_write_floor (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [now, user_id, f"{latitude:.6f}", f"{longitude:.6f}", latitude, longitude, accuracy_m, ip,
             now.isoformat(), repr(float(accuracy_m))],
        )  # fmt: skip
        row = cursor.fetchone()
    return row[0] if row else None


@csrf_exempt
@require_POST
def write_floor_check_in(request):
    user, refusal = _authenticate(request)
    if refusal:
        return refusal
    try:
        data = json.loads(request.body)
        values = [float(data[k]) for k in ("latitude", "longitude", "accuracy")]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"message": "latitude, longitude and accuracy are required."}, status=400)
    if not all(math.isfinite(v) for v in values):
        return JsonResponse({"message": "latitude, longitude and accuracy are required."}, status=400)
    row_id = write_floor_insert(
        user_id=user.pk, latitude=values[0], longitude=values[1], accuracy_m=values[2],
        ip=request.META.get("REMOTE_ADDR"), now=timezone.now(),
    )  # fmt: skip
    if row_id is None:
        return JsonResponse({"message": "Only active staff of an agency can check in or out."}, status=403)
    return JsonResponse({"id": row_id}, status=201)
