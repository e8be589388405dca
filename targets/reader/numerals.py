"""Numerals: Chinese and Arabic figures to numbers, and Chinese dates to ISO dates."""

from __future__ import annotations

import math
import re

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "O": 0,
    "o": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_POWER = {"十": 10, "百": 100, "千": 1000}


def _cn_int(text: str) -> int | None:
    """二十七 -> 27, 一百零五 -> 105, 十五 -> 15; 二〇一二 (digit by digit) -> 2012."""
    if not text:
        return None
    if len(text) > 1 and all(ch in _CN_DIGIT for ch in text):
        return int("".join(str(_CN_DIGIT[ch]) for ch in text))
    total = current = 0
    for ch in text:
        if ch in _CN_DIGIT:
            current = _CN_DIGIT[ch]
        elif ch in _CN_POWER:
            total += (current or 1) * _CN_POWER[ch]
            current = 0
        else:
            return None
    return total + current


# A figure with more digits than this is no target (a 150,000-digit run of digits would read as
# infinity); a quantity of a policy is far below it.
MAX_FIGURE = 1e15


def to_number(text: str) -> float | None:
    """The number written as ``text`` (Arabic or Chinese numerals), or None when it is none or
    too long to be a figure of a policy."""
    text = text.replace(",", "")
    if len(text) > 32:
        return None
    try:
        value = _to_number(text)
    except (ValueError, OverflowError):
        return None
    if value is None or not math.isfinite(value) or abs(value) >= MAX_FIGURE:
        return None
    return value


def _to_number(text: str) -> float | None:
    if text[:1].isdigit():
        return float(text)
    whole, _, fraction = text.partition("点")
    integer = _cn_int(whole)
    if integer is None:
        return None
    if fraction:
        digits = "".join(str(_CN_DIGIT.get(ch, 0)) for ch in fraction)
        return float(f"{integer}.{digits}")
    return float(integer)


def iso_date(match: re.Match) -> str | None:
    year = _cn_int(match.group("y")) if not match.group("y").isdigit() else int(match.group("y"))
    month = int(match.group("m")) if match.group("m").isdigit() else _cn_int(match.group("m"))
    day = int(match.group("d")) if match.group("d").isdigit() else _cn_int(match.group("d"))
    if not year or not month or not day or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
