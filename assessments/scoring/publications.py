"""发布考核结果: the office signs a rulebook's results, and corrects them with a reason.

Publishing copies the results the latest run computed, with what they were computed from, into
a Publication (see the model). It is refused while a run of the year is going, when there are no
results, when the results are in-year projections, and when a definition they were computed from
has changed since (the office re-runs first, and the run page lists what changed). Results with
flags (缺参照值, 缺上年数据) are published only when the office confirms them. A rulebook already
published is corrected by publishing again with a reason; the earlier publication stays readable
and is marked as corrected."""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import (
    AssessmentRun,
    Publication,
    PublishedResult,
    RegionResult,
    Rulebook,
    RunStatus,
    Subject,
)
from assessments.models.assessment import flag_word
from assessments.scoring import definitions as defs
from assessments.scoring import inputs, judging, sql
from assessments.scoring.results import current_publications
from portal import notices
from portal.models import Role, User

logger = logging.getLogger(__name__)

RESULT_FIELDS = ["region_id", "total", "grade", "rank", "peers", "vetoed", "veto_reason", "items",
                 "reported", "projected", "figures", "flags"]  # fmt: skip


class PublishRefused(Exception):
    """The results cannot be published as they stand; the message says why, in Chinese."""


def definitions_now(rulebook: Rulebook) -> dict:
    """The rulebook's definitions as a run would record them now (current targets, indicators,
    reference values and incidents)."""
    model = inputs.load_inputs(rulebook.year, scopes=[rulebook.scope_id])
    book = next((b for b in model.rulebooks if b.pk == rulebook.pk), None)
    if book is None:  # not the current version: nothing is computed from it any more
        return {}
    references = {(r.indicator_id, r.region_id, r.year): r.value for r in model.references}
    spec = judging.rulebook_spec(book, rulebook.year, references, model.precisions)
    incidents = []
    if model.incidents and book.vetoes.all():
        peers = sql.region_frame(Q(level=book.level, path__startswith=book.scope.path)).set_index(
            "region"
        )
        incidents = sorted(set(judging.vetoes_of(book, peers, model.incidents).values()))
    return judging.definitions_of(book, spec, model, incidents)


@dataclass
class Readiness:
    """Whether a rulebook's current results can be published, and what the office should know."""

    rulebook: Rulebook
    run: AssessmentRun | None = None
    results: int = 0
    changes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    current: Publication | None = None
    differs: int = 0  # regions whose current result differs from the published one
    recorded: dict = field(default_factory=dict)  # the definitions the results were computed from

    @property
    def ready(self) -> bool:
        return not self.blocking


def has_judged_items(rulebook: Rulebook) -> bool:
    return any(item.is_judged for item in rulebook.items.all())


def readiness(rulebook: Rulebook, *, season: bool = False) -> Readiness:
    """Whether the rulebook's results can be published; ``season``: by its assessment season,
    which adds the judged items' scores to the computed ones."""
    state = Readiness(rulebook=rulebook)
    state.current = current_publications([rulebook]).get(
        (rulebook.year, rulebook.scope_id, rulebook.level)
    )
    if not rulebook.is_current:
        state.blocking.append(_("这不是现行版本的评分细则，只能发布现行版本的计算结果。"))
        return state
    if not season and has_judged_items(rulebook):
        state.blocking.append(
            _("这份评分细则含评审项目，须在考核季中自评、评审、公示后由考核季发布。")
        )
        return state
    if rulebook.subject == Subject.DEPARTMENTS:
        return state  # scored by its season from the government's own figures
    if AssessmentRun.objects.filter(year=rulebook.year, status=RunStatus.RUNNING).exists():
        state.blocking.append(_("本年度的考核计算正在进行中，请等计算完成后再发布。"))
    rows = list(RegionResult.objects.filter(rulebook=rulebook))
    state.results = len(rows)
    if not rows:
        state.blocking.append(_("这份评分细则还没有计算结果，请先进行考核计算。"))
        return state
    # The run without its definitions (those of every rulebook of the year: large), and of
    # them only this rulebook's, extracted by the database.
    state.run = AssessmentRun.objects.defer("definitions").get(pk=rows[0].run_id)
    recorded = sql.run_definitions_of(rows[0].run_id, rulebook.pk)
    state.recorded = recorded
    now = definitions_now(rulebook)
    if not recorded:
        state.blocking.append(_("现有结果由旧版程序计算，未记录所用定义，请重新计算后再发布。"))
    else:
        state.changes = defs.changes(recorded, now)
        if state.changes:
            state.blocking.append(_("自上次计算以来，评分所依据的定义已修改，请重新计算后再发布。"))
    if any(row.projected for row in rows):
        state.blocking.append(
            _("当前得分是按年末预测值计算的预计得分，年度结束、数据齐全后才能发布。")
        )
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        for flag in row.flags:
            key = (flag["kind"], flag["item"])
            counts[key] = counts.get(key, 0) + 1
    state.flags = [
        ngettext(
            "项目 %(item)s：%(count)d 个地区%(flag)s，按 0 分计",
            "项目 %(item)s：%(count)d 个地区%(flag)s，按 0 分计",
            count,
        )
        % {"item": item, "count": count, "flag": flag_word(kind)}
        for (kind, item), count in sorted(counts.items(), key=lambda kv: kv[0][1])
    ]
    if state.current is not None:
        published = {r.region_id: (r.total, r.grade, r.rank) for r in state.current.results.all()}
        state.differs = sum(
            published.get(row.region_id) != (row.total, row.grade, row.rank) for row in rows
        )
    return state


