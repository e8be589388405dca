"""Reading the cells of an uploaded table: blanks, text, numbers, choices and linked objects, each
problem noted by the reader with its sheet, row and column."""

import logging
import math
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from assessments.models import (
    Indicator,
)
from assessments.scoring.rulebook_book.layout import (
    MAX_ROWS,
    choice_words,
)
from assessments.scoring.rulebooks import (
    SheetProblem,
)
from portal.spreadsheets import unescape_cell
from targets.models import Target

logger = logging.getLogger(__name__)


def blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text_of(value) -> str:
    """A cell as text (numbers without a spurious ".0"), as the user typed it."""
    if blank(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return unescape_cell(str(value).strip()).strip()


def decimal_of(value) -> Decimal:
    """A number cell; text such as "12", "12分" or "93%" too. ValueError when it is none."""
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = text_of(value).replace(",", "").replace("，", "")
        for unit in ("分", "%", "％"):
            text = text.removesuffix(unit).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def fits(number: Decimal, *, digits: int, places: int) -> bool:
    """Whether a number fits a DecimalField(max_digits=digits, decimal_places=places)."""
    exponent = number.normalize().as_tuple().exponent
    return (not isinstance(exponent, int) or -exponent <= places) and abs(number) < Decimal(10) ** (
        digits - places
    )


class Reader:
    """Collects the problems of one upload while its cells are read."""

    def __init__(self) -> None:
        self.problems: list[SheetProblem] = []

    def say(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problems.append(SheetProblem(sheet, row, column, message))

    def at(self, sheet: str, row: int | None, column: str) -> bool:
        return any((p.sheet, p.row, p.column) == (sheet, row, column) for p in self.problems)


def sheet_rows(book, name: str, reader: Reader) -> list[tuple[int, tuple]] | None:
    """The (Excel row number, cells) of a sheet, blank rows left out; None when missing."""
    sheet = next((ws for ws in book.worksheets if str(ws.title).strip() == name), None)
    if sheet is None:
        found = _("、").join(f"“{ws.title}”" for ws in book.worksheets) or _("无")
        reader.say(
            name,
            None,
            "",
            _(
                "文件中没有名为“%(sheet)s”的工作表（文件中的工作表：%(found)s）。"
                "请使用本系统下载的评分细则表，不要修改工作表名称。"
            )
            % {"sheet": name, "found": found},
        )
        return None
    rows = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            reader.say(
                name,
                number,
                "",
                _("工作表“%(sheet)s”超过 %(max)d 行，不是正常的评分细则表，已拒绝。")
                % {"sheet": name, "max": MAX_ROWS},
            )
            break
        if any(not blank(cell) for cell in cells):
            rows.append((number, tuple(cells)))
    return rows


def columns_of(header: tuple) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        found.setdefault(text_of(name), index)
    return found


def cell_of(cells: tuple, columns: dict[str, int], name: str):
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def choice_of(text: str, choices: Iterable[tuple[object, object]]):
    """The value a cell names among ``choices`` (see choice_words), or KeyError."""
    return choice_words(choices)[text.casefold()]


def indicator_named(text: str) -> Indicator | None:
    return Indicator.objects.filter(code=text).first()


def target_named(text: str) -> Target | None:
    """A target named as target_name() names it ("key/code"; "key:code" too)."""
    for separator in ("/", ":", "："):
        if separator in text:
            key, code = (part.strip() for part in text.split(separator, 1))
            return (
                Target.objects.filter(document__key=key, code=code)
                .select_related("document", "measure__indicator")
                .first()
            )
    return None


def remembered(find: Callable[[str], object]) -> Callable[[str], object]:
    """``find`` asked once per distinct name."""
    cache: dict[str, object] = {}

    def remembered(text: str):
        if text not in cache:
            cache[text] = find(text)
        return cache[text]

    return remembered
