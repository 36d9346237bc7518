"""HR pages: rendered for HR admins in both languages, 403 for other roles, 404 across agencies,
and a fixed number of queries on every list whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwork.onboarding import services
from tests.onboarding.conftest import employee_row, employees_csv

HR_PAGES = [
    "/hr/",
    "/hr/units/",
    "/hr/employees/",
    "/hr/employees/?q=Pegawai&unit={unit}&active=1",
    "/hr/imports/",
    "/hr/policy/",
    "/hr/policy/?unit={unit}",
    "/hr/holidays/",
    "/hr/locations/",
    "/hr/activation-codes/",
    "/hr/imports/template/employees.csv",
    "/hr/imports/template/units.xlsx",
]


@pytest.mark.parametrize("language", ["id", "en"])
def test_hr_pages_render_for_hr_admins(client, org_world, language):
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = language
    for url in HR_PAGES:
        response = client.get(url.format(unit=org_world.sec_a.id))
        assert response.status_code == 200, url
    page = client.get("/hr/employees/").content.decode()
    assert f'lang="{language}"' in page
    assert "Pegawai A" in page
    assert 'href="/hr/"' in page  # the header's HR link


def test_hr_pages_are_forbidden_to_other_roles(client, org_world):
    for user in (org_world.employee_a, org_world.supervisor_a, org_world.agency_head_a):
        client.force_login(user)
        for url in HR_PAGES:
            assert client.get(url.format(unit=org_world.sec_a.id)).status_code == 403, (user, url)
        assert 'href="/hr/"' not in client.get("/").content.decode()


def test_it_hides_other_agencies_employees(client, org_world):
    client.force_login(org_world.hr_admin_b)
    assert client.get(f"/hr/employees/{org_world.employee_a.employee.id}/").status_code == 404
    client.force_login(org_world.hr_admin_a)
    assert client.get(f"/hr/employees/{org_world.employee_a.employee.id}/").status_code == 200
    assert client.get(f"/hr/employees/{org_world.employee_b.employee.id}/").status_code == 404


def test_it_hides_other_agencies_imports(client, org_world, good_rows):
    batch = services.import_preview(
        agency=org_world.agency_b,
        kind="EMPLOYEES",
        data=employees_csv([employee_row(50, unit="B-ROOT")]),
        name="b.csv",
        uploaded_by=org_world.hr_admin_b,
    )
    client.force_login(org_world.hr_admin_a)
    assert client.get(f"/hr/imports/{batch.id}/").status_code == 404


def test_the_employee_detail_shows_the_history(client, org_world):
    from flexwork.org import services as org_services

    employee = org_world.employee_a.employee
    org_services.employee_update(employee=employee, data={"unit": org_world.div_a}, actor=org_world.hr_admin_a)
    client.force_login(org_world.hr_admin_a)
    page = client.get(f"/hr/employees/{employee.id}/").content.decode()
    assert "Seksi A" in page and "Bidang A" in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url", ["/hr/employees/", "/hr/units/", "/hr/activation-codes/", "/hr/imports/", "/home-locations/"]
)
def test_lists_use_a_fixed_number_of_queries(client, org_world, url, django_assert_num_queries):
    client.force_login(org_world.hr_admin_a)
    before = _count(client, url)
    rows = [employee_row(n, unit=unit) for n, unit in zip(range(1, 31), ["A-SEC", "A-DIV", "A-HR"] * 10, strict=True)]
    batch = services.import_preview(
        agency=org_world.agency_a,
        kind="EMPLOYEES",
        data=employees_csv(rows),
        name="p.csv",
        uploaded_by=org_world.hr_admin_a,
    )
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    from flexwork.onboarding.services import home_location_request_submit
    from flexwork.org.models import Employee

    for employee in Employee.objects.filter(nip__in=[r[0] for r in rows[:5]]):
        home_location_request_submit(employee=employee, latitude=-5, longitude=119)
    with django_assert_num_queries(before):
        client.get(url)
