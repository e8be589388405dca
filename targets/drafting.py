"""Turn a policy text into a reviewed document: read it, keep the draft, accept the corrections.

``extract_text`` gets plain text out of an upload (.txt, .docx, .pdf) after the safety checks of
portal.uploads; ``create_draft`` runs the reader (targets.reader) over it; ``accept_draft``
creates the document, its sections, targets, tasks and any department not yet known, exactly as
if entered by hand, each target keeping its sentence.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from portal import uploads
from portal.models import Department, Region
from portal.scoping import can_manage_documents_for
from portal.uploads import MAX_UPLOAD_BYTES, UploadRejected, check_office, check_size
from targets.models import (
    AssignmentRole,
    Comparator,
    DocumentDraft,
    DraftStatus,
    PolicyDocument,
    Target,
    TargetKind,
    Task,
    TaskAssignment,
)
from targets.reader import DepartmentName, read_policy
from targets.sections import innermost_section
from targets.services import rebuild_sections

MAX_TEXT_CHARS = 200_000
MAX_UPLOAD = MAX_UPLOAD_BYTES


def extract_text(filename: str, data: bytes) -> str:
    """Plain text of an uploaded .txt, .docx or .pdf; UploadRejected for anything else."""
    check_size(data)
    name = filename.lower()
    if name.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise UploadRejected(_("无法识别文本文件的编码，请另存为 UTF-8 后上传。"))
    if name.endswith(".docx"):
        check_office(data, uploads.docx())
        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as error:  # python-docx raises several kinds for a broken file
            raise UploadRejected(_("无法读取该 Word 文件，请确认文件未损坏。")) from error
        return "\n".join(paragraph.text for paragraph in document.paragraphs)
    if name.endswith(".pdf"):
        if not data.startswith(b"%PDF"):
            raise UploadRejected(_("文件不是有效的 PDF 文件。"))
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            pages = len(reader.pages)
        except Exception as error:  # pypdf raises many kinds (limits, broken tables, encryption)
            raise UploadRejected(_("无法读取该 PDF 文件，请确认文件未损坏、未加密。")) from error
        if pages > 200:
            raise UploadRejected(_("PDF 页数过多（上限 200 页）。"))
        try:
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception as error:  # beyond pypdf's limits (LimitReachedError) or damaged
            raise UploadRejected(
                _("无法读取该 PDF 文件的文字（文件已损坏或超出可读取的范围）。")
            ) from error
    raise UploadRejected(_("只支持 .txt、.docx 和 .pdf 文件。"))


def department_names(region: Region) -> list[DepartmentName]:
    """Departments of the region, the regions above it and below it, as the reader knows them."""
    codes = [code for code in region.path.split("/") if code]
    departments = Department.objects.filter(region__code__in=codes) | Department.objects.filter(
        region__path__startswith=region.path
    )
    return [
        DepartmentName(
            name=d.short_name, aliases=tuple(n for n in d.all_names() if n != d.short_name)
        )
        for d in departments.distinct()
    ]


@transaction.atomic
def create_draft(*, user, region: Region, text: str, source_name: str = "") -> DocumentDraft:
    """Read the text and keep what was found, for the office to review."""
    if not can_manage_documents_for(user, region):
        raise PermissionDenied(_("只有本级或上级领导小组办公室可以录入本区划的政策文件。"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UploadRejected(_("没有读到任何文字。"))
    if len(text) > MAX_TEXT_CHARS:
        raise UploadRejected(
            _("文件过长（%(length)d 字），上限为 %(limit)d 字。")
            % {"length": len(text), "limit": MAX_TEXT_CHARS}
        )
    reading = read_policy(text, department_names(region))
    data = reading.as_dict()
    for found, item in zip(reading.targets, data["targets"], strict=True):
        item["start"], item["end"] = found.start, found.end
        item["kind"] = guess_kind(
            item["indicator"], item["comparator"], item["value"], item["unit"],
            item.get("reference", ""), item["quote"],
        )  # fmt: skip
    for found, item in zip(reading.tasks, data["tasks"], strict=True):
        item["start"], item["end"] = found.start, found.end
        item["number"] = found.number
    return DocumentDraft.objects.create(
        region=region, source_name=source_name[:255], text=text, reading=data, created_by=user
    )


def guess_kind(indicator, comparator, value, unit, reference, quote) -> str:
    """The kind of a target from its wording (DOMAIN.md's table); the office can correct it."""
    if reference:
        return TargetKind.RELATIVE
    if value is not None and Decimal(str(value)) == 100 and unit == "%" and comparator == "=":
        return TargetKind.ALL_OR_NOTHING
    if "零的突破" in quote and value is not None and Decimal(str(value)) == 1:
        return TargetKind.FIRST_EVER
    if unit in {"%", "‰"}:
        return TargetKind.RATE
    if re.search(r"新增|新培育|新获|新建|新认定|累计新", indicator):
        return TargetKind.NEW_SINCE_BASELINE
    if re.search(r"参与|承担|参加", indicator):
        return TargetKind.PARTICIPATION
    return TargetKind.STOCK


@dataclass
class HeaderInput:
    title: str
    doc_number: str = ""
    issuer: str = ""
    issue_date: date | None = None
    horizon_year: int | None = None


@dataclass
class TargetInput:
    indicator: str
    comparator: str
    value: Decimal | None
    unit: str
    quote: str
    kind: str = ""
    reference: str = ""
    horizon_year: int | None = None
    aspirational: bool = False


@dataclass
class TaskInput:
    text: str
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)


