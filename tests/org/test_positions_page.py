"""HR's positions page (docs/rules.md §3 "Eligibility of a position"): list, create and edit with the
API's checks and messages, 404 for another agency's position, 403 for other roles, 409 for a stale
edit, a double submit writes once, a fixed number of queries for the list."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwork.org.models import TASK_CRITERIA, Position
from tests.org.factories import EmployeeFactory, PositionFactory

pytestmark = pytest.mark.django_db
URL = "/hr/positions/"
ALL_CRITERIA = {name: "on" for name in TASK_CRITERIA}
NEW = {"code": "PRAKOM", "name": "Pranata Komputer", "type": "FUNGSIONAL"}


@pytest.fixture
def hr(client, hr_admin_a):
    client.force_login(hr_admin_a)
    return client


def edit_url(position) -> str:
    return f"{URL}{position.id}/"


def once_of(response) -> str:
    return re.search(r'name="once" value="([0-9a-f]+)"', response.content.decode()).group(1)


def form_for(client, position) -> dict:
    """What the edit form sends unchanged: its fields, version and one-time token."""
    response = client.get(edit_url(position))
    form = response.context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (False, None)}
    return {**{k: ("on" if v is True else v) for k, v in data.items()}, "once": once_of(response)}


def positions_of(agency) -> list[str]:
    return list(Position.objects.filter(agency=agency).order_by("code").values_list("code", flat=True))


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_list_shows_name_type_eligibility_and_holders(hr, org_world, language):
    hr.cookies["django_language"] = language
    PositionFactory(agency=org_world.agency_a, code="A-JPT", name="Kepala Dinas", type="JPT")
    response = hr.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{language}"' in page
    assert "Analis" in page and "Kepala Dinas" in page
    assert ("Pimpinan Tinggi (JPT)" if language == "id" else "Senior executive (JPT)") in page
    assert ">JPT<" not in page  # the type in words, never the raw value
    assert ("5 pegawai" if language == "id" else "5 employees hold it") in page  # the five personas of A
    assert "B-ANALIS" not in page
    assert 'href="/hr/imports/"' in page or "hr-imports" not in page


def test_the_import_page_links_to_the_positions(hr):
    page = hr.get("/hr/imports/").content.decode()
    assert f'href="{URL}"' in page and "kode_jabatan" in page


def test_hr_creates_an_eligible_position(hr, org_world):
    response = hr.post(URL, {**NEW, **ALL_CRITERIA, "is_fwa_eligible": "on", "once": "a1"})
    assert response.status_code == 302
    position = Position.objects.get(agency=org_world.agency_a, code="PRAKOM")
    assert position.is_fwa_eligible and all(getattr(position, name) for name in TASK_CRITERIA)
    assert position.type == "FUNGSIONAL"


def test_an_eligible_position_needs_all_five_criteria(hr, org_world):
    """The API's message (Position.clean), in the user's language."""
    hr.cookies["django_language"] = "en"
    data = {**NEW, **ALL_CRITERIA, "is_fwa_eligible": "on"}
    del data["task_ict_feasible"]
    response = hr.post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors["is_fwa_eligible"] == [
        "A position is eligible for flexible work only when it meets all five task criteria."
    ]
    assert "PRAKOM" not in positions_of(org_world.agency_a)


def test_a_duplicate_code_is_refused_on_the_code_field(hr, org_world, client_for):
    hr.cookies["django_language"] = "en"
    response = hr.post(URL, {**NEW, "code": "A-ANALIS"})
    assert response.status_code == 400
    api = client_for(org_world.hr_admin_a).post(
        "/api/v1/positions/", {**NEW, "code": "A-ANALIS"}, format="json", headers={"accept-language": "en"}
    )
    assert response.context["form"].errors["code"] == [m for ms in api.json()["fields"].values() for m in ms]
    assert positions_of(org_world.agency_a) == ["A-ANALIS"]


def test_the_same_code_in_another_agency_is_fine(hr, org_world):
    assert hr.post(URL, {**NEW, "code": "B-ANALIS"}).status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**NEW, "code": ""}, "code"),
        ({**NEW, "code": "X" * 33}, "code"),
        ({**NEW, "name": "   "}, "name"),
        ({**NEW, "name": "N" * 201}, "name"),
        ({**NEW, "type": ""}, "type"),
        ({**NEW, "type": "KETUA"}, "type"),
    ],
)
def test_bad_input_is_a_form_error(hr, org_world, data, field):
    response = hr.post(URL, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert positions_of(org_world.agency_a) == ["A-ANALIS"]


def test_a_double_submit_writes_once(hr, org_world):
    once = once_of(hr.get(URL))
    first = hr.post(URL, {**NEW, "once": once})
    second = hr.post(URL, {**NEW, "once": once}, follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "sent twice" in second.content.decode() or "dua kali" in second.content.decode()
    assert positions_of(org_world.agency_a) == ["A-ANALIS", "PRAKOM"]


def test_a_refused_form_can_be_sent_again_with_its_token(hr, org_world):
    once = once_of(hr.get(URL))
    assert hr.post(URL, {**NEW, "code": "A-ANALIS", "once": once}).status_code == 400
    assert hr.post(URL, {**NEW, "once": once}).status_code == 302


def test_hr_edits_a_position(hr, org_world):
    position = org_world.position_a
    data = {**form_for(hr, position), "name": "Analis Kebijakan", "type": "PELAKSANA", **ALL_CRITERIA}
    data["is_fwa_eligible"] = "on"
    response = hr.post(edit_url(position), data)
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.name, position.type, position.is_fwa_eligible) == ("Analis Kebijakan", "PELAKSANA", True)


def test_an_edit_that_changes_nothing_writes_nothing(hr, org_world):
    position = org_world.position_a
    before = Position.objects.get(id=position.id).updated_at
    response = hr.post(edit_url(position), form_for(hr, position), follow=True)
    assert response.status_code == 200
    assert Position.objects.get(id=position.id).updated_at == before


def test_an_edit_keeps_the_rules(hr, org_world):
    position = org_world.position_a
    data = {**form_for(hr, position), "is_fwa_eligible": "on", "code": ""}
    response = hr.post(edit_url(position), data)
    assert response.status_code == 400
    assert {"code"} <= set(response.context["form"].errors)
    data = {**form_for(hr, position), "is_fwa_eligible": "on"}
    for name in TASK_CRITERIA:
        data.pop(name, None)
    response = hr.post(edit_url(position), data)
    assert response.status_code == 400
    assert "is_fwa_eligible" in response.context["form"].errors
    other = PositionFactory(agency=org_world.agency_a, code="A-OTHER")
    response = hr.post(edit_url(other), {**form_for(hr, other), "code": "A-ANALIS"})
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert Position.objects.get(id=other.id).code == "A-OTHER"


def test_a_stale_edit_is_a_conflict_and_writes_nothing(hr, org_world):
    position = org_world.position_a
    stale = form_for(hr, position)
    fresh = {**form_for(hr, position), "name": "Analis Data"}
    assert hr.post(edit_url(position), fresh).status_code == 302
    response = hr.post(edit_url(position), {**stale, "name": "Analis Lama"})
    assert response.status_code == 409
    assert "changed this position" in str(response.context["form"].non_field_errors()) or "mengubah" in str(
        response.context["form"].non_field_errors()
    )
    assert Position.objects.get(id=position.id).name == "Analis Data"
    # The form now carries the current version: saving again is deliberate and works.
    again = {**stale, "name": "Analis Lama", "version": response.context["form"].data["version"], "once": "b2"}
    assert hr.post(edit_url(position), again).status_code == 302
    assert Position.objects.get(id=position.id).name == "Analis Lama"


def test_a_double_submitted_edit_writes_once(hr, org_world):
    position = org_world.position_a
    data = {**form_for(hr, position), "name": "Analis Baru"}
    assert hr.post(edit_url(position), data).status_code == 302
    second = hr.post(edit_url(position), data)
    assert second.status_code == 302  # the same rendering sent twice: told, nothing more written
    assert Position.objects.get(id=position.id).name == "Analis Baru"


def test_a_missing_version_is_a_form_error(hr, org_world):
    position = org_world.position_a
    data = form_for(hr, position)
    del data["version"]
    assert hr.post(edit_url(position), data).status_code == 400


def test_it_hides_other_agencies(hr, org_world):
    position_b = org_world.position_b
    assert hr.get(edit_url(position_b)).status_code == 404
    assert hr.post(edit_url(position_b), {**NEW, "version": "x"}).status_code == 404
    assert Position.objects.get(id=position_b.id).name == "Analis"
    assert hr.get(f"{URL}999999/").status_code == 404


@pytest.mark.parametrize("persona", ["employee_a", "supervisor_a", "unit_head_a", "agency_head_a"])
def test_it_forbids_other_roles(client, org_world, persona):
    client.force_login(getattr(org_world, persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, NEW).status_code == 403
    position = org_world.position_a
    assert client.get(edit_url(position)).status_code == 403
    assert client.post(edit_url(position), {**NEW, "version": "x"}).status_code == 403
    assert positions_of(org_world.agency_a) == ["A-ANALIS"]
    assert Position.objects.get(id=position.id).name == "Analis"


def test_another_agencies_hr_gets_404_not_403(client, org_world):
    client.force_login(org_world.hr_admin_b)
    assert client.get(edit_url(org_world.position_a)).status_code == 404


def test_the_list_costs_a_fixed_number_of_queries(hr, org_world, django_assert_num_queries):
    agency = org_world.agency_a

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert hr.get(URL).status_code == 200
        return len(captured)

    few = count()
    for n in range(6):
        position = PositionFactory(agency=agency, code=f"A-P{n}")
        EmployeeFactory(agency=agency, unit=org_world.sec_a, position=position)
    assert count() == few
    with django_assert_num_queries(few):
        hr.get(URL)


def _at_once(user, count: int, send) -> list[int]:
    """`count` clients of `user` send at the same moment; their status codes."""
    import threading

    from django.test import Client

    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def tap(n: int):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            statuses.append(send(client, n).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_taps_create_one_position(org_world):
    data = {**NEW, **ALL_CRITERIA, "is_fwa_eligible": "on", "once": "c0ffee"}
    statuses = _at_once(org_world.hr_admin_a, 4, lambda client, n: client.post(URL, data))
    assert statuses == [302] * 4
    assert Position.objects.filter(agency=org_world.agency_a, code="PRAKOM").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_the_same_version_write_once(org_world):
    """Four tabs showing the same version save at once: the row lock orders them, one gets through."""
    from django.apps import apps
    from django.test import Client

    position = org_world.position_a
    shown = Client()
    shown.force_login(org_world.hr_admin_a)
    data = form_for(shown, position)

    def send(client, n):
        return client.post(edit_url(position), {**data, "name": f"Analis {n}", "once": f"tab{n}"})

    statuses = _at_once(org_world.hr_admin_a, 4, send)
    assert sorted(statuses) == [302, 409, 409, 409]
    event = apps.get_model("org", "PositionEvent")
    assert event.objects.filter(pgh_obj_id=position.id, pgh_label="update").count() == 1
