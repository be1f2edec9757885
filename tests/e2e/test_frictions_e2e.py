"""End to end in Chromium: the small frictions of the first week of use.

Counters and empty-state texts follow a change made in place; the schedule's editing row shows
every field; long words wrap; a phone never scrolls sideways.
"""
import re
from datetime import timedelta

import pytest

from shnor_app.formatting import today

from tests.factories.core import make_authority
from tests.factories.interviews import make_series

pytestmark = pytest.mark.e2e


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def _open_marked(page, url: str) -> None:
    """Open ``url`` and mark the window: :func:`_not_reloaded` then tells a change made in place
    from a reload of the page."""
    page.goto(url)
    _mark(page)


def _mark(page) -> None:
    page.evaluate("window.__notReloaded = true")


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__notReloaded") is True


def _counter_beside_empty_text(page, selector: str, count_text: str, empty_text: str):
    """The counter at ``selector``, checked to read ``count_text`` while ``empty_text`` shows."""
    from playwright.sync_api import expect

    counter = page.locator(selector)
    expect(counter).to_have_text(count_text)
    expect(page.get_by_text(empty_text)).to_be_visible()
    return counter


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_counters_and_empty_texts_follow_in_place_changes(live_server, browser_page, world):
    from playwright.sync_api import expect

    series = make_series(make_authority(world.muni), methodist=world.users["methodist"],
                         secretary=world.users["methodist"])
    page = browser_page("methodist")
    page.on("dialog", lambda dialog: dialog.accept())
    _open_marked(page, f"{live_server}/interviews/series/{series.id}")
    heading = _counter_beside_empty_text(page, "#schedule-h", "График собеседований (0)",
                                         "В графике пока нет собеседований")

    page.get_by_role("link", name="Добавить собеседование в график").click()
    row = page.locator("tr#slot-new")
    # the slot editor: no field hidden under another, the school list wide enough to read
    fields = [row.locator(f"[name={name}]") for name in
              ("meeting_date", "start_time", "end_time", "organization_id", "director_name",
               "place", "video_link")]
    boxes = [_box(f) for f in fields]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlap(a, b), (a, b)
    school_list = row.locator("select[name=organization_id]")
    assert school_list.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert _box(school_list)["width"] >= 200

    school_list.select_option(str(world.school_a.id))
    row.locator("input[name=meeting_date]").fill(today().strftime("%d.%m.%Y"))
    row.locator("input[name=start_time]").fill("10:00")
    row.get_by_role("button", name="Сохранить").click()
    expect(page.locator("tr.slot-row")).to_have_count(1)
    expect(heading).to_have_text("График собеседований (1)")
    expect(page.get_by_text("В графике пока нет собеседований")).to_be_hidden()
    page.locator("tr.slot-row").get_by_role("button", name="Удалить собеседование из графика").click()
    expect(heading).to_have_text("График собеседований (0)")
    expect(page.get_by_text("В графике пока нет собеседований")).to_be_visible()
    assert _not_reloaded(page)

    # the meeting page's recommendations
    page.get_by_role("link", name="Добавить собеседование в график").click()
    row = page.locator("tr#slot-new")
    row.locator("select[name=organization_id]").select_option(str(world.school_a.id))
    row.locator("input[name=meeting_date]").fill(today().strftime("%d.%m.%Y"))
    row.locator("input[name=start_time]").fill("11:00")
    row.get_by_role("button", name="Сохранить").click()
    page.locator("tr.slot-row").get_by_role("link", name="Запись").click()
    page.wait_for_url(re.compile(r"/interviews/meetings/\d+$"))
    _mark(page)
    block = page.locator(".recommendations-block")
    expect(block.locator("h2")).to_have_text("Рекомендации (0)")
    expect(block.get_by_text("Рекомендаций пока нет")).to_be_visible()
    page.get_by_role("link", name="+ Добавить рекомендацию").click()
    form = page.locator("tr#rec-new")
    form.locator("textarea[name=text]").fill("Организовать дополнительные занятия по математике")
    form.locator("input[name=due_date]").fill((today() + timedelta(days=30)).strftime("%d.%m.%Y"))
    form.get_by_role("button", name="Добавить рекомендацию").click()
    expect(block.locator("tr.rec-row")).to_have_count(1)
    expect(block.locator("h2")).to_have_text("Рекомендации (1)")
    expect(block.get_by_text("Рекомендаций пока нет")).to_be_hidden()
    block.get_by_role("button", name=re.compile("Удалить рекомендацию")).click()
    expect(block.locator("h2")).to_have_text("Рекомендации (0)")
    expect(block.get_by_text("Рекомендаций пока нет")).to_be_visible()
    assert _not_reloaded(page)


