"""Role × object × action for partnerships, joint events, the map, indicators, terms and the
practice bank, in scope and out of it — including the cross-partnership 404 for a tutor.

Objects (built by ``extra``):
- ``p_a``: school_a (ШНОР, municipality 1) ↔ tutor_school — the world's tutor is the partner;
- ``p_other``: school_a ↔ another tutor school — the world's tutor must get 404;
- ``p_b``: school_b (municipality 2) ↔ a school there — the region's, not the methodist's;
- ``p_far``: a school of region 2; ``ev_*``: a joint event of each;
- ``pr_a``: a practice of tutor_school (linked to p_a), ``pr_b``: one of the institute,
  ``pr_far``: one of region 2.
"""
from datetime import date, timedelta

import pytest

from shnor_app.services import practices as practice_service
from shnor_app.formatting import today

from tests.conftest import login
from tests.factories.core import make_org, make_user
from tests.factories.partnerships import make_event, make_partnership, make_practice
from tests.snapshots import snapshotted
from tests.security.access import (
    Case, far, htmx_gets_ask_to_log_in, matrix_test, out_of_scope_test, redirect,
)

ROLES6 = ["admin", "region", "methodist", "tutor", "school", "viewer"]
ALL = {r: 200 for r in ROLES6}
SEE_A = ALL
SEE_OTHER = {**ALL, "tutor": 404}
EDIT_A = {"admin": 200, "region": 200, "methodist": 200, "tutor": 200, "school": 403, "viewer": 403}
EDIT_OTHER = {**EDIT_A, "tutor": 404}
MANAGE_A = {"admin": 200, "region": 200, "methodist": 200, "tutor": 403, "school": 403, "viewer": 403}
CREATE = MANAGE_A
REPORTS = {"admin": 200, "region": 200, "methodist": 200, "viewer": 200, "tutor": 403, "school": 403}
TERMS = {"admin": 200, "region": 200, "methodist": 403, "tutor": 403, "school": 403, "viewer": 403}
PUBLISH = {"admin": 200, "region": 200, "methodist": 200, "tutor": 200, "school": 403, "viewer": 403}


@pytest.fixture
@snapshotted
def extra(world):
    other_tutor = make_org(world.muni, short_name="МБОУ «Лицей № 4»", statuses=["TUTOR"])
    partner_b = make_org(world.muni2, short_name="МБОУ СОШ № 2 г. Зареченска")
    partner_far = make_org(world.muni_far, short_name="МБОУ Гимназия г. Дальнего")
    start = today() - timedelta(days=200)
    p_a = make_partnership(world.school_a, world.tutor_school, start=start)
    p_other = make_partnership(world.school_a, other_tutor, start=start)
    p_b = make_partnership(world.school_b, partner_b, start=start)
    p_far = make_partnership(world.school_far, partner_far, start=start)
    pr_a = make_practice(world.tutor_school)
    practice_service.link(pr_a, p_a)
    return {
        "p_a": p_a.id, "p_other": p_other.id, "p_b": p_b.id, "p_far": p_far.id,
        "ev_a": make_event(p_a).id, "ev_other": make_event(p_other).id,
        "ev_far": make_event(p_far).id,
        "pr_a": pr_a.id, "pr_b": make_practice(world.institute, title="Практика ИРО").id,
        "pr_far": make_practice(world.school_far, title="Чужая практика").id,
    }


def _new_partnership(w, e):
    return {"school_id": str(w.school_a.id), "partner_id": str(w.institute.id),
            "status": "ACTIVE", "start_date": "2026-01-10", "subject": "Курсы и консультации"}


def _event(w, e):
    return {"event_date": (today() - timedelta(days=2)).isoformat(), "kind": "SEMINAR",
            "venue": "SCHOOL", "topic": "Семинар", "school_participants": "3",
            "partner_participants": "1"}


