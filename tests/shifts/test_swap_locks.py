# ruff: noqa: F811  (the swap world is imported from tests/shifts/test_swaps.py)
"""One lock order for a duty swap on every path (docs/rules.md §3 "The approval engine", §8 "Changes
and swaps"): both people's rows in id order, then the swap's row, then the duties in id order, whether
the decision comes through the swap service or straight through the engine, so neither can wait for
the other."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwork.approvals import engine
from flexwork.approvals.models import ApprovalStatus
from shifts import swaps
from shifts.models import Duty, DutySwap
from tests.shifts.test_swaps import accepted, world  # noqa: F401

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'FROM "(\w+)"')
IDS = re.compile(r'"id" (?:IN \(([\d, ]+)\)|= (\d+))')


def locked_ids(sql: str) -> list[int]:
    found = IDS.search(sql)
    return [int(i) for i in (found.group(1) or found.group(2)).split(",")]


def locks(queries) -> list[str]:
    """The tables locked (SELECT … FOR UPDATE), in the order the locks were asked for."""
    return [TABLE.search(q["sql"]).group(1) for q in queries if "FOR UPDATE" in q["sql"]]


def collapsed(tables: list[str]) -> list[str]:
    """Repeated locks of rows already held change nothing: keep each table's first lock."""
    seen: list[str] = []
    for table in tables:
        if table not in seen:
            seen.append(table)
    return seen


EMPLOYEE, SWAP, DUTY = "org_employee", DutySwap._meta.db_table, Duty._meta.db_table


def test_the_swap_service_locks_people_then_the_swap_then_the_duties(world):
    swap = accepted(world)
    with CaptureQueriesContext(connection) as queries:
        swaps.swap_act(swap=swap, action="approve", actor=world.head, note="Silakan")
    assert DutySwap.objects.get(id=swap.id).status == ApprovalStatus.APPROVED
    order = locks(queries.captured_queries)
    assert order[0] == EMPLOYEE
    assert collapsed(order) == [EMPLOYEE, SWAP, DUTY]


def test_an_approval_straight_through_the_engine_takes_the_same_order(world):
    swap = accepted(world)
    with CaptureQueriesContext(connection) as queries:
        engine.transition(obj=DutySwap.objects.get(id=swap.id), action="approve", actor=world.head, note="Silakan")
    assert DutySwap.objects.get(id=swap.id).status == ApprovalStatus.APPROVED
    order = locks(queries.captured_queries)
    assert collapsed(order) == [EMPLOYEE, SWAP, DUTY]
    # Both people are locked before the swap, in one statement (in id order), never one after the swap.
    first_swap = order.index(SWAP)
    assert EMPLOYEE not in order[first_swap:]
    employee_locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"] and EMPLOYEE in q["sql"]]
    people = sorted([world.a.employee.id, world.b.employee.id])
    assert employee_locks and all(sorted(locked_ids(sql)) == people for sql in employee_locks)


def test_the_engine_lock_takes_the_colleague_too(world):
    swap = accepted(world)
    with CaptureQueriesContext(connection) as queries:
        engine.lock(DutySwap.objects.get(id=swap.id))
    sql = next(q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"])
    assert EMPLOYEE in sql and sorted(locked_ids(sql)) == sorted([world.a.employee.id, world.b.employee.id])


def test_the_organisation_events_lock_only_the_owner(world):
    """Re-routing and deactivation run in a transaction that holds the owner's row already: taking
    the colleague's row after it could wait in the wrong order, so they take only the owner's."""
    swap = accepted(world)
    with CaptureQueriesContext(connection) as queries:
        engine.lock(DutySwap.objects.get(id=swap.id), owner_only=True)
    sql = next(q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"])
    assert locked_ids(sql) == [world.a.employee.id]
