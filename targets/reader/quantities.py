"""Figures in a clause: number, unit, comparator word or change verb, as Items."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import to_number
from .words import (
    BASELINE_BEFORE,
    CHANGE_WORDS,
    INCENTIVE_BEFORE,
    NOT_DA,
    POST,
    POST_CMP,
    PRE_WORDS,
    UNIT_WORD,
    UNITS,
)

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = r"[零〇○一二两三四五六七八九十百千]+(?:点[零〇○一二三四五六七八九]+)?"
_UNIT_ALT = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
_QTY = re.compile(
    rf"(?:(?P<pct>百分之|千分之)(?P<pnum>{_AR}|{_CN}))"
    rf"|(?P<num>{_AR}|{_CN})(?P<approx>余|多)?(?P<unit>%|‰|[万亿]?(?:{_UNIT_ALT}))?"
)


@dataclass
class Item:
    """A figure or comparison in a clause: value, unit, comparator words and, once named, its
    indicator."""

    kind: str  # "qty", "rel" or "zero"
    start: int  # clause position where the expression (with its comparator word) begins
    end: int
    value: float | None = None
    unit: str = ""
    pre: str | None = None
    post: str | None = None
    change: bool = False
    approx: bool = False
    chinese: bool = False
    reference: str = ""
    after: str = ""  # the object written after the figure, if any (compact original)
    indicator: str = ""
    distribute: bool = False
    joined: bool = False
    baseline: bool = False  # "由90%提高到95%": 90% is where the indicator starts from
    modifier: bool = False  # "超过1000亿元的企业": the figure describes the subject

    @property
    def explicit(self) -> bool:
        return (
            self.kind != "qty"
            or self.pre is not None
            or self.post is not None
            or self.change
            or self.approx
        )


# How far before a figure its words are looked for: longer than any comparator, change, incentive
# or baseline phrase and any range's lower bound ("由2020年底的", "奖励", "12.5-").
LOOK_BACK = 40
_RANGE_LOW = re.compile(r"(\d+(?:\.\d+)?)(?:-|—|~|至)$")


def find_quantities(cl: str, quoted: list[bool]) -> list[Item]:
    found = []
    for match in _QTY.finditer(cl):
        item = _quantity(cl, match)
        if item is not None and not quoted[match.start()]:
            found.append(item)
    return found


def _quantity(cl: str, match: re.Match) -> Item | None:
    start = match.start()
    if match.group("pct"):
        raw, unit = match.group("pnum"), "%" if match.group("pct") == "百分之" else "‰"
        number_end = unit_end = match.end()
    else:
        raw, unit = match.group("num"), match.group("unit") or ""
        number_end = match.end("num")
        unit_end = match.end()
    chinese = not raw[0].isdigit()
    value = to_number(raw)
    if value is None:
        return None
    # "\0" stands for "nothing there": it is in none of the character sets tested below
    before = cl[start - 1] if start else "\0"
    after_number = cl[number_end] if number_end < len(cl) else "\0"
    following = cl[unit_end] if unit_end < len(cl) else "\0"
    if before in "第〔[【" or (after_number.isascii() and after_number.isalpha()):
        return None
    if before.isascii() and (before.isalnum() or before in "./_"):
        return None
    if chinese and before in "统唯之专万初周星礼逐单不同":
        return None
    base = unit.lstrip("万亿") if len(unit) > 1 else unit
    if base in UNIT_WORD and following in UNIT_WORD[base]:
        return None
    if chinese and following in "一二三四五六七八九十":
        return None
    # the comparator word (or change verb) right before the figure, and a range "1-2个"
    item_start = start
    # Every look back is at the few characters before the figure (a window, not the whole
    # clause: a clause of 60,000 figures would make reading quadratic).
    window = max(0, start - LOOK_BACK)
    range_low = _RANGE_LOW.search(cl, window, start)
    if range_low and not chinese:
        value = float(range_low.group(1))
        item_start = range_low.start()
        if item_start and cl[item_start - 1].isascii() and cl[item_start - 1].isalnum():
            return None
    pre, change = None, False
    prefix = cl[max(0, item_start - LOOK_BACK) : item_start]
    if INCENTIVE_BEFORE.search(prefix.removesuffix("一次性")):
        return None  # 一次性奖励100万元: an incentive, not a goal
    for word, comparator in PRE_WORDS:
        if prefix.endswith(word) and not (word == "达" and prefix[-2:-1] in NOT_DA):
            pre = comparator  # None for the neutral 为: no comparator, but not in the name
            item_start -= len(word)
            break
    else:
        change = prefix.endswith(CHANGE_WORDS)
    if range_low and not chinese and pre is None:
        pre = ">="
    if pre is None and not change and prefix.endswith("前") and unit in ("位", "名"):
        pre, item_start = "<=", item_start - 1  # 排名保持全省前5位: rank <= 5
    baseline = (
        bool(BASELINE_BEFORE.search(cl, max(0, item_start - LOOK_BACK), item_start))
        and pre is None
        and not change
    )
    post_match = POST.match(cl, unit_end)
    post = POST_CMP[post_match.group(0)] if post_match else None
    end = post_match.end() if post_match else unit_end
    approx = bool(match.group("approx")) if not match.group("pct") else False
    explicit = pre is not None or post is not None or change or approx
    if not unit:
        if chinese or not explicit or (1900 <= value <= 2100 and float(value).is_integer()):
            return None
        if following != "\0" and following not in "，,；;。、)）" and not post_match:
            return None
    if chinese and not explicit and (raw == "一" or raw[0] in "十百千" and len(raw) == 1):
        return None
    if chinese and not explicit and raw[0] in "百千":
        return None
    return Item(
        "qty",
        item_start,
        end,
        value=value,
        unit=unit.replace("％", "%"),
        pre=pre,
        post=post,
        change=change,
        approx=approx,
        chinese=chinese,
        baseline=baseline,
    )


def comparator_of(item: Item) -> str:
    if item.kind == "rel":
        return item.pre or ">"
    if item.kind == "zero":
        return ">="
    comparator = item.post or (None if item.change else item.pre) or ">="
    if item.unit == "%" and item.value == 100 and comparator == ">=" and not item.change:
        return "="
    return comparator
