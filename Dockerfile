# The FlexWork image for docker-compose.yml: web (gunicorn), the Celery workers and beat share it
# (docs/operations.md). Two stages: the build stage installs the runtime lock into a virtualenv, compiles the
# message catalogues and collects the static files; the runtime stage copies the results, without gettext,
# pip's caches or any test or development tool.

# ---------------------------------------------------------------------------- build
FROM python:3.11-slim-bookworm AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
WORKDIR /app
# The runtime lock only (requirements/base.txt), every package checked against its hash: no pytest,
# Playwright, ruff, Faker or schemathesis in production (tests/test_dependencies.py).
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
# Build-time settings: neither step opens a database or needs a secret.
RUN DJANGO_SETTINGS_MODULE=flexwork.settings.local python manage.py compilemessages --ignore=.venv --ignore=var \
    && DJANGO_SETTINGS_MODULE=flexwork.settings.local DJANGO_STATIC_ROOT=/app/var/static \
       python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q /app

# ---------------------------------------------------------------------------- runtime
FROM python:3.11-slim-bookworm
# fonts-dejavu-core: DejaVu Sans, the report PDF's TrueType font (flexwork/reports/pdf.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=flexwork.settings.production DJANGO_STATIC_ROOT=/app/var/static
RUN useradd --create-home --uid 1000 --user-group flexwork
COPY --from=build /opt/venv /opt/venv
# The code, the compiled catalogues and the collected static files, owned by root: the service cannot change them.
COPY --from=build /app /app
WORKDIR /app
# Only the file directories are the service's own (volumes in docker-compose.yml).
RUN mkdir -p /app/var/evidence /app/var/reports /app/var/media \
    && chown -R flexwork:flexwork /app/var/evidence /app/var/reports /app/var/media
USER flexwork
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=5m --retries=5 CMD ["python", "/app/scripts/healthcheck.py"]
# scripts/docker-entrypoint.sh migrates when FLEXWORK_MIGRATE=1, then execs the command: gunicorn (here) or the
# celery command of docker-compose.yml is PID 1 and receives SIGTERM from `docker stop`.
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "flexwork.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
