"""Role × action for mentoring pairs and their plans, in scope and out of it.

The tutor school edits the pairs where it is the mentor; another tutor school's pair with the
same school answers 404 (cross-partnership); the mentee school reads; a viewer reads; the far
region is 404 for everyone but the admin. Objects: ``visits_world`` in tests/factories/visits.py.
"""
import pytest

from tests.factories.visits import visits_world
from tests.snapshots import snapshotted
from tests.security.access import (
    OUT_OF_SCOPE, assert_out_of_scope, Case, check_case, expand, far, htmx_gets_ask_to_log_in, ids,
)

SEE = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}
EDIT = {**SEE, "school": 403, "viewer": 403}
OTHER = {**SEE, "tutor": 404}
OTHER_EDIT = {**EDIT, "tutor": 404}


def redirect(expect: dict) -> dict:
    return {r: (302 if s == 200 else s) for r, s in expect.items()}


@pytest.fixture
@snapshotted
def extra(world):
    return vars(visits_world(world))


CASES = [
    Case("mentoring.index", "GET", lambda w, e: "/mentoring/", SEE),
    Case("mentoring.index", "GET", lambda w, e: "/mentoring/?status=ACTIVE", SEE, htmx=True,
         label="htmx"),
    Case("mentoring.new", "GET", lambda w, e: "/mentoring/new", EDIT),
    Case("mentoring.new", "GET", lambda w, e: f"/mentoring/new?kind=SCHOOL&mentee_org_id={e['school_a']}",
         EDIT, htmx=True, label="htmx"),
    Case("mentoring.new", "POST", lambda w, e: "/mentoring/new",
         {**EDIT, **{r: 422 for r in ("admin", "region", "methodist", "tutor")}},
         data={"goals": ""}, label="invalid"),
    Case("mentoring.show", "GET", lambda w, e: f"/mentoring/{e['pair_a']}", SEE),
    Case("mentoring.show", "GET", lambda w, e: f"/mentoring/{e['pair_other']}", OTHER,
         label="other"),
    Case("mentoring.edit", "GET", lambda w, e: f"/mentoring/{e['pair_a']}/edit", EDIT),
    Case("mentoring.edit", "GET", lambda w, e: f"/mentoring/{e['pair_other']}/edit", OTHER_EDIT,
         label="other"),
    Case("mentoring.delete", "POST", lambda w, e: f"/mentoring/{e['pair_a']}/delete",
         redirect(EDIT)),
    Case("mentoring.delete", "POST", lambda w, e: f"/mentoring/{e['pair_other']}/delete",
         redirect(OTHER_EDIT), label="other"),
    Case("mentoring.step_add", "POST", lambda w, e: f"/mentoring/{e['pair_a']}/steps", EDIT,
         htmx=True, data={"text": "Новый шаг"}),
    Case("mentoring.step_add", "POST", lambda w, e: f"/mentoring/{e['pair_other']}/steps",
         OTHER_EDIT, htmx=True, data={"text": "Новый шаг"}, label="other"),
    Case("mentoring.step_row", "GET", lambda w, e: f"/mentoring/steps/{e['step_a']}", SEE,
         htmx=True),
    Case("mentoring.step_edit", "GET", lambda w, e: f"/mentoring/steps/{e['step_a']}/edit", EDIT,
         htmx=True),
    Case("mentoring.step_edit", "POST", lambda w, e: f"/mentoring/steps/{e['step_a']}/edit", EDIT,
         htmx=True, data={"text": "Шаг"}, label="post"),
    Case("mentoring.step_done", "POST", lambda w, e: f"/mentoring/steps/{e['step_a']}/done", EDIT,
         htmx=True, data={"done": "1"}),
    Case("mentoring.step_delete", "POST", lambda w, e: f"/mentoring/steps/{e['step_a']}/delete",
         EDIT, htmx=True),
]

htmx_gets_ask_to_log_in(CASES)


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)


FAR = far(
    "GET /mentoring/{pair_far}",
    "GET /mentoring/{pair_far}/edit",
    "POST /mentoring/{pair_far}/edit",
    "POST /mentoring/{pair_far}/delete",
    "POST /mentoring/{pair_far}/steps",
    "GET /history/mentoring_pairs/{pair_far}",
    "GET /files/mentoring_pairs/{pair_far}",
)


@pytest.mark.parametrize("role", OUT_OF_SCOPE)
def test_mentoring_out_of_scope_answer_404(app, world, extra, role):
    assert_out_of_scope(app, world, extra, FAR, role, data={"text": "x"})


def test_a_tutor_lists_only_its_own_pairs(app, world, extra):
    from tests.conftest import login

    html = login(app.test_client(), world.users["tutor"]).get("/mentoring/").get_data(as_text=True)
    assert f'href="/mentoring/{extra["pair_a"]}"' in html
    assert f'href="/mentoring/{extra["pair_other"]}"' not in html
    html = login(app.test_client(), world.users["school"]).get("/mentoring/").get_data(as_text=True)
    assert f'href="/mentoring/{extra["pair_other"]}"' in html
    assert f'href="/mentoring/{extra["pair_far"]}"' not in html


def test_a_typed_in_organisation_does_not_open_its_staff(app, world, extra):
    from tests.conftest import login
    from tests.factories.core import make_staff

    make_staff(world.school_far, "Секретный Сотрудник Дальний")
    make_staff(world.school_b, "Секретная Сотрудница Заречная")
    for role, org in (("methodist", world.school_far), ("tutor", world.school_b)):
        c = login(app.test_client(), world.users[role])
        html = c.get(f"/mentoring/new?kind=TEACHER&mentor_org_id={org.id}"
                     f"&mentee_org_id={org.id}").get_data(as_text=True)
        assert "Секретн" not in html, role
