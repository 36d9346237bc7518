"""The swap pages (docs/rules.md §8): ask a colleague, accept, decide with an override reason; a
double tap writes once (409, nothing written); other agencies 404; the approval queue lists swaps."""

from __future__ import annotations

from django.urls import reverse

from flexwork.approvals.models import ApprovalStatus
from shifts import swaps
from shifts.models import DutySwap, SwapAnswer
from tests.shifts.test_swaps import accepted, ask, world  # noqa: F401 - the fixture

S = ApprovalStatus


def test_ask_a_colleague_on_the_page_and_a_double_tap_writes_once(client, world):  # noqa: F811
    w = world
    client.force_login(w.a)
    url = reverse("shifts:swap_new") + f"?duty={w.duty_a.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert w.b.employee.name in page.content.decode()
    body = {"duty": w.duty_a.id, "colleague": w.b.employee.id, "colleague_duty": w.duty_b.id, "reason": "Acara"}
    first = client.post(url, body)
    second = client.post(url, body)
    swap = DutySwap.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("shifts:swap", args=[swap.id])
    assert second.status_code == 302 and second["Location"] == reverse("shifts:swap", args=[swap.id])
    assert DutySwap.objects.count() == 1


def test_the_form_shows_errors_in_the_page(client, world):  # noqa: F811
    w = world
    client.force_login(w.a)
    url = reverse("shifts:swap_new") + f"?duty={w.duty_a.id}"
    response = client.post(url, {"duty": w.duty_a.id, "colleague": "", "reason": ""})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert not DutySwap.objects.exists()


def test_the_colleague_accepts_and_a_second_tap_is_409(client, world):  # noqa: F811
    w = world
    swap = ask(w)
    client.force_login(w.b)
    lists = client.get(reverse("shifts:swaps"))
    assert lists.status_code == 200 and f'id="swap-{swap.id}"' in lists.content.decode()
    action = reverse("shifts:swap_action", args=[swap.id, "accept"])
    version = swap.updated_at.isoformat()
    assert client.post(action, {"version": version}).status_code == 302
    again = client.post(action, {"version": version})
    assert again.status_code == 409
    swap.refresh_from_db()
    assert (swap.status, swap.answer) == (S.SUBMITTED, SwapAnswer.ACCEPTED)


def test_the_head_decides_on_the_page_and_sees_it_in_the_queue(client, world):  # noqa: F811
    w = world
    swap = accepted(w)
    client.force_login(w.head)
    lists = client.get(reverse("shifts:swaps"))
    assert "Decide" in lists.content.decode() or "Putuskan" in lists.content.decode()
    queue = client.get(reverse("schedules-queue"))
    if queue.status_code == 200:
        assert reverse("shifts:swap", args=[swap.id]) in queue.content.decode()
    detail = client.get(reverse("shifts:swap", args=[swap.id]))
    assert detail.status_code == 200
    response = client.post(
        reverse("shifts:swap_action", args=[swap.id, "approve"]), {"version": swap.updated_at.isoformat()}
    )
    assert response.status_code == 302
    swap.refresh_from_db()
    assert swap.status == S.APPROVED


def test_another_agency_gets_404_on_the_pages(client, world, org_world):  # noqa: F811
    swap = ask(world)
    client.force_login(org_world.employee_b)
    assert client.get(reverse("shifts:swap", args=[swap.id])).status_code == 404
    assert client.post(reverse("shifts:swap_action", args=[swap.id, "accept"])).status_code == 404
    assert client.get(reverse("shifts:swap_new") + f"?duty={world.duty_a.id}").status_code == 404


def test_the_swaps_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):  # noqa: F811
    from tests.shifts.test_swaps import day, make_duty

    w = world
    ask(w)
    client.force_login(w.b)
    client.get(reverse("shifts:swaps"))
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("shifts:swaps"))
    for offset in (12, 13, 14):
        mine = make_duty(w.roster, w.a, day(offset), w.types["P"])
        swaps.swap_request(duty=mine, colleague=w.b.employee, reason="x", actor=w.a)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("shifts:swaps"))


def test_a_head_who_is_not_on_the_roster_sees_only_the_decisions(client, roster_unit, org_world):
    from flexwork.org import services

    services.unit_update(unit=roster_unit, data={"head": org_world.unit_head_a.employee})
    client.cookies["django_language"] = "en"
    client.force_login(org_world.unit_head_a)
    html = client.get("/shifts/swaps/").content.decode()
    assert "No swap is waiting for your decision." in html
    assert "Asked of me" not in html and "My duties" not in html.split("<main", 1)[-1].split("</main>")[0]
