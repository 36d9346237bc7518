"""The audit trail (django-pghistory): append-only history tables, with who did it."""

import pytest
from django.db import DatabaseError, connection, transaction
from pghistory.models import Context
from rest_framework.test import APIClient

from flexwork.accounts.models import ApiToken, ApiTokenEvent
from flexwork.common.models import EvidenceFileEvent
from flexwork.common.services import evidence_attach, evidence_upload
from tests.common.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def _raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.fixture
def token_with_history(alice, token_for):
    token_for(alice)
    token = ApiToken.objects.get(user=alice)
    assert ApiTokenEvent.objects.filter(pgh_obj=token).exists()
    return token


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_apitokenevent SET name = 'rewritten'",
        "DELETE FROM accounts_apitokenevent",
    ],
    ids=["update", "delete"],
)
def test_the_history_table_refuses_to_change_the_past(token_with_history, sql):
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"):
        _raw(sql)

    assert ApiTokenEvent.objects.filter(pgh_obj=token_with_history).values_list("name", flat=True)[0] == "t"


@pytest.mark.usefixtures("token_for")  # notifications can be sent, or are stubbed
def test_creating_a_token_on_the_profile_page_records_who_did_it(alice, client):
    # A real sign-in: creating a token needs a recent one (force_login leaves no record of it).
    assert client.post("/accounts/login/", {"login": "alice", "password": "correct-horse-battery"}).status_code == 302

    response = client.post("/profile/tokens/", {"name": "laptop", "expires_in_days": 30})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice, name="laptop")
    event = ApiTokenEvent.objects.select_related("pgh_context").get(pgh_obj=token, pgh_label="insert")
    assert event.name == "laptop"
    assert event.pgh_context.metadata["user"] == alice.pk
    assert event.pgh_context.metadata["url"] == "/profile/tokens/"


def test_revoking_a_token_through_the_api_records_the_token_user(alice, token_for):
    key = token_for(alice)
    token = ApiToken.objects.get(user=alice)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.post(f"/api/v1/tokens/{token.id}/revoke/")

    assert response.status_code == 200
    event = ApiTokenEvent.objects.select_related("pgh_context").get(pgh_obj=token, revoked_at__isnull=False)
    # The user is only known after DRF authenticated the token, inside the view: still recorded.
    assert event.pgh_context.metadata["user"] == alice.pk


def test_the_history_never_copies_the_key_hash(token_with_history):
    assert "key_hash" not in {field.name for field in ApiTokenEvent._meta.get_fields()}


def test_reads_do_not_write_history_contexts(alice, client):
    client.force_login(alice)
    before = Context.objects.count()

    client.get("/api/v1/evidence/1/")

    assert Context.objects.count() == before


def test_attaching_evidence_is_recorded(alice, monkeypatch):
    from flexwork.accounts.models import User

    monkeypatch.setattr(User, "evidence_visible_to", lambda self, user: user.pk == self.pk, raising=False)
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))

    evidence_attach(evidence=evidence, owner=alice)

    labels = list(
        EvidenceFileEvent.objects.filter(pgh_obj=evidence).order_by("pgh_id").values_list("pgh_label", "owner_id")
    )
    assert labels == [("insert", None), ("update", alice.pk)]
