"""Tasks: paragraphs with an assignment, their lead and cooperating departments."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .results import DepartmentName, FoundTask
from .text import Block, Doc
from .words import (
    AND_AFTER_UNIT,
    DEPT_LIKE,
    GENERIC,
    LABEL,
    LEAD_ROLES,
    ROLES,
    VERTICAL,
)

_GROUP = re.compile(r"^(?P<list>.+?)(?P<verb>" + "|".join(ROLES) + r")(?P<rest>.*)$")
_PAREN = re.compile(r"[（(](?P<body>[^（）()]{2,400})[）)]")
_RUN_HUITONG = re.compile(
    r"(?<!理)由(?!于|此)(?P<lead>[^，,。；;：:、]{2,30}?)(?:牵头)?[，,]?会同(?P<coop>[^，,。；;]{2,80})"
)
_RUN_LEAD = re.compile(
    r"(?:^|[。；;，,：:])(?:由)?(?P<lead>[^，,。；;：:]{2,40}?)(?:牵头|负责)[，,]"
    r"(?P<coop>[^，,。；;：:]{2,120}?)(?:配合|协助|参与|参加|按职责分工负责|分工负责)"
)
_RUN_COOP = re.compile(
    r"(?:^|[。；;：:])(?P<coop>[^，,。；;：:]{2,120}?)按职责分工负责(?=$|[。；;])"
)


def _dept_items(text: str) -> list[str]:
    """Units of a list "A、B和C等有关部门": split at 、 (and at 和/及/与 after a unit's name)."""
    raws = []
    for raw in text.split("、"):
        raws.extend(AND_AFTER_UNIT.split(raw.strip()))
    items = []
    for raw in raws:
        name = re.sub(r"^(?:由|和|及|与)", "", raw.strip())
        name = re.split(r"等(?=有关|相关|各|部门|单位|成员|$)", name)[0]
        if name and not GENERIC.search(name):
            items.append(name)
    return items


def _take_dept(text: str) -> str:
    """The department name at the start of ``text`` ("区财政局制定细则" -> "区财政局")."""
    match = re.match(
        r"^.{1,20}?(?:办公室|中心|海关|公司|政府|小组|局|厅|委|办|部|院|室|处)"
        r"(?:直属)?(?:[一二三四五六七八九十\d]*(?:分局|支队|大队|中心|处|科|所|站))?",
        text,
    )
    return match.group(0) if match else text


def _region_prefix(name: str) -> str:
    if name[:1] in "省市区县" and not name.startswith("市场"):
        return name[0]
    match = re.match(r"^[\u4e00-\u9fff]{2,3}?(?:省|市|区|县)(?=[\u4e00-\u9fff]{2,})", name)
    return match.group(0) if match else ""


def _has_region(name: str) -> bool:
    if name[:1] in "省市区县州各" and not name.startswith("市场"):
        return True
    if re.match(r"^(?:国家|国务院|中国|中央|全国|中华|中共)", name) or VERTICAL.search(name):
        return True
    return bool(re.match(r"^[\u4e00-\u9fff]{1,4}(?:省|市|区|县|州)", name))


def _with_prefix(lead: list[str], coop: list[str]) -> tuple[list[str], list[str]]:
    """Carry the first unit's prefix (省 / 市 / 福州市 …) to the bare names after it."""
    names = lead + coop
    if not names:
        return lead, coop
    prefix = _region_prefix(names[0])
    fixed = names[:1] + [
        name if not prefix or _has_region(name) else prefix + name for name in names[1:]
    ]
    return fixed[: len(lead)], fixed[len(lead) :]


def _parse_assignment(body: str) -> tuple[list[str], list[str]] | None:
    """Lead and cooperating units of an assignment such as "X牵头，Y、Z按职责分工负责"."""
    if "。" in body or len(body) > 300 or re.match(r"^(?:含|包括|如|即|见|注)", body):
        return None
    lead: list[str] = []
    coop: list[str] = []
    if LABEL.search(body):
        labels = list(LABEL.finditer(body))
        for k, match in enumerate(labels):
            stop = labels[k + 1].start() if k + 1 < len(labels) else len(body)
            items = _dept_items(body[match.end() : stop].strip("；;，, "))
            label = match.group("label")
            (lead if label.startswith(("牵头", "主办")) else coop).extend(items)
    else:
        for group in re.split(r"[，,；;]", body):
            group = group.strip()
            if not group:
                continue
            match = _GROUP.match(group.removeprefix("由"))
            if not match:
                return None
            names = match.group("list")
            if "会同" in names:
                first, second = names.split("会同", 1)
                lead.extend(_dept_items(first))
                coop.extend(_dept_items(second))
            elif match.group("verb") in LEAD_ROLES and not (
                lead and "牵头" not in match.group("verb")
            ):  # "X牵头，Y负责": Y carries it out under X's lead
                lead.extend(_dept_items(names))
            else:
                coop.extend(_dept_items(names))
    if not _mostly_units(lead + coop):
        return None
    return _with_prefix(lead, coop)


def _mostly_units(names: list[str]) -> bool:
    """At least one name, and at least half of them, look like government units."""
    units = sum(1 for name in names if DEPT_LIKE.search(name))
    return bool(names) and units >= 1 and 2 * units >= len(names)


def _running_assignment(cn: str) -> tuple[list[str], list[str]] | None:
    """Assignments written in the running text of a numbered paragraph."""
    match = _RUN_HUITONG.search(cn)
    if match:
        lead = _dept_items(match.group("lead"))
        coop_raw = match.group("coop").split("、")
        coop_raw[-1] = _take_dept(coop_raw[-1])
        coop = [n for n in _dept_items("、".join(coop_raw)) if DEPT_LIKE.search(n)]
        if lead and all(DEPT_LIKE.search(n) for n in lead):
            return _with_prefix(lead, coop)
    match = _RUN_LEAD.search(cn)
    if match:
        lead, coop = _dept_items(match.group("lead")), _dept_items(match.group("coop"))
        if lead and coop and all(DEPT_LIKE.search(n) for n in lead + coop):
            return _with_prefix(lead, coop)
    match = _RUN_COOP.search(cn)
    if match:
        coop = _dept_items(match.group("coop"))
        if len(coop) >= 1 and all(DEPT_LIKE.search(n) for n in coop):
            return _with_prefix([], coop)
    return None


def _strip_prefix(name: str) -> str:
    match = re.match(
        r"^(?:[\u4e00-\u9fff]{2,3}(?:省|市)(?:[\u4e00-\u9fff]{2,3}(?:区|县))?"
        r"|[\u4e00-\u9fff]{2,3}(?:区|县)|[省市区县](?!场))",
        name,
    )
    if match and len(name) - match.end() >= 2:
        return name[match.end() :]
    return name


def _canonical(name: str, departments: Sequence[DepartmentName]) -> str:
    for dept in departments:
        if name == dept.name or name in dept.aliases:
            return dept.name
    bare = _strip_prefix(name)
    for dept in departments:
        wordings = (dept.name, *dept.aliases)
        if bare != name and bare in wordings:
            return dept.name
    for dept in departments:
        for wording in (dept.name, *dept.aliases):
            if _strip_prefix(wording) != wording and _strip_prefix(wording) == name:
                return dept.name
    return name


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def find_tasks(doc: Doc, departments: Sequence[DepartmentName]) -> list[FoundTask]:
    tasks: list[FoundTask] = []
    # a numbered paragraph without an assignment: a label line "牵头单位：…" may follow it
    waiting: Block | None = None
    for block in doc.blocks:
        cn = block.span.cn
        if waiting is not None and LABEL.match(cn.lstrip("（(")):
            parsed = _parse_assignment(cn.strip("（()）"))
            if parsed:
                tasks.append(_task(doc, waiting, len(waiting.span.cn), parsed, departments))
                tasks[-1].end = block.end
                waiting = None
                continue
        waiting = None
        found = []
        for match in _PAREN.finditer(cn):
            parsed = _parse_assignment(match.group("body"))
            if parsed:
                found.append((match.start(), match.end(), parsed))
        if found:
            begin = None
            for ps, pe, parsed in found:  # each assignment closes the text since the last one
                task = _task(doc, block, ps, parsed, departments, begin=begin)
                task.end = block.span.bounds(ps, pe)[1]
                tasks.append(task)
                begin = pe
            continue
        if block.level is not None:
            parsed = _running_assignment(cn[len(block.marker) :])
            if parsed:
                tasks.append(_task(doc, block, len(cn), parsed, departments))
            else:
                waiting = block
    return tasks


def _task(
    doc: Doc,
    block: Block,
    stop: int,
    parsed: tuple[list[str], list[str]],
    departments: Sequence[DepartmentName],
    begin: int | None = None,
) -> FoundTask:
    span, cn = block.span, block.span.cn
    title = ""
    body = len(block.marker) if begin is None else begin
    if begin is None and block.marker:
        first = re.search(r"[。！？!?]", cn[body:stop])
        if first and first.start() <= 40 and body + first.end() < stop:
            title = span.co[body : body + first.start()]
            body += first.end()
    text = ""
    if stop > body:
        lo, hi = span.bounds(body, stop)
        text = doc.text[lo:hi].strip()
    lead, coop = parsed
    lead = _unique([_canonical(name, departments) for name in lead])
    coop = [n for n in _unique([_canonical(name, departments) for name in coop]) if n not in lead]
    return FoundTask(
        text=text,
        lead=lead,
        cooperating=coop,
        start=block.start,
        end=block.end,
        number=span.co[: len(block.marker)],
        title=title,
    )
