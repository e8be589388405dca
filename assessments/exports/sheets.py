"""How every exported workbook writes: a sheet with column widths and a frozen header, and rows
whose texts go through ``string_cell`` (escaped, typed as text) while numbers and dates stay."""

import io

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.spreadsheets import string_cell

BOLD = Font(bold=True)


def sheet(workbook, title: str, widths: list[int]):
    found = workbook.create_sheet(title)
    for number, width in enumerate(widths, start=1):
        found.column_dimensions[get_column_letter(number)].width = width
    found.freeze_panes = "A2"
    return found


def row(target, values: list, **style) -> list:
    return [string_cell(target, v, **style) if isinstance(v, str | Promise) else v for v in values]


def table(*, title: str, header: list, rows: list[list], widths: list[int], about: list[tuple],
          user=None) -> bytes:  # fmt: skip
    """A one-table workbook: the table, then a sheet saying what it is, when and by whom."""
    workbook = Workbook(write_only=True)
    data = sheet(workbook, title, widths)
    data.append(row(data, header, font=BOLD))
    for values in rows:
        data.append(row(data, values))
    notes = sheet(workbook, _("说明"), [16, 60])
    exported_by = (user.get_full_name() or user.username) if user is not None else ""
    lines = [(_("项目"), _("内容")), *about,
             (_("导出时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"),
             (_("导出人"), exported_by)]  # fmt: skip
    for number, (key, value) in enumerate(lines):
        notes.append(row(notes, [key, value], **({"font": BOLD} if number == 0 else {})))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
