"""The employee proposes a home location; the supervisor or HR approves it."""

from decimal import Decimal

from django.apps import apps

from flexwork.onboarding.models import HomeLocationRequest

ADDRESS = "Jl. Cendrawasih No. 12, Mamajang, Makassar"


def test_the_supervisor_approves_a_typed_home_location(client, org_world):
    employee = org_world.employee_a.employee
    client.force_login(org_world.employee_a)
    response = client.post(
        "/profile/home-location/", {"latitude": "-5,1477", "longitude": "119,4327", "address": ADDRESS}
    )
    assert response.status_code == 302
    home_request = HomeLocationRequest.objects.get(employee=employee)
    assert home_request.latitude == Decimal("-5.147700")
    employee.refresh_from_db()
    assert employee.home_latitude is None  # not before approval

    client.force_login(org_world.supervisor_a)
    queue = client.get("/home-locations/")
    assert employee.name in queue.content.decode()
    assert client.post(f"/home-locations/{home_request.id}/decide/", {"decision": "approve"}).status_code == 302
    employee.refresh_from_db()
    assert (employee.home_latitude, employee.home_longitude) == (Decimal("-5.147700"), Decimal("119.432700"))
    home_request.refresh_from_db()
    assert home_request.status == "APPROVED" and home_request.decided_by == org_world.supervisor_a
    assert org_world.employee_a.notifications.filter(kind="home_location_approved").exists()
    # The audit trail never copies the position.
    event_fields = {f.name for f in apps.get_model("onboarding", "HomeLocationRequestEvent")._meta.fields}
    assert "latitude" not in event_fields and "longitude" not in event_fields


def test_hr_rejects_and_others_cannot_decide(client, org_world):
    client.force_login(org_world.employee_a)
    client.post(
        "/profile/home-location/", {"latitude": "-5.1", "longitude": "119.4", "accuracy_m": "12", "address": ADDRESS}
    )
    home_request = HomeLocationRequest.objects.get(employee=org_world.employee_a.employee)
    url = f"/home-locations/{home_request.id}/decide/"
    assert client.post(url, {"decision": "approve"}).status_code == 403  # own request
    client.force_login(org_world.hr_admin_b)
    assert client.post(url, {"decision": "approve"}).status_code == 404
    client.force_login(org_world.hr_admin_a)
    assert client.post(url, {"decision": "reject"}).status_code == 302
    home_request.refresh_from_db()
    assert home_request.status == "REJECTED"
    org_world.employee_a.employee.refresh_from_db()
    assert org_world.employee_a.employee.home_latitude is None


def test_out_of_range_coordinates_are_refused(client, org_world):
    client.force_login(org_world.employee_a)
    response = client.post("/profile/home-location/", {"latitude": "95", "longitude": "119,4", "address": ADDRESS})
    assert response.status_code == 400
    assert not HomeLocationRequest.objects.exists()


def test_a_new_request_replaces_the_waiting_one(client, org_world):
    client.force_login(org_world.employee_a)
    client.post("/profile/home-location/", {"latitude": "-5.1", "longitude": "119.4", "address": ADDRESS})
    client.post("/profile/home-location/", {"latitude": "-5.2", "longitude": "119.5", "address": "Jl. Baru 3"})
    assert HomeLocationRequest.objects.filter(employee=org_world.employee_a.employee).count() == 1
