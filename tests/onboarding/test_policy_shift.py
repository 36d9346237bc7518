"""The policy page's Shifts group (docs/rules.md §8): every shift setting, each citing agency policy."""

import pytest
from django.test import Client
from django.urls import reverse

from flexwork.onboarding import policy_groups

pytestmark = pytest.mark.django_db


def test_the_shift_settings_are_a_group_citing_agency_policy():
    group = next(g for g in policy_groups.GROUPS if g.key == "shifts")
    assert "min_rest_hours" in group.fields and "roster_publish_lead_days" in group.fields
    assert all(policy_groups.SOURCES[name] == policy_groups.AGENCY_POLICY for name in group.fields)


def test_the_policy_page_shows_them(org_world):
    client = Client()
    client.force_login(org_world.hr_admin_a)
    page = client.get(reverse("hr-policy")).content.decode()
    for name in policy_groups.SHIFT_SETTINGS:
        assert f'name="{name}"' in page
