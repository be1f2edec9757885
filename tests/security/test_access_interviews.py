"""Role × object × action for interviews, meetings and protocols, in scope and out of it.

Objects (built by ``extra``):
- ``series``: a series of the authority of municipality 1 (commission of free-text names);
- ``planned``: its interview with school_a, in the future; ``other``: with tutor_school;
- ``held``: a held interview with school_a (protocol № 1) in another series of that authority;
- ``council``: a meeting of that authority whose secretary is the ``tutor`` user;
- ``far``: a series and interview of an authority in the other region.
"""
from datetime import timedelta

import pytest

from shnor_app.models import MeetingKind, OrgKind
from shnor_app.services import interviews as svc
from shnor_app.formatting import today

from tests.factories.core import make_authority, make_org
from tests.factories.interviews import fill_record, make_held_interview, make_interview, make_series
from tests.snapshots import snapshotted
from tests.security.access import (
    OUT_OF_SCOPE, assert_out_of_scope, Case, check_case, expand, far, htmx_gets_ask_to_log_in, ids,
)

SEE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 200, "viewer": 200}
SERIES_SEE = {**SEE, "school": 404}
MANAGE = {"admin": 200, "region": 403, "methodist": 200, "tutor": 404, "school": 403, "viewer": 403}
SERIES_MANAGE = {**MANAGE, "school": 404}
LOCKED = {"admin": 403, "region": 403, "methodist": 403, "tutor": 404, "school": 403, "viewer": 403}
ALL = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}
CREATE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 403, "school": 403, "viewer": 403}


def redirect(expect: dict) -> dict:
    return {r: (302 if s == 200 else s) for r, s in expect.items()}


@pytest.fixture
@snapshotted
def extra(world):
    authority = make_authority(world.muni)
    series = make_series(authority)
    soon = today() + timedelta(days=5)
    planned = make_interview(series, world.school_a, day=soon)
    other = make_interview(series, world.tutor_school, day=soon + timedelta(days=1))
    ready = fill_record(make_interview(series, make_org(world.muni, short_name="МКОУ СОШ с. Ягодное"),
                      day=today() - timedelta(days=1)))
    done_series = make_series(authority, topic="Об итогах ВПР")
    done = make_held_interview(done_series, world.school_a, day=today() - timedelta(days=2))
    council = svc.create_meeting(authority, kind=MeetingKind.COORDINATION_COUNCIL, heading="",
                                 slot=svc.SlotData(today(), None, None, "Зал"),
                                 secretary=world.users["tutor"], agenda="Об итогах мониторинга")
    far_auth = make_org(world.muni_far, kind=OrgKind.MUNICIPAL_AUTHORITY,
                        short_name="УО Дальнего района")
    far_series = make_series(far_auth, topic="Чужая серия")
    far = make_interview(far_series, world.school_far, day=soon)
    return {
        "series": series.id, "member": series.members[-1].id, "planned": planned.id,
        "other": other.id, "ready": ready.id, "held": done.id, "council": council.id,
        "item": svc.load_record(planned)[1][0].id, "held_item": svc.load_record(done)[1][0].id,
        "council_item": svc.load_record(council)[1][0].id,
        "far_series": far_series.id, "far": far.id, "far_item": svc.load_record(far)[1][0].id,
        "far_member": far_series.members[0].id, "authority": authority.id,
    }


