"""Production-safe defaults: settings come from the environment; DEBUG off, secure cookies, HSTS, CSP."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def production_settings(**env):
    """Import riskgate.settings in a fresh interpreter with only the given environment; print a few values."""
    code = (
        "import json, riskgate.settings as s; print(json.dumps({'DEBUG': s.DEBUG, 'SECURE': s.SESSION_COOKIE_SECURE, "
        "'HSTS': s.SECURE_HSTS_SECONDS, 'CSRF': s.CSRF_COOKIE_SECURE, 'HOSTS': s.ALLOWED_HOSTS, "
        "'DB': s.DATABASES['default']['ENGINE'], 'LANG': s.LANGUAGE_CODE, 'BROKER': s.CELERY_BROKER_URL}))"
    )
    base = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "RISKGATE_VAR_DIR": str(ROOT / "var")}
    return subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_secret_key():
    result = production_settings()
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_defaults_are_safe():
    import json

    result = production_settings(SECRET_KEY="k" * 50, ALLOWED_HOSTS="riskgate.example.cn")
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False and values["SECURE"] and values["CSRF"] and values["HSTS"] >= 31536000
    assert values["HOSTS"] == ["riskgate.example.cn"] and values["LANG"] == "zh-hans"
    assert values["BROKER"].startswith("sqla+sqlite:///"), "embedded broker by default: no server needed"


def test_environment_selects_postgresql_and_redis():
    import json

    result = production_settings(
        SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://u@127.0.0.1:5432/riskgate",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    values = json.loads(result.stdout)
    assert values["DB"] == "django.db.backends.postgresql" and values["BROKER"] == "redis://127.0.0.1:6379/0"


def test_pages_send_security_headers(world):
    response = Client().get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_scripts_or_styles():
    """The CSP forbids inline code, so none of our templates may carry any."""
    import re

    offenders = []
    for path in (ROOT / "src" / "riskgate").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", text) or re.search(
            r"\sstyle=|<style|\son\w+=", text
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_health_endpoint_reveals_nothing_but_status(db):
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_migrations_are_complete(db):
    """A model change without its migration fails here (and migrations run on both databases in CI)."""
    import io

    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_denials_render_the_site_pages(world):
    client = world.client_for("bureau_officer")
    forbidden = client.get("/audit/")
    assert forbidden.status_code == 403 and "您的角色没有访问此页面的权限".encode() in forbidden.content
    missing = client.get(f"/organisations/{world.org('ent-harbin-timber').pk}/")
    assert missing.status_code == 404 and "不在您的权限范围内".encode() in missing.content
