"""End to end in Chromium: import a pasted table, change a status in place, download the PDF.

Uses the e2e fixtures ``live_server`` (base URL of a real server sharing the test database) and
``browser_page(role)`` (a logged-in Playwright page for that user of the ``world``).
"""
import re
from pathlib import Path

import pytest

from shnor_app.models import OrgKind

from tests.factories.core import make_org

pytestmark = pytest.mark.e2e


PASTED = (
    "План мероприятий («дорожная карта») по поддержке ШНОР на 2026 год\n"
    "№\tМероприятие\tСрок\tИсполнители\tОжидаемый результат\n"
    "I. Организационные мероприятия\t\t\t\t\n"
    "1.1.\tСовещание с директорами школ\tфевраль – март 2026 г.\tУО\tПротокол совещания\n"
    "1.2.\tМониторинг результатов ВПР\tежеквартально\tМКОУ СОШ с. Заозёрное\tАналитическая справка\n"
)


def test_import_pasted_table_change_status_in_place_and_download_pdf(live_server, browser_page, world):
    from playwright.sync_api import expect

    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    page = browser_page("methodist")
    page.goto(f"{live_server}/roadmaps/import")
    page.fill("#text", PASTED)
    page.select_option("#owner_id", str(authority.id))
    page.get_by_role("button", name="Показать, что распознано").click()
    expect(page.locator("#preview-counts")).to_contain_text("1 раздел, 2 пункта")
    expect(page.locator("#preview-table")).to_contain_text("01.02.2026 – 31.03.2026")
    page.locator("#confirm-import").click()
    page.wait_for_url(re.compile(r"/roadmaps/\d+$"))
    expect(page.locator("#roadmap-grid")).to_contain_text("Совещание с директорами школ")

    page.evaluate("window.__notReloaded = true")
    row = page.locator("tr.item-row", has_text="Совещание с директорами школ")
    row.locator("select[name=status]").select_option("IN_PROGRESS")
    swapped = page.locator("tr.item-row", has_text="Совещание с директорами школ")
    expect(swapped.locator("select[name=status]")).to_have_class(re.compile("status-in-progress"))
    # «выполнено» without a result: the row turns into its form with the message, in place
    swapped.locator("select[name=status]").select_option("DONE")
    expect(page.locator("tr.editing")).to_contain_text("укажите фактический результат")
    assert page.evaluate("window.__notReloaded") is True  # no full reload happened

    with page.expect_download() as info:
        page.get_by_role("link", name="PDF", exact=True).click()
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert "Совещание с директорами школ" in text and "в работе" in text
