"""The demo's assessment seasons (fixtures/demo/season.yaml): a rulebook with judged items, a
season opened by its office, and the units' and reviewers' steps taken through the season's
services as the users would take them (each on a day inside its window)."""

import dataclasses
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction

from assessments.devdata.reference import _create_item
from assessments.models import Rulebook, Season, Stage, Subject
from assessments.scoring import rulebooks
from assessments.scoring.rulebook_checks import ItemDraft
from assessments.season import services, stages
from portal.models import Department, Region, Role, User
from targets.services import read_yaml

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _office(region: Region) -> User:
    """The region's office account; a demo peer without one acts through a service account."""
    office = User.objects.filter(role=Role.OFFICE, region=region, is_active=True).first()
    if office is None:
        office = User.objects.create(
            username=f"demo-office-{region.code}",
            role=Role.OFFICE,
            region=region,
            first_name=f"{region.name}质量强区工作领导小组办公室",
        )
        office.set_unusable_password()
        office.save()
    return office


def _department_user(department: Department) -> User:
    user = User.objects.filter(role=Role.DEPARTMENT, department=department).first()
    if user is None:  # a unit without a demo account acts through a service account
        user = User.objects.create(
            username=f"demo-dept-{department.pk}",
            role=Role.DEPARTMENT,
            department=department,
            first_name=department.short_name,
        )
        user.set_unusable_password()
        user.save()
    return user


def _lead(text: str | None) -> Department | None:
    if not text:
        return None
    code, short = text.split(":", 1)
    return Department.objects.get(region__code=code, short_name=short)


def _scaled(points: Decimal, share: Decimal) -> Decimal:
    return (points * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _judged_rows(spec: dict, parent: str | None) -> list[rulebooks.ItemRow]:
    rows = [
        rulebooks.ItemRow(
            draft=ItemDraft(
                code=str(spec["code"]),
                name=spec["name"],
                parent=parent,
                points=Decimal(str(spec["points"])),
                method=spec.get("method", ""),
                params=spec.get("params") or {},
            ),
            evidence=spec.get("evidence", ""),
            lead_department=_lead(spec.get("lead")),
            key_points=spec.get("key_points", ""),
            rule_text=spec.get("rule_text", ""),
        )
    ]
    for child in spec.get("children") or []:
        rows += _judged_rows(child, str(spec["code"]))
    return rows


def _regions_rulebook(spec: dict, year: int) -> Rulebook:
    """The scope's current rulebook re-issued with its computed items' points scaled and the
    judged items added (a new version, as an office uploading its revised table)."""
    scope = Region.objects.get(code=spec["scope"])
    current = Rulebook.objects.get(
        year=year, scope=scope, level=spec["level"], subject=Subject.REGIONS, is_current=True
    )
    share = Decimal(str(spec["computed_share"]))
    draft = rulebooks.draft_of(current)
    for row in draft.items:
        if row.draft.method != "bonus":
            row.draft = dataclasses.replace(row.draft, points=_scaled(row.draft.points, share))
    for judged in spec["judged"]:
        draft.items += _judged_rows(judged, None)
    draft.name = spec["name"]
    return rulebooks.issue_version(rulebook=current, draft=draft, user=_office(scope))


def _departments_rulebook(spec: dict, year: int) -> Rulebook:
    scope = Region.objects.get(code=spec["scope"])
    book = Rulebook.objects.create(
        year=year,
        scope=scope,
        level=spec["level"],
        subject=Subject.DEPARTMENTS,
        name=spec["name"],
        total_points=Decimal(str(spec.get("total", 100))),
        notes="演示数据（fixtures/demo/season.yaml）",
    )
    order = [0]
    for item in spec["items"]:
        _create_item(book, item, None, order)
    return book


def _unit(season: Season, key: str):
    if season.rulebook.subject == Subject.DEPARTMENTS:
        return season.units.get(department__short_name=key)
    return season.units.get(region__code=key)


def _actor(unit) -> User:
    if unit.region_id:
        return _office(unit.region)
    return _department_user(unit.department)


def _reviewer(season: Season, appraisal) -> User:
    lead = appraisal.item.lead_department
    if lead is None or lead.pk == appraisal.unit.department_id:
        return _office(season.rulebook.scope)
    return _department_user(lead)


def _play(season: Season, progress: dict, *, self_day: date, review_day: date) -> None:
    for key, choices in (progress.get("submitted") or {}).items():
        unit = _unit(season, key)
        actor = _actor(unit)
        for code, choice in choices.items():
            appraisal = unit.appraisals.get(item__code=code)
            services.save_self(
                appraisal=appraisal,
                user=actor,
                choice=choice,
                statement=f"{unit.name}自评说明：已按要求提交{appraisal.item.evidence or '材料'}。",
                files=[services.Upload(f"{appraisal.item.evidence or '佐证材料'}.pdf", PDF)],
                on=self_day,
            )
        services.submit_self(unit=unit, user=actor, on=self_day)
    for key, items in (progress.get("reviewed") or {}).items():
        unit = _unit(season, key)
        for code, (choice, reason) in items.items():
            appraisal = unit.appraisals.get(item__code=code)
            services.review(appraisal=appraisal, user=_reviewer(season, appraisal),
                            choice=choice, reason=reason, on=review_day)  # fmt: skip
    for key, items in (progress.get("returned") or {}).items():
        unit = _unit(season, key)
        for code, reason in items.items():
            appraisal = unit.appraisals.get(item__code=code)
            services.return_item(appraisal=appraisal, user=_reviewer(season, appraisal),
                                 reason=reason, on=review_day)  # fmt: skip


@transaction.atomic
def seed_seasons(*, path: Path, today: date) -> list[Season]:
    """Create the demo's seasons (skipped when the year already has them)."""
    seasons = []
    for spec in read_yaml(path)["seasons"]:
        year = today.year
        subject = spec["subject"]
        if Season.objects.filter(rulebook__year=year, rulebook__scope__code=spec["scope"],
                                 rulebook__subject=subject).exists():  # fmt: skip
            continue
        if subject == Subject.DEPARTMENTS:
            book = _departments_rulebook(spec, year)
        else:
            book = _regions_rulebook(spec, year)
        windows = {name: today + timedelta(days=days) for name, days in spec["windows"].items()}
        office = _office(book.scope)
        season = services.open_season(
            rulebook=book,
            user=office,
            self_until=windows["self"],
            review_until=windows["review"],
            publicity_until=windows["publicity"],
            rectify_due=windows["rectify"],
        )
        _play(season, spec.get("progress") or {}, self_day=min(today, windows["self"]),
              review_day=min(today, windows["review"]))  # fmt: skip
        target = spec.get("stage", Stage.SELF)
        while season.stage != target:
            season = stages.advance(season=season, user=office)
        for key, items in (spec.get("progress") or {}).get("objections", {}).items():
            unit = _unit(season, key)
            for code, statement in items.items():
                stages.object_to(unit=unit, item=book.items.get(code=code), user=_actor(unit),
                                   statement=statement, on=today,
                                   files=[services.Upload("补充材料.pdf", PDF)])  # fmt: skip
        seasons.append(season)
    return seasons
