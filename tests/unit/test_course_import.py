"""Import of course results: reading .xlsx / .csv as people send them, row-level errors in
Russian, all-or-nothing saving, matching of teachers by name (case and «ё/е» insensitive)."""
import io
import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import Enrollment, EnrollmentStatus
from shnor_app.services.courses import imports as imp
from shnor_app.services.courses import CourseError

from tests.factories.core import make_municipality, make_org, make_region, make_staff
from tests.factories.courses import make_course, make_enrollment

HEADER = ["ФИО", "Школа", "Курс", "Часы", "Дата окончания", "Номер удостоверения"]


def xlsx(rows, title=None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.append([])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, sep=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(sep.join(str(c) for c in r) for r in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.fixture
def data():
    region = make_region()
    muni = make_municipality(region)
    school = make_org(muni, short_name="МКОУ СОШ с. Заозёрное", full_name="Средняя школа села Заозёрное")
    other = make_org(muni, short_name="МБОУ СОШ № 7")
    far = make_org(make_municipality(make_region()), short_name="МБОУ СОШ № 9 г. Дальнего")
    course = make_course(region, title="Технологии работы со слабоуспевающими обучающимися",
                         hours=36, low=True, start=date(2025, 3, 1))
    course72 = make_course(region, title="Функциональная грамотность", hours=72, start=date(2025, 1, 1))
    course16 = make_course(region, title="Функциональная грамотность", hours=16, start=date(2025, 1, 1))
    teachers = {
        "fedorova": make_staff(school, "Фёдорова Анна Петровна"),
        "ivanov": make_staff(school, "Иванов Иван Иванович"),
        "twin1": make_staff(school, "Смирнова Ольга Ивановна"),
        "twin2": make_staff(school, "Смирнова  Ольга Ивановна"),
        "petrov": make_staff(other, "Петров Пётр Петрович"),
        "far": make_staff(far, "Дальний Педагог"),
    }
    return {"region": region, "school": school, "other": other, "far": far, "course": course,
            "course72": course72, "course16": course16, "t": teachers}


def _count():
    return db.session.scalar(select(func.count()).select_from(Enrollment))


def test_xlsx_with_a_title_row_columns_in_any_order_and_excel_dates(data):
    rows = [["Номер удостоверения", "Дата окончания", "ФИО", "Курс", "Школа", "Часы", "Примечание"],
            ["772401", datetime(2025, 3, 28), "ФЕДОРОВА анна петровна",
             "Технологии работы со слабоуспевающими обучающимися", "мкоу сош с. заозерное", 36, "—"],
            [None, None, None, None, None, None, None],
            ["772402", "28.03.2025", "Петров Пётр Петрович",
             "Технологии работы со слабоуспевающими обучающимися", "МБОУ СОШ № 7", "36 ч.", ""]]
    result = imp.check_file("итоги.xlsx", xlsx(rows, title="Список слушателей КПК"), None,
                            on=date(2025, 6, 1))
    assert result.ok, result.errors
    assert [r.member for r in result.rows] == [data["t"]["fedorova"], data["t"]["petrov"]]
    assert result.ignored == ["Примечание"]
    assert result.rows[0].number == 4 and result.rows[1].number == 6
    imp.apply(result)
    saved = db.session.scalars(select(Enrollment).order_by(Enrollment.id)).all()
    assert [(e.status, e.completed_on, e.certificate_number) for e in saved] == [
        (EnrollmentStatus.COMPLETED, date(2025, 3, 28), "772401"),
        (EnrollmentStatus.COMPLETED, date(2025, 3, 28), "772402")]


@pytest.mark.parametrize("sep,encoding,bom", [(";", "cp1251", False), (",", "utf-8", True),
                                              (";", "utf-8", False)])
def test_csv_with_comma_or_semicolon_in_utf8_or_cp1251(data, sep, encoding, bom):
    rows = [HEADER, ["Иванов Иван Иванович", "МКОУ СОШ с. Заозёрное", "Функциональная грамотность",
                     "72", "01.04.2025", "ФГ-15"]]
    result = imp.check_file("kpk.csv", csv_bytes(rows, sep, encoding, bom), None, on=date(2025, 6, 1))
    assert result.ok, result.errors
    assert result.rows[0].course == data["course72"]  # hours choose between same titles
    assert result.rows[0].completed_on == date(2025, 4, 1)


def test_existing_application_becomes_completed(data):
    e = make_enrollment(data["course"], data["t"]["ivanov"], "APPLIED")
    rows = [HEADER, ["Иванов Иван Иванович", "Средняя школа села Заозёрное",
                     "Технологии работы со слабоуспевающими обучающимися", "", "2025-03-20", ""]]
    result = imp.check_file("a.csv", csv_bytes(rows), None, on=date(2025, 6, 1))
    assert result.ok and result.updated == 1 and result.created == 0
    imp.apply(result)
    db.session.refresh(e)
    assert e.status == EnrollmentStatus.COMPLETED and e.completed_on == date(2025, 3, 20)
    assert _count() == 1


def test_bad_rows_are_reported_in_russian_and_nothing_is_saved(data):
    make_enrollment(data["course"], data["t"]["fedorova"], completed_on=date(2025, 3, 28),
                    certificate="772401")
    before = _count()
    c = "Технологии работы со слабоуспевающими обучающимися"
    rows = [HEADER,
            ["Иванов Иван Иванович", "МКОУ СОШ с. Заозёрное", c, "36", "28.03.2025", "100"],  # 2 ok
            ["Кто-то Другой", "МБОУ СОШ № 99", c, "36", "28.03.2025", ""],                  # 3
            ["Смирнова Ольга Ивановна", "МКОУ СОШ с. Заозёрное", c, "36", "28.03.2025", ""],  # 4
            ["Петров Пётр Петрович", "МБОУ СОШ № 7", c, "36", "31.02.2025", ""],             # 5
            ["Петров Пётр Петрович", "МБОУ СОШ № 7", c, "36", "28.03.2025", "772401"],       # 6
            ["Иванов Иван Иванович", "МКОУ СОШ с. Заозёрное", "Функциональная грамотность", "72",
             "01.04.2025", "100"],                                                             # 7
            ["Иванов Иван Иванович", "МКОУ СОШ с. Заозёрное", c, "0", "28.03.2025", ""],      # 8
            ["Петров Пётр Петрович", "МБОУ СОШ № 7", c, "36", "01.01.2025", ""],             # 9
            ["Петров Пётр Петрович", "МБОУ СОШ № 7", "Несуществующий курс", "", "01.04.2025", ""],
            ["Иванов Иван Иванович", "МКОУ СОШ с. Заозёрное", "Функциональная грамотность", "",
             "01.04.2025", ""],                                                                # 11
            ["Дальний Педагог", "МБОУ СОШ № 9 г. Дальнего", c, "36", "28.03.2025", ""]]       # 12
    result = imp.check_file("bad.csv", csv_bytes(rows), None, on=date(2025, 6, 1))
    errors = dict(result.errors)
    assert not result.ok
    assert 2 not in errors
    assert errors[3] == "школа «МБОУ СОШ № 99» не найдена"
    assert "неоднозначен" in errors[4] and "2 сотрудника" in errors[4]
    assert "дата окончания «31.02.2025» не распознана" in errors[5]
    assert "удостоверение № 772401 уже записано: Фёдорова Анна Петровна" in errors[6]
    assert errors[7] == "удостоверение № 100 повторяется (строка 2)"  # same provider
    assert "часы «0» — нужно целое положительное число" in errors[8]
    assert "не может быть раньше начала курса (01.03.2025)" in errors[9]
    assert errors[10] == "курс «Несуществующий курс» не найден в каталоге"
    assert "неоднозначен" in errors[11] and "укажите часы" in errors[11]
    assert 12 not in errors  # without a user (the CLI) every school and course is in reach
    with pytest.raises(CourseError):
        imp.apply(result)
    assert _count() == before


def test_duplicate_certificate_within_the_file(data):
    c = "Технологии работы со слабоуспевающими обучающимися"
    rows = [HEADER, ["Иванов Иван Иванович", "МКОУ СОШ с. Заозёрное", c, "36", "28.03.2025", "55"],
            ["Петров Пётр Петрович", "МБОУ СОШ № 7", c, "36", "28.03.2025", "55"]]
    result = imp.check_file("d.csv", csv_bytes(rows), None, on=date(2025, 6, 1))
    assert result.errors == [(3, "удостоверение № 55 повторяется (строка 2)")]


def test_schools_outside_the_users_scope_are_unknown(data, world):
    school_user = world.users["school"]  # school_a of the world, not our schools
    rows = [HEADER, ["Иванов Иван Иванович", "МКОУ СОШ с. Заозёрное",
                     "Технологии работы со слабоуспевающими обучающимися", "36", "28.03.2025", ""]]
    result = imp.check_file("s.csv", csv_bytes(rows), school_user, on=date(2025, 6, 1))
    assert any("не найдена" in m or "не найден" in m for _, m in result.errors)


@pytest.mark.parametrize("name,content,message", [
    ("a.pdf", b"%PDF-1.4", "Загрузите файл .xlsx или .csv."),
    ("a.xls", b"\xd0\xcf\x11\xe0", "Старый формат .xls"),
    ("a.csv", b"", "Файл пустой."),
    ("a.csv", "Фамилия;Возраст\nИванов;40\n".encode(), "Не найдена строка заголовков"),
    ("a.csv", "ФИО;Школа;Часы\nИванов;СОШ;36\n".encode(), "нет столбцов: курс, дата окончания"),
    ("a.csv", "ФИО;Школа;Курс;Часы\nИванов;СОШ;Курс;36\n".encode(), "нет столбцов: дата окончания"),
    ("a.csv", "ФИО;Школа;Курс;Дата окончания\n".encode(), "нет строк с данными"),
    ("a.xlsx", b"PK\x03\x04broken", "не читается как книга Excel"),
])
def test_unreadable_files_are_refused_with_a_reason(name, content, message):
    with pytest.raises(imp.ImportFileError) as err:
        imp.parse_table(name, content)
    assert message in str(err.value)


@pytest.mark.parametrize("value,expected", [
    ("15.03.2024", date(2024, 3, 15)), ("15.03.24", date(2024, 3, 15)), ("5.3.2024 г.", date(2024, 3, 5)),
    ("2024-03-15", date(2024, 3, 15)), (datetime(2024, 3, 15, 0, 0), date(2024, 3, 15)),
    (45366, date(2024, 3, 15)), ("31.02.2024", None), ("март 2024", None), ("", None),
])
def test_dates_as_people_write_them(value, expected):
    assert imp.parse_date(value) == expected


@pytest.mark.parametrize("value,expected", [("36", 36), (72, 72), (36.0, 36), ("36 ч.", 36),
                                            ("0", None), ("-5", None), ("1,5", None), (2.5, None)])
def test_hours_are_positive_integers(value, expected):
    assert imp.parse_hours(value) == expected


def test_cli_import_json_reports_errors_and_saves_nothing(app, data, tmp_path):
    c = "Технологии работы со слабоуспевающими обучающимися"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["Иванов Иван Иванович", "МБОУ СОШ № 99", c, "36", "28.03.2025", ""]]))
    runner = app.test_cli_runner()
    out = runner.invoke(args=["courses", "import", str(bad), "--json"])
    assert out.exit_code == 1
    payload = json.loads(out.output)
    assert payload["imported"] == 0 and payload["errors"] == [
        {"row": 2, "message": "школа «МБОУ СОШ № 99» не найдена"}]
    assert _count() == 0
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([HEADER, ["иванов иван иванович", "МКОУ СОШ с. Заозерное", c, "36",
                                         "28.03.2025", "A-1"]], ",", "cp1251"))
    out = runner.invoke(args=["courses", "import", str(good), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == {"imported": 1, "unchanged": 0, "courses_created": 0,
                                      "errors": []}
    assert _count() == 1
    out = runner.invoke(args=["courses", "import", str(good)])  # the same file again: unchanged
    assert out.exit_code == 0 and "без изменений 1" in out.output
    assert _count() == 1
