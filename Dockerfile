# syntax=docker/dockerfile:1
# Production image of the Electronics Watch Platform. One image, three roles:
#   web     gunicorn (the default CMD)
#   worker  celery -A config worker --loglevel INFO
#   beat    celery -A config beat --loglevel INFO --schedule /data/celerybeat-schedule
# Every setting comes from environment variables (see config/settings.py and docker-compose.yml);
# DJANGO_SECRET_KEY must be supplied at run time, the image holds no secret.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- Build stage: resolve the locked runtime dependencies into /app/.venv ------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_MANAGED_PYTHON=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# The uv version the lock file was written with (also pinned in the dev group and the Makefile).
RUN pip install uv==0.13.8

WORKDIR /app
# Only the dependency manifests: this layer is rebuilt when the lock changes, not the code.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3

# --- Runtime stage --------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# Shared libraries and a font for WeasyPrint (PDF reports); nothing else.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user; the code and the virtualenv stay root-owned and read-only for it.
# /data holds what the containers write: uploads (/data/media) and the beat schedule.
RUN groupadd --system --gid 10001 ewatch \
    && useradd --system --uid 10001 --gid ewatch --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin ewatch \
    && install -d -o ewatch -g ewatch -m 0750 /data /data/media

ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    EW_ENV=production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    WEB_CONCURRENCY=3

WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY . .

# Static files are built into the image (WhiteNoise serves them with a manifest). Production
# settings need a secret key and encryption keys to load: random, build-only ones that live
# for this step only.
RUN EW_ENV=production \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    EW_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    python manage.py collectstatic --noinput

USER ewatch

EXPOSE 8000

# Workers, threads and timeouts: config/gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS;
# the defaults measured with `make bench-http`, README "Serving").
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", \
     "-c", "config/gunicorn.conf.py"]
