"""КПК from a ФИС ФРДО workbook and ВПР from two ФИС ОКО downloads, in the browser: the preview
asks for the consent to create the missing programme, the two downloads get their year, subject
and grade from their names, and after saving the identification page shows the school the rule
lists."""
import os
import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Enrollment
from shnor_app.services.monitoring import fisoko

from tests.factories.core import make_staff
from tests.federal_files import frdo_row, frdo_xlsx, protocol_2022

SHOTS = os.environ.get("SHOTS_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_frdo_then_vpr_downloads_in_the_browser(browser_page, live_server, world, tmp_path):
    make_staff(world.school_a, "Фёдорова Анна Петровна", snils="11223344595")
    frdo = tmp_path / "ФРДО.xlsx"
    frdo.write_bytes(frdo_xlsx([frdo_row(
        last="Фёдорова", first="Анна", middle="Петровна", snils="112-233-445 95",
        programme="Читательская грамотность", hours=24, series="0101", number="1",
        issued=45471, reg="ПК-1")]))
    page = browser_page("methodist")
    page.goto(f"{live_server}/courses/import")
    page.set_input_files("#file", str(frdo))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("#import-summary")).to_contain_text("Ошибок в строках: 1")
    shot(page, "frdo-preview")
    page.get_by_label("Создать в каталоге программы, которых в нём нет").check()
    page.get_by_label("Организатор курсов (для шаблона ФИС ФРДО)").fill("ИРО Энской области")
    page.get_by_role("button", name="Проверить снова").click()
    expect(page.locator("#import-summary")).to_contain_text("новых курсов в каталоге: 1")
    page.get_by_role("button", name="Сохранить все строки").click()
    expect(page.locator(".flash-success")).to_contain_text("записано 1")
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1

    for subject in ("Математика", "Русский язык"):
        fisoko.set_scale(year=2024, procedure="ВПР", subject=subject, grade=5, points="6,10,14")
    cell = "reg01_m001 | Приречный район"
    pupils = ([(f"edu010001 | {world.school_a.short_name}", cell, "5А", t) for t in (3, 4, 12)]
              + [(f"edu010002 | {world.tutor_school.short_name}", cell, "5Б", t)
                 for t in (9, 12, 15)])
    names = []
    for subject in ("Математика", "Русский язык"):
        path = tmp_path / f"ВПР_2024_{subject}_5кл.xlsx"
        path.write_bytes(protocol_2022(pupils))
        names.append(str(path))
    page.goto(f"{live_server}/monitoring/import")
    page.set_input_files("#file", names)
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("#confirm-import")).to_be_visible()
    expect(page.locator("input[value='Русский язык']")).to_have_count(1)
    shot(page, "vpr-preview")
    page.locator("#confirm-import").click()
    expect(page.locator(".flash-success")).to_contain_text("Сохранено результатов: 4")
    assert db.session.scalar(select(func.count()).select_from(AssessmentResult)) == 4
    expect(page.locator("main")).to_contain_text(world.school_a.short_name)
    shot(page, "identification")
    assert re.search(r"/monitoring/identification", page.url)


def test_the_frdo_preview_keeps_each_date_on_one_line(browser_page, live_server, world, tmp_path):
    """At 1366×768 the date column of the ФРДО preview does not wrap «27.06.2024»."""
    frdo = tmp_path / "ФРДО.xlsx"
    frdo.write_bytes(frdo_xlsx([frdo_row(
        last="Константинопольская", first="Александра", middle="Владимировна",
        snils="112-233-445 95", programme="Формирование функциональной грамотности обучающихся "
        "основной школы на уроках естественнонаучного цикла", hours=72, series="0101",
        number="123456", issued=45471, reg="ПК-0001234")]))
    page = browser_page("methodist")
    page.goto(f"{live_server}/courses/import")
    page.set_input_files("#file", str(frdo))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("#import-preview")).to_be_visible()
    cells = page.locator("#import-preview td.col-date, #import-preview th.col-date")
    assert cells.count() == 2
    for i in range(2):
        lines = cells.nth(i).evaluate("""td => {
            const r = document.createRange(); r.selectNodeContents(td);
            return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; }""")
        assert lines == 1, cells.nth(i).inner_text()
    shot(page, "frdo-preview-dates")
