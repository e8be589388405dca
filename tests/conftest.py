"""Shared test set-up: the real reference data is loaded once per test database."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from portal.models import Department, Region, Role, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def pytest_sessionstart(session):
    """With REQUIRE_SERVICES set (CI's second run) refuse to test on anything but the real
    PostgreSQL and Redis, so a missing DATABASE_URL can never pass quietly on SQLite."""
    if not os.environ.get("REQUIRE_SERVICES"):
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    cache = settings.CACHES["default"]["BACKEND"]
    if "postgresql" not in engine or "redis" not in cache.lower():
        raise pytest.UsageError(
            f"REQUIRE_SERVICES is set but the suite is configured for {engine} and {cache}"
        )
    import redis

    try:
        redis.Redis.from_url(os.environ["REDIS_URL"]).ping()
    except redis.exceptions.ConnectionError as error:
        raise pytest.UsageError(f"Redis is unreachable: {error}") from error


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: ids repeat across rolled-back tests, so a key
    made of them could otherwise find another test's entry."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from assessments.devdata.reference import load_all_reference

    with django_db_blocker.unblock():
        load_all_reference(fixtures_dir=FIXTURES)


@pytest.fixture
def restore_reference(django_db_blocker):
    """A transactional test ends by emptying every table: put the reference data back."""
    yield
    from assessments.devdata.reference import load_all_reference

    with django_db_blocker.unblock():
        load_all_reference(fixtures_dir=FIXTURES)


@pytest.fixture
def make_user(db):
    """Create a user acting for a region (by code) or a department ("code:short_name")."""
    counter = iter(range(1, 10_000))

    def make(role: str = "", region: str | None = None, department: str | None = None, **extra):
        dept = None
        if department:
            code, short_name = department.split(":", 1)
            dept = Department.objects.get(region__code=code, short_name=short_name)
        user = User.objects.create_user(
            username=extra.pop("username", f"user{next(counter)}"),
            password="correct-horse-battery",
            role=role,
            region=Region.objects.get(code=region) if region else None,
            department=dept,
            **extra,
        )
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(role=Role.ADMIN, is_superuser=True, is_staff=True, username="root")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a quarter second per user; tests do not need the cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
