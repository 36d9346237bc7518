"""The performance pages: they render for the right people, post through the services, and the team
view keeps a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from performance.models import Evaluation, SkpStatus
from tests.performance.factories import first_indicator, office_today, skp_with_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def test_my_targets_offers_to_draw_up_an_skp_then_shows_it(browser_for, org_world):
    client = browser_for(org_world.employee_a)
    page = client.get("/performance/").content.decode()
    assert "/performance/skp/new/" in page
    today = office_today()
    skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a, year=today.year)
    assert "Jumlah laporan yang disusun" in client.get("/performance/").content.decode()


def test_the_team_view_has_a_fixed_query_count(browser_for, org_world):
    year = office_today().year
    client = browser_for(org_world.unit_head_a)
    skp_with_indicator(
        employee_user=org_world.employee_a, actor=org_world.supervisor_a, approve_by=org_world.supervisor_a, year=year
    )
    first = _queries(client, "/performance/team/")
    skp_with_indicator(
        employee_user=org_world.supervisor_a, actor=org_world.unit_head_a, approve_by=org_world.unit_head_a, year=year
    )
    assert _queries(client, "/performance/team/") == first
    page = client.get("/performance/team/").content.decode()
    assert org_world.employee_a.employee.name in page and org_world.supervisor_a.employee.name in page


def test_the_team_view_is_for_supervisors(browser_for, org_world):
    assert browser_for(org_world.employee_a).get("/performance/team/").status_code == 403


def test_the_supervisor_fills_and_approves_an_skp_through_the_pages(browser_for, org_world):
    client = browser_for(org_world.supervisor_a)
    response = client.post(
        f"/performance/skp/new/?employee={org_world.employee_a.employee.id}", {"year": 2026, "approach": "QUANTITATIVE"}
    )
    assert response.status_code == 302
    skp_url = response["Location"]
    skp_id = int(skp_url.rstrip("/").split("/")[-1])
    client.post(f"/performance/skp/{skp_id}/rhk/", {"kind": "MAIN", "description": "Layanan"})
    page = client.get(skp_url).content.decode()
    assert "Layanan" in page
    from performance.models import Skp

    rhk = Skp.objects.get(id=skp_id).rhks.get()
    bad = client.post(
        f"/performance/rhk/{rhk.id}/indicators/",
        {
            "aspect": "QUALITY",
            "description": "Mutu",
            "target_min": "90",
            "target_max": "80",
            "unit": "%",
            "direction": "HIGHER",
        },
        follow=True,
    )
    html = bad.content.decode()
    with translation.override("id"):  # the page speaks Indonesian; the message is shown in the form
        expected = gettext("The lower end of the range (%(min)s) is above the upper end (%(max)s).") % {
            "min": "10",
            "max": "5",
        }
    assert expected.split("(")[0].strip() in html
    client.post(
        f"/performance/rhk/{rhk.id}/indicators/",
        {
            "aspect": "QUALITY",
            "description": "Mutu",
            "target_min": "80",
            "target_max": "90",
            "unit": "%",
            "direction": "HIGHER",
        },
    )
    client.post(f"/performance/skp/{skp_id}/approve/", {"note": ""})
    assert Skp.objects.get(id=skp_id).status == SkpStatus.APPROVED


def test_realisation_entry_evaluation_and_prints(browser_for, org_world):
    skp = skp_with_indicator(
        employee_user=org_world.employee_a, actor=org_world.supervisor_a, approve_by=org_world.supervisor_a
    )
    indicator = first_indicator(skp)
    mine = browser_for(org_world.employee_a)
    form = mine.get(f"/performance/indicators/{indicator.id}/realisation/?period=2026-03-01")
    assert form.status_code == 200
    response = mine.post(
        f"/performance/indicators/{indicator.id}/realisation/", {"period": "2026-03-01", "value": "7,5", "note": "ok"}
    )
    assert response.status_code == 302
    assert indicator.realisations.get().value == 7.5
    boss = browser_for(org_world.supervisor_a)
    assert boss.get(f"/performance/skp/{skp.id}/evaluate/").status_code == 200
    data = {"kind": "ANNUAL", "results_rating": "MEETS", "note": "Baik"}
    data.update(
        {
            name: "MEETS"
            for name in (
                "behaviour_service",
                "behaviour_accountable",
                "behaviour_competent",
                "behaviour_harmonious",
                "behaviour_loyal",
                "behaviour_adaptive",
                "behaviour_collaborative",
            )
        }
    )
    response = boss.post(f"/performance/skp/{skp.id}/evaluate/", data)
    assert response.status_code == 302, response.content[:2000]
    evaluation = Evaluation.objects.get()
    assert evaluation.predikat == "BAIK"
    printed = boss.get(f"/performance/evaluations/{evaluation.id}/").content.decode()
    assert "Baik" in printed and org_world.employee_a.employee.nip in printed
    assert boss.get(f"/performance/skp/{skp.id}/print/").status_code == 200


def test_someone_who_does_not_assess_cannot_open_the_evaluation_form(browser_for, approved_skp, org_world):
    assert browser_for(org_world.unit_head_a).get(f"/performance/skp/{approved_skp.id}/evaluate/").status_code == 403


def test_pages_hide_other_agencies(browser_for, approved_skp, org_world):
    client = browser_for(org_world.hr_admin_b)
    assert client.get(f"/performance/skp/{approved_skp.id}/").status_code == 404
    assert client.get(f"/performance/indicators/{first_indicator(approved_skp).id}/").status_code == 404


def test_hr_distribution_page_and_unit_result(browser_for, org_world):
    client = browser_for(org_world.hr_admin_a)
    assert client.get("/performance/distribution/?year=2026").status_code == 200
    response = client.post("/performance/distribution/?year=2026", {"unit": org_world.div_a.id, "result": "BAIK"})
    assert response.status_code == 302
    from performance.models import UnitResult

    assert UnitResult.objects.get().result == "BAIK"
    assert browser_for(org_world.employee_a).get("/performance/distribution/").status_code == 403
