"""КПК certificates from the ФИС ФРДО «Шаблон ДПО» workbook: loose headers, Excel serial and text
dates, СНИЛС in both forms with its control number, teachers found without a place of work,
programmes matched or created with consent, certificates unique, the CLI's exact JSON."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models.audit import AuditAction
from shnor_app.models import AuditEntry, Course, Enrollment, EnrollmentStatus
from shnor_app.services.courses import frdo
from shnor_app.services.courses.imports import ImportFileError

from tests.factories.core import make_municipality, make_org, make_region, make_staff
from tests.factories.courses import make_course
from tests.federal_files import FRDO_HEADER, frdo_row, frdo_xlsx

PROGRAMME = "Технологии работы со слабоуспевающими обучающимися"


@pytest.fixture
def land():
    region = make_region()
    muni = make_municipality(region)
    a = make_org(muni, short_name="МКОУ Мартыновская СОШ")
    b = make_org(muni, short_name="МБОУ СОШ № 7")
    course = make_course(region, title=PROGRAMME, hours=36, start=date(2023, 1, 1))
    people = {
        "fedorova": make_staff(a, "Фёдорова Анна Петровна"),
        "twin_a": make_staff(a, "Смирнова Ольга Ивановна"),
        "twin_b": make_staff(b, "Смирнова Ольга Ивановна"),
        "petrov": make_staff(b, "Петров Пётр Петрович"),
    }
    return {"region": region, "muni": muni, "course": course, "people": people, "a": a, "b": b}


def row(**kw):
    base = dict(last="Фёдорова", first="Анна", middle="Петровна", programme=PROGRAMME, hours=36,
                series="2224", number="00012345", issued="28.06.2024", reg="ПК-2024/17")
    base.update(kw)
    return frdo_row(**base)


def test_snils_in_both_forms():
    assert frdo.snils_digits("112-233-445 95") == "11223344595"
    assert frdo.snils_digits(11223344595) == "11223344595"
    assert frdo.snils_digits("11223344595") == "11223344595"
    assert frdo.snils_digits("112-233-445") is None


def test_the_teacher_by_snils_then_by_name_and_birth_date(land):
    people = land["people"]
    people["twin_b"].snils = "11223344595"
    people["twin_a"].birth_date = date(1980, 5, 17)
    db.session.commit()
    result = frdo.check_file("kpk.xlsx", frdo_xlsx([
        row(last="Смирнова", first="Ольга", middle="Ивановна", snils="112-233-445 95",
            number="1", reg="r1"),
        row(last="Смирнова", first="Ольга", middle="Ивановна", birth="17.05.1980",
            number="2", reg="r2", programme="Другая", hours=16)]), None, create_courses=True)
    assert result.errors == []
    assert [r.member.id for r in result.rows] == [people["twin_b"].id, people["twin_a"].id]


def test_the_template_is_recognised_and_dates_read_as_serials_and_text(land):
    data = frdo_xlsx([row(issued=45471),  # 28.06.2024 as Excel keeps it
                      row(last="Петров", first="Пётр", middle="Петрович", number="00012346",
                          reg="ПК-2024/18", issued="27.06.2024", snils="123-456-789 64")])
    assert frdo.is_frdo("kpk.xlsx", data)
    result = frdo.check_file("kpk.xlsx", data, None)
    assert result.errors == []
    assert [r.issued_on for r in result.rows] == [date(2024, 6, 28), date(2024, 6, 27)]
    assert [r.member.full_name for r in result.rows] == ["Фёдорова Анна Петровна",
                                                        "Петров Пётр Петрович"]
    assert result.rows[1].snils == "12345678964"
    frdo.apply(result, filename="kpk.xlsx")
    e = db.session.scalar(select(Enrollment).where(
        Enrollment.staff_member_id == land["people"]["fedorova"].id))
    assert (e.status, e.completed_on, e.certificate_number, e.registration_number) == (
        EnrollmentStatus.COMPLETED, date(2024, 6, 28), "2224 00012345", "ПК-2024/17")
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT))
    assert "записано 2" in audit.message and "kpk.xlsx" in audit.object_label


def test_loose_headers_shortened_with_spaces_and_line_breaks(land):
    header = [h + "  " if i % 2 else h.upper() for i, h in enumerate(FRDO_HEADER)]
    header[FRDO_HEADER.index("Срок обучения, часов (для документа о квалификации)")] = "Срок обучения,\nчасов"
    header[FRDO_HEADER.index("Фамилия получателя")] = " фамилия\nполучателя "
    result = frdo.check_file("kpk.xlsx", frdo_xlsx([row()], header=header), None)
    assert result.errors == [] and result.rows[0].hours == 36


def test_snils_with_a_wrong_control_number_is_a_row_error(land):
    result = frdo.check_file("kpk.xlsx", frdo_xlsx([row(snils="112-233-445 96")]), None)
    assert result.errors == [(2, "СНИЛС «112-233-445 96»: контрольное число СНИЛС не сходится — "
                                 "проверьте цифры.")]


def test_unknown_and_ambiguous_people_are_row_errors_with_candidates(land):
    result = frdo.check_file("kpk.xlsx", frdo_xlsx([
        row(last="Смирнова", first="Ольга", middle="Ивановна", number="1", reg="r1"),
        row(last="Никто", first="Никак", middle="", number="2", reg="r2")]), None)
    (n1, m1), (n2, m2) = result.errors
    assert n1 == 2 and "неоднозначен" in m1 and "МКОУ Мартыновская СОШ" in m1 \
        and "МБОУ СОШ № 7" in m1
    assert n2 == 3 and "«Никто Никак» не найден" in m2
    with pytest.raises(Exception, match="ошибки"):
        frdo.apply(result)
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0


def test_a_programme_not_in_the_catalogue_needs_consent_and_gets_the_organiser(land):
    data = frdo_xlsx([row(programme="Функциональная грамотность", hours=72),
                      row(last="Петров", first="Пётр", middle="Петрович",
                          programme="Функциональная грамотность", hours=72, number="7", reg="r7")])
    refused = frdo.check_file("kpk.xlsx", data, None)
    assert [n for n, _ in refused.errors] == [2, 3]
    assert "нет в каталоге" in refused.errors[0][1]
    result = frdo.check_file("kpk.xlsx", data, None, organizer="АИРО им. А. М. Топорова",
                             create_courses=True)
    assert result.ok and result.courses_created == 1
    frdo.apply(result, filename="kpk.xlsx")
    created = db.session.scalar(select(Course).where(Course.title == "Функциональная грамотность"))
    assert (created.hours, created.provider_name) == (72, "АИРО им. А. М. Топорова")
    assert db.session.scalar(select(func.count(Enrollment.id)).where(
        Enrollment.course_id == created.id)) == 2


def test_a_certificate_is_unique_and_a_second_import_changes_nothing(land):
    data = frdo_xlsx([row()])
    first = frdo.check_file("kpk.xlsx", data, None)
    frdo.apply(first, filename="kpk.xlsx")
    again = frdo.check_file("kpk.xlsx", data, None)
    assert again.ok and (again.imported, again.unchanged) == (0, 1)
    frdo.apply(again, filename="kpk.xlsx")
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
    # the same certificate for somebody else: an error naming the holder
    other = frdo.check_file("kpk.xlsx", frdo_xlsx([
        row(last="Петров", first="Пётр", middle="Петрович")]), None)
    assert "уже записан: Фёдорова Анна Петровна" in other.errors[0][1]
    # twice in one file
    twice = frdo.check_file("kpk.xlsx", frdo_xlsx([
        row(number="9", reg="r9"), row(last="Петров", first="Пётр", middle="Петрович",
                                       number="9", reg="r10")]), None)
    assert any("повторяется (строка 2)" in m for _, m in twice.errors)


def test_a_newer_file_updates_what_changed(land):
    frdo.apply(frdo.check_file("kpk.xlsx", frdo_xlsx([row()]), None))
    newer = frdo.check_file("kpk.xlsx", frdo_xlsx([row(reg="ПК-2024/17-исп")]), None)
    assert (newer.imported, newer.unchanged) == (1, 0)
    frdo.apply(newer)
    assert db.session.scalar(select(Enrollment.registration_number)) == "ПК-2024/17-исп"


def test_a_file_without_the_template_header_is_not_frdo():
    from tests.unit.test_course_import import xlsx

    assert not frdo.is_frdo("r.xlsx", xlsx([["ФИО", "Школа", "Курс", "Дата окончания"]]))


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["courses", "import", *args])


def test_cli_json_keys_exactly(app, land, tmp_path):
    path = tmp_path / "kpk.xlsx"
    path.write_bytes(frdo_xlsx([row(programme="Новая программа", hours=16)]))
    out = cli(app, str(path), "--json")
    assert out.exit_code == 1
    body = json.loads(out.output)
    assert list(body) == ["imported", "unchanged", "courses_created", "errors"]
    assert body["imported"] == 0 and body["errors"][0]["row"] == 2
    out = cli(app, str(path), "--json", "--create-courses", "--organizer", "ЦНППМ")
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == {"imported": 1, "unchanged": 0, "courses_created": 1,
                                      "errors": []}
    out = cli(app, str(path), "--json", "--create-courses", "--organizer", "ЦНППМ")
    assert json.loads(out.output) == {"imported": 0, "unchanged": 1, "courses_created": 0,
                                      "errors": []}
