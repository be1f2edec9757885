"""Role × object × action for roadmaps: view / edit / status / report, in scope and out of it.

Objects (built by ``extra``):
- ``rm_a``: the roadmap of school_a (municipality 1) — the school edits it fully;
- ``rm_muni``: the municipal roadmap owned by the authority of municipality 1; item ``exec_item``
  names school_a as an executor, item ``muni_item`` does not;
- ``rm_far``: a roadmap of a school in another region; ``rm_b``: of a school in municipality 2;
- ``rm_orphan``: imported without an owner — the admin's only;
- ``rm_closed``: school_a's plan put in the archive — seen and exported, edited by nobody.
"""
import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import (
    OrgKind, Roadmap, RoadmapItem, RoadmapLevel, RoadmapSection, RoadmapState,
)
from shnor_app.services import roadmaps as svc

from tests.factories.core import make_org
from tests.snapshots import snapshotted
from tests.security.access import (
    OUT_OF_SCOPE, assert_out_of_scope, Case, check_case, expand, far, htmx_gets_ask_to_log_in, ids,
    run_case,
)

SEE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 200, "viewer": 200}
EDIT = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 200, "viewer": 403}
ALL = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}
CLOSED = {r: (404 if s == 404 else 403) for r, s in EDIT.items()}  # an archived plan
CREATE = {"admin": 200, "region": 200, "methodist": 200, "school": 200, "tutor": 403, "viewer": 403}


def redirect(expect: dict) -> dict:
    return {r: (302 if s == 200 else s) for r, s in expect.items()}


