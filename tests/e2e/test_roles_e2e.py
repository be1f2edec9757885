"""Workflows per role in Chromium, as people do them (the other areas add theirs in their own
e2e modules): the school reports on a roadmap item with the keyboard only; the viewer sees
everything in scope and is offered nothing to change."""
import re

import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import ItemReport

from tests.factories.core import make_staff
from tests.factories.roadmaps import make_school_roadmap

pytestmark = pytest.mark.e2e


def test_school_reports_on_a_roadmap_item_with_the_keyboard_only(live_server, browser_page, world):
    from playwright.sync_api import expect

    rm, (item,) = make_school_roadmap(world.school_a)
    page = browser_page("school")
    page.goto(f"{live_server}/roadmaps/{rm.id}")
    report_link = page.get_by_role("link", name=re.compile("Отчёт по пункту 1"))
    # reach the link with Tab from the status select of the same row
    page.locator(f"#status-{item.id}").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label') || ''").startswith(
                "Отчёт по пункту"):
            break
    expect(report_link).to_be_focused()
    page.keyboard.press("Enter")
    textarea = page.locator(f"#report-form-{item.id}-text")
    expect(textarea).to_be_focused()  # the form in place of the row takes the focus
    page.keyboard.type("Педсовет проведён 20.03.2026, протокол № 5")
    page.get_by_role("button", name="Сохранить отчёт").focus()
    page.keyboard.press("Enter")
    row = page.locator(f"tr#item-{item.id}")
    expect(row).to_contain_text("Педсовет проведён 20.03.2026")
    # after the swap the focus is inside the new row, not lost at the top of the page
    assert page.evaluate(f"document.getElementById('item-{item.id}').contains(document.activeElement)")
    assert db.session.scalar(select(ItemReport.text)) == "Педсовет проведён 20.03.2026, протокол № 5"


def test_viewer_sees_everything_in_scope_and_is_offered_nothing_to_change(live_server, browser_page,
                                                                         world):
    make_staff(world.school_a, "Иванова Анна Петровна")
    rm, (item,) = make_school_roadmap(world.school_a)
    page = browser_page("viewer")
    links = page.eval_on_selector_all("nav.main-nav a", "els => els.map(e => e.getAttribute('href'))")
    paths = links + [f"/registry/organizations/{world.school_a.id}",
                     f"/registry/organizations/{world.school_a.id}/staff",
                     f"/roadmaps/{rm.id}", f"/roadmaps/items/{item.id}"]
    for path in paths:
        resp = page.goto(f"{live_server}{path}")
        assert resp.status == 200, path
        post_forms = page.eval_on_selector_all(
            "form", "fs => fs.filter(f => (f.method || '').toLowerCase() === 'post')"
                    ".map(f => f.getAttribute('action'))")
        assert [a for a in post_forms if "logout" not in (a or "")] == [], (path, post_forms)
        hx_changes = page.eval_on_selector_all("[hx-post], [hx-put], [hx-delete]",
                                               "els => els.map(e => e.outerHTML.slice(0, 120))")
        assert hx_changes == [], (path, hx_changes)
        for word in ("Изменить", "Удалить", "Добавить", "Импорт"):
            assert page.get_by_role("button", name=word).count() == 0, (path, word)
            assert page.get_by_role("link", name=re.compile(f"^{word}")).count() == 0, (path, word)
