"""A methodist opens a school card, its blocks load as they come into view, and a count leads
to the area's list narrowed to the school; the outcomes page links a figure to its schools."""
import re

from playwright.sync_api import expect

from tests.factories.outcomes import outcomes_world


def test_the_school_card_reaches_the_areas_and_the_outcomes_their_schools(browser_page,
                                                                          live_server, world):
    made = outcomes_world(world).schools
    page = browser_page("methodist")
    page.goto(f"{live_server}/registry/organizations/{world.school_a.id}")
    page.evaluate("document.getElementById('school-hub').scrollIntoView()")
    visits = page.locator("#hub-visits")
    expect(visits).to_contain_text("Всего посещений")   # loaded when it came into view
    page.evaluate("document.querySelector('.hub-grid').lastElementChild.scrollIntoView()")
    page.evaluate("window.scrollBy(0, 600)")
    expect(page.locator("#school-trajectory svg.trajectory-chart")).to_be_visible()
    visits.get_by_role("link", name="Посещения школы").click()
    page.wait_for_url(re.compile(rf"/visits/\?school={world.school_a.id}$"))

    page.goto(f"{live_server}/outcomes/")
    expect(page.locator("#outcomes-method")).to_contain_text("не доказательство причины")
    page.locator("#outcomes-measures").get_by_role(
        "link", name="Школы: Выезды в школу: ШНОР 2023 без меры").click()
    page.wait_for_url(re.compile(r"/outcomes/schools\?set=m:visits:without"))
    expect(page.locator("#outcomes-schools")).to_contain_text(made[4].short_name)