def test_a_five_thousand_letter_word_wraps_instead_of_stretching_the_page(live_server,
                                                                          browser_page, world):
    from tests.factories.core import make_staff
    from tests.factories.roadmaps import make_school_roadmap
    from tests.factories.partnerships import make_partnership

    word = "Оченьдлинноеслово" * 300  # 5 100 letters, no space to break at
    make_staff(world.school_a, word, position=word)
    rm, _ = make_school_roadmap(world.school_a, [word])
    p = make_partnership(world.school_a, world.tutor_school, subject=word)
    page = browser_page("methodist")
    for path in (f"/registry/organizations/{world.school_a.id}", f"/roadmaps/{rm.id}",
                 f"/partnerships/{p.id}"):
        page.goto(f"{live_server}{path}")
        assert word[:40] in page.content()
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 1366, (path, width)


def test_on_a_phone_wide_tables_scroll_in_their_own_named_region(live_server, browser_page,
                                                                 world):
    from tests.factories.core import make_staff
    from tests.factories.roadmaps import make_school_roadmap
    from tests.factories.partnerships import make_partnership

    rm, _ = make_school_roadmap(world.school_a, ["Педагогический совет по итогам ВПР",
                                                 "Семинар для учителей математики"])
    make_staff(world.school_a, "Петрова Ольга Ивановна", subjects="Математика")
    make_partnership(world.school_a, world.tutor_school)
    page = browser_page("methodist", viewport=(390, 844))
    for path in (f"/roadmaps/{rm.id}", f"/registry/organizations/{world.school_a.id}",
                 "/partnerships/", "/registry/organizations"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, path
        regions = page.evaluate("""[...document.querySelectorAll('table.data')].map(t => {
            const w = t.parentElement;
            return [w.className, w.getAttribute('role'), w.tabIndex, w.getAttribute('aria-label')];
        })""")
        assert regions, path
        for cls, role, tabindex, label in regions:
            assert "table-wrap" in cls and role == "region" and tabindex == 0 and label, (path, cls)


def test_roadmap_and_staff_counters_follow_rows_added_and_deleted_in_place(live_server,
                                                                          browser_page, world):
    from playwright.sync_api import expect
    from tests.factories.roadmaps import make_school_roadmap

    rm, _ = make_school_roadmap(world.school_a, ["Педагогический совет по итогам ВПР"])
    page = browser_page("methodist")
    page.on("dialog", lambda dialog: dialog.accept())
    _open_marked(page, f"{live_server}/roadmaps/{rm.id}")
    count = page.locator("#roadmap-item-count")
    expect(count).to_have_text("1 пункт")
    page.get_by_role("link", name=re.compile(r"^\+ Добавить пункт")).first.click()
    row = page.locator("tr.editing")
    row.locator("textarea[name=text]").fill("Семинар для учителей математики")
    row.get_by_role("button", name="Сохранить").click()
    expect(page.locator("tr.item-row")).to_have_count(2)
    expect(count).to_have_text("2 пункта")
    page.get_by_role("button", name=re.compile("Удалить пункт")).first.click()
    expect(count).to_have_text("1 пункт")
    assert _not_reloaded(page)

    _open_marked(page, f"{live_server}/registry/organizations/{world.school_a.id}")
    staff_count = _counter_beside_empty_text(
        page, "[data-count-of='#staff-tbody tr.staff-row']", "0 сотрудников",
        "Сотрудников не найдено")
    page.get_by_role("link", name="Добавить сотрудника").click()
    new_row = page.locator("#staff-tbody tr.editing")
    new_row.locator("input[name=full_name]").fill("Петрова Ольга Ивановна")
    new_row.locator("input[name=position]").fill("Учитель математики")
    new_row.get_by_role("button", name="Сохранить").click()
    expect(staff_count).to_have_text("1 сотрудник")
    expect(page.get_by_text("Сотрудников не найдено")).to_be_hidden()
    assert _not_reloaded(page)


def test_the_cursor_goes_to_the_field_in_error_and_the_error_shows_once(live_server,
                                                                         browser_page, world):
    from playwright.sync_api import expect
    from tests.factories.roadmaps import make_school_roadmap

    rm, (item,) = make_school_roadmap(world.school_a, ["Педагогический совет по итогам ВПР"])
    page = browser_page("methodist")
    page.goto(f"{live_server}/roadmaps/{rm.id}")
    page.locator(f"#status-{item.id}").select_option("DONE")
    row = page.locator(f"tr#item-{item.id}.editing")
    expect(row).to_be_visible()
    expect(row.get_by_text("укажите фактический результат")).to_have_count(1)
    expect(row.locator("textarea[name=actual_result]")).to_be_focused()

    page.goto(f"{live_server}/partnerships/new")
    page.fill("#agreement_number", "14/1")
    page.locator("#partnership-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#school_id")).to_be_focused()
    expect(page.locator("#agreement_number")).to_have_value("14/1")


