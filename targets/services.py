"""Writes for policy documents: loading the reference data that describes the real policies."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Department, Region
from portal.scoping import can_manage_documents_for
from portal.services import upsert_departments, upsert_regions
from targets.models import (
    AssignmentRole,
    CampaignPhase,
    Duty,
    LeadershipGroup,
    PolicyDocument,
    Section,
    Target,
    Task,
    TaskAssignment,
)
from targets.sections import innermost_section, split_sections


class ReferenceDataError(ValueError):
    """The reference data on disk contradicts itself or its documents."""


@dataclass
class DocumentCounts:
    key: str
    sections: int = 0
    targets: int = 0
    tasks: int = 0
    duties: int = 0
    leadership_groups: int = 0


@dataclass
class LoadReport:
    regions: int = 0
    departments: int = 0
    documents: list[DocumentCounts] = field(default_factory=list)


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def load_reference_data(*, fixtures_dir: Path) -> LoadReport:
    """Create or update regions, departments and policies from ``fixtures_dir``; idempotent."""
    report = LoadReport()
    report.regions = upsert_regions(tree=read_yaml(fixtures_dir / "reference" / "regions.yaml"))
    report.departments = upsert_departments(
        groups=read_yaml(fixtures_dir / "reference" / "departments.yaml")
    )
    for policy_file in sorted((fixtures_dir / "policies").glob("*.yaml")):
        spec = read_yaml(policy_file)
        text = (policy_file.parent / spec["text_file"]).read_text(encoding="utf-8")
        report.documents.append(load_policy(spec=spec, text=text))
    return report


class _DepartmentResolver:
    """Finds departments by the short names the fixtures use, within a default region."""

    def __init__(self, region: Region, where: str):
        self.region = region
        self.where = where
        self._cache: dict[tuple[str, str], Department] = {}

    def __call__(self, ref: str) -> Department:
        code, _, short_name = ref.rpartition(":")
        code = code or self.region.code
        key = (code, short_name)
        if key not in self._cache:
            try:
                self._cache[key] = Department.objects.get(region__code=code, short_name=short_name)
            except Department.DoesNotExist:
                raise ReferenceDataError(
                    f"{self.where}：区划 {code} 下没有简称为“{short_name}”的部门"
                ) from None
        return self._cache[key]

    def many(self, refs: list[str] | None) -> list[Department]:
        return [self(ref) for ref in refs or []]


def _locate(text: str, fragment: str, where: str) -> int:
    offset = text.find(fragment)
    if not fragment or offset < 0:
        raise ReferenceDataError(f"{where}：原文中找不到这段文字：{fragment[:40]}…")
    return offset


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_policy(*, spec: dict, text: str) -> DocumentCounts:
    """Create or update one policy document and everything the fixtures say it contains."""
    key = spec["key"]
    region = Region.objects.get(code=str(spec["region"]))
    document, _ = PolicyDocument.objects.update_or_create(
        key=key,
        defaults={
            "title": spec["title"],
            "doc_number": spec.get("doc_number") or "",
            "issuer": spec["issuer"],
            "issue_date": _as_date(spec.get("issue_date")),
            "published_date": _as_date(spec.get("published_date")),
            "start_year": spec.get("start_year"),
            "horizon_year": spec.get("horizon_year"),
            "carried_forward": bool(spec.get("carried_forward", False)),
            "region": region,
            "full_text": text,
        },
    )
    counts = DocumentCounts(key=key)
    sections = rebuild_sections(document, text)
    counts.sections = len(sections)
    resolve = _DepartmentResolver(region, where=key)

    def section_at(fragment: str, where: str) -> Section | None:
        return innermost_section(list(sections.values()), _locate(text, fragment, where))

    keep: list[str] = []
    for order, item in enumerate(spec.get("targets") or [], start=1):
        where = f"{key} 目标 {item['code']}"
        target, _ = Target.objects.update_or_create(
            document=document,
            code=item["code"],
            defaults={
                "order": order,
                "section": section_at(item["quote"], where),
                "region": Region.objects.get(code=str(item.get("region", region.code))),
                "indicator": item["indicator"],
                "kind": item["kind"],
                "comparator": item["comparator"],
                "value": _as_decimal(item.get("value")),
                "unit": item.get("unit") or "",
                "reference": item.get("reference") or "",
                "horizon_year": item.get("horizon_year"),
                "baseline_year": item.get("baseline_year"),
                "baseline_value": _as_decimal(item.get("baseline_value")),
                "aspirational": bool(item.get("aspirational")),
                "quote": item["quote"],
                "responsibility_basis": item.get("responsibility_basis") or "",
            },
        )
        target.responsible_departments.set(resolve.many(item.get("responsible")))
        keep.append(item["code"])
    Target.objects.filter(document=document).exclude(code__in=keep).delete()
    counts.targets = len(keep)

    phases = {}
    CampaignPhase.objects.filter(document=document).delete()
    for order, item in enumerate(spec.get("phases") or [], start=1):
        phases[item["name"]] = CampaignPhase.objects.create(
            document=document,
            name=item["name"],
            order=order,
            start=_as_date(item["start"]),
            end=_as_date(item["end"]),
            description=item.get("description") or "",
        )

    keep = []
    for order, item in enumerate(spec.get("tasks") or [], start=1):
        where = f"{key} 任务 {item['code']}"
        if item.get("assignment_text"):
            _locate(text, item["assignment_text"], where)
        task, _ = Task.objects.update_or_create(
            document=document,
            code=item["code"],
            defaults={
                "order": order,
                "section": section_at(item["text"], where),
                "title": item["title"],
                "text": item["text"],
                "assignment_text": item.get("assignment_text") or "",
                "deadline": _as_date(item.get("deadline")),
                "phase": phases.get(item.get("phase")),
            },
        )
        task.assignments.all().delete()
        roles = [
            (AssignmentRole.LEAD, item.get("lead"), item.get("lead_wording") or "牵头"),
            (
                AssignmentRole.COOPERATING,
                item.get("cooperating"),
                item.get("cooperating_wording") or "按职责分工负责",
            ),
        ]
        for role, refs, wording in roles:
            for position, department in enumerate(resolve.many(refs), start=1):
                TaskAssignment.objects.create(
                    task=task, department=department, role=role, wording=wording, order=position
                )
        keep.append(item["code"])
    Task.objects.filter(document=document).exclude(code__in=keep).delete()
    counts.tasks = len(keep)

    keep = []
    for order, item in enumerate(spec.get("duties") or [], start=1):
        where = f"{key} 职责 {item['code']}"
        duty, _ = Duty.objects.update_or_create(
            document=document,
            code=item["code"],
            defaults={
                "order": order,
                "section": section_at(item["text"], where),
                "holder": item["holder"],
                "text": item["text"],
            },
        )
        duty.departments.set(resolve.many(item.get("departments")))
        keep.append(item["code"])
    Duty.objects.filter(document=document).exclude(code__in=keep).delete()
    counts.duties = len(keep)

    LeadershipGroup.objects.filter(document=document).delete()
    for item in spec.get("leadership_groups") or []:
        _locate(text, item["quote"], f"{key} 领导小组")
        group_region = Region.objects.get(code=str(item.get("region", region.code)))
        group_resolve = _DepartmentResolver(group_region, where=f"{key} 领导小组")
        group = LeadershipGroup.objects.create(
            document=document,
            region=group_region,
            name=item["name"],
            leader=item.get("leader") or "",
            deputy_leader=item.get("deputy_leader") or "",
            office_name=item["office_name"],
            office_host=group_resolve(item["office_host"]) if item.get("office_host") else None,
            office_duties=item.get("office_duties") or "",
            other_members=item.get("other_members") or "",
            quote=item["quote"],
        )
        group.members.set(group_resolve.many(item.get("members")))
        counts.leadership_groups += 1
    return counts


def rebuild_sections(document: PolicyDocument, text: str) -> dict[str, Section]:
    """Replace the document's sections with those split from its text, keyed by path."""
    document.sections.all().delete()
    by_path: dict[str, Section] = {}
    for order, span in enumerate(split_sections(text), start=1):
        by_path[span.path] = Section.objects.create(
            document=document,
            parent=by_path.get(span.parent_path),
            number=span.number,
            path=span.path,
            title=span.title,
            depth=span.depth,
            order=order,
            start=span.start,
            end=span.end,
        )
    return by_path


def carry_forward(*, user, document: PolicyDocument, carried: bool) -> PolicyDocument:
    """The office says whether a document whose horizon has passed is still assessed each year
    (its targets judged as levels to hold) or has expired (已到期, no longer judged)."""
    if not can_manage_documents_for(user, document.region):
        raise PermissionDenied(_("只有本级或上级领导小组办公室可以决定该文件是否继续考核。"))
    PolicyDocument.objects.filter(pk=document.pk).update(carried_forward=carried)
    document.carried_forward = carried
    return document