def _roadmap(owner, title, executors="РУО"):
    rm = Roadmap(owner_id=owner.id if owner else None, title=title, year=2026,
                 level=RoadmapLevel.SCHOOL if owner is not None and owner.is_school
                 else RoadmapLevel.MUNICIPAL)
    svc.save_roadmap(rm, is_new=True)
    section = db.session.scalar(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    items = [svc.add_item(section, {"number": f"{i}.", "text": f"Мероприятие {i}",
                                    "period_text": "март 2026", "executors": executors})
             for i in (1, 2)]
    return rm, section, items


@pytest.fixture
@snapshotted
def extra(world):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО Приречного района")
    out = {"authority": authority.id}
    rm_a, sec_a, items_a = _roadmap(world.school_a, "Дорожная карта школы")
    out.update(rm_a=rm_a.id, sec_a=sec_a.id, item_a=items_a[0].id,
               sec_empty=svc.add_section(rm_a, "II. Пустой раздел").id)
    report = svc.add_report(items_a[0], text="Отчёт", report_date=None, by=world.users["methodist"])
    out["report_a"] = report.id
    rm_muni, sec_m, items_m = _roadmap(authority, "Муниципальная дорожная карта")
    exec_item = svc.add_item(sec_m, {"number": "3.", "text": "Семинар в школе",
                                     "period_text": "апрель 2026",
                                     "executors": "МКОУ СОШ с. Заозёрное, РУО"})
    out.update(rm_muni=rm_muni.id, muni_item=items_m[0].id, exec_item=exec_item.id)
    rm_far, sec_far, items_far = _roadmap(world.school_far, "Чужая дорожная карта")
    out.update(rm_far=rm_far.id, sec_far=sec_far.id, item_far=items_far[0].id)
    out["report_far"] = svc.add_report(items_far[0], text="x", report_date=None,
                                       by=world.users["admin"]).id
    rm_b, _, items_b = _roadmap(world.school_b, "Дорожная карта школы соседнего района")
    out.update(rm_b=rm_b.id, item_b=items_b[0].id)
    orphan = Roadmap(title="Без владельца", year=2026, level=RoadmapLevel.MUNICIPAL)
    svc.save_roadmap(orphan, is_new=True)
    out["rm_orphan"] = orphan.id
    rm_closed, sec_closed, items_closed = _roadmap(world.school_a, "Архивная дорожная карта")
    out.update(rm_closed=rm_closed.id, sec_closed=sec_closed.id, item_closed=items_closed[0].id,
               report_closed=svc.add_report(items_closed[0], text="Отчёт", report_date=None,
                                            by=world.users["methodist"]).id)
    svc.set_state(rm_closed, RoadmapState.ARCHIVED)
    return out


CASES = [
    Case("roadmaps.index", "GET", lambda w, e: "/roadmaps/", ALL),
    Case("roadmaps.index", "GET", lambda w, e: "/roadmaps/?level=SCHOOL", ALL, htmx=True,
         label="htmx"),
    Case("roadmaps.my_items", "GET", lambda w, e: "/roadmaps/my-items", ALL),
    Case("roadmaps.new", "GET", lambda w, e: "/roadmaps/new", CREATE),
    Case("roadmaps.import_", "GET", lambda w, e: "/roadmaps/import", CREATE),
    Case("roadmaps.show", "GET", lambda w, e: f"/roadmaps/{e['rm_a']}", SEE),
    Case("roadmaps.show", "GET", lambda w, e: f"/roadmaps/{e['rm_a']}?overdue=1", SEE, htmx=True,
         label="htmx"),
    Case("roadmaps.show", "GET", lambda w, e: f"/roadmaps/{e['rm_muni']}",
         {**SEE, "school": 404}, label="municipal"),
    Case("roadmaps.show", "GET", lambda w, e: f"/roadmaps/{e['rm_orphan']}",
         {"admin": 200}, default=404, label="orphan"),
    Case("roadmaps.edit", "GET", lambda w, e: f"/roadmaps/{e['rm_a']}/edit", EDIT),
    Case("roadmaps.edit", "GET", lambda w, e: f"/roadmaps/{e['rm_muni']}/edit",
         {**EDIT, "school": 404}, label="municipal"),
    Case("roadmaps.set_owner", "POST", lambda w, e: f"/roadmaps/{e['rm_orphan']}/owner",
         {"admin": 302}, default=404),
    Case("roadmaps.delete", "POST", lambda w, e: f"/roadmaps/{e['rm_a']}/delete", redirect(EDIT)),
    # the life cycle: whoever manages the owner (and the admin); a school edits its own plan
    # but does not decide that it is over
    Case("roadmaps.set_state", "POST", lambda w, e: f"/roadmaps/{e['rm_a']}/state/finish",
         redirect({**EDIT, "school": 403})),
    Case("roadmaps.set_state", "POST", lambda w, e: f"/roadmaps/{e['rm_a']}/state/archive",
         redirect({**EDIT, "school": 403}), label="archive"),
    Case("roadmaps.set_state", "POST", lambda w, e: f"/roadmaps/{e['rm_a']}/state/reopen",
         redirect({**EDIT, "school": 403}), label="reopen"),
    Case("roadmaps.set_state", "POST", lambda w, e: f"/roadmaps/{e['rm_muni']}/state/archive",
         redirect({**EDIT, "school": 404}), label="municipal"),
    Case("roadmaps.set_state", "POST", lambda w, e: f"/roadmaps/{e['rm_a']}/state/delete",
         {r: 404 for r in ALL}, label="unknown"),
    Case("roadmaps.index", "GET", lambda w, e: "/roadmaps/?state=archived", ALL, label="archived"),
    # an archived plan is seen and exported, edited by nobody until «Вернуть в работу»
    Case("roadmaps.show", "GET", lambda w, e: f"/roadmaps/{e['rm_closed']}", SEE, label="closed"),
    Case("roadmaps.roadmap_export", "GET", lambda w, e: f"/roadmaps/{e['rm_closed']}/export.xlsx",
         SEE, label="closed"),
    Case("roadmaps.item", "GET", lambda w, e: f"/roadmaps/items/{e['item_closed']}", SEE,
         label="closed"),
    Case("roadmaps.edit", "GET", lambda w, e: f"/roadmaps/{e['rm_closed']}/edit", CLOSED,
         label="closed"),
    Case("roadmaps.delete", "POST", lambda w, e: f"/roadmaps/{e['rm_closed']}/delete", CLOSED,
         label="closed"),
    Case("roadmaps.section_add", "POST", lambda w, e: f"/roadmaps/{e['rm_closed']}/sections",
         CLOSED, data={"title": "II. Новый раздел"}, htmx=True, label="closed"),
    Case("roadmaps.section_rename", "POST",
         lambda w, e: f"/roadmaps/sections/{e['sec_closed']}/rename", CLOSED,
         data={"title": "I. Раздел"}, htmx=True, label="closed"),
    Case("roadmaps.item_new", "GET",
         lambda w, e: f"/roadmaps/sections/{e['sec_closed']}/items/new", CLOSED, htmx=True,
         label="closed"),
    Case("roadmaps.item_edit", "GET", lambda w, e: f"/roadmaps/items/{e['item_closed']}/edit",
         CLOSED, htmx=True, label="closed"),
    Case("roadmaps.item_status", "POST",
         lambda w, e: f"/roadmaps/items/{e['item_closed']}/status", CLOSED,
         data={"status": "IN_PROGRESS"}, htmx=True, label="closed"),
    Case("roadmaps.item_move", "POST", lambda w, e: f"/roadmaps/items/{e['item_closed']}/move",
         CLOSED, data={"direction": "down"}, htmx=True, label="closed"),
    Case("roadmaps.item_delete", "POST",
         lambda w, e: f"/roadmaps/items/{e['item_closed']}/delete", CLOSED, htmx=True,
         label="closed"),
    Case("roadmaps.report_new", "POST",
         lambda w, e: f"/roadmaps/items/{e['item_closed']}/reports/new", CLOSED,
         data={"text": "Отчёт"}, htmx=True, label="closed"),
    Case("roadmaps.report_delete", "POST",
         lambda w, e: f"/roadmaps/reports/{e['report_closed']}/delete", CLOSED, label="closed"),
    Case("roadmaps.set_state", "POST", lambda w, e: f"/roadmaps/{e['rm_closed']}/state/reopen",
         redirect({**EDIT, "school": 403}), label="closed-reopen"),
    Case("roadmaps.section_add", "POST", lambda w, e: f"/roadmaps/{e['rm_a']}/sections", EDIT,
         data={"title": "II. Новый раздел"}, htmx=True),
    Case("roadmaps.section_rename", "POST", lambda w, e: f"/roadmaps/sections/{e['sec_a']}/rename",
         EDIT, data={"title": "I. Раздел"}, htmx=True),
    Case("roadmaps.section_delete", "POST",
         lambda w, e: f"/roadmaps/sections/{e['sec_empty']}/delete", EDIT, htmx=True),
    Case("roadmaps.item_new", "GET", lambda w, e: f"/roadmaps/sections/{e['sec_a']}/items/new",
         EDIT, htmx=True),
    Case("roadmaps.item", "GET", lambda w, e: f"/roadmaps/items/{e['item_a']}", SEE),
    Case("roadmaps.item", "GET", lambda w, e: f"/roadmaps/items/{e['item_a']}", SEE, htmx=True,
         label="htmx"),
    Case("roadmaps.item", "GET", lambda w, e: f"/roadmaps/items/{e['exec_item']}",
         {**SEE, "school": 200}, label="executor"),
    Case("roadmaps.item", "GET", lambda w, e: f"/roadmaps/items/{e['muni_item']}",
         {**SEE, "school": 404}, label="not-executor"),
    Case("roadmaps.item_edit", "GET", lambda w, e: f"/roadmaps/items/{e['item_a']}/edit", EDIT,
         htmx=True),
    Case("roadmaps.item_edit", "GET", lambda w, e: f"/roadmaps/items/{e['exec_item']}/edit",
         {**EDIT, "school": 403}, htmx=True, label="executor"),
    Case("roadmaps.item_status", "POST", lambda w, e: f"/roadmaps/items/{e['item_a']}/status",
         EDIT, data={"status": "IN_PROGRESS"}, htmx=True),
    Case("roadmaps.item_status", "POST", lambda w, e: f"/roadmaps/items/{e['exec_item']}/status",
         {**EDIT, "school": 403}, data={"status": "IN_PROGRESS"}, htmx=True, label="executor"),
    Case("roadmaps.item_move", "POST", lambda w, e: f"/roadmaps/items/{e['item_a']}/move", EDIT,
         data={"direction": "down"}, htmx=True),
    Case("roadmaps.item_delete", "POST", lambda w, e: f"/roadmaps/items/{e['item_a']}/delete",
         EDIT, htmx=True),
    Case("roadmaps.report_new", "GET", lambda w, e: f"/roadmaps/items/{e['item_a']}/reports/new",
         EDIT, htmx=True),
    Case("roadmaps.report_new", "POST", lambda w, e: f"/roadmaps/items/{e['exec_item']}/reports/new",
         {**EDIT, "school": 200}, data={"text": "Провели семинар"}, htmx=True, label="executor"),
    Case("roadmaps.report_new", "GET", lambda w, e: f"/roadmaps/items/{e['muni_item']}/reports/new",
         {**EDIT, "school": 404}, htmx=True, label="not-executor"),
    Case("roadmaps.report_delete", "POST", lambda w, e: f"/roadmaps/reports/{e['report_a']}/delete",
         redirect(EDIT)),
    Case("roadmaps.monitoring", "GET", lambda w, e: "/roadmaps/monitoring", ALL),
    Case("roadmaps.monitoring", "GET", lambda w, e: f"/roadmaps/monitoring?roadmap={e['rm_a']}",
         SEE, label="one"),
    Case("roadmaps.monitoring_export", "GET", lambda w, e: "/roadmaps/monitoring/export.xlsx", ALL),
    Case("roadmaps.roadmap_export", "GET", lambda w, e: f"/roadmaps/{e['rm_a']}/export.xlsx", SEE),
]

htmx_gets_ask_to_log_in(CASES)


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)


