"""Scoring and warnings of a computed year: item specs from the rulebooks, every rulebook's scores,
grades and ranks, vetoes, and the target warnings."""

import json

import numpy as np
import pandas as pd

from assessments.models import (
    RegionFigure,
    Rulebook,
    Severity,
    TargetMeasure,
    TargetWarning,
)
from assessments.scoring.inputs import RunInputs
from assessments.scoring.methods import ItemSpec, RulebookSpec, score
from assessments.scoring.rollup import (
    TargetCheck,
    check_target,
)
from targets.selectors import judged_in_q


def item_specs(rulebook: Rulebook, year: int, references: dict) -> tuple[ItemSpec, ...]:
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


def score_all(year, model: RunInputs, indicators: pd.DataFrame, tree: pd.DataFrame, only=None):
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
            items=item_specs(rulebook, year, references),
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


def target_warnings(year, model: RunInputs, indicators: pd.DataFrame, tree: pd.DataFrame, vetoed,
              regions=None) -> list[TargetWarning]:  # fmt: skip
    names = tree.set_index("region")["name"]
    table = indicators.set_index(["region", "indicator"])
    measures = (
        TargetMeasure.objects.filter(
            judged_in_q(year, "target__document"), target__document__in_force=True
        )
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
            decimals=measure.indicator.precision,
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
