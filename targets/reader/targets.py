"""Read a Chinese quality-policy text (意见、方案、行动计划): metadata, targets and tasks.

Pure standard library: no Django, no ORM, no network. ``read_policy(text, departments)``
returns a ``Reading``; ``format_table(reading)`` renders one as plain text.

Metadata
--------
- title: a notice "X关于印发/转发/批转Y的通知" is read as the document Y it circulates
  (the standalone line that Y ends with, plus a "（2011-2015年）" line under it; else Y
  without a drafter clause such as "区质监局拟定的"). Otherwise the "…关于…的意见"
  heading, else the first short line ending in a document kind. Spaces are dropped.
- doc_number: a 文号 (榕晋政〔2012〕5号; also [] 【】 brackets) alone on a line, or after
  "文号：" in a header line. A 文号 cited in the text, as in 《…》（国办发〔2014〕18号）,
  is never the document's own.
- issuer, issue_date: the signature of the document itself (a line naming a body right
  above a standalone date) after its title; else the signature of the notice that
  circulates it; else the body before 关于 and the first standalone date, a "…印发" date
  or "发布日期"; for an unsigned forwarding notice, the body of "经X同意" with the region
  of the title (区人民政府 -> 宝坻区人民政府). Chinese dates with ○ or 〇 zeros are read
  (二○一○年九月七日 -> 2010-09-07). Hence 宝坻 2010, a 转发 notice of the plan that
  区质监局 drafted and signed, gives the plan's signature 宝坻区质量技术监督局 and
  2010-08-25 (the repository's fixtures agree), while 福建 2014, whose plan is unsigned,
  gives the notice's 福建省人民政府办公厅 and 2014-06-10.
- horizon_year: a year in the title (2014年行动计划 -> 2014; 2016-2017年 -> 2017); else
  the most frequent horizon phrase of the body (到2015年, 到2015年底, 至2020年,
  2017年底前, "十二五"期末 = 2015, "十三五"末 = 2020), ties to the later year, skipping
  《》 and years before the issue year; else the end of a period such as 2010-2015年.

Quantitative targets
--------------------
The text is read sentence by sentence (。！？) after mapping full-width digits, letters
and ％ to ASCII and dropping whitespace and Markdown marks; offsets are kept, so each
``quote`` is the exact sentence of the input and ``start``/``end`` locate it. Lines that
the source hard-wrapped mid-sentence are joined. Sentences split into clauses at ，；：
(outside parentheses); a clause may hold several figures.

- Figures: 93, 0.5, 1,000, ９３, 二十, 一百二十, 百分之九十五, 千分之五 (‰), 30余家 /
  30多家 (>=), ranges 1-2个 (lower bound, >=), 零的突破 (first ever: >= 1, the unit of
  the nearest count in the sentence, else 个).
- Units as written: % (for % and ％), ‰, 个百分点, 项 家 个 件 人 人次 名 次 批次 分 天
  个工作日 …, and 万/亿 multiples (4亿元, 500万元, 1.5万件). A figure with no unit counts
  only after a comparator word (指数达到85以上 -> unit "").
- Comparators. >=: 以上, 不低于, 不少于, 至少, 达到, 达, 稳定在, 保持在, 提高到, ≥.
  >: 高于, 超过, 优于, 突破. <: 低于, 少于. <=: 以下, 以内, 不超过, 不高于, 控制在,
  降到, ≤, "5个工作日内", ranks "全省前5位". A word after the figure wins over the
  one before it (超过50家以上 -> >=). No word: >= (a level to reach). 100% with >= or
  no word is all-or-nothing: "=".
- Changes (下降 降低 减少 提高 增长 提升 … right before the figure, without 到/至): the
  change is the target, comparator >=, the verb and any baseline stay in the indicator:
  "万元GDP能耗比2015年下降15%" -> 万元GDP能耗比2015年下降 >= 15 %. In "由90%提高到95%"
  only 95 is a target (>=); the starting value is skipped.
- Relative: 高于 超过 优于 不低于 低于 达到或超过 + a reference with 平均 (全省平均水平)
  or starting 上年 / 去年 / 同期: value None, ``reference`` as written, unit "%" for a
  …率 and "" otherwise. "保持/达到全省先进水平" is qualitative: no target.
- Indicator: the clause before the comparator, without horizon phrase, lead-in words
  (力争 争取 确保 实现 推动 其中 同时 …) and trailing words (均 分别 稳定 的 …). When the
  figure comes first, noun and verb phrase are joined: "推动2个以上企业承担…工作" ->
  承担…工作的企业; "主要工业产品5个以上采用国际标准…" -> 采用国际标准…的主要工业产品;
  "培育5家质量奖企业" -> 培育质量奖企业; "获得驰名商标达30家" -> 获得驰名商标的企业. A
  verb is carried through a 、 list ("新增驰名商标3件、著名商标二十件" -> 新增著名商标).
  Figures that describe the subject ("产值超过100亿元的企业10家") stay in its name.
- One value, several indicators: "A、B高于全省平均水平", "A和B均达到95%以上" give a
  target each when every item is a rate (…率 / 度 / 指数 / 比重) or 均 / 都 / 各 / 分别
  says so; then a rate head written once is shared ("食品和农产品抽检合格率均…" ->
  食品抽检合格率, 农产品抽检合格率). A list of counts with one figure ("国际标准、国家
  标准、行业标准、地方标准20项") is one combined count. "A、B、C分别达到90%、95%和98%"
  pairs items and values.
- 其中: "其中食品监督抽查合格率稳定在96%以上" is its own target, named from its clause.
- Aspirational: 力争 / 争取 / 力求 / 争创 / 努力 governs from its clause to the next ； or
  。 (the rule of the repository's fixtures: "力争…采标率达80%以上，推动2个以上企业…；"
  are both aspirational); a clause that opens with 确保 ends it.
- Horizon of a target: the horizon phrase of its sentence (the last before the figure,
  else the first after it), else the last one earlier in its top-level section, else
  the document's.
- A figure with no comparator word needs a goal context: a horizon phrase, 力争 / 争取 /
  确保 / 目标 / 届时 in the sentence, 每年 / 年均 / 累计 / 新增 / 新培育 / 新建 / 年内 /
  全年 in the clause, or a heading above naming 目标 / 指标; a …率 in % qualifies. Under a
  保障措施 / 组织实施 / 工作要求 / 工作措施 heading a sentence needs a horizon phrase.
- Not targets: figures inside 《》 or quotation marks (“十二五”, “三包”); 第N次, 第四届;
  years, dates, 文号; hotlines (12315: no unit); names with Latin letters (ISO9000, 3C);
  bare Chinese 一 / 百 / 千 idioms (一批, 百项能效标准推进工程) unless a comparator word
  stands by; a bare count of means rather than outcomes (3项管理制度, 工程, 行动, 计划,
  机制, 会议); incentives (奖励100万元, 补助, 给予); 6个月 / 3年 (durations); sections
  headed 回顾 / 现状 / 成效 / 形势; and retrospective sentences (截至, 目前, 已经, 以来,
  达到了 …, a horizon before the issue year, an opening year before it), unless they
  also hold a horizon ahead or 力争 / 确保 / 目标.

Tasks and departments
---------------------
- A task is a paragraph (numbered （一） (一) 1、 1． （1）, or not) with an assignment in
  full- or half-width parentheses: "X牵头，Y、Z按职责分工负责", "X负责，Y配合", "A、B、C按
  职责分工负责" (no lead: all cooperating), "X牵头，Y等有关部门参加", "X具体负责组织实
  施，…", "X会同Y负责", "X牵头，Y负责" (Y cooperating), "牵头单位：X；配合单位：Y"
  ("责任单位" alone: all cooperating). Several assignments in one paragraph make several
  tasks; a label line "牵头单位：…" under a numbered paragraph is its assignment.
- Numbered paragraphs without one are read for "由X会同Y、Z", "由X牵头，Y配合", "X负责，
  Y配合" and a sentence "A、B按职责分工负责". "由X会同区直各有关部门" gives lead X and no
  cooperating unit (generic units are dropped), as the fixtures have it for 晋安 四（四）.
- ``number`` is the marker as written; ``title`` the heading sentence after it (up to the
  first 。, at most 40 characters, numbered paragraphs only); ``text`` the rest without
  the assignment: an exact substring of the input when the assignment ends the paragraph.
- Lists split at 、 (and at 和 / 及 after a unit's name); 等 is cut, generic units
  (各有关部门, 区直各部门, 相关单位) are dropped. The prefix of the first unit (省 市
  区 县, or a place such as 福州市) carries to later bare names (省教育厅、公安厅 ->
  省公安厅), except units that already name a place or level (团省委, 国家…, 各街道)
  and vertically managed ones (海关, 检验检疫, 海事, 人民银行 …): 福州海关 and
  福建检验检疫局 stay as written.
- With ``departments``, a name equal to a canonical name or alias, or equal once the
  prefix is dropped on one side (省质监局 ~ alias 质监局; 质监局 ~ alias 区质监局), is
  returned canonical; otherwise as written.

Known failure modes
-------------------
- Targets in tables, lists without a figure per item, or whose subject is in an earlier
  sentence are missed; zero targets without a figure ("为零", "不发生重大事故") are not
  read.
- Indicator names are the text's own words trimmed; unusual word order gives long or
  partial names ("创建国家级示范区1个、省级2个" names the second "省级").
- A list of rates sharing a head with no 均 / 分别 ("食品和农产品抽检合格率达到95%") stays
  one indicator.
- Goal context is judged per sentence, clause and heading: an action with a figure in a
  goal sentence ("到2015年，完成10家企业诚信评价") is read as a target; a goal whose only
  signal is a heading this reader does not know is missed.
- Retrospective detection relies on marker words, headings and the issue year; a review
  without them in an undated text ("全市合格率达到95%") is read as a target.
- Running-text assignments need unit-like names (…局 / 厅 / 委 / 办 / 中心 …): duties of
  "工商、质监等部门" are not tasks.
- Title detection looks at the first fifteen lines; a 文号 with Latin letters is missed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

# ==================================================================================== public types


@dataclass(frozen=True)
class DepartmentName:
    """A department of the caller's list: canonical ``name`` and the wordings that mean it."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass
