"""The plain-text table of a Reading (``format_table``); comparator symbols are targets.status's."""

from __future__ import annotations

import unicodedata

from targets import status

from .results import Reading, plain_number


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns (with …) and padded to exactly that width."""
    if _width(text) > width:
        out = ""
        for ch in text:
            if _width(out + ch) > width - 1:
                break
            out += ch
        text = out + "…"
    return text + " " * (width - _width(text))


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], limits: tuple[int, ...]) -> str:
    widths = [
        min(limit, max(_width(row[i]) for row in [header, *rows])) for i, limit in enumerate(limits)
    ]
    lines = ["  ".join(_fit(cell, widths[i]) for i, cell in enumerate(header)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_fit(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


def format_table(reading: Reading) -> str:
    """A plain-text rendering of ``reading``: metadata, a target table and a task table."""
    out = [
        f"标题：{reading.title or '—'}",
        f"文号：{reading.doc_number or '—'}    发文机关：{reading.issuer or '—'}    "
        f"成文日期：{reading.issue_date or '—'}    目标年度：{reading.horizon_year or '—'}",
        "",
        f"目标（{len(reading.targets)}）",
    ]
    rows = []
    for i, target in enumerate(reading.targets, 1):
        symbol = status.symbol(target.comparator)
        if target.value is None:
            requirement = f"{symbol} {target.reference}"
        else:
            requirement = f"{symbol} {plain_number(target.value)}{target.unit}"
        rows.append(
            (
                str(i),
                target.indicator,
                requirement,
                str(target.horizon_year or "—"),
                "力争" if target.aspirational else "",
            )
        )
    if rows:
        out.append(_table(("#", "指标", "要求", "年度", "力争"), rows, (4, 48, 20, 6, 4)))
    out += ["", f"任务（{len(reading.tasks)}）"]
    rows = [
        (
            str(i),
            task.number,
            "、".join(task.lead) or "—",
            "、".join(task.cooperating) or "—",
            task.title or task.text.replace("\n", ""),
        )
        for i, task in enumerate(reading.tasks, 1)
    ]
    if rows:
        out.append(_table(("#", "序号", "牵头", "配合", "任务"), rows, (4, 8, 24, 40, 40)))
    return "\n".join(out) + "\n"
