"""Reading the spreadsheets people send — .xlsx and .csv — into rows of values, bounded.

Every importer of tables (course results, assessment results, and those of registry files,
staff lists, ФИС ФРДО certificates and ФИС ОКО downloads) reads its file here:

* :func:`read_table` takes the file name and bytes and returns a :class:`Table`: the non-empty
  rows, each with its number as the spreadsheet shows it (the first row is 1) and its cell
  values (text without control characters, numbers, dates; trailing empty cells cut). The
  format is judged by content
  first, then by the extension: a zip is read as .xlsx, an OLE file or a ``.xls`` name is
  refused as the old format, text is read as CSV.
* .xlsx: openpyxl in read-only, values-only mode (formulas give their cached values). The
  sheet read is the first one whose opening rows hold the header the importer looks for (the
  first sheet when none does). The archive is checked by :mod:`.files.archives` before openpyxl
  opens it, and the sheet's declared size is not trusted: rows are read up to the limit and
  columns as far as cells really are, so a sheet claiming A1:XFD1048576 costs nothing.
* .csv: UTF-8 with or without BOM, UTF-16 with BOM (Excel's «Текст Юникод»), else
  Windows-1251. The separator — semicolon, tab or comma — is the one under which the header is
  found, else the one that splits the opening lines into the most rows of equal width. Binary
  content (NUL bytes, control characters) is refused as not a CSV file.
* The header row is found by :class:`HeaderSpec` — a function from the header text, folded
  by :func:`fold` (whitespace and line breaks collapsed, case and «ё» folded), to a column key,
  and a rule saying which set of keys makes a header — among the first rows, not at a fixed
  position. :func:`alias_key` builds the function from a table of accepted names.
* Bounds (:class:`SheetLimits`, settings ``SPREADSHEET_MAX_ROWS``, ``…_COLUMNS``, ``…_CELLS``,
  ``…_CELL_CHARS``, ``…_SECONDS``): a file over one is refused with a message naming it.

Every failure is a Russian message raised as the importer's own error (``error=``, a
:class:`ServiceError`; :class:`SpreadsheetError` by default) — a file without the header or
without a required column too. No Flask and no database here.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping

from ..text import clean_text
from .errors import ServiceError
from .files.archives import ArchiveDamaged, ArchiveError, check_archive, is_zip
from .limits import Deadline, fmt_count, limits_for

__all__ = [
    "Header", "HeaderSpec", "Row", "SheetLimits", "SpreadsheetError", "Table", "alias_key",
    "find_header", "fold", "read_table",
]

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls (and .doc) of Office 97–2003
EMPTY = "Файл пустой."
NOT_XLSX = "Файл не читается как книга Excel (.xlsx): он повреждён или это другой формат."
OLD_XLS = "Старый формат .xls не поддерживается: сохраните файл как .xlsx или .csv."
NOT_CSV = "Это не текстовый CSV-файл. Сохраните таблицу как .xlsx или .csv."
BAD_ENCODING = "Не удалось прочитать файл: кодировка не UTF-8 и не Windows-1251."
WRONG_TYPE = "Загрузите файл .xlsx или .csv."

_SAMPLE_CHARS = 65536  # of text judged for binary content and for the separator
# Invisible characters no cell means to hold (tab and line breaks stay); dropped from every value.
_SNIFF_LINES = 40


class SpreadsheetError(ServiceError):
    """The file cannot be read as a table; the message is Russian."""


# rows, columns, cells (not empty), cell_chars, seconds
SheetLimits = limits_for("SPREADSHEET_MAX_", "SheetLimits")


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the first row is 1
    cells: list  # str, int, float, bool, datetime … or None; trailing empty cells cut


@dataclass
class Header:
    index: int                # position of the header in Table.rows
    number: int               # its row number in the file
    columns: dict[str, int]   # key → column index (the first column that names it)
    labels: dict[str, str]    # key → the header text as written
    ignored: list[str] = field(default_factory=list)  # other header cells, as written


def fold(value) -> str:
    """Header text compared loosely: whitespace and line breaks collapsed, case and «ё» folded."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.split()).casefold().replace("ё", "е")


