"""``assessments import`` and ``schools identify``: the exact interfaces and JSON shapes."""
import json

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Organization

from tests.factories.core import make_municipality, make_org, make_region
from tests.factories.monitoring import make_low_results, make_result

HEADER = "Школа;Год;Процедура;Предмет;Класс;Участников;Доля «2», %\n"


@pytest.fixture
def muni():
    m = make_municipality(make_region("Энская область"), "Приречный район")
    make_org(m, short_name="МБОУ СОШ № 3")
    return m


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_import_json_shape_on_success(app, muni, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "МБОУ СОШ №3;2024;ВПР;Математика;5;20;31,5\n", encoding="utf-8")
    res = _run(app, "assessments", "import", str(path), "--municipality", "Приречный район",
               "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {"imported": 1, "created_schools": 0, "errors": []}


def test_import_json_errors_and_nothing_saved(app, muni, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "МБОУ СОШ №3;2024;ВПР;Математика;5;20;31,5\n"
                    "Новая школа;2024;ВПР;Математика;5;20;10\n", encoding="utf-8")
    res = _run(app, "assessments", "import", str(path), "--municipality", "Приречный район",
               "--json")
    assert res.exit_code == 1
    out = json.loads(res.output)
    assert out == {"imported": 0, "created_schools": 0, "errors": [
        {"row": 3, "message": "Школа «Новая школа» не найдена в реестре."}]}
    assert db.session.scalar(select(func.count()).select_from(AssessmentResult)) == 0


def test_import_create_missing(app, muni, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "Новая школа;2024;ВПР;Математика;5;20;10\n", encoding="cp1251")
    res = _run(app, "assessments", "import", str(path), "--municipality", "приречный  район",
               "--create-missing", "--json")
    assert json.loads(res.output) == {"imported": 1, "created_schools": 1, "errors": []}
    assert db.session.scalar(select(Organization).where(
        Organization.short_name == "Новая школа")).municipality_id == muni.id


def test_import_create_missing_needs_a_municipality(app, muni, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER, encoding="utf-8")
    res = _run(app, "assessments", "import", str(path), "--create-missing")
    assert res.exit_code != 0 and "--municipality" in res.output


def test_import_plain_output_and_unknown_municipality(app, muni, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "МБОУ СОШ №3;2024;ВПР;Математика;5;20;31,5\n", encoding="utf-8")
    assert "Импортировано результатов: 1" in _run(app, "assessments", "import", str(path)).output
    res = _run(app, "assessments", "import", str(path), "--municipality", "Нет такого")
    assert res.exit_code != 0 and "не найден" in res.output


def test_identify_json_shape(app, muni):
    school = db.session.scalar(select(Organization))
    make_low_results(school, 2024)
    make_result(school, 2024, "OGE", "Математика", 9, None)
    calm = make_org(muni, short_name="МБОУ СОШ № 1")
    make_result(calm, 2024, "VPR", "Математика", 5, 10.0)
    make_org(muni, short_name="Школа без результатов")
    other_year = make_org(muni, short_name="Школа 2023")
    make_result(other_year, 2023, "VPR", "Математика", 5, 90.0)
    res = _run(app, "schools", "identify", "--year", "2024", "--municipality", "Приречный район",
               "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out == [
        {"school": "МБОУ СОШ № 1", "flagged": False, "procedures": [
            {"procedure": "ВПР", "subject": "Математика", "grade": 5, "share_2": 10.0,
             "over_threshold": False}]},
        {"school": "МБОУ СОШ № 3", "flagged": True, "procedures": [
            {"procedure": "ВПР", "subject": "Математика", "grade": 5, "share_2": 35.0,
             "over_threshold": True},
            {"procedure": "ВПР", "subject": "Русский язык", "grade": 5, "share_2": 30.0,
             "over_threshold": True},
            {"procedure": "ОГЭ", "subject": "Математика", "grade": 9, "share_2": None,
             "over_threshold": False}]},
    ]


def test_identify_plain_output(app, muni):
    make_low_results(db.session.scalar(select(Organization)), 2024)
    res = _run(app, "schools", "identify", "--year", "2024")
    assert res.exit_code == 0 and "ШНОР" in res.output and "МБОУ СОШ № 3" in res.output


def test_dashboard_count_and_identification_agree_on_the_rule_key(world):
    """«Математика» and «математика » of the same procedure and grade are one procedure for the
    rule: two results over 30 % of it do not flag a school — on the dashboard either."""
    from sqlalchemy import select

    from shnor_app.models import Organization
    from shnor_app.services.monitoring import assessments
    from shnor_app.services.monitoring import dashboards
    from tests.factories.monitoring import make_low_results, make_result

    make_result(world.school_a, 2026, "VPR", "Математика", 5, 40.0)
    make_result(world.school_a, 2026, "VPR", "математика ", 5, 45.0)
    make_low_results(world.school_b, 2026)
    ids = select(Organization.id).where(Organization.id.in_(
        [world.school_a.id, world.school_b.id, world.tutor_school.id]))
    assert assessments.flagged_school_ids(ids, 2026) == {world.school_b.id}
    assert dashboards.over_threshold_counts(ids, 2026) == {"schools": 2, "flagged": 1}
