"""End to end with the command line only: an empty database gets its territory, its КПК from a
ФИС ФРДО workbook, its mark scales and its ВПР from ФИС ОКО per-pupil downloads; then
``schools identify`` gives the list the rule implies (a school with a share of «2» of 30 % or
more in two procedures or more). Everything imported twice changes nothing the second time."""
import json

from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Enrollment, Organization

from tests.conftest import make_municipality, make_org, make_region, make_staff
from tests.federal_files import frdo_row, frdo_xlsx, protocol_2022

MUNI = "reg01_m001 | Приречный район"


def _territory():
    """The registry: one region, one municipality, three schools with their ФИС ОКО logins
    (a school of the third is known by its name only) and their teachers."""
    region = make_region("Энская область")
    muni = make_municipality(region, "Приречный район")
    a = make_org(muni, short_name="МКОУ Мартыновская СОШ", fis_oko_login="edu010001")
    b = make_org(muni, short_name="МБОУ СОШ № 2", fis_oko_login="edu010002")
    c = make_org(muni, short_name="МКОУ Ельцовская ООШ")
    make_staff(a, "Иванова Мария Сергеевна", snils="11223344595")
    make_staff(b, "Петров Пётр Петрович")
    db.session.commit()
    return a, b, c


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def _pupils(login, name, totals):
    return [(f"{login} | {name}", MUNI, "5А", t) for t in totals]


def test_an_empty_database_to_the_identified_list(app, tmp_path):
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0
    a, b, c = _territory()

    frdo = tmp_path / "ФРДО.xlsx"
    frdo.write_bytes(frdo_xlsx([
        frdo_row(last="Иванова", first="Мария", middle="Сергеевна", snils="112-233-445 95",
                 programme="Работа со слабоуспевающими", hours=36, series="0101",
                 number="000001", issued=45471, reg="ПК-1"),
        frdo_row(last="Петров", first="Пётр", middle="Петрович", birth="01.02.1975",
                 programme="Работа со слабоуспевающими", hours=36, series="0101",
                 number="000002", issued="28.06.2024", reg="ПК-2")]))
    args = ("courses", "import", str(frdo), "--create-courses", "--organizer", "ИРО", "--json")
    code, out = _cli(app, *args)
    assert code == 0, out
    assert json.loads(out) == {"imported": 2, "unchanged": 0, "courses_created": 1, "errors": []}

    for subject in ("Математика", "Русский язык"):
        code, out = _cli(app, "assessments", "scale", "set", "--year", "2024", "--procedure",
                         "ВПР", "--subject", subject, "--grade", "5", "--points", "6,10,14")
        assert code == 0, out

    files = {  # «2» below 6 points
        "Математика": (_pupils("edu010001", a.short_name, [3, 4, 9, 12, None])      # 50 %
                       + _pupils("edu010002", b.short_name, [7, 11, 15, 9])          # 0 %
                       + _pupils("edu019999", c.short_name, [2, 3, 8, 8, 14])),      # 40 %
        "Русский язык": (_pupils("edu010001", a.short_name, [5, 2, 7, 10, 13])     # 40 %
                         + _pupils("edu010002", b.short_name, [2, 12, 15, 9, 9, 9, 9, 9, 9, 9])
                         + _pupils("edu019999", c.short_name, [1, 9, 9, 9, 9])),    # 20 %
    }
    for subject, pupils in files.items():
        path = tmp_path / f"ВПР 2024 {subject} 5 класс.xlsx"
        path.write_bytes(protocol_2022(pupils))
        code, out = _cli(app, "assessments", "import", str(path), "--year", "2024",
                         "--procedure", "ВПР", "--subject", subject, "--grade", "5",
                         "--municipality", "Приречный район", "--json")
        assert code == 0, out
        assert json.loads(out) == {"imported": 3, "created_schools": 0, "errors": []}

    code, out = _cli(app, "schools", "identify", "--year", "2024", "--json")
    assert code == 0, out
    verdicts = {v["school"]: v for v in json.loads(out)}
    assert {name: v["flagged"] for name, v in verdicts.items()} == {
        a.short_name: True, b.short_name: False, c.short_name: False}
    shares = {(p["subject"], p["share_2"]) for p in verdicts[a.short_name]["procedures"]}
    assert shares == {("Математика", 50.0), ("Русский язык", 40.0)}

    # the same files again change nothing
    before = db.session.scalars(select(AssessmentResult.updated_at).order_by(
        AssessmentResult.id)).all()
    code, out = _cli(app, *args)
    assert json.loads(out) == {"imported": 0, "unchanged": 2, "courses_created": 0, "errors": []}
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 2
    path = tmp_path / "ВПР 2024 Математика 5 класс.xlsx"
    code, out = _cli(app, "assessments", "import", str(path), "--year", "2024", "--subject",
                     "Математика", "--grade", "5", "--json")
    assert code == 0, out
    db.session.expire_all()
    assert db.session.scalars(select(AssessmentResult.updated_at).order_by(
        AssessmentResult.id)).all() == before
