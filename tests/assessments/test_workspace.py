"""The departments' workspace: who sees which duties, reports and files; the report form and its
upload checks; the quarterly reminders; and the pure helpers behind them."""

import io
import smtplib
import zipfile
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import (
    AssessmentRun,
    EvidenceFile,
    ProgressReminder,
    ProgressUpdate,
    RegionFigure,
    RunStatus,
    TargetWarning,
)
from assessments.workspace import owed, reminders, selectors, services, tasks
from assessments.workspace import page as workspace_page
from assessments.workspace.services import Upload
from portal import evidence, periods
from portal.models import Role
from portal.periods import Quarter
from portal.uploads import ZipLimits
from targets.models import CampaignPhase, Duty, Target, Task

# 省食品药品监管局 leads task （一） of the Fujian 2014 plan, which 省教育厅 and 省公安厅 support;
# it also supports task （六）, where neither of them has a part.
LEAD, PARTNER, OTHER_PARTNER = "350000:省食品药品监管局", "350000:省教育厅", "350000:省公安厅"
TODAY = date(2090, 4, 5)  # Q1 2090 is due on 10 April; Q4 2089 was due on 10 January
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.fixture(autouse=True)
def media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(periods, "today", lambda: TODAY)
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def people(make_user):
    return {
        "lead": make_user(role=Role.DEPARTMENT, department=LEAD, username="lead",
                          email="lead@example.gov.cn"),
        "partner": make_user(role=Role.DEPARTMENT, department=PARTNER, username="partner",
                             email="partner@example.gov.cn"),
        "other_partner": make_user(role=Role.DEPARTMENT, department=OTHER_PARTNER,
                                   username="other_partner"),
        "stranger": make_user(role=Role.DEPARTMENT, department="120115:区质监局",
                              username="stranger"),
        "office": make_user(role=Role.OFFICE, region="350000", username="office"),
        "other_office": make_user(role=Role.OFFICE, region="120115", username="other_office"),
        "official": make_user(role=Role.REGION_OFFICIAL, region="350000", username="official"),
    }  # fmt: skip


@pytest.fixture
def task_one(db):
    return Task.objects.get(document__key="fujian-2014", code="（一）")


@pytest.fixture
def task_six(db):
    return Task.objects.get(document__key="fujian-2014", code="（六）")


def item_url(obj, kind="task"):
    return reverse("workspace:item", args=[kind, obj.pk])


Q1 = Quarter(2090, 1)


def report(user, task, text="已完成抽检200批次", quarter=Q1, files=()):
    return services.post_update(user=user, kind="task", item=task, quarter=quarter, text=text,
                                 files=files)  # fmt: skip


def status_of(client, user, url, method="get", **data):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data).status_code


# --- Access matrix ------------------------------------------------------------------------------

WHO = ["lead", "partner", "stranger", "office", "other_office", "official", None]


@pytest.mark.parametrize(
    "who, expected",
    list(zip(WHO, [200, 200, 200, 200, 200, 404, 302], strict=True)),
)
def test_who_opens_the_workspace_home(client, people, who, expected):
    user = people[who] if who else None
    assert status_of(client, user, reverse("workspace:home")) == expected


@pytest.mark.parametrize(
    "who, expected",
    list(zip(WHO, [200, 404, 404, 200, 404, 404, 302], strict=True)),
)
def test_who_opens_a_departments_page(client, people, who, expected):
    url = reverse("workspace:department", args=[people["lead"].department_id])
    assert status_of(client, people[who] if who else None, url) == expected


@pytest.mark.parametrize(
    "who, expected",
    list(zip(WHO, [200, 200, 404, 200, 404, 404, 302], strict=True)),
)
def test_who_opens_a_shared_task(client, people, task_one, who, expected):
    assert status_of(client, people[who] if who else None, item_url(task_one)) == expected


