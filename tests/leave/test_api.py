"""GET /api/v1/leave-balances/ (docs/api.md): scoped like the other reads, paginated, a fixed number of
queries, 404 for an employee or unit out of reach, 400 in the error shape for bad input."""

from __future__ import annotations

import zoneinfo

import pytest
from django.utils import timezone

from leave import services
from leave.models import Bucket, EntryKind
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
URL = "/api/v1/leave-balances/"


def this_year() -> int:
    return timezone.now().astimezone(WITA).year


def give(user, days: int, bucket=Bucket.N1, year=None):
    services.balance_adjust(
        actor=None, employee=user.employee, year=year or this_year(), bucket=bucket, days=days,
        kind=EntryKind.OPENING, reason="Saldo awal",
    )  # fmt: skip


def names(response) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {item["employee"]["name"] for item in response.json()["results"]}


def test_staff_see_their_own_balance_with_its_buckets(client_for, employee_a):
    give(employee_a, 4)
    response = client_for(employee_a).get(URL)
    body = response.json()
    assert names(response) == {"Pegawai A"} and body["count"] == 1
    item = body["results"][0]
    assert item["year"] == this_year()
    assert [b["bucket"] for b in item["buckets"]] == ["DEFERRED", "N2", "N1", "N"]
    n1 = next(b for b in item["buckets"] if b["bucket"] == "N1")
    assert n1 == {**n1, "granted": 4, "held": 0, "used": 0, "available": 4}
    assert item["available"] == sum(b["available"] for b in item["buckets"])


def test_supervisors_see_their_team_and_hr_the_agency(client_for, employee_a, supervisor_a, hr_admin_a):
    assert names(client_for(supervisor_a).get(URL)) == {"Pegawai A", "Kasi A"}
    agency = names(client_for(hr_admin_a).get(URL))
    assert {"Pegawai A", "Kasi A", "Admin SDM A", "Kepala Dinas A"} <= agency
    assert "Pegawai B" not in agency


def test_another_persons_balance_is_a_404(client_for, employee_a, supervisor_a, hr_admin_a, employee_b):
    assert_error(client_for(employee_a).get(URL, {"employee": supervisor_a.employee.id}), 404)
    assert_error(client_for(hr_admin_a).get(URL, {"employee": employee_b.employee.id}), 404)
    assert names(client_for(supervisor_a).get(URL, {"employee": employee_a.employee.id})) == {"Pegawai A"}


def test_a_unit_out_of_reach_is_a_404(client_for, employee_a, hr_admin_a, org_world):
    assert_error(client_for(employee_a).get(URL, {"unit": org_world.hr_unit_a.id}), 404)
    assert_error(client_for(hr_admin_a).get(URL, {"unit": org_world.root_b.id}), 404)
    assert names(client_for(hr_admin_a).get(URL, {"unit": org_world.sec_a.id})) == {"Pegawai A", "Kasi A"}


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": 1999}, {"employee": 0}, {"unit": "x"}])
def test_bad_filters_are_a_400_in_the_error_shape(client_for, hr_admin_a, query):
    assert_error(client_for(hr_admin_a).get(URL, query), 400, fields=list(query))


def test_another_year(client_for, employee_a):
    give(employee_a, 3, year=this_year() + 1)
    item = client_for(employee_a).get(URL, {"year": this_year() + 1}).json()["results"][0]
    assert item["year"] == this_year() + 1
    assert next(b for b in item["buckets"] if b["bucket"] == "N1")["granted"] == 3


def test_the_list_runs_a_fixed_number_of_queries(client_for, hr_admin_a, employee_a, supervisor_a,
                                                 django_assert_num_queries, django_assert_max_num_queries):  # fmt: skip
    client = client_for(hr_admin_a)
    client.get(URL)
    with django_assert_max_num_queries(6) as few:
        client.get(URL)
    give(employee_a, 2)
    give(supervisor_a, 5)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200


def test_the_list_is_paginated(client_for, hr_admin_a):
    body = client_for(hr_admin_a).get(URL, {"limit": 2}).json()
    assert len(body["results"]) == 2 and body["next"] and body["count"] >= 5


def test_anonymous_is_a_401(api_client):
    assert_error(api_client.get(URL), 401)
