"""Figures people trust: a roadmap's life cycle (действует / завершена / в архиве), figures that
count only the period they name, a school's own start page, schools sorted as people read them.
"""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import (
    AuditEntry, ItemStatus, OrgKind, Roadmap, RoadmapLevel, RoadmapSection, RoadmapState, Visit,
    VisitKind, VisitVisitor,
)
from shnor_app.services import roadmaps as svc
from shnor_app.services.roadmaps.imports import parse_upload
from shnor_app.web import today
from tests.conftest import login, post, start_page
from tests.factories.core import make_org
from tests.factories.partnerships import make_event, make_partnership
from tests.factories.recommendations import make_recommendation

PAST_PLAN = """План мероприятий («дорожная карта») по повышению качества образования \
на 2020-2021 учебный год
№\tМероприятие\tСрок\tИсполнители\tОжидаемый результат
1.\tАнализ результатов ВПР-2020\tоктябрь 2020\tРУО\tСправка
2.\tСеминар для заместителей директоров\tдекабрь 2020\tРУО\tПрограмма семинара
3.\tПосещение уроков в школах\tмарт 2021\tРУО\tСправки
4.\tИтоговое совещание\tмай 2021\tРУО\tПротокол
"""


def _state(roadmap_id: int) -> RoadmapState:
    db.session.expire_all()  # as the requests left it
    return db.session.get(Roadmap, roadmap_id).state


def _html(resp) -> str:
    return resp.get_data(as_text=True)


def _current_plan(owner, n_overdue=2, n_done=1, title="Дорожная карта на 2026 год"):
    """This year's plan: ``n_overdue`` items whose date has passed, ``n_done`` done ones."""
    year = today().year
    rm = Roadmap(owner_id=owner.id, title=title, year=year, level=RoadmapLevel.MUNICIPAL)
    svc.save_roadmap(rm, is_new=True)
    section = db.session.scalar(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    past = today() - timedelta(days=20)
    for i in range(n_overdue):
        svc.add_item(section, {"text": f"Просроченный пункт {i}",
                               "period_text": past.strftime("до %d.%m.%Y"), "executors": "РУО"})
    for i in range(n_done):
        item = svc.add_item(section, {"text": f"Выполненный пункт {i}",
                                      "period_text": past.strftime("до %d.%m.%Y"),
                                      "executors": "РУО"})
        svc.set_status(item, ItemStatus.DONE, actual_result="Сделано")
    return rm


def _import_past_plan(owner, by):
    parsed = parse_upload("план 2020-2021.txt", PAST_PLAN.encode("utf-8"))
    return svc.import_parsed(parsed, owner=owner, by=by, title=None, year=2020).roadmap


def _execution(html: str) -> str:
    m = re.search(r'<p id="panel-execution">(.*?)</p>', html, re.S)
    assert m, "no execution figure on the start page"
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


def _authority(world):
    return make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО Приречного района")


def test_a_past_years_plan_does_not_change_this_years_figures(world, login_as):
    authority = _authority(world)
    _current_plan(authority)
    c = login_as("methodist")
    before = start_page(c)
    figure = _execution(before)
    assert "из 3 пунктов" in figure and "просрочено 2" in figure
    assert "Исполнение дорожных карт: <span id=\"panel-execution-period\">" \
        f"{today().year} год</span>" in before
    assert f"Сроки по дорожным картам: {today().year} год" in before
    assert "Просрочено (<span id=\"roadmap-overdue-count\">2</span>)" in before

    past = _import_past_plan(authority, world.users["methodist"])
    assert past.state == RoadmapState.ACTIVE and past.period_end.year == 2021
    after = start_page(c)
    assert _execution(after) == figure  # the 2020–21 plan's 4 overdue items are not counted
    assert "Просрочено (<span id=\"roadmap-overdue-count\">2</span>)" in after
    assert "Анализ результатов ВПР-2020" not in after
    monitoring = _html(c.get("/roadmaps/monitoring"))
    assert "Дорожная карта на 2026 год" in monitoring and "2020-2021" not in monitoring
    assert f"Действующие дорожные карты, {today().year} год" in monitoring
    # …and it is still there, under its year
    old = _html(c.get("/roadmaps/monitoring?year=2020"))
    assert "2020-2021" in old


def test_a_finished_plan_leaves_the_figures_and_reopening_brings_it_back(world, login_as):
    authority = _authority(world)
    rm = _current_plan(authority)
    c = login_as("methodist")
    assert "из 3 пунктов" in _execution(start_page(c))
    resp = post(c, f"/roadmaps/{rm.id}/state/finish")
    assert resp.status_code == 302
    assert _state(rm.id) == RoadmapState.FINISHED
    assert "из 0 пунктов" in _execution(start_page(c))
    page = _html(c.get(f"/roadmaps/{rm.id}", follow_redirects=True))
    assert "Дорожная карта завершена" in page and "Вернуть в работу" in page
    post(c, f"/roadmaps/{rm.id}/state/reopen")
    assert _state(rm.id) == RoadmapState.ACTIVE
    assert "из 3 пунктов" in _execution(start_page(c))


def test_an_archived_plan_leaves_the_lists_is_found_under_the_filter_and_keeps_its_pdf(
        world, login_as):
    authority = _authority(world)
    past = _import_past_plan(authority, world.users["methodist"])
    title = past.title
    c = login_as("methodist")
    assert title[:60] in _html(c.get("/roadmaps/"))
    resp = post(c, f"/roadmaps/{past.id}/state/archive")
    assert resp.status_code == 302
    assert "перенесена в архив" in _html(c.get(resp.headers["Location"]))

    listing = _html(c.get("/roadmaps/"))
    assert title[:60] not in listing and "Завершённые и архивные" in listing
    archived = _html(c.get("/roadmaps/?state=archived"))
    assert title[:60] in archived and "в архиве" in archived
    assert title[:60] in _html(c.get("/roadmaps/?state=all"))
    assert title[:60] not in _html(c.get("/roadmaps/?state=finished"))

    shown = _html(c.get(f"/roadmaps/{past.id}"))
    assert "Анализ результатов ВПР-2020" in shown and "в архиве" in shown
    pdf = c.get(f"/roadmaps/{past.id}/export.pdf")
    assert pdf.status_code == 200
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Анализ результатов ВПР-2020" in text
    # the change is journalled with its Russian name
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "roadmaps", AuditEntry.object_id == past.id)).all()
    assert any("state" in (e.changes or {}) for e in entries)
    history = _html(c.get(f"/history/roadmaps/{past.id}"))
    assert "Состояние" in history and re.search(r"действует.{0,200}в архиве", history, re.S)

    # an archived plan is not «finished» again; the refusal is said and nothing changes
    resp = post(c, f"/roadmaps/{past.id}/state/finish")
    assert resp.status_code == 302
    assert "Завершить можно только действующую" in _html(c.get(resp.headers["Location"]))
    assert _state(past.id) == RoadmapState.ARCHIVED


