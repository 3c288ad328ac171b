import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 60 + "-production-secret-for-check-only",
    "FIELD_ENCRYPTION_KEYS": "p1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
    "BLIND_INDEX_KEY": "prod-blind",
    "AUDIT_HMAC_KEY": "prod-audit",
    "ALLOWED_HOSTS": "zhijia.example.org",
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_missing_secrets():
    env = {**PROD_ENV, "AUDIT_HMAC_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY" in result.stderr


def test_seed_demo_refuses_production_settings():
    result = _manage("seed_demo", env=PROD_ENV)
    assert result.returncode != 0
    assert "refuses" in result.stderr


def test_seed_demo_refuses_when_not_demo(settings):
    settings.ZHIJIA_DEMO = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
