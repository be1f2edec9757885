"""ВПР per-pupil downloads of ФИС ОКО aggregated per school: the three layouts, the header row
found wherever it sits, schools by login or by name in the cell's municipality, absent pupils not
counted, marks from «Отметка» or from the mark scale (a missing scale named), a layout that
contradicts the stated year/subject/grade questioned, and the scale's replacement recomputing."""
import json

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Organization, Procedure
from shnor_app.services.monitoring import assessments as svc, fisoko

from tests.factories.core import make_municipality, make_org, make_region
from tests.federal_files import individual_results, layout_2021, protocol_2022

MUNI = "reg22_m010 | Ельцовский муниципальный район"


@pytest.fixture
def land():
    region = make_region("Алтайский край")
    muni = make_municipality(region, "Ельцовский муниципальный район")
    a = make_org(muni, short_name="МКОУ Мартыновская СОШ", fis_oko_login="edu223185")
    b = make_org(muni, short_name="МКОУ Ельцовская СОШ")
    db.session.commit()
    return {"region": region, "muni": muni, "a": a, "b": b}


def stated(year=2022, subject="Математика", grade=5):
    return fisoko.Stated(year, subject, grade)


def scale(year=2022, subject="Математика", grade=5, points="6,10,14"):
    return fisoko.set_scale(year=year, procedure="ВПР", subject=subject, grade=grade,
                            points=points)


PUPILS_2022 = [
    ("edu223185 | МКОУ Мартыновская СОШ", MUNI, "5А", 4),    # «2»
    ("edu223185 | МКОУ Мартыновская СОШ", MUNI, "5 б ", 7),   # «3»
    ("edu223185 | МКОУ Мартыновская СОШ", MUNI, "5А", 15),   # «5»
    ("edu223185 | МКОУ Мартыновская СОШ", MUNI, "5А", None),  # absent
    ("edu229999 | МКОУ Ельцовская СОШ", MUNI, "А(5)", 3),     # by name in the municipality
    ("edu229999 | МКОУ Ельцовская СОШ", MUNI, "нет", 12),
]


def test_the_2022_protocol_aggregates_per_school_with_absent_pupils_left_out(land):
    scale()
    result = svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022), stated=stated())
    assert result.errors == [] and result.saved and result.imported == 2
    got = {r.organization_id: r for r in db.session.scalars(select(AssessmentResult))}
    a, b = got[land["a"].id], got[land["b"].id]
    assert (a.participants, a.share_2, a.share_5) == (3, 33.33, 33.33)
    assert (b.participants, b.share_2) == (2, 50.0)
    assert a.source_file == "vpr.xlsx" and a.points == {"4": 1, "7": 1, "15": 1}
    assert (a.procedure, a.subject, a.grade, a.year) == (Procedure.VPR, "Математика", 5, 2022)


def test_a_missing_scale_is_an_error_naming_the_scale_to_enter(land):
    with pytest.raises(svc.AssessmentError) as err:
        svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022), stated=stated())
    message = err.value.message
    assert "ВПР, Математика, 5 класс, 2022 год" in message
    assert "assessments scale set --year 2022 --procedure ВПР" in message
    assert db.session.scalar(select(func.count(AssessmentResult.id))) == 0


def test_replacing_the_scale_recomputes_the_stored_shares(land):
    scale()
    svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022), stated=stated())
    _, changed = scale(points="8,11,16")  # now 4 and 7 are «2», 15 is «4»; 3, 12 stay
    assert changed == 1
    a = db.session.scalar(select(AssessmentResult).where(
        AssessmentResult.organization_id == land["a"].id))
    assert (a.share_2, a.share_5) == (66.67, 0.0)


def test_the_2021_layout_by_login_and_the_municipality_in_the_region_column(land):
    land["b"].fis_oko_login = "sch220206"
    db.session.commit()
    scale(year=2021, grade=6)
    data = layout_2021([("sch220206", "Ельцовский муниципальный район", "6а", 5),
                        ("sch220206", "Ельцовский муниципальный район", "6а", 14),
                        ("sch220206", "Ельцовский муниципальный район", "6б", None)])
    result = svc.import_file("vpr2021.xlsx", data, stated=stated(2021, grade=6))
    assert result.errors == []
    r = db.session.scalar(select(AssessmentResult))
    assert (r.organization_id, r.participants, r.share_2, r.share_5) == (land["b"].id, 2, 50.0, 50.0)


