"""Document pages: who sees which document, and what the pages show."""

import pytest
from django.urls import reverse

from portal.models import Role
from targets.models import PolicyDocument

pytestmark = pytest.mark.django_db

FUJIAN, JINAN, BAODI = "fujian-2014", "jinan-2012", "baodi-2010"


def doc(key: str) -> PolicyDocument:
    return PolicyDocument.objects.get(key=key)


def test_the_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "用户名" in body and "密码" in body


def test_pages_require_login(client):
    for url in [
        reverse("targets:document_list"),
        reverse("targets:document_detail", args=[doc(JINAN).pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_administrator_sees_the_three_documents_with_their_counts(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("targets:document_list"))
    rows = {
        d.key: (d.target_count, d.task_count, d.duty_count) for d in response.context["documents"]
    }
    assert rows == {FUJIAN: (0, 15, 0), JINAN: (11, 1, 0), BAODI: (8, 0, 20)}


# Who reads which document: the region tree decides (portal.scoping.line_q).
ACCESS = [
    # role, region or department, documents visible
    (Role.OFFICE, {"region": "350111"}, {FUJIAN, JINAN}),
    (Role.REGION_OFFICIAL, {"region": "350111"}, {FUJIAN, JINAN}),
    (Role.OFFICE, {"region": "350000"}, {FUJIAN, JINAN}),
    (Role.OFFICE, {"region": "120000"}, {BAODI}),
    (Role.REGION_OFFICIAL, {"region": "120115"}, {BAODI}),
    (Role.DEPARTMENT, {"department": "350000:省质监局"}, {FUJIAN, JINAN}),
    (Role.DEPARTMENT, {"department": "120115:区质监局"}, {BAODI}),
    ("", {}, set()),
]


@pytest.mark.parametrize(("role", "anchor", "visible"), ACCESS)
def test_each_user_sees_only_the_documents_of_their_line_of_the_tree(
    client, make_user, role, anchor, visible
):
    client.force_login(make_user(role=role, **anchor))
    listed = {d.key for d in client.get(reverse("targets:document_list")).context["documents"]}
    assert listed == visible
    for key in {FUJIAN, JINAN, BAODI}:
        response = client.get(reverse("targets:document_detail", args=[doc(key).pk]))
        assert response.status_code == (200 if key in visible else 404), key


def test_the_document_page_marks_targets_where_they_stand(client, admin_user):
    client.force_login(admin_user)
    document = doc(JINAN)
    response = client.get(reverse("targets:document_detail", args=[document.pk]))
    body = response.content.decode()
    assert "榕晋政〔2012〕5号" in body
    assert 'id="mark-target-' in body
    for target in document.targets.all():
        assert target.indicator in body
    marked = [seg for seg in response.context["segments"] if seg.marks]
    assert any("93" in seg.text for seg in marked)
