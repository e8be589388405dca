"""Benchmark the yearly roll-up on the synthetic national data set (generate_synthetic first).

In one process and on the same data it times:
- ``rollup_s``: the full run (scoring.runs.run_year): SQL aggregation, the tree, indicators,
  scoring of every synthetic rulebook, warnings, and the publishing transaction, on data the
  last run already published (a nightly run: indicator figures that did not change stay);
- ``rollup_all_figures_written_s``: the same run when every indicator figure must be written
  (the published ones deleted first, outside the timing);
- ``sql_groupby_s``: the floor, a bare hand-written SQL GROUP BY of the same approved values to
  the district level (all rows fetched);
- ``incremental_s``: the re-score after one approval (a town's figure changes; rescore_path);
- ``orm_per_row_s``: a per-row ORM loop over a 1 % sample of the values, extrapolated ×100
  (the approach the roll-up must beat by orders of magnitude).
Each timing is the best of ``--repeat`` runs. Synthetic rulebooks (each synthetic city scores
its districts, each province its cities) are created on first use.
"""

import json
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from assessments.devdata import synthetic
from assessments.models import RegionFigure, Rulebook, RuleItem, Status, Value
from assessments.scoring import runs, sql
from portal.models import RegionLevel

BENCH_NAME = "合成考核细则"


def ensure_rulebooks(year: int) -> int:
    """Synthetic rulebooks for the year: every synthetic city and province scores its children."""
    existing = Rulebook.objects.filter(year=year, name=BENCH_NAME).count()
    if existing:
        return existing
    indicators = list(synthetic.synthetic_indicators().order_by("code"))
    if not indicators:
        raise CommandError("没有合成指标：请先运行 generate_synthetic。")
    scopes = synthetic.synthetic_regions().filter(
        level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]
    )
    books = Rulebook.objects.bulk_create(
        Rulebook(year=year, scope=scope, level=scope.level + 1, name=BENCH_NAME) for scope in scopes
    )
    methods = [
        ("met", {}, ">=", 90),
        ("proportional", {}, ">=", 95),
        ("deduction", {"per": 1, "deduct": 2}, ">=", 93),
        ("rank", {"mode": "best"}, ">=", None),
        ("tiered", {"tiers": [{"min": 95, "share": 1}, {"min": 90, "share": 0.5}]}, ">=", None),
    ]
    chosen = indicators[: len(methods)]
    points = Decimal(100) / len(chosen)
    RuleItem.objects.bulk_create(
        RuleItem(rulebook=book, code=str(n + 1), order=n + 1, name=indicator.name,
                 points=points, method=method, indicator=indicator, comparator=comparator,
                 threshold=threshold, params=params)
        for book in books
        for n, (indicator, (method, params, comparator, threshold)) in enumerate(
            zip(chosen, methods, strict=False)
        )
    )  # fmt: skip
    return len(books)


def sql_groupby(year: int) -> int:
    """The floor: the same approved values summed per district and element."""
    query = f"""
        SELECT r.parent_id, v.element_id, SUM(v.value)
        FROM {sql.VALUES} v
        JOIN {sql.SUBMISSIONS} s ON s.id = v.submission_id
        JOIN {sql.PERIODS} p ON p.id = s.period_id
        JOIN {sql.REGIONS} r ON r.id = s.region_id
        WHERE p.year = %s AND s.status = %s
        GROUP BY r.parent_id, v.element_id
    """
    with sql.tuned() as cursor:  # the same memory setting as the roll-up's own queries
        cursor.execute(query, [year, Status.APPROVED])
        return len(cursor.fetchall())


def orm_per_row(year: int, sample: int) -> int:
    """A naive per-row roll-up over ``sample`` values: one object and two lookups per value."""
    totals: dict = {}
    values = Value.objects.filter(
        submission__period__year=year, submission__status=Status.APPROVED
    ).order_by("pk")[:sample]
    for value in values:
        district = value.submission.region.parent_id
        key = (district, value.element.code)
        totals[key] = totals.get(key, 0) + value.value
    return len(totals)


def best_of(repeat: int, action) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


class Command(BaseCommand):
    help = "在合成的全国规模数据上测量年度考核汇总的速度（与裸 SQL GROUP BY 对比）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--repeat", type=int, default=2)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        year, repeat = options["year"], options["repeat"]
        if not synthetic.exists():
            raise CommandError("没有合成数据：请先运行 generate_synthetic（见 README）。")
        values = Value.objects.filter(
            submission__period__year=year, submission__status=Status.APPROVED
        ).count()
        rulebooks = ensure_rulebooks(year)
        sql_groupby(year)  # warm the database's caches for both contenders alike

        sql_s = best_of(repeat, lambda: sql_groupby(year))
        rollup_s = best_of(repeat, lambda: runs.run_year(year=year, trigger="bench"))
        # A run publishes only the indicator figures that changed (a nightly run over the same
        # data rewrites none): also time a run that must write every one of them.
        rewrite_s = float("inf")
        for _ in range(repeat):
            RegionFigure.objects.filter(year=year).delete()
            rewrite_s = min(
                rewrite_s, best_of(1, lambda: runs.run_year(year=year, trigger="bench"))
            )

        town = (
            synthetic.synthetic_submissions()
            .filter(period__year=year, status=Status.APPROVED, region__level=RegionLevel.TOWN)
            .select_related("region")
            .order_by("pk")
            .first()
        )

        def approve_one_change():
            with transaction.atomic():
                Value.objects.filter(pk=town.values.order_by("pk").values("pk")[:1]).update(
                    value=Decimal(time.perf_counter_ns() % 1000)
                )
            runs.rescore_path(year=year, region=town.region, trigger="bench")

        incremental_s = best_of(repeat, approve_one_change)
        sample = max(1, values // 100)
        orm_sample_s = best_of(1, lambda: orm_per_row(year, sample))
        result = {
            "database": connection.vendor,
            "values": values,
            "rulebooks": rulebooks,
            "rollup_s": round(rollup_s, 3),
            "sql_groupby_s": round(sql_s, 3),
            "ratio_vs_sql": round(rollup_s / sql_s, 3),
            "rollup_all_figures_written_s": round(rewrite_s, 3),
            "ratio_all_figures_written": round(rewrite_s / sql_s, 3),
            "incremental_s": round(incremental_s, 3),
            "incremental_ratio": round(incremental_s / rollup_s, 4),
            "orm_per_row_s": round(orm_sample_s * values / sample, 1),
            "orm_per_row_note": f"measured on {sample} values, extrapolated to {values}",
            "repeat": repeat,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key:>18}: {value}")