def test_items_of_a_finished_plan_leave_my_items(world, login_as):
    authority = _authority(world)
    rm = _current_plan(authority, title="Муниципальная карта с участием школы")
    section = db.session.scalar(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    svc.add_item(section, {"text": "Семинар в школе Заозёрного", "period_text": "декабрь 2026",
                           "executors": world.school_a.short_name})
    school = login_as("school")
    assert "Семинар в школе Заозёрного" in _html(school.get("/roadmaps/my-items"))
    svc.set_state(db.session.get(Roadmap, rm.id), RoadmapState.FINISHED)
    assert "Семинар в школе Заозёрного" not in _html(school.get("/roadmaps/my-items"))


def test_the_existing_roadmaps_get_their_state_from_their_period():
    """The migration's rule, read back from its text: ended periods → завершена."""
    from pathlib import Path

    text = next(Path("migrations/versions").glob("*_roadmap_life_cycle.py")).read_text("utf-8")
    assert "roadmaps.c.period_end < today" in text and "values(state='FINISHED')" in text


def test_a_school_start_page_shows_its_own_figures_not_the_territorys(world, login_as,
                                                                        rec_source):
    school = world.school_a
    from tests.factories.roadmaps import make_school_roadmap

    rm, items = make_school_roadmap(school, ("Педсовет", "Семинар", "Родительское собрание"))
    make_recommendation(school, "Провести педсовет по итогам ВПР", due=today() - timedelta(days=3))
    make_recommendation(school, "Обновить план работы ШМО", due=today() + timedelta(days=30))
    make_recommendation(world.school_b, "Чужая рекомендация")
    v = Visit(kind=VisitKind.METHODICAL, visit_date=today() - timedelta(days=2),
              school_id=school.id, visiting_org_id=world.tutor_school.id, purpose="Цель")
    v.visitors = [VisitVisitor(position=0, full_name="Иванова Мария Петровна", job_title="")]
    db.session.add(v)
    db.session.commit()
    partnership = make_partnership(school, world.tutor_school)
    make_event(partnership)

    c = login_as("school")
    page = start_page(c)
    assert 'id="own-figures"' in page
    assert "в области видимости" not in page and "ШНСУ в" not in page  # no territory counters
    figures = re.search(r'<section aria-labelledby="own-figures-h".*?</section>', page,
                        re.S).group()
    assert re.search(r'id="own-roadmap-done">0 из 3<', figures)
    assert f"{today().year} год" in figures
    assert re.search(r'id="own-roadmap-overdue">3<', figures)  # «март 2026» items, not done
    assert re.search(r'id="own-recs-open">2<', figures) and "просрочено 1" in figures
    assert re.search(r'id="own-visits">1<', figures)
    assert re.search(r'id="own-partnerships">1<', figures)
    assert "учебный год" in figures and f"на {today():%d.%m.%Y}" in figures
    # its recommendations: no «Школа» column, no school name under each item
    recs = _html(c.get("/recommendations/"))
    assert "Провести педсовет по итогам ВПР" in recs and "Чужая рекомендация" not in recs
    assert '<th scope="col">Школа</th>' not in recs and "Рекомендации школе" in recs
    panel = re.search(r'id="recommendations-panel".*?</section>', page, re.S).group()
    assert f'<div class="hint">{school.short_name} ·' not in panel
    assert f'<div class="hint">{world.school_b.short_name}' not in panel
    # a methodist still sees the territory and the «Школа» column
    m = login_as("methodist")
    assert "в области видимости" in start_page(m)
    assert '<th scope="col">Школа</th>' in _html(m.get("/recommendations/"))


def test_a_school_year_plan_counts_in_the_school_year_label():
    from shnor_app.services.school_figures import school_year

    assert school_year(date(2026, 12, 6))[2] == "2026/27 учебный год"
    assert school_year(date(2026, 3, 1))[:2] == (date(2025, 9, 1), date(2026, 8, 31))


# --------------------------------------------------------------------------- natural sort


def _order(html: str, *names: str) -> list[int]:
    return [html.index(n) for n in names]


def test_schools_are_sorted_as_people_read_them_in_every_list(world, login_as, app):
    s12 = make_org(world.muni, short_name="МБОУ СОШ № 12 г. Приреченска", statuses=["LOW_RESULTS"])
    s3 = make_org(world.muni, short_name="МБОУ СОШ № 3 г. Приреченска", statuses=["LOW_RESULTS"])
    names = (s3.short_name, s12.short_name)
    m = login_as("methodist")
    registry = _html(m.get("/registry/organizations"))
    assert _order(registry, *names) == sorted(_order(registry, *names))
    home = _html(m.get("/"))
    assert _order(home, *names) == sorted(_order(home, *names))
    new_roadmap = _html(m.get("/roadmaps/new"))
    assert _order(new_roadmap, *names) == sorted(_order(new_roadmap, *names))
    make_partnership(s12, world.tutor_school)
    make_partnership(s3, world.tutor_school)
    partnerships = _html(m.get("/partnerships/"))
    assert _order(partnerships, *names) == sorted(_order(partnerships, *names))
    admin = login(app.test_client(), world.users["admin"])
    form = _html(admin.get("/admin/users/new"))
    assert _order(form, *names) == sorted(_order(form, *names))


def test_a_finished_plan_sends_no_reminders(world):
    from shnor_app.services.notifications.planner import due_records

    rm = _current_plan(_authority(world))
    methodist = world.users["methodist"]
    window = (today() - timedelta(days=30), today())
    assert [r for r in due_records(methodist, *window) if r.kind == "due_roadmap"]
    svc.set_state(rm, RoadmapState.FINISHED)
    assert not [r for r in due_records(methodist, *window) if r.kind == "due_roadmap"]
