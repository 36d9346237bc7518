"""HR's employee page and form show and edit the service start (TMT) and a PPPK's contract length
(docs/rules.md §7, editing one employee); a contract length for a PNS or CPNS is refused."""

from __future__ import annotations

import datetime

import pytest

from flexwork.common.exceptions import ApplicationError
from flexwork.org import services
from flexwork.org.models import Employee
from tests.helpers import assert_error
from tests.org.test_employee_edit import form_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(client, hr_admin_a):
    client.force_login(hr_admin_a)
    return client


def test_the_form_saves_tmt_and_the_contract_of_a_pppk(hr, employee_a):
    data = form_data(
        employee_a.employee, employee_type="PPPK", service_start_date="2024-01-01", contract_months="60", action="save"
    )
    response = hr.post(url(employee_a), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    employee = Employee.objects.get(id=employee_a.employee.id)
    assert (employee.employee_type, employee.service_start_date, employee.contract_months) == (
        "PPPK",
        datetime.date(2024, 1, 1),
        60,
    )
    page = hr.get(f"/hr/employees/{employee.id}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "contract of 60 months" in text or "kontrak 60 bulan" in text
    hr.cookies["django_language"] = "en"
    text = hr.get(f"/hr/employees/{employee.id}/").content.decode()
    assert "Service start (TMT)" in text and "contract of 60 months" in text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"employee_type": "PNS", "contract_months": "12"}, "contract_months"),
        ({"employee_type": "CPNS", "contract_months": "12"}, "contract_months"),
        ({"employee_type": "PPPK", "contract_months": "0"}, "contract_months"),
        ({"employee_type": "PPPK", "contract_months": "121"}, "contract_months"),
        ({"service_start_date": "1800-01-01"}, "service_start_date"),
    ],
)
def test_bad_values_are_form_errors(hr, employee_a, overrides, field):
    response = hr.post(url(employee_a), form_data(employee_a.employee, action="save", **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Employee.objects.get(id=employee_a.employee.id).contract_months is None


def test_the_service_refuses_a_contract_for_a_pns_and_clears_it_on_a_type_change(employee_a):
    employee = employee_a.employee
    with pytest.raises(ApplicationError) as refused:
        services.employee_update(employee=employee, data={"contract_months": 12})
    assert refused.value.fields == {"contract_months": [str(services.ERR_CONTRACT_NOT_PPPK)]}
    services.employee_update(employee=employee, data={"employee_type": "PPPK", "contract_months": 24})
    assert Employee.objects.get(id=employee.id).contract_months == 24
    services.employee_update(employee=Employee.objects.get(id=employee.id), data={"employee_type": "CPNS"})
    assert Employee.objects.get(id=employee.id).contract_months is None


def test_the_api_reads_and_writes_the_fields(api_client, hr_admin_a, employee_a):
    api_client.force_authenticate(hr_admin_a)
    path = f"/api/v1/employees/{employee_a.employee.id}/"
    bad = api_client.patch(path, {"contract_months": 12}, format="json")
    assert_error(bad, 400, fields=["contract_months"])
    ok = api_client.patch(
        path, {"employee_type": "PPPK", "contract_months": 12, "service_start_date": "2024-02-01"}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    body = api_client.get(path).json()
    assert (body["contract_months"], body["service_start_date"], body["employee_type"]) == (12, "2024-02-01", "PPPK")
