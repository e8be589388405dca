"""Reads of the season, scoped by the access gate: the seasons a user may open, their units,
what a reviewer reviews, and each role's to-do list."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessments.models import (
    Appraisal,
    AppraisalState,
    Objection,
    ObjectionState,
    Publication,
    Rectification,
    Rulebook,
    Season,
    SeasonUnit,
    SelfStatus,
    Stage,
)
from assessments.season import services, stages
from portal import periods, scoping


def seasons_for(user):
    return (
        Season.objects.filter(scoping.seasons_q(user))
        .distinct()
        .select_related("rulebook__scope")
        .order_by("-rulebook__year", "rulebook__scope__path", "pk")
    )


def season_for(user, pk: int) -> Season:
    """A season the user may open; 404 otherwise (never confirming that it exists)."""
    return get_object_or_404(seasons_for(user), pk=pk)


def units_for(user, season: Season):
    return (
        SeasonUnit.objects.filter(scoping.season_units_q(user), season=season)
        .select_related("region", "department", "season__rulebook__scope")
        .order_by("region__path", "department__name")
    )


def unit_for(user, pk: int) -> SeasonUnit:
    return get_object_or_404(
        SeasonUnit.objects.filter(scoping.season_units_q(user)).select_related(
            "region", "department", "season__rulebook__scope"
        ),
        pk=pk,
    )


def own_unit(user, season: Season) -> SeasonUnit | None:
    """The unit the user acts for in this season (their region's or their department's)."""
    for unit in season.units.filter(
        Q(region_id=user.region_id) | Q(department_id=user.department_id)
    ):
        if scoping.acts_for_unit(user, region_id=unit.region_id, department_id=unit.department_id):
            return unit
    return None


def appraisals_for(user, **filters):
    return (
        Appraisal.objects.filter(scoping.appraisals_q(user), **filters)
        .select_related(
            "item__lead_department",
            "unit__region",
            "unit__department",
            "unit__season__rulebook__scope",
            "reviewed_by",
        )
        .prefetch_related("files")
        .order_by("item__order", "unit__region__path", "unit__department__name")
    )


def to_review(user, season: Season) -> list[Appraisal]:
    """The judged items of every unit that this user reviews (the lead department's, or the
    office's where it reviews itself)."""
    return [a for a in appraisals_for(user, unit__season=season) if services.may_review(user, a)]


def reviews_any(user, season: Season) -> bool:
    """Whether the user reviews any judged item of the season (one query, whatever its size)."""
    found = Appraisal.objects.filter(unit__season=season)
    if scoping.may_run_season(user, season.rulebook.scope):
        return found.filter(
            Q(item__lead_department__isnull=True)
            | Q(item__lead_department_id=F("unit__department_id"))
        ).exists()
    if scoping.is_department(user):
        return (
            found.filter(item__lead_department_id=user.department_id)
            .exclude(unit__department_id=user.department_id)
            .exists()
        )
    return False


def objections_for(user, **filters):
    return (
        Objection.objects.filter(scoping.appraisals_q(user), **filters)
        .distinct()
        .select_related(
            "unit__region",
            "unit__department",
            "unit__season__rulebook__scope",
            "item__lead_department",
            "answered_by",
        )  # fmt: skip
        .prefetch_related("files")
        .order_by("state", "raised_at", "pk")
    )


def review_progress(season: Season) -> list[dict]:
    """Per reviewer (a department or the office): judged items reviewed and still to review."""
    rows = (
        Appraisal.objects.filter(unit__season=season)
        .values(
            "item__lead_department__short_name",
            "unit__department_id",
            "item__lead_department_id",
            "state",
        )  # fmt: skip
        .annotate(n=Count("pk"))
    )
    progress: dict[str, dict] = {}
    for row in rows:
        office = scoping.reviewer_is_office(
            lead_department_id=row["item__lead_department_id"],
            unit_department_id=row["unit__department_id"],
        )
        name = _("考核办公室") if office else row["item__lead_department__short_name"]
        entry = progress.setdefault(name, {"reviewer": name, "done": 0, "returned": 0, "todo": 0})
        if row["state"] == AppraisalState.REVIEWED:
            entry["done"] += row["n"]
        elif row["state"] == AppraisalState.RETURNED:
            entry["returned"] += row["n"]
        else:
            entry["todo"] += row["n"]
    return sorted(progress.values(), key=lambda e: (-e["todo"], e["reviewer"]))


@dataclass
class Todo:
    season: Season
    text: str
    url_name: str
    args: tuple
    due: date | None = None


def todos(user) -> list[Todo]:
    """What the user has to do in the seasons they take part in, soonest first."""
    found: list[Todo] = []
    for season in seasons_for(user).exclude(stage=Stage.FINAL):
        unit = own_unit(user, season)
        if unit is not None:
            if season.stage == Stage.SELF and unit.self_status == SelfStatus.DRAFT:
                found.append(Todo(season, _("填写并提交自评"), "season:unit", (unit.pk,),
                                  season.self_until))  # fmt: skip
            returned = unit.appraisals.filter(state=AppraisalState.RETURNED).count()
            if returned:
                found.append(Todo(season, _("补充退回项目的材料（%(n)d 项）") % {"n": returned},
                                  "season:unit", (unit.pk,), season.review_until))  # fmt: skip
            if season.stage == Stage.PUBLICITY:
                found.append(Todo(season, _("查看公示结果，如有异议在公示期内提出"),
                                  "season:unit", (unit.pk,), season.publicity_until))  # fmt: skip
        if season.stage in (Stage.SELF, Stage.REVIEW):
            waiting = [a for a in to_review(user, season) if a.state == AppraisalState.SUBMITTED]
            if waiting:
                found.append(Todo(season, _("评审 %(n)d 个项目") % {"n": len(waiting)},
                                  "season:review", (season.pk,), season.review_until))  # fmt: skip
        if season.stage in (Stage.PUBLICITY, Stage.RECHECK):
            open_ = [o for o in objections_for(user, unit__season=season, state=ObjectionState.OPEN)
                     if stages.may_answer(user, o)]  # fmt: skip
            if open_:
                found.append(Todo(season, _("答复 %(n)d 条异议") % {"n": len(open_)},
                                  "season:detail", (season.pk,), None))  # fmt: skip
        if scoping.may_run_season(user, season.rulebook.scope) and stages.due_to_advance(
            season, periods.today()
        ):
            found.append(Todo(season, _("进入下一阶段：%(stage)s")
                              % {"stage": Stage(stages.next_stage(season)).label},
                              "season:detail", (season.pk,), None))  # fmt: skip
    for task in rectifications_for(user).filter(done_at__isnull=True):
        found.append(Todo(task.unit.season, _("报送整改情况"), "season:unit", (task.unit_id,),
                          task.due_on))  # fmt: skip
    return sorted(found, key=lambda t: (t.due or date.max, t.season.pk))


def rectifications_for(user):
    return Rectification.objects.filter(scoping.season_units_q(user, "unit")).select_related(
        "unit__season__rulebook", "unit__region", "unit__department"
    )


def openable_rulebooks(user) -> list[Rulebook]:
    """Current rulebooks of this year or later that this office may start a season for: none
    started for the year yet (any version), and not already published."""
    if not (scoping.is_office(user) or scoping.is_unrestricted(user)):
        return []
    started = Season.objects.filter(
        rulebook__year=OuterRef("year"),
        rulebook__scope=OuterRef("scope"),
        rulebook__level=OuterRef("level"),
        rulebook__subject=OuterRef("subject"),
    )
    published = Publication.objects.filter(
        year=OuterRef("year"), rulebook__scope=OuterRef("scope"), rulebook__level=OuterRef("level")
    )
    books = (
        Rulebook.objects.filter(is_current=True, year__gte=periods.today().year)
        .exclude(Exists(started))
        .exclude(Exists(published))
        .select_related("scope")
    )
    if scoping.is_office(user):
        books = books.filter(scope=user.region)
    return list(books.order_by("-year", "scope__path", "subject", "level")[:20])
