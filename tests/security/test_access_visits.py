"""Role × action for visits and their recommendations, in scope and out of it.

A tutor sees and edits only the visits of its own organisation: another tutor school's visit to
the same school answers 404 (cross-partnership). The visited school sees the visit and answers
its recommendations but never edits it; a viewer reads; the far region is 404 for everyone but
the admin. Objects: ``visits_world`` in tests/factories/visits.py.
"""
import pytest

from tests.factories.visits import visits_world
from tests.snapshots import snapshotted
from tests.security.access import (
    OUT_OF_SCOPE, assert_out_of_scope, Case, check_case, expand, far, htmx_gets_ask_to_log_in, ids,
)

SEE = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}
EDIT = {**SEE, "school": 403, "viewer": 403}
OTHER = {**SEE, "tutor": 404}                    # another tutor school's visit
OTHER_EDIT = {**EDIT, "tutor": 404}
LOG = {**EDIT}                                    # who fills in the visit form
ALL = SEE


def redirect(expect: dict) -> dict:
    return {r: (302 if s == 200 else s) for r, s in expect.items()}


@pytest.fixture
@snapshotted
def extra(world):
    return vars(visits_world(world))


def _form(w, e):
    return {"kind": "METHODICAL", "visit_date": "2026-01-15", "school_id": str(e["school_a"]),
            "visiting_org_id": "", "purpose": "Цель", "visitors-a-full_name": "Иванов И. И."}


CASES = [
    Case("visits.index", "GET", lambda w, e: "/visits/", ALL),
    Case("visits.index", "GET", lambda w, e: "/visits/?recs=open", ALL, htmx=True, label="htmx"),
    Case("visits.new", "GET", lambda w, e: "/visits/new", LOG),
    Case("visits.new", "POST", lambda w, e: "/visits/new", {**LOG, **{r: 422 for r in (
        "admin", "region", "methodist", "tutor")}}, data={"purpose": ""}, label="invalid"),
    Case("visits.row", "GET", lambda w, e: "/visits/row/lessons", LOG, htmx=True),
    Case("visits.school_context", "GET",
         lambda w, e: f"/visits/school-context?school_id={e['school_a']}", LOG, htmx=True),
    Case("visits.show", "GET", lambda w, e: f"/visits/{e['visit_a']}", SEE),
    Case("visits.show", "GET", lambda w, e: f"/visits/{e['visit_other']}", OTHER, label="other"),
    Case("visits.edit", "GET", lambda w, e: f"/visits/{e['visit_a']}/edit", EDIT),
    Case("visits.edit", "GET", lambda w, e: f"/visits/{e['visit_other']}/edit", OTHER_EDIT,
         label="other"),
    Case("visits.edit", "POST", lambda w, e: f"/visits/{e['visit_a']}/edit",
         {**EDIT, **{r: 422 for r in ("admin", "region", "methodist", "tutor")}},
         data={"purpose": ""}, label="post"),
    Case("visits.delete", "POST", lambda w, e: f"/visits/{e['visit_a']}/delete", redirect(EDIT)),
    Case("visits.delete", "POST", lambda w, e: f"/visits/{e['visit_other']}/delete",
         redirect(OTHER_EDIT), label="other"),
    Case("visits.report", "POST", lambda w, e: f"/visits/{e['visit_a']}/report.pdf", SEE),
    Case("visits.report", "POST", lambda w, e: f"/visits/{e['visit_other']}/report.docx", OTHER,
         label="other"),
    # the visit's recommendations through the shared module
    Case("recommendations.show", "GET", lambda w, e: f"/recommendations/{e['rec_a']}", SEE,
         label="visit"),
    Case("recommendations.report", "POST", lambda w, e: f"/recommendations/{e['rec_a']}/report",
         {**SEE, "viewer": 403, "tutor": 403}, htmx=True, data={"report_text": "Сделано"},
         label="visit"),
    Case("recommendations.accept", "POST",
         lambda w, e: f"/recommendations/{e['rec_reported']}/accept", EDIT, htmx=True,
         label="visit"),
    Case("recommendations.return_", "POST",
         lambda w, e: f"/recommendations/{e['rec_reported']}/return", EDIT, htmx=True,
         data={"comment": "Приложите приказ"}, label="visit"),
    Case("recommendations.edit", "GET", lambda w, e: f"/recommendations/{e['rec_a']}/edit",
         EDIT, htmx=True, label="visit"),
    Case("recommendations.new", "POST", lambda w, e: f"/recommendations/new/visit/{e['visit_a']}",
         EDIT, htmx=True, data={"text": "Ещё одна", "due_date": "2099-01-01"}, label="visit"),
]

htmx_gets_ask_to_log_in(CASES)


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)


FAR = far(
    "GET /visits/{visit_far}",
    "GET /visits/{visit_far}/edit",
    "POST /visits/{visit_far}/edit",
    "POST /visits/{visit_far}/delete",
    "POST /visits/{visit_far}/report.pdf",
    "GET /history/visits/{visit_far}",
    "GET /files/visits/{visit_far}",
    "GET /visits/new?school={visit_far}",
)


@pytest.mark.parametrize("role", OUT_OF_SCOPE)
def test_visits_out_of_scope_answer_404(app, world, extra, role):
    assert_out_of_scope(app, world, extra, FAR[:-1], role, data={"purpose": "x"})


def test_a_tutor_cannot_log_a_visit_to_a_school_it_does_not_support(app, world, extra):
    from tests.conftest import login, post

    c = login(app.test_client(), world.users["tutor"])
    data = {**_form(world, extra), "school_id": str(world.school_b.id),
            "visiting_org_id": str(world.tutor_school.id)}
    resp = post(c, "/visits/new", data)
    assert resp.status_code == 422 and "Эту школу вы выбрать не можете" in resp.get_data(as_text=True)
    data = {**_form(world, extra), "visiting_org_id": str(world.institute.id)}
    resp = post(c, "/visits/new", data)
    assert resp.status_code == 422 and "От имени этой организации" in resp.get_data(as_text=True)
    assert c.get(f"/visits/school-context?school_id={world.school_b.id}",
                 headers={"HX-Request": "true"}).status_code == 404


def test_a_typed_in_school_does_not_open_its_staff(app, world, extra):
    from tests.conftest import login
    from tests.factories.core import make_staff

    make_staff(world.school_b, "Секретная Сотрудница Заречная")
    for role in ("tutor", "methodist"):
        c = login(app.test_client(), world.users[role])
        html = c.get(f"/visits/new?school={world.school_b.id}").get_data(as_text=True)
        assert "Секретная Сотрудница" not in html, role


def test_lists_are_scoped(app, world, extra):
    from tests.conftest import login

    def rows(role):
        html = login(app.test_client(), world.users[role]).get("/visits/").get_data(as_text=True)
        return {f"/visits/{extra[k]}" for k in ("visit_a", "visit_other", "visit_far")
                if f'href="/visits/{extra[k]}"' in html}

    a, other, far = (f"/visits/{extra[k]}" for k in ("visit_a", "visit_other", "visit_far"))
    assert rows("tutor") == {a}
    assert rows("school") == {a, other}
    assert rows("methodist") == {a, other} == rows("viewer")
    assert rows("admin") == {a, other, far}


def test_start_pages_show_the_visit_recommendations_on_both_sides(app, world, extra):
    from tests.conftest import login, start_page

    for role in ("tutor", "school", "methodist"):
        html = start_page(login(app.test_client(), world.users[role]))
        assert "Открытая" in html, role
    html = start_page(login(app.test_client(), world.users["tutor"]))
    assert "Ждут вашей проверки" in html and "Отвеченная" in html