def _terms():
    return {"t1_start": "2025-09-01", "t1_end": "2025-10-24", "t2_start": "2025-11-05",
            "t2_end": "2025-12-28", "t3_start": "2026-01-12", "t3_end": "2026-03-20",
            "t4_start": "2026-03-30", "t4_end": "2026-05-26"}


CASES = [
    Case("partnerships.index", "GET", lambda w, e: "/partnerships/", ALL),
    Case("partnerships.index", "GET", lambda w, e: "/partnerships/?status=ACTIVE&q=школа", ALL,
         htmx=True, label="htmx"),
    Case("partnerships.new", "GET", lambda w, e: "/partnerships/new", CREATE),
    Case("partnerships.new", "POST", lambda w, e: "/partnerships/new", redirect(CREATE),
         data=_new_partnership, label="post"),
    Case("partnerships.show", "GET", lambda w, e: f"/partnerships/{e['p_a']}", SEE_A),
    Case("partnerships.show", "GET", lambda w, e: f"/partnerships/{e['p_other']}", SEE_OTHER,
         label="other-partnership"),
    Case("partnerships.show", "GET", lambda w, e: f"/partnerships/{e['p_b']}",
         {"admin": 200, "region": 200}, default=404, label="municipality-2"),
    Case("partnerships.edit", "GET", lambda w, e: f"/partnerships/{e['p_a']}/edit", EDIT_A),
    Case("partnerships.edit", "GET", lambda w, e: f"/partnerships/{e['p_other']}/edit",
         EDIT_OTHER, label="other-partnership"),
    Case("partnerships.set_status", "POST", lambda w, e: f"/partnerships/{e['p_a']}/status",
         redirect(MANAGE_A), data={"status": "SUSPENDED"}),
    Case("partnerships.delete", "POST", lambda w, e: f"/partnerships/{e['p_a']}/delete",
         redirect(MANAGE_A)),
    Case("partnerships.people_fields", "GET",
         lambda w, e: f"/partnerships/people-fields?side=school&school_id={w.school_a.id}", ALL,
         htmx=True),
    Case("partnerships.event_new", "GET", lambda w, e: f"/partnerships/{e['p_a']}/events/new",
         EDIT_A, htmx=True),
    Case("partnerships.event_new", "GET", lambda w, e: f"/partnerships/{e['p_other']}/events/new",
         EDIT_OTHER, htmx=True, label="other-partnership"),
    Case("partnerships.event_new", "POST", lambda w, e: f"/partnerships/{e['p_a']}/events/new",
         EDIT_A, htmx=True, data=_event, label="post"),
    Case("partnerships.event_row", "GET", lambda w, e: f"/partnerships/events/{e['ev_a']}", SEE_A),
    Case("partnerships.event_row", "GET", lambda w, e: f"/partnerships/events/{e['ev_other']}",
         SEE_OTHER, htmx=True, label="other-partnership"),
    Case("partnerships.event_edit", "GET", lambda w, e: f"/partnerships/events/{e['ev_a']}/edit",
         EDIT_A, htmx=True),
    Case("partnerships.event_edit", "GET",
         lambda w, e: f"/partnerships/events/{e['ev_other']}/edit", EDIT_OTHER, htmx=True,
         label="other-partnership"),
    Case("partnerships.event_delete", "POST",
         lambda w, e: f"/partnerships/events/{e['ev_a']}/delete", EDIT_A, htmx=True),
    Case("partnerships.event_delete", "POST",
         lambda w, e: f"/partnerships/events/{e['ev_other']}/delete", EDIT_OTHER, htmx=True,
         label="other-partnership"),
    Case("partnerships.practice_link", "POST",
         lambda w, e: f"/partnerships/{e['p_a']}/practices", redirect(EDIT_A),
         data=lambda w, e: {"practice_id": str(e["pr_b"])}),
    Case("partnerships.practice_unlink", "POST",
         lambda w, e: f"/partnerships/{e['p_a']}/practices/{e['pr_a']}/delete", redirect(EDIT_A)),
    Case("partnerships.partnership_map", "GET", lambda w, e: "/partnerships/map", REPORTS),
    Case("partnerships.partnership_map", "GET",
         lambda w, e: "/partnerships/map?mode=academic&status=all", REPORTS, htmx=True,
         label="htmx"),
    Case("partnerships.indicators_page", "GET", lambda w, e: "/partnerships/indicators", REPORTS),
    Case("partnerships.indicators_export", "GET",
         lambda w, e: "/partnerships/indicators/export.xlsx?mode=academic", REPORTS),
    Case("partnerships.terms", "GET", lambda w, e: "/partnerships/terms", TERMS),
    Case("partnerships.terms", "POST", lambda w, e: "/partnerships/terms?year=2025",
         redirect(TERMS), data=_terms(), label="post"),
    Case("practices.index", "GET", lambda w, e: "/practices/", ALL),
    Case("practices.index", "GET", lambda w, e: "/practices/?q=ЧТЕНИЕ", ALL, htmx=True,
         label="htmx"),
    Case("practices.new", "GET", lambda w, e: "/practices/new", PUBLISH),
    Case("practices.new", "POST", lambda w, e: "/practices/new", redirect(PUBLISH),
         data=lambda w, e: {"title": "Клуб «Учись учиться»", "problem": "LOW_MOTIVATION",
                            "author_org_id": str(w.tutor_school.id),
                            "description": "Еженедельные встречи"}, label="post"),
    Case("practices.show", "GET", lambda w, e: f"/practices/{e['pr_a']}", ALL),
    Case("practices.show", "GET", lambda w, e: f"/practices/{e['pr_far']}", {"admin": 200},
         default=404, label="other-region"),
    Case("practices.edit", "GET", lambda w, e: f"/practices/{e['pr_a']}/edit", PUBLISH),
    Case("practices.edit", "GET", lambda w, e: f"/practices/{e['pr_b']}/edit",
         {"admin": 200, "region": 200}, default=403, label="institute"),
    Case("practices.delete", "POST", lambda w, e: f"/practices/{e['pr_a']}/delete",
         redirect(PUBLISH)),
]

