"""The shared reader of .xlsx / .csv files: formats and encodings as people send them, the header
found loosely wherever it sits, row numbers as the spreadsheet shows them, and the bounds —
rows, columns, cells, cell length, time — each refused with a Russian message naming it."""
import io
import random
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from shnor_app.services import limits as limits_module
from shnor_app.services import spreadsheets as sheets
from shnor_app.services.spreadsheets import HeaderSpec, SheetLimits, SpreadsheetError

ROOMY = SheetLimits(rows=1000, columns=50, cells=10_000, cell_chars=1000, seconds=60)
SPEC = HeaderSpec(key=sheets.alias_key({
    "name": ["ФИО", "ФИО педагога"], "school": ["Школа"], "course": ["Курс"],
    "date": ["Дата окончания"], "account": ["Учёт"],
}))


def xlsx_bytes(*sheets_rows, titles=None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for index, rows in enumerate(sheets_rows):
        sheet = book.create_sheet((titles or [])[index] if titles else f"Лист{index + 1}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with its first sheet claiming another size («A1:XFD1048576»)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index("<dimension ref=\"") + len("<dimension ref=\"")
                text = text[:start] + ref + text[text.index("\"", start):]
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_csv_in_every_encoding_and_separator_keeps_the_row_numbers(encoding, separator):
    lines = ["Итоги курсов 2025 года", "", separator.join(["ФИО", "Школа", "Курс"]),
             separator.join(["Иванова Анна Петровна", "СОШ № 1", "Курс, модуль 1" if
                             separator != "," else "Курс"]), ""]
    table = sheets.read_table("итоги.csv", "\r\n".join(lines).encode(encoding), header=SPEC,
                              limits=ROOMY)
    assert [row.number for row in table.rows] == [1, 3, 4]
    assert table.header.number == 3
    assert table.header.columns == {"name": 0, "school": 1, "course": 2}
    assert [row.cells[0] for row in table.below_header()] == ["Иванова Анна Петровна"]


def test_the_separator_is_the_one_that_reveals_the_header_despite_decimal_commas():
    data = ("ФИО;Школа;Курс;Доля, %\n" + "Иванов;СОШ, корпус 2;Курс;12,5\n" * 3).encode()
    table = sheets.read_table("a.csv", data, header=SPEC, limits=ROOMY)
    assert table.rows[1].cells == ["Иванов", "СОШ, корпус 2", "Курс", "12,5"]


def test_a_quoted_cell_with_a_line_break_is_one_spreadsheet_row():
    data = 'ФИО;Школа;Курс\n"Иванова\nАнна";СОШ;Курс\nПетров;СОШ;Курс\n'.encode()
    table = sheets.read_table("a.csv", data, header=SPEC, limits=ROOMY)
    assert [(row.number, row.cells[0]) for row in table.below_header()] == [
        (2, "Иванова\nАнна"), (3, "Петров")]


def test_the_header_is_found_loosely_below_a_title():
    data = xlsx_bytes([["Список обученных"], [None], ["  ФИО\nпедагога ", "ШКОЛА", "Учет", None,
                                                       "Примечание"], ["Иванов", "СОШ", "да"]])
    table = sheets.read_table("список.xlsx", data, header=SPEC, limits=ROOMY)
    header = table.header
    assert header.number == 3 and header.index == 1
    assert header.columns == {"name": 0, "school": 1, "account": 2}
    assert header.labels["name"] == "ФИО\nпедагога" and header.ignored == ["Примечание"]
    assert sheets.fold("  Учёт\n\tКУРСОВ ") == "учет курсов"


def test_xlsx_is_opened_read_only_for_values(monkeypatch):
    import openpyxl

    seen = {}
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    sheets.read_table("a.xlsx", xlsx_bytes([["ФИО", "Школа", "Курс"]]), limits=ROOMY)
    assert seen == {"read_only": True, "data_only": True}


def test_the_sheet_with_the_header_is_read_and_numbers_are_as_excel_shows_them():
    data = xlsx_bytes([["Как заполнять: одна строка — один слушатель"]],
                      [["Отчёт"], [], ["ФИО", "Школа", "Курс"], ["Иванов", "СОШ", "КПК"]],
                      titles=["Инструкция", "Данные"])
    table = sheets.read_table("a.xlsx", data, header=SPEC, limits=ROOMY)
    assert table.sheet == "Данные"
    assert [(row.number, row.cells) for row in table.below_header()] == [
        (4, ["Иванов", "СОШ", "КПК"])]


def test_percentages_are_read_as_shown_when_asked():
    book = Workbook()
    book.active.append(["Школа", "Доля"])
    book.active.append(["СОШ", 0.345])
    book.active["B2"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    shown = sheets.read_table("a.xlsx", out.getvalue(), percent_as_shown=True, limits=ROOMY)
    assert shown.rows[1].cells == ["СОШ", pytest.approx(34.5)]
    assert sheets.read_table("a.xlsx", out.getvalue(), limits=ROOMY).rows[1].cells == ["СОШ", 0.345]


def test_cells_go_through_the_input_rule_of_every_text_field():
    """Control characters are dropped; Word's soft line break is a line break (text.clean_text)."""
    data = "ФИО;Школа;Курс\nИва\x01нов\x7f;СОШ\x0b1;Курс\n".encode()
    table = sheets.read_table("a.csv", data, limits=ROOMY)
    assert table.rows[1].cells == ["Иванов", "СОШ\n1", "Курс"]


@pytest.mark.parametrize("name,data,message", [
    ("a.csv", b"", "Файл пустой."),
    ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "Старый формат .xls"),
    ("a.pdf", b"%PDF-1.4", "Загрузите файл .xlsx или .csv."),
    ("a.xlsx", b"PK\x03\x04broken", "не читается как книга Excel (.xlsx)"),
    ("a.csv", b"PK\x03\x04broken", "не читается как книга Excel (.xlsx)"),
    ("a.csv", random.Random(10).randbytes(4096), "Это не текстовый CSV-файл"),
    ("a.csv", b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(500), "Это не текстовый CSV-файл"),
    ("a.csv", "ФИО;Школа\n".encode() + b"\x00" * 40, "Это не текстовый CSV-файл"),
    ("a.csv", "ФИО;Школа\nИванов;СОШ\n".encode("cp1251") + b"\x98", "кодировка"),
])
def test_a_file_that_is_not_a_table_gets_a_russian_reason(name, data, message):
    with pytest.raises(SpreadsheetError) as err:
        sheets.read_table(name, data, limits=ROOMY)
    assert message in err.value.message


# --------------------------------------------------------------------------- bounds


def _csv(rows: int, columns: int = 3, cell: str = "x") -> bytes:
    head = ";".join(f"Столбец {i}" for i in range(columns))
    return (head + "\n" + "".join(";".join([cell] * columns) + "\n" for _ in range(rows))).encode()


def _xlsx(rows: int, columns: int = 3, cell: str = "x") -> bytes:
    return xlsx_bytes([[f"Столбец {i}" for i in range(columns)]]
                      + [[cell] * columns for _ in range(rows)])


@pytest.mark.parametrize("build", [_csv, _xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("kwargs,bound,message", [
    ({"rows": 12}, {"rows": 10}, "В таблице больше 10 строк"),
    ({"rows": 2, "columns": 12}, {"columns": 10}, "больше 10 столбцов"),
    ({"rows": 20, "columns": 5}, {"cells": 80}, "В таблице больше 80 ячеек"),
    ({"rows": 2, "cell": "я" * 101}, {"cell_chars": 100}, "в ячейке больше 100 знаков"),
])
def test_each_bound_is_refused_naming_what_was_too_large(build, kwargs, bound, message):
    data = build(**kwargs)
    limits = SheetLimits(**{**ROOMY.__dict__, **bound})
    with pytest.raises(SpreadsheetError) as err:
        sheets.read_table("a." + build.__name__[1:], data, limits=limits)
    assert message in err.value.message
    sheets.read_table("a." + build.__name__[1:], data, limits=ROOMY)  # within bounds: read


@pytest.mark.parametrize("build", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_reading_stops_at_the_time_bound(monkeypatch, build):
    ticks = iter(range(10**6))
    monkeypatch.setattr(limits_module, "_clock", lambda: next(ticks))  # each look: one second
    limits = SheetLimits(**{**ROOMY.__dict__, "seconds": 5})
    with pytest.raises(SpreadsheetError, match="Файл читается дольше 5 с"):
        sheets.read_table("a." + build.__name__[1:], build(rows=50), limits=limits)


def test_the_bounds_come_from_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "SPREADSHEET_MAX_ROWS", 3)
    with pytest.raises(SpreadsheetError, match="больше 3 строк"):
        sheets.read_table("a.csv", _csv(rows=5))


def test_a_sheet_claiming_a_million_rows_and_every_column_costs_only_its_cells():
    data = with_dimension(_xlsx(rows=2), "A1:XFD1048576")
    tracemalloc.start()
    try:
        table = sheets.read_table("a.xlsx", data, limits=SheetLimits.from_settings())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [len(row.cells) for row in table.rows] == [3, 3, 3]
    assert peak < 20 * 1024 * 1024


def test_a_cell_beyond_the_column_bound_is_not_silently_cut():
    data = xlsx_bytes([["ФИО", "Школа"] + [None] * 297 + ["Лишнее"]])
    with pytest.raises(SpreadsheetError, match="больше 200 столбцов"):
        sheets.read_table("a.xlsx", data, limits=SheetLimits(**{**ROOMY.__dict__,
                                                               "columns": 200}))


def test_a_huge_csv_field_or_line_is_refused_before_it_is_split():
    field = ("ФИО;Школа\nИванов;" + "я" * 200_000 + "\n").encode()
    with pytest.raises(SpreadsheetError, match="в ячейке больше"):
        sheets.read_table("a.csv", field, limits=SheetLimits.from_settings())
    line = ("ФИО;Школа\n" + ";" * 3_000_000 + "\n").encode()
    with pytest.raises(SpreadsheetError, match="Строка 2 файла длиннее"):
        sheets.read_table("a.csv", line, limits=SheetLimits.from_settings())


def test_an_xlsx_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    import openpyxl

    from tests.unit.test_archives import MB, zip_bytes

    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/sharedStrings.xml": 32 * MB})
    with pytest.raises(SpreadsheetError, match="zip-бомб"):
        sheets.read_table("итоги.xlsx", bomb, limits=ROOMY)


def test_a_missing_header_or_required_column_is_raised_as_the_importers_own_error():
    from dataclasses import replace

    from shnor_app.services.errors import ServiceError

    class OwnError(ServiceError):
        pass

    spec = replace(SPEC, required={"name": "ФИО", "date": "дата окончания"},
                   not_found="Нет заголовков.")
    with pytest.raises(OwnError, match="^Нет заголовков.$"):
        sheets.read_table("a.csv", "a;b;c\n1;2;3\n".encode(), header=spec, error=OwnError)
    with pytest.raises(OwnError, match="^В таблице нет столбцов: дата окончания.$"):
        sheets.read_table("a.csv", "ФИО;Школа;Курс\n".encode(), header=spec, error=OwnError)
    with pytest.raises(OwnError, match="^Файл пустой.$"):
        sheets.read_table("a.csv", b"", header=spec, error=OwnError)
