"""A finished or archived roadmap is read-only: every kind of edit is refused with 403 and changes
nothing, the page shows no edit controls and says why; «Вернуть в работу» opens it again."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    ItemReport, ItemStatus, OrgKind, Roadmap, RoadmapItem, RoadmapLevel, RoadmapSection,
    RoadmapState,
)
from shnor_app.services import roadmaps as svc
from shnor_app.web import today
from tests.conftest import post
from tests.factories.core import make_org

NOTE = "правка закрыта. Чтобы изменить, верните её в работу."


def _plan(world):
    """School A's plan (the methodist manages it) with a municipal plan naming school A as an
    executor; both get one report."""
    rm = Roadmap(owner_id=world.school_a.id, title="Дорожная карта школы", year=today().year,
                 level=RoadmapLevel.SCHOOL)
    svc.save_roadmap(rm, is_new=True)
    section = db.session.scalar(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    items = [svc.add_item(section, {"number": f"{i}.", "text": f"Мероприятие номер {i}",
                                    "period_text": "март", "executors": "РУО"}) for i in (1, 2)]
    empty = svc.add_section(rm, "II. Пустой раздел")
    report = svc.add_report(items[0], text="Первый отчёт", report_date=None,
                            by=world.users["methodist"])
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    muni = Roadmap(owner_id=authority.id, title="Муниципальная карта", year=today().year,
                   level=RoadmapLevel.MUNICIPAL)
    svc.save_roadmap(muni, is_new=True)
    muni_section = db.session.scalar(select(RoadmapSection).where(
        RoadmapSection.roadmap_id == muni.id))
    exec_item = svc.add_item(muni_section, {"number": "1.", "text": "Семинар в школе",
                                            "period_text": "апрель",
                                            "executors": world.school_a.short_name})
    school_report = svc.add_report(exec_item, text="Отчёт школы", report_date=None,
                                   by=world.users["school"])
    return {"rm": rm.id, "sec": section.id, "empty": empty.id, "item": items[0].id,
            "report": report.id, "muni": muni.id, "exec_item": exec_item.id,
            "school_report": school_report.id}


def _edits(p):
    """(label, url, data, htmx) — one of each kind of edit of school A's plan."""
    return [
        ("requisites", f"/roadmaps/{p['rm']}/edit", {"title": "Другое название", "level": "SCHOOL",
                                                      "year": "2026"}, False),
        ("delete plan", f"/roadmaps/{p['rm']}/delete", {}, False),
        ("add section", f"/roadmaps/{p['rm']}/sections", {"title": "III. Новый раздел"}, True),
        ("rename section", f"/roadmaps/sections/{p['sec']}/rename", {"title": "I. Иначе"}, True),
        ("delete section", f"/roadmaps/sections/{p['empty']}/delete", {}, True),
        ("add row", f"/roadmaps/sections/{p['sec']}/items/new",
         {"number": "3.", "text": "Новый пункт", "period_text": "май", "status": "NOT_STARTED"},
         True),
        ("edit row", f"/roadmaps/items/{p['item']}/edit",
         {"number": "1.", "text": "Изменённый пункт", "period_text": "май",
          "status": "NOT_STARTED"}, True),
        ("status", f"/roadmaps/items/{p['item']}/status", {"status": "IN_PROGRESS"}, True),
        ("move row", f"/roadmaps/items/{p['item']}/move", {"direction": "down"}, True),
        ("delete row", f"/roadmaps/items/{p['item']}/delete", {}, True),
        ("report", f"/roadmaps/items/{p['item']}/reports/new", {"text": "Новый отчёт"}, True),
        ("delete report", f"/roadmaps/reports/{p['report']}/delete", {}, False),
    ]


def _snapshot(p):
    db.session.expire_all()
    rm = db.session.get(Roadmap, p["rm"])
    item = db.session.get(RoadmapItem, p["item"])
    return (rm.title, rm.deleted_at, item.text, item.status, item.position, item.deleted_at,
            db.session.scalar(select(func.count()).select_from(RoadmapItem).where(
                RoadmapItem.roadmap_id == p["rm"], RoadmapItem.deleted_at.is_(None))),
            db.session.scalar(select(func.count()).select_from(RoadmapSection).where(
                RoadmapSection.roadmap_id == p["rm"])),
            db.session.scalar(select(func.count()).select_from(ItemReport).where(
                ItemReport.deleted_at.is_(None))),
            db.session.get(RoadmapSection, p["sec"]).title)


