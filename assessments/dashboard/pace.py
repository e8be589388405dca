"""What the rest of the horizon needs of a target (pure): a rate over the remaining quarters, a
change per quarter, or a verdict. Tested without the database."""

from dataclasses import dataclass

from targets import status


@dataclass(frozen=True)
class Pace:
    """What the rest of the horizon needs: a rate over the remaining quarters of the year
    (``rate``), a change per remaining quarter (``per_quarter``), or a verdict."""

    kind: str  # "rate", "per_quarter", "met", "closed", "unreachable"
    value: float | None = None
    quarters: int = 0


def pace_needed(
    *,
    comparator: str,
    threshold: float | None,
    current: float | None,
    quarters: int | None,
    year: int,
    horizon_year: int | None,
    flow: bool,
    ratio: bool = False,
    numerator: float | None = None,
    denominator: float | None = None,
    scale: float = 1.0,
    cumulative: bool = False,
    earlier: float = 0.0,
) -> Pace | None:
    """The pace a target needs from here (pure).

    - A rate of flows (合格批次/抽查批次) counts over the year: the remaining quarters, at this
      year's volume per quarter, must reach Σqualified/Σsampled = target, so the rate they need is
      (target × (D + D_rest) − N) / D_rest with D_rest = D / q × (4 − q). Counts before rates.
    - A flow counted over the campaign (cumulative) or a stock must close the gap by the end of
      the horizon year: gap / remaining quarters (a horizon already past means this year's end).
    - A yearly flow closes its gap by the end of the year."""
    if threshold is None or current is None:
        return None
    done = max(1, min(int(quarters or 0), 4))
    left_in_year = 4 - done
    horizon = year if horizon_year is None or horizon_year < year else horizon_year
    left_to_horizon = (horizon - year) * 4 + left_in_year
    if ratio and flow:
        if not denominator or numerator is None:
            return None
        if left_in_year == 0:
            return Pace("met") if status.meets(current, comparator, threshold) else Pace("closed")
        rest = denominator / done * left_in_year
        needed = (threshold / scale * (denominator + rest) - numerator) / rest * scale
        higher = comparator in status.HIGHER_IS_BETTER
        if (higher and needed > scale + status.TOLERANCE) or (
            not higher and needed < -status.TOLERANCE
        ):
            return Pace("unreachable", quarters=left_in_year)
        return Pace("rate", max(0.0, min(needed, scale)), left_in_year)
    total = current + (earlier if cumulative else 0.0)
    if status.meets(total, comparator, threshold):
        return Pace("met")
    remaining = left_to_horizon if (cumulative or not flow) else left_in_year
    if remaining <= 0:
        return Pace("closed")
    return Pace("per_quarter", (threshold - total) / remaining, remaining)
