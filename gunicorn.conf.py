"""gunicorn settings shared by `make run`, docker-compose and `make bench`."""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# The application is imported (and warmed: flexwork.wsgi.warm_up) once in the master, before the workers
# fork: a worker replaced after max_requests serves at once. Code changes need a restart, not a HUP.
preload_app = True
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
