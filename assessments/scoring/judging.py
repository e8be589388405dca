"""Scoring and warnings of a computed year: item specs from the rulebooks, every rulebook's scores,
grades and ranks, vetoes, and the target warnings."""

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessments.models import (
    RegionFigure,
    Rulebook,
    Severity,
    TargetMeasure,
    TargetWarning,
)
from assessments.scoring.definitions import rulebook_definitions
from assessments.scoring.inputs import RunInputs
from assessments.scoring.methods import ItemSpec, RulebookSpec, score
from assessments.scoring.rollup import (
    TargetCheck,
    check_target,
)
from portal import periods
from targets.selectors import judged_in_q


def item_specs(rulebook: Rulebook, year: int, references: dict,
               precisions: dict[str, int] | None = None) -> tuple[ItemSpec, ...]:  # fmt: skip
    precisions = precisions or {}
    # Judged items are scored by reviewers in the assessment season, not from the data.
    leaves = [item for item in rulebook.items.all() if item.method and not item.is_judged]
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
        code = item.indicator.code if item.indicator else None
        specs.append(
            ItemSpec(
                code=item.code,
                points=float(item.points),
                method=item.method,
                indicator=code,
                comparator=comparator,
                threshold=float(threshold) if threshold is not None else None,
                reference=float(reference) if reference is not None else None,
                params=item.params or {},
                counts=item.counts,
                decimals=precisions.get(code) if code else None,
            )
        )
    return tuple(specs)


def rulebook_spec(rulebook: Rulebook, year: int, references: dict,
                  precisions: dict[str, int] | None = None) -> RulebookSpec:  # fmt: skip
    return RulebookSpec(
        items=item_specs(rulebook, year, references, precisions),
        bands=tuple((b["grade"], float(b["min"])) for b in rulebook.grade_bands),
        decimals=rulebook.decimals,
        rounding=rulebook.rounding,
        unreported=rulebook.unreported,
        veto_ranking=rulebook.veto_ranking,
    )


RESULT_COLUMNS = ["rulebook", "region", "total", "grade", "rank", "peers", "vetoed",
                  "veto_reason", "items", "reported", "projected", "figures",
                  "flags"]  # fmt: skip


@dataclass
class Scored:
    """Every rulebook's results (a frame of RESULT_COLUMNS), the regions vetoed, and what each
    rulebook was scored from (definitions by rulebook id, as text keys for JSON)."""

    results: pd.DataFrame
    vetoed: dict[int, str]
    definitions: dict[str, dict]


