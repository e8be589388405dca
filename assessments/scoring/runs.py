"""Writes: assessment runs. Roll a year's approved figures up the region tree, score every
rulebook of the year, raise warnings, and publish it all at once.

- A run is a recorded object (``AssessmentRun``) with status, progress, a fingerprint of its
  inputs and a summary. The database refuses a second running run of the same year; a run
  whose heartbeat stopped (its worker died) is marked failed by the next one.
- Everything is computed in memory from SQL set operations (queries.py) and pure modules
  (aggregation, rollup, scoring), then written in ONE transaction that replaces the previous
  results. Readers see the previous complete run until that transaction commits; a worker killed
  before the commit leaves nothing behind. The same inputs give the same rows.
- ``rescore_path`` re-scores after one approval: it recomputes the group of the approved region
  from SQL, climbs only the path above it using the published figures of the siblings, re-scores
  only the rulebooks on that path, and replaces only those rows.
"""

import hashlib
import itertools
import json
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pandas as pd
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.models import (
    AssessmentRun,
    DataElement,
    ElementFigure,
    Indicator,
    QualityIncident,
    ReferenceValue,
    RegionFigure,
    RegionResult,
    Rulebook,
    RunStatus,
    Severity,
    TargetMeasure,
    TargetWarning,
)
from assessments.scoring import sql as queries
from assessments.scoring.aggregation import ElementRule, IndicatorRule
from assessments.scoring.methods import ItemSpec, RulebookSpec, score
from assessments.scoring.rollup import (
    TargetCheck,
    check_target,
    climb,
    group_figures,
    indicator_table,
    no_figures,
    project,
    recombine,
    same_quarters,
)
from portal.bulk import insert_frame, insert_rows
from portal.models import Region, RegionLevel

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=15)
Progress = Callable[[int, str], None]


class RunInProgress(Exception):
    """Another run of the same year is still running."""


@dataclass
class Model:
    """What a run reads once: element and indicator rules, rulebooks, and the year's
    reference values and recorded incidents (for scoring, warnings and the fingerprint)."""

    rules: dict[str, ElementRule]
    codes: dict[int, str]
    element_ids: dict[str, int]
    indicator_rules: list[IndicatorRule]
    indicator_ids: dict[str, int]
    rulebooks: list[Rulebook]
    versions: dict[str, int] = field(default_factory=dict)
    references: list[ReferenceValue] = field(default_factory=list)
    incidents: list[QualityIncident] = field(default_factory=list)


def load_model(year: int, scopes: list[int] | None = None) -> Model:
    """Element and indicator rules, and the year's rulebooks (those scoped to ``scopes`` only,
    for a path re-score)."""
    elements = list(DataElement.objects.select_related("weight"))
    rules = {
        e.code: ElementRule(
            e.code, e.time_aggregation, e.region_aggregation, e.weight.code if e.weight else None
        )
        for e in elements
    }
    indicators = list(Indicator.objects.select_related("numerator", "denominator"))
    indicator_rules = [
        IndicatorRule(
            i.code,
            i.numerator.code,
            i.denominator.code if i.denominator else None,
            float(i.scale),
        )
        for i in indicators
    ]
    books = Rulebook.objects.filter(year=year)
    if scopes is not None:
        books = books.filter(scope__in=scopes)
    rulebooks = list(
        books.select_related("scope")
        .prefetch_related("items__indicator", "items__target__measure__reference_region", "vetoes")
        .order_by("pk")
    )
    return Model(
        rules=rules,
        codes={e.pk: e.code for e in elements},
        element_ids={e.code: e.pk for e in elements},
        indicator_rules=indicator_rules,
        indicator_ids={i.code: i.pk for i in indicators},
        rulebooks=rulebooks,
        versions={str(r.pk): r.version for r in rulebooks},
        references=list(ReferenceValue.objects.filter(year=year).order_by("pk")),
        incidents=list(
            QualityIncident.objects.filter(occurred_on__year=year)
            .select_related("region")
            .order_by("pk")
        ),
    )


# --- Run lifecycle ------------------------------------------------------------------------------