htmx_gets_ask_to_log_in(CASES)


test_access = matrix_test(CASES)


FAR = far(
    "GET /partnerships/{p_far}",
    "GET /partnerships/{p_far}/edit",
    "POST /partnerships/{p_far}/status",
    "POST /partnerships/{p_far}/delete",
    "GET /partnerships/{p_far}/events/new",
    "POST /partnerships/{p_far}/events/new",
    "GET /partnerships/events/{ev_far}",
    "GET /partnerships/events/{ev_far}/edit",
    "POST /partnerships/events/{ev_far}/delete",
    "POST /partnerships/{p_far}/practices",
    "POST /partnerships/{p_far}/practices/{pr_a}/delete",
    "GET /practices/{pr_far}",
    "GET /practices/{pr_far}/edit",
    "POST /practices/{pr_far}/delete",
    "GET /history/partnerships/{p_far}",
    "GET /history/joint_events/{ev_far}",
    "GET /files/partnerships/{p_far}",
    "GET /files/joint_events/{ev_far}",
    "GET /files/practices/{pr_far}",
)


test_partnerships_out_of_scope_answer_404 = out_of_scope_test(
    FAR, data={"status": "FINISHED", "practice_id": "{pr_a}"})


def test_tutor_of_another_partnership_gets_404_everywhere_on_ours(app, world, extra):
    from shnor_app.extensions import db
    from shnor_app.models import Organization

    other = db.session.scalar(db.select(Organization).where(
        Organization.short_name == "МБОУ «Лицей № 4»"))
    make_user("tutor", login="tutor2", organization_id=other.id)
    client = login(app.test_client(), "tutor2")
    assert client.get(f"/partnerships/{extra['p_other']}").status_code == 200
    for url in (f"/partnerships/{extra['p_a']}", f"/partnerships/{extra['p_a']}/edit",
                f"/partnerships/{extra['p_a']}/events/new", f"/partnerships/events/{extra['ev_a']}",
                f"/partnerships/events/{extra['ev_a']}/edit", f"/history/partnerships/{extra['p_a']}",
                f"/files/partnerships/{extra['p_a']}"):
        assert client.get(url).status_code == 404, url
    html = client.get("/partnerships/").get_data(as_text=True)
    assert "МБОУ «Лицей № 4»" in html and "МБОУ «Гимназия № 2»" not in html


