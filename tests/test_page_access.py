"""The page access matrix: every URL of the portal (the API has its own, tests/test_api.py) for
every kind of user, with real objects of the 晋安区 side (tests/portal_world.py).

The URLs are enumerated from the URL configuration: a new page without an entry in EXPECTED
fails ``test_every_url_of_the_portal_has_an_entry``. Each page is opened with GET; a cell says
what the user must get:

- 200: the page (for a list: only what the user's scope holds);
- LOGIN: a redirect to the login page (anonymous visitors);
- a path such as "/dashboard/": a redirect there (the home page sends each user to their work);
- 404: outside the user's scope, or a tool the user's role does not have (deny by default: an
  object outside the scope is not found, never forbidden, so its existence is not confirmed);
- 405: a POST-only endpoint opened with GET; 401: a data endpoint for an anonymous caller;
- NOTHING: the page opens (200) and shows no data at all.

The rules are portal/scoping.py's. Two cells once leaked (a user without a role read every
province's reference values; departments read a submission's audit trail on the page that the
API refused them): they are asserted below.
"""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import ReferenceValue
from tests.portal_world import (
    GUSHAN,
    JINAN,
    PROVINCE,
    REFERENCE_SOURCES,
    SIGNED_IN,
    TIANJIN,
    USERS,
    World,
    world_for_module,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"
NOTHING = "200 and no data"
SKIPPED_PREFIXES = ("admin/", "i18n/", "api/", "static/", "media/")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from world_for_module(django_db_blocker, tmp_path_factory.mktemp("media"))


def row(*cells) -> dict[str, object]:
    return dict(zip(USERS, cells, strict=True))


L, N, M = LOGIN, 404, 405
# The columns of row(), in order: anonymous, no_role, town, district, district_office,
# city_office, province_office, department, other_department, superuser, baodi_official,
# baodi_office (see tests/portal_world.py).

# A page of the open world of documents and lists: every signed-in user opens it.
EVERYONE = row(L, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
POST_ONLY = row(L, M, M, M, M, M, M, M, M, M, M, M)
# 晋安区's own line: its regions, their offices above them and its departments.
JINAN_LINE = row(L, N, 200, 200, 200, 200, 200, 200, 200, 200, N, N)
# What an office of 晋安区 or above (and an administrator) opens about 晋安区.
JINAN_OFFICES = row(L, N, N, N, 200, 200, 200, N, N, 200, N, N)
# The work of 市质监局直属二分局: the department itself and the offices above it.
LEAD_DEPARTMENTS_WORK = row(L, N, N, N, 200, 200, 200, 200, N, 200, N, N)
# An office's own tool, for its own region (宝坻区's office opens its own).
ANY_OFFICE = row(L, N, N, N, 200, 200, 200, N, N, 200, N, 200)
# A user without a role sees nothing (it once listed every province's reference values).
REFERENCES = EVERYONE | {"no_role": NOTHING}

EXPECTED: dict[str, dict[str, object]] = {
    "home": {  # each user is sent to where their work is
        "anonymous": L,
        "no_role": "/documents/",
        "town": "/reporting/",
        "district": "/reporting/",
        "district_office": "/dashboard/",
        "city_office": "/dashboard/",
        "province_office": "/dashboard/",
        "department": "/workspace/",
        "other_department": "/workspace/",
        "superuser": "/dashboard/",
        "baodi_official": "/reporting/",
        "baodi_office": "/dashboard/",
    },
    "login": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Self-service: one's own account and the help for one's role; a forgotten password is
    # reset by anyone (a wrong link says so on the page).
    "profile": EVERYONE,
    "password_change": EVERYONE,
    "password_reset": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_done": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_confirm": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_complete": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "help": EVERYONE,
    "search": EVERYONE,  # each user finds only what they may open (tests/targets/test_search)
    # One's own notices (a notice of another user is not found: tests/assessments/test_notices).
    "notices": EVERYONE,
    "notice_open": POST_ONLY,
    "notices_read_all": POST_ONLY,
    "logout": row(M, M, M, M, M, M, M, M, M, M, M, M),  # POST only, even for the anonymous
    # Policy documents: read along the line of the tree (the province's and the city's too).
    "targets:document_list": EVERYONE,
    "targets:document_detail": JINAN_LINE,
    # An office's tool: any other role does not find it.
    "targets:draft_new": ANY_OFFICE,
    "targets:draft_review": JINAN_OFFICES,
    "targets:carry_forward": POST_ONLY,
    "targets:draft_discard": POST_ONLY,
    # Quarterly reporting.
    "assessments:my_submissions": EVERYONE,
    "assessments:entry": JINAN_LINE,  # 鼓山镇's quarter; a department sees its figures only
    "assessments:submission_detail": JINAN_LINE,
    "assessments:decide": POST_ONLY,
    "assessments:request_extension": POST_ONLY,
    "assessments:attach_files": POST_ONLY,
    "assessments:check_figures": POST_ONLY,
    # A submission's attachment: its reporting chain (as its audit trail), never a department.
    "assessments:submission_file": row(L, N, 200, 200, 200, 200, 200, N, N, 200, N, N),
    "assessments:decide_extension": POST_ONLY,
    "assessments:approval_queue": EVERYONE,  # empty but for the office above
    "assessments:completeness": row(L, N, N, 200, 200, 200, 200, 200, 200, 200, N, N),
    "assessments:reopen": POST_ONLY,
    "assessments:reference_values": REFERENCES,
    # The 晋安区 opinion's target: linked by an office of 晋安区 or above (it manages the document).
    "assessments:link_measure": JINAN_OFFICES,  # each user those of their line, see below
    "assessments:assessment_runs": ANY_OFFICE,
    # A full run is the year's: every office follows it. This one re-scored 晋安区's path: the
    # offices on that path follow it, 宝坻区's does not find it.
    "assessments:run_status": JINAN_OFFICES,
    # A rulebook's results and its publications are read as exports are (晋安区's rulebook: its
    # office and those above); only the rulebook's own office publishes (POST).
    "assessments:rulebook_results": JINAN_OFFICES,
    "assessments:publish": POST_ONLY,
    "assessments:publication": JINAN_OFFICES,
    # The rulebook as a workbook: read like its results; a new version (upload, copy to next
    # year) is issued only by the rulebook's own office.
    "assessments:rulebook_workbook": JINAN_OFFICES,
    "assessments:rulebook_upload": row(L, N, N, N, 200, N, N, N, N, 200, N, N),
    "assessments:rulebook_copy": POST_ONLY,
    # The template and the upload form are of the user's own regions: officials only.
    "assessments:excel_template": row(L, N, 200, 200, N, N, N, N, N, N, 200, N),
    "assessments:excel_upload": row(L, N, 200, 200, N, N, N, N, N, N, 200, N),
    # The departments' workspace and the exports.
    "workspace:home": row(L, N, N, N, 200, 200, 200, 200, 200, 200, N, 200),
    "workspace:department": LEAD_DEPARTMENTS_WORK,
    "workspace:item": LEAD_DEPARTMENTS_WORK,  # the task it leads
    "workspace:evidence": LEAD_DEPARTMENTS_WORK,  # its report's file
    "workspace:exports": ANY_OFFICE,
    "workspace:rankings": JINAN_OFFICES,  # 晋安区's rulebook for its towns
    "workspace:briefing": JINAN_OFFICES,  # ?region=350111
    "workspace:briefing_docx": JINAN_OFFICES,  # ?region=350111
    "workspace:completeness_xlsx": JINAN_OFFICES,  # ?region=350111
    "workspace:progress_xlsx": ANY_OFFICE,  # the departments each office follows
    "workspace:warnings_xlsx": ANY_OFFICE,  # the warnings of the office's own region and below
    # The office dashboard.
    "dashboard:home": ANY_OFFICE,
    "dashboard:region": JINAN_OFFICES,
    "dashboard:targets_data": JINAN_OFFICES | {"anonymous": 401},
    "dashboard:trends_data": JINAN_OFFICES | {"anonymous": 401},
    "dashboard:ranking_data": JINAN_OFFICES | {"anonymous": 401},
    "dashboard:target_status": JINAN_LINE,  # whoever reads the document
    # The assessment season of 晋安区's departments: its office and those above oversee it; the
    # lead department is a unit (its own page only); 区财政局 reviews the unit's judged item
    # (the review page, the item's file) but never opens another unit's page.
    "season:index": row(L, N, N, N, 200, 200, 200, 200, 200, 200, N, 200),
    "season:open": POST_ONLY,
    "season:detail": row(L, N, N, N, 200, 200, 200, 200, 200, 200, N, N),
    "season:advance": POST_ONLY,
    "season:review": row(L, N, N, N, 200, N, N, N, 200, 200, N, N),
    "season:unit": LEAD_DEPARTMENTS_WORK,
    "season:submit": POST_ONLY,
    "season:object": POST_ONLY,
    "season:self": POST_ONLY,
    "season:review_item": POST_ONLY,
    "season:adjust": POST_ONLY,
    "season:answer": POST_ONLY,
    "season:rectify": POST_ONLY,
    "season:file": row(L, N, N, N, 200, 200, 200, 200, 200, 200, N, N),
}


def _period(w: World) -> list:
    return [w.period.year, w.period.quarter]


URLS: dict[str, Callable[[World], str]] = {
    "home": lambda w: reverse("home"),
    "login": lambda w: reverse("login"),
    "profile": lambda w: reverse("profile"),
    "password_change": lambda w: reverse("password_change"),
    "password_reset": lambda w: reverse("password_reset"),
    "password_reset_done": lambda w: reverse("password_reset_done"),
    "password_reset_confirm": lambda w: reverse(
        "password_reset_confirm", kwargs={"uidb64": "MTIz", "token": "set-password"}
    ),
    "password_reset_complete": lambda w: reverse("password_reset_complete"),
    "help": lambda w: reverse("help"),
    "search": lambda w: reverse("search") + "?q=质量",
    "notices": lambda w: reverse("notices"),
    "notice_open": lambda w: reverse("notice_open", args=[1]),
    "notices_read_all": lambda w: reverse("notices_read_all"),
    "logout": lambda w: reverse("logout"),
    "targets:document_list": lambda w: reverse("targets:document_list"),
    "targets:document_detail": lambda w: reverse("targets:document_detail", args=[w.document.pk]),
    "targets:draft_new": lambda w: reverse("targets:draft_new"),
    "targets:draft_review": lambda w: reverse("targets:draft_review", args=[w.draft.pk]),
    "targets:carry_forward": lambda w: reverse("targets:carry_forward", args=[w.document.pk]),
    "targets:draft_discard": lambda w: reverse("targets:draft_discard", args=[w.draft.pk]),
    "assessments:my_submissions": lambda w: reverse("assessments:my_submissions"),
    "assessments:entry": lambda w: reverse("assessments:entry", args=[GUSHAN, *_period(w)]),
    "assessments:submission_detail": lambda w: reverse(
        "assessments:submission_detail", args=[w.submission.pk]
    ),
    "assessments:decide": lambda w: reverse("assessments:decide", args=[w.submission.pk]),
    "assessments:check_figures": lambda w: reverse(
        "assessments:check_figures", args=[GUSHAN, *_period(w)]
    ),
    "assessments:attach_files": lambda w: reverse(
        "assessments:attach_files", args=[w.submission.pk]
    ),
    "assessments:submission_file": lambda w: reverse(
        "assessments:submission_file", args=[w.submission_file.pk]
    ),
    "assessments:request_extension": lambda w: reverse(
        "assessments:request_extension", args=[GUSHAN, *_period(w)]
    ),
    "assessments:decide_extension": lambda w: reverse("assessments:decide_extension", args=[1]),
    "assessments:approval_queue": lambda w: reverse("assessments:approval_queue"),
    "assessments:completeness": lambda w: (
        reverse("assessments:completeness") + f"?region={JINAN}&period={w.period.label}"
    ),
    "assessments:reopen": lambda w: reverse("assessments:reopen"),
    "assessments:reference_values": lambda w: reverse("assessments:reference_values"),
    "assessments:link_measure": lambda w: reverse("assessments:link_measure", args=[w.target.pk]),
    "assessments:assessment_runs": lambda w: reverse("assessments:assessment_runs"),
    "assessments:run_status": lambda w: reverse("assessments:run_status", args=[w.run.pk]),
    "assessments:rulebook_results": lambda w: reverse(
        "assessments:rulebook_results", args=[w.rulebook.pk]
    ),
    "assessments:publish": lambda w: reverse("assessments:publish", args=[w.rulebook.pk]),
    "assessments:rulebook_workbook": lambda w: reverse(
        "assessments:rulebook_workbook", args=[w.rulebook.pk]
    ),
    "assessments:rulebook_upload": lambda w: reverse(
        "assessments:rulebook_upload", args=[w.rulebook.pk]
    ),
    "assessments:rulebook_copy": lambda w: reverse(
        "assessments:rulebook_copy", args=[w.rulebook.pk]
    ),
    "assessments:publication": lambda w: reverse(
        "assessments:publication", args=[w.publication.pk]
    ),
    "assessments:excel_template": lambda w: reverse("assessments:excel_template", args=_period(w)),
    "assessments:excel_upload": lambda w: reverse("assessments:excel_upload", args=_period(w)),
    "workspace:home": lambda w: reverse("workspace:home"),
    "workspace:department": lambda w: reverse("workspace:department", args=[w.department.pk]),
    "workspace:item": lambda w: reverse("workspace:item", args=["task", w.task.pk]),
    "workspace:evidence": lambda w: reverse("workspace:evidence", args=[w.evidence.pk]),
    "workspace:exports": lambda w: reverse("workspace:exports"),
    "workspace:rankings": lambda w: reverse("workspace:rankings", args=[w.rulebook.pk]),
    "workspace:briefing": lambda w: reverse("workspace:briefing") + f"?region={JINAN}",
    "workspace:briefing_docx": lambda w: reverse("workspace:briefing_docx") + f"?region={JINAN}",
    "workspace:completeness_xlsx": lambda w: (
        reverse("workspace:completeness_xlsx") + f"?region={JINAN}&period={w.period.label}"
    ),
    "workspace:progress_xlsx": lambda w: reverse("workspace:progress_xlsx"),
    "workspace:warnings_xlsx": lambda w: reverse("workspace:warnings_xlsx") + "?year=2026",
    "dashboard:home": lambda w: reverse("dashboard:home"),
    "dashboard:region": lambda w: reverse("dashboard:region", args=[JINAN]),
    "dashboard:targets_data": lambda w: reverse("dashboard:targets_data", args=[JINAN]),
    "dashboard:trends_data": lambda w: reverse("dashboard:trends_data", args=[JINAN]),
    "dashboard:ranking_data": lambda w: reverse("dashboard:ranking_data", args=[JINAN]),
    "dashboard:target_status": lambda w: reverse(
        "dashboard:target_status", args=[w.document.pk, w.target.code]
    ),
    "season:index": lambda w: reverse("season:index"),
    "season:open": lambda w: reverse("season:open", args=[w.rulebook.pk]),
    "season:detail": lambda w: reverse("season:detail", args=[w.season.pk]),
    "season:advance": lambda w: reverse("season:advance", args=[w.season.pk]),
    "season:review": lambda w: reverse("season:review", args=[w.season.pk]),
    "season:unit": lambda w: reverse("season:unit", args=[w.season_unit.pk]),
    "season:submit": lambda w: reverse("season:submit", args=[w.season_unit.pk]),
    "season:object": lambda w: reverse(
        "season:object", args=[w.season_unit.pk, w.appraisal.item_id]
    ),
    "season:self": lambda w: reverse("season:self", args=[w.appraisal.pk]),
    "season:review_item": lambda w: reverse("season:review_item", args=[w.appraisal.pk]),
    "season:adjust": lambda w: reverse("season:adjust", args=[w.appraisal.pk]),
    "season:answer": lambda w: reverse("season:answer", args=[w.objection.pk]),
    "season:rectify": lambda w: reverse("season:rectify", args=[w.rectification.pk]),
    "season:file": lambda w: reverse("season:file", args=[w.season_file.pk]),
}


def portal_url_names() -> set[str]:
    """The full names (namespace:name) of every URL pattern of the portal, API and admin aside."""
    names = set()

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed: {route}>"
                names.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver().url_patterns, "", None)
    return names


def test_every_url_of_the_portal_has_an_entry():
    names = portal_url_names()
    missing = sorted(names - EXPECTED.keys())
    assert not missing, f"new URL without an entry in EXPECTED: {', '.join(missing)}"
    gone = sorted(EXPECTED.keys() - names)
    assert not gone, f"EXPECTED has entries for URLs that no longer exist: {', '.join(gone)}"
    assert URLS.keys() == EXPECTED.keys()


def test_the_matrix_covers_every_kind_of_user():
    assert all(cells.keys() == set(USERS) for cells in EXPECTED.values())


def _shown_references(html: str) -> list[str]:
    """The reference values (by their source) that a page shows."""
    sources = ReferenceValue.objects.values_list("source", flat=True)
    return sorted(source for source in sources if source in html)


def _location(response) -> str:
    return urlsplit(response.get("Location", "")).path


def check(response, expected, description: str) -> None:
    status, location = response.status_code, _location(response)
    got = f"{status} {location}".strip()
    if expected == LOGIN:
        assert status == 302 and location == reverse("login"), (
            f"{description}: expected a redirect to the login page, got {got}"
        )
    elif isinstance(expected, str) and expected.startswith("/"):
        assert status == 302 and location == expected, (
            f"{description}: expected a redirect to {expected}, got {got}"
        )
    elif expected == NOTHING:
        assert status == 200, f"{description}: expected 200 showing nothing, got {got}"
        shown = _shown_references(response.content.decode())
        assert not shown, f"{description}: a user who may see nothing sees {shown}"
    else:
        assert status == expected, f"{description}: expected {expected}, got {got}"


CELLS = [(name, who) for name in EXPECTED for who in USERS]


@pytest.mark.parametrize(("name", "who"), CELLS, ids=[f"{n}-{w}" for n, w in CELLS])
def test_page_access(world, name, who):
    url = URLS[name](world)
    response = world.client(who).get(url)
    check(response, EXPECTED[name][who], f"{who} GET {url} ({name})")


# --- The audit trail: the page shows it exactly to those the API gives it to -------------------

AUDIT_TABLE = re.compile(r"<table\b[^>]*\bclass=\"[^\"]*\baudit\b[^\"]*\"[^>]*>(.*?)</table>", re.S)
ROW = re.compile(r"<tr\b.*?</tr>", re.S)


def audit_rows(html: str) -> int:
    """How many entries of the audit trail (修改记录) a submission's page lists."""
    rows = 0
    for table in AUDIT_TABLE.findall(html):
        body = table.split("<tbody>", 1)[-1]
        rows += sum(1 for tr in ROW.findall(body) if 'class="empty"' not in tr)
    return rows


AUDIT_USERS = [
    "anonymous",
    "no_role",
    "town",
    "district",
    "district_office",
    "city_office",
    "province_office",
    "department",  # it once read the trail on the page while the API refused it
    "other_department",
    "superuser",
    "baodi_official",
    "baodi_office",
]


@pytest.mark.parametrize("who", AUDIT_USERS)
def test_the_page_shows_the_audit_trail_exactly_when_the_api_returns_it(world, who):
    assert set(AUDIT_USERS) == set(USERS)
    client = world.client(who)
    pk = world.submission.pk
    page = client.get(reverse("assessments:submission_detail", args=[pk]))
    api = client.get(reverse("api:submission-audit", args=[pk]))
    on_page = page.status_code == 200 and audit_rows(page.content.decode()) > 0
    from_api = api.status_code == 200 and bool(api.json()["results"])
    assert on_page == from_api, (
        f"{who}: the submission page {'shows' if on_page else 'hides'} the audit trail "
        f"(page {page.status_code}, {audit_rows(page.content.decode())} entries) but the API "
        f"{'returns' if from_api else 'refuses'} it ({api.status_code})"
    )


def test_the_audit_trail_is_there_to_be_shown(world):
    """The comparison above means something: the trail has entries, the page lists them all."""
    page = world.client("district_office").get(
        reverse("assessments:submission_detail", args=[world.submission.pk])
    )
    assert audit_rows(page.content.decode()) == len(page.context["audit"]) > 0


# --- Reference values: each user reads those of the regions of their own line -----------------

REFERENCES_SEEN = {
    "town": {PROVINCE},
    "district": {PROVINCE},
    "district_office": {PROVINCE},
    "city_office": {PROVINCE},
    "province_office": {PROVINCE},
    "department": {PROVINCE},
    "other_department": {PROVINCE},
    "superuser": {PROVINCE, TIANJIN},
    "baodi_official": {TIANJIN},
    "baodi_office": {TIANJIN},
}  # the user without a role: NOTHING in the matrix


@pytest.mark.parametrize("who", sorted(REFERENCES_SEEN))
def test_reference_values_are_those_of_the_users_line(world, who):
    assert set(REFERENCES_SEEN) | {"anonymous", "no_role"} == set(SIGNED_IN) | {"anonymous"}
    page = world.client(who).get(reverse("assessments:reference_values"))
    assert page.status_code == 200
    shown = {code for code, source in REFERENCE_SOURCES.items() if source in page.content.decode()}
    assert shown == REFERENCES_SEEN[who]
