"""A methodist finds a school, edits a teacher in place, and sees the change after reload."""
import re

from playwright.sync_api import expect

from shnor_app.extensions import db
from shnor_app.models import StaffMember

from tests.factories.core import make_staff
from tests.e2e.layout import words_wider_than_cells


def test_search_school_edit_staff_in_place_and_see_it_after_reload(browser_page, live_server, world):
    member = make_staff(world.school_a, "Соколова Мария Игоревна", subjects="Математика")
    page = browser_page("methodist")
    page.goto(f"{live_server}/registry/organizations")
    page.fill("#q", "заозёрное")
    table = page.locator("#org-table")
    expect(table).to_contain_text("Найдено: 1 организация")
    page.evaluate("window.__notReloaded = true")
    table.get_by_role("link", name="МКОУ СОШ с. Заозёрное").click()
    page.wait_for_url(re.compile(r"/registry/organizations/\d+$"))

    row = page.locator(f"#staff-{member.id}")
    row.get_by_role("link", name="Изменить: Соколова Мария Игоревна").click()
    form_row = page.locator(f"#staff-{member.id}.editing")
    expect(form_row.get_by_label("ФИО")).to_be_focused()  # focus moves into the form
    form_row.get_by_label("Должность").fill("Заместитель директора по УВР")
    page.evaluate("window.__notReloaded = true")
    form_row.get_by_role("button", name="Сохранить").click()
    expect(page.locator(f"#staff-{member.id}")).to_contain_text("Заместитель директора по УВР")
    expect(page.locator(f"#staff-{member.id}.editing")).to_have_count(0)
    assert page.evaluate("window.__notReloaded") is True  # swapped in place, no reload

    page.reload()
    expect(page.locator(f"#staff-{member.id}")).to_contain_text("Заместитель директора по УВР")
    db.session.expire_all()
    assert db.session.get(StaffMember, member.id).position == "Заместитель директора по УВР"


def test_validation_error_in_place_keeps_what_was_typed(browser_page, live_server, world):
    member = make_staff(world.school_a, "Орлова Ирина Олеговна")
    page = browser_page("methodist")
    page.goto(f"{live_server}/registry/organizations/{world.school_a.id}")
    page.locator(f"#staff-{member.id}").get_by_role("link", name=re.compile("Изменить")).click()
    form_row = page.locator(f"#staff-{member.id}.editing")
    form_row.get_by_label("ФИО").fill("")
    form_row.get_by_label("Предметы").fill("Химия и биология")
    form_row.get_by_role("button", name="Сохранить").click()
    expect(page.locator(f"#staff-{member.id}.editing")).to_contain_text("Укажите ФИО")
    expect(page.locator(f"#staff-{member.id}.editing").get_by_label("Предметы")).to_have_value("Химия и биология")


def test_the_staff_table_is_readable_on_a_phone(browser_page, live_server, world):
    """At 390×844 the staff table scrolls in its own region: the page does not scroll sideways
    and no cell is narrower than a word (no column squeezed to one letter per line)."""
    make_staff(world.school_a, "Александрова Екатерина Владимировна", position="Заместитель директора",
               subjects="История и обществознание")
    db.session.commit()
    page = browser_page("methodist", viewport=(390, 844))
    page.goto(f"{live_server}/registry/organizations/{world.school_a.id}")
    wrap = page.locator("#staff-table .table-wrap")
    expect(wrap).to_have_attribute("role", "region")
    expect(wrap).to_have_attribute("tabindex", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # every word of a cell fits its cell: a cell at least as wide as its longest word
    assert words_wider_than_cells(page, "#staff tr.staff-row td") == []
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")  # the region itself scrolls
