"""End to end in Chromium: a region user imports results, sees the identification, approves
the list, and the school carries the ШНОР status the next year."""
import re

import pytest

pytestmark = pytest.mark.e2e


def test_region_user_imports_identifies_approves_and_status_follows(live_server, browser_page,
                                                                     world, tmp_path):
    from playwright.sync_api import expect

    csv = tmp_path / "впр-2024.csv"
    csv.write_text(
        "Школа;Год;Процедура;Предмет;Класс;Участников;Доля «2», %\n"
        f"{world.school_a.short_name};2024;ВПР;Математика;5;25;34,5\n"
        f"{world.school_a.short_name};2024;ОГЭ;Русский язык;9;20;30\n"
        f"{world.tutor_school.short_name};2024;ВПР;Математика;5;40;4,2\n", encoding="cp1251")
    page = browser_page("region")
    page.goto(f"{live_server}/monitoring/import")
    page.select_option("#municipality_id", str(world.muni.id))
    page.set_input_files("#file", str(csv))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("#preview-counts-1")).to_contain_text(
        "Прочитано 3 строки: новых результатов 3")
    page.locator("#confirm-import").click()
    page.wait_for_url(re.compile(r"/monitoring/identification\?"))
    expect(page.locator(".flash-success")).to_contain_text("Сохранено результатов: 3")

    row = page.locator(f"#school-{world.school_a.id}")
    expect(row).to_contain_text("ШНОР по правилу")
    expect(row.locator("li.proc-over")).to_have_count(2)
    expect(page.locator(f"#school-{world.tutor_school.id}")).to_contain_text("не относится")

    page.fill("#order_number", "79")
    page.fill("#order_date", "2025-01-19")
    page.locator("#approve-button").click()
    expect(page.locator("#approve-summary")).to_contain_text("получат 1 школа")
    expect(page.locator("#approve-summary")).to_contain_text("Приказ № 79 от 19.01.2025")
    page.locator("#confirm-approval").click()
    expect(page.locator(".flash-success")).to_contain_text("1 школа получила статус ШНОР на 2025 год")
    expect(page.locator(f"#school-{world.school_a.id}")).to_contain_text("статус на 2025 г. утверждён")

    page.goto(f"{live_server}/registry/organizations/{world.school_a.id}")
    statuses = page.locator("#statuses")
    expect(statuses).to_contain_text("2025")
    expect(statuses).to_contain_text("Приказ № 79 от 19.01.2025")
    expect(page.locator("#school-monitoring")).to_contain_text("34,5%")
