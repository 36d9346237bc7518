# The FlexWork image for docker-compose.yml: web (gunicorn), worker and beat share it.
FROM python:3.11-slim-bookworm
# fonts-dejavu-core: DejaVu Sans, the report PDF's TrueType font (flexwork/reports/pdf.py).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime lock only (requirements/base.txt): no test or development tool in the image.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
RUN DJANGO_SETTINGS_MODULE=flexwork.settings.local python manage.py compilemessages --ignore=.venv \
    && DJANGO_SETTINGS_MODULE=flexwork.settings.local DJANGO_STATIC_ROOT=/app/var/static python manage.py collectstatic --noinput
RUN useradd --create-home --uid 1000 flexwork && mkdir -p /app/var/evidence /app/var/reports /app/var/media && chown -R flexwork /app/var
USER flexwork
EXPOSE 8000
