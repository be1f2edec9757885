"""Import of roadmaps (дорожные карты) from pasted text and Word documents.

The three fixture files are real documents pasted from Word; their counts were made by hand
from the documents (see the comments at each test).
"""
from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from shnor_app.services.roadmaps.imports import (
    ApprovedBy,
    ParsedRoadmap,
    RoadmapImportError,
    parse_docx,
    parse_text,
    parse_upload,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def load(name: str) -> ParsedRoadmap:
    return parse_text((FIXTURES / name).read_text(encoding="utf-8"))


def all_items(roadmap: ParsedRoadmap):
    return [item for section in roadmap.sections for item in section.items]


def item(roadmap: ParsedRoadmap, number: str, occurrence: int = 0):
    return [i for i in all_items(roadmap) if i.number == number][occurrence]


def road(roadmap: ParsedRoadmap, number: str):
    """Item ``number`` of the sections after the first (the roadmap after a first plan)."""
    return [i for s in roadmap.sections[1:] for i in s.items if i.number == number][0]


def tsv(*rows: str) -> str:
    """Rows written with « | » between cells, joined as tab-separated text."""
    return "\n".join(row.replace(" | ", "\t").replace("|", "\t") for row in rows) + "\n"


# --------------------------------------------------------------------------------------------
# Real documents
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def katanga() -> ParsedRoadmap:
    return load("municipal-roadmap-katanga-2023.txt")


class TestKatanga:
    """One table, no sections, numbers «1» and «4.», 3 rows broken by page breaks (lines 28,
    35, 41), the number 11 written twice (lines 39 and 42): 12 items."""

    def test_counts(self, katanga):
        assert len(katanga.sections) == 1
        assert katanga.sections[0].title is None
        assert katanga.item_count == 12
        numbers = [i.number for i in all_items(katanga)]
        assert numbers == ["1", "2", "3", "4.", "5", "6", "7.", "8", "9", "10", "11", "11"]

    def test_columns(self, katanga):
        assert katanga.columns == {"number": 0, "text": 1, "period": 2, "executors": 3,
                                   "expected_result": 4}

    def test_rows_merged_across_page_breaks(self, katanga):
        second = item(katanga, "2")
        assert second.text == (
            "Организация и проведение инструктивно-методических совещаний с руководителями "
            "общеобразовательных организаций по вопросам достижения качества образования")
        assert second.expected_result == (
            "Определение основных направлений деятельности по управлению качеством образования")
        assert second.source_line == 26
        assert item(katanga, "7.").text == (
            "Подготовка инструктивных писем для ОУ по вопросам повышения качества образования, "
            "функциональной грамотности, ликвидации дефицитов знаний обучающихся по предмету")
        assert item(katanga, "11").text.endswith(
            "в региональных мероприятиях, проводимых для школ с низкими образовательными результатами")

    def test_items(self, katanga):
        first = all_items(katanga)[0]
        assert first.text.startswith("Разработка и утверждение «Дорожной карты»")
        assert first.period_text == "Январь 2023"
        assert first.executors == "МОО, консультант"
        assert first.executor_names == ["МОО", "консультант"]
        assert first.indicator == ""
        assert item(katanga, "5").period_text == "Март- апрель"
        last = all_items(katanga)[-1]
        assert last.number == "11" and last.text == "Подготовка сводного анализа по деятельности ШНОР"
        assert last.period_text == "По итогам учебного года"
        assert last.source_line == 42

    def test_heading(self, katanga):
        assert katanga.title == (
            "План –мероприятий («Дорожная карта») по сопровождению школ, находящихся в зоне риска "
            "по низким образовательным результатам, на 2023-2024 гг.")
        assert katanga.year == 2023
        # «к приказу МОО № 10 от 17.01.23 (с изменениями от 28.04.23 № 76-Д)»: the original order
        # wins; the распоряжение of the ministry cited further down is not the approving order.
        assert katanga.approved_by == ApprovedBy("приказ", "10", date(2023, 1, 17))

    def test_no_warnings(self, katanga):
        assert katanga.warnings == []


@pytest.fixture(scope="module")
def pervomaisky() -> ParsedRoadmap:
    return load("municipal-roadmap-pervomaisky-2023.txt")


class TestPervomaisky:
    """An order with appendices: a programme passport (2 columns), a «План методических
    мероприятий» (lines 109–125: items 1.–13. and 14, 14 items, 4 columns), the working group
    (ФИО, Должность), and the «Дорожная карта» (lines 150–181): 4 sections with 7 + 4 + 5 + 7 =
    23 items. Both plans are imported, in document order: the first becomes a section named by
    its caption — 5 sections, 14 + 23 = 37 items (counted by hand in the document)."""

    def test_counts(self, pervomaisky):
        assert [s.title for s in pervomaisky.sections] == [
            "План методических мероприятий на 2022-2023 учебный год по повышению качества "
            "образования",
            "Организационно-управленческая деятельность",
            "Организационно-технологическая деятельность",
            "Методическое сопровождение",
            "Аналитическая деятельность",
        ]
        assert [len(s.items) for s in pervomaisky.sections] == [14, 7, 4, 5, 7]
        assert pervomaisky.item_count == 37
        numbers = [i.number for i in all_items(pervomaisky)]
        assert numbers == [f"{n}." for n in range(1, 14)] + ["14"] + [
            f"{n}." for n in range(1, 24)]

    def test_columns_of_six_column_table(self, pervomaisky):
        assert pervomaisky.columns == {"number": 0, "text": 1, "period": 2, "indicator": 3,
                                   "expected_result": 4, "executors": 5}

    def test_items(self, pervomaisky):  # of the roadmap, the second plan
        first = road(pervomaisky, "1.")
        assert first.text.startswith("Разработка и утверждение муниципальной программы")
        assert first.period_text == "Апрель 2023г."
        assert first.indicator == "Разработана муниципальная программа и «дорожная карта»"
        assert first.expected_result == "Приказ РУО"
        assert first.executor_names == ["РУО"]
        assert road(pervomaisky, "13.").period_text == "20–21 апреля 2023г., октябрь 2023г."
        assert road(pervomaisky, "13.").source_line == 169
        assert road(pervomaisky, "16.").executor_names == ["ТОИПКРО", "РУО", "ОО"]
        last = road(pervomaisky, "23.")
        assert last.text == "Проведение анализа эффективности принятых мер поддержки ШНОР и ШНСУ"
        assert last.period_text == "Декабрь 2023г."
        assert last.executors == "ТОИПКРО"

    def test_row_after_page_break_is_merged_and_flagged(self, pervomaisky):
        # Line 158 continues only the «Показатель реализации» column, which item 5 left empty.
        assert road(pervomaisky, "5.").indicator == "посвященные поддержке ШНОР"
        assert any(w.startswith("Строка 158:") and "пустой" in w for w in pervomaisky.warnings)

    def test_second_plan_is_imported_and_other_tables_are_not(self, pervomaisky):
        texts = " ".join(i.text + i.executors for i in all_items(pervomaisky))
        assert "Тимков" not in texts  # working group
        assert "Повышение качества образования, переход" not in texts  # passport
        first_plan = pervomaisky.sections[0].items
        assert first_plan[7].text == "Организация и проведение методических десантов"
        assert first_plan[2].text == (
            "Анализ результатов проведения ГИА и разработка планов по подготовке к "
            "государственной итоговой аттестации выпускников основного общего и среднего общего "
            "образования на новый период.")
        assert first_plan[2].period_text == "Ежегодно до 01.10."
        assert first_plan[2].executors == (
            "МКУ «Управление образования Администрации Первомайского района»")
        assert len(pervomaisky.warnings) == 1  # only the row of line 158

    def test_heading(self, pervomaisky):
        assert pervomaisky.title == (
            "«Дорожная карта» по реализации региональной программы «Повышение качества "
            "образования в школах с низкими образовательными результатами обучающихся и/или в "
            "школах, функционирующих в неблагоприятных социальных условиях, на территории "
            "Первомайского района» на 2023 год")
        assert pervomaisky.year == 2023
        # «11.04.2023 г. № 76-О» above «ПРИКАЗ»; the распоряжения cited in the text are ignored.
        assert pervomaisky.approved_by == ApprovedBy("приказ", "76-О", date(2023, 4, 11))


@pytest.fixture(scope="module")
def slavyansky() -> ParsedRoadmap:
    return load("municipal-system-slavyansky-2022.txt")


class TestSlavyansky:
    """«Система работы» with three tables: results of schools (no measures), indicators
    («Показатели», «Методы, сроки проведения» — a deadline but no measure, 5 page breaks) and the
    «Дорожная карта» (lines 183–225): items 1., 2., 3., 3.1 without a section, then sections
    4.–7. with 9 + 7 + 3 + 4 items = 27; headers repeated after 4 page breaks, 3 rows broken."""

    def test_counts(self, slavyansky):
        assert [s.title for s in slavyansky.sections] == [
            None,
            "4. Оказание методической помощи ШНОР и школам с низким ИОР",
            "5. Профессиональное развитие педагогических и административных работников",
            "6. Организация сетевого взаимодействия",
            "7. Контрольно-инспекторская деятельность",
        ]
        assert [len(s.items) for s in slavyansky.sections] == [4, 9, 7, 3, 4]
        assert slavyansky.item_count == 27
        numbers = [i.number for i in all_items(slavyansky)]
        assert numbers[:5] == ["1.", "2.", "3.", "3.1", "4.1."]
        assert numbers[-1] == "7.4."

    def test_columns(self, slavyansky):
        # «Методы сбора информации, документы» → indicator; «Сроки и периодичность проведения
        # мероприятий» is a period although it names «мероприятия».
        assert slavyansky.columns == {"number": 0, "text": 1, "period": 3, "executors": 4,
                                   "indicator": 2}

    def test_rows_merged_across_repeated_headers(self, slavyansky):
        sub = item(slavyansky, "3.1")
        assert sub.text == "Определение индекса социального благополучия школ (ИСБШ)"
        assert sub.executors == "Н.А. Кудрявцева -главный специалист МКУО ЦОКО"  # «специа-»+«лист»
        assert sub.period_text == "1 раз в год"
        assert item(slavyansky, "4.7.").text.endswith(
            "разработанных в ШНОР и в школах с низким ИОР, верификация антирисковых программ и "
            "оказание методической помощи по ликвидации рисков в ШНОР")
        assert "В.А. Чернобровкина- заместитель" in item(slavyansky, "4.7.").executors
        assert item(slavyansky, "7.2.").executors.endswith("О.В. Плесецкая – директор МКУО КМЦ")

    def test_items(self, slavyansky):
        first = item(slavyansky, "1.")
        assert first.period_text == "Сентябрь 2022 года"
        assert first.indicator == "Мониторинги"
        assert first.executor_names == ["И.Н. Хняч - директор МКУО ЦОКО"]
        assert item(slavyansky, "7.4.").text == "Контроль за процедурой проведения федеральных оценочных процедур"
        assert item(slavyansky, "7.4.").period_text == "По мере проведения"

    def test_indicator_table_not_imported(self, slavyansky):
        assert not any(i.text.startswith("Результаты ГИА") for i in all_items(slavyansky))
        assert slavyansky.warnings == []

    def test_heading(self, slavyansky):
        assert slavyansky.title == (
            "Дорожная карта по работе со ШНОР и со школами с низким ИОР в 2022-2023 учебном году")
        assert slavyansky.year == 2022
        # «Приложение к приказу … от 12.09.2022 № 1496»; the orders cited in the text
        # (№ 1736, № 156, № 1494) are not the approving one.
        assert slavyansky.approved_by == ApprovedBy("приказ", "1496", date(2022, 9, 12))


# --------------------------------------------------------------------------------------------
# Synthetic text
# --------------------------------------------------------------------------------------------

HEADER5 = "№ п/п | Мероприятие | Срок исполнения | Ответственные | Ожидаемый результат"


def test_repeated_header_and_column_numbers_are_skipped():
    roadmap = parse_text(tsv(
        HEADER5,
        "1 | 2 | 3 | 4 | 5",
        "1. | Совещание директоров | Январь | УО | Протокол",
        "",
        HEADER5,
        "1 | 2 | 3 | 4 | 5",
        "2. | Семинар | Февраль | ИМЦ | Программа",
    ))
    assert roadmap.item_count == 2
    assert [i.text for i in all_items(roadmap)] == ["Совещание директоров", "Семинар"]
    assert [i.source_line for i in all_items(roadmap)] == [3, 7]
    assert roadmap.warnings == []
    assert roadmap.title is None and roadmap.year is None
    assert roadmap.approved_by == ApprovedBy(None, None, None)


def test_four_columns_in_shuffled_order():
    roadmap = parse_text(tsv(
        "Ответственный | Сроки | Наименование мероприятия | №",
        "Иванов И.И.; Петров П.П. | Март 2024 | Анализ результатов ВПР | 14",
        "ЦОКО | Апрель | Собеседование с директорами | 15",
    ))
    assert roadmap.columns == {"number": 3, "text": 2, "period": 1, "executors": 0}
    first = all_items(roadmap)[0]
    assert (first.number, first.text, first.period_text) == ("14", "Анализ результатов ВПР", "Март 2024")
    assert first.executor_names == ["Иванов И.И.", "Петров П.П."]
    assert first.expected_result == "" and first.indicator == ""


def test_six_columns_in_shuffled_order():
    roadmap = parse_text(tsv(
        "Форма отчётности | Содержание деятельности | № | Ответственный исполнитель | Дата | Результат",
        "Справка | Мониторинг сайтов | 1.1. | МКУ «ЦОКО, методкабинет», отдел | До 1 марта | Проведён",
    ))
    assert roadmap.columns == {"number": 2, "text": 1, "period": 4, "executors": 3,
                               "expected_result": 5, "indicator": 0}
    only = all_items(roadmap)[0]
    assert only.indicator == "Справка" and only.expected_result == "Проведён"
    # commas inside «…» do not split a name
    assert only.executor_names == ["МКУ «ЦОКО, методкабинет»", "отдел"]


def test_sections_as_merged_cells_as_first_cell_and_as_numbered_rows():
    roadmap = parse_text(tsv(
        HEADER5,
        "I. Организационные мероприятия | I. Организационные мероприятия | "
        "I. Организационные мероприятия | I. Организационные мероприятия | I. Организационные мероприятия",
        "1. | Приказ о рабочей группе | Январь | УО | Приказ",
        "Методическое сопровождение |  |  |  | ",
        "2. | Нормативно-правовое обеспечение |  |  | ",
        "2.1. | Положение о кураторах | Февраль | УО | Положение",
        "3. | Семинар без срока |  |  | ",
        "4. | Ещё пункт | Март | УО | Отчёт",
    ))
    assert [s.title for s in roadmap.sections] == [
        "I. Организационные мероприятия", "Методическое сопровождение",
        "2. Нормативно-правовое обеспечение",
    ]
    # «3.» is followed by «4.», not by «3.1»: an item without a deadline, not a section
    assert [i.number for i in roadmap.sections[2].items] == ["2.1.", "3.", "4."]


def test_numberless_table_items_and_continuations():
    roadmap = parse_text(tsv(
        "Мероприятия | Сроки | Исполнители",
        "Совещание с руководителями школ | Январь | УО",
        "по итогам полугодия | Февраль | ",
        "Семинар для учителей-предметни- | Март | ИМЦ",
        "ков | | ",
        "Круглый стол | Апрель | ИМЦ",
        "",
        " | Май | ЦОКО",
        "Работа с родителями",
        "Собрания | В течение года | Школы",
    ).replace("Работа с родителями\n", "Работа с родителями\t\t\n"))
    items = all_items(roadmap)
    assert [i.text for i in items] == [
        "Совещание с руководителями школ по итогам полугодия",
        "Семинар для учителей-предметников",
        "Круглый стол",
        "Собрания",
    ]
    assert all(i.number is None for i in items)
    assert items[0].period_text == "Январь Февраль"
    assert items[2].period_text == "Апрель Май" and items[2].executors == "ИМЦ ЦОКО"
    assert [s.title for s in roadmap.sections] == [None, "Работа с родителями"]


def test_numberless_table_with_numbers_inside_text():
    roadmap = parse_text(tsv(
        "Мероприятие | Срок",
        "1.1. Анализ ВПР | Март",
        "1.2. Анализ ОГЭ | Июль",
    ))
    assert [(i.number, i.text) for i in all_items(roadmap)] == [("1.1.", "Анализ ВПР"), ("1.2.", "Анализ ОГЭ")]


def test_html_in_cells_becomes_plain_lines():
    roadmap = parse_text(tsv(
        "№ | Мероприятие | Срок | Ответственный",
        "1. | <p>Проведение&nbsp;семинаров:</p><ul><li>для &quot;молодых&quot; учителей</li>"
        "<li>для наставников</li></ul> | Март<br>апрель | <b>ИМЦ</b>",
    ))
    only = all_items(roadmap)[0]
    assert only.text == 'Проведение семинаров:\nдля "молодых" учителей\nдля наставников'
    assert only.period_text == "Март\nапрель"
    assert only.executors == "ИМЦ"


def test_quoted_multiline_cells_as_excel_pastes_them():
    text = (
        "№\tМероприятие\tСрок\tОтветственные\n"
        '1.\t"Проведение ""круглого стола""\nдля директоров"\tЯнварь\t"УО\nИМЦ"\n'
        '2.\tСеминар "Точка роста" в школах\t"Февраль\tмарт"\tИМЦ\n'
    )
    roadmap = parse_text(text)
    first, second = all_items(roadmap)
    assert first.text == 'Проведение "круглого стола"\nдля директоров'
    assert first.executor_names == ["УО", "ИМЦ"]
    assert second.text == 'Семинар "Точка роста" в школах'
    assert second.period_text == "Февраль март"
    assert second.source_line == 5  # the quoted cells of item 1 span lines 2–4


def test_row_that_cannot_be_placed_is_reported():
    roadmap = parse_text(tsv(
        "№ | Мероприятие | Срок",
        "| продолжение неизвестно чего | ",
        "1. | Мониторинг | Март",
        "4. |  | ",
    ))
    assert roadmap.item_count == 1
    assert roadmap.warnings[0] == "Строка 2: не удалось отнести к пункту: «продолжение неизвестно чего»"
    assert roadmap.warnings[1].startswith("Строка 4: номер «4.» без текста")


def test_unknown_column_is_reported():
    roadmap = parse_text(tsv(
        "Мероприятие | Срок | Источник финансирования",
        "Закупка оборудования | Май | Местный бюджет",
    ))
    assert roadmap.warnings == [
        "Строка 1: столбец «Источник финансирования» не распознан, его содержимое не импортировано"]


def test_members_table_right_under_the_plan_is_ignored():
    roadmap = parse_text(tsv(
        "№ | Мероприятие | Срок | Ответственный",
        "1. | Мониторинг | Март | ЦОКО",
        "",
        "№ | ФИО | Должность",
        "1. | Иванова И.И. | начальник управления",
        "2. | Петров П.П. | методист",
    ))
    assert roadmap.item_count == 1
    assert roadmap.warnings == []


def test_one_table_per_section_is_joined():
    roadmap = parse_text(tsv(
        "План мероприятий на 2024 год",
        "1. Диагностика",
        "№ | Мероприятие | Срок | Ответственный",
        "1.1. | Анкетирование | Март | ЦОКО",
        "2. Методическая помощь",
        "№ | Мероприятие | Срок | Ответственный",
        "2.1. | Семинар | Апрель | ИМЦ",
    ))
    assert [s.title for s in roadmap.sections] == ["1. Диагностика", "2. Методическая помощь"]
    assert [len(s.items) for s in roadmap.sections] == [1, 1]
    assert roadmap.title == "План мероприятий на 2024 год"


def test_no_measures_table():
    with pytest.raises(RoadmapImportError) as error:
        parse_text(tsv("Список рабочей группы", "№ | ФИО | Должность", "1. | Иванов | директор"))
    assert error.value.message == (
        "В тексте не найдена таблица мероприятий: нет столбцов «Мероприятие» и «Срок»")
    with pytest.raises(RoadmapImportError):  # a measure column but no deadline
        parse_text(tsv("№ | Мероприятие | Ответственный", "1. | Семинар | ИМЦ"))
    with pytest.raises(RoadmapImportError) as empty:
        parse_text("  \n")
    assert "пуст" in empty.value.message


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        (["УТВЕРЖДЕНА", "постановлением администрации", "от 21 мая 2020 г. № 454 -р"],
         ApprovedBy("постановление", "454-р", date(2020, 5, 21))),
        (["Утверждено распоряжением от «27» февраля 2023 г. № 192"],
         ApprovedBy("распоряжение", "192", date(2023, 2, 27))),
        (["Приложение № 2", "к приказу МОО", "(в редакции приказа от 01.06.2023 № 5)",
          "от 17.01.23 № 10"],
         ApprovedBy("приказ", "10", date(2023, 1, 17))),
        (["РАСПОРЯЖЕНИЕ", "11.04.2023 г. № 76-Д",
          "На основании приказа министерства от 29 июля 2022 года № 1736 «Об утверждении системы "
          "сопровождения общеобразовательных организаций с низкими результатами»"],
         ApprovedBy("распоряжение", "76-Д", date(2023, 4, 11))),
        (["П Р И К А З", "от 12.09.2022", "№ 1496"], ApprovedBy("приказ", "1496", date(2022, 9, 12))),
        (["В соответствии с приказом министерства от 10.01.2023 № 7 утвердить план"],
         ApprovedBy(None, None, None)),
    ],
)
def test_approving_order_in_heading(heading, expected):
    rows = heading + ["", "План мероприятий на 2023 год", "№ | Мероприятие | Срок",
                      "1. | Семинар по приказу № 999 от 01.01.2024 | Март"]
    assert parse_text(tsv(*rows)).approved_by == expected


