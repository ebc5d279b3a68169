import os
import subprocess
import sys

import pytest

from cooperer.settings.env import env_bool, env_int


def run_django(args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "cooperer.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret():
    result = run_django(
        ["check"],
        DJANGO_SETTINGS_MODULE="cooperer.settings.prod",
        DJANGO_ALLOWED_HOSTS="cooperer.example.org",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY est obligatoire" in result.stderr


def test_production_refuses_to_start_without_the_shared_cache():
    result = run_django(
        ["check"],
        DJANGO_SETTINGS_MODULE="cooperer.settings.prod",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="cooperer.example.org",
    )
    assert result.returncode != 0
    assert "REDIS_URL est obligatoire en production" in result.stderr
    assert "redis://127.0.0.1:6379/0" in result.stderr


def test_the_embedded_default_needs_no_redis():
    result = run_django(["check"], DJANGO_SETTINGS_MODULE="cooperer.settings.dev")
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="cooperer.settings.prod",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-and-random-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="cooperer.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr


def test_env_helpers_refuse_nonsense(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    flag = "COOPERER_TEST_FLAG"
    monkeypatch.setenv(flag, "peut-être")
    with pytest.raises(ImproperlyConfigured, match="true ou false"):
        env_bool(flag)
    monkeypatch.setenv(flag, "douze")
    with pytest.raises(ImproperlyConfigured, match="nombre entier"):
        env_int(flag, 1)


def test_pages_carry_security_headers(client, db):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
