"""The office's own rulebook table (考核评分细则表): a rulebook as an Excel workbook, and an
uploaded workbook read back as a checked ``rulebooks.Draft``.

Sheets: "评分细则" (one row per item: its code, its name in the column of its level (一级指标 /
二级指标 / 三级指标: the rows below an item of a higher level are its children), points, method
and what it is computed from), "设置" (name, total, rounding, grade bands, veto rules) and
"说明" (how to fill it in). The sheet names, column headers and setting names are the file
format (an upload is read by them), so they stay as they are in every language; the text
around them follows the user's language.

An upload is opened as the quarterly templates are (size and zip-bomb inspection first, then
openpyxl read-only) and refused as a whole: every problem (cells that cannot be read, unknown
methods, indicators, targets or departments, and everything ``rulebook_checks`` finds) is
listed by sheet, row and column, and nothing is saved.
"""

from assessments.scoring.rulebook_book.layout import CODE, GRADE, SETTINGS_SHEET, SHEET
from assessments.scoring.rulebook_book.read import read_workbook
from assessments.scoring.rulebook_book.write import rulebook_workbook, workbook_filename

__all__ = [
    "CODE",
    "GRADE",
    "SETTINGS_SHEET",
    "SHEET",
    "read_workbook",
    "rulebook_workbook",
    "workbook_filename",
]
