"""A page links only what its viewer may open.

For every kind of signed-in user (tests/portal_world.py), the main pages (home, the documents
and every document page the user may read, reporting, dashboard, workspace) are opened, every
link inside the portal they hold is followed once (one level, each address once), and none may
answer 404 (a link to something outside the user's scope) or 500. Downloads (.xlsx, .json) are
fetched like any other address, never parsed.

Known to fail until document pages link only what their reader may open: a document page links
every task and duty to its workspace page (workspace:item), which opens only for the departments
involved and the offices above them, so the officials, the departments not involved, and the
offices below the departments involved (晋安区's and 福州市's for 福建省's tasks) get 404s; a
duty no department holds (宝坻区's （四）, （十九）, （二十）) opens only for an administrator.
"""

import html
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from django.urls import Resolver404, resolve

from targets.models import Duty, PolicyDocument, Target, Task
from tests.portal_world import SIGNED_IN, world_for_module

pytestmark = pytest.mark.django_db

MAIN_PAGES = ("/", "/documents/", "/reporting/", "/dashboard/", "/workspace/")
NOT_FOLLOWED = ("/static/", "/media/", "/admin/", "/logout/", "/i18n/")
BROKEN = {404, 500}
HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from world_for_module(django_db_blocker, tmp_path_factory.mktemp("media"))


def portal_link(href: str, page: str) -> str | None:
    """The address (path and query) a link of ``page`` leads to inside the portal, or None for
    an anchor on the page, another site, a data:/mailto:/javascript: link or an address not
    followed (static files, media, admin, logout, language switch)."""
    href = html.unescape(href).strip()
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    target = urlsplit(urljoin(page, href))
    if not target.path.startswith("/") or target.path.startswith(NOT_FOLLOWED):
        return None
    return urlunsplit(("", "", target.path, target.query, ""))


def label(address: str) -> str:
    """What an address shows, for the failure message: "task （四） of jinan-2012", a document's
    key, or the URL's name."""
    try:
        match = resolve(urlsplit(address).path)
    except Resolver404:
        return "no such URL"
    if match.view_name == "targets:document_detail":
        document = PolicyDocument.objects.filter(pk=match.kwargs["pk"]).first()
        return f"document {document.key}" if document else "no such document"
    if match.view_name == "workspace:item":
        kind, pk = match.kwargs["kind"], match.kwargs["pk"]
        model = {"task": Task, "duty": Duty, "target": Target}.get(kind)
        item = model.objects.filter(pk=pk).select_related("document").first() if model else None
        if item is not None:
            return f"{kind} {item.code} of {item.document.key}"
    return match.view_name


def pages_of(client) -> dict[str, str]:
    """The HTML of each main page the user opens (after the home page's redirect), by address."""
    documents = [f"/documents/{pk}/" for pk in PolicyDocument.objects.values_list("pk", flat=True)]
    pages = {}
    for address in (*MAIN_PAGES, *documents):
        response = client.get(address, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue  # not a page of this user (a 404 by design), so it links nothing
        pages[response.request["PATH_INFO"]] = response.content.decode()
    return pages


@pytest.mark.parametrize("who", SIGNED_IN)
def test_no_link_leads_to_a_page_the_user_cannot_open(world, who):
    client = world.client(who, raise_request_exception=False)
    linked: dict[str, str] = {}  # address -> the first page that links it
    for page, body in pages_of(client).items():
        for quoted in HREF.findall(body):
            address = portal_link(quoted[0] or quoted[1], page)
            if address:
                linked.setdefault(address, page)
    assert linked, f"{who} opens no page with links"
    broken = []
    for address, page in sorted(linked.items()):
        status = client.get(address).status_code
        if status in BROKEN:
            broken.append(f"{status} {address} = {label(address)} (linked from {label(page)})")
    assert not broken, (
        f"{who} is linked to {len(broken)} address(es) it cannot open:\n" + "\n".join(broken)
    )
