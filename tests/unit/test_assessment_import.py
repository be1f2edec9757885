"""Import of assessment results: formats, headers, numbers, school matching, all-or-nothing."""
import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Organization, Procedure
from shnor_app.services.monitoring import assessments as svc

from tests.factories.core import make_municipality, make_org, make_region
from tests.factories.monitoring import csv_bytes, make_result, xlsx_bytes


@pytest.fixture
def muni():
    region = make_region("Энская область")
    m = make_municipality(region, "Приречный район")
    make_org(m, short_name="МБОУ СОШ № 3 г. Приреченска", code="PR003")
    make_org(m, short_name="МКОУ «СОШ с. Заозёрное»")
    return m


def _count():
    return db.session.scalar(select(func.count()).select_from(AssessmentResult))


def _school(name):
    return db.session.scalar(select(Organization).where(Organization.short_name == name))


HEADER = "Школа;Год;Процедура;Предмет;Класс;Участников;Доля «2», %;Доля «5», %;Средний балл\n"


def test_semicolons_and_decimal_commas(muni):
    data = csv_bytes(HEADER + "МБОУ СОШ № 3 г. Приреченска;2024;ВПР;Математика;5;28;34,5;10,7;3,12\n"
                     "МКОУ СОШ с. Заозёрное;2024;ОГЭ;Русский язык;9;;12,0;;\n")
    result = svc.import_file("results.csv", data, municipality=muni)
    assert result.errors == [] and result.saved and result.imported == 2
    r = db.session.scalar(select(AssessmentResult).where(AssessmentResult.grade == 5))
    assert (r.share_2, r.share_5, r.mean_score, r.participants) == (34.5, 10.7, 3.12, 28)
    oge = db.session.scalar(select(AssessmentResult).where(AssessmentResult.procedure == Procedure.OGE))
    assert oge.participants is None and oge.share_5 is None and oge.mean_score is None


def test_commas_with_decimal_points_and_shuffled_columns(muni):
    data = csv_bytes('"Доля «2», %",Предмет,Год,"Школа",Класс,Процедура\n'
                     '31.5,математика,2023,мбоу сош №3 г. приреченска,6,впр\n'
                     '"30,0",Русский язык,2023,"МКОУ ""СОШ с. Заозёрное""",9 класс,ОГЭ\n')
    result = svc.import_file("r.csv", data, municipality=muni)
    assert result.errors == [] and result.imported == 2
    rows = {r.grade: r for r in db.session.scalars(select(AssessmentResult))}
    assert rows[6].share_2 == 31.5 and rows[6].subject == "Математика"
    assert rows[9].share_2 == 30.0 and rows[9].procedure == Procedure.OGE


def test_a_bad_row_saves_nothing_and_names_the_row(muni):
    data = csv_bytes(HEADER + "МБОУ СОШ № 3 г. Приреченска;2024;ВПР;Математика;5;28;34,5;;\n"
                     "МБОУ СОШ № 3 г. Приреченска;2024;ГВЭ;Математика;5;28;сорок;;\n"
                     "Школа, которой нет;2024;ВПР;Математика;5;;10;;\n")
    result = svc.import_file("r.csv", data, municipality=muni)
    assert not result.saved and _count() == 0
    messages = {(e["row"], e["message"]) for e in result.errors}
    assert (3, "Процедура «ГВЭ» не распознана: укажите ВПР, ОГЭ или ЕГЭ.") in messages
    assert (3, "«Доля «2», %»: «сорок» — не число.") in messages
    assert (4, "Школа «Школа, которой нет» не найдена в реестре.") in messages


def test_windows_1251_and_bom(muni):
    text = HEADER + "МБОУ СОШ № 3 г. Приреченска;2024;ЕГЭ;Русский язык;11;20;5;;60,5\n"
    assert svc.import_file("a.csv", csv_bytes(text, "cp1251"), municipality=muni,
                           dry_run=True).errors == []
    result = svc.import_file("b.csv", b"\xef\xbb\xbf" + csv_bytes(text), municipality=muni)
    assert result.errors == [] and result.imported == 1
    assert db.session.scalar(select(AssessmentResult.mean_score)) == 60.5


def test_tabs_title_rows_above_the_header_and_empty_rows(muni):
    data = csv_bytes("Результаты ВПР 2024 года\n\n"
                     "Код\tГод\tПроцедура\tПредмет\tКласс\tДоля 2\n"
                     "PR003\t2024\tВПР\tМатематика\t5\t12\n\t\t\t\t\t\n")
    result = svc.import_file("r.txt", data, municipality=muni)
    assert result.errors == [] and result.imported == 1
    assert result.rows[0].row == 4  # rows are numbered as in the file


def test_xlsx_with_numbers_text_and_percent_cells(muni):
    data = xlsx_bytes([
        ["Процедура", "Школа", "Год", "Предмет", "Класс", "Доля «2», %", "Доля «5», %"],
        ["ВПР", "МБОУ  СОШ №3  г. Приреченска", 2024, "Математика", 5, 0.345, "10,5"],
        ["ОГЭ", "МБОУ СОШ № 3 г. Приреченска", "2023-2024", "Математика", None, 0.3, None],
    ], percent_cols=("F",))
    result = svc.import_file("results.xlsx", data, municipality=muni)
    assert result.errors == [] and result.imported == 2
    rows = {r.procedure: r for r in db.session.scalars(select(AssessmentResult))}
    assert rows[Procedure.VPR].share_2 == pytest.approx(34.5)
    assert rows[Procedure.VPR].share_5 == 10.5
    assert rows[Procedure.OGE].grade == 9 and rows[Procedure.OGE].year == 2024