def _reap_stale(year: int) -> None:
    """A running run whose heartbeat stopped belongs to a dead worker: mark it failed."""
    cutoff = timezone.now() - STALE_AFTER
    AssessmentRun.objects.filter(year=year, status=RunStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    ).update(
        status=RunStatus.FAILED,
        error=gettext_noop("运行中断（工作进程已停止），已由后续计算标记为失败。"),
        finished_at=timezone.now(),
    )


def start_run(*, year: int, trigger: str, user=None, path_region=None) -> AssessmentRun:
    """Record a new running run, or raise RunInProgress when the year is already running."""
    _reap_stale(year)
    try:
        with transaction.atomic():
            return AssessmentRun.objects.create(
                year=year,
                trigger=trigger,
                created_by=user if user is not None and user.is_authenticated else None,
                path_region=path_region,
                heartbeat_at=timezone.now(),
                message=gettext_noop("排队中"),
            )
    except IntegrityError:
        raise RunInProgress(
            _("%(year)s年的考核计算正在进行中，请稍后再试。") % {"year": year}
        ) from None


def _beat(run: AssessmentRun, progress: int, message: str, on_progress: Progress | None) -> None:
    run.progress, run.message = progress, message
    AssessmentRun.objects.filter(pk=run.pk).update(
        progress=progress, message=message, heartbeat_at=timezone.now()
    )
    if on_progress:
        on_progress(progress, message)


def _fail(run: AssessmentRun, error: BaseException) -> None:
    logger.exception("assessment run %s failed", run.pk)
    AssessmentRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED,
        error="".join(traceback.format_exception_only(type(error), error)).strip()[:2000],
        finished_at=timezone.now(),
    )
    run.status = RunStatus.FAILED


