"""End to end in Chromium: the first week of a methodist and of a school.

A methodist imports last year's and this year's plans, archives last year's, sees this year's
figures only (and last year's plan under the list's filter), and opens a school's card; a
school logs in and sees its own figures, each with its period, and no territory's counters.
"""
import re
import pytest

from shnor_app.models import OrgKind
from shnor_app.web import today

from tests.factories.core import make_org
from tests.factories.roadmaps import make_school_roadmap

pytestmark = pytest.mark.e2e

YEAR = today().year

LAST_YEAR = (
    f"План мероприятий («дорожная карта») по поддержке ШНОР на {YEAR - 1} год\n"
    "№\tМероприятие\tСрок\tИсполнители\tОжидаемый результат\n"
    f"1.\tАнализ результатов ВПР-{YEAR - 1}\tмарт {YEAR - 1}\tУО\tСправка\n"
    f"2.\tСеминар для заместителей директоров\tапрель {YEAR - 1}\tУО\tПрограмма\n"
    f"3.\tПосещение уроков в школах\tоктябрь {YEAR - 1}\tУО\tСправки\n"
    f"4.\tИтоговое совещание прошлого года\tдекабрь {YEAR - 1}\tУО\tПротокол\n"
)
THIS_YEAR = (
    f"План мероприятий («дорожная карта») по поддержке ШНОР на {YEAR} год\n"
    "№\tМероприятие\tСрок\tИсполнители\tОжидаемый результат\n"
    f"1.\tСовещание с директорами школ\tфевраль {YEAR}\tУО\tПротокол совещания\n"
    f"2.\tИтоговый педсовет\tдекабрь {YEAR + 1}\tУО\tРешение педсовета\n"
)


def _import(page, live_server, text, owner_id):
    page.goto(f"{live_server}/roadmaps/import")
    page.fill("#text", text)
    page.select_option("#owner_id", str(owner_id))
    page.get_by_role("button", name="Показать, что распознано").click()
    page.locator("#confirm-import").click()
    page.wait_for_url(re.compile(r"/roadmaps/\d+$"))
    return page.url


def _execution(page, live_server):
    page.goto(f"{live_server}/")
    panel = page.locator("#panel-execution")
    panel.wait_for()
    return " ".join(panel.inner_text().split())


def test_a_methodists_first_week(live_server, browser_page, world):
    from playwright.sync_api import expect

    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    page = browser_page("methodist")
    page.on("dialog", lambda d: d.accept())  # «В архив» asks first
    last_url = _import(page, live_server, LAST_YEAR, authority.id)
    expect(page.locator("#roadmap-state-note")).to_contain_text("Период дорожной карты истёк")
    this_url = _import(page, live_server, THIS_YEAR, authority.id)
    expect(page.locator("#roadmap-state")).to_have_text("действует")

    figure = _execution(page, live_server)
    assert "из 2 пунктов" in figure and "просрочено 1" in figure, figure  # last year's: not counted
    expect(page.locator("#panel-execution-period")).to_have_text(f"{YEAR} год")

    page.goto(last_url)
    page.locator("#state-archive").click()
    page.wait_for_url(last_url)
    expect(page.locator(".flash-success")).to_contain_text("перенесена в архив")
    expect(page.locator("#roadmap-state")).to_have_text("в архиве")

    assert _execution(page, live_server) == figure
    page.goto(f"{live_server}/roadmaps/")
    list_ = page.locator("#roadmap-list")
    expect(list_).to_contain_text(f"на {YEAR} год")
    expect(list_).not_to_contain_text(f"на {YEAR - 1} год")
    page.select_option("#f-state", "archived")  # htmx swaps the list
    expect(list_).to_contain_text(f"на {YEAR - 1} год")
    expect(list_).not_to_contain_text(f"на {YEAR} год")
    page.get_by_role("link", name=re.compile(f"на {YEAR - 1} год")).click()
    page.wait_for_url(last_url)
    expect(page.locator("#roadmap-grid")).to_contain_text("Итоговое совещание прошлого года")
    assert this_url != last_url

    # a school's card from the start page
    page.goto(f"{live_server}/")
    supported = page.locator("section", has=page.get_by_role(
        "heading", name=re.compile("Школы на сопровождении")))
    supported.get_by_role("link", name=world.school_a.short_name).click()
    page.wait_for_url(re.compile(r"/registry/organizations/\d+$"))
    expect(page.locator("h1")).to_contain_text(world.school_a.short_name)


def test_a_school_sees_its_own_figures(live_server, browser_page, world):
    from playwright.sync_api import expect

    make_school_roadmap(world.school_a, ("Педсовет по итогам ВПР", "Семинар для учителей"),
                        year=YEAR, title=f"Дорожная карта школы на {YEAR} год")
    make_school_roadmap(world.school_b, ("Чужой пункт",), year=YEAR)
    page = browser_page("school")
    own = page.locator("#own-figures")
    expect(own).to_be_visible()
    expect(page.locator("#own-roadmap-done")).to_have_text("0 из 2")
    expect(own).to_contain_text(f"{YEAR} год")
    expect(own).to_contain_text("учебный год")
    expect(own).to_contain_text(f"на {today():%d.%m.%Y}")
    expect(page.locator("body")).not_to_contain_text("в области видимости")
    expect(page.locator("#monitoring-panel")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(own).to_be_visible()