def test_repeated_import_updates_instead_of_duplicating(muni):
    school = _school("МБОУ СОШ № 3 г. Приреченска")
    make_result(school, 2024, "VPR", "Математика", 5, 50.0)
    data = csv_bytes(HEADER + "МБОУ СОШ № 3 г. Приреченска;2024;ВПР;математика;5;28;34,5;;\n")
    preview = svc.import_file("r.csv", data, municipality=muni, dry_run=True)
    assert preview.update_count == 1 and preview.new_count == 0
    svc.import_file("r.csv", data, municipality=muni)
    assert _count() == 1 and db.session.scalar(select(AssessmentResult.share_2)) == 34.5


def test_duplicate_rows_in_one_file_are_an_error(muni):
    line = "МБОУ СОШ № 3 г. Приреченска;2024;ВПР;Математика;5;28;34,5;;\n"
    result = svc.import_file("r.csv", csv_bytes(HEADER + line + line), municipality=muni)
    assert [e["row"] for e in result.errors] == [3] and "Повтор строки 2" in result.errors[0]["message"]


def test_schools_are_matched_only_within_the_municipality(muni):
    other = make_municipality(muni.region, "Заречный район")
    make_org(other, short_name="МБОУ СОШ № 1")
    data = csv_bytes(HEADER + "МБОУ СОШ № 1;2024;ВПР;Математика;5;;10;;\n")
    assert svc.import_file("r.csv", data, municipality=muni).errors[0]["message"] == \
        "Школа «МБОУ СОШ № 1» не найдена в реестре."
    assert svc.import_file("r.csv", data, municipality=other).saved


def test_same_name_in_two_municipalities_is_ambiguous_without_one(muni):
    other = make_municipality(muni.region, "Заречный район")
    make_org(other, short_name="МБОУ СОШ № 3 г. Приреченска")
    data = csv_bytes(HEADER + "МБОУ СОШ № 3 г. Приреченска;2024;ВПР;Математика;5;;10;;\n")
    result = svc.import_file("r.csv", data)
    assert "несколько" in result.errors[0]["message"]


def test_create_missing_creates_each_school_once(muni):
    data = csv_bytes(HEADER + "МКОУ СОШ с. Новое;2024;ВПР;Математика;5;;10;;\n"
                     "мкоу  сош с. новое;2024;ВПР;Русский язык;5;;12;;\n")
    result = svc.import_file("r.csv", data, municipality=muni, create_missing=True)
    assert result.as_json() == {"imported": 2, "created_schools": 1, "errors": []}
    school = _school("МКОУ СОШ с. Новое")
    assert school.municipality_id == muni.id and school.is_school


def test_missing_required_columns_and_no_header_are_file_errors(muni):
    with pytest.raises(svc.AssessmentError, match="«Процедура»"):
        svc.import_file("r.csv", csv_bytes("Школа;Год;Предмет;Класс\nx;2024;y;5\n"), municipality=muni)
    with pytest.raises(svc.AssessmentError, match="строка заголовков"):
        svc.import_file("r.csv", csv_bytes("a;b;c\n1;2;3\n"), municipality=muni)
    with pytest.raises(svc.AssessmentError, match="xlsx"):
        svc.import_file("r.xlsx", b"PK\x03\x04 not really", municipality=muni)


def test_out_of_range_values_and_shares_over_100(muni):
    data = csv_bytes(HEADER + "МБОУ СОШ № 3 г. Приреченска;2024;ВПР;Математика;12;2,5;130;;\n"
                     "МБОУ СОШ № 3 г. Приреченска;2024;ВПР;Русский язык;5;;60;50;\n")
    messages = [e["message"] for e in svc.import_file("r.csv", data, municipality=muni).errors]
    assert "Класс «12» не распознан: укажите число от 1 до 11." in messages
    assert "«Участников»: 2,5 — нужно целое число." in messages
    assert "«Доля «2», %»: 130 — значение должно быть от 0 до 100." in messages
    assert "Сумма долей «2» и «5» больше 100%." in messages


def test_header_recognition():
    assert svc.header_key("Доля «2», %") == "share_2"
    assert svc.header_key("Доля не преодолевших минимальный порог") == "share_2"
    assert svc.header_key("доля 5") == "share_5"
    assert svc.header_key("Кол-во участников") == "participants"
    assert svc.header_key("Наименование ОО") == "school"
    assert svc.header_key("Средний балл") == "mean_score"
    assert svc.header_key("Примечание") is None


def test_template_has_every_column_in_order():
    from openpyxl import load_workbook
    import io

    ws = load_workbook(io.BytesIO(svc.template_xlsx())).worksheets[0]
    assert [c.value for c in ws[1]] == [svc.COLUMNS[k] for k in svc.TEMPLATE_ORDER]
    assert all(svc.header_key(c.value) == k for c, k in zip(ws[1], svc.TEMPLATE_ORDER))
