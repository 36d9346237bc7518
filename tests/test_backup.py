"""Backups on the real PostgreSQL (docs/operations.md "Backup and restore"): `make backup` dumps with
scripts/backup.sh (pg_dump -Fc), `make restore` restores with scripts/restore.sh (pg_restore --clean --if-exists)
into a named database, and what comes back is the same, row for row. Each test makes its own scratch databases
and drops them, whatever happens; every command has a time limit."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
COMMAND_SECONDS = 120

# A table of each kind of value a dump must carry unchanged, a sequence, a constraint, a trigger and a view.
SCHEMA = """
CREATE TABLE person (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    nip varchar(18) NOT NULL CONSTRAINT person_unique_nip UNIQUE,
    joined date NOT NULL,
    checked_in timestamptz,
    salary numeric(14, 2),
    profile jsonb NOT NULL DEFAULT '{}',
    photo bytea,
    active boolean NOT NULL DEFAULT true
);
CREATE TABLE person_history (id bigserial PRIMARY KEY, person_id bigint NOT NULL, name text NOT NULL);
CREATE FUNCTION person_remember() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO person_history (person_id, name) VALUES (NEW.id, NEW.name);
    RETURN NEW;
END $$;
CREATE TRIGGER person_remember AFTER INSERT ON person FOR EACH ROW EXECUTE FUNCTION person_remember();
CREATE VIEW active_person AS SELECT id, name FROM person WHERE active;
"""
ROWS = """
INSERT INTO person (name, nip, joined, checked_in, salary, profile, photo, active)
SELECT 'Pegawai ' || i || ' — Ñoño ''kutip'' "ganda" \\ 漢字',
       lpad(i::text, 18, '0'),
       date '2000-01-01' + i,
       CASE WHEN i % 7 = 0 THEN NULL ELSE timestamptz '2026-03-02 07:30+07' + i * interval '1 minute' END,
       i * 1234.56,
       jsonb_build_object('unit', 'Unit ' || (i % 13), 'tags', jsonb_build_array(i, i * 2), 'note', E'a\\tb\\nc'),
       CASE WHEN i % 5 = 0 THEN NULL ELSE decode(md5(i::text), 'hex') END,
       i % 3 <> 0
FROM generate_series(1, 5000) AS i;
"""


def _params(database: str) -> dict:
    default = settings.DATABASES["default"]
    return {
        "host": default.get("HOST") or "127.0.0.1",
        "port": default.get("PORT") or 5432,
        "user": default.get("USER") or "postgres",
        "password": default.get("PASSWORD") or None,
        "dbname": database,
        "connect_timeout": 5,
    }


def _url(database: str) -> str:
    params = _params(database)
    password = f":{quote(params['password'], safe='')}" if params["password"] else ""
    return f"postgres://{quote(params['user'], safe='')}{password}@{params['host']}:{params['port']}/{database}"


def _connect(database: str):
    connection = psycopg2.connect(**_params(database))
    connection.autocommit = True
    return connection


def _server(statement: str, database: str) -> None:
    """CREATE or DROP DATABASE: outside a transaction, on the maintenance database."""
    connection = _connect("postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL(statement).format(sql.Identifier(database)))
    finally:
        connection.close()


def _drop(*databases: str) -> None:
    for database in databases:
        _server("DROP DATABASE IF EXISTS {} WITH (FORCE)", database)


@pytest.fixture
def scratch():
    """Names for scratch databases on the test server, all dropped afterwards."""
    prefix = f"{settings.DATABASES['default']['TEST']['NAME']}_bk{os.getpid()}"[:50]
    names: list[str] = []

    def name(role: str) -> str:
        names.append(f"{prefix}_{role}")
        _drop(names[-1])
        return names[-1]

    yield name
    _drop(*names)


def _make(*args: str, env: dict) -> subprocess.CompletedProcess:
    # Under `make test` the suite runs inside make: the inner make gets none of the outer one's flags.
    outer = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in outer}, **env},
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
    )


def _script(name: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / name), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
    )


def _fingerprint(database: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of every row's text in order)} for each table of the public schema."""
    connection = _connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
            tables = [row[0] for row in cursor.fetchall()]
            found = {}
            for table in tables:
                cursor.execute(
                    sql.SQL(
                        "SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {} t"
                    ).format(sql.Identifier(table))
                )
                found[table] = cursor.fetchone()
            return found
    finally:
        connection.close()


def _one(database: str, query: str):
    connection = _connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0]
    finally:
        connection.close()