def publish(*, rulebook: Rulebook, user, reason: str = "", confirm_flags: bool = False
            ) -> Publication:  # fmt: skip
    """Publish (or, when published before, correct) the rulebook's current results."""
    reason = (reason or "").strip()
    with transaction.atomic():
        # One publisher at a time per rulebook: the second waits, then numbers after the first.
        Rulebook.objects.select_for_update().filter(pk=rulebook.pk).first()
        state = readiness(rulebook)
        if state.blocking:
            raise PublishRefused(" ".join(state.blocking))
        if state.flags and not confirm_flags:
            raise PublishRefused(
                _("以下情况会按 0 分发布，请核实后勾选确认：%(flags)s")
                % {"flags": "；".join(state.flags)}
            )
        previous = state.current
        if previous is not None and not reason:
            raise PublishRefused(_("本年度结果已经发布过；更正发布须填写更正原因。"))
        if len(reason) > 500:
            raise PublishRefused(_("更正原因不能超过 500 字。"))
        publication = _record(
            rulebook,
            user,
            state,
            state.recorded,
            [
                PublishedResult(**{name: getattr(row, name) for name in RESULT_FIELDS})
                for row in RegionResult.objects.filter(rulebook=rulebook)
            ],
            reason,
        )
        number = publication.number
    logger.info(
        "rulebook %s published (number %s) by %s%s",
        rulebook.pk,
        number,
        getattr(user, "username", "-"),
        f", correcting: {reason}" if previous else "",
    )
    return publication


def _record(rulebook, user, state: Readiness, definitions: dict, rows: list[PublishedResult],
            reason: str, notify_units: bool = True) -> Publication:  # fmt: skip
    previous = state.current
    publication = Publication.objects.create(
        rulebook=rulebook,
        year=rulebook.year,
        number=(previous.number + 1) if previous is not None else 1,
        run=state.run,
        supersedes=previous,
        reason=reason,
        definitions=definitions,
        flags=state.flags,
        published_by=user if user is not None and user.is_authenticated else None,
    )
    for row in rows:
        row.publication = publication
    PublishedResult.objects.bulk_create(rows)
    if notify_units:
        _notify_regions(publication, rows)
    return publication


def _notify_regions(publication: Publication, rows: list[PublishedResult]) -> None:
    """Each assessed region's office hears of its own published result (never another's)."""
    by_region = {row.region_id: row for row in rows if row.region_id}
    offices = User.objects.filter(role=Role.OFFICE, is_active=True, region_id__in=by_region)
    for office in offices.select_related("region"):
        row = by_region[office.region_id]
        notices.notify(
            [office],
            kind="published",
            params={"rulebook": str(publication.rulebook), "unit": office.region.name,
                    "total": f"{row.total}" if row.reported else "—",
                    "grade": row.grade_label},
            link=reverse("dashboard:region", args=[office.region.code]),
            key=f"published:{publication.pk}",
        )  # fmt: skip


def publish_rows(*, rulebook: Rulebook, user, rows: list[PublishedResult], extra_items: list[dict],
                 reason: str = "") -> Publication:  # fmt: skip
    """Publish results an assessment season totalled (computed and judged items): the same
    refusals as ``publish`` for the computed part, the judged items' definitions frozen beside
    the computed ones. Called inside the season's transaction."""
    Rulebook.objects.select_for_update().filter(pk=rulebook.pk).first()
    state = readiness(rulebook, season=True)
    if state.blocking:
        raise PublishRefused(" ".join(state.blocking))
    if state.current is not None and not reason:
        reason = _("考核季最终发布")
    if state.recorded:
        definitions = dict(state.recorded)
    else:
        definitions = {
            "name": rulebook.name,
            "version": rulebook.version,
            "total_points": float(rulebook.total_points),
            "decimals": rulebook.decimals,
            "rounding": rulebook.rounding,
            "bands": [[b["grade"], float(b["min"])] for b in rulebook.grade_bands],
            "items": [],
            "indicators": {},
            "vetoes": [],
            "incidents": [],
        }
    definitions["items"] = [*definitions.get("items", []), *extra_items]
    publication = _record(rulebook, user, state, definitions, rows, reason, notify_units=False)
    logger.info("rulebook %s published by its season (number %s)", rulebook.pk, publication.number)
    return publication