def one_line(value) -> str:
    """A cell as one line of text as it was read: none → «», 5720010403.0 → «5720010403»,
    white space collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _three_or_more(columns: Mapping[str, int]) -> bool:
    return len(columns) >= 3


def _missing_columns(labels: list[str]) -> str:
    return "В таблице нет столбцов: " + ", ".join(labels) + "."


@dataclass(frozen=True)
class HeaderSpec:
    """How an importer recognises its header row, and what it cannot do without.

    ``key`` maps a header cell's folded text to a column key (or None); ``accept`` says whether
    the keys found in a row make it the header; only the first ``scan`` non-empty rows are
    looked at. When no row is accepted the file is refused with ``not_found``; when the header
    lacks some of the ``required`` keys (key → label), with ``missing(labels)``.
    """
    key: Callable[[str], str | None]
    accept: Callable[[Mapping[str, int]], bool] = _three_or_more
    scan: int = 15
    not_found: str = "Не найдена строка заголовков."
    required: Mapping[str, str] = field(default_factory=dict)
    missing: Callable[[list[str]], str] = _missing_columns


def alias_key(aliases: Mapping[str, Iterable[str]],
              normalise: Callable[[str], str] = fold) -> Callable[[str], str | None]:
    """A ``HeaderSpec.key`` from a table key → accepted header names (compared normalised)."""
    lookup = {normalise(alias): key for key, names in aliases.items() for alias in names}
    return lambda text: lookup.get(normalise(text))


@dataclass
class Table:
    rows: list[Row]
    header: Header | None = None
    sheet: str | None = None  # the sheet read, for .xlsx

    def below_header(self) -> list[Row]:
        return self.rows[self.header.index + 1:] if self.header is not None else self.rows


def find_header(rows: list[Row], spec: HeaderSpec) -> Header | None:
    """The first of the opening rows that ``spec`` accepts as the header."""
    for index, row in enumerate(rows[:spec.scan]):
        columns: dict[str, int] = {}
        labels: dict[str, str] = {}
        ignored: list[str] = []
        for column, cell in enumerate(row.cells):
            text = fold(cell)
            key = spec.key(text) if text else None
            if key and key not in columns:
                columns[key] = column
                labels[key] = str(cell).strip()
            elif text:
                ignored.append(str(cell).strip())
        if spec.accept(columns):
            return Header(index, row.number, columns, labels, ignored)
    return None


# --------------------------------------------------------------------------- reading


def read_table(filename: str, data: bytes, *, header: HeaderSpec | None = None,
               percent_as_shown: bool = False, limits: SheetLimits | None = None,
               error: Callable[[str], Exception] = SpreadsheetError) -> Table:
    """The rows of an .xlsx or .csv file and, when ``header`` is given, its header (required).

    ``percent_as_shown``: a number formatted as a percentage in Excel (0.345 shown «34,5%») is
    read as shown (34.5). Every failure is raised as ``error(message)`` — the importer's own
    error class (a :class:`ServiceError`), :class:`SpreadsheetError` by default.
    """
    try:
        table = _read(filename, data, percent_as_shown, limits or SheetLimits.from_settings(),
                      header)
        if header is not None:
            table.header = find_header(table.rows, header)
            if table.header is None:
                raise SpreadsheetError(header.not_found)
            missing = [label for key, label in header.required.items()
                       if key not in table.header.columns]
            if missing:
                raise SpreadsheetError(header.missing(missing))
    except SpreadsheetError as err:
        if error is SpreadsheetError:
            raise
        raise error(err.message) from None
    return table


def has_header(filename: str, data: bytes, header: HeaderSpec,
               error: type[Exception] = SpreadsheetError) -> bool:
    """Whether the file holds ``header``'s header row (to tell one kind of file from another; the
    file is read once more after). A file that cannot be read, or whose header lacks a required
    column, raises ``error`` as :func:`read_table` does."""
    try:
        read_table(filename, data, header=header, error=error)
    except error as err:
        if getattr(err, "message", str(err)) == header.not_found:
            return False
        raise
    return True


def _read(filename: str, data: bytes, percent_as_shown: bool, limits: SheetLimits,
          header: HeaderSpec | None) -> Table:
    if not data:
        raise SpreadsheetError(EMPTY)
    name = (filename or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    reader = _Reader(limits)
    if data.startswith(OLE_MAGIC) or extension == "xls":
        raise SpreadsheetError(OLD_XLS)
    if is_zip(data) or extension in ("xlsx", "xlsm"):
        table = reader.xlsx(data, header, percent_as_shown)
    elif extension in ("csv", "txt", ""):
        table = reader.csv(data, header)
    else:
        raise SpreadsheetError(WRONG_TYPE)
    return table


class _Reader:
    """One reading: the limits, the deadline and the count of cells read so far."""

    def __init__(self, limits: SheetLimits):
        self.limits = limits
        self.deadline = Deadline(
            limits.seconds, SpreadsheetError,
            f"Файл читается дольше {fmt_count(int(limits.seconds))} с — он слишком велик или "
            "устроен необычно. Разделите таблицу на части.")
        self.cells = 0
        self.widths: dict[str, int | None] = {}  # sheet → how wide its rows are read

    # -- the bounds --

    def row(self, number: int, values) -> Row | None:
        """The row with its trailing empty cells cut, or None when empty; checks the bounds."""
        self.deadline.check()
        cells = _trimmed(values)
        if not cells or all(_blank(cell) for cell in cells):
            return None
        limits = self.limits
        if number > limits.rows:
            raise SpreadsheetError(f"В таблице больше {fmt_count(limits.rows)} строк — "
                                   "разделите файл на части.")
        if len(cells) > limits.columns:
            raise SpreadsheetError(f"В строке {number} больше {fmt_count(limits.columns)} "
                                   "столбцов — столько в таблицах для загрузки не бывает.")
        self.cells += len(cells)
        if self.cells > limits.cells:
            raise SpreadsheetError(f"В таблице больше {fmt_count(limits.cells)} ячеек — "
                                   "разделите файл на части.")
        for column, cell in enumerate(cells, start=1):
            if isinstance(cell, str):
                if len(cell) > limits.cell_chars:
                    raise SpreadsheetError(
                        f"Строка {number}, столбец {column}: в ячейке больше "
                        f"{fmt_count(limits.cell_chars)} знаков — так много текста в одной "
                        "ячейке не загружается.")
                cells[column - 1] = clean_text(cell)  # the input rule of every text field
        return Row(number, cells)

    # -- .xlsx --

    def xlsx(self, data: bytes, header: HeaderSpec | None, percent: bool) -> Table:
        from openpyxl import load_workbook

        try:
            check_archive(data)
        except ArchiveDamaged:
            raise SpreadsheetError(NOT_XLSX) from None
        except ArchiveError as err:
            raise SpreadsheetError(err.message) from None
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file it cannot read
            raise SpreadsheetError(NOT_XLSX) from None
        try:
            sheets = book.worksheets
            if not sheets:
                raise SpreadsheetError("В книге Excel нет листов с таблицей.")
            chosen = sheets[0]
            if header is not None:
                for sheet in sheets:
                    if find_header(self._sheet_rows(sheet, percent, header.scan), header):
                        chosen = sheet
                        break
                self.cells = 0  # the opening rows looked at are read again below
            return Table(self._sheet_rows(chosen, percent), sheet=chosen.title)
        except SpreadsheetError:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet fails only while it is read
            raise SpreadsheetError(NOT_XLSX) from None
        finally:
            book.close()

    def _sheet_rows(self, sheet, percent: bool, stop_after: int | None = None) -> list[Row]:
        """The rows of a sheet, read up to the row limit + 1 (the row over the limit is how a
        file over it is told).

        The sheet's declared size only decides how wide rows are read. Declared within the
        column limit: up to the limit + 1 (a slightly wrong declaration loses nothing, a row
        reaching past the limit is refused; a lone cell far past both is not seen). Declared
        wider, or not at all: as wide as each row really is — so a claim of «A1:XFD1048576»
        pads nothing, and a truly wide row is refused, not cut."""
        if sheet.title not in self.widths:  # the declared size is forgotten once read
            declared = sheet.max_column
            sheet.reset_dimensions()  # else every row is padded to the declared size
            self.widths[sheet.title] = self.limits.columns + 1 \
                if declared and declared <= self.limits.columns else None
        rows: list[Row] = []
        source = sheet.iter_rows(min_row=1, max_row=self.limits.rows + 1,
                                 max_col=self.widths[sheet.title], values_only=not percent)
        for number, values in enumerate(source, start=1):
            if percent:
                values = _shown_values(values)
            row = self.row(number, values)
            if row is not None:
                rows.append(row)
                if stop_after is not None and len(rows) >= stop_after:
                    break
        return rows

    # -- .csv --

    def csv(self, data: bytes, header: HeaderSpec | None) -> Table:
        text = _decode(data)
        if _looks_binary(text):
            raise SpreadsheetError(NOT_CSV)
        delimiter = _sniff(text, header)
        rows: list[Row] = []
        number = 0
        try:
            for number, values in enumerate(
                    csv.reader(self._lines(text), delimiter=delimiter), start=1):
                row = self.row(number, values)
                if row is not None:
                    rows.append(row)
        except csv.Error as err:
            if "field limit" in str(err):
                raise SpreadsheetError(
                    f"Строка {number + 1}: в ячейке больше "
                    f"{fmt_count(self.limits.cell_chars)} знаков — так много текста в одной "
                    "ячейке не загружается.") from None
            raise SpreadsheetError(f"Строка {number + 1} файла CSV не читается: проверьте "
                                   "кавычки или сохраните таблицу как .xlsx.") from None
        return Table(rows)

    def _lines(self, text: str) -> Iterator[str]:
        """The physical lines of the text; one longer than a full row could be is refused
        before the CSV reader splits it into cells."""
        longest = self.limits.columns * (self.limits.cell_chars + 3)
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):
            if len(line) > longest:
                raise SpreadsheetError(f"Строка {number} файла длиннее {fmt_count(longest)} "
                                       "знаков — это не таблица для загрузки.")
            yield line


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trimmed(values) -> list:
    """``values`` without the trailing empty ones (``tuple.count`` keeps it fast for the usual
    row padded with None up to the column limit)."""
    end = len(values)
    if values.count(None) == end:
        return []
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return list(values[:end])


def _shown_values(cells) -> list:
    """The values of read-only cells as Excel shows them: a percentage-formatted number × 100.
    Padding cells are one shared object, compared by identity (a cell's ``==`` cannot)."""
    from openpyxl.cell.read_only import EMPTY_CELL

    end = len(cells)
    while end and cells[end - 1] is EMPTY_CELL:
        end -= 1
    values = []
    for cell in cells[:end]:
        value = cell.value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                "%" in (getattr(cell, "number_format", "") or ""):
            value = value * 100
        values.append(value)
    return values


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp1251")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(NOT_CSV if b"\x00" in data[:_SAMPLE_CHARS] else BAD_ENCODING)


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE_CHARS]
    if "\x00" in sample:
        return True
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\n\r\f\v")
    return controls > max(3, len(sample) // 100)


def _sniff(text: str, header: HeaderSpec | None) -> str:
    """The separator under which the header is found, else the one giving the most opening
    rows of one width (ties: semicolon, tab, comma — the order Russian Excel uses them)."""
    sample = "".join(io.StringIO(text[:_SAMPLE_CHARS], newline="").readlines()[:_SNIFF_LINES])
    best, best_score = ";", None
    for delimiter in (";", "\t", ","):
        try:
            rows = [row for row in csv.reader(io.StringIO(sample, newline=""),
                                              delimiter=delimiter)
                    if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        found = header is not None and find_header(
            [Row(n, cells) for n, cells in enumerate(rows, start=1)], header) is not None
        widths = Counter(len(row) for row in rows if len(row) > 1)
        width, same = widths.most_common(1)[0] if widths else (0, 0)
        score = (found, same, width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best
