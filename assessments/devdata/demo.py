"""Writes: plausible demo data, so that every screen of `make demo` has something true to show.

Two years of quarters up to the last completed one, for every region that enters figures:
older quarters approved; the latest one a mix of approved, submitted, returned (with a reason),
draft and missing, and one district submitted late after the office reopened its window. The
figures follow each region's own size and quality level with seasonal noise, respect every hard
rule, and stocks only grow. Rows are written in bulk with audit entries marked source "demo".
Deterministic for a given seed and date.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.models import (
    AuditAction,
    AuditEntry,
    DataElement,
    Indicator,
    Period,
    QualityIncident,
    ReferenceValue,
    Severity,
    Status,
    Submission,
    Value,
    WindowReopening,
)
from assessments.reporting import selectors, services
from portal.models import Region, Role, User
from portal.periods import completed_quarters

# Pairs of (qualified, sampled) elements and the base sample size of a town per quarter.
RATE_PAIRS = {
    "nat_qualified": ("nat_sampled", 6),
    "prov_qualified": ("prov_sampled", 30),
    "food_qualified": ("food_sampled", 12),
    "ent_qualified": ("ent_sampled", 10),
    "market_qualified": ("market_sampled", 8),
    "export_qualified": ("export_inspected", 5),
    "works_qualified": ("works_completed", 6),
}
# Stocks: (starting range, chance to grow by one in a quarter).
STOCKS = {
    "quality_award_firms": ((1, 4), 0.12),
    "fujian_brands": ((14, 28), 0.3),
    "fuzhou_award_products": ((8, 18), 0.25),
    "famous_trademark_firms": ((14, 28), 0.3),
    "china_brands": ((0, 0), 0.03),
    "tianjin_brands_new": ((6, 16), 0.35),
    "secretariat_firms": ((0, 2), 0.08),
    "intl_standard_products": ((2, 5), 0.1),
    "iso9000_firms": ((7, 20), 0.2),
}
LATE_DISTRICT = "120115"  # 宝坻区 submits its latest quarter after the window, reopened


@dataclass
class DemoReport:
    skipped: bool = False
    periods: list[str] = field(default_factory=list)
    submissions: int = 0
    values: int = 0
    statuses: Counter = field(default_factory=Counter)


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class _Figures:
    """A region's figures quarter by quarter, consistent with the hard rules."""

    def __init__(self, rng: random.Random, region: Region, elements: list[DataElement]):
        self.rng = rng
        self.codes = {e.code for e in elements}
        leaf_district = region.level == 3 and not region.children.exists()
        self.size = rng.uniform(0.6, 1.6) * (6 if leaf_district else 1)
        self.quality = rng.uniform(0.9, 0.985)
        self.stocks = {
            code: rng.randint(*start) * (1 if code != "china_brands" else 0)
            for code, (start, _) in STOCKS.items()
        }
        self.key_products = rng.randint(30, 60)
        self.adoption = rng.uniform(0.6, 0.88)
        self.products = rng.randint(200, 420)
        self.coverage = rng.uniform(0.95, 0.995)
        self.satisfaction = rng.uniform(76, 90)

    def quarter(self, index: int) -> dict[str, Decimal]:
        rng, figures = self.rng, {}
        season = 1 + 0.25 * ((index % 4) in (1, 2))
        for qualified, (sampled, base) in RATE_PAIRS.items():
            n = max(1, round(rng.gauss(base * self.size * season, base * self.size * 0.2)))
            rate = min(1.0, max(0.75, rng.gauss(self.quality, 0.02)))
            figures[sampled] = n
            figures[qualified] = min(n, round(n * rate))
        # 食品 is part of 省级监督抽查.
        figures["food_sampled"] = min(figures["food_sampled"], figures["prov_sampled"])
        figures["food_qualified"] = min(figures["food_qualified"], figures["food_sampled"])
        if "works_completed" in figures and rng.random() < 0.8:
            figures["works_qualified"] = figures["works_completed"]
        for code, (_, chance) in STOCKS.items():
            if rng.random() < chance:
                self.stocks[code] += 1
            figures[code] = self.stocks[code]
        self.key_products += rng.random() < 0.2
        self.adoption = min(0.97, self.adoption + rng.uniform(0, 0.015))
        figures["key_products"] = self.key_products
        figures["key_products_adopting"] = round(self.key_products * self.adoption)
        self.products += rng.randint(0, 6)
        figures["enterprise_products"] = self.products
        figures["products_with_standard"] = round(self.products * self.coverage)
        figures["standards_drafted"] = rng.choice([0, 0, 1, 1, 2, 3])
        figures["satisfaction_respondents"] = rng.randint(120, 400)
        figures["satisfaction_score"] = round(Decimal(rng.gauss(self.satisfaction, 2.0)), 1)
        return {code: Decimal(value) for code, value in figures.items() if code in self.codes}