class FoundTarget:
    """A quantitative target; ``start``/``end`` are the offsets of ``quote`` in the text."""

    indicator: str
    comparator: str
    value: float | None
    unit: str
    horizon_year: int | None
    aspirational: bool
    quote: str
    reference: str = ""
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict:
        data = {
            "indicator": self.indicator,
            "comparator": self.comparator,
            "value": _plain_number(self.value),
            "unit": self.unit,
            "horizon_year": self.horizon_year,
            "aspirational": self.aspirational,
            "quote": self.quote,
        }
        if self.value is None:
            data["reference"] = self.reference
        return data


@dataclass
class FoundTask:
    """A task with its lead and cooperating departments (``title`` is its heading, if any)."""

    text: str
    lead: list[str]
    cooperating: list[str]
    start: int = 0
    end: int = 0
    number: str = ""
    title: str = ""

    def as_dict(self) -> dict:
        return {"text": self.text, "lead": list(self.lead), "cooperating": list(self.cooperating)}


@dataclass
class Reading:
    title: str
    doc_number: str
    issuer: str
    issue_date: str | None
    horizon_year: int | None
    targets: list[FoundTarget] = field(default_factory=list)
    tasks: list[FoundTask] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issue_date": self.issue_date,
            "horizon_year": self.horizon_year,
            "targets": [target.as_dict() for target in self.targets],
            "tasks": [task.as_dict() for task in self.tasks],
        }


def _plain_number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


# ==================================================================================== text model

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