def test_lists_are_scoped(app, world, extra):
    def page(role, url="/partnerships/"):
        return login(app.test_client(), world.users[role]).get(url).get_data(as_text=True)

    assert page("methodist").count('href="/partnerships/') >= 2
    assert "Зареченска" not in page("methodist") and "Дальнего" not in page("methodist")
    assert "Зареченска" in page("region") and "Дальнего" not in page("region")
    tutor = page("tutor")
    assert f"/partnerships/{extra['p_a']}\"" in tutor and f"/partnerships/{extra['p_other']}\"" not in tutor
    school = page("school")
    assert f"/partnerships/{extra['p_a']}\"" in school and f"/partnerships/{extra['p_other']}\"" in school
    assert "Чужая практика" not in page("methodist", "/practices/")
    assert "Практика ИРО" in page("school", "/practices/")


def test_tutor_sees_the_schools_of_its_active_partnerships_only(app, world, extra):
    from shnor_app.extensions import db
    from shnor_app.models import Partnership
    from shnor_app.services import partnerships as svc

    client = login(app.test_client(), world.users["tutor"])
    assert client.get(f"/registry/organizations/{world.school_a.id}").status_code == 200
    assert client.get(f"/registry/organizations/{world.school_b.id}").status_code == 404
    svc.set_status(db.session.get(Partnership, extra["p_a"]), __import__(
        "shnor_app.models", fromlist=["PartnershipStatus"]).PartnershipStatus.FINISHED,
        end_date=today())
    client = login(app.test_client(), world.users["tutor"])
    assert client.get(f"/registry/organizations/{world.school_a.id}").status_code == 404
    # … but the finished partnership itself stays the tutor's to read
    assert client.get(f"/partnerships/{extra['p_a']}").status_code == 200


def test_tutor_edit_cannot_move_the_partnership_or_change_its_status(app, world, extra):
    from shnor_app.extensions import db
    from shnor_app.models import Partnership, PartnershipStatus

    from tests.conftest import post

    client = login(app.test_client(), world.users["tutor"])
    resp = post(client, f"/partnerships/{extra['p_a']}/edit", {
        "school_id": str(world.school_b.id), "partner_id": str(world.institute.id),
        "status": "FINISHED", "subject": "Новый предмет", "agreement_number": "7-А"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    db.session.expire_all()
    p = db.session.get(Partnership, extra["p_a"])
    assert (p.school_id, p.partner_id, p.status) == (
        world.school_a.id, world.tutor_school.id, PartnershipStatus.ACTIVE)
    assert p.subject == "Новый предмет" and p.agreement_number == "7-А"


def test_a_methodist_cannot_create_a_partnership_for_another_municipality(app, world, extra):
    from tests.conftest import post

    client = login(app.test_client(), world.users["methodist"])
    resp = post(client, "/partnerships/new", {
        "school_id": str(world.school_b.id), "partner_id": str(world.tutor_school.id),
        "status": "ACTIVE", "start_date": "2026-01-10", "subject": "x"})
    assert resp.status_code == 422  # not even offered: the choice is refused by the form
    from shnor_app.extensions import db
    from shnor_app.models import Partnership

    assert db.session.scalar(db.select(db.func.count()).select_from(Partnership).where(
        Partnership.school_id == world.school_b.id)) == 1  # only the fixture's p_b