@pytest.mark.parametrize("role", ["admin", "methodist", "school"])
def test_the_main_menu_fits_one_line_at_1366(live_server, browser_page, world, role):
    page = browser_page(role)
    page.goto(f"{live_server}/")
    tops = page.eval_on_selector_all(
        "nav.main-nav > ul > li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert tops and len(set(tops)) == 1, tops


def test_a_partnership_status_change_swaps_only_what_it_changes(live_server, browser_page,
                                                                world):
    from datetime import date
    from playwright.sync_api import expect
    from tests.factories.partnerships import make_partnership

    p = make_partnership(world.school_a, world.tutor_school, start=date(2025, 9, 1))
    page = browser_page("methodist")
    _open_marked(page, f"{live_server}/partnerships/{p.id}")
    expect(page.locator("#partnership-status")).to_have_text("действует")
    form = page.locator("#status-form")
    form.locator("select[name=status]").select_option("FINISHED")
    form.locator("input[name=end_date]").fill("31.05.2026")
    form.get_by_role("button", name="Изменить статус").click()
    expect(page.locator("#partnership-status")).to_have_text("завершено")
    expect(page.locator("#partnership-term")).to_have_text("с 01.09.2025 по 31.05.2026")
    expect(page.locator("#status-form select[name=status]")).to_have_value("FINISHED")
    assert _not_reloaded(page)


def test_the_mentoring_plan_progress_follows_steps_added_and_done_in_place(live_server,
                                                                          browser_page, world):
    from datetime import timedelta
    from playwright.sync_api import expect
    from shnor_app.models import PairKind
    from shnor_app.services import mentoring as msvc

    pair = msvc.save_pair(None, msvc.PairData(
        kind=PairKind.SCHOOL, mentee_org=world.school_a, mentor_org=world.tutor_school,
        goals="Подготовка к ОГЭ", start_date=today() - timedelta(days=30)), by=None)
    page = browser_page("tutor")
    _open_marked(page, f"{live_server}/mentoring/{pair.id}")
    progress = page.locator("#plan-progress")
    expect(progress).to_have_text("плана нет", use_inner_text=True)
    expect(page.get_by_text("Шагов плана пока нет")).to_be_visible()
    page.get_by_label("Новый шаг плана").fill("Посетить уроки математики в 9 классах")
    page.get_by_role("button", name="Добавить шаг").click()
    expect(page.locator("tr.step-row")).to_have_count(1)
    expect(progress).to_have_text("выполнено 0 из 1", use_inner_text=True)
    expect(page.get_by_text("Шагов плана пока нет")).to_be_hidden()
    page.locator("tr.step-row button[aria-pressed='false']").click()
    expect(progress).to_have_text("выполнено 1 из 1", use_inner_text=True)
    assert _not_reloaded(page)
