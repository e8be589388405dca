"""A season's totals: computed and judged item scores of every unit, added exactly, graded and
ranked by the rulebook's rules. Pure: plain data in, rows out (no ORM).

Which score an item counts, in order: an objection answered by changing it; the office's
adjustment; the reviewer's score; for a computed item, the run's. A judged item not yet reviewed
counts 0 (shown as pending, never as the unit's own self-score)."""

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from assessments.scoring.methods import competition_rank, grade_for, totals_of


@dataclass(frozen=True)
class Rules:
    """What of the rulebook grades and ranks a total."""

    bands: tuple[tuple[str, float], ...]  # (grade, minimum), highest first
    decimals: int = 2
    rounding: str = "half_up"
    veto_ranking: str = "last"


@dataclass(frozen=True)
class UnitScores:
    key: int  # the SeasonUnit's id
    computed: dict[str, float] = field(default_factory=dict)  # item code → the run's score
    judged: dict[str, Decimal | None] = field(default_factory=dict)  # None: not yet reviewed
    adjusted: dict[str, Decimal] = field(default_factory=dict)  # the office's adjustments
    objections: dict[str, Decimal] = field(default_factory=dict)  # changed on an objection
    veto: str = ""  # the veto's reason, "" when none


@dataclass
class UnitTotal:
    key: int
    items: dict[str, float]
    pending: list[str]  # judged items not yet reviewed
    total: Decimal
    grade: str
    vetoed: bool
    veto_reason: str
    rank: int = 0
    peers: int = 0


def item_score(unit: UnitScores, code: str) -> float | None:
    """The score an item counts for a unit (see the module), None for a judged item pending."""
    if code in unit.objections:
        return float(unit.objections[code])
    if code in unit.adjusted:
        return float(unit.adjusted[code])
    if code in unit.judged:
        found = unit.judged[code]
        return None if found is None else float(found)
    return float(unit.computed.get(code, 0.0))


def totals(units: list[UnitScores], codes: list[str], rules: Rules) -> list[UnitTotal]:
    """Every unit's total, grade and rank (ties share the better rank; vetoed units last unless
    the rulebook ranks them by score)."""
    if not units:
        return []
    rows, pending = [], []
    for unit in units:
        scores = [item_score(unit, code) for code in codes]
        pending.append([code for code, s in zip(codes, scores, strict=True) if s is None])
        rows.append([0.0 if s is None else s for s in scores])
    sums = totals_of(rows, rules.decimals, rules.rounding) if codes else [Decimal(0)] * len(units)
    out = []
    for unit, row, total, waiting in zip(units, rows, sums, pending, strict=True):
        vetoed = bool(unit.veto)
        out.append(
            UnitTotal(
                key=unit.key,
                items={code: round(score, 4) for code, score in zip(codes, row, strict=True)},
                pending=waiting,
                total=total,
                grade=rules.bands[-1][0] if vetoed else grade_for(total, rules.bands),
                vetoed=vetoed,
                veto_reason=unit.veto,
            )
        )
    frame = pd.Series([float(t.total) for t in out])
    behind = pd.Series([t.vetoed for t in out]) if rules.veto_ranking == "last" else None
    for position, rank in competition_rank(frame, behind=behind).items():
        out[position].rank = int(rank)
        out[position].peers = len(out)
    return sorted(out, key=lambda t: (t.rank, t.key))
