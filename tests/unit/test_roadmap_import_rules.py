"""The rules that make pasted roadmaps read the same however they were copied: one test a rule.

(The perturbed copies of the three real plans in ``test_roadmap_import_perturbed`` check them
together.)
"""
from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from shnor_app.services.roadmaps.imports import ApprovedBy, parse_docx, parse_text

HEADER = "№\tМероприятие\tСрок\tОтветственные\tРезультат"


def items(roadmap):
    return [item for section in roadmap.sections for item in section.items]


def cells(roadmap):
    return [(i.number, " ".join(i.text.split()), i.period_text, i.executors,
             " ".join(i.expected_result.split())) for i in items(roadmap)]


CLEAN = "\n".join([
    "План мероприятий на 2024 год",
    HEADER,
    "1.\tСеминар для учителей по вопросам\tМарт 2024\tУО, ИМЦ\tПроведён семинар для",
    "",
    "\tобъективности оценивания\t\t\tучителей района",
    "2.\tМониторинг\tАпрель 2024\tЦОКО\tСправка",
])


def test_a_row_that_lost_its_empty_first_cell_reads_as_with_it():
    """After a page break the continued row has 4 cells where the table has 5."""
    lost = CLEAN.replace("\n\tобъективности", "\nобъективности")
    assert cells(parse_text(lost)) == cells(parse_text(CLEAN))
    assert items(parse_text(lost))[0].text == "Семинар для учителей по вопросам объективности " \
                                              "оценивания"


def test_a_lone_rest_of_a_cell_keeps_its_column_counted_from_the_end():
    clean = CLEAN.replace("\tобъективности оценивания\t\t\tучителей района",
                          "\t\tи май 2024\t\t")
    lost = clean.replace("\n\t\tи май 2024", "\n\tи май 2024")
    assert items(parse_text(lost))[0].period_text == "Март 2024 и май 2024"
    assert cells(parse_text(lost)) == cells(parse_text(clean))


def test_cells_are_placed_by_what_they_hold_when_spaces_stand_for_tabs():
    spaced = CLEAN.replace("1.\tСеминар для учителей по вопросам\tМарт 2024\tУО, ИМЦ\t",
                           "1.   Семинар для учителей по вопросам   Март 2024   УО, ИМЦ   ")
    assert cells(parse_text(spaced)) == cells(parse_text(CLEAN))


def test_a_line_of_its_own_continues_the_cell_above_and_a_title_starts_a_section():
    text = "\n".join([
        "№\tМероприятие\tСрок\tРезультат\tОтветственные",
        "1.\tСеминар\tМарт 2024\tПроведён семинар для\tУО, МКУ «Центр",
        "оценки качества образования»",  # the last cell goes on: executors
        "2.\tМониторинг\tАпрель 2024\tСправка\tЦОКО",
        "Методическое сопровождение",  # a row merged across the table: no executor in it
        "3.\tКонсультации\tМай 2024\tЖурнал\tИМЦ",
    ])
    roadmap = parse_text(text)
    assert items(roadmap)[0].executors == "УО, МКУ «Центр оценки качества образования»"
    assert [s.title for s in roadmap.sections] == [None, "Методическое сопровождение"]
    assert [len(s.items) for s in roadmap.sections] == [2, 1]


def test_the_end_of_the_last_row_below_it_is_kept():
    text = CLEAN + "\n" + "и методистов\n\nНачальник управления\n"
    assert items(parse_text(text))[-1].expected_result == "Справка и методистов"


def test_html_lists_in_a_cell_give_the_text_a_word_document_gives():
    document = docx.Document()
    document.add_paragraph("План мероприятий на 2024 год")
    table = document.add_table(rows=2, cols=5)
    for column, value in enumerate(["№", "Мероприятие", "Срок", "Ответственные", "Результат"]):
        table.cell(0, column).text = value
    for column, value in enumerate(["1.", "Семинары:", "Март 2024", "УО", "Проведены"]):
        table.cell(1, column).text = value
    table.cell(1, 1).add_paragraph("для учителей;")
    table.cell(1, 1).add_paragraph("для директоров")
    buffer = io.BytesIO()
    document.save(buffer)
    from_docx = items(parse_docx(buffer.getvalue()))[0]
    pasted = "\n".join([
        "План мероприятий на 2024 год",
        HEADER,
        "1.\t<p>Семинары:</p><ul>\n  <li>для&nbsp;учителей;</li>\n  <li>для директоров</li>\n"
        "</ul>\tМарт 2024\tУО\tПроведены",
    ])
    from_text = items(parse_text(pasted))[0]
    assert from_text.text == from_docx.text == "Семинары:\nдля учителей;\nдля директоров"
    assert from_text.period_text == "Март 2024" and from_text.executors == "УО"
    assert parse_text("1.\ta<br>b\tМарт\n".join(["", ""]) + HEADER + "\n1.\tСеминар<br>"
                      "для учителей\tМарт 2024\tУО\tЕсть").sections[0].items[0].text \
        == "Семинар\nдля учителей"