@pytest.mark.parametrize(
    ("title_lines", "title", "year"),
    [
        (["ПЛАН МЕРОПРИЯТИЙ", "ПО ПОВЫШЕНИЮ КАЧЕСТВА ОБРАЗОВАНИЯ", "НА 2023 ГОД"],
         "ПЛАН МЕРОПРИЯТИЙ ПО ПОВЫШЕНИЮ КАЧЕСТВА ОБРАЗОВАНИЯ НА 2023 ГОД", 2023),
        (["Дорожная карта", "по сопровождению ШНОР", "на 2022-2023 учебный год"],
         "Дорожная карта по сопровождению ШНОР на 2022-2023 учебный год", 2022),
        (["Комплекс мер по повышению качества образования на 2023-2024 гг."],
         "Комплекс мер по повышению качества образования на 2023-2024 гг.", 2023),
        (["**План мероприятий** («дорожная", "карта») школы"],
         "План мероприятий («дорожная карта») школы", None),
    ],
)
def test_title_and_year(title_lines, title, year):
    roadmap = parse_text(tsv(*title_lines, "", "Цель: повышение качества.",
                             "№ | Мероприятие | Срок", "1. | Семинар | Март 2030"))
    assert roadmap.title == title
    assert roadmap.year == year


# --------------------------------------------------------------------------------------------
# Word documents
# --------------------------------------------------------------------------------------------


