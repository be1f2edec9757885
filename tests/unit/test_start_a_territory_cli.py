"""End to end with the command line only: an empty database gets its territory from a registry
file, its staff from a staff list, its КПК from a ФИС ФРДО workbook, its mark scales and its ВПР from ФИС ОКО per-pupil downloads; then
``schools identify`` gives the list the rule implies (a school with a share of «2» of 30 % or
more in two procedures or more). Everything imported twice changes nothing the second time."""
import json

from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Enrollment, Organization

from tests.federal_files import frdo_row, frdo_xlsx, protocol_2022

MUNI = "reg01_m001 | Приречный район"


REGISTRY = (
    "Регион;Муниципалитет;Полное наименование;Краткое наименование;Логин ФИС ОКО\n"
    "Энская область;Приречный район;Муниципальное казённое общеобразовательное учреждение "
    "Мартыновская средняя школа;МКОУ Мартыновская СОШ;edu010001\n"
    "Энская область;Приречный район;Муниципальное бюджетное общеобразовательное учреждение "
    "средняя школа № 2;МБОУ СОШ № 2;edu010002\n"
    "Энская область;Приречный район;Муниципальное казённое общеобразовательное учреждение "
    "Ельцовская основная школа;МКОУ Ельцовская ООШ;\n")
STAFF = (
    "ФИО;Должность;Школа;СНИЛС;Дата рождения\n"
    "Иванова Мария Сергеевна;Учитель математики;МКОУ Мартыновская СОШ;112-233-445 95;\n"
    "Петров Пётр Петрович;Учитель русского языка;МБОУ СОШ № 2;;01.02.1975\n"
    "Петров Пётр Петрович;Учитель физкультуры;МКОУ Ельцовская ООШ;;03.04.1990\n")


def _territory(app, tmp_path):
    """The registry (a region's spreadsheet, saved by Excel as CSV in Windows-1251) and the
    staff lists, through their own imports; a school of the third is known by its name only,
    and two teachers share a name (told apart by the date of birth)."""
    registry = tmp_path / "реестр.csv"
    registry.write_bytes(REGISTRY.encode("cp1251"))
    code, out = _cli(app, "registry", "import", str(registry), "--json")
    assert code == 0, out
    assert json.loads(out)["created"] == 3 and json.loads(out)["municipalities_created"] == 1
    staff = tmp_path / "сотрудники.csv"
    staff.write_bytes(STAFF.encode("utf-8"))
    code, out = _cli(app, "staff", "import", str(staff), "--json")
    assert code == 0, out
    by_name = {o.short_name: o for o in db.session.scalars(select(Organization))}
    return (by_name["МКОУ Мартыновская СОШ"], by_name["МБОУ СОШ № 2"],
            by_name["МКОУ Ельцовская ООШ"])


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def _pupils(login, name, totals):
    return [(f"{login} | {name}", MUNI, "5А", t) for t in totals]


def test_an_empty_database_to_the_identified_list(app, tmp_path):
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0
    a, b, c = _territory(app, tmp_path)

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