def test_a_pasted_html_table_is_read_as_a_table():
    html = """<html><head><style>p {margin:0}</style></head><body>
    <p>Приказ от 12.01.2024 № 5</p><p>План мероприятий на 2024 год</p>
    <table><tr><th>№</th><th>Мероприятие</th><th>Срок</th><th>Ответственные</th></tr>
    <tr><td colspan="4">I. Диагностика</td></tr>
    <tr><td>1.</td><td>Анкетирование
        учителей</td><td rowspan="2">Март 2024</td><td>ЦОКО</td></tr>
    <tr><td>2.</td><td>Анализ &laquo;ВПР&raquo;</td><td>ИМЦ</td></tr>
    <tr><td>3.</td><td>Совещание<table><tr><td>директоры</td><td>завучи</td></tr></table></td>
        <td>Май 2024</td><td>УО</td></tr>
    </table></body></html>"""
    roadmap = parse_text(html)
    assert [s.title for s in roadmap.sections] == ["I. Диагностика"]
    assert [(i.number, i.text, i.period_text, i.executors) for i in items(roadmap)] == [
        ("1.", "Анкетирование учителей", "Март 2024", "ЦОКО"),
        ("2.", "Анализ «ВПР»", "Март 2024", "ИМЦ"),
        ("3.", "Совещание\nдиректоры; завучи", "Май 2024", "УО"),
    ]
    assert any("вложенная таблица" in w for w in roadmap.warnings)  # kept and named
    assert roadmap.title == "План мероприятий на 2024 год"
    assert roadmap.approved_by == ApprovedBy("приказ", "5", date(2024, 1, 12))


def test_blank_lines_and_repeated_headers_are_skipped():
    noisy = CLEAN.replace("\n2.\t", "\n\n\n" + HEADER + "\n\n2.\t").replace("\n", "\r\n")
    assert cells(parse_text(noisy)) == cells(parse_text(CLEAN))
    assert parse_text(noisy).warnings == []


@pytest.mark.parametrize("preamble", [
    "ПРИКАЗ\n\nот «27» февраля 2023 г.\n\n№ 192\n\nг. Энск",
    "ПРИКАЗ\nот «27» февраля 2023 г.                                  № 192",
    "П Р И К А З\n«27» февраля 2023 г.\nг. Энск\n№ 192",
    "ПРИКАЗ\n\n«27»\nфевраля 2023 г.\t\t\t№ 192",
    "УТВЕРЖДЕН\nприказом управления образования\nот «27» февраля 2023 г.\n№ 192",
])
def test_the_approving_order_is_found_in_a_preamble_spread_over_lines(preamble):
    text = ("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ\n" + preamble + "\nОб утверждении плана\n"
            "На основании приказа министерства от 1 марта 2022 г. № 7\n" + CLEAN)
    assert parse_text(text).approved_by == ApprovedBy("приказ", "192", date(2023, 2, 27))


def test_a_second_and_third_plan_become_sections():
    text = "\n".join([
        "План мероприятий на 2024 год", HEADER,
        "1.\tСеминар\tМарт 2024\tУО\tПроведён",
        "", "Состав рабочей группы", "№\tФИО\tДолжность", "1.\tИванова И.И.\tначальник",
        "", "План методической работы", HEADER,
        "1.\tКонсультации\tАпрель 2024\tИМЦ\tЖурнал",
        "2.\tВебинар\tМай 2024\tИМЦ\tЗапись",
        "", "Дорожная карта мониторинга", HEADER,
        "1.\tАнкетирование\tИюнь 2024\tЦОКО\tСправка",
    ])
    roadmap = parse_text(text)
    assert [s.title for s in roadmap.sections] == [
        "План мероприятий на 2024 год", "План методической работы",
        "Дорожная карта мониторинга"]
    assert [len(s.items) for s in roadmap.sections] == [1, 2, 1]
    assert not any("не импортирована" in w for w in roadmap.warnings)
    assert "Иванова" not in " ".join(i.text + i.executors for i in items(roadmap))


def test_docx_with_two_plan_tables_and_a_nested_table():
    document = docx.Document()
    document.add_paragraph("План мероприятий на 2024 год")
    first = document.add_table(rows=3, cols=4)
    for row, values in enumerate([["№", "Мероприятие", "Срок", "Ответственные"],
                                  ["1.", "Семинар", "Март 2024", "УО"],
                                  ["2.", "Совещание", "Апрель 2024", ""]]):
        for column, value in enumerate(values):
            first.cell(row, column).text = value
    nested = first.cell(2, 3).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "ИМЦ"
    nested.cell(0, 1).text = "ЦОКО"
    document.add_paragraph("Дорожная карта мониторинга")
    second = document.add_table(rows=2, cols=5)  # another plan: its own columns
    for row, values in enumerate([["№", "Мероприятие", "Срок", "Ответственные", "Результат"],
                                  ["1.", "Анкетирование", "Май 2024", "ЦОКО", "Справка"]]):
        for column, value in enumerate(values):
            second.cell(row, column).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    roadmap = parse_docx(buffer.getvalue())
    assert [s.title for s in roadmap.sections] == ["План мероприятий на 2024 год",
                                                   "Дорожная карта мониторинга"]
    assert [[i.text for i in s.items] for s in roadmap.sections] == [
        ["Семинар", "Совещание"], ["Анкетирование"]]
    assert items(roadmap)[1].executors == "ИМЦ; ЦОКО"  # the nested table's text is kept …
    assert any(w.startswith("Таблица 1, строка 3:") and "вложенная таблица" in w
               for w in roadmap.warnings)  # … and named in a warning