class DraftInvalid(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _problems(draft: DocumentDraft, header: HeaderInput, targets, tasks) -> list[str]:
    problems = []
    if not header.title.strip():
        problems.append(_("请填写文件标题。"))
    for number, target in enumerate(targets, start=1):
        where = {"number": number}
        if not target.indicator.strip():
            problems.append(_("第 %(number)d 个目标：请填写指标名称。") % where)
        if target.comparator not in Comparator.values:
            problems.append(_("第 %(number)d 个目标：比较方式无效。") % where)
        if target.value is None and not target.reference.strip():
            problems.append(
                _("第 %(number)d 个目标：请填写目标值，或填写相对目标的参照（如“全省平均水平”）。")
                % where
            )
        if target.quote not in draft.text or not target.quote.strip():
            problems.append(_("第 %(number)d 个目标：原文语句必须是文件中的原句。") % where)
        if target.kind and target.kind not in TargetKind.values:
            problems.append(_("第 %(number)d 个目标：目标类型无效。") % where)
    for number, task in enumerate(tasks, start=1):
        if not task.text.strip():
            problems.append(_("第 %(number)d 项任务：请填写任务内容。") % {"number": number})
    return problems


# Wordings that name groups of regions or of units, not one department: "各乡镇街道",
# "各县（市、区）", "各有关部门", "各成员单位".
REGION_GROUP = re.compile(
    r"^各(?:级|有关|相关|成员)?.*(?:乡镇|街道|镇|乡|村|区县|县|市|区|部门|单位|企业)[）)]?$"
)


def is_region_group(name: str) -> bool:
    """Whether a name in a list of departments names a group (各乡镇街道), not a department."""
    return bool(REGION_GROUP.match(name.strip()))


def _known_department(name: str, known: list[Department]) -> Department | None:
    for department in known:
        if name in department.all_names():
            return department
    return None


def unknown_departments(region: Region, tasks: list["TaskInput"]) -> list[str]:
    """Names of the tasks' lead and cooperating units that match no department of the region
    and those above it (groups of regions aside), in the order they come."""
    known = list(Department.objects.filter(region__code__in=region.path.split("/")))
    names = []
    for task in tasks:
        for name in (*task.lead, *task.cooperating):
            name = name.strip()
            if name and not is_region_group(name) and _known_department(name, known) is None:
                if name not in names:
                    names.append(name)
    return names


def _department(name: str, region: Region, known: list[Department]) -> Department:
    department = _known_department(name, known)
    if department is not None:
        return department
    department, _created = Department.objects.get_or_create(
        region=region, short_name=name[:64], defaults={"name": name[:128]}
    )
    known.append(department)
    return department


@transaction.atomic
def accept_draft(
    *,
    user,
    draft: DocumentDraft,
    header: HeaderInput,
    targets: list[TargetInput],
    tasks: list[TaskInput],
    create_departments: bool = False,
) -> PolicyDocument:
    """Create the document and everything in it from the reviewed draft. A unit that matches
    no department is created as one only when the office says so (``create_departments``);
    groups of regions (各乡镇街道) are never departments."""
    if not can_manage_documents_for(user, draft.region):
        raise PermissionDenied(_("只有本级或上级领导小组办公室可以录入本区划的政策文件。"))
    draft = DocumentDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != DraftStatus.OPEN:
        raise DraftInvalid([_("该草稿已处理过，不能重复采纳。")])
    problems = _problems(draft, header, targets, tasks)
    unknown = unknown_departments(draft.region, tasks)
    if unknown and not create_departments:
        problems.append(
            _(
                "以下单位不在部门名单中：%(names)s。请改为已有部门的名称，"
                "或勾选“将不在部门名单中的单位新建为部门”后再采纳。"
            )
            % {"names": "、".join(unknown)}
        )
    if problems:
        raise DraftInvalid(problems)

    region = draft.region
    document = PolicyDocument.objects.create(
        key=f"{region.code}-{header.horizon_year or 'na'}-{draft.pk}",
        title=header.title.strip(),
        doc_number=header.doc_number.strip(),
        issuer=header.issuer.strip() or region.name,
        issue_date=header.issue_date,
        horizon_year=header.horizon_year,
        region=region,
        full_text=draft.text,
    )
    sections = list(rebuild_sections(document, draft.text).values())
    for order, item in enumerate(targets, start=1):
        start = draft.text.find(item.quote)
        Target.objects.create(
            document=document,
            section=innermost_section(sections, start),
            code=f"T{order:02d}",
            order=order,
            region=region,
            indicator=item.indicator.strip(),
            kind=item.kind
            or guess_kind(
                item.indicator, item.comparator, item.value, item.unit, item.reference, item.quote
            ),
            comparator=item.comparator,
            value=item.value,
            unit=item.unit.strip(),
            reference=item.reference.strip(),
            horizon_year=item.horizon_year or header.horizon_year,
            aspirational=item.aspirational,
            quote=item.quote,
        )
    known = list(Department.objects.filter(region__code__in=region.path.split("/")))
    for order, item in enumerate(tasks, start=1):
        start = draft.text.find(item.text)
        task = Task.objects.create(
            document=document,
            section=innermost_section(sections, start) if start >= 0 else None,
            code=f"K{order:02d}",
            order=order,
            title=re.split(r"[。；]", item.text.strip(), maxsplit=1)[0][:60],
            text=item.text.strip(),
        )
        roles = [(AssignmentRole.LEAD, item.lead, "牵头"),
                 (AssignmentRole.COOPERATING, item.cooperating, "按职责分工负责")]  # fmt: skip
        seen = set()
        for role, names, wording in roles:
            for position, name in enumerate(names, start=1):
                if not name.strip() or is_region_group(name):
                    continue  # "各乡镇街道" names the regions that act, not a department
                department = _department(name.strip(), region, known)
                if department.pk in seen:
                    continue
                seen.add(department.pk)
                TaskAssignment.objects.create(
                    task=task, department=department, role=role, wording=wording, order=position
                )
    draft.status = DraftStatus.ACCEPTED
    draft.document = document
    draft.save(update_fields=["status", "document"])
    return document
