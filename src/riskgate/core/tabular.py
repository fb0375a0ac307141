"""Every CSV and XLSX the project writes goes through here: a cell that a spreadsheet would run as a formula
(one beginning with = + - @, or a tab or carriage return before one) is written as text, with a leading
apostrophe, and control characters that no XLSX may hold are dropped. A title from a public report such as
=HYPERLINK(...) thus reaches the officer's spreadsheet as the words it is, never as a live formula."""

import csv
from collections.abc import Iterable

from .text import strip_control

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value):
    """The value as a spreadsheet must receive it (numbers and dates pass as they are)."""
    if not isinstance(value, str):
        return value
    value = strip_control(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values: Iterable) -> list:
    return [cell(v) for v in values]


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list, rows: Iterable[Iterable]) -> Iterable[str]:
    """The CSV text, line by line (a UTF-8 BOM first, so that spreadsheets read the Chinese right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(row(header))
    for values in rows:
        yield writer.writerow(row(values))


def write_csv(target, header: list, rows: Iterable[Iterable]) -> None:
    """The same CSV into an open text file."""
    writer = csv.writer(target)
    writer.writerow(row(header))
    for values in rows:
        writer.writerow(row(values))


def write_xlsx(target, sheet_name: str, header: list, rows: Iterable[Iterable]) -> None:
    """An XLSX of one sheet into `target` (a path or a file-like object), written row by row."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(strip_control(str(sheet_name))[:31])
    sheet.append(row(header))
    for values in rows:
        sheet.append(row(values))
    workbook.save(target)