FAR = far(
    "GET /roadmaps/{rm_far}",
    "GET /roadmaps/{rm_far}/edit",
    "POST /roadmaps/{rm_far}/delete",
    "POST /roadmaps/{rm_far}/state/archive",
    "POST /roadmaps/{rm_far}/sections",
    "GET /roadmaps/{rm_far}/export.pdf",
    "GET /roadmaps/monitoring?roadmap={rm_far}",
    "GET /roadmaps/sections/{sec_far}/items/new",
    "POST /roadmaps/sections/{sec_far}/rename",
    "GET /roadmaps/items/{item_far}",
    "GET /roadmaps/items/{item_far}/edit",
    "POST /roadmaps/items/{item_far}/status",
    "POST /roadmaps/items/{item_far}/move",
    "POST /roadmaps/items/{item_far}/delete",
    "GET /roadmaps/items/{item_far}/reports/new",
    "POST /roadmaps/reports/{report_far}/delete",
    "GET /history/roadmaps/{rm_far}",
    "GET /files/roadmap_item_reports/{report_far}",
)


@pytest.mark.parametrize("role", OUT_OF_SCOPE)
def test_roadmaps_out_of_scope_answer_404(app, world, extra, role):
    assert_out_of_scope(app, world, extra, FAR, role, data={"status": "DONE", "title": "x"})


