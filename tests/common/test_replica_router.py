"""Beyond one machine: report reads go to a streaming replica when DATABASE_REPLICA_URL is set, every
other read and every write stays on the primary; files go to S3-compatible storage when
STORAGE_S3_BUCKET is set (docs/deployment.md).

The test settings define a "replica" alias that mirrors the default test database (its own
connection) with routing off; the tests here turn ReplicaRouter on themselves."""

import json
import os
import secrets
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from flexwork.common.db_routers import ReplicaRouter, reporting_alias
from flexwork.org.models import Agency
from flexwork.reports.models import ReportRun

ROOT = Path(__file__).resolve().parent.parent.parent
ROUTER = "flexwork.common.db_routers.ReplicaRouter"


@pytest.fixture
def routing_on(settings):
    settings.DATABASE_ROUTERS = [ROUTER]


@pytest.fixture
def no_replica():
    """A deployment without DATABASE_REPLICA_URL: only the "default" alias. (Django warns that overriding
    DATABASES does not reconnect anything; the router only reads the setting.)"""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Overriding setting DATABASES", UserWarning)
        with override_settings(DATABASES={"default": settings.DATABASES["default"]}):
            yield


# ---------------------------------------------------------------------------- the router's decisions


def test_report_reads_go_to_the_replica_and_everything_else_to_the_primary():
    router = ReplicaRouter()

    assert router.db_for_read(ReportRun, reporting=True) == "replica"
    assert router.db_for_read(ReportRun) == "default"  # a page reads what its user just saved
    assert router.db_for_read(Agency, reporting=False) == "default"
    assert router.db_for_write(ReportRun) == "default"
    assert router.db_for_write(ReportRun, reporting=True) == "default"
    assert router.allow_relation(Agency(), ReportRun()) is True


def test_migrations_run_only_on_the_primary():
    router = ReplicaRouter()

    assert router.allow_migrate("default", "reports", model_name="reportrun") is True
    assert router.allow_migrate("replica", "reports", model_name="reportrun") is False


def test_without_a_replica_report_reads_stay_on_the_primary(no_replica):
    assert "replica" not in settings.DATABASES
    assert ReplicaRouter().db_for_read(ReportRun, reporting=True) == "default"


def test_reporting_alias_names_the_replica_only_when_routing_to_one(settings):
    assert reporting_alias() == "default"  # the test settings route nothing

    settings.DATABASE_ROUTERS = [ROUTER]
    assert reporting_alias() == "replica"


def test_reporting_alias_is_the_primary_without_a_replica(routing_on, no_replica):
    assert reporting_alias() == "default"


# ---------------------------------------------------------------------------- real connections
# The replica alias has its own connection. Under a plain django_db test each connection sits in its
# own rolled-back transaction, so the replica cannot see rows the test wrote on "default": a test of
# replica reads needs transaction=True (rows are committed, as on a real primary) and both aliases.


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_report_reads_run_on_the_replica_connection_and_see_committed_rows(routing_on):
    from tests.org.factories import AgencyFactory

    agency = AgencyFactory(code="AGREPL", name="Dinas Replika")
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        reporting = Agency.objects.db_manager(hints={"reporting": True})
        names = list(reporting.filter(code="AGREPL").values_list("name", flat=True))
        with connections[reporting_alias()].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM org_agency WHERE code = %s", ["AGREPL"])
            (counted,) = cursor.fetchone()
        assert Agency.objects.get(code="AGREPL") == agency  # an ordinary read

    assert names == ["Dinas Replika"]
    assert counted == 1
    assert len(on_replica.captured_queries) == 2
    assert all("AGREPL" in q["sql"] for q in on_replica.captured_queries)
    assert len(on_primary.captured_queries) == 1


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_copy_on_the_reporting_connection_is_seen_on_the_replica(routing_on, tmp_path):
    from tests.org.factories import AgencyFactory

    AgencyFactory(code="AGCOPY", name="Dinas Salin")
    target = tmp_path / "agencies.csv"
    with CaptureQueriesContext(connections["replica"]) as on_replica, target.open("wb") as out:
        with connections[reporting_alias()].cursor() as cursor:
            cursor.copy_expert("COPY (SELECT code, name FROM org_agency ORDER BY code) TO STDOUT WITH CSV", out)

    assert "AGCOPY,Dinas Salin" in target.read_text()
    assert [q["sql"][:4] for q in on_replica.captured_queries] == ["COPY"]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_writes_through_a_reporting_manager_still_go_to_the_primary(routing_on):
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        Agency.objects.db_manager(hints={"reporting": True}).create(
            code="AGWRIT", name="Dinas Tulis", time_zone="Asia/Jakarta"
        )

    assert Agency.objects.using("default").filter(code="AGWRIT").exists()
    assert on_replica.captured_queries == []