@pytest.mark.parametrize(
    "who, expected",
    list(zip(WHO, [303, 303, 404, 404, 404, 404, 302], strict=True)),
)
def test_who_posts_a_report_on_a_shared_task(client, people, task_one, who, expected):
    data = {"quarter": "2090Q1", "text": "进展"}
    url = item_url(task_one)
    assert status_of(client, people[who] if who else None, url, "post", **data) == expected
    assert ProgressUpdate.objects.count() == (1 if expected == 303 else 0)


@pytest.mark.parametrize(
    "who, expected",
    list(zip([*WHO, "other_partner"], [200, 200, 404, 200, 404, 404, 302, 404], strict=True)),
)
def test_who_downloads_a_partners_evidence(client, people, task_one, who, expected):
    update = report(people["partner"], task_one, files=[Upload("检查记录.pdf", PDF)])
    url = reverse("workspace:evidence", args=[update.evidence.get().pk])
    assert status_of(client, people[who] if who else None, url) == expected


def test_a_partner_does_not_see_the_leads_other_tasks_nor_its_reports(
    client, people, task_one, task_six
):
    lead_update = report(people["lead"], task_one, text="牵头部门的总体进展",
                         files=[Upload("总结.pdf", PDF)])  # fmt: skip
    client.force_login(people["partner"])
    assert client.get(item_url(task_six)).status_code == 404
    page = client.get(item_url(task_one))
    assert page.status_code == 200 and "牵头部门的总体进展" not in page.content.decode()
    evidence = lead_update.evidence.get()
    assert client.get(reverse("workspace:evidence", args=[evidence.pk])).status_code == 404
    board = client.get(reverse("workspace:home")).context["board"]
    assert task_one in [i.obj for i in board.supported]
    assert task_six not in [i.obj for i in board.items]


def test_the_lead_sees_its_partners_reports_and_partners_only_their_own(client, people, task_one):
    report(people["partner"], task_one, text="教育厅开展食品安全进校园")
    report(people["other_partner"], task_one, text="公安厅侦办食品案件")
    client.force_login(people["lead"])
    body = client.get(item_url(task_one)).content.decode()
    assert "教育厅开展食品安全进校园" in body and "公安厅侦办食品案件" in body
    client.force_login(people["partner"])
    body = client.get(item_url(task_one)).content.decode()
    assert "教育厅开展食品安全进校园" in body and "公安厅侦办食品案件" not in body


def test_the_lead_of_one_task_does_not_read_reports_on_a_task_it_only_supports(
    people, task_six, make_user
):
    colleague = make_user(role=Role.DEPARTMENT, department="350000:省质监局")  # also on （六）
    report(colleague, task_six, text="质监局推进质量诚信")
    assert not selectors.updates_for(user=people["lead"]).filter(task=task_six).exists()


def test_an_office_sees_the_reports_of_its_tree_only(people, task_one):
    report(people["partner"], task_one)
    assert selectors.updates_for(user=people["office"]).count() == 1
    assert selectors.updates_for(user=people["other_office"]).count() == 0
    assert selectors.updates_for(user=people["official"]).count() == 0


def test_items_of_a_document_no_longer_in_force_drop_out(client, people, task_one):
    task_one.document.in_force = False
    task_one.document.save()
    client.force_login(people["lead"])
    assert client.get(item_url(task_one)).status_code == 404
    assert task_one not in [i.obj for i in client.get("/workspace/").context["board"].items]


def test_an_unknown_kind_is_not_found(client, people, task_one):
    client.force_login(people["lead"])
    url = reverse("workspace:item", args=["submission", task_one.pk])
    assert client.get(url).status_code == 404


# --- The "my duties" page ---------------------------------------------------------------------


