"""End to end in Chromium: a tutor logs a visit with two recommendations on one page,
adding rows in place; the school answers one; the curator's (methodist's) start page shows one
open recommendation.

«Open» is what the school still has to do (new or returned): after the school's answer the
answered one is «на проверке» until the tutor accepts or returns it, so the methodist sees
1 open and 1 on review — the same numbers the tutor and the school see.
"""
import re
from datetime import timedelta

import pytest

from shnor_app.models import PairKind
from shnor_app.services import mentoring as msvc
from shnor_app.formatting import today

from tests.factories.core import make_staff

pytestmark = pytest.mark.e2e


def test_tutor_logs_a_visit_with_two_recommendations_school_answers_one(live_server,
                                                                         browser_page, world):
    from playwright.sync_api import expect

    msvc.save_pair(None, msvc.PairData(kind=PairKind.SCHOOL, mentee_org=world.school_a,
                                       mentor_org=world.tutor_school, goals="Подготовка к ОГЭ",
                                       start_date=today() - timedelta(days=30)), by=None)
    make_staff(world.school_a, "Петрова Ольга Ивановна", subjects="Математика")

    tutor = browser_page("tutor")
    tutor.goto(f"{live_server}/visits/new")
    expect(tutor.locator("#visit_date")).to_have_value(today().strftime("%d.%m.%Y"))
    expect(tutor.locator("#school_id")).to_have_value(str(world.school_a.id))
    expect(tutor.locator("#visitors-rows input[name$='-full_name']").first).to_have_value(
        world.users["tutor"].full_name)
    tutor.evaluate("window.__notReloaded = true")
    tutor.get_by_role("button", name="+ участник").click()
    expect(tutor.locator("#visitors-rows tr")).to_have_count(2)
    tutor.locator("#visitors-rows tr").nth(1).locator("input[name$='-full_name']").fill(
        "Сидорова Анна Ивановна")
    tutor.fill("#purpose", "Посещение уроков математики, консультация учителей")
    lesson = tutor.locator("#lessons-rows tr").first
    lesson.locator("input[name$='-teacher']").fill("Петрова Ольга Ивановна")
    lesson.locator("input[name$='-subject']").fill("Математика")
    lesson.locator("input[name$='-grade']").fill("7 «Б»")
    lesson.locator("textarea[name$='-assessment']").fill("Нет дифференциации заданий")
    tutor.fill("#findings", "Слабые обучающиеся на уроках пассивны")
    recs = tutor.locator("#recs-rows tr")
    expect(recs).to_have_count(2)
    due = (today() + timedelta(days=20)).isoformat()
    for i, text in enumerate(["Организовать разноуровневую работу на уроках",
                              "Провести педсовет по формирующему оцениванию"]):
        recs.nth(i).locator("textarea[name$='-text']").fill(text)
        recs.nth(i).locator("input[name$='-due_date']").fill(due)
    assert tutor.evaluate("window.__notReloaded") is True  # rows were added in place
    tutor.locator("#save-visit").click()
    tutor.wait_for_url(re.compile(r"/visits/\d+$"))
    expect(tutor.locator(".recs-table tbody tr.rec-row")).to_have_count(2)
    expect(tutor.locator("#lesson-table")).to_contain_text("(из реестра)")

    school = browser_page("school")
    expect(school.locator("#recs-open-count")).to_have_text("2")
    school.goto(tutor.url)
    row = school.locator("tr.rec-row", has_text="Провести педсовет")
    row.get_by_role("link", name=re.compile("Отчитаться")).click()
    school.locator("tr.editing textarea").fill("Педсовет проведён 10-го числа, протокол № 3")
    school.get_by_role("button", name="Отправить отчёт").click()
    expect(school.locator("tr.rec-row", has_text="Провести педсовет")).to_contain_text("на проверке")

    methodist = browser_page("methodist")
    expect(methodist.locator("#recs-open-count")).to_have_text("1")
    expect(methodist.locator("#recs-reported-count")).to_have_text("1")
    expect(methodist.locator("#recs-open")).to_contain_text("Организовать разноуровневую работу")
    tutor.goto(f"{live_server}/")
    expect(tutor.locator("#recs-open-count")).to_have_text("1")
    expect(tutor.locator("#recs-to-review")).to_contain_text("Провести педсовет")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_tutor_logs_a_visit_on_a_phone_and_a_dropped_page_loses_nothing(live_server,
                                                                         browser_page, world):
    """At 390×844: the menu folds behind «Меню», the form's rows stack, the date is typed the
    Russian way, nothing scrolls sideways; text typed before a reload comes back."""
    from playwright.sync_api import expect

    msvc.save_pair(None, msvc.PairData(kind=PairKind.SCHOOL, mentee_org=world.school_a,
                                       mentor_org=world.tutor_school, goals="Подготовка к ОГЭ",
                                       start_date=today() - timedelta(days=30)), by=None)
    tutor = browser_page("tutor", viewport=(390, 844))
    tutor.goto(f"{live_server}/visits/new")
    _no_sideways_scroll(tutor)
    menu = tutor.get_by_role("button", name="Меню")
    expect(menu).to_be_visible()
    expect(tutor.locator("nav.main-nav")).to_be_hidden()
    menu.click()
    expect(tutor.locator("nav.main-nav")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    menu.click()

    day = today() - timedelta(days=2)
    tutor.fill("#visit_date", day.strftime("%d.%m.%Y"))
    tutor.fill("#purpose", "Посещение уроков математики в 7 классах")
    tutor.fill("#findings", "Учителя не используют разноуровневые задания")
    tutor.reload()
    expect(tutor.locator(".draft-notice")).to_contain_text("Восстановлен несохранённый текст")
    expect(tutor.locator("#purpose")).to_have_value("Посещение уроков математики в 7 классах")
    expect(tutor.locator("#visit_date")).to_have_value(day.strftime("%d.%m.%Y"))

    lesson = tutor.locator("#lessons-rows tr").first
    lesson.locator("input[name$='-subject']").fill("Математика")
    lesson.locator("input[name$='-grade']").fill("7 «А»")
    tutor.locator("#recs-rows tr").first.locator("textarea[name$='-text']").fill(
        "Ввести разноуровневые задания на уроках математики")
    _no_sideways_scroll(tutor)
    tutor.locator("#save-visit").click()
    tutor.wait_for_url(re.compile(r"/visits/\d+$"))
    _no_sideways_scroll(tutor)
    expect(tutor.locator("body")).to_contain_text(day.strftime("%d.%m.%Y"))
    tutor.goto(f"{live_server}/visits/new")
    expect(tutor.locator(".draft-notice")).to_have_count(0)  # the saved draft is forgotten
