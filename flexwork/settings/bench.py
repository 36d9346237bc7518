"""Settings for `make bench`: production settings on loopback plain HTTP, plus the bare check-in floor.

The runner (bench/run.py) sets DATABASE_URL (flexwork_bench) and REDIS_URL (its own Redis); everything else
is production as is: DEBUG off, the same middleware, persistent connections, atomic requests."""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
# Loopback only, no TLS terminator in front: nothing to redirect to.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from .production import *  # noqa: E402, F403

# The application's URLs plus /bench/ (the floor views); nothing else differs from production.
ROOT_URLCONF = "bench.urls"
