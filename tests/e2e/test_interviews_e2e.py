"""End to end in Chromium: plan an interview in the schedule, record it in place, give a
recommendation, mark it held, download the protocol, and see the recommendation on the
school's start page."""
import re
from datetime import timedelta

import pytest

from shnor_app.models import CommissionRole
from shnor_app.services import interviews as svc
from shnor_app.formatting import today

from tests.factories.core import make_authority

pytestmark = pytest.mark.e2e


def test_plan_record_hold_download_and_school_sees_the_recommendation(live_server, browser_page,
                                                                      world):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    series = svc.create_series(make_authority(world.muni), svc.SeriesData(
        topic="О готовности к ГИА-2026", agenda_template="О готовности школы к ГИА-2026",
        default_place="г. Приреченск, ул. Центральная, 12"))
    svc.add_member(series, role=CommissionRole.CHAIR, full_name="Смирнова Ольга Викторовна",
                   job_title="начальник управления образования")
    svc.add_member(series, role=CommissionRole.SECRETARY, user=world.users["methodist"])
    day = today()

    page = browser_page("methodist")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server}/interviews/series/{series.id}")
    page.evaluate("window.__notReloaded = true")
    # plan: a new row of the schedule, in place
    page.get_by_role("link", name="Добавить собеседование в график").click()
    row = page.locator("tr#slot-new")
    row.locator("select[name=organization_id]").select_option(str(world.school_a.id))
    row.locator("input[name=meeting_date]").fill(day.isoformat())
    row.locator("input[name=start_time]").fill("10:00")
    row.locator("input[name=director_name]").fill("Иванова Ирина Петровна")
    row.get_by_role("button", name="Сохранить").click()
    planned = page.locator("tr.slot-row", has_text="МКОУ СОШ с. Заозёрное")
    expect(planned).to_contain_text("10:00–10:40")
    assert page.evaluate("window.__notReloaded") is True
    planned.get_by_role("link", name="Запись").click()
    page.wait_for_url(re.compile(r"/interviews/meetings/\d+$"))

    # record: the agenda item filled in place
    page.evaluate("window.__notReloaded = true")
    page.get_by_role("link", name="Заполнить вопрос 1").click()
    block = page.locator("article.editing-block")
    block.locator("input[name=heard_who]").fill("Иванову Ирину Петровну, директора школы")
    block.locator("textarea[name=heard_summary]").fill("о ходе подготовки выпускников к ГИА")
    block.locator("input[name=s_who]").first.fill("Смирнова О.В.")
    block.locator("textarea[name=s_summary]").first.fill("о результатах пробного ОГЭ")
    block.locator("textarea[name=d_text]").first.fill("Информацию директора принять к сведению")
    block.get_by_role("button", name="Сохранить вопрос").click()
    expect(page.locator("article.agenda-item").first).to_contain_text("1.1. Информацию директора принять к сведению")

    # a recommendation to the school, tracked by the shared module
    page.get_by_role("link", name="+ Добавить рекомендацию").click()
    form = page.locator("tr#rec-new")
    form.locator("textarea[name=text]").fill("Организовать дополнительные занятия по математике")
    form.locator("input[name=responsible]").fill("заместитель директора по УВР")
    form.locator("input[name=due_date]").fill((day + timedelta(days=30)).isoformat())
    form.get_by_role("button", name="Добавить рекомендацию").click()
    expect(page.locator(".recommendations-block")).to_contain_text("Организовать дополнительные занятия")
    assert page.evaluate("window.__notReloaded") is True

    # mark held: number and lock
    page.locator("#hold-button").click()
    expect(page.locator(".locked-note")).to_contain_text("Протокол № 1 оформлен")
    expect(page.get_by_role("link", name="Заполнить вопрос 1")).to_have_count(0)

    with page.expect_download() as info:
        page.get_by_role("link", name="Протокол (PDF)").click()
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages).split())
    assert "ПРОТОКОЛ" in text and "№ 1" in text and "СЛУШАЛИ" in text
    assert "Рекомендовать руководителю МКОУ СОШ с. Заозёрное: Организовать дополнительные занятия" in text

    school = browser_page("school")
    school.goto(f"{live_server}/")
    expect(school.locator("#recommendations-panel")).to_contain_text(
        "Организовать дополнительные занятия по математике")


def test_the_meetings_list_keeps_words_whole_on_a_phone(browser_page, live_server, world):
    """At 390×844 the list scrolls in its region; «Собеседование» is not broken mid-word."""
    from tests.factories.interviews import make_interview, make_series

    make_interview(make_series(make_authority(world.muni)), world.school_a)
    page = browser_page("methodist", viewport=(390, 844))
    page.goto(f"{live_server}/interviews/meetings")
    from tests.e2e.layout import words_wider_than_cells

    assert page.locator("#meetings tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert words_wider_than_cells(page, "#meetings td") == []
