"""Create the database named in DATABASE_URL when it does not exist yet (make run / make test)."""

import os
import sys
from urllib.parse import urlparse

import psycopg2
from psycopg2 import sql

url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/flexwork"))
name = url.path.lstrip("/") or "flexwork"
params = {
    "host": url.hostname or "127.0.0.1",
    "port": url.port or 5432,
    "user": url.username or "postgres",
    "password": url.password or None,
    "dbname": "postgres",
    "connect_timeout": 5,
}
try:
    connection = psycopg2.connect(**params)
except psycopg2.OperationalError as exc:
    sys.exit(f"PostgreSQL is not reachable at {params['host']}:{params['port']}: {exc}")
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created database {name}")
connection.close()
