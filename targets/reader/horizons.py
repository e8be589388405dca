"""Horizon phrases (到2015年, "十二五"期末, 2016-2017年) and the document's horizon year."""

from __future__ import annotations

import re
from collections import Counter

from .text import Doc, masks, normalise

HORIZON = re.compile(
    r"(?<!截)(?<!截止)(?:到|至)(?P<a>(?:19|20)\d{2})年|(?P<b>(?:19|20)\d{2})年(?:底|末)?(?:以前|之前|前)"
)
_FIVE_YEAR = re.compile(
    r"(?<!比)(?<!比“)(?<!比\")[\"“]?(?P<n>十[一二三四五六七八九]?五)[\"”]?(?:规划)?(?:期末|末期|末)"
)
_FIVE_YEAR_END = {
    "十五": 2005,
    "十一五": 2010,
    "十二五": 2015,
    "十三五": 2020,
    "十四五": 2025,
    "十五五": 2030,
}
_PERIOD = re.compile(r"(?P<a>(?:19|20)\d{2})年?(?:-|—|–|~|至|到)(?P<b>(?:19|20)\d{2})年")


def horizon_phrases(cn: str, book: list[bool]) -> list[tuple[int, int]]:
    """(position, year) of every horizon phrase outside 《》."""
    found = []
    for match in HORIZON.finditer(cn):
        if not book[match.start()]:
            found.append((match.start(), int(match.group("a") or match.group("b"))))
    for match in _FIVE_YEAR.finditer(cn):
        if not book[match.start()] and match.group("n") in _FIVE_YEAR_END:
            found.append((match.start(), _FIVE_YEAR_END[match.group("n")]))
    return sorted(found)


def doc_horizon(doc: Doc, title: str, issue_year: int | None = None) -> int | None:
    title_cn = normalise(title)
    period = _PERIOD.search(title_cn)
    if period:
        return int(period.group("b"))
    year = re.search(r"((?:19|20)\d{2})年", title_cn)
    if year:
        return int(year.group(1))
    counts: Counter[int] = Counter()
    periods = []
    for block in doc.blocks:
        book, _ = masks(block.span.cn)
        counts.update(
            year
            for _, year in horizon_phrases(block.span.cn, book)
            if not issue_year or year >= issue_year
        )
        for match in _PERIOD.finditer(block.span.cn):
            if not book[match.start()] and int(match.group("b")) >= int(match.group("a")):
                periods.append(int(match.group("b")))
    if counts:
        best = max(counts.values())
        return max(year for year, count in counts.items() if count == best)
    return periods[0] if periods else None