def test_municipality_2_roadmap_is_the_region_users_not_the_methodists(app, world, extra):
    see = Case("x", "GET", lambda w, e: f"/roadmaps/{e['rm_b']}", {}, default=0)
    assert run_case(app, world, extra, see, "region").status_code == 200
    assert run_case(app, world, extra, see, "viewer_region").status_code == 200
    for role in ("methodist", "viewer", "school", "tutor"):
        assert run_case(app, world, extra, see, role).status_code == 404


def test_regional_roadmap_is_visible_region_wide_but_edited_by_region_only(app, world, extra):
    rm, _, items = _roadmap(world.institute, "Региональная дорожная карта")
    see = Case("x", "GET", lambda w, e: f"/roadmaps/{rm.id}", {}, default=0)
    edit = Case("x", "POST", lambda w, e: f"/roadmaps/items/{items[0].id}/status", {}, default=0,
                data={"status": "IN_PROGRESS"}, htmx=True)
    assert run_case(app, world, extra, see, "methodist").status_code == 200
    assert run_case(app, world, extra, see, "viewer").status_code == 200
    assert run_case(app, world, extra, see, "school").status_code == 404
    assert run_case(app, world, extra, edit, "methodist").status_code == 403
    assert run_case(app, world, extra, edit, "region").status_code == 200


def test_lists_are_scoped(app, world, extra):
    from tests.conftest import login

    html = login(app.test_client(), world.users["methodist"]).get("/roadmaps/").get_data(as_text=True)
    assert "Дорожная карта школы" in html and "Муниципальная дорожная карта" in html
    assert "Чужая дорожная карта" not in html and "соседнего района" not in html
    assert "Без владельца" not in html
    html = login(app.test_client(), world.users["admin"]).get("/roadmaps/").get_data(as_text=True)
    assert "Без владельца" in html and "владелец не указан" in html
    mine = login(app.test_client(), world.users["school"]).get("/roadmaps/my-items").get_data(as_text=True)
    assert "Семинар в школе" in mine and "Мероприятие 1" not in mine


def test_a_refused_life_cycle_change_changes_nothing(app, world, extra):
    """The school may not archive its own plan; the viewer may not finish one it sees."""
    for role in ("school", "viewer"):
        case = Case("x", "POST", lambda w, e: f"/roadmaps/{e['rm_a']}/state/archive", {},
                    default=403)
        assert run_case(app, world, extra, case, role).status_code == 403
    db.session.expire_all()
    assert db.session.get(Roadmap, extra["rm_a"]).state.name == "ACTIVE"
