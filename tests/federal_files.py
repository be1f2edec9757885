"""Files in the federal layouts, built with openpyxl for the tests: the ФИС ФРДО «Шаблон ДПО»
workbook (40 columns, header in row 1) and the ФИС ОКО per-pupil downloads (2022 «Протокол»,
2021, «Индивидуальные результаты»)."""
from __future__ import annotations

import io

FRDO_HEADER = [
    "Вид документа", "Статус документа", "Подтверждение утраты", "Подтверждение обмена",
    "Подтверждение уничтожения", "Серия документа", "Номер документа", "Дата выдачи документа",
    "Регистрационный номер",
    "Дополнительная профессиональная программа (повышение квалификации/ профессиональная переподготовка)",
    "Наименование дополнительной профессиональной программы",
    "Наименование области профессиональной деятельности", "Укрупненные группы специальностей",
    "Наименование квалификации, профессии, специальности", "Уровень образования ВО/СПО",
    "Фамилия указанная в дипломе о ВО или СПО", "Серия документа о ВО/СПО",
    "Номер документа о ВО/СПО", "Год начала обучения (для документа о квалификации)",
    "Год окончания обучения (для документа о квалификации)",
    "Срок обучения, часов (для документа о квалификации)", "Фамилия получателя",
    "Имя получателя", "Отчество получателя", "Дата рождения получателя", "Пол получателя",
    "СНИЛС", "Форма обучения", "Источник финансирования обучения",
    "Форма получения образования на момент прекращения образовательных отношений",
    "Гражданство получателя (код страны по ОКСМ)",
    "Наименование документа об образовании (оригинала)", "Серия (оригинала)",
    "Номер (оригинала)", "Регистрационный N (оригинала)", "Дата выдачи (оригинала)",
    "Фамилия получателя (оригинала)", "Имя получателя (оригинала)",
    "Отчество получателя (оригинала)", "Номер документа для изменения",
]
assert len(FRDO_HEADER) == 40


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def frdo_row(*, last, first, middle="", birth=None, snils="", programme, hours, series="",
             number, issued, reg="", kind="Удостоверение о повышении квалификации") -> list:
    row = [""] * 40
    values = {
        "Вид документа": kind, "Статус документа": "Оригинал", "Серия документа": series,
        "Номер документа": number, "Дата выдачи документа": issued,
        "Регистрационный номер": reg,
        "Наименование дополнительной профессиональной программы": programme,
        "Срок обучения, часов (для документа о квалификации)": hours,
        "Фамилия получателя": last, "Имя получателя": first, "Отчество получателя": middle,
        "Дата рождения получателя": birth, "Пол получателя": "Жен", "СНИЛС": snils,
        "Форма обучения": "Очная",
        "Дополнительная профессиональная программа (повышение квалификации/ профессиональная переподготовка)": "Повышение квалификации",
    }
    for k, v in values.items():
        row[FRDO_HEADER.index(k)] = v
    return row


def frdo_xlsx(rows, header=None) -> bytes:
    """The «Шаблон» sheet; ``header`` may replace the official header (shortened, spaces)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Шаблон"
    ws.append(header or FRDO_HEADER)
    for r in rows:
        ws.append(r)
    return _save(wb)


def protocol_2022(pupils, *, tasks=10) -> bytes:
    """2022 layout: sheets «Классы» and «Протокол». ``pupils``: (school cell, municipality cell,
    class, total or None for an absent pupil)."""
    from openpyxl import Workbook

    wb = Workbook()
    classes = wb.active
    classes.title = "Классы"
    classes.append(["Класс", "Кол-во"])
    ws = wb.create_sheet("Протокол")
    task_cols = [f"{i}({1}) (1б)" for i in range(1, tasks + 1)]
    ws.append(["Пользователь", "Код региона", "Регион", "Муниципалитет", "Школа",
               "Дата загрузки", "Код", "Вариант", *task_cols, "Наименование класса", "Пол",
               "Отметка за предыдущий триместр/ четверть/полугодие", "Итого баллов"])
    for n, (school, muni, klass, total) in enumerate(pupils, start=1):
        login = school.split("|")[0].strip()
        if total is None:
            ws.append([login, "22", "reg22 | Алтайский край", muni, school, "20.04.2022",
                       f"{n:05d}", "отсутствовал"])
        else:
            ws.append([login, "22", "reg22 | Алтайский край", muni, school, "20.04.2022",
                       f"{n:05d}", "1", *(["1"] * tasks), klass, "М", "4", str(total)])
    return _save(wb)


def layout_2021(pupils, *, tasks=8) -> bytes:
    """2021 layout. ``pupils``: (login, municipality, class, total or None)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["логин школы", "регион", "номер обучающегося", "код обучающегося",
               "отметка за предыдущую четверть/триместр", "пол", "класс", "вариант",
               "всего баллов", *[f"балл за {i}" for i in range(1, tasks + 1)], "Учебник",
               "Др.уч. автор", "Др.уч. название"])
    for n, (login, muni, klass, total) in enumerate(pupils, start=1):
        ws.append([login, muni, n, f"{n:05d}", "4", "Ж", klass,
                   "отсутствовал" if total is None else "2", total, *(["1"] * tasks)])
    return _save(wb)


def individual_results(title, pupils, *, tasks=6) -> bytes:
    """«Индивидуальные результаты»: a title row, metadata rows, then the header.
    ``pupils``: (login, municipality, school name, class, total or None, mark or None)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["Дата формирования:", "15.05.2023"])
    ws.append([])
    ws.append(["ОО", "Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант",
               *[str(i) for i in range(1, tasks + 1)], "Первичный балл", "Отметка",
               "Отметка по журналу"])
    for n, (login, muni, name, klass, total, mark) in enumerate(pupils, start=1):
        if total is None:
            ws.append([login, muni, name, f"{n:05d}", klass, "отсутствовал"])
        else:
            ws.append([login, muni, name, f"{n:05d}", klass, "1", *([1] * tasks), total, mark,
                       "4"])
    return _save(wb)