def test_my_duties_lists_led_and_supported_tasks_duties_and_targets(client, make_user):
    jinan = make_user(role=Role.DEPARTMENT, department="350111:市质监局直属二分局")
    client.force_login(jinan)
    board = client.get(reverse("workspace:home")).context["board"]
    assert [i.obj.code for i in board.led] == ["（四）"]
    assert len(board.targets) == 11 and board.supported == [] and board.duties == []
    baodi = make_user(role=Role.DEPARTMENT, department="120115:区发改委")
    client.force_login(baodi)
    board = client.get(reverse("workspace:home")).context["board"]
    expected = set(Duty.objects.filter(departments=baodi.department).values_list("pk", flat=True))
    assert {i.obj.pk for i in board.duties} == expected and expected


def test_overdue_items_come_first_with_their_reason(client, people, task_one):
    Task.objects.filter(pk=task_one.pk).update(deadline=TODAY + timedelta(days=60))
    # Q4 2089 reported for every task but （一）: only （一） is overdue.
    for item in workspace_page.workspace(department=people["lead"].department).items:
        if item.kind == "task" and item.obj != task_one:
            ProgressUpdate.objects.create(
                department=people["lead"].department, task=item.obj, year=2089, quarter=4, text="x"
            )
    client.force_login(people["lead"])
    page = client.get(reverse("workspace:home"))
    board = page.context["board"]
    overdue = [i for i in board.led + board.supported if i.overdue]
    assert [i.obj for i in overdue] == [task_one]
    assert "2089年第4季度进展未报送" in overdue[0].overdue_reasons[0]
    assert board.led[0].obj == task_one
    body = page.content.decode()
    assert body.index("逾期事项") < body.index("牵头任务</h2>")


def test_a_passed_deadline_is_overdue_until_a_report_follows_it(people, task_one):
    Task.objects.filter(pk=task_one.pk).update(deadline=TODAY - timedelta(days=3))
    report(people["lead"], task_one, quarter=Quarter(2089, 4))
    ProgressUpdate.objects.filter(task=task_one).update(created_at="2090-03-01T00:00:00Z")

    def lead_item():
        board = workspace_page.workspace(department=people["lead"].department)
        return next(i for i in board.led if i.obj == task_one)

    assert any("完成时限" in reason for reason in lead_item().overdue_reasons)
    later = report(people["lead"], task_one)
    ProgressUpdate.objects.filter(pk=later.pk).update(created_at="2090-04-05T00:00:00Z")
    assert not lead_item().overdue


def test_the_timeline_shows_phases_deadlines_and_due_dates(client, people, task_one):
    phase = CampaignPhase.objects.create(
        document=task_one.document, name="全面实施", start=date(2090, 1, 1), end=date(2090, 12, 31)
    )
    Task.objects.filter(pk=task_one.pk).update(deadline=date(2090, 6, 30), phase=phase)
    client.force_login(people["lead"])
    page = client.get(reverse("workspace:home"))
    board = page.context["board"]
    days = [e.day for e in board.timeline]
    assert days == sorted(days)
    labels = " ".join(e.label for e in board.timeline)
    assert "阶段开始：全面实施" in labels and "完成时限" in labels
    assert "2090年第1季度工作进展报送截止" in labels
    assert {e.state for e in board.timeline if e.day == date(2090, 4, 10)} == {"soon"}
    assert [bar.state for bar in board.phases] == ["current"]
    assert "全面实施" in page.content.decode()


def test_target_status_comes_from_the_published_figure_and_warnings(client, make_user):
    jinan = make_user(role=Role.DEPARTMENT, department="350111:市质监局直属二分局")
    targets = {t.code: t for t in Target.objects.filter(document__key="jinan-2012")}
    run = AssessmentRun.objects.create(year=2090, trigger="test", status=RunStatus.SUCCEEDED)
    for code, value in (("T03", 95.0), ("T04", 90.0)):
        RegionFigure.objects.create(run=run, year=2090, region=targets[code].region,
                                    indicator=targets[code].measure.indicator, quarters=1,
                                    value=value, projected=value)  # fmt: skip
    TargetWarning.objects.create(
        run=run,
        year=2090,
        region=targets["T04"].region,
        target=targets["T04"],
        level="red",
        message="食品合格率未达标",
    )
    client.force_login(jinan)
    board = client.get(reverse("workspace:home")).context["board"]
    states = {i.obj.code: i.state for i in board.targets}
    assert board.year == 2090
    assert (states["T03"].status, states["T03"].actual) == ("green", 95.0)
    assert states["T04"].status == "red" and states["T04"].warning.message == "食品合格率未达标"
    assert states["T06"].status == "unknown"
    assert board.targets[0].obj.code == "T04"  # red first


