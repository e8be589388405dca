"""The REST API: the reporting flow with token authentication, and who may do what.

The access matrix covers every endpoint (lists, details and actions) for every kind of user
around 晋安区: nobody succeeds outside their scope, an object outside it is not found (404),
a visible object the user may not act on is forbidden (403), anonymous requests get 401, and
lists hold only in-scope rows.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.models import AuditEntry, Period, Rulebook, Status, Submission
from assessments.reporting import selectors, services
from portal import periods
from portal.models import Department, Region, Role
from targets.models import PolicyDocument, Target

pytestmark = pytest.mark.django_db

FUZHOU, JINAN, GUSHAN, XINDIAN, BAODI = "350100", "350111", "350111100", "350111101", "120115"
API = "/api/v1"
PASSWORD = "correct-horse-battery"  # tests/conftest.py make_user


@pytest.fixture
def period(db):
    """A quarter whose entry window is open today."""
    today = periods.today()
    return Period.objects.create(
        year=2090,
        quarter=1,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=5),
    )


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def full_figures(code: str) -> dict[str, str]:
    """A valid figure for every element the region enters (equal figures satisfy every a ≤ b)."""
    return {e.code: "10" for e in selectors.elements_for_region(region(code))}


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# --- The reporting flow ------------------------------------------------------------------------


def test_the_reporting_flow_through_the_api_with_token_auth(make_user, period):
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="jinan")
    make_user(role=Role.OFFICE, region=JINAN, username="jinan-office")

    def login(username: str) -> APIClient:
        response = APIClient().post(
            f"{API}/auth/token/", {"username": username, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200, response.content
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    town, district, office = login("gushan"), login("jinan"), login("jinan-office")
    figures = full_figures(GUSHAN)

    opened = town.post(
        f"{API}/submissions/open/",
        {"region_code": GUSHAN, "year": 2090, "quarter": 1},
        format="json",
    )
    assert opened.status_code == 200, opened.content
    sid = opened.json()["id"]
    assert (opened.json()["status"], opened.json()["version"]) == ("draft", 1)
    again = town.post(
        f"{API}/submissions/open/",
        {"region_code": GUSHAN, "year": 2090, "quarter": 1},
        format="json",
    )
    assert again.json()["id"] == sid  # open-or-get

    saved = town.put(
        f"{API}/submissions/{sid}/figures/", {"version": 1, "figures": figures}, format="json"
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["submission"]["version"] == 2
    assert saved.json()["changed"] == len(figures)

    # The district official loaded version 1 too: their save is refused and loses nothing.
    stale = district.patch(
        f"{API}/submissions/{sid}/figures/",
        {"version": 1, "figures": {"nat_sampled": "999"}},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert "第 1 版" in stale.json()["detail"] and "第 2 版" in stale.json()["detail"]
    current = town.get(f"{API}/submissions/{sid}/").json()
    values = {v["element"]: v["value"] for v in current["values"]}
    assert current["version"] == 2 and values == figures

    # PATCH changes only what it names and keeps the other figures and comments.
    patched = district.patch(
        f"{API}/submissions/{sid}/figures/",
        {"version": 2, "figures": {"nat_sampled": "12"}, "comments": {"nat_sampled": "补录"}},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    values = {v["element"]: v for v in patched.json()["submission"]["values"]}
    assert values["nat_sampled"]["value"] == "12" and values["nat_sampled"]["comment"] == "补录"
    assert values["prov_sampled"]["value"] == "10" and len(values) == len(figures)

    invalid = town.patch(
        f"{API}/submissions/{sid}/figures/",
        {"version": 3, "figures": {"nat_qualified": "13"}},
        format="json",
    )
    assert invalid.status_code == 400
    assert invalid.json()["code"] == "invalid_figures"
    assert [(i["element"], i["level"]) for i in invalid.json()["issues"]] == [
        ("nat_qualified", "error")
    ]

    submitted = town.post(f"{API}/submissions/{sid}/submit/", {"version": 3}, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    refused = town.patch(
        f"{API}/submissions/{sid}/figures/",
        {"version": 4, "figures": {"nat_sampled": "1"}},
        format="json",
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_state")

    queue = office.get(f"{API}/approval-queue/").json()["results"]
    assert [row["id"] for row in queue] == [sid]
    approved = office.post(f"{API}/submissions/{sid}/approve/", {"version": 4}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["is_locked"]

    locked = town.patch(
        f"{API}/submissions/{sid}/figures/",
        {"version": 5, "figures": {"nat_sampled": "1"}},
        format="json",
    )
    assert (locked.status_code, locked.json()["code"]) == (409, "invalid_state")
    assert "锁定" in locked.json()["detail"]

    no_reason = office.post(f"{API}/submissions/{sid}/unlock/", {"reason": "  "}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    unlocked = office.post(
        f"{API}/submissions/{sid}/unlock/",
        {"reason": "食品抽查批次录错", "version": 5},
        format="json",
    )
    assert unlocked.status_code == 200, unlocked.content
    assert unlocked.json()["status"] == "returned"
    assert "食品抽查批次录错" in unlocked.json()["return_reason"]

    corrected = town.patch(
        f"{API}/submissions/{sid}/figures/",
        {"version": 6, "figures": {"food_qualified": "9"}},
        format="json",
    )
    assert corrected.status_code == 200, corrected.content

    audit = town.get(f"{API}/submissions/{sid}/audit/").json()["results"]
    actions = [(e["action"], e["new"]) for e in audit if e["action"] != "value"]
    assert actions == [
        ("status", "submitted"),
        ("status", "approved"),
        ("lock", "locked"),
        ("unlock", ""),
        ("status", "returned"),
    ]
    assert {e["source"] for e in audit} == {"api"}
    assert AuditEntry.objects.filter(submission_id=sid, source="api").count() == len(audit)


def test_a_token_needs_the_right_password(make_user):
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    wrong = APIClient().post(
        f"{API}/auth/token/", {"username": "gushan", "password": "nope"}, format="json"
    )
    assert wrong.status_code == 400 and "token" not in wrong.json()
    missing = APIClient().post(f"{API}/auth/token/", {"username": "gushan"}, format="json")
    assert missing.status_code == 400
    assert not Token.objects.exists()


def test_a_locked_out_user_cannot_get_a_token(make_user, settings):
    user = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            f"{API}/auth/token/", {"username": "gushan", "password": "guess"}, format="json"
        )
    locked = client.post(
        f"{API}/auth/token/", {"username": "gushan", "password": PASSWORD}, format="json"
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out" and "token" not in locked.json()
    assert not Token.objects.filter(user=user).exists()
    # The same lock holds on the login page: the throttle is one, whichever door is used.
    page = client.post("/login/", {"username": "gushan", "password": PASSWORD})
    assert page.status_code == 429


def test_the_session_of_the_pages_works_and_writes_need_its_csrf_token(make_user, period):
    user = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(f"{API}/regions/").status_code == 200
    body = {"region_code": GUSHAN, "year": 2090, "quarter": 1}
    response = client.post(f"{API}/submissions/open/", body, format="json")
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_an_import_is_all_or_nothing_and_names_every_problem(make_user, period):
    official = make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="jinan")
    client = client_for(official)
    rows = [
        {"region_code": GUSHAN, "element_code": "nat_sampled", "value": "40"},
        {"region_code": GUSHAN, "element_code": "nat_qualified", "value": "41"},  # > sampled
        {"region_code": XINDIAN, "element_code": "no_such_element", "value": "1"},
        {"region_code": BAODI, "element_code": "nat_sampled", "value": "1"},  # out of scope
        {"region_code": "999999", "element_code": "nat_sampled", "value": "1"},
    ]
    rejected = client.post(f"{API}/import/2090/1/", rows, format="json")
    assert rejected.status_code == 400
    body = rejected.json()
    assert body["code"] == "import_rejected"
    assert sorted(p["row"] for p in body["problems"]) == [2, 3, 4, 5]
    by_row = {p["row"]: p for p in body["problems"]}
    assert by_row[4]["message"] == f"区划代码“{BAODI}”不存在"  # not found, as anywhere else
    assert "宝坻" not in str(body)
    assert not Submission.objects.exists()

    good = [
        {"region_code": GUSHAN, "element_code": "nat_sampled", "value": "40"},
        {"region_code": GUSHAN, "element_code": "nat_qualified", "value": "38", "comment": "x"},
        {"region_code": XINDIAN, "element_code": "nat_sampled", "value": 12},
    ]
    imported = client.post(f"{API}/import/2090/1/", good, format="json")
    assert imported.status_code == 200, imported.content
    result = imported.json()
    assert (result["rows"], result["submissions"], result["changed"]) == (3, 2, 3)
    assert set(AuditEntry.objects.values_list("source", flat=True)) == {"api"}
    assert client.post(f"{API}/import/2091/1/", good, format="json").status_code == 404
    assert client.post(f"{API}/import/2090/1/", [], format="json").status_code == 400


def test_figures_of_elements_the_region_does_not_enter_are_refused(make_user, period):
    official = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    client = client_for(official)
    sid = client.post(
        f"{API}/submissions/open/",
        {"region_code": GUSHAN, "year": 2090, "quarter": 1},
        format="json",
    ).json()["id"]
    response = client.put(
        f"{API}/submissions/{sid}/figures/",
        {"version": 1, "figures": {"nat_sampled": "3", "works_completed": "2"}},
        format="json",
    )
    assert response.status_code == 400
    assert [i["element"] for i in response.json()["issues"]] == ["works_completed"]
    assert Submission.objects.get(pk=sid).version == 1


@pytest.mark.parametrize(
    "raw",
    [
        b'{"version": 1, "figures": {"nat_sampled": true}}',
        b'{"version": 1, "figures": {"nat_sampled": [1]}}',
        b'{"version": 1, "figures": {"nat_sampled": 1e400}}',
        b'{"version": 1, "figures": {"nat_sampled": NaN}}',
        b'{"version": 1, "figures": {"nat_sampled": "1\\u0000"}}',
        b'{"version": 99999999999, "figures": {}}',
        b'{"version": 1, "figures": []}',
        b"[]",
        b"not json",
    ],
)
def test_malformed_figures_are_refused_and_change_nothing(make_user, period, raw):
    official = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    submission = services.open_submission(user=official, region=region(GUSHAN), period=period)
    response = client_for(official).generic(
        "PUT", f"{API}/submissions/{submission.pk}/figures/", raw, "application/json"
    )
    assert response.status_code == 400, response.content
    submission.refresh_from_db()
    assert submission.version == 1 and not submission.values.exists()


def test_filters_narrow_submissions_and_targets(make_user, period):
    official = make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="jinan")
    for code in (GUSHAN, XINDIAN):
        submission = services.open_submission(user=official, region=region(code), period=period)
        services.save_figures(
            user=official, submission=submission, version=1, figures=full_figures(code)
        )
    services.submit(
        user=official, submission=Submission.objects.get(region__code=GUSHAN), version=2
    )
    client = client_for(official)

    def codes(query: str) -> list[str]:
        response = client.get(f"{API}/submissions/?{query}")
        assert response.status_code == 200, response.content
        return [row["region"]["code"] for row in response.json()["results"]]

    assert codes("status=submitted") == [GUSHAN]
    assert codes(f"region={XINDIAN}") == [XINDIAN]
    assert codes("year=2090&quarter=1") == [GUSHAN, XINDIAN]
    assert codes("year=2091") == []
    assert codes(f"under={JINAN}") == [GUSHAN, XINDIAN]
    assert codes(f"under={BAODI}") == []
    assert client.get(f"{API}/submissions/?status=nonsense").status_code == 400

    def targets(query: str) -> set[str]:
        response = client.get(f"{API}/targets/?{query}")
        assert response.status_code == 200, response.content
        return {f"{row['document']['key']}:{row['code']}" for row in response.json()["results"]}

    jinan = targets("document=jinan-2012")
    assert len(jinan) == Target.objects.filter(document__key="jinan-2012").count() == 11
    assert targets("document=baodi-2010") == set()  # outside the user's scope
    aspirational = targets("document=jinan-2012&aspirational=true")
    assert aspirational and aspirational < jinan
    assert targets("kind=relative") == {"jinan-2012:T01", "jinan-2012:T02"}


def test_a_department_reads_only_the_figures_of_its_targets(make_user, period):
    official = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    department = make_user(
        role=Role.DEPARTMENT, department="350111:市质监局直属二分局", username="dept"
    )
    submission = services.open_submission(user=official, region=region(GUSHAN), period=period)
    services.save_figures(
        user=official, submission=submission, version=1, figures=full_figures(GUSHAN)
    )
    detail = client_for(department).get(f"{API}/submissions/{submission.pk}/").json()
    codes = {v["element"] for v in detail["values"]}
    allowed = set(selectors.elements_for(user=department).values_list("code", flat=True))
    assert codes and codes <= allowed
    assert "prov_sampled" in codes and "nat_qualified" in codes
    assert "ent_sampled" not in codes and "satisfaction_score" not in codes
    elements = client_for(department).get(f"{API}/elements/").json()["results"]
    assert {e["code"] for e in elements} == allowed
    indicators = client_for(department).get(f"{API}/indicators/").json()["results"]
    assert "prov_pass_rate" in {i["code"] for i in indicators}
    assert "ent_pass_rate" not in {i["code"] for i in indicators}


def test_completeness_counts_the_regions_below(make_user, period):
    official = make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="jinan")
    submission = services.open_submission(user=official, region=region(GUSHAN), period=period)
    services.save_figures(
        user=official, submission=submission, version=1, figures=full_figures(GUSHAN)
    )
    services.submit(user=official, submission=submission, version=2)
    report = client_for(official).get(f"{API}/completeness/{JINAN}/2090/1/").json()
    expected = selectors.expected_regions(region(JINAN)).count()
    assert report["expected"] == len(report["rows"]) == expected
    assert (report["received"], report["on_time"], report["late"]) == (1, 1, 0)
    assert report["missing"] == expected - 1
    state = {row["region"]["code"]: row for row in report["rows"]}
    assert state[GUSHAN]["state"] == "on_time" and state[GUSHAN]["submission"] == submission.pk
    assert state[XINDIAN]["submission"] is None
    assert client_for(official).get(f"{API}/completeness/{JINAN}/2091/1/").status_code == 404


def test_a_document_detail_nests_its_targets_and_tasks(make_user):
    official = make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="jinan")
    document = PolicyDocument.objects.get(key="jinan-2012")
    detail = client_for(official).get(f"{API}/documents/{document.pk}/").json()
    assert detail["doc_number"] == "榕晋政〔2012〕5号"
    assert [t["code"] for t in detail["targets"]][:3] == ["T01", "T02", "T03"]
    assert detail["targets"][2]["requirement"] == "≥ 93%"
    assert len(detail["tasks"]) == document.tasks.count()


# --- The access matrix -------------------------------------------------------------------------

USERS = [
    "town",  # 鼓山镇 official: the town's own official
    "district",  # 晋安区 official: the district's own official, above the town
    "sibling",  # 新店镇 official: a sibling town
    "jinan_office",  # 晋安区 office: the parent office of the town data
    "city_office",  # 福州市 office: the parent office of the district data
    "baodi",  # 宝坻区 official: another province
    "department",  # 市质监局直属二分局 of 晋安区
    "anonymous",
]


@dataclass
class World:
    period: Period
    users: dict
    objects: dict = field(default_factory=dict)

    def submission(self, spec: str) -> Submission:
        """A submission in a state, e.g. "town:draft" or "district:approved", built through the
        services as users would build it (and built once per test)."""
        if spec in self.objects:
            return self.objects[spec]
        who, state = spec.split(":")
        code = {"town": GUSHAN, "district": JINAN, "sibling": XINDIAN, "baodi": BAODI}[who]
        official = self.users["baodi" if who == "baodi" else "district"]
        submission = services.open_submission(
            user=official, region=region(code), period=self.period
        )
        services.save_figures(
            user=official, submission=submission, version=1, figures=full_figures(code)
        )
        if state in {"submitted", "approved"}:
            services.submit(user=official, submission=submission, version=2)
        if state == "approved" and who == "town":
            services.approve(user=self.users["jinan_office"], submission=submission)
        elif state == "approved":
            # A district is approved after all its towns; the set-up takes the short cut.
            Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED)
        self.objects[spec] = Submission.objects.get(pk=submission.pk)
        return self.objects[spec]


@pytest.fixture
def world(make_user, period):
    users = {
        "town": make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="town"),
        "district": make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="district"),
        "sibling": make_user(role=Role.REGION_OFFICIAL, region=XINDIAN, username="sibling"),
        "jinan_office": make_user(role=Role.OFFICE, region=JINAN, username="jinan_office"),
        "city_office": make_user(role=Role.OFFICE, region=FUZHOU, username="city_office"),
        "baodi": make_user(role=Role.REGION_OFFICIAL, region=BAODI, username="baodi"),
        "department": make_user(
            role=Role.DEPARTMENT, department="350111:市质监局直属二分局", username="department"
        ),
        "anonymous": None,
    }
    return World(period=period, users=users)


def statuses(*codes: int) -> dict[str, int]:
    assert len(codes) == len(USERS)
    return dict(zip(USERS, codes, strict=True))


ALL_READ = statuses(200, 200, 200, 200, 200, 200, 200, 401)
SEES_TOWN = statuses(200, 200, 404, 200, 200, 404, 200, 401)
SEES_DISTRICT = statuses(404, 200, 404, 200, 200, 404, 200, 401)
FUJIAN_ONLY = statuses(200, 200, 200, 200, 200, 404, 200, 401)
BAODI_ONLY = statuses(404, 404, 404, 404, 404, 200, 404, 401)
NOT_FOR_DEPARTMENT = statuses(200, 200, 200, 200, 200, 200, 404, 401)
AUDIT_TOWN = statuses(200, 200, 404, 200, 200, 404, 403, 401)
AUDIT_DISTRICT = statuses(404, 200, 404, 200, 200, 404, 403, 401)
ENTER_TOWN = statuses(200, 200, 404, 403, 403, 404, 403, 401)
ENTER_DISTRICT = statuses(404, 200, 404, 403, 403, 404, 403, 401)
# Only the office directly above decides: the 福州市 office sees a town's figures but may not
# skip the 晋安区 office.
DECIDE_TOWN = statuses(403, 403, 404, 200, 403, 404, 403, 401)
DECIDE_DISTRICT = statuses(404, 403, 404, 403, 200, 404, 403, 401)
# The city office may decide on the district, but not before every town below is approved.
APPROVE_DISTRICT = statuses(404, 403, 404, 403, 409, 404, 403, 401)
IMPORT_TOWN = statuses(200, 200, 400, 400, 400, 400, 400, 401)
IMPORT_DISTRICT = statuses(400, 200, 400, 400, 400, 400, 400, 401)
OFFICES_OF_JINAN = statuses(404, 404, 404, 200, 200, 404, 404, 401)
PUBLISH_JINAN = statuses(404, 404, 404, 409, 403, 404, 404, 401)


def _jinan_rulebook(world) -> int:
    return Rulebook.objects.get(scope__code=JINAN, year=2026, is_current=True).pk


def _document(key):
    return lambda w: PolicyDocument.objects.get(key=key).pk


def _target(key):
    return lambda w: Target.objects.get(document__key=key, code="T01").pk


def _department(w):
    return Department.objects.get(region__code=JINAN, short_name="市质监局直属二分局").pk


def _sub(spec):
    return lambda w: w.submission(spec).pk


def _version(spec, **extra):
    return lambda w: {"version": w.submission(spec).version, **extra}


def _figures(spec, full=False):
    def body(w):
        submission = w.submission(spec)
        figures = full_figures(submission.region.code)
        if not full:
            figures = dict(list(figures.items())[:1])
        return {"version": submission.version, "figures": figures}

    return body


def _open(code):
    return lambda w: {"region_code": code, "year": w.period.year, "quarter": w.period.quarter}


def _import(code, element):
    return lambda w: [{"region_code": code, "element_code": element, "value": "5"}]


@dataclass
class Endpoint:
    name: str
    method: str
    path: str  # formatted with {obj} (from `obj`) and {year}, {quarter}
    expected: dict[str, int]
    obj: object = None  # World -> the path's object
    body: object = None  # World -> the request body
    subject: str | None = None  # a submission the request must leave alone unless it succeeds
    lists: bool = False  # a list: every row must be in the user's scope (see _in_scope)
    setup: tuple[str, ...] = ()  # submissions that exist before the request


SUBMISSIONS_IN_LIST = ("town:submitted", "district:draft", "sibling:draft", "baodi:draft")

ENDPOINTS = [
    Endpoint("regions-list", "get", "/regions/", ALL_READ, lists=True),
    Endpoint("regions-town", "get", f"/regions/{GUSHAN}/", SEES_TOWN),
    Endpoint("regions-district", "get", f"/regions/{JINAN}/", SEES_DISTRICT),
    Endpoint("departments-list", "get", "/departments/", ALL_READ, lists=True),
    Endpoint("departments-detail", "get", "/departments/{obj}/", SEES_DISTRICT, obj=_department),
    Endpoint("documents-list", "get", "/documents/", ALL_READ, lists=True),
    Endpoint("documents-jinan", "get", "/documents/{obj}/", FUJIAN_ONLY,
             obj=_document("jinan-2012")),
    Endpoint("documents-baodi", "get", "/documents/{obj}/", BAODI_ONLY,
             obj=_document("baodi-2010")),
    Endpoint("targets-list", "get", "/targets/", ALL_READ, lists=True),
    Endpoint("targets-jinan", "get", "/targets/{obj}/", FUJIAN_ONLY, obj=_target("jinan-2012")),
    Endpoint("targets-baodi", "get", "/targets/{obj}/", BAODI_ONLY, obj=_target("baodi-2010")),
    Endpoint("elements-list", "get", "/elements/", ALL_READ, lists=True),
    Endpoint("elements-measured", "get", "/elements/prov_sampled/", ALL_READ),
    Endpoint("elements-other", "get", "/elements/ent_sampled/", NOT_FOR_DEPARTMENT),
    Endpoint("indicators-list", "get", "/indicators/", ALL_READ, lists=True),
    Endpoint("indicators-measured", "get", "/indicators/prov_pass_rate/", ALL_READ),
    Endpoint("indicators-other", "get", "/indicators/ent_pass_rate/", NOT_FOR_DEPARTMENT),
    Endpoint("periods-list", "get", "/periods/", ALL_READ, lists=True),
    Endpoint("periods-detail", "get", "/periods/{obj}/", ALL_READ, obj=lambda w: w.period.pk),
    Endpoint("submissions-list", "get", "/submissions/", ALL_READ, lists=True,
             setup=SUBMISSIONS_IN_LIST),
    Endpoint("submissions-town", "get", "/submissions/{obj}/", SEES_TOWN,
             obj=_sub("town:submitted")),
    Endpoint("submissions-district", "get", "/submissions/{obj}/", SEES_DISTRICT,
             obj=_sub("district:draft")),
    Endpoint("audit-town", "get", "/submissions/{obj}/audit/", AUDIT_TOWN,
             obj=_sub("town:submitted")),
    Endpoint("audit-district", "get", "/submissions/{obj}/audit/", AUDIT_DISTRICT,
             obj=_sub("district:draft")),
    Endpoint("completeness-district", "get", f"/completeness/{JINAN}/{{year}}/{{quarter}}/",
             SEES_DISTRICT, setup=("town:submitted",)),
    Endpoint("completeness-town", "get", f"/completeness/{GUSHAN}/{{year}}/{{quarter}}/",
             SEES_TOWN),
    Endpoint("approval-queue", "get", "/approval-queue/", ALL_READ, lists=True,
             setup=("town:submitted", "sibling:submitted", "baodi:submitted")),
    Endpoint("open-town", "post", "/submissions/open/", ENTER_TOWN, body=_open(GUSHAN)),
    Endpoint("open-district", "post", "/submissions/open/", ENTER_DISTRICT, body=_open(JINAN)),
    Endpoint("figures-patch-town", "patch", "/submissions/{obj}/figures/", ENTER_TOWN,
             obj=_sub("town:draft"), body=_figures("town:draft"), subject="town:draft"),
    Endpoint("figures-put-town", "put", "/submissions/{obj}/figures/", ENTER_TOWN,
             obj=_sub("town:draft"), body=_figures("town:draft", full=True),
             subject="town:draft"),
    Endpoint("figures-patch-district", "patch", "/submissions/{obj}/figures/", ENTER_DISTRICT,
             obj=_sub("district:draft"), body=_figures("district:draft"),
             subject="district:draft"),
    Endpoint("figures-put-district", "put", "/submissions/{obj}/figures/", ENTER_DISTRICT,
             obj=_sub("district:draft"), body=_figures("district:draft", full=True),
             subject="district:draft"),
    Endpoint("submit-town", "post", "/submissions/{obj}/submit/", ENTER_TOWN,
             obj=_sub("town:draft"), body=_version("town:draft"), subject="town:draft"),
    Endpoint("submit-district", "post", "/submissions/{obj}/submit/", ENTER_DISTRICT,
             obj=_sub("district:draft"), body=_version("district:draft"),
             subject="district:draft"),
    Endpoint("approve-town", "post", "/submissions/{obj}/approve/", DECIDE_TOWN,
             obj=_sub("town:submitted"), body=_version("town:submitted"),
             subject="town:submitted"),
    Endpoint("approve-district", "post", "/submissions/{obj}/approve/", APPROVE_DISTRICT,
             obj=_sub("district:submitted"), body=_version("district:submitted"),
             subject="district:submitted"),
    Endpoint("return-town", "post", "/submissions/{obj}/return/", DECIDE_TOWN,
             obj=_sub("town:submitted"), body=_version("town:submitted", reason="缺说明"),
             subject="town:submitted"),
    Endpoint("return-district", "post", "/submissions/{obj}/return/", DECIDE_DISTRICT,
             obj=_sub("district:submitted"),
             body=_version("district:submitted", reason="缺说明"), subject="district:submitted"),
    Endpoint("unlock-town", "post", "/submissions/{obj}/unlock/", DECIDE_TOWN,
             obj=_sub("town:approved"), body=_version("town:approved", reason="录错"),
             subject="town:approved"),
    Endpoint("unlock-district", "post", "/submissions/{obj}/unlock/", DECIDE_DISTRICT,
             obj=_sub("district:approved"), body=_version("district:approved", reason="录错"),
             subject="district:approved"),
    Endpoint("import-town", "post", "/import/{year}/{quarter}/", IMPORT_TOWN,
             body=_import(GUSHAN, "nat_sampled")),
    Endpoint("import-district", "post", "/import/{year}/{quarter}/", IMPORT_DISTRICT,
             body=_import(JINAN, "works_completed")),
    # Results are read as exports are (offices, their region and below); only the rulebook's
    # own office publishes — here refused (409) because the rulebook has no results yet.
    Endpoint("publications-list", "get", "/publications/", ALL_READ, lists=True),
    Endpoint("rulebook-results", "get", "/rulebooks/{obj}/results/", OFFICES_OF_JINAN,
             obj=_jinan_rulebook),
    Endpoint("rulebook-publish", "post", "/rulebooks/{obj}/publish/", PUBLISH_JINAN,
             obj=_jinan_rulebook, body=lambda w: {"confirm_flags": True}),
]  # fmt: skip


def home_region(user):
    """The region a test user belongs to (a department: its government's), written out here
    so the test does not read it from the gate it checks."""
    return user.department.region if user.department_id else user.region


def _in_scope(name: str, user, row: dict) -> bool:
    """Whether a row of a list may be shown to the user, judged from the row itself."""
    anchor = home_region(user)
    if name in {"regions-list", "departments-list", "submissions-list", "approval-queue"}:
        code = row["code"] if name == "regions-list" else row["region"]["code"]
        return region(code).is_within(anchor)
    if name in {"documents-list", "targets-list"}:
        key = row["key"] if name == "documents-list" else row["document"]["key"]
        governed = PolicyDocument.objects.get(key=key).region
        return governed.is_within(anchor) or anchor.is_within(governed)
    if name in {"elements-list", "indicators-list"} and user.role == Role.DEPARTMENT:
        codes = {row["code"]} if name == "elements-list" else {row["numerator"], row["denominator"]}
        allowed = set(selectors.elements_for(user=user).values_list("code", flat=True))
        return codes - {None} <= allowed
    return True


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access_matrix(world, endpoint, who):
    for spec in endpoint.setup:
        world.submission(spec)
    user = world.users[who]
    path = endpoint.path.format(
        obj=endpoint.obj(world) if endpoint.obj else "",
        year=world.period.year,
        quarter=world.period.quarter,
    )
    before = None
    if endpoint.subject:
        subject = world.submission(endpoint.subject)
        before = (subject.version, subject.status, subject.values.count())
    audit_before = AuditEntry.objects.count()
    submissions_before = Submission.objects.count()
    body = endpoint.body(world) if endpoint.body else None

    response = getattr(client_for(user), endpoint.method)(f"{API}{path}", body, format="json")

    expected = endpoint.expected[who]
    assert response.status_code == expected, (who, endpoint.name, response.content[:300])
    if expected >= 400:
        assert "results" not in response.json() and "values" not in response.json()
        # A refusal changes nothing: no figure, no state, no audit entry, no new submission.
        assert AuditEntry.objects.count() == audit_before
        assert Submission.objects.count() == submissions_before
        if before is not None:
            subject = Submission.objects.get(pk=world.submission(endpoint.subject).pk)
            assert (subject.version, subject.status, subject.values.count()) == before
    if expected == 200 and endpoint.lists:
        rows = response.json()["results"]
        assert all(_in_scope(endpoint.name, user, row) for row in rows), rows
    if who == "department" and endpoint.name in {"submissions-town", "submissions-district"}:
        allowed = set(selectors.elements_for(user=user).values_list("code", flat=True))
        assert {v["element"] for v in response.json()["values"]} <= allowed


# Exactly which rows each user's lists hold (beyond "nothing out of scope" above).
VISIBLE_SUBMISSIONS = {
    "town": {GUSHAN},
    "district": {GUSHAN, XINDIAN, JINAN},
    "sibling": {XINDIAN},
    "jinan_office": {GUSHAN, XINDIAN, JINAN},
    "city_office": {GUSHAN, XINDIAN, JINAN},
    "baodi": {BAODI},
    "department": {GUSHAN, XINDIAN, JINAN},
}
QUEUE = {
    "jinan_office": {GUSHAN, XINDIAN},  # the 福州市 office waits for 晋安区 itself
}


@pytest.mark.parametrize("who", [u for u in USERS if u != "anonymous"])
def test_lists_hold_exactly_the_rows_in_scope(world, who):
    for spec in ("town:submitted", "sibling:submitted", "district:draft", "baodi:submitted"):
        world.submission(spec)
    user = world.users[who]
    client = client_for(user)

    def rows(path: str) -> list[dict]:
        response = client.get(f"{API}{path}")
        assert response.status_code == 200
        return response.json()["results"]

    anchor = home_region(user)
    expected_regions = set(
        Region.objects.filter(path__startswith=anchor.path).values_list("code", flat=True)
    )
    assert {r["code"] for r in rows("/regions/")} == expected_regions
    assert {d["region"]["code"] for d in rows("/departments/")} <= expected_regions
    assert {s["region"]["code"] for s in rows("/submissions/")} == VISIBLE_SUBMISSIONS[who]
    assert {s["region"]["code"] for s in rows("/approval-queue/")} == QUEUE.get(who, set())
    documents = {d["key"] for d in rows("/documents/")}
    assert documents == ({"baodi-2010"} if who == "baodi" else {"jinan-2012", "fujian-2014"})