# ---------------------------------------------------------------------------- settings from the environment


def production_settings(script: str, **env_vars: str) -> dict:
    """Import the production settings in a fresh process with the given variables and return what
    `script` prints as JSON. Nothing connects to a database or to S3."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "STORAGE_S3_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="flexwork.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="flexwork.example.go.id",
        # Set even when empty, so a developer's .env cannot fill them in.
        DATABASE_URL="postgres://flexwork@db-primary.internal:5432/flexwork",
        DATABASE_REPLICA_URL="",
        STORAGE_S3_BUCKET="",
    )
    env.update(env_vars)
    prelude = "import json, django; django.setup(); from django.conf import settings; "
    result = subprocess.run(
        [sys.executable, "-c", prelude + script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


DATABASES_JSON = "print(json.dumps({'databases': settings.DATABASES, 'routers': settings.DATABASE_ROUTERS}))"


def test_a_replica_url_adds_the_replica_alias_with_the_primarys_connection_settings():
    found = production_settings(
        DATABASES_JSON, DATABASE_REPLICA_URL="postgres://reader@db-replica.internal:5432/flexwork?sslmode=require"
    )

    databases = found["databases"]
    assert list(databases) == ["default", "replica"]
    replica, primary = databases["replica"], databases["default"]
    assert replica["HOST"] == "db-replica.internal"
    assert replica["USER"] == "reader"
    assert primary["HOST"] == "db-primary.internal"
    assert replica["ATOMIC_REQUESTS"] is False
    assert primary["ATOMIC_REQUESTS"] is True
    assert replica["CONN_MAX_AGE"] == primary["CONN_MAX_AGE"]
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["OPTIONS"] == {
        "connect_timeout": 3,
        "options": "-c plan_cache_mode=force_generic_plan",
        "sslmode": "require",
    }
    assert replica["TEST"]["MIRROR"] == "default"
    assert found["routers"] == [ROUTER]


def test_without_a_replica_url_there_is_only_the_primary():
    found = production_settings(DATABASES_JSON)

    assert list(found["databases"]) == ["default"]
    assert found["routers"] == [ROUTER]


STORAGES_JSON = (
    "from django.core.files.storage import storages; "
    "names = ['default', 'evidence', 'reports']; "
    "print(json.dumps({'storages': {n: settings.STORAGES[n] for n in names}, "
    "'keys': {n: storages[n]._normalize_name('2026/01/file.pdf') for n in names[1:]}}))"
)


def test_a_bucket_puts_evidence_reports_and_media_on_private_s3_storage():
    found = production_settings(
        STORAGES_JSON,
        STORAGE_S3_BUCKET="flexwork-files",
        STORAGE_S3_ENDPOINT_URL="https://s3.agency.go.id",
        STORAGE_S3_REGION="ap-southeast-3",
        STORAGE_S3_ACCESS_KEY_ID="key-id",
        STORAGE_S3_SECRET_ACCESS_KEY="secret",
    )

    storages = found["storages"]
    for name, prefix in [("default", "media"), ("evidence", "evidence"), ("reports", "reports")]:
        assert storages[name]["BACKEND"] == "storages.backends.s3.S3Storage", name
        options = storages[name]["OPTIONS"]
        assert options["bucket_name"] == "flexwork-files"
        assert options["endpoint_url"] == "https://s3.agency.go.id"
        assert options["region_name"] == "ap-southeast-3"
        assert options["access_key"] == "key-id"
        assert options["secret_key"] == "secret"
        assert options["location"] == prefix
        # Private: no ACL header (the bucket owner's alone), signed URLs only, no public domain.
        assert options["default_acl"] is None
        assert options["querystring_auth"] is True
        assert options["custom_domain"] is None
    assert found["keys"] == {"evidence": "evidence/2026/01/file.pdf", "reports": "reports/2026/01/file.pdf"}


def test_without_a_bucket_files_stay_on_the_local_disk():
    found = production_settings(
        "print(json.dumps({n: settings.STORAGES[n]['BACKEND'] for n in ['default', 'evidence', 'reports']}))"
    )

    assert set(found.values()) == {"django.core.files.storage.FileSystemStorage"}
