"""One world for the page-level access tests (tests/test_page_access.py, tests/test_links.py).

Every kind of user the portal knows, around 晋安区 (350111) and the other district 宝坻区
(120115), and one real object of every kind a page shows, all on the 晋安区 side: a town's
submitted quarter (with its audit trail), an assessment run, a policy draft, a department's
progress report with an evidence file on the task it leads, the rulebook of the district and
reference values of both provinces.

The world is built once per test module inside a transaction that is rolled back at the end of
the module; each test runs inside it in its own savepoint (pytest-django's ``db``). Only
``assessments.models`` is imported from the assessments app: its other module paths move.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Appraisal,
    AppraisalState,
    AssessmentRun,
    AuditEntry,
    EvidenceFile,
    Indicator,
    Objection,
    Period,
    ProgressUpdate,
    Publication,
    Rectification,
    ReferenceValue,
    Rulebook,
    RuleItem,
    RunStatus,
    Season,
    SeasonFile,
    SeasonUnit,
    Status,
    Subject,
    Submission,
    SubmissionFile,
)
from portal.models import Department, Region, Role, User
from targets.models import DocumentDraft, DraftStatus, PolicyDocument, Target, Task

PROVINCE, CITY, JINAN, GUSHAN = "350000", "350100", "350111", "350111100"
TIANJIN, BAODI = "120000", "120115"
LEAD_DEPARTMENT = "市质监局直属二分局"  # leads task （四） of jinan-2012, answers for T01–T11
IDLE_DEPARTMENT = "区财政局"  # 晋安区's other department: no task, duty nor target
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The columns of the matrices: every kind of user, in this order.
USERS = (
    "anonymous",
    "no_role",
    "town",  # 鼓山镇, a town of 晋安区, the submission's own region
    "district",  # 晋安区 official
    "district_office",  # 晋安区 leadership-group office
    "city_office",  # 福州市
    "province_office",  # 福建省
    "department",  # 晋安区 市质监局直属二分局: leads the task, answers for the targets
    "other_department",  # 晋安区 区财政局: assigned nothing
    "superuser",
    "baodi_official",  # 宝坻区, the other district
    "baodi_office",
)
SIGNED_IN = USERS[1:]

# Markers of the reference values: the text of their source, shown on the page with each value.
REFERENCE_SOURCES = {
    PROVINCE: "标记：福建省统计公报参照值",
    TIANJIN: "标记：天津市统计公报参照值",
}


@dataclass
class World:
    users: dict[str, User | None]
    period: Period
    submission: Submission
    document: PolicyDocument
    target: Target
    task: Task
    department: Department
    update: ProgressUpdate
    evidence: EvidenceFile
    run: AssessmentRun
    draft: DocumentDraft
    rulebook: Rulebook
    publication: Publication
    submission_file: object = None
    season: Season | None = None
    season_unit: SeasonUnit | None = None
    appraisal: Appraisal | None = None
    season_file: SeasonFile | None = None
    objection: Objection | None = None
    rectification: Rectification | None = None
    references: dict[str, ReferenceValue] = field(default_factory=dict)

    def client(self, who: str, **options) -> Client:
        """A test client signed in as ``who`` (none for the anonymous visitor)."""
        client = Client(**options)
        if self.users[who] is not None:
            client.force_login(self.users[who])
        return client


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def _department(short_name: str) -> Department:
    return Department.objects.get(region__code=JINAN, short_name=short_name)


def _users() -> dict[str, User | None]:
    def user(username: str, role: str = "", **anchor) -> User:
        return User.objects.create(username=f"pages-{username}", role=role, **anchor)

    return {
        "anonymous": None,
        "no_role": user("no_role"),
        "town": user("town", Role.REGION_OFFICIAL, region=region(GUSHAN)),
        "district": user("district", Role.REGION_OFFICIAL, region=region(JINAN)),
        "district_office": user("district_office", Role.OFFICE, region=region(JINAN)),
        "city_office": user("city_office", Role.OFFICE, region=region(CITY)),
        "province_office": user("province_office", Role.OFFICE, region=region(PROVINCE)),
        "department": user("department", Role.DEPARTMENT, department=_department(LEAD_DEPARTMENT)),
        "other_department": user(
            "other_department", Role.DEPARTMENT, department=_department(IDLE_DEPARTMENT)
        ),
        "superuser": user("superuser", Role.ADMIN, is_superuser=True, is_staff=True),
        "baodi_official": user("baodi_official", Role.REGION_OFFICIAL, region=region(BAODI)),
        "baodi_office": user("baodi_office", Role.OFFICE, region=region(BAODI)),
    }


def _submitted_quarter(town: User, period: Period) -> Submission:
    """鼓山镇's quarter, entered and submitted through the entry page as its official does: a
    figure for every field of the form (equal figures satisfy every rule a ≤ b)."""
    client = Client()
    client.force_login(town)
    url = reverse("assessments:entry", args=[GUSHAN, period.year, period.quarter])
    form = client.get(url)
    assert form.status_code == 200, form
    codes = [f.element.code for _group, fields in form.context["groups"] for f in fields]
    assert codes, "the town's entry form has no fields"
    data = {"version": "0", "action": "submit"} | {f"v_{code}": "10" for code in codes}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = Submission.objects.get(region__code=GUSHAN, period=period)
    assert submission.status == Status.SUBMITTED
    assert AuditEntry.objects.filter(submission=submission).exists()
    return submission


def build() -> World:
    today = timezone.localdate()
    users = _users()
    period = Period.objects.create(
        year=2090,
        quarter=1,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=5),
    )
    submission = _submitted_quarter(users["town"], period)
    document = PolicyDocument.objects.get(key="jinan-2012")
    task = Task.objects.get(document=document, code="（四）")
    department = _department(LEAD_DEPARTMENT)
    assert task.assignments.filter(department=department, role="lead").exists()
    update = ProgressUpdate.objects.create(
        department=department,
        task=task,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        text="牵头建立健全评价指标（页面访问测试）",
        author=users["department"],
    )
    evidence = EvidenceFile(
        update=update,
        name="评价指标.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    evidence.file.save("pages-evidence.pdf", ContentFile(PDF), save=False)
    evidence.save()
    run = AssessmentRun.objects.create(
        year=2090,
        status=RunStatus.FAILED,
        trigger="approval",
        path_region=region(JINAN),
        created_by=users["district_office"],
        error="页面访问测试",
        finished_at=timezone.now(),
    )
    draft = DocumentDraft.objects.create(
        region=region(JINAN),
        text="到2015年，全区国家监督抽查合格率达到95%以上。",
        reading={"title": "晋安区质量工作草稿（页面访问测试）", "targets": [], "tasks": []},
        status=DraftStatus.OPEN,
        created_by=users["district_office"],
    )
    relative = Indicator.objects.get(code="nat_pass_rate")
    references = {
        code: ReferenceValue.objects.create(
            indicator=relative,
            region=region(code),
            year=2089,
            value="91.37",
            source=source,
            entered_by=users["superuser"],
        )
        for code, source in REFERENCE_SOURCES.items()
    }
    rulebook = Rulebook.objects.get(scope__code=JINAN, year=2026)
    season = _season(users, today)
    attached = SubmissionFile(
        submission=submission,
        name="抽查通报.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=users["town"],
    )
    attached.file.save("pages-submission.pdf", ContentFile(PDF), save=False)
    attached.save()
    return World(
        submission_file=attached,
        season=season["season"],
        season_unit=season["unit"],
        appraisal=season["appraisal"],
        season_file=season["file"],
        objection=season["objection"],
        rectification=season["rectification"],
        users=users,
        period=period,
        submission=submission,
        document=document,
        target=Target.objects.get(document=document, code="T01"),
        task=task,
        department=department,
        update=update,
        evidence=evidence,
        run=run,
        draft=draft,
        rulebook=rulebook,
        publication=Publication.objects.create(
            rulebook=rulebook, year=rulebook.year, number=1, run=run, definitions={}
        ),
        references=references,
    )


def _season(users, today) -> dict:
    """晋安区's assessment of its departments: the lead department's judged item, reviewed by
    区财政局, with a file, an objection and a rectification task."""
    jinan = region(JINAN)
    book = Rulebook.objects.create(
        year=2090,
        scope=jinan,
        level=jinan.level,
        subject=Subject.DEPARTMENTS,
        name="晋安区各部门质量工作考核（页面访问测试）",
        total_points=4,
    )
    item = RuleItem.objects.create(
        rulebook=book,
        code="1",
        order=1,
        name="质量政策措施",
        points=4,
        method="judge_deduct",
        params={"elements": ["产业", "环境"], "deduct": 2},
        lead_department=_department(IDLE_DEPARTMENT),
    )
    season = Season.objects.create(
        rulebook=book,
        self_until=today + timedelta(days=7),
        review_until=today + timedelta(days=14),
        publicity_until=today + timedelta(days=21),
        rectify_due=today + timedelta(days=60),
    )
    unit = SeasonUnit.objects.create(season=season, department=_department(LEAD_DEPARTMENT))
    SeasonUnit.objects.create(season=season, department=_department(IDLE_DEPARTMENT))
    appraisal = Appraisal.objects.create(
        unit=unit, item=item, state=AppraisalState.SUBMITTED, self_choice=[], self_score=4
    )
    stored = SeasonFile(
        appraisal=appraisal,
        name="政策文件.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=users["department"],
    )
    stored.file.save("pages-season.pdf", ContentFile(PDF), save=False)
    stored.save()
    objection = Objection.objects.create(
        unit=unit, item=item, statement="页面访问测试", score_then=2, raised_by=users["department"]
    )
    rectification = Rectification.objects.create(
        unit=unit, rank=2, due_on=today + timedelta(days=60), requirement="整改（页面访问测试）"
    )
    return {"season": season, "unit": unit, "appraisal": appraisal, "file": stored,
            "objection": objection, "rectification": rectification}  # fmt: skip


def world_for_module(django_db_blocker, media_root):
    """The body of a module-scoped fixture: build the world in a transaction, hand it to the
    module's tests, and roll everything back after the last of them."""
    settings = override_settings(
        MEDIA_ROOT=str(media_root),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), settings:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
