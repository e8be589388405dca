"""Split a Chinese policy text into its numbered sections. Pure: no ORM, no I/O.

Headings are recognised at the start of a line (after optional Markdown marks ``#`` and ``**``):

- level 1: a Chinese numeral and 、 (``一、指导思想``);
- level 2: a Chinese numeral in parentheses, full- or half-width (``（一）``, ``(一)``);
- level 3: an Arabic number and 、 ． or . (``1、``, ``1．``).

A heading of a deeper kind nests under the nearest open heading of a shallower kind, so a
document that skips a level (``（一）`` straight under the title) still gets a tree. A section
runs from its heading to the next heading of the same or a shallower level. The title is the
heading's text up to the first 。 or ； or the end of the line, at most 60 characters.
"""

import re
from dataclasses import dataclass, field

CN_NUMERAL = "[一二三四五六七八九十]{1,3}"
_PREFIX = r"^[ \t　]*(?:#{1,6}[ \t]*)?(?:\*\*)?[ \t　]*"
_PATTERNS = [
    (1, re.compile(_PREFIX + rf"(?P<num>{CN_NUMERAL})、(?P<rest>.*)$", re.M)),
    (2, re.compile(_PREFIX + rf"[（(](?P<num>{CN_NUMERAL})[）)][ \t　]*(?P<rest>.*)$", re.M)),
    (3, re.compile(_PREFIX + r"(?P<num>\d{1,2})[、．.](?!\d)[ \t　]*(?P<rest>.*)$", re.M)),
]


@dataclass
class SectionSpan:
    """A heading found in the text and the span it governs."""

    depth: int
    number: str
    title: str
    start: int
    end: int = 0
    path: str = ""
    parent_path: str = ""
    children: list["SectionSpan"] = field(default_factory=list)


def _label(depth: int, num: str) -> str:
    return f"（{num}）" if depth == 2 else num


def _title(rest: str) -> str:
    rest = rest.replace("**", "").strip()
    title = re.split(r"[。；：:]", rest, maxsplit=1)[0].strip()
    return title if len(title) <= 60 else title[:59] + "…"


def split_sections(text: str) -> list[SectionSpan]:
    """All sections of ``text`` in document order, with paths such as ``三/（一）/1``."""
    headings: list[SectionSpan] = []
    for depth, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            title = _title(match.group("rest"))
            if not title:
                continue
            headings.append(
                SectionSpan(
                    depth=depth,
                    number=_label(depth, match.group("num")),
                    title=title,
                    start=match.start(),
                )
            )
    headings.sort(key=lambda s: s.start)

    open_stack: list[SectionSpan] = []
    seen_paths: set[str] = set()
    for section in headings:
        while open_stack and open_stack[-1].depth >= section.depth:
            open_stack.pop().end = section.start
        parent = open_stack[-1] if open_stack else None
        section.parent_path = parent.path if parent else ""
        path = f"{section.parent_path}/{section.number}" if parent else section.number
        # A repeated number under one parent (a typo in the source) must still get its own path.
        suffix = 2
        unique = path
        while unique in seen_paths:
            unique = f"{path}#{suffix}"
            suffix += 1
        section.path = unique
        seen_paths.add(unique)
        if parent:
            parent.children.append(section)
        open_stack.append(section)
    for section in open_stack:
        section.end = len(text)
    return headings


def innermost_section(sections, offset: int):
    """The deepest of ``sections`` (anything with depth, start, end) that contains ``offset``."""
    best = None
    for section in sections:
        if section.start <= offset < section.end and (best is None or section.depth > best.depth):
            best = section
    return best
