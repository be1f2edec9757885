"""End to end in Chromium: a school enrolls two teachers from its staff list, the methodist
marks one of them completed with a certificate (in place), the coverage report shows the share.
"""
import re
from datetime import date

import pytest

from shnor_app.formatting import fmt_date, today

from tests.factories.core import make_staff
from tests.factories.courses import make_course

pytestmark = pytest.mark.e2e


def test_enroll_from_staff_list_complete_in_place_and_see_the_share(live_server, browser_page, world):
    from playwright.sync_api import expect

    course = make_course(world.region, title="Технологии работы со слабоуспевающими",
                         low=True, start=date(2024, 1, 10))
    make_staff(world.school_a, "Алексеева Мария Ивановна")
    make_staff(world.school_a, "Борисов Олег Петрович")
    make_staff(world.school_a, "Васильева Елена Сергеевна")

    school = browser_page("school")
    school.goto(f"{live_server}/courses/{course.id}")
    school.get_by_role("link", name="Записать педагогов").click()
    school.get_by_label("Алексеева Мария Ивановна").check()
    school.get_by_label("Борисов Олег Петрович").check()
    school.get_by_role("button", name="Записать отмеченных").click()
    school.wait_for_url(re.compile(rf"/courses/{course.id}$"))
    expect(school.locator(".flash-success")).to_contain_text("Записано на курс: 2 чел.")
    expect(school.locator("#enrollment-table")).to_contain_text("Алексеева Мария Ивановна")
    expect(school.locator("#enrollment-table")).to_contain_text("Борисов Олег Петрович")
    expect(school.locator("#enrollment-table")).not_to_contain_text("Васильева")

    methodist = browser_page("methodist")
    methodist.goto(f"{live_server}/courses/{course.id}")
    methodist.evaluate("window.__notReloaded = true")
    row = methodist.locator("tr.enrollment-row", has_text="Алексеева Мария Ивановна")
    row.get_by_role("button", name="Изменить").click()
    editing = methodist.locator("tr.editing")
    editing.locator("select[name=status]").select_option("COMPLETED")
    done_on = today()
    editing.locator("input[name=completed_on]").fill(done_on.isoformat())
    editing.locator("input[name=certificate_number]").fill("772400012345")
    editing.get_by_role("button", name="Сохранить").click()
    saved = methodist.locator("tr.enrollment-row", has_text="Алексеева Мария Ивановна")
    expect(saved).to_contain_text("завершил")
    expect(saved).to_contain_text("772400012345")
    expect(saved).to_contain_text(fmt_date(done_on))
    assert methodist.evaluate("window.__notReloaded") is True  # swapped in place

    methodist.goto(f"{live_server}/courses/reports/coverage")
    row = methodist.locator("#coverage-table tbody tr", has_text=world.school_a.short_name)
    expect(row).to_contain_text("33,3%")  # 1 of 3 teachers of the school
    methodist.evaluate("window.__filtered = true")
    methodist.select_option("#r-school", str(world.school_a.id))
    expect(methodist.locator("#coverage-scope")).to_contain_text(world.school_a.short_name)
    expect(methodist.locator("#coverage-share")).to_have_text("33,3%")
    expect(methodist.locator("#coverage-table")).to_contain_text("Борисов Олег Петрович")
    assert methodist.evaluate("window.__filtered") is True  # the filter swapped the table in place
    assert f"school={world.school_a.id}" in methodist.url  # … and the address can be shared
    with methodist.expect_download() as info:
        methodist.get_by_role("link", name="PDF", exact=True).click()
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert "Алексеева Мария Ивановна" in text and "33,3%" in text
