"""A region is set up in the browser: the accreditation registry's XML (one municipality picked
in the preview), then a staff list — each previewed, confirmed once, and the same file again
changes nothing."""
import os
import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import Organization, StaffMember

from tests.registry_files import STAFF_HEADER, inn, registry_xml, snils, staff_row, table_bytes, xml_org

SHOTS = os.environ.get("SHOTS_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_registry_then_staff_from_files_in_the_browser(browser_page, live_server, world, tmp_path):
    xml = tmp_path / "data-reestr.xml"
    xml.write_bytes(registry_xml([
        xml_org(1, region="Энская область", name="СОШ с. Каменка",
                address="Энская область, Приречный район, с. Каменка, ул. Школьная, 1"),
        xml_org(2, region="Энская область", name="СОШ д. Кемцы",
                address="Энская область, Бологовский р-н, д. Кемцы"),
        xml_org(3, region="Энская область", branch_of="ID000001", inn_=inn(1), kpp="572002001",
                name="Филиал СОШ с. Каменка в д. Луговое",
                address="Энская область, Приречный район, д. Луговое"),
        xml_org(4, region="Дальняя область")]))
    page = browser_page("admin")
    page.goto(f"{live_server}/registry/organizations")
    page.get_by_role("link", name="Импорт реестра и сотрудников").click()
    shot(page, "import-page")
    page.set_input_files("#registry-file", str(xml))
    page.fill("#region", "Энская область")
    page.get_by_role("button", name="Проверить файл реестра").click()
    page.wait_for_url(re.compile(r"/registry/import/registry/"))
    expect(page.locator("#import-summary")).to_contain_text("В файле есть ошибки")
    expect(page.locator("#import-rows tbody tr").first).to_contain_text("муниципалитет не определён")
    shot(page, "registry-preview-choose")
    page.locator("select[name='muni:id:ID000002']").select_option("new:Бологовский район")
    page.get_by_role("button", name="Запомнить выбор муниципалитетов и проверить снова").click()
    expect(page.locator("#import-summary")).to_contain_text("Ошибок нет")
    expect(page.locator("#import-counts")).to_contain_text("Новых: 3")
    shot(page, "registry-preview-ok")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".flash-success")).to_contain_text("новых организаций 3")
    branch = db.session.scalar(select(Organization).where(Organization.registry_key == "ID000003"))
    assert branch.head_organization_id is not None and branch.municipality_id == world.muni.id

    staff = tmp_path / "sotrudniki.xlsx"
    staff.write_bytes(table_bytes(STAFF_HEADER, [
        staff_row("Кузнецова Елена Викторовна", snils_=snils(3), school="МБОУ «СОШ с. Каменка»"),
        staff_row("Орлов Андрей Павлович", born="05.06.1979", school="МБОУ «СОШ д. Кемцы»",
                  category="Высшая")], fmt="xlsx"))
    for attempt in range(2):
        page.goto(f"{live_server}/registry/import")
        page.set_input_files("#staff-file", str(staff))
        page.get_by_role("button", name="Проверить список").click()
        page.wait_for_url(re.compile(r"/registry/import/staff/"))
        if attempt == 0:
            expect(page.locator("#import-counts")).to_contain_text("Новых: 2")
            expect(page.locator("#import-rows")).not_to_contain_text(snils(3))
            shot(page, "staff-preview")
            page.get_by_role("button", name="Сохранить").click()
            expect(page.locator(".flash-success")).to_contain_text("новых 2")
        else:
            expect(page.locator("#import-summary")).to_contain_text("Файл ничего не меняет")
            page.get_by_role("button", name="Готово: изменений нет").click()
            expect(page.locator(".flash-success")).to_contain_text("Файл ничего не изменил")
    member = db.session.scalar(select(StaffMember).where(
        StaffMember.full_name == "Кузнецова Елена Викторовна"))
    page.goto(f"{live_server}/registry/staff/{member.id}")
    expect(page.locator(f"#personal-{member.id}")).to_contain_text("•••-•••-••• ••")
    page.get_by_role("link", name="Показать").click()
    expect(page.locator(f"#personal-{member.id}")).to_contain_text(snils(3))
    shot(page, "staff-personal")