def build_docx() -> bytes:
    document = docx.Document()
    for text in ["УТВЕРЖДЕН", "приказом управления образования",
                 "от «27» февраля 2023 г. № 192", "",
                 "ПЛАН МЕРОПРИЯТИЙ («ДОРОЖНАЯ КАРТА»)",
                 "по повышению качества образования в школах с низкими результатами",
                 "на 2023 год", "Состав рабочей группы"]:
        document.add_paragraph(text)
    members = [["№", "ФИО", "Должность"], ["1.", "Иванова И.И.", "начальник управления"],
               ["2.", "Петров П.П.", "методист"]]
    table = document.add_table(rows=len(members), cols=3)
    for r, values in enumerate(members):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("План мероприятий")
    header = ["№ п/п", "Наименование мероприятия", "Срок исполнения",
              "Ответственный исполнитель", "Ожидаемый результат"]
    rows = [
        header,
        ["1", "2", "3", "4", "5"],
        "1. Организационные мероприятия",
        ["1.1.", "Создание рабочей группы", "Январь 2023 г.", "Иванова И.И., Петров П.П.", "Приказ"],
        ["1.2.", "Анализ результатов ВПР", "Март 2023 г.", "ЦОКО", "Справка"],
        header,
        ["1.3.", "Семинар для учителей", "Апрель", "Методкабинет", "Программа семинара"],
        ["", "по итогам ВПР", "", "", ""],
    ]
    table = document.add_table(rows=len(rows), cols=5)
    for r, values in enumerate(rows):
        if isinstance(values, str):  # a section: one cell merged across the row
            table.cell(r, 0).merge(table.cell(r, 4)).text = values
            continue
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx():
    roadmap = parse_docx(build_docx())
    assert roadmap.approved_by == ApprovedBy("приказ", "192", date(2023, 2, 27))
    assert roadmap.title == ("ПЛАН МЕРОПРИЯТИЙ («ДОРОЖНАЯ КАРТА») по повышению качества "
                             "образования в школах с низкими результатами на 2023 год")
    assert roadmap.year == 2023
    assert roadmap.columns == {"number": 0, "text": 1, "period": 2, "executors": 3,
                               "expected_result": 4}
    assert [s.title for s in roadmap.sections] == ["1. Организационные мероприятия"]
    items = all_items(roadmap)
    assert [i.number for i in items] == ["1.1.", "1.2.", "1.3."]
    assert items[0].executor_names == ["Иванова И.И.", "Петров П.П."]
    assert items[0].source_line == 4  # row index in the table
    assert items[2].text == "Семинар для учителей по итогам ВПР"
    assert not any("Иванова" in i.text for i in items)
    assert roadmap.warnings == []


