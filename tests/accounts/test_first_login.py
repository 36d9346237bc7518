"""First login: the login page names the NIP, links to account activation and names the user by
name afterwards; the home page's first steps tick what is done and close for good."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
HOME_URL = reverse("home")
CLOSE_URL = reverse("first-steps-dismiss")


def _in(language: str, user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    "language, label, link",
    [("id", "NIP atau email", "Belum punya kata sandi?"), ("en", "NIP or e-mail", "No password yet?")],
)
def test_the_login_field_is_named_nip_or_email_and_the_page_links_to_activation(language, label, link):
    html = _in(language).get(LOGIN_URL).content.decode()
    assert f'<label for="id_login">{label}:</label>' in html
    assert "Masuk:</label>" not in html
    assert link in html
    assert f'href="{reverse("activate")}"' in html


def test_after_login_the_message_names_the_employee_not_the_nip(employee_a):
    employee_a.set_password(PASSWORD)
    employee_a.save(update_fields=["password"])
    client = _in("id")
    response = client.post(LOGIN_URL, {"login": employee_a.username, "password": PASSWORD})
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [f"Berhasil masuk sebagai {employee_a.employee.name}."]
    assert employee_a.username not in texts[0]


def test_the_login_keeps_allauths_rate_limit(employee_a):
    client = _in("id")
    for _ in range(5):
        assert client.post(LOGIN_URL, {"login": employee_a.username, "password": "salah-sandi-123"}).status_code == 200
    assert client.post(LOGIN_URL, {"login": employee_a.username, "password": PASSWORD}).status_code == 429


def test_the_profile_shows_the_employees_name(employee_a):
    html = _in("id", employee_a).get(reverse("profile")).content.decode()
    assert f'<dd id="profile-name">{employee_a.employee.name}</dd>' in html


def _steps(client) -> str:
    html = client.get(HOME_URL).content.decode()
    if 'id="first-steps"' not in html:
        return ""
    return html[html.index('id="first-steps"') : html.index("</section>", html.index('id="first-steps"'))]


def test_the_first_steps_show_what_is_left_to_do(employee_a):
    steps = _steps(_in("id", employee_a))
    assert "Daftarkan lokasi rumah" in steps
    assert f'href="{reverse("home-location")}"' in steps
    assert "Pasal 13(1)" in steps
    assert "Pilih bahasa" in steps
    assert steps.count('class="done"') == 0


def test_a_registered_home_and_a_chosen_language_are_ticked(employee_a):
    from flexwork.org.models import Employee

    Employee.objects.filter(id=employee_a.employee.id).update(
        home_latitude=Decimal("-5.135"), home_longitude=Decimal("119.42")
    )
    client = _in("id", employee_a)
    response = client.post(reverse("set-language"), {"language": "en", "next": HOME_URL})
    assert response.status_code == 302
    steps = _steps(_in("en", employee_a))
    assert "Your home location is registered." in steps
    assert "You chose your language." in steps
    assert steps.count('class="done"') == 2


def test_a_pending_home_location_reads_as_waiting(employee_a):
    from flexwork.onboarding.services import home_location_request_submit

    home_location_request_submit(
        employee=employee_a.employee, latitude=Decimal("-5.135"), longitude=Decimal("119.42"), accuracy_m=10
    )
    assert "Your home location is waiting for approval." in _steps(_in("en", employee_a))


def test_closing_the_first_steps_is_stored_and_a_second_close_changes_nothing(employee_a):
    client = _in("id", employee_a)
    response = client.post(CLOSE_URL)
    assert response.status_code == 302 and response["Location"] == HOME_URL
    employee_a.refresh_from_db()
    closed_at = employee_a.first_steps_dismissed_at
    assert closed_at is not None
    assert _steps(client) == ""
    assert client.post(CLOSE_URL).status_code == 302  # a double tap
    employee_a.refresh_from_db()
    assert employee_a.first_steps_dismissed_at == closed_at
    assert _steps(_in("en", employee_a)) == ""  # another browser: still closed


def test_closing_needs_a_post_and_a_login(employee_a):
    assert _in("id", employee_a).get(CLOSE_URL).status_code == 405
    response = _in("id").post(CLOSE_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_account_without_an_employee_gets_no_first_steps(org_world):
    from tests.accounts.factories import UserFactory

    assert _steps(_in("id", UserFactory())) == ""