def _normalise(text: str) -> str:
    """Full-width digits, letters and a few signs to ASCII; same length as ``text``."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(_PUNCT.get(ch, ch))
    return "".join(out)


class _Span:
    """A stretch of text without whitespace and Markdown marks, with the original offsets.

    ``cn`` is the normalised form (for matching), ``co`` the original characters (for output),
    ``idx[i]`` the offset in the text of character ``i`` of both.
    """

    __slots__ = ("cn", "co", "idx")

    def __init__(self, cn: str, co: str, idx: list[int]):
        self.cn, self.co, self.idx = cn, co, idx

    @classmethod
    def build(cls, text: str, norm: str, start: int, end: int) -> _Span:
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
    span: _Span
    markdown: bool


@dataclass
class _Block:
    """A paragraph: one line, or several joined where the source hard-wrapped a sentence."""

    start: int
    end: int
    span: _Span
    marker: str  # compact, normalised numbering marker such as "（一）" or "1."
    level: int | None


_MARKER = re.compile(
    r"(?:(?P<l0>第[一二三四五六七八九十]{1,3}[章节部分])"
    r"|(?P<l1>[一二三四五六七八九十]{1,3}、)"
    r"|(?P<l2>[（(][一二三四五六七八九十]{1,3}[）)])"
    r"|(?P<l3>\d{1,2}[、.](?!\d))"
    r"|(?P<l4>[（(]\d{1,2}[）)]))"
)
_DOC_KIND = r"(?:通知|意见|方案|计划|规划|纲要|要点|细则|办法|决定|通报|批复|报告|规定)"
_DOC_KIND_END = re.compile(_DOC_KIND + r"(?:[（(][^（）()]{4,20}[）)])?$")
_PERIOD_LINE = re.compile(r"[（(](?:19|20)\d{2}年?(?:-|—|–|~|至|到)(?:19|20)\d{2}年?[）)]")
_CN_DATE_DIGITS = "〇○零一二三四五六七八九Oo"
_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_DATE_DIGITS}]{{4}})年"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)


class _Doc:
    def __init__(self, text: str):
        self.text = text
        self.norm = _normalise(text)
        self.lines: list[_Line] = []
        pos = 0
        for raw in text.split("\n"):
            end = pos + len(raw)
            span = _Span.build(text, self.norm, pos, end)
            if span.cn and not _RULE_LINE.fullmatch(span.cn):
                self.lines.append(_Line(pos, end, span, raw.lstrip().startswith("#")))
            pos = end + 1
        self.blocks = self._blocks()

    def _blocks(self) -> list[_Block]:
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
            span = _Span.build(self.text, self.norm, start, end)
            match = _MARKER.match(span.cn)
            marker, level = "", None
            if match:
                marker = match.group(0)
                level = int(match.lastgroup[1])
            blocks.append(_Block(start, end, span, marker, level))
        return blocks


def _soft_wrap(previous: _Line, line: _Line) -> bool:
    """Whether ``line`` continues ``previous`` (a sentence broken by the source's layout)."""
    before, current = previous.span.cn, line.span.cn
    if previous.markdown or line.markdown or len(before) < 30:
        return False
    if before[-1] in _TERMINAL or _DOC_KIND_END.search(before):
        return False
    return not (_MARKER.match(current) or _DATE.fullmatch(current))


def _sentences(cn: str, start: int = 0) -> list[tuple[int, int]]:
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


def _masks(cn: str) -> tuple[list[bool], list[bool]]:
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


# ==================================================================================== numbers

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


def _to_number(text: str) -> float | None:
    text = text.replace(",", "")
    if text[:1].isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    whole, _, fraction = text.partition("点")
    integer = _cn_int(whole)
    if integer is None:
        return None
    if fraction:
        digits = "".join(str(_CN_DIGIT.get(ch, 0)) for ch in fraction)
        return float(f"{integer}.{digits}")
    return float(integer)


def _iso_date(match: re.Match) -> str | None:
    year = _cn_int(match.group("y")) if not match.group("y").isdigit() else int(match.group("y"))
    month = int(match.group("m")) if match.group("m").isdigit() else _cn_int(match.group("m"))
    day = int(match.group("d")) if match.group("d").isdigit() else _cn_int(match.group("d"))
    if not year or not month or not day or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


# ==================================================================================== metadata

_ORG_END = re.compile(
    r"(?:人民政府|政府|办公厅|办公室|委员会|管委会|领导小组|局|厅|委|办|部|中心|公司|协会)$"
)
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[【(（](?:19|20)\d{2}[〕\]】)）]第?\d{1,5}号")
_REGION = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,4}?(?:省|市|自治区))?(?:[\u4e00-\u9fff]{1,4}?(?:区|县|市))?"
)
_PUNCT_CHARS = re.compile(r"[，。；：,;:！？]")


@dataclass
class _Title:
    title: str = ""
    line: int = -1  # index in _Doc.lines of the line that carries the document's own title
    notice_org: str = ""


def _find_title(doc: _Doc) -> _Title:
    head = doc.lines[:15]
    found = _Title()
    for k, line in enumerate(head):
        cn, co = line.span.cn, line.span.co
        if "关于" not in cn or len(cn) > 80 or "。" in cn:
            continue
        j = k
        while not _DOC_KIND_END.search(cn) and j + 1 < len(head) and j - k < 3:
            j += 1
            cn += head[j].span.cn
            co += head[j].span.co
        if not _DOC_KIND_END.search(cn):
            continue
        found = _Title(co, j)
        org = cn.split("关于", 1)[0]
        if org and _ORG_END.search(org):
            found.notice_org = co[: len(org)].removesuffix("文件")
        enclosed = re.match(r"^.*?关于(?:印发|转发|批转|下发|颁发|发布)(?P<x>.+)的通知$", cn)
        if enclosed:
            start = enclosed.start("x")
            x_cn = enclosed.group("x")
            x_co = co[start : start + len(x_cn)]
            found.title, found.line = _enclosed_title(doc, x_cn, x_co, j)
        return found
    for k, line in enumerate(doc.lines[:10]):
        cn = line.span.cn
        if _DOC_KIND_END.search(cn) and len(cn) <= 60 and not _PUNCT_CHARS.search(cn):
            return _Title(line.span.co + _period_after(doc, k), k)
    return found


