import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from affiliates.models import User

BASE_DIR = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        EW_ENV="production",
        DJANGO_SECRET_KEY="x" * 60 + "-a-long-random-looking-secret-key-value",
        DJANGO_ALLOWED_HOSTS="ewatch.example",
        EW_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**env, "EW_ENV": "production", "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production." in result.stderr


def test_production_refuses_to_start_without_encryption_keys():
    env = {k: v for k, v in os.environ.items() if k != "EW_ENCRYPTION_KEYS"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**env, "EW_ENV": "production", "DJANGO_SECRET_KEY": "k" * 60},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "EW_ENCRYPTION_KEYS must be set in production." in result.stderr


def test_no_migration_is_missing():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_carry_a_strict_content_security_policy(client, northvale_officer):
    client.force_login(northvale_officer)
    for url in ("/accounts/login/", "/a/northvale/", "/a/northvale/members/", "/account/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


def test_templates_contain_no_inline_script_or_style():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\son[a-z]+=\"", re.I)
    offenders = []
    for root in [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]:
        for path in root.rglob("*.html"):
            if "/email/" in str(path) or path.name == "500.html":
                continue  # e-mails are not web pages; 500.html must stand alone
            if inline.search(path.read_text()):
                offenders.append(str(path.relative_to(BASE_DIR)))
    assert offenders == []


def test_pages_with_secrets_are_not_cached(client, northvale_officer):
    client.force_login(northvale_officer)
    response = client.post("/account/tokens/", {"name": "Export", "scope": "read"})
    assert "ew_" in response.content.decode()  # the new token is on this page
    assert response["Cache-Control"] == "no-store"


def test_pages_deny_the_browsers_camera_microphone_and_location(client):
    policy = client.get("/accounts/login/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_seed_demo_refuses_to_run_in_production(settings, db):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.filter(email="staff@ewatch.example").exists()
