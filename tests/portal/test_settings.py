"""Production configuration comes from the environment and refuses unsafe defaults."""

import os
import subprocess
import sys

from django.conf import settings


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_the_placeholder_secret_key_when_debug_is_off():
    result = run_settings(DEBUG="false", SECRET_KEY="insecure-development-key-change-me")
    assert result.returncode != 0


def test_it_starts_with_a_real_key_and_reads_the_database_from_the_environment():
    result = run_settings(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="portal.example",
        DATABASE_URL="postgres://u:p@db:5432/portal",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_the_embedded_default_is_sqlite_with_eager_celery():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings as s; print(s.DATABASES['default']['ENGINE'],"
            " s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])",
        ],
        cwd=settings.BASE_DIR,
        env={
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
    ]