def _approver(region: Region, offices: list[User]) -> User | None:
    """The office of the nearest region above ``region`` among the demo offices."""
    above = [o for o in offices if region.is_within(o.region) and region.pk != o.region_id]
    return max(above, key=lambda o: o.region.level, default=None)


@transaction.atomic
def generate_demo_data(*, today: date, seed: int = 2026, quarters: int = 7) -> DemoReport:
    """Create the demo quarters and figures; does nothing when figures already exist."""
    if Submission.objects.exists():
        return DemoReport(skipped=True)
    rng = random.Random(seed)
    report = DemoReport()
    keys = [(q.year, q.quarter) for q in completed_quarters(today, quarters)]
    for year in sorted({year for year, _ in keys} | {today.year}):
        services.ensure_periods(year=year)
    periods = [Period.objects.get(year=y, quarter=q) for y, q in keys]
    report.periods = [p.label for p in periods]
    latest = periods[-1]

    offices = list(User.objects.filter(role=Role.OFFICE).select_related("region"))
    officials = {u.region_id: u for u in User.objects.filter(role=Role.REGION_OFFICIAL)}
    roots = Region.objects.filter(parent__isnull=True)
    regions = [r for root in roots for r in selectors.expected_regions(root)]
    rng.shuffle(regions)  # which region lands in which state of the latest quarter

    submissions, values, audit = [], [], []
    plan = _latest_quarter_plan(regions)
    for region in sorted(regions, key=lambda r: r.path):
        elements = selectors.elements_for_region(region)
        if not elements:
            continue
        by_code = {e.code: e for e in elements}
        figures = _Figures(rng, region, elements)
        official = officials.get(region.pk) or officials.get(region.parent_id)
        approver = _approver(region, offices)
        for index, period in enumerate(periods):
            quarter_figures = figures.quarter(index)
            state = plan.get(region.pk, Status.APPROVED) if period == latest else Status.APPROVED
            if state == "missing":
                continue
            submitted_on = period.closes_on - timedelta(days=rng.randint(0, 10))
            if period == latest and region.code == LATE_DISTRICT:
                submitted_on = period.closes_on + timedelta(days=6)
            submission = Submission(
                region=region,
                period=period,
                status=state,
                version=2,
                submitted_by=official,
                submitted_at=_aware(submitted_on, 10) if state != Status.DRAFT else None,
                first_submitted_at=_aware(submitted_on, 10) if state != Status.DRAFT else None,
                decided_by=approver if state in (Status.APPROVED, Status.RETURNED) else None,
                decided_at=(
                    _aware(submitted_on + timedelta(days=2), 15)
                    if state in (Status.APPROVED, Status.RETURNED)
                    else None
                ),
                return_reason=(
                    "食品监督抽查批次与市场监管部门通报数不一致，请核对后重新提交"
                    if state == Status.RETURNED
                    else ""
                ),
            )
            submissions.append((submission, quarter_figures, by_code, official, approver))
            report.statuses[state] += 1

    Submission.objects.bulk_create([s for s, *_ in submissions])
    for submission, quarter_figures, by_code, official, approver in submissions:
        for code, value in quarter_figures.items():
            values.append(Value(submission=submission, element=by_code[code], value=value))
            audit.append(
                AuditEntry(submission=submission, element=by_code[code], action=AuditAction.VALUE,
                           new=f"{value.normalize():f}", source="demo", user=official)
            )  # fmt: skip
        if submission.status != Status.DRAFT:
            audit.append(
                AuditEntry(submission=submission, action=AuditAction.STATUS, old=Status.DRAFT,
                           new=Status.SUBMITTED, source="demo", user=official)
            )  # fmt: skip
        if submission.status in (Status.APPROVED, Status.RETURNED):
            audit.append(
                AuditEntry(submission=submission, action=AuditAction.STATUS, old=Status.SUBMITTED,
                           new=submission.status, reason=submission.return_reason,
                           source="demo", user=approver)
            )  # fmt: skip
        if submission.status == Status.APPROVED:
            audit.append(
                AuditEntry(submission=submission, action=AuditAction.LOCK, new="locked",
                           source="demo", user=approver)
            )  # fmt: skip
    Value.objects.bulk_create(values, batch_size=2000)
    AuditEntry.objects.bulk_create(audit, batch_size=2000)
    report.submissions, report.values = len(submissions), len(values)

    late = Region.objects.filter(code=LATE_DISTRICT).first()
    late_office = late and _approver(late, offices)
    if late_office:
        WindowReopening.objects.create(
            period=latest,
            region=late,
            until=latest.closes_on + timedelta(days=10),
            reason="区质监局数据系统升级，申请延期报送",
            granted_by=late_office,
        )
    _open_latest_for_demo(latest, offices, today)
    _reference_values(periods, offices)
    _incidents(periods, offices)
    return report


