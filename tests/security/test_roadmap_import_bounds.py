"""The roadmap import parses in time proportional to the document and stops at named bounds.

A crafted .docx once kept a worker busy for minutes: python-docx walked up the rows above every
cell merged down (cubic in the rows), the heading's regular expressions backtracked
quadratically on long runs of spaces or of «ред.», and the text above a table was gathered by
prepending. Linearity is checked by the ratio of times between a size and eight times that size
(least CPU time of three runs each, sizes grown until the smaller takes measurable time): linear
work gives about 8, quadratic about 64; under 24 passes. Bounds are checked with small limits, and time with a clock
that the test moves by hand — never by an absolute duration.
"""
import functools
import gc
import io
import time
import tracemalloc
import zipfile

import docx
import pytest

from shnor_app.services import limits as limits_module
from shnor_app.services.roadmaps import imports
from shnor_app.services.roadmaps.imports import (
    ImportLimits, RoadmapImportError, parse_docx, parse_text, parse_upload,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROOMY = ImportLimits(paragraphs=10**6, rows=10**6, cells=10**7, chars=10**8, seconds=3600)


@functools.cache
def _blank_docx() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def docx_bytes(body: str) -> bytes:
    """A Word document (as Word and python-docx open it) whose body is ``body``."""
    source, buffer = zipfile.ZipFile(io.BytesIO(_blank_docx())), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = (f'<w:document xmlns:w="{W}"><w:body>{body}</w:body>'
                           "</w:document>").encode()
            archive.writestr(info.filename, content)
    return buffer.getvalue()


def p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def cell(content: str, props: str = "") -> str:
    return f"<w:tc>{f'<w:tcPr>{props}</w:tcPr>' if props else ''}{content or p('')}</w:tc>"


def table(rows: list[list[str]]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(r) + "</w:tr>" for r in rows) + "</w:tbl>"


HEADER = [cell(p("Мероприятие")), cell(p("Срок")), cell(p("Ответственный"))]


def plan(paragraphs: int = 0, rows: int = 1) -> bytes:
    body = "".join(p(f"Абзац {i}") for i in range(paragraphs))
    items = [[cell(p(f"Мероприятие {i}")), cell(p("май 2026")), cell(p("Школа"))]
             for i in range(rows)]
    return docx_bytes(body + table([HEADER] + items))


def merged_down_plan(rows: int) -> bytes:
    """One column merged down the whole table: python-docx resolved every such cell by walking
    up through all the rows above it."""
    first = [cell(p("Мероприятие 0")), cell(p("май 2026")),
             cell(p("Школа"), '<w:vMerge w:val="restart"/>')]
    rest = [[cell(p(f"Мероприятие {i}")), cell(p("май 2026")), cell("", "<w:vMerge/>")]
            for i in range(1, rows)]
    return docx_bytes(table([HEADER, first] + rest))


def _best(run, data, tries=3) -> float:
    """The least CPU time (not wall time: other processes share the machine) of a few runs,
    with the garbage collector held back while one runs."""
    best = float("inf")
    for _ in range(tries):
        gc.collect()
        gc.disable()
        start = time.process_time()
        try:
            run(data)
        except RoadmapImportError:
            pass
        finally:
            elapsed = time.process_time() - start
            gc.enable()
        best = min(best, elapsed)
    return best


def growth(make, run, start: int, factor: int = 8, floor: float = 0.02, cap: int = 10**6):
    """Time at ``factor``× the size / time at the size, the size grown until measurable."""
    n = start
    small = _best(run, make(n))
    while small < floor and n * factor < cap:
        n *= 2
        small = _best(run, make(n))
    return _best(run, make(n * factor)) / small


LINEAR = 8 * 3  # linear work gives ~8; quadratic ~64


def test_cells_merged_down_a_long_table_parse_in_linear_time():
    ratio = growth(merged_down_plan, lambda data: parse_docx(data, ROOMY), start=50)
    assert ratio < LINEAR, ratio
    parsed = parse_docx(merged_down_plan(300), ROOMY)
    assert parsed.item_count == 300
    assert {item.executors for section in parsed.sections for item in section.items} == {"Школа"}


def test_paragraphs_before_the_table_parse_in_linear_time():
    ratio = growth(lambda n: plan(paragraphs=n), lambda data: parse_docx(data, ROOMY), start=500)
    assert ratio < LINEAR, ratio


@pytest.mark.parametrize("junk", [
    "<" + " " * 7,  # «<» and spaces: the HTML-tag pattern backtracked over every split
    "(" + "ред. ",  # a bracket full of «ред.»: the amendment pattern did the same
])
def test_pathological_text_in_cells_and_heading_parses_in_linear_time(junk):
    head, filler = junk[0], junk[1:]

    def make(n: int) -> str:
        return (f"УТВЕРЖДЁН приказом {head}{filler * n}\n"
                f"Мероприятие\tСрок\nСеминар {head}{filler * n}\tмай 2026\n")

    ratio = growth(make, lambda text: parse_text(text, ROOMY), start=200)
    assert ratio < LINEAR, ratio


def test_text_above_several_tables_is_gathered_in_linear_time():
    def make(n: int) -> bytes:
        body = "".join(p(f"Абзац {i}") for i in range(n))
        return docx_bytes(body + table([HEADER, [cell(p("Сбор")), cell(p("май")), cell("")]])
                          + body + table([HEADER, [cell(p("Итог")), cell(p("июнь")), cell("")]]))

    assert growth(make, lambda data: parse_docx(data, ROOMY), start=500) < LINEAR


# --------------------------------------------------------------------------- bounds


@pytest.mark.parametrize("bound,data,words", [
    ({"paragraphs": 100}, plan(paragraphs=150), "больше 100 абзацев"),
    ({"rows": 40}, plan(rows=50), "больше 40 строк таблиц"),
    ({"cells": 100}, plan(rows=50), "больше 100 ячеек таблиц"),
    ({"chars": 500}, plan(paragraphs=100), "больше 500 знаков текста"),
])
def test_each_docx_bound_is_refused_naming_what_was_too_large(bound, data, words):
    limits = ImportLimits(**{**ROOMY.__dict__, **bound})
    with pytest.raises(RoadmapImportError) as err:
        parse_docx(data, limits)
    assert err.value.message.startswith("В документе " + words)
    parse_docx(data, ROOMY)  # within the bounds it parses


@pytest.mark.parametrize("bound,words", [
    ({"paragraphs": 20}, "больше 20 абзацев"),
    ({"rows": 20}, "больше 20 строк таблиц"),
    ({"cells": 40}, "больше 40 ячеек таблиц"),
    ({"chars": 300}, "больше 300 знаков текста"),
])
def test_each_bound_holds_for_pasted_text_too(bound, words):
    text = "".join(f"Строка {i}\n" for i in range(30)) + "Мероприятие\tСрок\n" + \
        "".join(f"Дело {i}\tмай\n" for i in range(30))
    with pytest.raises(RoadmapImportError) as err:
        parse_text(text, ImportLimits(**{**ROOMY.__dict__, **bound}))
    assert err.value.message.startswith("В тексте " + words)


@pytest.mark.parametrize("parse,data,subject", [
    (parse_docx, plan(rows=30), "Документ"),
    (parse_text, "Мероприятие\tСрок\n" + "Дело\tмай\n" * 30, "Текст"),
])
def test_parsing_stops_at_the_time_bound(monkeypatch, parse, data, subject):
    ticks = iter(range(10**6))
    monkeypatch.setattr(limits_module, "_clock", lambda: next(ticks))  # each look: one second
    with pytest.raises(RoadmapImportError) as err:
        parse(data, ImportLimits(**{**ROOMY.__dict__, "seconds": 5}))
    assert err.value.message.startswith(f"{subject} разбирается дольше 5 с")


def test_the_bounds_come_from_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "ROADMAP_IMPORT_MAX_ROWS", 10)
    with pytest.raises(RoadmapImportError, match="больше 10 строк таблиц"):
        parse_upload("план.docx", plan(rows=20))