CASES = [
    Case("interviews.index", "GET", lambda w, e: "/interviews/", {**ALL, "school": 302}),
    Case("interviews.index", "GET", lambda w, e: "/interviews/?year=2026", {**ALL, "school": 302},
         htmx=True, label="htmx"),
    Case("interviews.meetings", "GET", lambda w, e: "/interviews/meetings", ALL),
    Case("interviews.meetings", "GET", lambda w, e: "/interviews/meetings?kind=INTERVIEW", ALL,
         htmx=True, label="htmx"),
    Case("interviews.series_new", "GET", lambda w, e: "/interviews/series/new", CREATE),
    Case("interviews.series", "GET", lambda w, e: f"/interviews/series/{e['series']}", SERIES_SEE),
    Case("interviews.series_edit", "GET", lambda w, e: f"/interviews/series/{e['series']}/edit",
         SERIES_MANAGE),
    Case("interviews.series_delete", "POST",
         lambda w, e: f"/interviews/series/{e['series']}/delete", redirect(SERIES_MANAGE)),
    Case("interviews.member_add", "POST", lambda w, e: f"/interviews/series/{e['series']}/members",
         SERIES_MANAGE, data={"role": "MEMBER", "full_name": "Новиков Олег Юрьевич"}, htmx=True),
    Case("interviews.member_delete", "POST", lambda w, e: f"/interviews/members/{e['member']}/delete",
         SERIES_MANAGE, htmx=True),
    Case("interviews.slot_new", "GET", lambda w, e: f"/interviews/series/{e['series']}/slots/new",
         SERIES_MANAGE, htmx=True),
    Case("interviews.slot_new", "POST", lambda w, e: f"/interviews/series/{e['series']}/slots/new",
         {**SERIES_MANAGE, "admin": 422, "methodist": 422}, data={"start_time": "10:00"},
         htmx=True, label="invalid"),
    Case("interviews.slot_row", "GET", lambda w, e: f"/interviews/meetings/{e['planned']}/row", SEE,
         htmx=True),
    Case("interviews.slot_row", "GET", lambda w, e: f"/interviews/meetings/{e['other']}/row",
         {**SEE, "school": 404}, htmx=True, label="other-school"),
    Case("interviews.slot_edit", "GET", lambda w, e: f"/interviews/meetings/{e['planned']}/slot",
         MANAGE, htmx=True),
    Case("interviews.meeting_delete", "POST",
         lambda w, e: f"/interviews/meetings/{e['planned']}/delete", MANAGE, htmx=True),
    Case("interviews.meeting_delete", "POST",
         lambda w, e: f"/interviews/meetings/{e['held']}/delete", LOCKED, htmx=True, label="held"),
    Case("interviews.schedule_export", "GET",
         lambda w, e: f"/interviews/series/{e['series']}/schedule.xlsx", SERIES_SEE),
    Case("interviews.schedule_export", "GET",
         lambda w, e: f"/interviews/series/{e['series']}/schedule.pdf", SERIES_SEE, label="pdf"),
    Case("interviews.meeting_new", "GET", lambda w, e: "/interviews/meetings/new", CREATE),
    Case("interviews.meeting", "GET", lambda w, e: f"/interviews/meetings/{e['planned']}", SEE),
    Case("interviews.meeting", "GET", lambda w, e: f"/interviews/meetings/{e['other']}",
         {**SEE, "school": 404}, label="other-school"),
    Case("interviews.meeting", "GET", lambda w, e: f"/interviews/meetings/{e['held']}", SEE,
         label="held"),
    Case("interviews.meeting", "GET", lambda w, e: f"/interviews/meetings/{e['council']}",
         {**SEE, "tutor": 200, "school": 404}, label="secretary-tutor"),
    Case("interviews.requisites", "GET",
         lambda w, e: f"/interviews/meetings/{e['planned']}/requisites", MANAGE, htmx=True),
    Case("interviews.requisites", "GET",
         lambda w, e: f"/interviews/meetings/{e['council']}/requisites",
         {**MANAGE, "tutor": 200, "school": 404}, htmx=True, label="secretary-tutor"),
    Case("interviews.requisites", "POST",
         lambda w, e: f"/interviews/meetings/{e['held']}/requisites", LOCKED,
         data={"heading": "x", "meeting_date": "2026-03-01", "place": "x"}, htmx=True, label="held"),
    Case("interviews.participants", "GET",
         lambda w, e: f"/interviews/meetings/{e['planned']}/participants", MANAGE, htmx=True),
    Case("interviews.participants", "GET",
         lambda w, e: f"/interviews/meetings/{e['planned']}/participants?view=1", SEE, htmx=True,
         label="view"),
    Case("interviews.participants", "POST",
         lambda w, e: f"/interviews/meetings/{e['held']}/participants", LOCKED,
         data={"p_name": "x", "p_role": "MEMBER"}, htmx=True, label="held"),
    Case("interviews.item_new", "GET", lambda w, e: f"/interviews/meetings/{e['planned']}/items/new",
         MANAGE, htmx=True),
    Case("interviews.item_new", "POST", lambda w, e: f"/interviews/meetings/{e['council']}/items/new",
         {**MANAGE, "tutor": 200, "school": 404}, data={"title": "О разном"}, htmx=True,
         label="secretary-tutor"),
    Case("interviews.item", "GET", lambda w, e: f"/interviews/items/{e['item']}", SEE, htmx=True),
    Case("interviews.item", "GET", lambda w, e: f"/interviews/items/{e['item']}",
         redirect(SEE), label="page"),
    Case("interviews.item_edit", "GET", lambda w, e: f"/interviews/items/{e['item']}/edit", MANAGE,
         htmx=True),
    Case("interviews.item_edit", "POST", lambda w, e: f"/interviews/items/{e['held_item']}/edit",
         LOCKED, data={"title": "Изменено"}, htmx=True, label="held"),
    Case("interviews.item_delete", "POST", lambda w, e: f"/interviews/items/{e['item']}/delete",
         MANAGE, htmx=True),
    Case("interviews.item_move", "POST", lambda w, e: f"/interviews/items/{e['item']}/move",
         MANAGE, data={"direction": "down"}, htmx=True),
    Case("interviews.hold", "POST", lambda w, e: f"/interviews/meetings/{e['ready']}/hold",
         {**MANAGE, "admin": 204, "methodist": 204, "school": 404}, htmx=True),
    Case("interviews.hold", "POST", lambda w, e: f"/interviews/meetings/{e['held']}/hold", LOCKED,
         htmx=True, label="held"),
    Case("interviews.amendment_add", "POST",
         lambda w, e: f"/interviews/meetings/{e['held']}/amendments", MANAGE,
         data={"text": "В п. 1.1 срок читать «до 20.04»."}, htmx=True),
    Case("interviews.protocol", "GET", lambda w, e: f"/interviews/meetings/{e['held']}/protocol.pdf",
         SEE),
    Case("interviews.protocol", "GET",
         lambda w, e: f"/interviews/meetings/{e['held']}/protocol.docx", SEE, label="docx"),
    Case("interviews.protocol", "GET",
         lambda w, e: f"/interviews/meetings/{e['planned']}/protocol.pdf", {**SEE, "school": 403},
         label="draft"),
]

