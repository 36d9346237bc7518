"""The policy page in groups: each field with the regulation it comes from, and a warning (never a
refusal) where a value goes beyond the regulation, before and after saving (docs/rules.md §3)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwork.org.models import POLICY_FIELD_NAMES, AgencyPolicy, UnitPolicyOverride
from flexwork.org.models.policy import POLICY_SETTING_BY_NAME

pytestmark = pytest.mark.django_db
URL = "/hr/policy/"
CAP_WARNING = "More than the 2 working days a week that PermenPANRB 4/2025 Pasal 13(1) allows."


@pytest.fixture
def hr(client, org_world):
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    return client


def _form_data(policy: AgencyPolicy, **changes) -> dict:
    data = {}
    for name in POLICY_FIELD_NAMES:
        value = changes.get(name, getattr(policy, name))
        kind = POLICY_SETTING_BY_NAME[name].kind
        if kind == "bool":
            if value:
                data[name] = "on"
        elif kind == "time":
            data[name] = value.strftime("%H:%M") if isinstance(value, datetime.time) else value
        else:
            data[name] = str(value)
    for name in ("mfa_required_for_hr", "mfa_required_for_head"):
        if changes.get(name, getattr(policy.agency, name)):
            data[name] = "on"
    return data


def _warning_shown(html: str, field: str) -> bool:
    match = re.search(rf'<p class="policy-warning" id="policy-warning-{field}"[^>]*>', html)
    assert match, f"no live warning for {field}"
    return " hidden" not in match.group(0)


def test_the_fields_come_in_seven_groups_with_their_sources(hr):
    html = hr.get(URL).content.decode()

    for key in ("location", "time", "eligibility", "coverage", "attendance", "performance", "security"):
        assert f'id="policy-group-{key}"' in html
    for title in ("Location flexibility", "Working time", "Eligibility", "Unit coverage", "Security and privacy"):
        assert title in html
    cap = html[html.index('id="policy-field-max_location_days_per_week"') :]
    assert "Source: PermenPANRB 4/2025 Pasal 13(1)" in cap[: cap.index("</div>")]
    assert "Source: PermenPANRB 4/2025 Pasal 25" in html
    assert "Source: PP 94/2021" in html
    assert "Source: UU PDP 27/2022" in html
    assert "Source: agency policy (kebijakan instansi)" in html
    # Every field of the policy is on the page, inside a group.
    assert html.count('class="policy-field"') == len(POLICY_FIELD_NAMES) + 2  # and the two sign-in switches


def test_the_sources_read_in_indonesian(client, org_world):
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "id"

    html = client.get(URL).content.decode()

    assert "Sumber: PermenPANRB 4/2025 Pasal 13(1)" in html
    assert "kebijakan instansi" in html
    assert 'name="mon_thu_start" value="07.30"' in html  # wall-clock times without seconds


def test_the_warning_waits_hidden_while_the_cap_is_the_regulations(hr):
    html = hr.get(URL).content.decode()

    assert not _warning_shown(html, "max_location_days_per_week")
    assert 'data-above="2"' in html  # the script shows it as soon as HR types more than 2


def test_a_cap_of_five_is_saved_with_a_warning_before_and_after(hr, org_world):
    policy = AgencyPolicy.objects.select_related("agency").get(agency=org_world.agency_a)

    response = hr.post(URL, _form_data(policy, max_location_days_per_week=5), follow=True)

    assert response.status_code == 200
    assert AgencyPolicy.objects.get(agency=org_world.agency_a).max_location_days_per_week == 5
    html = response.content.decode()
    assert "The policy was saved. 1 value goes beyond the regulation" in html
    assert _warning_shown(html, "max_location_days_per_week")
    assert CAP_WARNING in html
    assert 'id="policy-group-location" open' in html  # its group opens on a phone
    # And on every later visit while the value stands.
    assert _warning_shown(hr.get(URL).content.decode(), "max_location_days_per_week")


def test_a_refused_form_still_warns_about_the_cap(hr, org_world):
    policy = AgencyPolicy.objects.select_related("agency").get(agency=org_world.agency_a)
    data = _form_data(policy, max_location_days_per_week=4)
    data["lead_working_days"] = "999"

    response = hr.post(URL, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert _warning_shown(html, "max_location_days_per_week")
    assert AgencyPolicy.objects.get(agency=org_world.agency_a).max_location_days_per_week == 2


def test_a_value_outside_the_field_range_is_a_form_error(hr, org_world):
    policy = AgencyPolicy.objects.select_related("agency").get(agency=org_world.agency_a)

    response = hr.post(URL, _form_data(policy, max_location_days_per_week=9))

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert AgencyPolicy.objects.get(agency=org_world.agency_a).max_location_days_per_week == 2


def test_short_working_hours_warn_with_the_weekly_total(hr, org_world):
    policy = AgencyPolicy.objects.select_related("agency").get(agency=org_world.agency_a)

    response = hr.post(URL, _form_data(policy, fri_break_minutes=120), follow=True)

    html = response.content.decode()
    assert AgencyPolicy.objects.get(agency=org_world.agency_a).fri_break_minutes == 120
    assert "These hours make 37.0 net hours a week; Perpres 21/2023 Pasal 9 requires 37.5" in html


def test_no_months_in_post_warns_with_pasal_25(hr, org_world):
    policy = AgencyPolicy.objects.select_related("agency").get(agency=org_world.agency_a)

    html = hr.post(URL, _form_data(policy, new_in_post_months=0), follow=True).content.decode()

    assert _warning_shown(html, "new_in_post_months")


def test_a_unit_override_beyond_the_cap_warns_on_the_unit_page(hr, org_world):
    url = f"{URL}?unit={org_world.sec_a.id}"

    response = hr.post(url, {"unit": org_world.sec_a.id, "max_location_days_per_week": "3"}, follow=True)

    assert response.status_code == 200
    assert UnitPolicyOverride.objects.get(unit=org_world.sec_a).max_location_days_per_week == 3
    assert _warning_shown(response.content.decode(), "max_location_days_per_week")
    assert "Empty: the agency's value, 2." in response.content.decode()
    # The agency page itself stays without the warning.
    assert not _warning_shown(hr.get(URL).content.decode(), "max_location_days_per_week")


def test_the_sign_in_switches_are_in_the_security_group_and_saved(hr, org_world):
    policy = AgencyPolicy.objects.select_related("agency").get(agency=org_world.agency_a)
    html = hr.get(URL).content.decode()
    security = html[html.index('id="policy-group-security"') :]
    assert 'name="mfa_required_for_head"' in security[: security.index("</details>")]

    hr.post(URL, _form_data(policy, mfa_required_for_head=True))

    org_world.agency_a.refresh_from_db()
    assert org_world.agency_a.mfa_required_for_head is True


def test_the_policy_page_hides_other_agencies_units(hr, org_world):
    assert hr.get(f"{URL}?unit={org_world.root_b.id}").status_code == 404


def test_the_policy_page_forbids_other_roles(client, org_world):
    for user in (org_world.employee_a, org_world.unit_head_a, org_world.agency_head_a):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"max_location_days_per_week": "5"}).status_code == 403
    assert AgencyPolicy.objects.get(agency=org_world.agency_a).max_location_days_per_week == 2


def test_the_policy_page_runs_in_a_fixed_number_of_queries(hr, org_world):
    from tests.org.factories import UnitFactory

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert hr.get(URL).status_code == 200
        return len(captured)

    few = count()
    for index in range(4):
        UnitFactory(agency=org_world.agency_a, parent=org_world.root_a, code=f"A-X{index}")
    assert count() == few
