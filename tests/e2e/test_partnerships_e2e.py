"""End to end in Chromium: the methodist sets up a partnership, the tutor logs a joint event in
place, and the quarterly indicator table shows it."""
import re
from datetime import timedelta

import pytest

from shnor_app.formatting import today
from shnor_app.services.partnerships.quarters import CALENDAR, quarter_of

pytestmark = pytest.mark.e2e


def test_methodist_creates_partnership_tutor_logs_event_indicator_counts_it(live_server, browser_page, world):
    from playwright.sync_api import expect

    methodist = browser_page("methodist")
    methodist.goto(f"{live_server}/partnerships/new")
    methodist.select_option("#school_id", str(world.school_a.id))
    methodist.select_option("#partner_id", str(world.tutor_school.id))
    methodist.fill("#agreement_number", "21")
    methodist.fill("#agreement_date", (today() - timedelta(days=30)).isoformat())
    methodist.fill("#subject", "Методическое сопровождение подготовки к ОГЭ по математике")
    methodist.fill("#partner_people-0-full_name", "Лебедева Ирина Николаевна")
    methodist.fill("#partner_people-0-job_title", "заместитель директора по УВР")
    methodist.get_by_role("button", name="Сохранить").click()
    methodist.wait_for_url(re.compile(r"/partnerships/\d+$"))
    expect(methodist.locator("h1")).to_contain_text("МКОУ СОШ с. Заозёрное — МБОУ «Гимназия № 2»")
    card_url = methodist.url

    tutor = browser_page("tutor")
    tutor.goto(card_url)
    tutor.evaluate("window.__notReloaded = true")
    tutor.get_by_role("link", name="Записать мероприятие").click()
    row = tutor.locator("tr#event-new")
    expect(row).to_be_visible()
    row.locator("select[name=kind]").select_option("SEMINAR")
    row.locator("select[name=venue]").select_option("SCHOOL")
    row.locator("textarea[name=topic]").fill("Семинар «Формирующее оценивание на уроках математики»")
    row.locator("input[name=school_participants]").fill("14")
    row.locator("input[name=partner_participants]").fill("3")
    row.get_by_role("button", name="Сохранить").click()
    saved = tutor.locator("tr.event-row", has_text="Формирующее оценивание")
    expect(saved).to_contain_text("школа: 14")
    assert tutor.evaluate("window.__notReloaded") is True  # the row was swapped in place

    q = quarter_of(today(), CALENDAR)
    methodist.goto(f"{live_server}/partnerships/indicators")
    expect(methodist.locator(f'td[data-indicator="4.3"][data-quarter="{q.key}"]')).to_have_text("1")
    expect(methodist.locator(f'td[data-indicator="4.4"][data-quarter="{q.key}"]')).to_have_text("1")
    expect(methodist.locator(f'td[data-indicator="4.1"][data-quarter="{q.key}"]')).to_have_text("1")
    methodist.goto(f"{live_server}/partnerships/map")
    expect(methodist.locator("#partnership-map")).to_contain_text("МКОУ СОШ с. Заозёрное")
