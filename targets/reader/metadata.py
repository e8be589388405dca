"""Metadata: the document's title, 文号, issuer and issue date."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import iso_date
from .text import DATE, Doc
from .words import DOC_KIND_END, ORG_END

_PERIOD_LINE = re.compile(r"[（(](?:19|20)\d{2}年?(?:-|—|–|~|至|到)(?:19|20)\d{2}年?[）)]")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[【(（](?:19|20)\d{2}[〕\]】)）]第?\d{1,5}号")
_REGION = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,4}?(?:省|市|自治区))?(?:[\u4e00-\u9fff]{1,4}?(?:区|县|市))?"
)
_PUNCT_CHARS = re.compile(r"[，。；：,;:！？]")


@dataclass
class _Title:
    title: str = ""
    line: int = -1  # index in Doc.lines of the line that carries the document's own title
    notice_org: str = ""


def find_title(doc: Doc) -> _Title:
    head = doc.lines[:15]
    found = _Title()
    for k, line in enumerate(head):
        cn, co = line.span.cn, line.span.co
        if "关于" not in cn or len(cn) > 80 or "。" in cn:
            continue
        j = k
        while not DOC_KIND_END.search(cn) and j + 1 < len(head) and j - k < 3:
            j += 1
            cn += head[j].span.cn
            co += head[j].span.co
        if not DOC_KIND_END.search(cn):
            continue
        found = _Title(co, j)
        org = cn.split("关于", 1)[0]
        if org and ORG_END.search(org):
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
        if DOC_KIND_END.search(cn) and len(cn) <= 60 and not _PUNCT_CHARS.search(cn):
            return _Title(line.span.co + _period_after(doc, k), k)
    return found


def _period_after(doc: Doc, k: int) -> str:
    """A title's period written on the next line, "（2011-2015年）", or ""."""
    if k + 1 < len(doc.lines) and _PERIOD_LINE.fullmatch(doc.lines[k + 1].span.cn):
        return doc.lines[k + 1].span.co
    return ""


def _enclosed_title(doc: Doc, x_cn: str, x_co: str, notice_line: int) -> tuple[str, int]:
    """The circulated document's own title: its standalone line, or the notice's words for it."""
    bare_cn = x_cn.replace("《", "").replace("》", "")
    best: tuple[str, int] | None = None
    for k, line in enumerate(doc.lines):
        cn = line.span.cn.replace("《", "").replace("》", "")
        if k <= notice_line or len(cn) < 6 or len(cn) > 80 or _PUNCT_CHARS.search(cn):
            continue
        if bare_cn.endswith(cn) and DOC_KIND_END.search(cn):
            if best is None or len(cn) > len(best[0]):
                title = line.span.co.replace("《", "").replace("》", "") + _period_after(doc, k)
                best = (title, k)
    if best:
        return best
    trimmed = re.sub(r"^.*?(?:拟定|制定|起草|编制|提出|报送|修订)的", "", x_co)
    return trimmed.replace("《", "").replace("》", ""), notice_line


def find_doc_number(doc: Doc) -> str:
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


def issuer_and_date(doc: Doc, title: _Title) -> tuple[str, str | None]:
    signatures = []  # (line index, iso date, body) for every standalone date line
    for i, line in enumerate(doc.lines):
        match = DATE.fullmatch(line.span.cn)
        if not match:
            continue
        body = ""
        if i > 0:
            before = doc.lines[i - 1].span
            if len(before.cn) <= 40 and ORG_END.search(before.cn):
                if not _PUNCT_CHARS.search(before.cn):
                    body = before.co
        signatures.append((i, iso_date(match), body))
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


def _fallback_date(doc: Doc) -> str | None:
    for line in doc.lines:
        match = DATE.search(line.span.cn)
        if match and re.search(r"印发|成文|签发", line.span.cn):
            return iso_date(match)
    for line in doc.lines[:10]:
        match = re.search(
            r"(?:发布|成文)日期[:：]?((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})", line.span.cn
        )
        if match:
            return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
    return None


def _consenting_body(doc: Doc, title: str) -> str:
    """The body named in "经X同意，现转发" (an unsigned notice goes out under its authority)."""
    for line in doc.lines[:15]:
        match = re.search(
            r"(?:已经|经)(?P<org>[\u4e00-\u9fff]{2,20}?)(?:领导同志)?(?:同意|批准)", line.span.cn
        )
        if match and re.search(r"转发|印发|批转", line.span.cn) and ORG_END.search(match["org"]):
            org = match.group("org")
            region = _REGION.match(title).group(0) if title else ""
            cut = region.rfind(org[0]) if org[0] in "省市区县" else -1
            return region[: cut + 1] + org[1:] if cut >= 0 else org
    return ""