def scoring_values(year: int, indicators: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The figure each region is scored on, per indicator (a wide frame), and whether it is a
    projection: during the year a region's figures that cover fewer than four quarters are
    scored as projected to the year's end, so that a mid-year score compares with a year-end
    one; once the year is over, the real figures, whatever they cover."""
    frame = indicators.drop_duplicates(["region", "indicator"])
    in_year = year >= periods.today().year
    partial = (frame["quarters"] < 4) & frame["projected"].notna() & in_year
    value = frame["value"].where(~partial, frame["projected"])
    wide = frame.assign(value=value).set_index(["region", "indicator"])["value"].unstack()
    projected = partial.groupby(frame["region"]).any()
    return wide, projected


def score_all(year, model: RunInputs, indicators: pd.DataFrame, tree: pd.DataFrame,
              only=None) -> Scored:  # fmt: skip
    """Results of every rulebook (or those in ``only``), the regions vetoed, the definitions.

    Rulebooks with the same specification (items, bands, settings) are scored in one vectorised
    call, each one's peers ranked among themselves."""
    references = {(r.indicator_id, r.region_id, r.year): r.value for r in model.references}
    incidents = model.incidents
    values, projected = scoring_values(year, indicators)
    info = tree.set_index("region")
    members = _members_by_ancestor(tree)
    batches: dict[str, tuple[RulebookSpec, list]] = {}
    definitions: dict[str, dict] = {}
    for rulebook in model.rulebooks:
        if only is not None and rulebook.pk not in only:
            continue
        peers = pd.Index(members.get((rulebook.scope.code, rulebook.level), []))
        if peers.empty:
            continue
        spec = rulebook_spec(rulebook, year, references, model.precisions)
        batch = batches.setdefault(repr(spec), (spec, []))
        batch[1].append((rulebook, peers))
    previous = _last_year(year, batches.values())
    frames, vetoed = [], {}
    for spec, books in batches.values():
        # Scored on a plain positional index (a MultiIndex costs more than the arithmetic).
        rulebook_ids = [book.pk for book, peers in books for _region in peers]
        region_ids = [region for _book, peers in books for region in peers]
        table = values.reindex(region_ids)
        table.index = pd.RangeIndex(len(region_ids))
        before = previous.reindex(region_ids) if previous is not None else None
        if before is not None:
            before.index = table.index
        book_vetoes = {
            book.pk: vetoes_of(book, info.loc[peers], incidents)
            for book, peers in books
            if incidents and book.vetoes.all()
        }
        vetoes = {(pk, region): reason for pk, found in book_vetoes.items()
                  for region, reason in found.items()}  # fmt: skip
        positions = {key: n for n, key in enumerate(zip(rulebook_ids, region_ids, strict=True))}
        groups = pd.Series(rulebook_ids, index=table.index)
        scored = score(spec, table, {positions[k]: r for k, r in vetoes.items()}, groups, before)
        codes = [item.code for item in spec.items]
        items = scored[codes].round(4).to_dict("records") if codes else [{}] * len(scored)
        kept = [column for column in RESULT_COLUMNS if column in scored.columns]
        frame = scored[kept].assign(rulebook=rulebook_ids, region=region_ids)
        frame["items"] = [json.dumps(i, ensure_ascii=False, sort_keys=True) for i in items]
        frame["projected"] = (
            pd.Series(region_ids).isin(projected.index[projected.to_numpy(dtype=bool)]).to_numpy()
            & frame["reported"].to_numpy()
        )
        frames.append(frame)
        vetoed |= {region: reason for (_book, region), reason in vetoes.items()}
        for book, _peers in books:
            definitions[str(book.pk)] = definitions_of(
                book, spec, model, sorted(set(book_vetoes.get(book.pk, {}).values()))
            )
    if not frames:
        return Scored(pd.DataFrame(columns=RESULT_COLUMNS), vetoed, definitions)
    results = pd.concat(frames, ignore_index=True)[RESULT_COLUMNS]
    return Scored(
        results.sort_values(["rulebook", "region"]).reset_index(drop=True), vetoed, definitions
    )


def definitions_of(book: Rulebook, spec: RulebookSpec, model: RunInputs, incidents) -> dict:
    return rulebook_definitions(
        name=book.name,
        version=book.version,
        total_points=float(book.total_points),
        spec=spec,
        names={item.code: item.name for item in book.items.all()},
        indicators=model.indicator_definitions,
        vetoes=[f"≥{rule.min_severity} {rule.description}" for rule in book.vetoes.all()],
        incidents=incidents,
    )


def _last_year(year: int, batches) -> pd.DataFrame | None:
    """Last year's figures of the indicators that items count as new, as a wide frame (region ×
    indicator code); None when no item needs them."""
    codes = {
        item.indicator
        for spec, _books in batches
        for item in spec.items
        if item.counts == "new" and item.indicator
    }
    if not codes:
        return None
    rows = RegionFigure.objects.filter(year=year - 1, indicator__code__in=codes).values_list(
        "region_id", "indicator__code", "value"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["region", "indicator", "value"])
    if frame.empty:
        return pd.DataFrame()
    return frame.set_index(["region", "indicator"])["value"].unstack()


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


def vetoes_of(rulebook: Rulebook, peers: pd.DataFrame, incidents) -> dict[int, str]:
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