htmx_gets_ask_to_log_in(CASES)


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)


FAR = far(
    "GET /interviews/series/{far_series}",
    "GET /interviews/series/{far_series}/edit",
    "POST /interviews/series/{far_series}/delete",
    "POST /interviews/series/{far_series}/members",
    "POST /interviews/members/{far_member}/delete",
    "GET /interviews/series/{far_series}/slots/new",
    "GET /interviews/series/{far_series}/schedule.pdf",
    "GET /interviews/meetings/{far}",
    "GET /interviews/meetings/{far}/row",
    "GET /interviews/meetings/{far}/slot",
    "POST /interviews/meetings/{far}/delete",
    "GET /interviews/meetings/{far}/requisites",
    "GET /interviews/meetings/{far}/participants",
    "GET /interviews/meetings/{far}/items/new",
    "POST /interviews/meetings/{far}/hold",
    "POST /interviews/meetings/{far}/amendments",
    "GET /interviews/meetings/{far}/protocol.pdf",
    "GET /interviews/items/{far_item}",
    "GET /interviews/items/{far_item}/edit",
    "POST /interviews/items/{far_item}/delete",
    "POST /interviews/items/{far_item}/move",
    "GET /history/meetings/{far}",
    "GET /files/meetings/{far}",
    "GET /recommendations/new/protocol/{far}",
)


@pytest.mark.parametrize("role", OUT_OF_SCOPE)
def test_interviews_out_of_scope_answer_404(app, world, extra, role):
    assert_out_of_scope(app, world, extra, FAR, role, data={"title": "x", "text": "x"})


def test_lists_are_scoped(app, world, extra):
    from tests.conftest import login

    html = login(app.test_client(), world.users["methodist"]).get("/interviews/").get_data(as_text=True)
    assert "О готовности к ГИА-2026" in html and "Чужая серия" not in html
    html = login(app.test_client(), world.users["school"]).get("/interviews/meetings").get_data(as_text=True)
    assert "МКОУ СОШ с. Заозёрное" in html and "Гимназия" not in html and "Ягодное" not in html
    assert f"/interviews/meetings/{extra['council']}\"" not in html
    html = login(app.test_client(), world.users["tutor"]).get("/interviews/meetings").get_data(as_text=True)
    assert f"/interviews/meetings/{extra['council']}" in html and "Заозёрное" not in html
    html = login(app.test_client(), world.users["admin"]).get("/interviews/meetings").get_data(as_text=True)
    assert "МБОУ СОШ № 5 г. Дальнего" in html