def test_docx_from_file_object_and_upload():
    data = build_docx()
    assert parse_docx(io.BytesIO(data)).item_count == 3
    assert parse_upload("план.docx", data).item_count == 3
    assert parse_upload("без расширения", data).item_count == 3


def test_docx_warnings_name_table_and_row():
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r, values in enumerate([["№", "Мероприятие", "Срок"], ["", "неизвестно чего", ""],
                                ["1.", "Семинар", "Май"]]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    roadmap = parse_docx(buffer.getvalue())
    assert roadmap.warnings == ["Таблица 1, строка 2: не удалось отнести к пункту: «неизвестно чего»"]


@pytest.mark.parametrize("data", [b"", b"hello", b"PK\x03\x04broken zip", b"%PDF-1.7\n",
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100])
def test_not_a_docx(data):
    with pytest.raises(RoadmapImportError) as error:
        parse_docx(data)
    assert error.value.message


def test_corrupt_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><broken")
    with pytest.raises(RoadmapImportError) as error:
        parse_docx(buffer.getvalue())
    assert "Word" in error.value.message


def test_docx_without_measures_table():
    document = docx.Document()
    document.add_paragraph("Состав рабочей группы")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "ФИО", "Должность"
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(RoadmapImportError) as error:
        parse_docx(buffer.getvalue())
    assert error.value.message == (
        "В документе не найдена таблица мероприятий: нет столбцов «Мероприятие» и «Срок»")


# --------------------------------------------------------------------------------------------
# Uploads
# --------------------------------------------------------------------------------------------

PASTED = tsv("План мероприятий на 2024 год", "№ | Мероприятие | Срок", "1. | Семинар | Май")


@pytest.mark.parametrize("encoded", [
    PASTED.encode("utf-8"),
    b"\xef\xbb\xbf" + PASTED.encode("utf-8"),
    PASTED.encode("cp1251"),
    PASTED.encode("utf-16"),
])
def test_upload_of_text(encoded):
    roadmap = parse_upload("план.txt", encoded)
    assert roadmap.item_count == 1
    assert roadmap.title == "План мероприятий на 2024 год"


def test_upload_of_fixture_file():
    data = (FIXTURES / "municipal-roadmap-katanga-2023.txt").read_bytes()
    assert parse_upload("katanga.txt", data).item_count == 12


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02\x03binary\x00junk" * 10,
    b"%PDF-1.4 ...",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
])
def test_upload_of_something_else(data):
    with pytest.raises(RoadmapImportError) as error:
        parse_upload("file.bin", data)
    assert error.value.message


