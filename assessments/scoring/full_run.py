"""The full run of a year: every region's figures from SQL, rolled up the tree, then scored,
warned and published in one transaction."""

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext_noop

from assessments.models import (
    AssessmentRun,
    ElementFigure,
    RegionFigure,
    RegionResult,
    TargetWarning,
)
from assessments.scoring import inputs, judging, lifecycle, publish, sql
from assessments.scoring.inputs import RunInputs
from assessments.scoring.publish import Computed
from assessments.scoring.rollup import (
    climb,
    group_figures,
    indicator_table,
    no_figures,
    project,
)
from portal.models import Region, RegionLevel


def town_scopes(model: RunInputs) -> list[Region]:
    return [r.scope for r in model.rulebooks if r.level == RegionLevel.TOWN]


def read_groups(year: int, model: RunInputs, **scope) -> tuple[pd.DataFrame, list]:
    """Element figures of the year's approved values (``scope``: as sql.year_figures takes
    it), and the raw SQL partials they came from (for the fingerprint)."""
    partials, weighted = sql.year_figures(year, **scope)
    return group_figures(partials, weighted, model.rules, model.codes), [partials, weighted]


def read_town_groups(
    year: int, model: RunInputs, scopes: list[Region]
) -> tuple[pd.DataFrame, list]:
    frames, raw = [], []
    for scope in scopes:
        frame, partials = read_groups(year, model, under=scope, per_region=True)
        frames.append(frame)
        raw += partials
    if not frames:
        return no_figures(), raw
    towns = pd.concat(frames, ignore_index=True)
    in_scope = set(towns_under(scopes))
    towns = towns[towns["region"].isin(in_scope)]
    return towns.drop_duplicates(["region", "element"]), raw


def towns_under(scopes: list[Region]) -> list[int]:
    """Every town a town-level rulebook scores, with figures or without (those score 0)."""
    ids: list[int] = []
    for scope in scopes:
        ids += Region.objects.filter(
            level=RegionLevel.TOWN, path__startswith=scope.path
        ).values_list("pk", flat=True)
    return ids


def run_full(run: AssessmentRun, on_progress: lifecycle.Progress | None) -> None:
    year = run.year
    lifecycle.beat(run, 5, gettext_noop("读取已审核数据"), on_progress)
    model = inputs.load_inputs(year)
    groups, raw = read_groups(year, model)
    towns, town_raw = read_town_groups(year, model, town_scopes(model))
    lifecycle.beat(run, 40, gettext_noop("逐级汇总"), on_progress)
    tree = sql.region_tree(towns_under(town_scopes(model)))
    figures = climb(groups, tree, model.rules)
    figures = pd.concat([figures, towns], ignore_index=True).drop_duplicates(
        ["region", "element"], keep="first"
    )
    computed = compute(run, model, figures, tree, raw + town_raw, on_progress)
    lifecycle.beat(run, 90, gettext_noop("发布结果"), on_progress)
    with transaction.atomic():
        ElementFigure.objects.filter(year=year).delete()
        RegionResult.objects.filter(rulebook__year=year).delete()
        TargetWarning.objects.filter(year=year).delete()
        publish.write(run, model, computed, RegionFigure.objects.filter(year=year))
        publish.finish(run, model, computed)


def compute(run, model: RunInputs, figures, tree, raw: list, on_progress) -> Computed:
    year = run.year
    projected = project(figures, model.rules)
    indicators = indicator_table(figures, projected, model.indicator_rules)
    lifecycle.beat(run, 60, gettext_noop("评分"), on_progress)
    scored = judging.score_all(year, model, indicators, tree)
    results = scored.results
    lifecycle.beat(run, 75, gettext_noop("预警"), on_progress)
    warnings = judging.target_warnings(year, model, indicators, tree, scored.vetoed)
    fingerprint = publish.fingerprint(raw, model, scored.definitions)
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
    summary["flags"] = publish.flag_counts(results)
    return Computed(
        figures, indicators, results, warnings, fingerprint, summary, scored.definitions
    )