def _period_after(doc: _Doc, k: int) -> str:
    """A title's period written on the next line, "（2011-2015年）", or ""."""
    if k + 1 < len(doc.lines) and _PERIOD_LINE.fullmatch(doc.lines[k + 1].span.cn):
        return doc.lines[k + 1].span.co
    return ""


def _enclosed_title(doc: _Doc, x_cn: str, x_co: str, notice_line: int) -> tuple[str, int]:
    """The circulated document's own title: its standalone line, or the notice's words for it."""
    bare_cn = x_cn.replace("《", "").replace("》", "")
    best: tuple[str, int] | None = None
    for k, line in enumerate(doc.lines):
        cn = line.span.cn.replace("《", "").replace("》", "")
        if k <= notice_line or len(cn) < 6 or len(cn) > 80 or _PUNCT_CHARS.search(cn):
            continue
        if bare_cn.endswith(cn) and _DOC_KIND_END.search(cn):
            if best is None or len(cn) > len(best[0]):
                title = line.span.co.replace("《", "").replace("》", "") + _period_after(doc, k)
                best = (title, k)
    if best:
        return best
    trimmed = re.sub(r"^.*?(?:拟定|制定|起草|编制|提出|报送|修订)的", "", x_co)
    return trimmed.replace("《", "").replace("》", ""), notice_line


def _find_doc_number(doc: _Doc) -> str:
    for line in doc.lines[:15]:
        match = re.search(
            r"(?:文号|发文字号|文件编号)[:：](" + _DOC_NUMBER.pattern + ")", line.span.cn
        )
        if match:
            return line.span.co[match.start(1) : match.end(1)]
    for line in doc.lines:
        cn = line.span.cn
        match = re.fullmatch(
            r"(?:(?:文号|发文字号|文件编号)[:：])?(" + _DOC_NUMBER.pattern + ")", cn
        )
        if match:
            return line.span.co[match.start(1) : match.end(1)]
    return ""


def _issuer_and_date(doc: _Doc, title: _Title) -> tuple[str, str | None]:
    signatures = []  # (line index, iso date, body) for every standalone date line
    for i, line in enumerate(doc.lines):
        match = _DATE.fullmatch(line.span.cn)
        if not match:
            continue
        body = ""
        if i > 0:
            before = doc.lines[i - 1].span
            if len(before.cn) <= 40 and _ORG_END.search(before.cn):
                if not _PUNCT_CHARS.search(before.cn):
                    body = before.co
        signatures.append((i, _iso_date(match), body))
    own = [s for s in signatures if s[2] and s[0] > title.line]
    if own:
        return own[-1][2], own[-1][1]
    signed = [s for s in signatures if s[2]]
    if signed:
        return signed[0][2], signed[0][1]
    issuer = title.notice_org
    date = signatures[0][1] if signatures else None
    if date is None:
        date = _fallback_date(doc)
    if not issuer:
        issuer = _consenting_body(doc, title.title)
    return issuer, date


def _fallback_date(doc: _Doc) -> str | None:
    for line in doc.lines:
        match = _DATE.search(line.span.cn)
        if match and re.search(r"印发|成文|签发", line.span.cn):
            return _iso_date(match)
    for line in doc.lines[:10]:
        match = re.search(
            r"(?:发布|成文)日期[:：]?((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})", line.span.cn
        )
        if match:
            return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
    return None


def _consenting_body(doc: _Doc, title: str) -> str:
    """The body named in "经X同意，现转发" (an unsigned notice goes out under its authority)."""
    for line in doc.lines[:15]:
        match = re.search(
            r"(?:已经|经)(?P<org>[\u4e00-\u9fff]{2,20}?)(?:领导同志)?(?:同意|批准)", line.span.cn
        )
        if match and re.search(r"转发|印发|批转", line.span.cn) and _ORG_END.search(match["org"]):
            org = match.group("org")
            region = _REGION.match(title).group(0) if title else ""
            cut = region.rfind(org[0]) if org[0] in "省市区县" else -1
            return region[: cut + 1] + org[1:] if cut >= 0 else org
    return ""


