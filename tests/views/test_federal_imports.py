"""The federal files through the import pages (CSRF on): a ФИС ФРДО workbook and ФИС ОКО
per-pupil downloads are uploaded once, kept on the server, previewed (errors first, paged) and
confirmed by the staged file's id — all or nothing, and nothing new the second time."""
import io
import re

from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Course, Enrollment, MarkScale, Organization
from shnor_app.services.monitoring import fisoko

from tests.conftest import login, post
from tests.factories.core import make_staff
from tests.federal_files import frdo_row, frdo_xlsx, protocol_2022


def _html(resp) -> str:
    return resp.get_data(as_text=True)


def _upload_id(html: str) -> str:
    return re.search(r'name="upload_id" value="([^"]+)"', html).group(1)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _frdo(rows) -> bytes:
    return frdo_xlsx([frdo_row(**{"programme": "Читательская грамотность", "hours": 24,
                                  "issued": "28.06.2024", **r}) for r in rows])


# --------------------------------------------------------------------------- ФИС ФРДО


def test_frdo_preview_consent_confirm_by_id_and_a_second_import_changes_nothing(world, login_as):
    make_staff(world.school_a, "Фёдорова Анна Петровна")
    make_staff(world.school_a, "Петров Пётр Петрович")
    data = _frdo([dict(last="Фёдорова", first="Анна", middle="Петровна", number="1", reg="r1"),
                  dict(last="Петров", first="Пётр", middle="Петрович", number="2", reg="r2",
                       issued=45471)])
    c = login_as("methodist")
    resp = post(c, "/courses/import", {"file": (io.BytesIO(data), "ФРДО.xlsx")},
                content_type="multipart/form-data")
    html = _html(resp)
    assert resp.status_code == 422 and "шаблон ФИС ФРДО" in html
    assert "программы «Читательская грамотность» (24 ч) нет в каталоге" in html
    assert 'id="confirm-import"' not in html and 'name="payload"' not in html
    upload_id = _upload_id(html)
    # the consent and the organiser, given in the preview; checked again
    resp = post(c, "/courses/import", {"upload_id": upload_id, "create_courses": "y",
                                       "organizer": "ИРО Энской области", "action": "check"})
    html = _html(resp)
    assert resp.status_code == 200 and "Ошибок нет" in html and "новых курсов в каталоге: 1" in html
    assert _count(Enrollment) == 0 and _count(Course) == 0
    resp = post(c, "/courses/import", {"upload_id": upload_id, "create_courses": "y",
                                       "organizer": "ИРО Энской области", "action": "confirm"})
    assert resp.status_code == 302
    assert _count(Enrollment) == 2 and _count(Course) == 1
    course = db.session.scalar(select(Course))
    assert course.provider_org_id == world.institute.id  # the organiser matched the registry
    # the same file again: everything is already recorded
    resp = post(c, "/courses/import", {"file": (io.BytesIO(data), "ФРДО.xlsx")},
                content_type="multipart/form-data")
    html = _html(resp)
    assert resp.status_code == 200 and "Будет записано: 0, уже записано (без изменений): 2" in html
    resp = post(c, "/courses/import", {"upload_id": _upload_id(html), "action": "confirm"})
    assert resp.status_code == 302 and _count(Enrollment) == 2 and _count(Course) == 1


def test_a_staged_file_is_its_uploaders_only_and_a_confirmation_is_not_replayed(world, app,
                                                                               login_as):
    make_staff(world.school_a, "Фёдорова Анна Петровна")
    data = _frdo([dict(last="Фёдорова", first="Анна", middle="Петровна", number="1", reg="r1")])
    c = login_as("methodist")
    html = _html(post(c, "/courses/import", {"file": (io.BytesIO(data), "ФРДО.xlsx")},
                      content_type="multipart/form-data"))
    upload_id = _upload_id(html)
    region = login(app.test_client(), world.users["region"])
    resp = post(region, "/courses/import", {"upload_id": upload_id, "create_courses": "y",
                                            "action": "confirm"})
    assert resp.status_code == 404 and "загрузите его ещё раз" in _html(resp)
    assert region.get(f"/courses/import/{upload_id}").status_code == 404
    assert _count(Enrollment) == 0
    done = post(c, "/courses/import", {"upload_id": upload_id, "create_courses": "y",
                                       "action": "confirm"})
    assert done.status_code == 302 and _count(Enrollment) == 1
    again = post(c, "/courses/import", {"upload_id": upload_id, "create_courses": "y",
                                        "action": "confirm"})
    assert again.status_code == 404 and _count(Enrollment) == 1


