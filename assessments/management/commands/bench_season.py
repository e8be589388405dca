"""Benchmark the assessment season at national scale (generate_synthetic first).

On the synthetic national data set, every synthetic city's rulebook (bench_rollup's) gets 40
judged items, and a season of its districts is opened with every judged item reviewed (about
2,850 districts × 40 = 114,000 judged scores). Then, in one process and on the same data:
- ``rollup_s``: the full run of the year (scoring.runs.run_year), the baseline;
- ``publish_s``: publishing every season's final result (its totals of computed and judged
  items, the publication with every unit's result, the rectification tasks), all seasons in
  turn — goal ≤ 2 × ``rollup_s``;
- ``summary_p95_ms``: the office's season page (totals, grades, ranks, review progress,
  objections, log) for one city, requested ``--requests`` times in a row by one signed-in
  office (the page's own service time; the 50-user load test is bench/locustfile.py with
  BENCH_SEASON, see bench/README.md).
The seasons are put back to their review stage after each timed publication, so the command
can be run again on the same database.
"""

import json
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client

from assessments.devdata import synthetic
from assessments.management.commands.bench_rollup import BENCH_NAME, ensure_rulebooks
from assessments.models import (
    Appraisal,
    AppraisalState,
    Publication,
    PublishedResult,
    Rectification,
    Rulebook,
    RuleItem,
    Season,
    SeasonLog,
    Stage,
)
from assessments.scoring import runs
from assessments.season import services, stages
from portal import periods
from portal.models import RegionLevel, Role, User

JUDGED = 40
TIERS = {"tiers": [{"score": 1, "when": "达到"}, {"score": 0.5, "when": "部分达到"},
                   {"score": 0, "when": "未达到"}]}  # fmt: skip


def ensure_judged_items(year: int) -> list[Rulebook]:
    """40 judged items (1 point each) on every synthetic city's rulebook, the computed items
    keeping their points (a total of 140: the bench measures speed, not a real rulebook)."""
    books = list(
        Rulebook.objects.filter(year=year, name=BENCH_NAME, scope__level=RegionLevel.CITY)
        .select_related("scope")
        .order_by("pk")
    )
    have = set(
        RuleItem.objects.filter(rulebook__in=books, method="judge_tiers")
        .values_list("rulebook_id", flat=True)
        .distinct()
    )
    RuleItem.objects.bulk_create(
        RuleItem(rulebook=book, code=f"J{n:02d}", order=100 + n, name=f"质量工作措施{n:02d}",
                 points=Decimal(1), method="judge_tiers", params=TIERS)
        for book in books if book.pk not in have for n in range(1, JUDGED + 1)
    )  # fmt: skip
    return books


def _office(scope) -> User:
    user, _ = User.objects.get_or_create(
        username=f"bench-office-{scope.code}", defaults={"role": Role.OFFICE, "region": scope}
    )
    return user


def ensure_seasons(books: list[Rulebook], year: int) -> list[Season]:
    """A season per city rulebook, every judged item self-assessed and reviewed."""
    today = periods.today()
    windows = {"self_until": today, "review_until": today, "publicity_until": today,
               "rectify_due": today}  # fmt: skip
    seasons = {s.rulebook_id: s for s in Season.objects.filter(rulebook__in=books)}
    for book in books:
        if book.pk not in seasons:
            seasons[book.pk] = services.open_season(rulebook=book, user=_office(book.scope),
                                                    **windows)  # fmt: skip
    Appraisal.objects.filter(unit__season__rulebook__in=books).update(
        state=AppraisalState.REVIEWED, self_choice=0, self_score=1, review_choice=1,
        review_score=Decimal("0.5"),
    )  # fmt: skip
    return [seasons[book.pk] for book in books]


def reset(seasons: list[Season]) -> None:
    """Back to the re-check stage, unpublished: the next publication is timed on the same data."""
    with transaction.atomic():
        ids = [s.pk for s in seasons]
        publications = list(
            Season.objects.filter(pk__in=ids, publication__isnull=False).values_list(
                "publication_id", flat=True
            )
        )
        Season.objects.filter(pk__in=ids).update(stage=Stage.RECHECK, publication=None)
        Rectification.objects.filter(unit__season__in=ids).delete()
        SeasonLog.objects.filter(season__in=ids, action__in=["stage", "rectify"]).delete()
        PublishedResult.objects.filter(publication__in=publications).delete()
        Publication.objects.filter(pk__in=publications).delete()


class Command(BaseCommand):
    help = "在合成的全国规模数据上测量考核季：发布全部考核季结果（与全量考核计算对比）和汇总页面"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--requests", type=int, default=100)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        year = options["year"]
        if not synthetic.exists():
            raise CommandError("没有合成数据：请先运行 generate_synthetic（见 README）。")
        ensure_rulebooks(year)
        books = ensure_judged_items(year)
        seasons = ensure_seasons(books, year)
        reset(seasons)

        start = time.perf_counter()
        runs.run_year(year=year, trigger="bench")
        rollup_s = time.perf_counter() - start

        start = time.perf_counter()
        for season in seasons:
            stages.advance(season=season, user=_office(season.rulebook.scope))
        publish_s = time.perf_counter() - start
        units = PublishedResult.objects.filter(
            publication__in=Season.objects.filter(pk__in=[s.pk for s in seasons]).values(
                "publication"
            )
        ).count()
        reset(seasons)

        # The office's page of its season: the city with the most districts.
        season = max(seasons, key=lambda s: s.units.count())
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(_office(season.rulebook.scope))
        url = f"/season/{season.pk}/"
        client.get(url)  # warm
        timings = []
        for _ in range(options["requests"]):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        result = {
            "database": connection.vendor,
            "seasons": len(seasons),
            "judged_scores": Appraisal.objects.filter(unit__season__in=seasons).count(),
            "published_units": units,
            "rollup_s": round(rollup_s, 3),
            "publish_s": round(publish_s, 3),
            "publish_ratio": round(publish_s / rollup_s, 3),
            "summary_season": season.pk,
            "summary_office": _office(season.rulebook.scope).username,
            "summary_units": season.units.count(),
            "summary_p50_ms": round(statistics.median(timings), 1),
            "summary_p95_ms": round(statistics.quantiles(timings, n=20)[-1], 1),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key:>16}: {value}")