def test_the_office_overview_counts_overdue_departments(client, people, task_one):
    report(people["lead"], task_one, quarter=Quarter(2089, 4))
    client.force_login(people["office"])
    rows = {r.department.short_name: r for r in client.get("/workspace/").context["rows"]}
    lead = rows["省食品药品监管局"]
    assert (lead.tasks, lead.reported_previous, lead.overdue) == (5, 1, 4)
    assert "市质监局直属二分局" in rows  # 晋安区 lies in 福建省
    assert all(r.department.region.path.startswith("350000/") for r in rows.values())


# --- Reports and their files ------------------------------------------------------------------


def post(client, task, files=(), text="本季度开展专项检查", quarter="2090Q1"):
    return client.post(item_url(task), {"text": text, "quarter": quarter, "files": list(files)})


def upload(name, data):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_a_report_with_evidence_is_stored_under_a_generated_name(client, people, task_one, media):
    client.force_login(people["partner"])
    response = post(client, task_one, [upload("../../检查 记录.pdf", PDF), upload("现场.png", PNG),
                                       upload("方案.docx", DOCX)])  # fmt: skip
    assert response.status_code == 303
    update = ProgressUpdate.objects.get()
    assert (update.department, update.year, update.quarter) == (
        people["partner"].department,
        2090,
        1,
    )
    files = list(update.evidence.order_by("pk"))
    assert [f.name for f in files] == ["检查 记录.pdf", "现场.png", "方案.docx"]
    assert all(f.file.name.startswith("evidence/") and "记录" not in f.file.name for f in files)
    assert len(stored_files(media)) == 3
    download = client.get(reverse("workspace:evidence", args=[files[0].pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_evidence_is_not_under_a_public_media_url(client, people, task_one):
    update = report(people["partner"], task_one, files=[Upload("a.pdf", PDF)])
    client.force_login(people["partner"])
    assert client.get("/media/" + update.evidence.get().file.name).status_code == 404


def refused(response, words, media):
    assert response.status_code == 400
    assert words in response.context["error"]
    assert not ProgressUpdate.objects.exists() and not EvidenceFile.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("报告.pdf", b"MZ\x90\x00\x03" + b"\0" * 200, "与扩展名不符"),
        ("照片.pdf", PNG, "与扩展名不符"),
        ("表格.docx", zip_of({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"}),
         "与扩展名不符"),
        ("脚本.exe", b"MZ\x90\x00", "类型不受支持"),
        ("空.pdf", b"", "空文件"),
        ("宏.docx", zip_of({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d/>",
                           "word/vbaProject.bin": b"\1\2"}), "含有宏"),
    ],
)  # fmt: skip
def test_a_file_of_the_wrong_type_stores_nothing(client, people, task_one, media, name, data,
                                                  words):  # fmt: skip
    client.force_login(people["partner"])
    # A good file next to the bad one is not stored either.
    refused(post(client, task_one, [upload("好.pdf", PDF), upload(name, data)]), words, media)


def test_a_file_too_big_stores_nothing(client, people, task_one, media, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(people["partner"])
    refused(post(client, task_one, [upload("大.pdf", PDF + b"\0" * 2048)]), "文件过大", media)


def test_a_zip_bomb_disguised_as_docx_stores_nothing(client, people, task_one, media):
    bomb = zip_of({"[Content_Types].xml": b"<T/>", "word/document.xml": b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 20_000
    client.force_login(people["partner"])
    refused(post(client, task_one, [upload("方案.docx", bomb)]), "压缩炸弹", media)


def test_a_report_needs_text_and_a_quarter_in_play(client, people, task_one, media):
    client.force_login(people["partner"])
    refused(post(client, task_one, text="  "), "请填写工作进展情况", media)
    refused(post(client, task_one, quarter="2089Q3"), "当前季度或上一季度", media)
    assert post(client, task_one, quarter="2089Q4").status_code == 303  # a late report


def test_a_failure_while_storing_removes_the_files_already_written(people, task_one, media,
                                                                   monkeypatch):  # fmt: skip
    real_save = EvidenceFile.save
    calls = []

    def fail_on_second(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceFile, "save", fail_on_second)
    with pytest.raises(OSError):
        report(people["partner"], task_one, files=[Upload("a.pdf", PDF), Upload("b.pdf", PDF)])
    assert stored_files(media) == [] and not ProgressUpdate.objects.exists()


def test_only_a_department_involved_reports(people, task_six):
    with pytest.raises(services.ProgressRefused):
        report(people["partner"], task_six)
    with pytest.raises(services.ProgressRefused):
        report(people["office"], task_six)


# --- Reminders --------------------------------------------------------------------------------


def reminders_for(department) -> list[ProgressReminder]:
    return list(ProgressReminder.objects.filter(department=department))


def owed_by(department) -> int:
    return sum(1 for d, _k, _i in owed.owed_items([department.pk]) if d == department.pk)


def test_reminders_are_sent_once_per_item_and_quarter_even_when_run_twice(people, mailoutbox):
    lead = people["lead"].department
    tasks.send_progress_reminders.apply().get()
    first = [m for m in mailoutbox if "lead@example.gov.cn" in m.to]
    # On 5 April: Q4 2089 is overdue, Q1 2090 falls due within 7 days.
    assert len(first) == 2
    assert len(reminders_for(lead)) == 2 * owed_by(lead)
    assert "逾期" in first[0].subject and "待报送" in first[1].subject
    assert "加强食品农产品质量安全监管" in first[0].body
    tasks.send_progress_reminders.apply().get()
    assert len([m for m in mailoutbox if "lead@example.gov.cn" in m.to]) == 2
    assert len(reminders_for(lead)) == 2 * owed_by(lead)


def test_no_reminder_for_an_item_already_reported(people, task_one, mailoutbox):
    report(people["lead"], task_one, quarter=Quarter(2089, 4))
    report(people["lead"], task_one, quarter=Quarter(2090, 1))
    reminders.send_due_reminders(on=TODAY)
    lead = people["lead"].department
    assert not ProgressReminder.objects.filter(department=lead, task=task_one).exists()
    assert ProgressReminder.objects.filter(department=lead).count() == 2 * (owed_by(lead) - 1)
    assert all("加强食品农产品质量安全监管" not in m.body for m in mailoutbox
               if "lead@example.gov.cn" in m.to)  # fmt: skip


def test_an_overdue_item_is_reminded_and_a_far_due_date_is_not(people, mailoutbox):
    reminders.send_due_reminders(on=date(2090, 5, 1))  # Q1 overdue; Q2 due 10 July: too far
    rows = reminders_for(people["lead"].department)
    assert {(r.year, r.quarter, r.overdue, r.due_on) for r in rows} == {
        (2090, 1, True, date(2090, 4, 10))
    }
    assert len([m for m in mailoutbox if "lead@example.gov.cn" in m.to]) == 1


def test_a_department_without_an_address_is_not_marked_reminded(people, mailoutbox):
    outcome = reminders.send_due_reminders(on=TODAY)
    other = people["other_partner"].department  # its user has no e-mail address
    assert reminders_for(other) == [] and str(other) in outcome.without_address
    people["other_partner"].email = "gongan@example.gov.cn"
    people["other_partner"].save()
    reminders.send_due_reminders(on=TODAY)
    assert len(reminders_for(other)) == 2 * owed_by(other)


def test_an_item_claimed_by_a_concurrent_run_is_left_out(people, task_one, mailoutbox, monkeypatch):
    lead = people["lead"].department
    ProgressReminder.objects.create(department=lead, task=task_one, year=2090, quarter=1,
                                    due_on=date(2090, 4, 10), recipients="x")  # fmt: skip
    real_pending = reminders._pending

    def stale_pending(quarter):  # the other run committed after this one read the table
        pending = real_pending(quarter)
        if quarter == Quarter(2090, 1):
            pending[lead.pk].append(task_one)
        return pending

    monkeypatch.setattr(reminders, "_pending", stale_pending)
    reminders.send_due_reminders(on=TODAY)
    assert ProgressReminder.objects.filter(department=lead, task=task_one, quarter=1).count() == 1
    q1 = [m for m in mailoutbox if "lead@example.gov.cn" in m.to and "待报送" in m.subject]
    assert len(q1) == 1 and "加强食品农产品质量安全监管" not in q1[0].body


def test_a_failed_send_rolls_the_claims_back_for_the_next_run(people, monkeypatch, mailoutbox):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(reminders, "send_mail", refuse)
    outcome = reminders.send_due_reminders(on=TODAY)
    assert outcome.failed and not ProgressReminder.objects.exists()
    monkeypatch.undo()
    monkeypatch.setattr(periods, "today", lambda: TODAY)
    assert reminders.send_due_reminders(on=TODAY).emails == 4  # lead and partner, two quarters
    assert len(mail.outbox) == 4


def test_the_reminder_job_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["progress-reminders"]
    assert entry["task"] == "assessments.tasks.send_progress_reminders"


# --- Pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\总结.docx", "总结.docx"),
        ("a\x00b\nc.png", "abc.png"),
        ("", "附件"),
        ("很" * 200 + ".pdf", "很" * 116 + ".pdf"),
    ],
)
def test_display_names_lose_folders_and_control_characters(name, shown):
    assert evidence.display_name(name) == shown


def test_the_evidence_check_reads_the_content_not_the_name():
    limits = ZipLimits()
    checked = evidence.check_evidence("a.JPEG", b"\xff\xd8\xff\xe0" + b"\0" * 10,
                                       max_bytes=1000, limits=limits)  # fmt: skip
    assert (checked.extension, checked.content_type) == (".jpg", "image/jpeg")
    with pytest.raises(evidence.EvidenceRejected, match="与扩展名不符"):
        evidence.check_evidence("a.png", b"\xff\xd8\xff\xe0", max_bytes=1000, limits=limits)


def test_a_document_issued_this_quarter_owes_nothing_for_the_quarter_before(
    client, people, task_one, mailoutbox
):
    """Accepted today, a document's tasks are not overdue for a quarter that ended before it
    existed: not on the department's page, not in the office's overview, not in reminders."""
    document = task_one.document
    for item in workspace_page.workspace(department=people["lead"].department).items:
        if item.kind == "task" and item.obj != task_one:
            ProgressUpdate.objects.create(
                department=people["lead"].department, task=item.obj, year=2089, quarter=4, text="x"
            )
    before = next(
        i
        for i in workspace_page.workspace(department=people["lead"].department).led
        if i.obj == task_one
    )
    assert before.overdue  # issued long ago: Q4 2089 is owed and missing
    type(document).objects.filter(pk=document.pk).update(issue_date=TODAY)  # issued in Q2 2090
    after = next(
        i
        for i in workspace_page.workspace(department=people["lead"].department).led
        if i.obj == task_one
    )
    assert not after.overdue and after.overdue_reasons == []
    # Issued on 5 April 2090, after Q1 ended: its first report is Q2's, due on 10 July.
    assert after.next_due == Quarter(2090, 2).due(10) == date(2090, 7, 10)
    assert owed.owes_for(TODAY, Quarter(2089, 4)) is False
    assert owed.owes_for(TODAY, Quarter(2090, 2)) is True
    assert owed.owes_for(None, Quarter(2000, 1)) is True