def _incidents(periods: list[Period], offices: list[User]) -> None:
    """Two recorded incidents: one serious enough for a veto, one not."""
    wuqing = Region.objects.filter(code="120114").first()
    yuefeng = Region.objects.filter(code="350111102").first()
    first_year = periods[0].year
    if wuqing is not None:
        QualityIncident.objects.create(
            region=wuqing,
            occurred_on=date(first_year, 8, 12),
            severity=Severity.MAJOR,
            description="某食品企业发生重大食品安全事故",
            recorded_by=next((o for o in offices if o.region.code == "120000"), None),
        )
    if yuefeng is not None:
        QualityIncident.objects.create(
            region=yuefeng,
            occurred_on=date(periods[-1].year, 5, 20),
            severity=Severity.GENERAL,
            description="电动自行车产品抽查不合格引发的一般质量投诉事件",
            recorded_by=next((o for o in offices if o.region.code == "350111"), None),
        )


def _latest_quarter_plan(regions: list[Region]) -> dict[int, str]:
    """Which regions sit in which state in the latest quarter (the rest are approved)."""
    plan: dict[int, str] = {}
    towns = [r for r in regions if r.level == 4]
    districts = [r for r in regions if r.level == 3]
    states = [Status.SUBMITTED] * 6 + [Status.RETURNED] * 2 + [Status.DRAFT] * 2 + ["missing"] * 3
    for region, state in zip(towns, states, strict=False):
        plan[region.pk] = state
    for region in districts:
        if region.code == "350111":
            plan[region.pk] = Status.DRAFT  # waits for its towns
        elif region.code == LATE_DISTRICT:
            plan[region.pk] = Status.SUBMITTED
    for region, state in zip(
        [d for d in districts if d.pk not in plan],
        [Status.SUBMITTED, Status.SUBMITTED, "missing", Status.RETURNED],
        strict=False,
    ):
        plan[region.pk] = state
    return plan


def _open_latest_for_demo(latest: Period, offices: list[User], today: date) -> None:
    """Outside an entry window nothing could be typed in the demo: the 晋安区 office reopens the
    latest quarter for its towns for a month, as an office would for a late correction round."""
    if selectors.window_open(latest, Region.objects.get(code="350111"), today):
        return
    office = next((o for o in offices if o.region.code == "350111"), None)
    if office is not None:
        WindowReopening.objects.create(
            period=latest,
            region=office.region,
            until=today + timedelta(days=30),
            reason="演示：开放晋安区各乡镇（街道）补报和更正",
            granted_by=office,
        )


def _reference_values(periods: list[Period], offices: list[User]) -> None:
    """全省平均水平 of the relative targets' indicators, for each demo year."""
    office = next((o for o in offices if o.region.code == "350000"), None)
    fujian = Region.objects.filter(code="350000").first()
    if fujian is None:
        return
    averages = {"nat_pass_rate": Decimal("93.6"), "export_pass_rate": Decimal("98.9")}
    for year in sorted({p.year for p in periods}):
        for code, value in averages.items():
            ReferenceValue.objects.update_or_create(
                indicator=Indicator.objects.get(code=code),
                region=fujian,
                year=year,
                defaults={
                    "value": value + Decimal("0.2") * (year - periods[0].year),
                    "source": f"演示数据：福建省{year}年产品质量监督抽查情况通报",
                    "entered_by": office,
                },
            )
