"""Role × action for recommendations (through a test source: the school itself).

The source is seen by whoever sees the school; its managers (admin, region, the methodist of
municipality 1) edit and review; the school reports. ``rec_far`` is in another region.
"""
import pytest

from shnor_app.services import recommendations as svc

from tests.factories.recommendations import make_recommendation
from tests.snapshots import snapshotted
from tests.security.access import Case, check_case, expand, htmx_gets_ask_to_log_in, ids, run_case

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


@pytest.mark.parametrize("role", ["region", "methodist", "tutor", "school", "viewer"])
def test_out_of_scope_recommendations_answer_404(app, world, extra, role):
    far = e = extra
    for method, url in [("GET", f"/recommendations/{far['far']}"),
                        ("GET", f"/recommendations/{e['far']}/edit"),
                        ("POST", f"/recommendations/{e['far']}/report"),
                        ("POST", f"/recommendations/{e['far']}/accept"),
                        ("POST", f"/recommendations/{e['far']}/return"),
                        ("POST", f"/recommendations/{e['far']}/delete"),
                        ("GET", f"/history/recommendations/{e['far']}"),
                        ("GET", f"/files/recommendations/{e['far']}")]:
        case = Case("far", method, lambda w, x, u=url: u, {}, default=404,
                    data={"report_text": "x", "comment": "x"}, htmx=True)
        assert run_case(app, world, extra, case, role).status_code == 404, (role, method, url)


def test_unknown_source_kind_answers_404(app, world, extra, login_as):
    c = login_as("admin")
    assert c.get(f"/recommendations/new/nothing/{world.school_a.id}",
                 headers={"HX-Request": "true"}).status_code == 404
