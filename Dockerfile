# Production image for the web (gunicorn) and worker (celery) services of docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint needs Pango; fonts for certificates.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# collectstatic only reads files; a throwaway key satisfies settings at build time.
RUN SECRET_KEY=build-only STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput \
    && useradd --system --home /app paritrana && mkdir -p /app/media && chown -R paritrana /app/media
USER paritrana
# Reached by the proxy only: docker-compose.yml publishes none of this container's ports.
EXPOSE 8000
CMD ["gunicorn", "paritrana.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
