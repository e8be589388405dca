"""The briefing as a Word document in the layout of Chinese official documents (GB/T 9704-2012),
because that is how it is edited and filed: A4; margins 37 mm top, 35 mm bottom, 28 mm left and
26 mm right; the title in 方正小标宋简体 二号 (22 pt), centred; the body in 仿宋_GB2312 三号
(16 pt), 28 pt line spacing, first lines indented two characters; tables in 仿宋 四号; page
numbers "— 1 —" in 宋体 四号 at the foot. A font that is not installed is substituted by Word
(the East Asian font names are set explicitly, the Western ones to Times New Roman)."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from assessments.exports.briefing import Briefing
from targets.status import format_figure
from targets.status import label as status_label

TITLE_FONT, BODY_FONT, NUMBER_FONT, WESTERN = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "宋体",
    "Times New Roman",
)
HEADING_FONT = "黑体"


def _font(run, east_asian: str, size: float, bold: bool = False) -> None:
    run.font.name = WESTERN
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _paragraph(document, text: str, *, font=BODY_FONT, size=16.0, bold=False, indent=True,
               align=None):  # fmt: skip
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _page_number(section) -> None:
    """The foot of every page: — PAGE — (a field Word fills in)."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), NUMBER_FONT, 14)
    run = footer.add_run()
    _font(run, NUMBER_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _font(footer.add_run(" —"), NUMBER_FONT, 14)


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, 12)


def briefing_document(report: Briefing) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number(section)

    title = _("%(region)s%(quarter)s质量工作简报") % {"region": report.region.name,
                                                 "quarter": report.quarter}  # fmt: skip
    _paragraph(document, title, font=TITLE_FONT, size=22, indent=False,
               align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _paragraph(document, f"{report.generated_at:%Y年%m月%d日}", indent=False,
               align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip

    summary = report.summary
    _paragraph(document, _("一、总体情况"), font=HEADING_FONT)
    for line in summary.sentences if summary else []:
        _paragraph(document, line)
    if summary and summary.headlines:
        _paragraph(document, _("二、主要指标"), font=HEADING_FONT)
        _table(document, [_("指标"), _("本季度"), _("上季度"), _("环比"), _("上年同期"), _("同比"),
                          _("目标"), _("状态")],
               [[h.name, h.shown(h.value), h.shown(h.previous), h.change_previous or "—",
                 h.shown(h.last_year), h.change_last_year or "—", h.requirement,
                 str(status_label(h.status))] for h in summary.headlines])  # fmt: skip
    if summary and summary.ranking is not None:
        _paragraph(document, _("三、下级地区考核排名（%(name)s）") % {"name":
                   summary.ranking.rulebook.name}, font=HEADING_FONT)  # fmt: skip
        _table(document, [_("排名"), _("地区"), _("得分"), _("等次")],
               [[r.rank or "—", r.unit_name, f"{r.total:.2f}" if r.reported else "—",
                 r.grade_label] for r in summary.ranking.results])  # fmt: skip
    if report.omitted:
        _paragraph(document, _("以下地区本季度没有适用的目标和预警，不再单列：%(names)s。")
                   % {"names": _("、").join(report.omitted_names)})  # fmt: skip

    for number, page in enumerate(report.pages, start=1):
        document.add_page_break()
        _paragraph(document, _("附%(n)d：%(region)s") % {"n": number, "region": page.region.name},
                   font=HEADING_FONT, indent=False)  # fmt: skip
        if page.states:
            _table(document, [_("目标"), _("要求"), _("本年累计"), _("预计"), _("状态")],
                   [[s.target.indicator, s.target.describe,
                     format_figure(s.actual, s.decimals, s.unit),
                     format_figure(s.projected, s.decimals, s.unit), s.status_label]
                    for s in page.states])  # fmt: skip
        for warning in page.warnings:
            _paragraph(document, f"{warning.get_level_display()}：{warning.text}")
        below = page.reporting.below if page.reporting else None
        if below is not None and below.expected:
            counts = {"expected": below.expected, "on_time": below.on_time,
                      "late": below.late, "missing": below.missing}  # fmt: skip
            _paragraph(
                document,
                _("下级应报 %(expected)d 个，按时 %(on_time)d 个，逾期 %(late)d 个，"
                  "未报 %(missing)d 个。") % counts,
            )  # fmt: skip
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
