"""`manage.py check --deploy` with production settings: silent over HTTPS (the default); the
plain-HTTP intranet mode is an explicit choice, and the check says what it gives up."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def deploy_check(**env) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment |= {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example",
    }
    environment |= env
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.stdout + done.stderr


def test_production_over_https_passes_the_deploy_check():
    assert "System check identified no issues" in deploy_check()


def test_plain_http_is_an_explicit_choice_the_check_names():
    output = deploy_check(PLAIN_HTTP="true")
    assert set(re.findall(r"security\.(W\d+)", output)) == {"W004", "W008", "W012", "W016"}


def test_a_malformed_api_path_answers_json(client):
    for path in ("/api/v1/submissions/abc/", "/api/v1/nothing-here/", "/api/v1/regions/%00/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_no_request_body_beyond_what_its_view_accepts(client, db):
    """An anonymous 1 GB POST to /login/ is refused from its Content-Length, unread."""
    response = client.post("/login/", {"username": "x"}, CONTENT_LENGTH=str(1024**3))
    assert response.status_code == 413 and "提交的内容过大" in response.content.decode()
    api = client.post("/api/v1/auth/token/", {}, content_type="application/json",
                      CONTENT_LENGTH=str(100 * 1024 * 1024))  # fmt: skip
    assert api.status_code == 413 and api.json()["code"] == "too_large"


def test_upload_views_get_their_own_larger_limit(settings):
    from portal.middleware import request_limit

    assert request_limit("workspace:item") == 51 * 1024 * 1024
    assert request_limit("assessments:excel_upload") == 6 * 1024 * 1024
    assert request_limit("login") == settings.REQUEST_MAX_BYTES


def test_nginx_fronts_gunicorn_with_the_largest_limit_and_the_client_address():
    import yaml
    from django.conf import settings

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "nginx" in services and "ports" not in services["web"]
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    largest = max(settings.UPLOAD_REQUEST_LIMITS.values()) // (1024 * 1024)
    assert f"client_max_body_size {largest}m;" in conf
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in conf
    assert "location /static/" in conf and "location /media/" in conf
