"""Reading the files an import takes (CSV, XLSX, JSON items) into numbered rows of text; one clear error per bad
file."""

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

from riskgate.core.text import strip_control


class RowError(ValueError):
    """A row that cannot become risk information; the message says why."""


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, else GB18030 (which covers GBK and GB2312)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise RowError("文件编码无法识别：应为 UTF-8 或 GB18030/GBK。") from exc


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file, numbered by the line each starts on. A quote left open swallows the rows after
    it into one field (Python's reader takes them as a cell with line breaks, and at the end of the file as
    data): such a file is refused with the line of the open quote, before any row of it is stored."""
    text = decode(Path(path).read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        ended = reader.line_num
        for values in reader:
            start = ended + 1
            if reader.line_num > start:
                _check_spanning_record(values, header, start)
            ended = reader.line_num
            if not any(v.strip() for v in values):
                continue
            yield start, {h: _text(v) for h, v in zip(header, values, strict=False) if h}
    except csv.Error as exc:
        raise RowError(f"第 {ended + 1} 行：引号未闭合或格式错误（{exc}），整个文件未导入。") from exc


def _check_spanning_record(values: list[str], header: list[str], start: int) -> None:
    """A record over several lines is legitimate (a cell with line breaks) unless it has the wrong number of
    cells, or a line inside one of its cells reads as a whole row of the file."""
    wrong_count = len(values) != len(header)
    swallowed = any(
        len(next(csv.reader([line]), [])) == len(header) > 1
        for value in values
        for line in value.splitlines()[1:]
        if line.strip()
    )
    if wrong_count or swallowed:
        raise RowError(
            f"第 {start} 行：引号未闭合，其后的行被并入了同一个字段（该记录有 {len(values)} 列，表头有 "
            f"{len(header)} 列），整个文件未导入。"
        )


def read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The first sheet; its first row names the columns."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is a bad file
        raise RowError(f"XLSX 文件无法读取：{exc}") from exc
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    for number, values in enumerate(rows, start=2):
        if values and any(v not in (None, "") for v in values):
            yield number, {h: _cell(v) for h, v in zip(header, values, strict=False) if h}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(str(value))


def _text(value: str) -> str:
    """A cell's text without control characters (tab and line breaks are text) and surrounding blanks."""
    return strip_control(value).strip()


def read_json_items(items: list) -> Iterator[tuple[int, dict[str, str]]]:
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise RowError(f"第 {number} 项不是 JSON 对象。")
        yield number, {str(k): _json_value(v) for k, v in item.items()}


def _json_value(value) -> str:
    if isinstance(value, list):
        return _text(";".join(str(v) for v in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else _text(str(value))


def limit(name: str) -> int:
    from django.conf import settings

    return getattr(settings, name)


def bounded(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows, refused as a whole past IMPORT_MAX_ROWS rows or IMPORT_MAX_CELLS cells (read lazily: nothing
    beyond the bound is read into memory)."""
    max_rows, max_cells = limit("IMPORT_MAX_ROWS"), limit("IMPORT_MAX_CELLS")
    cells = 0
    for count, (line, row) in enumerate(rows, start=1):
        cells += len(row)
        if count > max_rows:
            raise RowError(f"第 {line} 行：文件超过 {max_rows} 行的上限（IMPORT_MAX_ROWS），整个文件未导入。")
        if cells > max_cells:
            raise RowError(f"第 {line} 行：文件超过 {max_cells} 个单元格的上限（IMPORT_MAX_CELLS），整个文件未导入。")
        yield line, row


def _check_size(path: Path) -> None:
    size, most = Path(path).stat().st_size, limit("IMPORT_MAX_FILE_BYTES")
    if size > most:
        raise RowError(f"文件有 {size} 字节，超过 {most} 字节的上限（IMPORT_MAX_FILE_BYTES），未导入。")
    if Path(path).suffix.lower() == ".xlsx":
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                expanded = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile as exc:
            raise RowError(f"XLSX 文件无法读取：{exc}") from exc
        most = limit("IMPORT_MAX_EXPANDED_BYTES")
        if expanded > most:
            raise RowError(
                f"XLSX 解压后有 {expanded} 字节，超过 {most} 字节的上限（IMPORT_MAX_EXPANDED_BYTES），未导入。"
            )


def read_file(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """CSV, XLSX or JSON by the file's extension, within the bounds of one import."""
    _check_size(path)
    return bounded(_read_file(path))


def _read_file(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".json":
        try:
            data = json.loads(decode(Path(path).read_bytes()))
        except json.JSONDecodeError as exc:
            raise RowError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列。") from exc
        except RecursionError as exc:
            raise RowError("JSON 嵌套层次过深，不是可导入的数据。") from exc
        items = data.get("items") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise RowError("JSON 应为对象数组，或含 items 数组的对象。")
        return read_json_items(items)
    return read_csv(path)