def test_upload_of_zip_that_is_not_word():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(RoadmapImportError) as error:
        parse_upload("план.xlsx", buffer.getvalue())
    assert "Excel" in error.value.message
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(RoadmapImportError) as error:
        parse_upload("архив.zip", buffer.getvalue())
    assert error.value.message == "Файл не является документом Word (.docx)"


def test_docx_one_table_per_section():
    document = docx.Document()
    document.add_paragraph("Дорожная карта на 2024 год")
    document.add_paragraph("I. Диагностика")
    parts = [
        [["№", "Мероприятие", "Срок", "Ответственный"], ["1.", "Анкетирование", "Март", "ЦОКО"]],
        [["2.", "Семинар", "Апрель", "ИМЦ"], ["3.", "Совещание", "Май", "УО"]],  # no header
    ]
    for index, rows in enumerate(parts):
        if index:
            document.add_paragraph("II. Методическая помощь")
        table = document.add_table(rows=len(rows), cols=4)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    roadmap = parse_docx(buffer.getvalue())
    assert [s.title for s in roadmap.sections] == ["I. Диагностика", "II. Методическая помощь"]
    assert [[i.number for i in s.items] for s in roadmap.sections] == [["1."], ["2.", "3."]]
    assert roadmap.title == "Дорожная карта на 2024 год" and roadmap.year == 2024
    assert roadmap.warnings == []


