"""Writing spreadsheets safely, for every export and template: text that a spreadsheet could take
for a formula is escaped, and a download keeps its Chinese file name in every browser."""

import logging
from urllib.parse import quote

from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

logger = logging.getLogger(__name__)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Formula escaping --------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r", "\n")


def _needs_escape(text: str) -> bool:
    return text.startswith(_CONTROL_STARTS) or text.lstrip().startswith(_FORMULA_STARTS)


def safe_cell(value):
    """A value that is safe to write into a spreadsheet cell: text that a spreadsheet could take
    for a formula (starting with = + - @, also after leading spaces, or with a tab, CR or LF) gets
    a leading single quote, so it is stored and shown as text and never evaluated. Characters a
    worksheet cannot hold are dropped. Anything that is not text (numbers, dates, None) is
    returned untouched; lazy translations become text."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if _needs_escape(text) else text


def unescape_cell(text: str) -> str:
    """The text ``safe_cell`` was given, for text read back from a template it produced."""
    if text.startswith("'") and _needs_escape(text[1:]):
        return text[1:]
    return text


def string_cell(ws, value, **style) -> WriteOnlyCell:
    """A write-only cell holding ``value`` (escaped), always typed as text when it is text."""
    cell = WriteOnlyCell(ws, value=safe_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # "#N/A" would otherwise become an error cell
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment header whose Chinese name survives every browser (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