def test_make_backup_and_make_restore_bring_back_every_row(scratch, tmp_path):
    source, target = scratch("src"), scratch("dst")
    _server("CREATE DATABASE {}", source)
    connection = _connect(source)
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA)
        cursor.execute(ROWS)
    connection.close()
    env = {"DATABASE_URL": _url(source), "BACKUP_DIR": str(tmp_path)}

    started = time.monotonic()
    made = _make("backup", env=env)
    assert made.returncode == 0, made.stderr
    dumps = list(tmp_path.glob("*.dump"))
    assert len(dumps) == 1 and not list(tmp_path.glob("*.partial"))
    assert dumps[0].read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    restored = _make("restore", f"FILE={dumps[0]}", f"DB={target}", env=env)
    assert restored.returncode == 0, restored.stderr
    expected = _fingerprint(source)
    assert expected["person"][0] == 5000 and expected["person_history"][0] == 5000
    assert _fingerprint(target) == expected
    # The sequence goes on where it was, the constraint and the trigger are back, the view answers.
    assert _one(target, "SELECT last_value FROM person_id_seq") == 5000
    assert _one(target, "SELECT count(*) FROM active_person") == _one(source, "SELECT count(*) FROM active_person")
    connection = _connect(target)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO person (name, nip, joined) VALUES ('Baru', 'new', '2026-03-02') RETURNING id")
        assert cursor.fetchone()[0] == 5001
        cursor.execute("SELECT count(*) FROM person_history WHERE name = 'Baru'")
        assert cursor.fetchone()[0] == 1
        with pytest.raises(psycopg2.errors.UniqueViolation):
            cursor.execute("INSERT INTO person (name, nip, joined) VALUES ('Dua', 'new', '2026-03-02')")
    connection.close()

    # Restoring again over the changed copy (--clean --if-exists) puts it back as it was dumped.
    again = _make("restore", f"FILE={dumps[0]}", f"DB={target}", env=env)
    assert again.returncode == 0, again.stderr
    assert _fingerprint(target) == expected
    assert time.monotonic() - started < COMMAND_SECONDS


@pytest.mark.django_db  # the test database is set up only for a session with a database test
def test_the_applications_own_database_round_trips(persona_world, scratch, tmp_path):
    """The migrated FlexWork schema (audit triggers, constraints, functions) with the test personas in it,
    dumped while the suite's connection is open, as a live database is."""
    persona_world.ensure()
    source = settings.DATABASES["default"]["NAME"]
    target = scratch("app")
    env = {"DATABASE_URL": _url(source), "BACKUP_DIR": str(tmp_path)}
    made = _script("backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    [dump] = tmp_path.glob("*.dump")
    restored = _script("restore.sh", str(dump), target, env=env)
    assert restored.returncode == 0, restored.stderr

    expected = _fingerprint(source)
    assert expected["org_agency"][0] >= 2 and expected["django_migrations"][0] > 0
    assert _fingerprint(target) == expected
    triggers = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
    assert _one(target, triggers) == _one(source, triggers) > 0


def test_a_failed_dump_leaves_no_file_and_deletes_nothing(scratch, tmp_path):
    missing = scratch("missing")  # dropped, never created
    old = tmp_path / "20250101T020000Z.dump"
    old.write_bytes(b"PGDMP old")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))

    failed = _script("backup.sh", env={"DATABASE_URL": _url(missing), "BACKUP_DIR": str(tmp_path)})
    assert failed.returncode != 0
    assert "pg_dump failed" in failed.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [old.name]  # no .partial, the old dump kept
    stale = _script("backup.sh", "--check", env={"BACKUP_DIR": str(tmp_path)})
    assert stale.returncode != 0  # the health check sees no recent dump


def test_retention_removes_old_dumps_after_a_good_one(scratch, tmp_path):
    source = scratch("ret")
    _server("CREATE DATABASE {}", source)
    now = time.time()
    ages = {"20260101T020000Z.dump": 20, "20260110T020000Z.dump": 6, "20260111T020000Z.partial": 2}
    for name, days in ages.items():
        (tmp_path / name).write_bytes(b"PGDMP")
        os.utime(tmp_path / name, (now - days * 86400, now - days * 86400))
    env = {"DATABASE_URL": _url(source), "BACKUP_DIR": str(tmp_path), "BACKUP_RETENTION_DAYS": "7"}

    made = _script("backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    left = sorted(path.name for path in tmp_path.iterdir())
    assert "20260101T020000Z.dump" not in left and "20260111T020000Z.partial" not in left
    assert "20260110T020000Z.dump" in left and len(left) == 2
    assert _script("backup.sh", "--check", env=env).returncode == 0


@pytest.mark.parametrize("name", ["flexwork; DROP DATABASE flexwork", "", "a-b", "x" * 64])
def test_restore_refuses_a_database_name_that_is_not_a_plain_identifier(name, tmp_path):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP")
    refused = _script("restore.sh", str(dump), name, env={"DATABASE_URL": _url("postgres")})
    assert refused.returncode == 2
    assert "letters, digits and _" in refused.stderr


def test_make_restore_needs_a_file_and_a_database():
    refused = _make("restore", env={})
    assert refused.returncode != 0
    assert "usage: make restore FILE=" in refused.stdout + refused.stderr
