"""Publishing a run: the fingerprint of its inputs, and the bulk writes that replace the previous
results (only the indicator figures that changed are rewritten)."""

import hashlib
import itertools
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext_noop

from assessments.models import (
    AssessmentRun,
    ElementFigure,
    RegionFigure,
    RegionResult,
    RunStatus,
    TargetWarning,
)
from assessments.scoring import judging
from assessments.scoring.inputs import RunInputs
from portal.bulk import insert_frame, insert_rows


@dataclass
class Computed:
    """Everything a run publishes, as frames with region ids."""

    elements: pd.DataFrame  # region, element, value, quarters
    indicators: pd.DataFrame  # region, indicator, value, projected, quarters
    results: pd.DataFrame  # judging.RESULT_COLUMNS
    warnings: list[TargetWarning]
    fingerprint: str
    summary: dict
    definitions: dict  # by rulebook id: what its results were computed from


def flag_counts(results: pd.DataFrame) -> dict[str, int]:
    """How many results carry each flag (缺参照值, 缺上年数据), for the run's summary."""
    counts: dict[str, int] = {}
    for flags in results["flags"] if len(results) else []:
        for kind in {flag["kind"] for flag in flags}:
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def fingerprint(frames: list[pd.DataFrame], model: RunInputs, definitions: dict) -> str:
    digest = hashlib.sha256()
    for frame in frames:
        ordered = frame.sort_values(list(frame.columns[:2])).reset_index(drop=True)
        digest.update(pd.util.hash_pandas_object(ordered, index=False).values.tobytes())
    for part in (
        sorted(model.versions.items()),
        [(r.indicator_id, r.region_id, r.value) for r in model.references],
        [(i.region_id, i.severity, i.occurred_on) for i in model.incidents],
        # Editing a target's value or an indicator changes what a run computes from the same
        # figures: the definitions are part of the inputs.
        json.dumps(definitions, sort_keys=True, ensure_ascii=False, default=str),
    ):
        digest.update(repr(part).encode())
    return digest.hexdigest()


def write(run: AssessmentRun, model: RunInputs, computed: Computed, published_figures) -> None:
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
        ["run", *judging.RESULT_COLUMNS],
        list(zip(
            constant(run.pk, results), results["rulebook"].astype(int),
            results["region"].astype(int), [f"{t:.2f}" for t in results["total"]],
            results["grade"], [None if pd.isna(r) else int(r) for r in results["rank"]],
            results["peers"].astype(int), results["vetoed"].astype(bool), results["veto_reason"],
            results["items"], results["reported"].astype(bool), results["projected"].astype(bool),
            [json.dumps(f, ensure_ascii=False) for f in results["figures"]],
            [json.dumps(f, ensure_ascii=False) for f in results["flags"]], strict=True,
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


def finish(run: AssessmentRun, model: RunInputs, computed: Computed) -> None:
    run.status = RunStatus.SUCCEEDED
    run.progress = 100
    run.message = gettext_noop("完成")
    run.fingerprint = computed.fingerprint
    run.summary = computed.summary
    run.rulebook_versions = model.versions
    run.definitions = computed.definitions
    run.finished_at = timezone.now()
    run.heartbeat_at = run.finished_at
    run.save()
