"""The policy-reading screen and command: upload, review, edit, drop, add, accept."""

import io
import json
import re

import docx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from portal.models import Department, Role
from portal.uploads import UploadRejected
from targets import drafting
from targets.models import DocumentDraft, DraftStatus, PolicyDocument

pytestmark = pytest.mark.django_db

JINAN_TEXT = (settings.BASE_DIR / "fixtures" / "policies" / "jinan-2012.txt").read_text()
FUJIAN_TEXT = (settings.BASE_DIR / "fixtures" / "policies" / "fujian-2014.txt").read_text()


@pytest.fixture
def office(make_user):
    return make_user(role=Role.OFFICE, region="350111", username="jinan-office")


def formset_post(response) -> dict:
    """The review page's form as the browser would post it unchanged."""
    data = {}
    for form in [response.context["header"]]:
        for field in form:
            value = field.value()
            data[field.html_name] = "" if value is None else value
    for formset in (response.context["targets"], response.context["tasks"]):
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            for field in form:
                if field.name == "DELETE":
                    continue
                value = field.value()
                if field.name == "aspirational":
                    if value:
                        data[field.html_name] = "on"
                    continue
                data[field.html_name] = "" if value is None else value
    return data


def upload(client, name, content, region="350111"):
    return client.post(
        reverse("targets:draft_new"),
        {"region": _region_pk(region), "upload": SimpleUploadedFile(name, content)},
    )


def _region_pk(code):
    from portal.models import Region

    return Region.objects.get(code=code).pk


