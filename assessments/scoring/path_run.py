"""The path re-score after one approval: the approved region's group from SQL, the path above it
climbed with the published figures of the siblings, only that path's rulebooks re-scored."""

import pandas as pd
from django.db import transaction
from django.db.models import Q

from assessments.models import (
    AssessmentRun,
    ElementFigure,
    RegionFigure,
    RegionResult,
    TargetWarning,
)
from assessments.scoring import full_run, inputs, judging, publish, sql
from assessments.scoring.inputs import RunInputs
from assessments.scoring.publish import Computed
from assessments.scoring.rollup import (
    indicator_table,
    no_figures,
    project,
    recombine,
    same_quarters,
)
from portal.models import Region, RegionLevel


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


def run_path(run: AssessmentRun, region: Region) -> None:
    year = run.year
    group = region.parent if region.level == RegionLevel.TOWN and region.parent_id else region
    path_regions = list(group.ancestors())  # top first, the group last
    path_ids = [r.pk for r in path_regions]
    model = inputs.load_inputs(year, scopes=path_ids)
    affected = [b for b in model.rulebooks if b.scope_id in path_ids]
    town_scopes = [s for s in full_run.town_scopes(model) if s.pk in path_ids]
    # The only regions this re-score reads: the path, the children of each ancestor (to climb),
    # the peers every affected rulebook ranks, and the towns a town rulebook on the path scores.
    wanted = Q(pk__in=path_ids) | Q(parent_id__in=path_ids[:-1])
    for book in affected:
        wanted |= Q(level=book.level, path__startswith=book.scope.path)
    tree = sql.region_frame(wanted)

    own, raw = full_run.read_groups(year, model, under=group)
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
    towns, town_raw = full_run.read_town_groups(year, model, town_scopes)
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
        publish.write(run, model, computed, published)
        publish.finish(run, model, computed)


def _own_entries(year: int, model: RunInputs, regions: list[Region]) -> pd.DataFrame:
    """The regions' own entered figures (elements of their own level), where they enter any."""
    return full_run.read_groups(year, model, under=regions, per_region=True, exact=True)[0]


def _compute_path(run, model, figures, tree, raw, affected_books, changed) -> Computed:
    """Indicators of every region in ``figures``; results of the affected rulebooks; warnings
    of the changed regions."""
    year = run.year
    projected = project(figures, model.rules)
    indicators = indicator_table(figures, projected, model.indicator_rules)
    scored = judging.score_all(year, model, indicators, tree, only=affected_books)
    warnings = judging.target_warnings(
        year, model, indicators, tree, scored.vetoed, regions=changed
    )
    summary = {
        "regions": len(changed),
        "results": len(scored.results),
        "path": True,
        "flags": publish.flag_counts(scored.results),
    }
    return Computed(
        figures,
        indicators,
        scored.results,
        warnings,
        publish.fingerprint(raw, model, scored.definitions),
        summary,
        scored.definitions,
    )
