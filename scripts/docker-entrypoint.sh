#!/bin/sh
# The image's entrypoint (Dockerfile). With FLEXWORK_MIGRATE=1 (docker-compose.yml's web service) it applies
# the migrations first; then it replaces itself with the service's command (`exec`), so that gunicorn or
# celery is PID 1 of the container and receives `docker stop`'s SIGTERM itself: gunicorn finishes its
# requests (graceful_timeout), a celery worker its tasks.
set -eu
if [ "${FLEXWORK_MIGRATE:-0}" = "1" ]; then
	python manage.py migrate --noinput
fi
exec "$@"