def test_a_long_preview_is_paged_with_the_errors_first(world, login_as):
    for i in range(60):
        make_staff(world.school_a, f"Учитель{i:02d} Иван Иванович")
    rows = [dict(last=f"Учитель{i:02d}", first="Иван", middle="Иванович", number=str(i),
                 reg=f"r{i}") for i in range(60)]
    rows[57]["last"] = "Неизвестный"
    c = login_as("methodist")
    resp = post(c, "/courses/import", {"file": (io.BytesIO(_frdo(rows)), "big.xlsx"),
                                       "create_courses": "y"},
                content_type="multipart/form-data")
    html = _html(resp)
    assert resp.status_code == 422 and "Страница 1 из 2" in html
    table = html.split('id="import-preview"')[1]
    first_row = re.search(r'<td class="num">(\d+)</td>', table).group(1)
    assert first_row == "59"  # the row with the error (spreadsheet row 59) comes first
    page2 = c.get(f"/courses/import/{_upload_id(html)}?page=2")
    assert page2.status_code == 422 and "Страница 2 из 2" in _html(page2)
    assert _count(Enrollment) == 0


# --------------------------------------------------------------------------- ФИС ОКО


MUNI_CELL = "reg01_m001 | Приречный район"


def _pupils(login, name, totals):
    return [(f"{login} | {name}", MUNI_CELL, "5А", t) for t in totals]


def _files(world):
    a = _pupils("edu010001", world.school_a.short_name, [3, 4, 12, None])
    b = _pupils("edu010002", world.tutor_school.short_name, [9, 12, 15])
    return {"ВПР_2024_Математика_5кл.xlsx": protocol_2022(a + b),
            "ВПР_2024_Русский язык_5кл.xlsx": protocol_2022(a + b)}


def _upload_all(c, files, **fields):
    data = {"municipality_id": fields.pop("municipality_id"),
            "file": [(io.BytesIO(v), k) for k, v in files.items()], **fields}
    return post(c, "/monitoring/import", data, content_type="multipart/form-data")


def test_several_downloads_prefilled_a_missing_scale_named_then_all_saved(world, login_as, app):
    c = login_as("methodist")
    resp = _upload_all(c, _files(world), municipality_id=str(world.muni.id))
    html = _html(resp)
    assert resp.status_code == 422
    ids = re.findall(r'name="upload_id" value="([^"]+)"', html)
    assert len(ids) == 2
    for sid in ids:  # year, subject and grade prefilled from the file names
        assert f'name="year-{sid}"' in html
    assert 'value="Математика"' in html and 'value="Русский язык"' in html and 'value="2024"' in html
    assert "Нет шкалы перевода первичных баллов в отметки: ВПР, Математика, 5 класс, 2024 год" in html
    assert "Ввести шкалу" in html
    # the methodist may not enter scales; the region user does
    assert post(c, "/monitoring/scales", {"year": "2024", "procedure": "VPR", "subject": "Математика",
                                          "grade": "5", "points": "5,10,14"}).status_code == 403
    region = login(app.test_client(), world.users["region"])
    for subject in ("Математика", "Русский язык"):
        resp = post(region, "/monitoring/scales", {"year": "2024", "procedure": "VPR",
                                                   "subject": subject, "grade": "5",
                                                   "points": "5,10,14"})
        assert resp.status_code == 302
    assert _count(MarkScale) == 2
    form = {"upload_id": ids, "action": "check"}
    resp = post(c, "/monitoring/import", form)
    html = _html(resp)
    assert resp.status_code == 200 and 'id="confirm-import"' in html, html[:3000]
    assert _count(AssessmentResult) == 0
    resp = post(c, "/monitoring/import", {"upload_id": ids, "action": "confirm"})
    assert resp.status_code == 302
    got = db.session.scalars(select(AssessmentResult).where(
        AssessmentResult.organization_id == world.school_a.id)).all()
    assert sorted((r.subject, r.participants, r.share_2) for r in got) == [
        ("Математика", 3, 66.67), ("Русский язык", 3, 66.67)]
    assert {r.source_file for r in got} == set(_files(world))