def test_individual_results_header_found_below_the_title_and_its_mark_used(land):
    data = individual_results("ВПР 2023 Русский язык 7 класс", [
        ("edu223185", "Ельцовский муниципальный район", "МКОУ Мартыновская СОШ", "7А", 10, 2),
        ("edu223185", "Ельцовский муниципальный район", "МКОУ Мартыновская СОШ", "7А", 30, 4),
        ("edu223185", "Ельцовский муниципальный район", "МКОУ Мартыновская СОШ", "7Б", None, None)])
    # no scale is needed: the form carries «Отметка»
    result = svc.import_file("ir.xlsx", data, stated=stated(2023, "Русский язык", 7))
    assert result.errors == [], result.errors
    r = db.session.scalar(select(AssessmentResult))
    assert (r.participants, r.share_2, r.points) == (2, 50.0, None)


def test_a_layout_contradicting_the_stated_file_is_questioned(land):
    data = individual_results("ВПР 2023 Русский язык 7 класс", [
        ("edu223185", "Ельцовский муниципальный район", "МКОУ Мартыновская СОШ", "7А", 10, 2)])
    result = svc.import_file("ir.xlsx", data, stated=stated(2023, "Математика", 7))
    assert not result.saved and "В заголовке файла" in result.errors[0]["message"]
    scale(year=2021)
    result = svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022), stated=stated(2021))
    assert any("«edu…» появились в ФИС ОКО в 2022" in e["message"] for e in result.errors)
    scale(grade=8)
    result = svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022), stated=stated(grade=8))
    assert any("Классы в файле — 5-е, а указан 8 класс" in e["message"] for e in result.errors)
    scale()
    assert svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022), stated=stated()).saved
    # the year's files have 10 tasks now; a file with 12 is questioned
    result = svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022, tasks=12), stated=stated())
    assert any("12 столбцов заданий" in e["message"] for e in result.errors)
    assert db.session.scalar(select(func.count(AssessmentResult.id))) == 2


def test_unknown_school_is_an_error_or_created_when_asked(land):
    scale()
    pupils = PUPILS_2022 + [("edu221111 | МКОУ Новая ООШ", MUNI, "5А", 9)]
    result = svc.import_file("vpr.xlsx", protocol_2022(pupils), stated=stated())
    assert [e["row"] for e in result.errors] == [8]
    assert "«edu221111 | МКОУ Новая ООШ» не найдена" in result.errors[0]["message"]
    result = svc.import_file("vpr.xlsx", protocol_2022(pupils), stated=stated(),
                             create_missing=True)
    assert result.saved and result.created_schools == 1
    new = db.session.scalar(select(Organization).where(Organization.short_name == "МКОУ Новая ООШ"))
    assert (new.municipality_id, new.fis_oko_login) == (land["muni"].id, "edu221111")


def test_importing_the_same_file_twice_changes_nothing(land):
    scale()
    svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022), stated=stated())
    before = [(r.id, r.share_2, r.updated_at) for r in db.session.scalars(
        select(AssessmentResult).order_by(AssessmentResult.id))]
    again = svc.import_file("vpr.xlsx", protocol_2022(PUPILS_2022), stated=stated())
    assert again.saved and again.update_count == 2
    after = [(r.id, r.share_2, r.updated_at) for r in db.session.scalars(
        select(AssessmentResult).order_by(AssessmentResult.id))]
    assert after == before


def test_file_names_prefill_year_subject_and_grade():
    assert fisoko.guess_from_name("ВПР_2023_Математика_5кл.xlsx") == {
        "year": 2023, "subject": "Математика", "grade": 5}
    assert fisoko.guess_from_name("rus 7 класс 2022.xlsx") == {"year": 2022, "grade": 7}
    assert fisoko.guess_from_name("Русский язык 4 класс.xlsx") == {
        "subject": "Русский язык", "grade": 4}


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["assessments", *args])


def test_cli_scale_and_import(app, land, tmp_path):
    path = tmp_path / "ВПР 2022 математика 5 класс.xlsx"
    path.write_bytes(protocol_2022(PUPILS_2022))
    args = ["import", str(path), "--year", "2022", "--procedure", "ВПР", "--subject",
            "Математика", "--grade", "5", "--json"]
    out = cli(app, *args)
    assert out.exit_code == 1 and "scale set" in json.loads(out.output)["errors"][0]["message"]
    out = cli(app, "scale", "set", "--year", "2022", "--procedure", "ВПР", "--subject",
              "Математика", "--grade", "5", "--points", "6,10,14")
    assert out.exit_code == 0, out.output
    out = cli(app, *args)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == {"imported": 2, "created_schools": 0, "errors": []}
    out = cli(app, "scale", "set", "--year", "2022", "--procedure", "ВПР", "--subject",
              "Математика", "--grade", "5", "--points", "6,5,14")
    assert out.exit_code != 0 and "возрастать" in out.output
    wrong = cli(app, "import", str(path), "--year", "2022", "--subject", "Математика",
                "--grade", "6")
    assert wrong.exit_code != 0 and "класс 5, а указан 6" in wrong.output