def latest_run(year: int) -> AssessmentRun | None:
    """The run whose results readers see: the latest successful one."""
    return (
        AssessmentRun.objects.filter(year=year, status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )


def run_year(*, year: int, trigger: str = "command", user=None, on_progress=None) -> AssessmentRun:
    """The full run of a year: every region, every rulebook, every warning."""
    run = start_run(year=year, trigger=trigger, user=user)
    return _carry_out(run, lambda: _full(run, on_progress))


def rescore_path(*, year: int, region: Region, trigger: str = "approval") -> AssessmentRun:
    """Re-score after a change in ``region``: only the path above it and its rulebooks."""
    if latest_run(year) is None:
        return run_year(year=year, trigger=trigger)
    run = start_run(year=year, trigger=trigger, path_region=region)
    return _carry_out(run, lambda: _path(run, region))


def _carry_out(run: AssessmentRun, work: Callable[[], None]) -> AssessmentRun:
    """Do a started run's work; any failure (a killed worker included) marks it failed."""
    try:
        work()
    except BaseException as error:
        _fail(run, error)
        raise
    return run


def enqueue_year(*, year: int, user=None) -> bool:
    """Queue a full run of the year (the office's button); False when one is already running.

    The running row is created by the task itself; this only refuses a second click while a
    run is in progress, so that the office sees why nothing new starts."""
    from assessments.scoring.tasks import run_assessment

    _reap_stale(year)
    if AssessmentRun.objects.filter(year=year, status=RunStatus.RUNNING).exists():
        return False
    user_id = user.pk if user is not None and user.is_authenticated else None
    transaction.on_commit(lambda: run_assessment.delay(year, "manual", user_id))
    return True


# --- Full run -----------------------------------------------------------------------------------


@dataclass
class Computed:
    """Everything a run publishes, as frames with region ids."""

    elements: pd.DataFrame  # region, element, value, quarters
    indicators: pd.DataFrame  # region, indicator, value, projected, quarters
    results: pd.DataFrame  # RESULT_COLUMNS
    warnings: list[TargetWarning]
    fingerprint: str
    summary: dict


def _town_scopes(model: Model) -> list[Region]:
    return [r.scope for r in model.rulebooks if r.level == RegionLevel.TOWN]


def _groups(year: int, model: Model, **scope) -> tuple[pd.DataFrame, list]:
    """Element figures of the year's approved values (``scope``: as queries.year_figures takes
    it), and the raw SQL partials they came from (for the fingerprint)."""
    partials, weighted = queries.year_figures(year, **scope)
    return group_figures(partials, weighted, model.rules, model.codes), [partials, weighted]


def _town_groups(year: int, model: Model, scopes: list[Region]) -> tuple[pd.DataFrame, list]:
    frames, raw = [], []
    for scope in scopes:
        frame, partials = _groups(year, model, under=scope, per_region=True)
        frames.append(frame)
        raw += partials
    if not frames:
        return no_figures(), raw
    towns = pd.concat(frames, ignore_index=True)
    in_scope = set(_towns_under(scopes))
    towns = towns[towns["region"].isin(in_scope)]
    return towns.drop_duplicates(["region", "element"]), raw


def _towns_under(scopes: list[Region]) -> list[int]:
    """Every town a town-level rulebook scores, with figures or without (those score 0)."""
    ids: list[int] = []
    for scope in scopes:
        ids += Region.objects.filter(
            level=RegionLevel.TOWN, path__startswith=scope.path
        ).values_list("pk", flat=True)
    return ids


def _full(run: AssessmentRun, on_progress: Progress | None) -> None:
    year = run.year
    _beat(run, 5, gettext_noop("读取已审核数据"), on_progress)
    model = load_model(year)
    groups, raw = _groups(year, model)
    towns, town_raw = _town_groups(year, model, _town_scopes(model))
    _beat(run, 40, gettext_noop("逐级汇总"), on_progress)
    tree = queries.region_tree(_towns_under(_town_scopes(model)))
    figures = climb(groups, tree, model.rules)
    figures = pd.concat([figures, towns], ignore_index=True).drop_duplicates(
        ["region", "element"], keep="first"
    )
    computed = _compute(run, model, figures, tree, raw + town_raw, on_progress)
    _beat(run, 90, gettext_noop("发布结果"), on_progress)
    with transaction.atomic():
        ElementFigure.objects.filter(year=year).delete()
        RegionResult.objects.filter(rulebook__year=year).delete()
        TargetWarning.objects.filter(year=year).delete()
        _write(run, model, computed, RegionFigure.objects.filter(year=year))
        _finish(run, model, computed)


def _compute(run, model: Model, figures, tree, raw: list, on_progress) -> Computed:
    year = run.year
    projected = project(figures, model.rules)
    indicators = indicator_table(figures, projected, model.indicator_rules)
    _beat(run, 60, gettext_noop("评分"), on_progress)
    results, vetoed = _score_all(year, model, indicators, tree)
    _beat(run, 75, gettext_noop("预警"), on_progress)
    warnings = _warnings(year, model, indicators, tree, vetoed)
    fingerprint = _fingerprint(raw, model)
    summary = {
        "regions": int(figures["region"].nunique()),
        "figures": len(figures),
        "rulebooks": len(model.rulebooks),
        "results": len(results),
        "warnings": {
            "red": sum(w.level == "red" for w in warnings),
            "yellow": sum(w.level == "yellow" for w in warnings),
        },
    }
    return Computed(figures, indicators, results, warnings, fingerprint, summary)


def _item_specs(rulebook: Rulebook, year: int, references: dict) -> tuple[ItemSpec, ...]:
    leaves = [item for item in rulebook.items.all() if item.method]
    specs = []
    for item in leaves:
        target = item.target
        comparator = item.comparator or (target.comparator if target else ">=")
        threshold = (
            item.threshold if item.threshold is not None else (target.value if target else None)
        )
        reference = None
        if item.method == "relative" and target is not None and hasattr(target, "measure"):
            region = target.measure.reference_region
            indicator = item.indicator or target.measure.indicator
            if region is not None:
                reference = references.get((indicator.pk, region.pk, year))
        specs.append(
            ItemSpec(
                code=item.code,
                points=float(item.points),
                method=item.method,
                indicator=item.indicator.code if item.indicator else None,
                comparator=comparator,
                threshold=float(threshold) if threshold is not None else None,
                reference=float(reference) if reference is not None else None,
                params=item.params or {},
            )
        )
    return tuple(specs)


RESULT_COLUMNS = ["rulebook", "region", "total", "grade", "rank", "peers", "vetoed",
                  "veto_reason", "items"]  # fmt: skip


def _score_all(year, model: Model, indicators: pd.DataFrame, tree: pd.DataFrame, only=None):
    """Results of every rulebook (or those in ``only``) as a frame, and the regions vetoed.

    Rulebooks with the same specification (items, bands) are scored in one vectorised call,
    each one's peers ranked among themselves."""
    references = {(r.indicator_id, r.region_id, r.year): r.value for r in model.references}
    incidents = model.incidents
    values = (
        indicators.drop_duplicates(["region", "indicator"])
        .set_index(["region", "indicator"])["value"]
        .unstack()
    )
    info = tree.set_index("region")
    members = _members_by_ancestor(tree)
    batches: dict[str, tuple[RulebookSpec, list]] = {}
    for rulebook in model.rulebooks:
        if only is not None and rulebook.pk not in only:
            continue
        peers = pd.Index(members.get((rulebook.scope.code, rulebook.level), []))
        if peers.empty:
            continue
        spec = RulebookSpec(
            items=_item_specs(rulebook, year, references),
            bands=tuple((b["grade"], float(b["min"])) for b in rulebook.grade_bands),
        )
        batch = batches.setdefault(repr(spec), (spec, []))
        batch[1].append((rulebook, peers))
    frames, vetoed = [], {}
    for spec, books in batches.values():
        # Scored on a plain positional index (a MultiIndex costs more than the arithmetic).
        rulebook_ids = [book.pk for book, peers in books for _region in peers]
        region_ids = [region for _book, peers in books for region in peers]
        table = values.reindex(region_ids)
        table.index = pd.RangeIndex(len(region_ids))
        vetoes = {
            (book.pk, region): reason
            for book, peers in books
            if incidents and book.vetoes.all()
            for region, reason in _vetoes(book, info.loc[peers], incidents).items()
        }
        positions = {key: n for n, key in enumerate(zip(rulebook_ids, region_ids, strict=True))}
        groups = pd.Series(rulebook_ids, index=table.index)
        scored = score(spec, table, {positions[k]: r for k, r in vetoes.items()}, groups)
        codes = [item.code for item in spec.items]
        items = scored[codes].round(4).to_dict("records") if codes else [{}] * len(scored)
        frame = scored[["total", "grade", "rank", "peers", "vetoed", "veto_reason"]].assign(
            rulebook=rulebook_ids, region=region_ids
        )
        frame["items"] = [json.dumps(i, ensure_ascii=False, sort_keys=True) for i in items]
        frames.append(frame)
        vetoed |= {region: reason for (_book, region), reason in vetoes.items()}
    if not frames:
        return pd.DataFrame(columns=RESULT_COLUMNS), vetoed
    results = pd.concat(frames, ignore_index=True)[RESULT_COLUMNS]
    return results.sort_values(["rulebook", "region"]).reset_index(drop=True), vetoed


def _members_by_ancestor(tree: pd.DataFrame) -> dict[tuple[str, int], list[int]]:
    """For each (ancestor code, level): the regions of that level below or at that ancestor,
    in path order — every rulebook's peers from one pass over the tree."""
    members: dict[tuple[str, int], list[int]] = {}
    for region, level, path in sorted(
        tree[["region", "level", "path"]].itertuples(index=False), key=lambda row: row[2]
    ):
        for code in path.split("/"):
            if code:
                members.setdefault((code, int(level)), []).append(int(region))
    return members


def _vetoes(rulebook: Rulebook, peers: pd.DataFrame, incidents) -> dict[int, str]:
    rules = list(rulebook.vetoes.all())
    if not rules or not incidents:
        return {}
    threshold = min(rule.min_severity for rule in rules)
    vetoes = {}
    for incident in sorted(incidents, key=lambda i: (i.occurred_on, i.pk)):
        if incident.severity < threshold:
            continue
        for region_id, path in peers["path"].items():
            if incident.region.path.startswith(path) and region_id not in vetoes:
                vetoes[int(region_id)] = (
                    f"一票否决：{incident.occurred_on:%Y-%m-%d} {incident.region.name}"
                    f"{incident.description}（{Severity(incident.severity).label}）"
                )
    return vetoes


def _warnings(year, model: Model, indicators: pd.DataFrame, tree: pd.DataFrame, vetoed,
              regions=None) -> list[TargetWarning]:  # fmt: skip
    names = tree.set_index("region")["name"]
    table = indicators.set_index(["region", "indicator"])
    measures = (
        TargetMeasure.objects.filter(target__document__in_force=True)
        .select_related("target", "indicator", "reference_region", "indicator__numerator")
        .prefetch_related("target__responsible_departments")
    )
    references = {(r.indicator_id, r.region_id): float(r.value) for r in model.references}
    history = {
        (f.region_id, f.indicator_id, f.year): f.value
        for f in RegionFigure.objects.filter(year__lt=year, indicator__measures__isnull=False)
    }
    warnings = []
    for measure in measures.order_by("target_id"):
        target = measure.target
        if regions is not None and target.region_id not in regions:
            continue
        key = (target.region_id, measure.indicator.code)
        if key not in table.index:
            continue
        row = table.loc[key]
        if target.value is not None:
            threshold = float(target.value)
        elif measure.reference_region_id:
            threshold = references.get((measure.indicator_id, measure.reference_region_id))
        else:
            threshold = None
        cumulative = measure.cumulative_from is not None
        earlier = sum(
            history.get((target.region_id, measure.indicator_id, y), 0.0)
            for y in range(measure.cumulative_from or year, year)
        )
        check = TargetCheck(
            target_id=target.pk,
            region_id=target.region_id,
            region_name=names.get(target.region_id, ""),
            label=target.indicator,
            unit=target.unit,
            comparator=target.comparator,
            threshold=threshold,
            horizon_year=target.horizon_year,
            departments="、".join(d.short_name for d in target.responsible_departments.all()),
            cumulative=cumulative,
            earlier_total=earlier,
            last_year_value=history.get((target.region_id, measure.indicator_id, year - 1)),
            stock=measure.indicator.numerator.time_aggregation == "last",
        )
        found = check_target(
            check, float(row["value"]), _float(row["projected"]), int(row["quarters"]), year
        )
        if found:
            warnings.append(TargetWarning(year=year, region_id=found.region_id, target_id=target.pk,
                                          level=found.level, actual=found.actual,
                                          projected=found.projected, required=found.required,
                                          gap=found.gap, message=found.message,
                                          departments=found.departments))  # fmt: skip
    for region_id, reason in sorted(vetoed.items()):
        if regions is not None and region_id not in regions:
            continue
        warnings.append(
            TargetWarning(year=year, region_id=region_id, level="red",
                          message=f"{names.get(region_id, '')}：{reason}")
        )  # fmt: skip
    return warnings


def _float(value) -> float | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def _fingerprint(frames: list[pd.DataFrame], model: Model) -> str:
    digest = hashlib.sha256()
    for frame in frames:
        ordered = frame.sort_values(list(frame.columns[:2])).reset_index(drop=True)
        digest.update(pd.util.hash_pandas_object(ordered, index=False).values.tobytes())
    for part in (
        sorted(model.versions.items()),
        [(r.indicator_id, r.region_id, r.value) for r in model.references],
        [(i.region_id, i.severity, i.occurred_on) for i in model.incidents],
    ):
        digest.update(repr(part).encode())
    return digest.hexdigest()


def _write(run: AssessmentRun, model: Model, computed: Computed, published_figures) -> None:
    """Insert what the run computed, in bulk (COPY on PostgreSQL); indicator figures replace
    the ``published_figures`` (a RegionFigure queryset) where they differ from them."""
    year = run.year

    def constant(value, frame):
        return itertools.repeat(value, len(frame))

    insert_rows(
        ElementFigure,
        ["run", "year", "region", "quarters", "values"],
        [(run.pk, year, *row) for row in _element_rows(computed.elements, model.element_ids)],
    )
    table = computed.indicators
    _replace_figures(
        run,
        published_figures,
        pd.DataFrame(
            {
                "region": table["region"].astype("int64"),
                "indicator": table["indicator"].map(model.indicator_ids).astype("int64"),
                "quarters": table["quarters"].astype("int64"),
                "value": table["value"].astype(float),
                "projected": table["projected"].astype(float),
            }
        ),
    )
    results = computed.results
    insert_rows(
        RegionResult,
        ["run", *RESULT_COLUMNS],
        list(zip(
            constant(run.pk, results), results["rulebook"].astype(int),
            results["region"].astype(int), [f"{t:.2f}" for t in results["total"]],
            results["grade"], results["rank"].astype(int), results["peers"].astype(int),
            results["vetoed"].astype(bool), results["veto_reason"], results["items"], strict=True,
        )),
    )  # fmt: skip
    for warning in computed.warnings:
        warning.run = run
    TargetWarning.objects.bulk_create(computed.warnings, batch_size=5000)


FIGURE_KEY = ["region", "indicator"]
FIGURE_DATA = ["quarters", "value", "projected"]


def _replace_figures(run: AssessmentRun, published, figures: pd.DataFrame) -> None:
    """Make the published indicator figures equal to ``figures``, writing only the difference.

    Most figures of a nightly run are what the last run published; rewriting tens of thousands
    of identical rows is most of a run's publishing time. Unchanged rows stay (their ``run`` is
    the run that last changed them); changed and vanished rows are deleted, changed and new
    ones inserted — inside the caller's publishing transaction. Floats are compared exactly: the
    database gives back the doubles it was given."""
    old = pd.DataFrame.from_records(
        list(published.values_list("pk", "region_id", "indicator_id", *FIGURE_DATA)),
        columns=["pk", *FIGURE_KEY, *FIGURE_DATA],
    )
    merged = figures.merge(old, on=FIGURE_KEY, how="outer", suffixes=("", "_old"), indicator="side")
    same = merged["side"] == "both"
    for column in FIGURE_DATA:
        new, before = merged[column], merged[f"{column}_old"]
        same &= (new == before) | (new.isna() & before.isna())
    stale = merged.loc[(merged["side"] != "left_only") & ~same, "pk"].astype("int64").tolist()
    for start in range(0, len(stale), 10_000):  # within SQLite's limit on query parameters
        RegionFigure.objects.filter(pk__in=stale[start : start + 10_000]).delete()
    fresh = merged.loc[(merged["side"] != "right_only") & ~same, [*FIGURE_KEY, *FIGURE_DATA]]
    insert_frame(
        RegionFigure,
        fresh.assign(run=run.pk, year=run.year)[["run", "year", *FIGURE_KEY, *FIGURE_DATA]].astype(
            {"region": "int64", "indicator": "int64", "quarters": "int64"}
        ),
    )


def _element_rows(elements: pd.DataFrame, element_ids: dict[str, int]):
    """(region, quarters, JSON of {element id: value}) per region, without a pandas loop."""
    if elements.empty:
        return
    ordered = elements.sort_values("region", kind="stable")
    regions = ordered["region"].to_numpy()
    ids = ordered["element"].map(element_ids).astype(int).astype(str).to_numpy()
    values = ordered["value"].astype(float).to_numpy()
    quarters = ordered["quarters"].astype(int).to_numpy()
    starts = np.flatnonzero(np.r_[True, regions[1:] != regions[:-1]])
    ends = np.r_[starts[1:], len(regions)]
    for start, end in zip(starts, ends, strict=True):
        payload = dict(zip(ids[start:end].tolist(), values[start:end].tolist(), strict=True))
        yield int(regions[start]), int(quarters[start:end].max()), json.dumps(payload)


def _finish(run: AssessmentRun, model: Model, computed: Computed) -> None:
    run.status = RunStatus.SUCCEEDED
    run.progress = 100
    run.message = gettext_noop("完成")
    run.fingerprint = computed.fingerprint
    run.summary = computed.summary
    run.rulebook_versions = model.versions
    run.finished_at = timezone.now()
    run.heartbeat_at = run.finished_at
    run.save()


# --- Path re-score ------------------------------------------------------------------------------


def _published_elements(year: int, region_ids, codes: dict[int, str]) -> pd.DataFrame:
    """The published element figures of the regions, as a frame (region, element, value,
    quarters)."""
    rows = [
        (region, codes[int(element_id)], value, quarters)
        for region, quarters, values in ElementFigure.objects.filter(
            year=year, region_id__in=list(region_ids)
        ).values_list("region_id", "quarters", "values")
        for element_id, value in values.items()
        if int(element_id) in codes
    ]
    if not rows:
        return no_figures()
    return pd.DataFrame.from_records(rows, columns=["region", "element", "value", "quarters"])


def _path(run: AssessmentRun, region: Region) -> None:
    year = run.year
    group = region.parent if region.level == RegionLevel.TOWN and region.parent_id else region
    path_regions = list(group.ancestors())  # top first, the group last
    path_ids = [r.pk for r in path_regions]
    model = load_model(year, scopes=path_ids)
    affected = [b for b in model.rulebooks if b.scope_id in path_ids]
    town_scopes = [s for s in _town_scopes(model) if s.pk in path_ids]
    # The only regions this re-score reads: the path, the children of each ancestor (to climb),
    # the peers every affected rulebook ranks, and the towns a town rulebook on the path scores.
    wanted = Q(pk__in=path_ids) | Q(parent_id__in=path_ids[:-1])
    for book in affected:
        wanted |= Q(level=book.level, path__startswith=book.scope.path)
    tree = queries.region_frame(wanted)

    own, raw = _groups(year, model, under=group)
    own = own[own["region"] == group.pk]
    # Climb: each ancestor from its children's published figures, with the changed child replaced.
    children_of = tree.groupby("parent")["region"].agg(list).to_dict()
    # Every other region read has its published figures: read them all at once.
    published = _published_elements(year, sorted(set(tree["region"]) - set(path_ids)), model.codes)
    current = own
    changed = {group.pk: own}
    own_entries_above = _own_entries(year, model, path_regions[:-1])
    for ancestor in reversed(path_regions[:-1]):
        child_ids = children_of.get(ancestor.pk, [])
        siblings = published[published["region"].isin(child_ids)]
        children = pd.concat([siblings, current], ignore_index=True)
        children = children.assign(parent=ancestor.pk)
        own_entries = own_entries_above[own_entries_above["region"] == ancestor.pk]
        combined = recombine([ancestor.pk], children, model.rules)
        current = same_quarters(
            pd.concat([own_entries, combined], ignore_index=True).drop_duplicates(
                ["region", "element"], keep="first"
            )
        )
        changed[ancestor.pk] = current
    figures = pd.concat(changed.values(), ignore_index=True)

    # Towns scored under a town rulebook on this path are recomputed whole (a few dozen rows).
    towns, town_raw = _town_groups(year, model, town_scopes)
    figures = pd.concat([figures, towns], ignore_index=True)

    affected_books = {b.pk for b in affected}
    others = published[~published["region"].isin(set(figures["region"]))]
    figures = pd.concat([figures, others], ignore_index=True)

    changed_regions = set(changed) | set(towns["region"])
    computed = _compute_path(run, model, figures, tree, raw + town_raw, affected_books,
                             changed_regions)  # fmt: skip
    with transaction.atomic():
        ElementFigure.objects.filter(year=year, region_id__in=changed_regions).delete()
        RegionResult.objects.filter(rulebook_id__in=affected_books).delete()
        TargetWarning.objects.filter(year=year, region_id__in=changed_regions).delete()
        computed.elements = computed.elements[computed.elements["region"].isin(changed_regions)]
        computed.indicators = computed.indicators[
            computed.indicators["region"].isin(changed_regions)
        ]
        published = RegionFigure.objects.filter(year=year, region_id__in=changed_regions)
        _write(run, model, computed, published)
        _finish(run, model, computed)


def _own_entries(year: int, model: Model, regions: list[Region]) -> pd.DataFrame:
    """The regions' own entered figures (elements of their own level), where they enter any."""
    return _groups(year, model, under=regions, per_region=True, exact=True)[0]


def _compute_path(run, model, figures, tree, raw, affected_books, changed) -> Computed:
    """Indicators of every region in ``figures``; results of the affected rulebooks; warnings
    of the changed regions."""
    year = run.year
    projected = project(figures, model.rules)
    indicators = indicator_table(figures, projected, model.indicator_rules)
    results, vetoed = _score_all(year, model, indicators, tree, only=affected_books)
    warnings = _warnings(year, model, indicators, tree, vetoed, regions=changed)
    summary = {"regions": len(changed), "results": len(results), "path": True}
    return Computed(figures, indicators, results, warnings, _fingerprint(raw, model), summary)