_HORIZON = re.compile(
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


def _horizons(cn: str, book: list[bool]) -> list[tuple[int, int]]:
    """(position, year) of every horizon phrase outside 《》."""
    found = []
    for match in _HORIZON.finditer(cn):
        if not book[match.start()]:
            found.append((match.start(), int(match.group("a") or match.group("b"))))
    for match in _FIVE_YEAR.finditer(cn):
        if not book[match.start()] and match.group("n") in _FIVE_YEAR_END:
            found.append((match.start(), _FIVE_YEAR_END[match.group("n")]))
    return sorted(found)


def _doc_horizon(doc: _Doc, title: str, issue_year: int | None = None) -> int | None:
    title_cn = _normalise(title)
    period = _PERIOD.search(title_cn)
    if period:
        return int(period.group("b"))
    year = re.search(r"((?:19|20)\d{2})年", title_cn)
    if year:
        return int(year.group(1))
    counts: Counter[int] = Counter()
    periods = []
    for block in doc.blocks:
        book, _ = _masks(block.span.cn)
        counts.update(
            year
            for _, year in _horizons(block.span.cn, book)
            if not issue_year or year >= issue_year
        )
        for match in _PERIOD.finditer(block.span.cn):
            if not book[match.start()] and int(match.group("b")) >= int(match.group("a")):
                periods.append(int(match.group("b")))
    if counts:
        best = max(counts.values())
        return max(year for year, count in counts.items() if count == best)
    return periods[0] if periods else None


# ==================================================================================== targets

_UNITS = tuple(
    "个百分点 百分点 人次 家次 项次 批次 平方公里 平方米 公里 千米 公顷 千瓦 个工作日 "
    "工作日 小时 分钟 元 人 项 家 个 件 名 次 所 座 处 条 户 套 台 种 类 支 份 场 天 分 倍 "
    "位 枚 部 本 篇 张 只 吨 亩 辆 株 册 款 宗 起 例 栋 期".split()
)
# A one-character unit followed by one of these characters is a word, not a unit (二分局, 3项目).
_UNIT_WORD = dict(
    entry.split(":")
    for entry in (
        "分:局会类析工别期批钟值数子站 家:庭族乡属 人:员民口才士力大事 次:要性 "
        "个:体人性别案月 名:牌称单录额义 种:植养子类苗 类:别型 支:持出付队撑 "
        "处:理置罚于 部:门署分委 台:账风 场:所景地 条:例件款 所:属有在以谓 "
        "位:于置 件:事 本:地市区省级 项:目 元:素 起:来 例:如 期:间末限货 "
        "天:津然气 只:有是要 套:餐 款:项 宗:旨教"
    ).split()
)
_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = r"[零〇○一二两三四五六七八九十百千]+(?:点[零〇○一二三四五六七八九]+)?"
_UNIT_ALT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_QTY = re.compile(
    rf"(?:(?P<pct>百分之|千分之)(?P<pnum>{_AR}|{_CN}))"
    rf"|(?P<num>{_AR}|{_CN})(?P<approx>余|多)?(?P<unit>%|‰|[万亿]?(?:{_UNIT_ALT}))?"
)
_PRE_WORDS = (
    ("达到或超过", ">="),
    ("达到或高于", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("稳定在", ">="),
    ("保持在", ">="),
    ("维持在", ">="),
    ("提高到", ">="),
    ("提高至", ">="),
    ("提升到", ">="),
    ("提升至", ">="),
    ("增加到", ">="),
    ("增加至", ">="),
    ("增长到", ">="),
    ("增长至", ">="),
    ("上升到", ">="),
    ("上升至", ">="),
    ("增至", ">="),
    ("达到", ">="),
    ("实现", ">="),
    ("保持", ">="),
    ("稳定", ">="),
    ("达", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不大于", "<="),
    ("不多于", "<="),
    ("控制在", "<="),
    ("降低到", "<="),
    ("降低至", "<="),
    ("下降到", "<="),
    ("下降至", "<="),
    ("减少到", "<="),
    ("减少至", "<="),
    ("压缩到", "<="),
    ("压缩至", "<="),
    ("降到", "<="),
    ("降至", "<="),
    ("最多", "<="),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    ("大于", ">"),
    ("优于", ">"),
    ("突破", ">"),
    ("低于", "<"),
    ("少于", "<"),
    ("小于", "<"),
    ("≥", ">="),
    (">=", ">="),
    ("≤", "<="),
    ("<=", "<="),
    (">", ">"),
    ("<", "<"),
    ("为", None),
)
_NOT_DA = tuple("下到抵传表送通发直转")  # 下达, 到达 …: not the comparator 达
_CHANGE_WORDS = tuple("下降 降低 减少 缩短 压缩 提高 提升 增长 增加 上升 扩大".split())
_POST = re.compile(r"及以上|或以上|以上|以下|以内|之内|左右|内(?=[办完，,；;。]|$)")
_POST_CMP = {
    "及以上": ">=",
    "或以上": ">=",
    "以上": ">=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "左右": None,
    "内": "<=",
}
_REL = re.compile(
    r"(?P<cmp>达到或超过|达到或高于|不低于|不高于|不超过|高于|超过|优于|好于|低于)"
    r"(?P<ref>(?:全国|全省|全市|全区|全县|全州|本省|本市|本区|本县|同行业|全行业|同类|上年|上一年度?"
    r"|去年|同期|前[一二三两]年)[^，,；;。\d]{0,15}?)(?=$|[，,；;。])"
)
_REL_CMP = {
    "达到或超过": ">=",
    "达到或高于": ">=",
    "不低于": ">=",
    "不高于": "<=",
    "不超过": "<=",
    "高于": ">",
    "超过": ">",
    "优于": ">",
    "好于": ">",
    "低于": "<",
}
_RATE_HEAD = re.compile(
    r"(?:监督抽查|抽检|抽查|抽验|检验|检测|监测|质量)?[\u4e00-\u9fff]{0,3}?(?:率|满意度|指数)$"
)
_RATE_END = re.compile(r"(?:率|度|指数|比重|占比|比例)$")
_LEAD_STRIP = re.compile(
    r"(?:[，,；;：:、。—\-─•●·■◆★]"
    r"|(?:力争|争取)?(?:到|至|在)?(?:19|20)\d{2}年(?:底|末)?(?:以前|之前|前)?"
    r"|(?:到|至)?[\"“]?十[一二三四五六七八九]?五[\"”]?(?:规划)?(?:期末|末期|末|期间)"
    r"|力争|争取|努力|确保|力求|实现|推动|促进|其中|同时|此外|另外|进一步|届时|积极|大力|着力|全年"
    r"|年内|在此基础上|要(?![素求点闻])|对(?![外象话接口])|使(?!用)|并(?![网购联])|将(?![军来]))"
)
_TRAIL_STRIP = re.compile(
    r"(?:[，,；;：:、。！？!?]|均|都|各|分别|总体上?|整体|全部|稳定|保持|继续|持续|逐步|进一步|累计|的|将"
    r"|要|能|可|实现|达|力争|确保|争取|(?:保持|位居|进入|居于?)(?:全国|全省|全市|全区|全县)?)$"
)
_OUTCOME_VERB = re.compile(
    r"^(?:新增|新培育|培育|新创建|创建|争创|新建|建成|引进|新认定|认定|新获|获评|主导或参与制修订"
    r"|主导和参与制修订|参与制修订|制修订|主导制定|参与制定|打造|培养)"
)
_VP_START = re.compile(
    r"^(?:采用|通过|取得|获得|承担|参与|参加|按|开展|建立|实施|导入|实现|完成|达到|进入|入选|列入"
    r"|成为|拥有|具备|应用|使用|执行)"
)
_VERB_END = re.compile(
    r"(?:组织|培育|新增|新建|建设|建成|引进|推广|制定|建立|开展|创建|打造|培养|举办|实施|完成|争创"
    r"|认定|扶持|帮扶|安排|投入|开展)$"
)
_COUNTED_NOUN = re.compile(
    r"^(?:家|个|名|所)?(?P<noun>企业|单位|乡镇|街道|社区|学校|医院|机构|行业|人员|集团|园区|基地)"
    r"(?P<rest>.{2,})$"
)
_HOLDER_VERB = re.compile(r"^(?:获得|取得|通过|拥有)")
_MEANS_END = re.compile(
    r"(?:工程|行动|计划|活动|战略|制度|机制|办法|措施|规划|体系|工作法|会议|课题)$"
)
_GOAL_SIGNAL = re.compile(
    r"(?<!截)(?:到|至)(?:19|20)\d{2}年|(?:19|20)\d{2}年(?:底|末)?(?:以前|之前|前)"
    r"|十[一二三四五六七八九]?五[\"”]?(?:规划)?(?:期末|末期|末)"
    r"|力争|争取|确保|目标|届时"
)
_CLAUSE_SIGNAL = re.compile(r"每年|年均|累计|新增|新培育|新建|年内|全年|当年")
_GOAL_HEADING = re.compile(r"目标|指标")
_MEASURES_HEADING = re.compile(r"保障|组织实施|工作要求|组织领导|工作措施")
_INCENTIVE_BEFORE = re.compile(r"(?:奖励|补助|资助|补贴|奖补|给予|罚款|处以)$")
_ASPIRE = re.compile(r"力争|争取|力求|争创|努力")
_FIRM = re.compile(r"^确保")
_RETRO = re.compile(
    r"截至|截止|目前|现有|已有|已经|已累计|已达|以来|近年来|近几年|过去|先后"
    r"|(?:达到|提高|提升|增长|实现|取得|获得|培育|新增|突破)了"
)
_FORWARD = re.compile(r"力争|争取|确保|目标")
_REVIEW_HEADING = re.compile(r"回顾|现状|成效|成绩|形势|发展基础|基本情况|背景")
_BASELINE_BEFORE = re.compile(r"(?:由|从)(?:(?:19|20)\d{2}年(?:底|末)?)?的?$")
_LIST_START = re.compile(r"^(?:、|以及|及|和|与|或)")
_DISTRIBUTE = re.compile(r"均|都|各自|各|分别")
_SPLIT = re.compile(r"、|以及|(?<![普涉危波顾触])及(?![时格])|和|与|或")


@dataclass
class _Item:
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


@dataclass
class _Context:
    """What the headings above a sentence and the document tell about it."""

    goal: bool  # a heading names 目标 / 指标
    measures: bool  # a heading names 保障措施 / 组织实施 …: targets need a horizon phrase
    horizon: int | None  # the section's last horizon, else the document's
    issue_year: int | None


def _find_targets(doc: _Doc, horizon: int | None, issue_year: int | None) -> list[FoundTarget]:
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
        goal = any(_GOAL_HEADING.search(h) for h in headings.values())
        measures = any(_MEASURES_HEADING.search(h) for h in headings.values())
        if any(_REVIEW_HEADING.search(h) for h in headings.values()):
            continue  # 一、过去五年工作回顾 / 发展现状: what was achieved, not what is aimed at
        context = _Context(goal, measures, section_horizon or horizon, issue_year)
        for a, b in _sentences(cn, len(block.marker)):
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
    doc: _Doc, span: _Span, a: int, b: int, context: _Context
) -> tuple[list[FoundTarget], int | None]:
    """The targets of sentence ``span.cn[a:b]`` and the last horizon year it names."""
    cn, co = span.cn[a:b], span.co[a:b]
    book, quoted = _masks(cn)
    issue_year = context.issue_year
    # a horizon before the issue year ("至2007年在全市铺开") looks back, not ahead
    horizons = [(p, y) for p, y in _horizons(cn, book) if not issue_year or y >= issue_year]
    last = horizons[-1][1] if horizons else None
    if _retrospective(cn, issue_year, bool(horizons)) or (context.measures and not horizons):
        return [], last
    sentence_signal = context.goal or bool(horizons) or bool(_GOAL_SIGNAL.search(cn))
    start, end = span.bounds(a, b)
    quote = doc.text[start:end]
    found: list[tuple[int, _Item, bool]] = []
    for ua, ub in _split_at(cn, 0, len(cn), "；;"):
        aspirational = False
        for ca, cb in _split_at(cn, ua, ub, "，,：:"):
            clause = cn[ca:cb]
            if _FIRM.match(clause):
                aspirational = False
            if _ASPIRE.search(clause):
                aspirational = True
            signal = sentence_signal or bool(_CLAUSE_SIGNAL.search(clause))
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
                comparator=_comparator(item),
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
    if ahead or _FORWARD.search(cn):
        return False
    if _RETRO.search(cn) or _HORIZON.search(cn):
        return True
    opening = re.match(r"^(?:在)?((?:19|20)\d{2})年(?!底前|前|以前|度)", cn)
    return bool(opening and issue_year and int(opening.group(1)) < issue_year)


def _comparator(item: _Item) -> str:
    if item.kind == "rel":
        return item.pre or ">"
    if item.kind == "zero":
        return ">="
    comparator = item.post or (None if item.change else item.pre) or ">="
    if item.unit == "%" and item.value == 100 and comparator == ">=" and not item.change:
        return "="
    return comparator


def _clause_items(cl: str, clo: str, quoted: list[bool], signal: bool) -> list[_Item]:
    """The targets of one clause (cl normalised, clo original, same positions)."""
    items: list[_Item] = []
    for match in _REL.finditer(cl):
        ref = match.group("ref")
        if quoted[match.start()]:
            continue
        if "平均" in ref or ref.startswith(("上年", "上一年", "去年", "同期", "前")):
            items.append(
                _Item(
                    "rel",
                    match.start(),
                    match.end(),
                    pre=_REL_CMP[match.group("cmp")],
                    reference=clo[match.start("ref") : match.end("ref")],
                )
            )
    for match in re.finditer("零的突破", cl):
        if not quoted[match.start()]:
            items.append(_Item("zero", match.start(), match.end(), value=1.0))
    for item in _quantities(cl, quoted):
        if not any(o.start < item.end and item.start < o.end for o in items):
            items.append(item)
    items.sort(key=lambda item: item.start)
    _name_items(cl, clo, items)
    return _accept(_expand_groups(items), signal)


def _quantities(cl: str, quoted: list[bool]) -> list[_Item]:
    found = []
    for match in _QTY.finditer(cl):
        item = _quantity(cl, match)
        if item is not None and not quoted[match.start()]:
            found.append(item)
    return found


def _quantity(cl: str, match: re.Match) -> _Item | None:
    start = match.start()
    if match.group("pct"):
        raw, unit = match.group("pnum"), "%" if match.group("pct") == "百分之" else "‰"
        number_end = unit_end = match.end()
    else:
        raw, unit = match.group("num"), match.group("unit") or ""
        number_end = match.end("num")
        unit_end = match.end()
    chinese = not raw[0].isdigit()
    value = _to_number(raw)
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
    if base in _UNIT_WORD and following in _UNIT_WORD[base]:
        return None
    if chinese and following in "一二三四五六七八九十":
        return None
    # the comparator word (or change verb) right before the figure, and a range "1-2个"
    item_start = start
    range_low = re.search(r"(\d+(?:\.\d+)?)(?:-|—|~|至)$", cl[:start])
    if range_low and not chinese:
        value = float(range_low.group(1))
        item_start = range_low.start()
        if item_start and cl[item_start - 1].isascii() and cl[item_start - 1].isalnum():
            return None
    pre, change = None, False
    prefix = cl[:item_start]
    if _INCENTIVE_BEFORE.search(prefix.removesuffix("一次性")):
        return None  # 一次性奖励100万元: an incentive, not a goal
    for word, comparator in _PRE_WORDS:
        if prefix.endswith(word) and not (word == "达" and prefix[-2:-1] in _NOT_DA):
            pre = comparator  # None for the neutral 为: no comparator, but not in the name
            item_start -= len(word)
            break
    else:
        change = prefix.endswith(_CHANGE_WORDS)
    if range_low and not chinese and pre is None:
        pre = ">="
    if pre is None and not change and prefix.endswith("前") and unit in ("位", "名"):
        pre, item_start = "<=", item_start - 1  # 排名保持全省前5位: rank <= 5
    baseline = bool(_BASELINE_BEFORE.search(cl, 0, item_start)) and pre is None and not change
    post_match = _POST.match(cl, unit_end)
    post = _POST_CMP[post_match.group(0)] if post_match else None
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
    return _Item(
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


def _trim(cn: str, co: str) -> str:
    """Strip lead-in and trailing filler words (matched on ``cn``) and return the ``co`` rest."""
    lo, hi = 0, len(cn)
    changed = True
    while changed and lo < hi:
        changed = False
        match = _LEAD_STRIP.match(cn, lo, hi)
        if match and match.end() > lo:
            lo = match.end()
            changed = True
        tail = _TRAIL_STRIP.search(cn[lo:hi])
        if tail and tail.end() - tail.start() > 0:
            hi = lo + tail.start()
            changed = True
    return re.sub(r"[“”\"‘’「」]", "", co[lo:hi])


def _compose(subject: str, obj: str) -> str:
    """Indicator from the words before the figure and the object after it."""
    if subject and obj:
        if _VP_START.match(obj) and not _VERB_END.search(subject):
            if not _OUTCOME_VERB.match(subject):
                return f"{obj}的{subject}"
        return subject + obj
    if obj:
        counted = _COUNTED_NOUN.match(obj)
        if counted and not counted.group("rest").startswith(("的", "和", "、", "及")):
            return f"{counted.group('rest')}的{counted.group('noun')}"
        return obj
    return subject


def _name_items(cl: str, clo: str, items: list[_Item]) -> None:
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
            lead_in = _LIST_START.match(own)
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
            if stripped and not _LIST_START.match(stripped):
                offset = item.end + len(tail) - len(stripped)
                obj = _trim(cl[offset:following], clo[offset:following])
                consumed = following
        lead_in = _LIST_START.match(pre_cn)
        skip = lead_in.end() if lead_in else 0
        subject = _trim(pre_cn[skip:], pre_co[skip:])
        if item.baseline:
            subject = subject.rsplit("由", 1)[0].rsplit("从", 1)[0]
        item.after = obj
        item.distribute = bool(_DISTRIBUTE.search(pre_cn))
        item.indicator = _compose(subject, obj)
        if i == 0:
            verb = _OUTCOME_VERB.match(item.indicator)
            list_verb = verb.group(0) if verb else ""
        elif _LIST_START.match(pre_cn) and list_verb and item.indicator:
            if not _OUTCOME_VERB.match(item.indicator):
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
    parts = [part for part in _SPLIT.split(indicator) if part]
    if len(parts) < 2 or re.search(r"\d", indicator):
        return [indicator]
    if all(_RATE_END.search(part) for part in parts):
        return parts
    if force and all(len(part) >= 2 for part in parts):
        head = _RATE_HEAD.search(parts[-1])
        if head and not any(_RATE_END.search(part) for part in parts[:-1]):
            if len(head.group(0)) < len(parts[-1]):
                return [part + head.group(0) for part in parts[:-1]] + [parts[-1]]
        return parts
    return [indicator]


def _expand_groups(items: list[_Item]) -> list[_Item]:
    groups: list[list[_Item]] = []
    for item in items:
        if item.modifier:
            continue
        if item.joined and groups:
            groups[-1].append(item)
        else:
            groups.append([item])
    out: list[_Item] = []
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


def _accept(items: list[_Item], signal: bool) -> list[_Item]:
    accepted = []
    for item in items:
        indicator = item.indicator
        if len(indicator) < 2 or not re.search(r"[\u4e00-\u9fff]", indicator):
            continue
        if item.kind == "rel":
            item.unit = "%" if indicator.endswith("率") else ""
        if item.unit == "家" and _HOLDER_VERB.match(indicator) and not indicator.endswith("企业"):
            item.indicator = indicator = f"{indicator}的企业"  # 获得驰名商标达30家: enterprises
        if not item.explicit:
            rate = item.unit == "%" and _RATE_END.search(indicator)
            if not (signal or rate):
                continue
            if item.after and _MEANS_END.search(item.after):
                continue
        accepted.append(item)
    return accepted


# ==================================================================================== tasks

_LEAD_ROLES = tuple(
    "共同牵头负责 牵头负责 共同牵头 牵头 具体负责组织实施 负责组织实施 具体负责 负责落实 "
    "负责实施 主抓 负责".split()
)
_COOP_ROLES = tuple(
    "按照职责分工负责 按职责分工负责 按职责分工落实 按职能分工负责 按职责负责 分工负责 "
    "各负其责 共同负责 配合实施 配合 协助 协办 参加 参与 协同".split()
)
_ROLES = sorted(_LEAD_ROLES + _COOP_ROLES, key=len, reverse=True)
_GROUP = re.compile(r"^(?P<list>.+?)(?P<verb>" + "|".join(_ROLES) + r")(?P<rest>.*)$")
_LABEL = re.compile(
    r"(?P<label>牵头单位|牵头部门|主办单位|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位)[:：]"
)
_PAREN = re.compile(r"[（(](?P<body>[^（）()]{2,400})[）)]")
_DEPT_LIKE = re.compile(
    r"(?:局|厅|委|办|部|会|院|室|处|中心|海关|公司|政府|小组|银行|支行|联|署|社|台|站|所|团|队|科|馆)$"
)
_AND_AFTER_UNIT = re.compile(
    r"(?<=局|厅|委|办|部|院|室|处|门|位|府|心|关)(?:以及|和|及|与)(?=[\u4e00-\u9fff]{2})"
)
_GENERIC = re.compile(r"有关|相关|其他|其它|各部门|各单位|各级|^成员单位$|各成员单位")
_VERTICAL = re.compile(
    r"海关|检验检疫|海事局|通信管理局|银监|证监|保监|人民银行|人行|支行|邮政管理局|铁路局|民航|电网"
    r"|电力公司|武警"
)
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
        raws.extend(_AND_AFTER_UNIT.split(raw.strip()))
    items = []
    for raw in raws:
        name = re.sub(r"^(?:由|和|及|与)", "", raw.strip())
        name = re.split(r"等(?=有关|相关|各|部门|单位|成员|$)", name)[0]
        if name and not _GENERIC.search(name):
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
    if re.match(r"^(?:国家|国务院|中国|中央|全国|中华|中共)", name) or _VERTICAL.search(name):
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
    if _LABEL.search(body):
        labels = list(_LABEL.finditer(body))
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
            elif match.group("verb") in _LEAD_ROLES and not (
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
    units = sum(1 for name in names if _DEPT_LIKE.search(name))
    return bool(names) and units >= 1 and 2 * units >= len(names)


def _running_assignment(cn: str) -> tuple[list[str], list[str]] | None:
    """Assignments written in the running text of a numbered paragraph."""
    match = _RUN_HUITONG.search(cn)
    if match:
        lead = _dept_items(match.group("lead"))
        coop_raw = match.group("coop").split("、")
        coop_raw[-1] = _take_dept(coop_raw[-1])
        coop = [n for n in _dept_items("、".join(coop_raw)) if _DEPT_LIKE.search(n)]
        if lead and all(_DEPT_LIKE.search(n) for n in lead):
            return _with_prefix(lead, coop)
    match = _RUN_LEAD.search(cn)
    if match:
        lead, coop = _dept_items(match.group("lead")), _dept_items(match.group("coop"))
        if lead and coop and all(_DEPT_LIKE.search(n) for n in lead + coop):
            return _with_prefix(lead, coop)
    match = _RUN_COOP.search(cn)
    if match:
        coop = _dept_items(match.group("coop"))
        if len(coop) >= 1 and all(_DEPT_LIKE.search(n) for n in coop):
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


def _find_tasks(doc: _Doc, departments: Sequence[DepartmentName]) -> list[FoundTask]:
    tasks: list[FoundTask] = []
    # a numbered paragraph without an assignment: a label line "牵头单位：…" may follow it
    waiting: _Block | None = None
    for block in doc.blocks:
        cn = block.span.cn
        if waiting is not None and _LABEL.match(cn.lstrip("（(")):
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
    doc: _Doc,
    block: _Block,
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


# ==================================================================================== entry points


def read_policy(text: str, departments: Sequence[DepartmentName] = ()) -> Reading:
    """Read title, number, issuer, dates, horizon, quantitative targets and tasks of ``text``."""
    doc = _Doc(text)
    title = _find_title(doc)
    issuer, issue_date = _issuer_and_date(doc, title)
    issue_year = int(issue_date[:4]) if issue_date else None
    horizon = _doc_horizon(doc, title.title, issue_year)
    return Reading(
        title=title.title,
        doc_number=_find_doc_number(doc),
        issuer=issuer,
        issue_date=issue_date,
        horizon_year=horizon,
        targets=_find_targets(doc, horizon, issue_year),
        tasks=_find_tasks(doc, departments),
    )


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
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
    out = [
        f"标题：{reading.title or '—'}",
        f"文号：{reading.doc_number or '—'}    发文机关：{reading.issuer or '—'}    "
        f"成文日期：{reading.issue_date or '—'}    目标年度：{reading.horizon_year or '—'}",
        "",
        f"目标（{len(reading.targets)}）",
    ]
    rows = []
    for i, target in enumerate(reading.targets, 1):
        if target.value is None:
            requirement = f"{symbol[target.comparator]} {target.reference}"
        else:
            requirement = f"{symbol[target.comparator]} {_plain_number(target.value)}{target.unit}"
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
