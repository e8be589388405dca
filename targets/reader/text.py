"""The text model: normalisation, lines, paragraphs (blocks), sentences and quotation masks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .words import DOC_KIND_END

_PUNCT = {
    "％": "%",
    "﹪": "%",
    "．": ".",
    "－": "-",
    "～": "~",
    "\u3000": " ",
    "\xa0": " ",
    "［": "[",
    "］": "]",
    "＜": "<",
    "＞": ">",
    "＝": "=",
    "＋": "+",
    "／": "/",
    "＆": "&",
}
_DROP = frozenset(" \t\r\n\f\v*#\u200b\ufeff")
_RULE_LINE = re.compile(r"[-=_~]{3,}")
_TERMINAL = "。！？!?；;：:）)”」』》】"


def normalise(text: str) -> str:
    """Full-width digits, letters and a few signs to ASCII; same length as ``text``."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(_PUNCT.get(ch, ch))
    return "".join(out)


class Span:
    """A stretch of text without whitespace and Markdown marks, with the original offsets.

    ``cn`` is the normalised form (for matching), ``co`` the original characters (for output),
    ``idx[i]`` the offset in the text of character ``i`` of both.
    """

    __slots__ = ("cn", "co", "idx")

    def __init__(self, cn: str, co: str, idx: list[int]):
        self.cn, self.co, self.idx = cn, co, idx

    @classmethod
    def build(cls, text: str, norm: str, start: int, end: int) -> Span:
        cn, co, idx = [], [], []
        for i in range(start, end):
            if norm[i] in _DROP:
                continue
            cn.append(norm[i])
            co.append(text[i])
            idx.append(i)
        return cls("".join(cn), "".join(co), idx)

    def bounds(self, a: int, b: int) -> tuple[int, int]:
        """Offsets in the text of the compact range ``[a, b)`` (b > a)."""
        return self.idx[a], self.idx[b - 1] + 1


@dataclass
class _Line:
    start: int
    end: int
    span: Span
    markdown: bool


@dataclass
class Block:
    """A paragraph: one line, or several joined where the source hard-wrapped a sentence."""

    start: int
    end: int
    span: Span
    marker: str  # compact, normalised numbering marker such as "（一）" or "1."
    level: int | None


_MARKER = re.compile(
    r"(?:(?P<l0>第[一二三四五六七八九十]{1,3}[章节部分])"
    r"|(?P<l1>[一二三四五六七八九十]{1,3}、)"
    r"|(?P<l2>[（(][一二三四五六七八九十]{1,3}[）)])"
    r"|(?P<l3>\d{1,2}[、.](?!\d))"
    r"|(?P<l4>[（(]\d{1,2}[）)]))"
)

_CN_DATE_DIGITS = "〇○零一二三四五六七八九Oo"
DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_DATE_DIGITS}]{{4}})年"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)


class Doc:
    """The text with its normalised form, its non-empty lines and its blocks (paragraphs)."""

    def __init__(self, text: str):
        self.text = text
        self.norm = normalise(text)
        self.lines: list[_Line] = []
        pos = 0
        for raw in text.split("\n"):
            end = pos + len(raw)
            span = Span.build(text, self.norm, pos, end)
            if span.cn and not _RULE_LINE.fullmatch(span.cn):
                self.lines.append(_Line(pos, end, span, raw.lstrip().startswith("#")))
            pos = end + 1
        self.blocks = self._blocks()

    def _blocks(self) -> list[Block]:
        ranges: list[list[int]] = []
        previous: _Line | None = None
        for line in self.lines:
            if previous is not None and _soft_wrap(previous, line):
                ranges[-1][1] = line.end
            else:
                ranges.append([line.start, line.end])
            previous = line
        blocks = []
        for start, end in ranges:
            span = Span.build(self.text, self.norm, start, end)
            match = _MARKER.match(span.cn)
            marker, level = "", None
            if match:
                marker = match.group(0)
                level = int(match.lastgroup[1])
            blocks.append(Block(start, end, span, marker, level))
        return blocks


def _soft_wrap(previous: _Line, line: _Line) -> bool:
    """Whether ``line`` continues ``previous`` (a sentence broken by the source's layout)."""
    before, current = previous.span.cn, line.span.cn
    if previous.markdown or line.markdown or len(before) < 30:
        return False
    if before[-1] in _TERMINAL or DOC_KIND_END.search(before):
        return False
    return not (_MARKER.match(current) or DATE.fullmatch(current))


def sentences(cn: str, start: int = 0) -> list[tuple[int, int]]:
    out = []
    a = start
    for match in re.finditer(r"[。！？!?]", cn):
        if match.start() < start:
            continue
        if match.end() > a:
            out.append((a, match.end()))
        a = match.end()
    if a < len(cn):
        out.append((a, len(cn)))
    return out


def masks(cn: str) -> tuple[list[bool], list[bool]]:
    """Positions inside 《》 (first list) and inside 《》 or quotation marks (second list)."""
    book = [False] * len(cn)
    quoted = [False] * len(cn)
    books = quotes = 0
    ascii_quote = False
    for i, ch in enumerate(cn):
        if ch == "《":
            books += 1
        elif ch == "》":
            books = max(0, books - 1)
            book[i] = quoted[i] = True
            continue
        elif ch in "“「『‘":
            if quotes and ch == "“":  # a mismatched closing mark, as in “质量兴区“
                quotes -= 1
                quoted[i] = True
                continue
            quotes += 1
        elif ch in "”」』’":
            quotes = max(0, quotes - 1)
            quoted[i] = True
            continue
        elif ch == '"':
            ascii_quote = not ascii_quote
            quoted[i] = True
            continue
        book[i] = books > 0
        quoted[i] = books > 0 or quotes > 0 or ascii_quote
    return book, quoted
