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
