"""End-to-end tests in headless Chromium: Playwright drives Debian's chromium against
pytest-django's live server (a transactional database).

- Locally the tests skip, saying why, when /usr/bin/chromium or Playwright is missing; in CI
  (CI=true) they fail instead, so they can never pass quietly there.
- Every test ends with its tables emptied (a transactional test): ``transactional_db`` is
  overridden here so that the reference data is put back after the flush, as
  tests/assessments/test_worker_e2e.py does, or every later test would lose it.
- Screenshots of each step go to $SCREENSHOT_DIR (default: screenshots/ in the checkout,
  gitignored); their paths are printed at the end of the run.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from assessments.devdata.demo import generate_demo_data
from assessments.models import Period
from assessments.scoring import runs
from portal import periods
from portal.models import Role
from portal.periods import today

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # reported by the ``page`` fixture: skipped locally, a failure in CI
    expect = sync_playwright = None

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"  # what tests/conftest.py's make_user sets
TIMEOUT_MS = 20_000
SHOTS: list[Path] = []


def screenshot_dir() -> Path:
    return Path(os.environ.get("SCREENSHOT_DIR") or Path(settings.BASE_DIR) / "screenshots")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def browser_problem() -> str | None:
    if sync_playwright is None:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk); "
            "Playwright's own browser download is not used"
        )
    return None


# --- The database: reference data back after each transactional test ----------------------------


@pytest.fixture
def transactional_db(restore_reference, transactional_db):
    """pytest-django's transactional_db (live_server asks for it), set up after
    ``restore_reference`` so that it is torn down (flushed) before the reference data is reloaded.
    """
    return transactional_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence uploaded through the browser lands in a temporary MEDIA_ROOT (the live server runs
    in this process, so it sees the setting)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- The browser -------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's outcome on the test, so that ``page`` can photograph a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, transactional_db, live_server):
    """A fresh headless Chromium page (zh-CN) per test; JavaScript errors fail the test.

    Playwright's sync API keeps an asyncio loop running in this thread while the browser is up.
    Django takes that for an async context: it refuses ORM calls from the test (the test code is
    synchronous, so DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that time), and it keeps the
    test's database connections apart from the thread's (asgiref keys them by context while a
    loop runs), so they are closed here before the loop stops, or they would outlive the test
    (PostgreSQL then refuses to drop the test database: "being accessed by other users")."""
    problem = browser_problem()
    if problem:
        if in_ci():
            pytest.fail(f"browser tests cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests skipped: {problem}")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    manager = sync_playwright().start()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    errors: list[str] = []
    try:
        browser = manager.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        outcome = getattr(request.node, "report_call", None)
        if outcome is not None and outcome.failed:
            path = screenshot_dir() / f"FAILED-{request.node.name}.png"
            tab.screenshot(path=str(path), full_page=True)
            SHOTS.append(path)
        context.close()
        browser.close()
    finally:
        connections.close_all()
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
    assert not errors, f"JavaScript errors on the pages: {errors}"


@pytest.fixture
def shoot(page):
    """``shoot("2-dashboard-before")`` writes a full-page screenshot named by the step."""

    def take(step: str) -> Path:
        folder = screenshot_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{step}.png"
        page.screenshot(path=str(path), full_page=True)
        SHOTS.append(path)
        print(f"screenshot: {path}")
        return path

    return take


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Through the real login form; lands where the portal sends the user's role."""
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form[action='/login/'] button[type=submit]").click()
    expect(page.locator("header .who")).to_be_visible()  # logged in: the top bar names the user
    assert "/login/" not in page.url, f"{username} could not log in: {page.url}"


def log_out(page) -> None:
    page.locator("form[action='/logout/'] button").click()
    page.wait_for_load_state()


def pytest_terminal_summary(terminalreporter):
    if SHOTS:
        terminalreporter.section("browser screenshots")
        for path in dict.fromkeys(SHOTS):
            terminalreporter.write_line(str(path))


# --- Shared data ---------------------------------------------------------------------------------

YEAR = 2090  # far from the years of the reference rulebooks (2025, 2026): results are predictable
JINAN, GUSHAN, XINDIAN, BAODI = "350111", "350111100", "350111101", "120115"
JINAN_DEPARTMENT = "350111:市质监局直属二分局"  # leads task （四） of the 晋安区 opinion


@pytest.fixture
def open_period(transactional_db):
    """This quarter: the current period, its entry window open today."""
    return Period.objects.create(
        year=YEAR,
        quarter=1,
        opens_on=today() - timedelta(days=5),
        closes_on=today() + timedelta(days=5),
    )


@pytest.fixture
def demo_quarter(transactional_db, make_user):
    """The demo's quarters and figures (devdata.demo) on the reference regions, every year run,
    with the offices and officials that the browser tests sign in as."""
    make_user(role=Role.OFFICE, region="350000", username="fj-office")
    make_user(role=Role.OFFICE, region="350100", username="fz-office")
    make_user(role=Role.OFFICE, region=JINAN, username="jinan-office")
    make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="jinan-official")
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan-official")
    generate_demo_data(today=periods.today())
    for year in sorted(set(Period.objects.values_list("year", flat=True))):
        runs.run_year(year=year, trigger="demo")