def test_stamp_set_in_a_layout_table_and_cited_order_after_it():
    roadmap = parse_text(tsv(
        " |  | УТВЕРЖДЕН",
        " |  | приказом управления образования",
        " |  | от 17.01.2023 № 10",
        " |  | (в ред. приказа от 28.04.2023 № 76-Д)",
        "План мероприятий («дорожная карта») на 2023 год",
        "В соответствии с распоряжением министерства от 14 марта 2023 г. № 55-310-мр",
        "№ | Мероприятие | Срок",
        "1. | Семинар | Март",
    ))
    assert roadmap.approved_by == ApprovedBy("приказ", "10", date(2023, 1, 17))
    assert roadmap.title == "План мероприятий («дорожная карта») на 2023 год"


def test_merged_section_rows_pasted_without_tabs():
    """Word pastes a row merged across the table as a single cell: a line without tabs."""
    roadmap = parse_text(tsv(
        "ПЛАН",
        "мероприятий по повышению качества образования на 2024 год",
        "№ п/п | Содержание деятельности | Сроки проведения | Ответственный | Результат",
        "1. Нормативно-правовое обеспечение",
        "1.1. | Приказ о кураторах | Январь | УО | Приказ",
        "1.2. | Положение | Февраль | УО | Положение",
        "2. Методическое сопровождение",
        "2.1. | Семинар | Март | ИМЦ | Программа",
        "",
        "2.2. | Консультации | Апрель | ИМЦ | Журнал",
        "Начальник управления | | | Иванов И.И.",
    ))
    assert roadmap.title == "ПЛАН мероприятий по повышению качества образования на 2024 год"
    assert [s.title for s in roadmap.sections] == [
        "1. Нормативно-правовое обеспечение", "2. Методическое сопровождение"]
    assert [len(s.items) for s in roadmap.sections] == [2, 2]
    assert all_items(roadmap)[-1].executors == "ИМЦ"
    assert roadmap.warnings == [
        "Строка 11: не удалось отнести к пункту: «Начальник управления | Иванов И.И.»"]
