"""Indicator names: the words around a figure trimmed and composed, and lists split."""

from __future__ import annotations

import re
from dataclasses import replace

from .quantities import Item
from .words import (
    COUNTED_NOUN,
    DISTRIBUTE,
    LEAD_STRIP,
    LIST_START,
    OUTCOME_VERB,
    RATE_END,
    RATE_HEAD,
    SPLIT,
    TRAIL_STRIP,
    VERB_END,
    VP_START,
)


def _trim(cn: str, co: str) -> str:
    """Strip lead-in and trailing filler words (matched on ``cn``) and return the ``co`` rest."""
    lo, hi = 0, len(cn)
    changed = True
    while changed and lo < hi:
        changed = False
        match = LEAD_STRIP.match(cn, lo, hi)
        if match and match.end() > lo:
            lo = match.end()
            changed = True
        tail = TRAIL_STRIP.search(cn[lo:hi])
        if tail and tail.end() - tail.start() > 0:
            hi = lo + tail.start()
            changed = True
    return re.sub(r"[“”\"‘’「」]", "", co[lo:hi])


def _compose(subject: str, obj: str) -> str:
    """Indicator from the words before the figure and the object after it."""
    if subject and obj:
        if VP_START.match(obj) and not VERB_END.search(subject):
            if not OUTCOME_VERB.match(subject):
                return f"{obj}的{subject}"
        return subject + obj
    if obj:
        counted = COUNTED_NOUN.match(obj)
        if counted and not counted.group("rest").startswith(("的", "和", "、", "及")):
            return f"{counted.group('rest')}的{counted.group('noun')}"
        return obj
    return subject


def name_items(cl: str, clo: str, items: list[Item]) -> None:
    """Give each item its indicator (and note items that share the previous one's subject)."""
    previous_end = 0
    list_verb = ""
    group_start = group_text_start = 0
    for i, item in enumerate(items):
        following = items[i + 1].start if i + 1 < len(items) else len(cl)
        successor = items[i + 1] if i + 1 < len(items) else None
        if successor is not None and cl[item.end : following].startswith("的"):
            # "品牌价值超过10亿元的企业5家": the figures before 的 describe the next one's subject
            own = cl[previous_end : item.start]
            lead_in = LIST_START.match(own)
            joined = i > 0 and not _trim(own[lead_in.end() if lead_in else 0 :], own)
            first = group_start if joined else i
            for earlier in items[first : i + 1]:
                earlier.modifier = True
            previous_end = group_text_start if joined else previous_end
            group_start, group_text_start = i + 1, previous_end
            continue
        pre_cn, pre_co = cl[previous_end : item.start], clo[previous_end : item.start]
        consumed = item.end
        obj = ""
        owns_tail = successor is None or not (
            successor.pre is not None or successor.change or successor.kind == "rel"
        )
        if item.kind == "qty" and owns_tail:
            tail = cl[item.end : following]
            stripped = tail.lstrip("的")
            if stripped and not LIST_START.match(stripped):
                offset = item.end + len(tail) - len(stripped)
                obj = _trim(cl[offset:following], clo[offset:following])
                consumed = following
        lead_in = LIST_START.match(pre_cn)
        skip = lead_in.end() if lead_in else 0
        subject = _trim(pre_cn[skip:], pre_co[skip:])
        if item.baseline:
            subject = subject.rsplit("由", 1)[0].rsplit("从", 1)[0]
        item.after = obj
        item.distribute = bool(DISTRIBUTE.search(pre_cn))
        item.indicator = _compose(subject, obj)
        if i == 0:
            verb = OUTCOME_VERB.match(item.indicator)
            list_verb = verb.group(0) if verb else ""
        elif LIST_START.match(pre_cn) and list_verb and item.indicator:
            if not OUTCOME_VERB.match(item.indicator):
                item.indicator = list_verb + item.indicator
        item.joined = i > 0 and not item.indicator
        if not item.joined:
            group_start, group_text_start = i, previous_end
        previous_end = consumed


def _split_list(indicator: str, force: bool) -> list[str]:
    """Indicators listed in one subject: "A、B合格率" stays one unless all are rates or forced.

    When forced (均 / 分别), a rate head written only once is shared: "食品和农产品抽检合格率" ->
    食品抽检合格率, 农产品抽检合格率.
    """
    parts = [part for part in SPLIT.split(indicator) if part]
    if len(parts) < 2 or re.search(r"\d", indicator):
        return [indicator]
    if all(RATE_END.search(part) for part in parts):
        return parts
    if force and all(len(part) >= 2 for part in parts):
        head = RATE_HEAD.search(parts[-1])
        if head and not any(RATE_END.search(part) for part in parts[:-1]):
            if len(head.group(0)) < len(parts[-1]):
                return [part + head.group(0) for part in parts[:-1]] + [parts[-1]]
        return parts
    return [indicator]


def expand_groups(items: list[Item]) -> list[Item]:
    groups: list[list[Item]] = []
    for item in items:
        if item.modifier:
            continue
        if item.joined and groups:
            groups[-1].append(item)
        else:
            groups.append([item])
    out: list[Item] = []
    for group in groups:
        head = group[0]
        if head.baseline:
            for item in group[1:]:
                item.indicator = head.indicator
                out.append(item)
            continue
        if len(group) > 1:
            parts = _split_list(head.indicator, force=True)
            last_post = group[-1].post
            for j, item in enumerate(group):
                item.indicator = parts[j] if len(parts) == len(group) else head.indicator
                if item.pre is None and not item.change:
                    item.pre, item.change = head.pre, head.change
                if item.post is None:
                    item.post = last_post
                out.append(item)
            continue
        parts = _split_list(head.indicator, force=head.distribute)
        out.extend(replace(head, indicator=part) for part in parts)
    return out
