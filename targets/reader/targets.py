"""Quantitative targets: which figures of which sentences are targets, with horizon and flags."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .horizons import HORIZON, horizon_phrases
from .indicators import expand_groups, name_items
from .quantities import Item, comparator_of, find_quantities
from .results import FoundTarget
from .text import Doc, Span, masks, sentences
from .words import (
    ASPIRE,
    CLAUSE_SIGNAL,
    FIRM,
    FORWARD,
    GOAL_HEADING,
    GOAL_SIGNAL,
    HOLDER_VERB,
    MEANS_END,
    MEASURES_HEADING,
    RATE_END,
    REL,
    REL_CMP,
    RETRO,
    REVIEW_HEADING,
)


@dataclass
class _Context:
    """What the headings above a sentence and the document tell about it."""

    goal: bool  # a heading names 目标 / 指标
    measures: bool  # a heading names 保障措施 / 组织实施 …: targets need a horizon phrase
    horizon: int | None  # the section's last horizon, else the document's
    issue_year: int | None


def find_targets(doc: Doc, horizon: int | None, issue_year: int | None) -> list[FoundTarget]:
    targets: list[FoundTarget] = []
    headings: dict[int, str] = {}
    section_horizon: int | None = None
    for block in doc.blocks:
        cn = block.span.cn
        if block.level is not None:
            rest = cn[len(block.marker) :]
            headings = {lv: h for lv, h in headings.items() if lv < block.level}
            headings[block.level] = re.split(r"[。；;：:]", rest, maxsplit=1)[0][:40]
            if block.level <= 1:
                section_horizon = None
        goal = any(GOAL_HEADING.search(h) for h in headings.values())
        measures = any(MEASURES_HEADING.search(h) for h in headings.values())
        if any(REVIEW_HEADING.search(h) for h in headings.values()):
            continue  # 一、过去五年工作回顾 / 发展现状: what was achieved, not what is aimed at
        context = _Context(goal, measures, section_horizon or horizon, issue_year)
        for a, b in sentences(cn, len(block.marker)):
            found, last = _sentence_targets(doc, block.span, a, b, context)
            targets.extend(found)
            section_horizon = last or section_horizon
    unique: list[FoundTarget] = []
    seen = set()
    for target in targets:
        key = (target.indicator, target.comparator, target.value, target.unit, target.start)
        if key not in seen:
            seen.add(key)
            unique.append(target)
    return unique


def _split_at(cn: str, a: int, b: int, separators: str) -> list[tuple[int, int]]:
    """Pieces of ``cn[a:b]`` between separators that are not inside parentheses."""
    pieces = []
    depth = 0
    start = a
    for i in range(a, b):
        ch = cn[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            pieces.append((start, i))
            start = i + 1
    pieces.append((start, b))
    return [(x, y) for x, y in pieces if y > x]


def _sentence_targets(
    doc: Doc, span: Span, a: int, b: int, context: _Context
) -> tuple[list[FoundTarget], int | None]:
    """The targets of sentence ``span.cn[a:b]`` and the last horizon year it names."""
    cn, co = span.cn[a:b], span.co[a:b]
    book, quoted = masks(cn)
    issue_year = context.issue_year
    # a horizon before the issue year ("至2007年在全市铺开") looks back, not ahead
    horizons = [(p, y) for p, y in horizon_phrases(cn, book) if not issue_year or y >= issue_year]
    last = horizons[-1][1] if horizons else None
    if _retrospective(cn, issue_year, bool(horizons)) or (context.measures and not horizons):
        return [], last
    sentence_signal = context.goal or bool(horizons) or bool(GOAL_SIGNAL.search(cn))
    start, end = span.bounds(a, b)
    quote = doc.text[start:end]
    found: list[tuple[int, Item, bool]] = []
    for ua, ub in _split_at(cn, 0, len(cn), "；;"):
        aspirational = False
        for ca, cb in _split_at(cn, ua, ub, "，,：:"):
            clause = cn[ca:cb]
            if FIRM.match(clause):
                aspirational = False
            if ASPIRE.search(clause):
                aspirational = True
            signal = sentence_signal or bool(CLAUSE_SIGNAL.search(clause))
            for item in _clause_items(clause, co[ca:cb], quoted[ca:cb], signal):
                found.append((ca + item.start, item, aspirational))
    counts = [(p, i.unit) for p, i, _ in found if i.kind == "qty" and i.unit and i.unit not in "%‰"]
    targets = []
    for pos, item, aspirational in found:
        before = [year for p, year in horizons if p <= pos]
        year = before[-1] if before else (horizons[0][1] if horizons else context.horizon)
        unit = item.unit
        if item.kind == "zero":  # no unit is written: borrow the nearest count's, else 个
            nearest = sorted(counts, key=lambda c: (abs(c[0] - pos), c[0] > pos))
            unit = nearest[0][1] if nearest else "个"
        targets.append(
            FoundTarget(
                indicator=item.indicator,
                comparator=comparator_of(item),
                value=item.value,
                unit=unit,
                horizon_year=year,
                aspirational=aspirational,
                quote=quote,
                reference=item.reference,
                start=start,
                end=end,
            )
        )
    return targets, last


def _retrospective(cn: str, issue_year: int | None, ahead: bool) -> bool:
    """Whether a sentence reports the past: 截至/目前/已经/以来/达到了 …, a past horizon, or
    an opening year before the issue year; a horizon ahead or 力争/确保/目标 overrides."""
    if ahead or FORWARD.search(cn):
        return False
    if RETRO.search(cn) or HORIZON.search(cn):
        return True
    opening = re.match(r"^(?:在)?((?:19|20)\d{2})年(?!底前|前|以前|度)", cn)
    return bool(opening and issue_year and int(opening.group(1)) < issue_year)


def _clause_items(cl: str, clo: str, quoted: list[bool], signal: bool) -> list[Item]:
    """The targets of one clause (cl normalised, clo original, same positions)."""
    items: list[Item] = []
    for match in REL.finditer(cl):
        ref = match.group("ref")
        if quoted[match.start()]:
            continue
        if "平均" in ref or ref.startswith(("上年", "上一年", "去年", "同期", "前")):
            items.append(
                Item(
                    "rel",
                    match.start(),
                    match.end(),
                    pre=REL_CMP[match.group("cmp")],
                    reference=clo[match.start("ref") : match.end("ref")],
                )
            )
    for match in re.finditer("零的突破", cl):
        if not quoted[match.start()]:
            items.append(Item("zero", match.start(), match.end(), value=1.0))
    # A figure inside a relative or "zero" phrase is part of it. Figures come in order and do
    # not nest, so each is compared with those phrases and the figure kept before it only: a
    # clause of thousands of figures reads in linear time.
    phrases, last = list(items), None
    for item in find_quantities(cl, quoted):
        if any(o.start < item.end and item.start < o.end for o in phrases):
            continue
        if last is not None and last.start < item.end and item.start < last.end:
            continue
        items.append(item)
        last = item
    items.sort(key=lambda item: item.start)
    name_items(cl, clo, items)
    return _accept(expand_groups(items), signal)


def _accept(items: list[Item], signal: bool) -> list[Item]:
    accepted = []
    for item in items:
        indicator = item.indicator
        if len(indicator) < 2 or not re.search(r"[\u4e00-\u9fff]", indicator):
            continue
        if item.kind == "rel":
            item.unit = "%" if indicator.endswith("率") else ""
        if item.unit == "家" and HOLDER_VERB.match(indicator) and not indicator.endswith("企业"):
            item.indicator = indicator = f"{indicator}的企业"  # 获得驰名商标达30家: enterprises
        if not item.explicit:
            rate = item.unit == "%" and RATE_END.search(indicator)
            if not (signal or rate):
                continue
            if item.after and MEANS_END.search(item.after):
                continue
        accepted.append(item)
    return accepted
