"""Page one of the briefing: the summary a leader reads first — targets met, at risk and
missed; the headline figures beside last quarter and the same quarter last year; the ranking
of the regions below with their grades; warnings; reporting completeness — and the same in a
few generated sentences ("省级监督抽查合格率94.65%，比上季度提高0.30个百分点，达到目标要求")."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessments.dashboard import panels, trends
from portal.periods import Quarter
from targets.status import AMBER, GREEN, RED, UNKNOWN, format_figure, round_figure

HEADLINES = 6


@dataclass
class Headline:
    name: str
    unit: str
    decimals: int
    value: float | None
    previous: float | None
    last_year: float | None
    status: str
    requirement: str

    def shown(self, value: float | None) -> str:
        return format_figure(value, self.decimals, self.unit)

    def change(self, before: float | None) -> str:
        """The change against ``before`` in words: 提高0.30个百分点 / 下降2项 / 持平."""
        if self.value is None or before is None:
            return ""
        delta = round_figure(self.value, self.decimals) - round_figure(before, self.decimals)
        if abs(delta) < 10 ** -(self.decimals + 1):
            return _("持平")
        unit = _("个百分点") if self.unit == "%" else self.unit
        amount = f"{abs(delta):.{self.decimals}f}{unit}"
        return (_("提高%(amount)s") if delta > 0 else _("下降%(amount)s")) % {"amount": amount}

    @property
    def change_previous(self) -> str:
        return self.change(self.previous)

    @property
    def change_last_year(self) -> str:
        return self.change(self.last_year)

    @property
    def sentence(self) -> str:
        parts = [f"{self.name}{self.shown(self.value)}"]
        if self.previous is not None:
            parts.append(_("比上季度%(change)s") % {"change": self.change(self.previous)})
        if self.last_year is not None:
            parts.append(_("比上年同期%(change)s") % {"change": self.change(self.last_year)})
        verdict = {
            GREEN: _("达到目标要求"),
            AMBER: _("有不能按期完成目标的风险"),
            RED: _("未达到目标要求"),
        }.get(self.status)
        if verdict:
            parts.append(_("%(verdict)s（%(requirement)s）")
                         % {"verdict": verdict, "requirement": self.requirement})  # fmt: skip
        return _("，").join(parts) + _("。")


@dataclass
class Summary:
    counts: dict[str, int]
    headlines: list[Headline]
    ranking: panels.Ranking | None
    red: int
    yellow: int
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    missing_names: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def headlines(region, quarter: Quarter, states) -> list[Headline]:
    """The figures of the region's own measured targets this quarter, last quarter and the same
    quarter last year, over its subtree (as the dashboard's trends: one grouped query)."""
    measured = {}
    for state in states:
        measure = getattr(state.target, "measure", None)
        if measure is not None and state.region.pk == region.pk:
            measured.setdefault(measure.indicator_id, (measure.indicator, state))
    chosen = list(measured.values())[:HEADLINES]
    if not chosen:
        return []
    infos = {
        indicator.pk: trends.IndicatorInfo(
            code=indicator.code,
            numerator=trends.element_info(indicator.numerator),
            denominator=trends.element_info(indicator.denominator)
            if indicator.denominator_id
            else None,
            scale=float(indicator.scale),
        )
        for indicator, _state in chosen
    }
    elements = {e.id for info in infos.values() for e in (info.numerator, info.denominator) if e}
    sums = trends.quarterly_sums(region, quarter.year, elements)
    labels = trends.quarter_labels(quarter.year)
    now = labels.index((quarter.year, quarter.quarter))
    previous = quarter.previous()
    before = labels.index((previous.year, previous.quarter))
    year_ago = labels.index((quarter.year - 1, quarter.quarter))
    found = []
    for indicator, state in chosen:
        values = trends.quarter_values(sums, infos[indicator.pk], labels)
        found.append(
            Headline(
                name=indicator.name,
                unit=indicator.unit,
                decimals=indicator.precision,
                value=values[now],
                previous=values[before],
                last_year=values[year_ago],
                status=state.status,
                requirement=state.target.describe(),
            )
        )
    return [h for h in found if h.value is not None]


def summary(*, region, quarter: Quarter, own_states, warnings, reporting) -> Summary:
    counts = {key: sum(s.status == key for s in own_states) for key in (GREEN, AMBER, RED, UNKNOWN)}
    ranking = next(iter(panels.rankings(region=region, year=quarter.year)), None)
    found = Summary(
        counts=counts,
        headlines=headlines(region, quarter, own_states),
        ranking=ranking,
        red=sum(w.level == "red" for w in warnings),
        yellow=sum(w.level == "yellow" for w in warnings),
    )
    below = reporting.below if reporting is not None else None
    if below is not None:
        found.expected, found.on_time = below.expected, below.on_time
        found.late, found.missing = below.late, below.missing
        found.missing_names = [r.region.name for r in below.rows if r.state == "missing"]
    found.sentences = _sentences(region, quarter, found)
    return found


def _sentences(region, quarter: Quarter, found: Summary) -> list[str]:
    lines = []
    if found.total:
        lines.append(
            _("%(region)s%(quarter)s适用的 %(total)d 项量化目标中，%(green)d 项正常，%(amber)d 项有"
              "风险，%(red)d 项未达标，%(unknown)d 项暂无数据。")
            % {"region": region.name, "quarter": quarter, "total": found.total,
               "green": found.counts[GREEN], "amber": found.counts[AMBER],
               "red": found.counts[RED], "unknown": found.counts[UNKNOWN]}
        )  # fmt: skip
    lines += [h.sentence for h in found.headlines]
    ranking = found.ranking
    if ranking is not None:
        graded = [r for r in ranking.results if r.reported]
        if graded:
            best = graded[0]
            lines.append(
                _("%(rulebook)s：%(count)d 个地区参评，%(best)s列第一"
                  "（%(total)s分，%(grade)s）%(state)s。")
                % {"rulebook": ranking.rulebook.name, "count": len(graded),
                   "best": best.unit_name, "total": f"{best.total}", "grade": best.grade_label,
                   "state": _("，为试算结果") if ranking.provisional else ""}
            )  # fmt: skip
    if found.red or found.yellow:
        lines.append(_("本年度红牌 %(red)d 张、黄牌 %(yellow)d 张。")
                     % {"red": found.red, "yellow": found.yellow})  # fmt: skip
    if found.expected:
        text = _("下级地区应报 %(expected)d 个，按时 %(on_time)d 个，逾期 %(late)d 个，"
                 "未报 %(missing)d 个") % {
            "expected": found.expected, "on_time": found.on_time, "late": found.late,
            "missing": found.missing}  # fmt: skip
        if found.missing_names:
            text += _("（%(names)s）") % {"names": _("、").join(found.missing_names)}
        lines.append(text + _("。"))
    return lines