@pytest.mark.parametrize("state", ["archive", "finish"])
def test_every_kind_of_edit_of_a_closed_plan_is_refused_and_changes_nothing(
        world, login_as, state):
    p = _plan(world)
    c = login_as("methodist")
    assert post(c, f"/roadmaps/{p['rm']}/state/{state}").status_code == 302
    before = _snapshot(p)
    for label, url, data, htmx in _edits(p):
        resp = post(c, url, data, htmx=htmx)
        assert resp.status_code == 403, (label, resp.status_code)
    assert c.get(f"/roadmaps/{p['rm']}/edit").status_code == 403
    assert c.get(f"/roadmaps/items/{p['item']}/edit", headers={"HX-Request": "true"}) \
        .status_code == 403
    assert _snapshot(p) == before


def test_an_executor_and_a_reports_author_may_not_report_on_a_closed_plan(world, login_as):
    p = _plan(world)
    school = login_as("school")
    url = f"/roadmaps/items/{p['exec_item']}/reports/new"
    assert school.get(url, headers={"HX-Request": "true"}).status_code == 200
    svc.set_state(db.session.get(Roadmap, p["muni"]), RoadmapState.ARCHIVED)
    assert post(school, url, {"text": "Ещё отчёт"}, htmx=True).status_code == 403
    assert post(school, f"/roadmaps/reports/{p['school_report']}/delete").status_code == 403
    db.session.expire_all()
    assert db.session.get(ItemReport, p["school_report"]).deleted_at is None
    assert db.session.scalar(select(func.count()).select_from(ItemReport).where(
        ItemReport.item_id == p["exec_item"])) == 1
    page = school.get(f"/roadmaps/items/{p['exec_item']}").get_data(as_text=True)
    assert "Отчёт школы" in page and url not in page


def test_a_closed_plan_shows_no_edit_controls_and_says_why(world, login_as):
    p = _plan(world)
    c = login_as("methodist")
    controls = [f"/roadmaps/{p['rm']}/edit", f"/roadmaps/{p['rm']}/delete",
                f"/roadmaps/{p['rm']}/sections", f"/roadmaps/sections/{p['sec']}/rename",
                f"/roadmaps/sections/{p['sec']}/items/new", f"/roadmaps/items/{p['item']}/edit",
                f"/roadmaps/items/{p['item']}/status", f"/roadmaps/items/{p['item']}/move",
                f"/roadmaps/items/{p['item']}/delete", f"/roadmaps/items/{p['item']}/reports/new"]
    page = c.get(f"/roadmaps/{p['rm']}").get_data(as_text=True)
    assert all(u in page for u in controls), [u for u in controls if u not in page]
    assert NOTE not in page

    post(c, f"/roadmaps/{p['rm']}/state/archive")
    page = c.get(f"/roadmaps/{p['rm']}").get_data(as_text=True)
    assert [u for u in controls if u in page] == []
    assert "Дорожная карта в архиве — " + NOTE in page
    assert "Вернуть в работу" in page and "Мероприятие номер 1" in page
    item_page = c.get(f"/roadmaps/items/{p['item']}").get_data(as_text=True)
    assert "Первый отчёт" in item_page
    assert f"/roadmaps/items/{p['item']}/edit" not in item_page
    assert f"/roadmaps/reports/{p['report']}/delete" not in item_page
    # the exports stay
    assert c.get(f"/roadmaps/{p['rm']}/export.xlsx").status_code == 200

    post(c, f"/roadmaps/{p['rm']}/state/reopen")
    post(c, f"/roadmaps/{p['rm']}/state/finish")
    page = c.get(f"/roadmaps/{p['rm']}").get_data(as_text=True)
    assert "Дорожная карта завершена — " + NOTE in page
    assert f"/roadmaps/items/{p['item']}/edit" not in page


def test_returned_to_work_the_plan_is_edited_again(world, login_as):
    p = _plan(world)
    c = login_as("methodist")
    post(c, f"/roadmaps/{p['rm']}/state/archive")
    assert post(c, f"/roadmaps/items/{p['item']}/status", {"status": "IN_PROGRESS"},
                htmx=True).status_code == 403
    resp = post(c, f"/roadmaps/{p['rm']}/state/reopen")
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Roadmap, p["rm"]).state == RoadmapState.ACTIVE
    for label, url, data, htmx in _edits(p):
        if label not in ("requisites", "delete plan", "delete row"):
            resp = post(c, url, data, htmx=htmx)
            assert resp.status_code in (200, 302), (label, resp.status_code)
    db.session.expire_all()
    item = db.session.get(RoadmapItem, p["item"])
    assert item.text == "Изменённый пункт" and item.status == ItemStatus.IN_PROGRESS
    assert db.session.get(ItemReport, p["report"]).deleted_at is not None
    page = c.get(f"/roadmaps/{p['rm']}").get_data(as_text=True)
    assert NOTE not in page and f"/roadmaps/{p['rm']}/edit" in page