def test_one_bad_file_keeps_every_file_unsaved_and_a_wrong_grade_is_questioned(world, login_as):
    fisoko.set_scale(year=2024, procedure="ВПР", subject="Математика", grade=5, points="5,10,14")
    fisoko.set_scale(year=2024, procedure="ВПР", subject="Русский язык", grade=5, points="5,10,14")
    files = _files(world)
    files["ВПР_2024_Русский язык_5кл.xlsx"] = protocol_2022(
        _pupils("edu019999", "МБОУ Неизвестная СОШ", [10, 11]))
    c = login_as("methodist")
    html = _html(_upload_all(c, files, municipality_id=str(world.muni.id)))
    assert "«edu019999 | МБОУ Неизвестная СОШ» не найдена" in html
    ids = re.findall(r'name="upload_id" value="([^"]+)"', html)
    resp = post(c, "/monitoring/import", {"upload_id": ids, "action": "confirm"})
    assert resp.status_code == 422 and _count(AssessmentResult) == 0
    # a grade typed over the prefilled one contradicts the file's classes
    first = ids[0]
    resp = post(c, "/monitoring/import", {"upload_id": [first], f"grade-{first}": "7",
                                          "action": "check"})
    assert resp.status_code == 422 and "Классы в файле — 5-е, а указан 7 класс" in _html(resp)


def test_a_region_user_creates_the_schools_it_does_not_find(world, login_as):
    fisoko.set_scale(year=2024, procedure="ВПР", subject="Математика", grade=5, points="5,10,14")
    data = protocol_2022(_pupils("edu017777", "МКОУ Новая ООШ", [3, 12]))
    c = login_as("region")
    html = _html(_upload_all(c, {"ВПР_2024_Математика_5кл.xlsx": data}, municipality_id="all",
                             create_missing="y"))
    assert "новая школа" in html
    resp = post(c, "/monitoring/import", {"upload_id": _upload_id(html), "action": "confirm"})
    assert resp.status_code == 302
    new = db.session.scalar(select(Organization).where(Organization.fis_oko_login == "edu017777"))
    assert new.municipality_id == world.muni.id and new.short_name == "МКОУ Новая ООШ"
    # a methodist is not offered either choice
    page = _html(login_as("methodist").get("/monitoring/import"))
    assert 'name="create_missing"' not in page and 'value="all"' not in page


def test_a_school_may_not_let_an_import_create_catalogue_courses(world, login_as):
    make_staff(world.school_a, "Фёдорова Анна Петровна")
    data = _frdo([dict(last="Фёдорова", first="Анна", middle="Петровна", number="1", reg="r1")])
    c = login_as("school")
    html = _html(post(c, "/courses/import", {"file": (io.BytesIO(data), "ФРДО.xlsx")},
                      content_type="multipart/form-data"))
    assert 'name="create_courses"' not in html and "может методист" in html
    resp = post(c, "/courses/import", {"upload_id": _upload_id(html), "create_courses": "y",
                                       "action": "confirm"})
    assert resp.status_code == 422 and "нет в каталоге" in _html(resp)
    assert _count(Course) == 0 and _count(Enrollment) == 0