def test_upload_edit_drop_add_and_accept(client, office):
    client.force_login(office)
    response = upload(client, "jinan.txt", JINAN_TEXT.encode())
    assert response.status_code == 302
    draft = DocumentDraft.objects.get()
    review = client.get(response.url)
    assert review.status_code == 200
    found = review.context["targets"].initial
    assert len(found) >= 10
    assert "mark-target-0" in review.content.decode()

    data = formset_post(review)
    data["h-title"] = "晋安区关于实施质量强区提升产品质量的意见（审定稿）"
    # Edit one target: 省级监督抽查合格率 93 → 94; drop another; add one by hand.
    provincial = next(
        i for i, t in enumerate(found) if t["indicator"].startswith("省级监督抽查合格率")
    )
    data[f"t-{provincial}-value"] = "94"
    dropped = next(i for i, t in enumerate(found) if "名牌" in t["indicator"])
    data[f"t-{dropped}-DELETE"] = "on"
    added = len(found)
    sentence = "充分发挥行业协会作用，促进产品质量不断提升。"
    data["t-TOTAL_FORMS"] = added + 1
    data |= {
        f"t-{added}-indicator": "行业协会作用",
        f"t-{added}-comparator": ">=",
        f"t-{added}-value": "1",
        f"t-{added}-unit": "个",
        f"t-{added}-kind": "participation",
        f"t-{added}-quote": sentence,
    }
    response = client.post(reverse("targets:draft_review", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = PolicyDocument.objects.get(title__endswith="（审定稿）")
    assert document.region.code == "350111" and document.full_text == JINAN_TEXT
    assert document.targets.count() == len(found)  # one dropped, one added
    assert document.targets.get(indicator__startswith="省级监督抽查合格率").value == 94
    assert not document.targets.filter(indicator=found[dropped]["indicator"]).exists()
    assert document.targets.get(indicator="行业协会作用").quote == sentence
    for target in document.targets.all():
        assert target.quote in JINAN_TEXT
        assert target.section is not None
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ACCEPTED and draft.document == document


def test_a_quote_that_is_not_in_the_text_is_refused(client, office):
    client.force_login(office)
    response = upload(client, "jinan.txt", JINAN_TEXT.encode())
    review = client.get(response.url)
    data = formset_post(review)
    data["t-0-quote"] = "这句话不在文件里。"
    response = client.post(response.url, data)
    assert response.status_code == 400
    assert "原文语句必须是文件中的原句" in response.content.decode()
    assert (
        not PolicyDocument.objects.filter(full_text=JINAN_TEXT).exclude(key="jinan-2012").exists()
    )


def test_tasks_and_new_departments_are_created_on_accept(client, make_user):
    fujian_office = make_user(role=Role.OFFICE, region="350000", username="fj")
    client.force_login(fujian_office)
    response = upload(client, "fujian.txt", FUJIAN_TEXT.encode(), region="350000")
    review = client.get(response.url)
    tasks = review.context["tasks"].initial
    assert len(tasks) == 15
    data = formset_post(review)
    data["k-0-cooperating"] = data["k-0-cooperating"] + "、省新设监管局、各设区市"
    # A unit that matches no department is named, and nothing is created, until the office
    # confirms it; a group of regions (各设区市) is never a department.
    refused = client.post(response.url, data)
    assert refused.status_code == 400
    [problem] = [p for p in refused.context["problems"] if "不在部门名单中" in p]
    assert "省新设监管局" in problem and "各设区市" not in problem
    assert not Department.objects.filter(short_name="省新设监管局").exists()
    data["h-create_departments"] = "on"
    response = client.post(response.url, data)
    assert response.status_code == 302
    document = PolicyDocument.objects.exclude(key="fujian-2014").get(full_text=FUJIAN_TEXT)
    first = document.tasks.get(code="K01")
    leads = [a.department.short_name for a in first.assignments.filter(role="lead")]
    assert leads == ["省食品药品监管局"]
    assert Department.objects.filter(short_name="省新设监管局", region__code="350000").exists()
    # Known departments were matched, not duplicated; groups of regions are not departments.
    assert Department.objects.filter(short_name="省质监局").count() == 1
    assert not Department.objects.filter(short_name__startswith="各").exists()


@pytest.mark.parametrize(
    "name, group",
    [
        ("各乡镇街道", True),
        ("各县（市、区）", True),
        ("各设区市", True),
        ("各有关部门", True),
        ("各成员单位", True),
        ("区质监局", False),
        ("市质监局直属二分局", False),
        ("各级质监部门", True),
    ],
)
def test_groups_of_regions_are_not_departments(name, group):
    assert drafting.is_region_group(name) is group


def test_a_docx_upload_is_read(client, office):
    word = docx.Document()
    for line in JINAN_TEXT.splitlines():
        word.add_paragraph(line)
    buffer = io.BytesIO()
    word.save(buffer)
    client.force_login(office)
    response = upload(client, "jinan.docx", buffer.getvalue())
    assert response.status_code == 302
    assert "省级监督抽查合格率" in DocumentDraft.objects.get().text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"not a pdf at all", "不是有效的 PDF"),
        ("plan.docx", b"PK not really a zip", "不是 Word 文档"),
        ("plan.xls", b"whatever", "只支持"),
        ("plan.txt", b"", "请粘贴文件全文，或上传一个文件"),  # an empty upload is no upload
    ],
)
def test_bad_uploads_get_a_chinese_reason(client, office, name, content, message):
    client.force_login(office)
    response = upload(client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DocumentDraft.objects.exists()


def test_oversize_uploads_are_refused():
    with pytest.raises(UploadRejected, match="文件过大"):
        drafting.extract_text("big.txt", b"x" * (drafting.MAX_UPLOAD + 1))


def test_only_offices_reach_the_screen(client, make_user, office):
    official = make_user(role=Role.REGION_OFFICIAL, region="350111")
    client.force_login(official)
    assert client.get(reverse("targets:draft_new")).status_code == 404
    client.force_login(office)
    client.post(reverse("targets:draft_new"), {"region": _region_pk("350111"), "text": JINAN_TEXT})
    draft = DocumentDraft.objects.get()
    other = make_user(role=Role.OFFICE, region="120115")
    client.force_login(other)
    assert client.get(reverse("targets:draft_review", args=[draft.pk])).status_code == 404
    client.force_login(make_user(role=Role.OFFICE, region="350000"))
    assert client.get(reverse("targets:draft_review", args=[draft.pk])).status_code == 200


def test_the_command_prints_the_json_the_issue_names(capsys):
    path = settings.BASE_DIR / "fixtures" / "policies" / "jinan-2012.txt"
    call_command("extract_targets", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {
        "title",
        "doc_number",
        "issuer",
        "issue_date",
        "horizon_year",
        "targets",
        "tasks",
    }
    assert data["doc_number"] == "榕晋政〔2012〕5号"
    relative = [t for t in data["targets"] if t["value"] is None]
    assert relative and all(t["reference"] == "全省平均水平" for t in relative)
    for target in data["targets"]:
        assert target["comparator"] in {">=", ">", "<=", "<", "="}
        assert target["quote"] in path.read_text()


def test_the_command_prints_a_readable_table(capsys):
    path = settings.BASE_DIR / "fixtures" / "policies" / "baodi-2010.txt"
    call_command("extract_targets", str(path))
    out = capsys.readouterr().out
    assert "竣工工程质量合格率" in out and re.search(r"=\s*100", out)
