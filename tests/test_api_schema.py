"""The OpenAPI schema, its docs page, and a Schemathesis run against the API in-process.

Schemathesis reads /api/schema/ from the WSGI application itself (no server, no network) and
generates requests for every operation, as an office user and as an official, against the test
database's reference data: first with generated path parameters, then with real objects in
scope (a submission, a region, an element, …) so that the actions reach the services. The run
is bounded (a few examples per operation) and deterministic (derandomized, no example database).
It asserts one thing: the API never answers with a server error.
"""

import json
import re
from datetime import timedelta

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from assessments.models import Period
from assessments.reporting import selectors, services
from portal import periods
from portal.models import Region, Role
from portal.wsgi import application
from targets.models import PolicyDocument, Target

pytestmark = pytest.mark.django_db

JINAN, GUSHAN = "350111", "350111100"
MAX_EXAMPLES = 4


def test_the_schema_and_the_docs_are_for_signed_in_users_only(client):
    assert client.get("/api/schema/", {"format": "json"}).status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/login/")


def test_the_schema_is_valid_openapi(client, make_user):
    client.force_login(make_user(role=Role.OFFICE, region=JINAN, username="reader"))
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on anything that is not valid OpenAPI 3
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/regions/",
        "/api/v1/submissions/{id}/figures/",
        "/api/v1/import/{year}/{quarter}/",
        "/api/v1/completeness/{region_code}/{year}/{quarter}/",
    ):
        assert path in paths
    figures = paths["/api/v1/submissions/{id}/figures/"]
    assert {"put", "patch"} <= set(figures)
    assert {"200", "400", "401", "403", "404", "409"} <= set(figures["patch"]["responses"])
    save = schema["components"]["schemas"]["SaveFigures"]
    assert set(save["required"]) >= {"version", "figures"}
    # A PATCH still carries the version it read (optimistic locking): not a "Patched" variant.
    patch_body = figures["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert patch_body == {"$ref": "#/components/schemas/SaveFigures"}
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    # Fields the API returns as null are documented as nullable (a client generated from the
    # schema would otherwise reject real answers).
    components = schema["components"]["schemas"]
    for component, field in [("Submission", "submitted_by"), ("Submission", "decided_by"),
                             ("Element", "weight"), ("Indicator", "denominator"),
                             ("AuditEntry", "element"), ("AuditEntry", "user")]:  # fmt: skip
        assert components[component]["properties"][field].get("nullable"), (component, field)


def test_the_docs_page_is_served_from_local_static_files(client, make_user):
    client.force_login(make_user(role=Role.OFFICE, region=JINAN, username="reader"))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"https?://", html), "the docs page must not load anything remotely"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a local static file"


# --- Schemathesis ------------------------------------------------------------------------------


@pytest.fixture
def in_process_wsgi():
    """Call the WSGI application the way Django's test client does: a real WSGI server closes
    the database connection at the end of each request, which would end the test's transaction
    (on PostgreSQL; SQLite's in-memory test database ignores it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def reference_world(make_user):
    """An open quarter, a district official, the office above the towns, and some data."""
    today = periods.today()
    period = Period.objects.create(
        year=2090,
        quarter=1,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=5),
    )
    official = make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="official")
    office = make_user(role=Role.OFFICE, region=JINAN, username="office")
    town = Region.objects.get(code=GUSHAN)
    figures = {e.code: "10" for e in selectors.elements_for_region(town)}
    submission = services.open_submission(user=official, region=town, period=period)
    services.save_figures(user=official, submission=submission, version=1, figures=figures)
    services.submit(user=official, submission=submission, version=2)
    draft = services.open_submission(
        user=official, region=Region.objects.get(code="350111101"), period=period
    )
    return {
        "official": official,
        "office": office,
        "paths": {
            "id": submission.pk,
            "code": GUSHAN,
            "region_code": JINAN,
            "year": period.year,
            "quarter": period.quarter,
        },
        "objects": {
            "/api/v1/submissions/": submission.pk,
            "/api/v1/documents/": PolicyDocument.objects.get(key="jinan-2012").pk,
            "/api/v1/targets/": Target.objects.filter(document__key="jinan-2012").first().pk,
            "/api/v1/periods/": period.pk,
            "/api/v1/departments/": town.parent.departments.first().pk,
            "/api/v1/elements/": "nat_sampled",
            "/api/v1/indicators/": "prov_pass_rate",
            "/api/v1/regions/": GUSHAN,
        },
        "draft": draft.pk,
    }


def real_path_parameters(world, operation) -> dict:
    """The path parameters of an operation, pointing at real objects in the user's scope."""
    names = {p.name for p in operation.path_parameters}
    values = {}
    for name in names:
        if name in {"id", "code"}:
            prefix = next((p for p in world["objects"] if operation.path.startswith(p)), None)
            if prefix is None:
                continue
            values[name] = world["objects"][prefix]
            if operation.path.endswith("/figures/") or operation.path.endswith("/submit/"):
                values[name] = world["draft"]
        elif name in world["paths"]:
            values[name] = world["paths"][name]
    return values


@pytest.mark.parametrize("who", ["office", "official"])
def test_schemathesis_finds_no_server_error(in_process_wsgi, reference_world, who):
    token = Token.objects.create(user=reference_world[who])
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", in_process_wsgi, headers=headers)
    errors = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:
        real = real_path_parameters(reference_world, operation)
        runs = [(GenerationMode.POSITIVE, {}), (GenerationMode.NEGATIVE, {})]
        if real:
            runs.append((GenerationMode.POSITIVE, real))
        for mode, path_parameters in runs:
            strategy = operation.as_strategy(
                generation_mode=mode, headers=headers, path_parameters=path_parameters or None
            )

            @settings(
                max_examples=MAX_EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def call(case):
                response = case.call()
                if response.status_code >= 500:
                    errors.append(
                        f"{case.method} {case.formatted_path} {case.body!r}"
                        f" -> {response.status_code}"
                    )

            call()
    assert not errors, "\n".join(errors)