def test_a_document_of_400_000_paragraphs_stops_at_the_bound_having_read_no_further(monkeypatch):
    read = []
    real = imports._paragraph_text
    monkeypatch.setattr(imports, "_paragraph_text", lambda element: read.append(1) or real(element))
    data = plan(paragraphs=400_000)
    limits = ImportLimits.from_settings()
    with pytest.raises(RoadmapImportError, match="абзацев"):
        parse_upload("бомба.docx", data)
    assert len(read) <= limits.paragraphs


def test_a_document_of_400_000_identical_paragraphs_is_refused_as_a_zip_bomb_unread(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the XML of a zip bomb was parsed")

    monkeypatch.setattr(imports._DocxReader, "read", never)
    data = docx_bytes(p("x") * 400_000)
    assert len(data) < 150_000
    tracemalloc.start()
    try:
        with pytest.raises(RoadmapImportError, match="zip-бомб"):
            parse_upload("бомба.docx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


# --------------------------------------------------------------------------- nested tables


def test_text_of_a_table_nested_in_a_cell_is_kept_and_flagged():
    nested = table([[cell(p("1 этап")), cell(p("анкетирование;"))],
                    [cell(p("2 этап")), cell(p("семинар"))]])
    data = docx_bytes(table([HEADER, [cell(p("Диагностика:") + nested), cell(p("май 2026")),
                                      cell(p("ЦОКО"))]]))
    parsed = parse_docx(data, ROOMY)
    item = parsed.sections[0].items[0]
    assert item.text == "Диагностика:\n1 этап; анкетирование\n2 этап; семинар"
    assert parsed.warnings == [
        "Таблица 1, строка 2: в ячейке «Мероприятие» была вложенная таблица — её текст "
        "добавлен в ячейку построчно, проверьте его"]
