"""Role × action for recommendations (through a test source: the school itself).

The source is seen by whoever sees the school; its managers (admin, region, the methodist of
municipality 1) edit and review; the school reports. ``rec_far`` is in another region.
"""
import pytest

from shnor_app.services import recommendations as svc

from tests.factories.recommendations import make_recommendation
from tests.snapshots import snapshotted
from tests.security.access import (
    OUT_OF_SCOPE, assert_out_of_scope, Case, check_case, expand, far, htmx_gets_ask_to_log_in, ids,
)

SEE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 200, "viewer": 200}
MANAGE = {**SEE, "school": 403, "viewer": 403}
REPORT = {**SEE, "viewer": 403}
ALL = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}


@pytest.fixture
@snapshotted
def extra(world, rec_source):
    rec = make_recommendation(world.school_a)
    reported = make_recommendation(world.school_a, "Отчитались")
    svc.report(reported, text="Сделано", by=world.users["school"])
    far = make_recommendation(world.school_far)
    return {"rec": rec.id, "reported": reported.id, "far": far.id, "school": world.school_a.id}


CASES = [
    Case("recommendations.index", "GET", lambda w, e: "/recommendations/", ALL),
    Case("recommendations.index", "GET", lambda w, e: "/recommendations/?status=overdue", ALL,
         htmx=True, label="htmx"),
    Case("recommendations.show", "GET", lambda w, e: f"/recommendations/{e['rec']}", SEE),
    Case("recommendations.new", "GET",
         lambda w, e: f"/recommendations/new/test_school/{e['school']}", MANAGE, htmx=True),
    Case("recommendations.new", "POST",
         lambda w, e: f"/recommendations/new/test_school/{e['school']}", MANAGE, htmx=True,
         data={"text": "Новая", "due_date": "2026-05-01"}, label="post"),
    Case("recommendations.edit", "GET", lambda w, e: f"/recommendations/{e['rec']}/edit",
         MANAGE, htmx=True),
    Case("recommendations.delete", "POST", lambda w, e: f"/recommendations/{e['rec']}/delete",
         MANAGE, htmx=True),
    Case("recommendations.report", "GET", lambda w, e: f"/recommendations/{e['rec']}/report",
         REPORT, htmx=True),
    Case("recommendations.report", "POST", lambda w, e: f"/recommendations/{e['rec']}/report",
         REPORT, htmx=True, data={"report_text": "Сделано"}, label="post"),
    Case("recommendations.accept", "POST", lambda w, e: f"/recommendations/{e['reported']}/accept",
         MANAGE, htmx=True),
    Case("recommendations.accept", "GET", lambda w, e: f"/recommendations/{e['rec']}/accept",
         MANAGE, htmx=True, label="close-form"),
    Case("recommendations.return_", "POST",
         lambda w, e: f"/recommendations/{e['reported']}/return", MANAGE, htmx=True,
         data={"comment": "Доделать"}),
]

htmx_gets_ask_to_log_in(CASES)


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)


FAR = far(
    "GET /recommendations/{far}",
    "GET /recommendations/{far}/edit",
    "POST /recommendations/{far}/report",
    "POST /recommendations/{far}/accept",
    "POST /recommendations/{far}/return",
    "POST /recommendations/{far}/delete",
    "GET /history/recommendations/{far}",
    "GET /files/recommendations/{far}",
)


@pytest.mark.parametrize("role", OUT_OF_SCOPE)
def test_out_of_scope_recommendations_answer_404(app, world, extra, role):
    assert_out_of_scope(app, world, extra, FAR, role, data={"report_text": "x", "comment": "x"},
                        htmx=True)


def test_unknown_source_kind_answers_404(app, world, extra, login_as):
    c = login_as("admin")
    assert c.get(f"/recommendations/new/nothing/{world.school_a.id}",
                 headers={"HX-Request": "true"}).status_code == 404
