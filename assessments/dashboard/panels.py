"""The dashboard's other panels: rankings of the regions below, reporting completeness and the
queue, warnings, and the assessment run."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Q,
)

from assessments.models import (
    AssessmentRun,
    Period,
    Publication,
    Rulebook,
    RunStatus,
    Subject,
    Submission,
    TargetWarning,
)
from assessments.reporting import selectors
from assessments.scoring import lifecycle, results
from portal.models import Region

WARNING_LIMIT = 50
NAMES_LIMIT = 12


@dataclass
class Ranking:
    """A rulebook of the page's region and the results of the regions it scores: published
    (``publication``) or, until the office publishes, the latest run's (provisional)."""

    rulebook: Rulebook
    items: list  # leaf RuleItems, in order
    results: list
    distribution: list[tuple[str, int]]
    publication: Publication | None = None

    @property
    def provisional(self) -> bool:
        return self.publication is None

    @property
    def projected(self) -> bool:
        return any(r.projected for r in self.results)

    @property
    def unreported(self) -> int:
        return sum(not r.reported for r in self.results)

    @property
    def rows(self) -> list[tuple]:
        """Each result with its points per leaf item, in the items' order."""
        return [
            (r, [r.items.get(item.code) if r.reported else None for item in self.items])
            for r in self.results
        ]


def grade_distribution(grades: list[str], bands: list[dict]) -> list[tuple[str, int]]:
    """How many regions got each grade, in the rulebook's band order (pure); regions not
    assessed (no grade: 未参评) are not part of it."""
    counts = Counter(grade for grade in grades if grade)
    order = [band["grade"] for band in bands]
    extra = sorted(g for g in counts if g not in order)
    return [(grade, counts.get(grade, 0)) for grade in [*order, *extra]]


def rankings(*, region: Region, year: int) -> list[Ranking]:
    """What readers see of the rulebooks whose scope is this region."""
    books = list(
        Rulebook.objects.filter(
            year=year, scope=region, is_current=True, subject=Subject.REGIONS
        ).order_by("level", "pk")
    )
    out = []
    for view in results.shown(books):
        book = view.rulebook
        out.append(
            Ranking(
                rulebook=book,
                items=[item for item in book.items.order_by("order", "code") if item.method],
                results=view.results,
                distribution=grade_distribution([r.grade for r in view.results], book.grade_bands),
                publication=view.publication,
            )
        )
    return out


def children_of(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("path"))


# --- Reporting: completeness and the approval queue ---------------------------------------------


@dataclass
class Reporting:
    period: Period | None
    expected: int = 0
    on_time: int = 0
    late: list[Region] = field(default_factory=list)
    not_submitted: list[Region] = field(default_factory=list)
    queue_count: int = 0
    queue: list = field(default_factory=list)
    # The region's own submission of the period, when the region enters figures itself (a town
    # has no regions below to count; its own quarter is what its page reports).
    enters_itself: bool = False
    own: Submission | None = None

    @property
    def received(self) -> int:
        return self.on_time + len(self.late)


def reporting(*, user, region: Region) -> Reporting:
    """This quarter's completeness under the region and the submissions awaiting this user."""
    period = selectors.current_period()
    report = Reporting(period=period)
    if period is not None:
        completeness = selectors.completeness(user=user, region=region, period=period)
        report.expected = completeness.expected
        report.on_time = completeness.on_time
        report.late = [row.region for row in completeness.rows if row.state == "late"]
        report.not_submitted = [
            row.region for row in completeness.rows if row.state in {"missing", "draft"}
        ]
        report.enters_itself = bool(selectors.elements_for_region(region))
        if report.enters_itself:
            report.own = Submission.objects.filter(region=region, period=period).first()
    queue = selectors.approval_queue(user=user).filter(region__path__startswith=region.path)
    report.queue_count = queue.count()
    report.queue = list(queue[:10])
    return report


# --- The region's own results ---------------------------------------------------------------------


def own_results(*, region: Region, year: int) -> list:
    """The region's score, grade and rank among its peers in each rulebook that scores it (a
    town in its district's rulebook, a district in its city's), published or provisional."""
    return results.own_results(region=region, year=year)


# --- Warnings -----------------------------------------------------------------------------------


@dataclass
class Warnings:
    red: int
    yellow: int
    rows: list[TargetWarning]

    @property
    def total(self) -> int:
        return self.red + self.yellow


def warnings(*, region: Region, year: int, limit: int = WARNING_LIMIT) -> Warnings:
    """黄牌/红牌 in the region's subtree, red first; two queries."""
    queryset = TargetWarning.objects.filter(year=year, region__path__startswith=region.path)
    counts = queryset.aggregate(
        red=Count("pk", filter=Q(level="red")), yellow=Count("pk", filter=Q(level="yellow"))
    )
    rows = list(
        queryset.select_related(
            "region", "target__document", "target__measure__indicator__numerator"
        ).order_by("level", "region__path", "pk")[:limit]
    )
    return Warnings(red=counts["red"], yellow=counts["yellow"], rows=rows)


# --- The assessment run -------------------------------------------------------------------------


@dataclass
class RunPanel:
    latest: AssessmentRun | None
    running: AssessmentRun | None


def run_panel(*, year: int) -> RunPanel:
    return RunPanel(
        latest=lifecycle.latest_run(year),
        running=AssessmentRun.objects.filter(year=year, status=RunStatus.RUNNING).first(),
    )


def ranking_json(ranking: Ranking) -> dict:
    return {
        "rulebook": {
            "id": ranking.rulebook.pk,
            "name": ranking.rulebook.name,
            "level": ranking.rulebook.level,
        },
        "items": [
            {"code": i.code, "name": i.name, "points": float(i.points)} for i in ranking.items
        ],
        "results": [
            {
                "region": {"code": r.region.code, "name": r.region.name},
                "total": float(r.total),
                "grade": r.grade_label,
                "rank": r.rank,
                "peers": r.peers,
                "vetoed": r.vetoed,
                "reported": r.reported,
                "projected": r.projected,
                "flags": r.flags,
                "items": r.items,
            }
            for r in ranking.results
        ],
        "published": ranking.publication is not None,
        "distribution": [{"grade": g, "count": n} for g, n in ranking.distribution],
    }
