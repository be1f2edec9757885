"""Role × endpoint for the reports area.

Objects (built by ``extra``): reports of municipality 1 (``m1``), of school_a (``sa``), of
municipality 2 (``m2``) and of the far region (``far``). A report of a municipality is seen by
the municipality's users and the region's, a school's report also by the school; a tutor has no
territory to report on; an observer reads but issues nothing.
"""
from datetime import date

import pytest

from shnor_app import policy
from shnor_app.models import ReportKind
from shnor_app.services import reports as svc
from tests.factories.core import make_user
from tests.security.access import (
    assert_out_of_scope, Case, check_case, expand, far, htmx_gets_ask_to_log_in, ids,
)
from tests.snapshots import snapshotted

ROLES = ["admin", "region", "methodist", "tutor", "school", "viewer"]
LIST = {**{r: 200 for r in ROLES}, "tutor": 403}
MAKE = {**LIST, "viewer": 403}
SEE_M1 = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 404,
          "viewer": 200}
SEE_SA = {**SEE_M1, "school": 200}
SEE_M2 = {**SEE_M1, "methodist": 404, "viewer": 404}
NEW_VERSION_M1 = {**SEE_M1, "viewer": 403}
NEW_VERSION_SA = {**SEE_SA, "viewer": 403}
PERIOD = svc.Period(2026)


@pytest.fixture
@snapshotted
def extra(world):
    admin = world.users["admin"]

    def issue(**where):
        t = policy.territory(admin, municipality_id=where.get("municipality"),
                             school_id=where.get("school"))
        return svc.issue(ReportKind.ROADMAP, admin, t, PERIOD, {}, day=date(2027, 1, 15)).id

    far_admin = make_user("admin", login="reports-admin-far", region_id=world.region2.id)
    far = svc.issue(ReportKind.ROADMAP, far_admin,
                    policy.territory(far_admin, municipality_id=world.muni_far.id), PERIOD, {},
                    day=date(2027, 1, 15)).id
    return {"m1": issue(municipality=world.muni.id), "sa": issue(school=world.school_a.id),
            "m2": issue(municipality=world.muni2.id), "far": far}


def redirect(expect: dict) -> dict:
    return {r: (302 if s == 200 else s) for r, s in expect.items()}


CASES = [
    Case("reports.index", "GET", lambda w, e: "/reports/", LIST),
    Case("reports.index", "GET", lambda w, e: "/reports/?kind=ROADMAP", LIST, htmx=True,
         label="htmx"),
    Case("reports.new", "GET", lambda w, e: "/reports/new", MAKE),
    Case("reports.new", "GET",
         lambda w, e: f"/reports/new?kind=ANALYTICAL&year=2026&municipality={w.muni.id}", MAKE,
         label="figures"),
    Case("reports.new", "GET", lambda w, e: f"/reports/new?previous={e['m1']}", NEW_VERSION_M1,
         label="previous"),
    Case("reports.new", "GET", lambda w, e: f"/reports/new?previous={e['sa']}", NEW_VERSION_SA,
         label="previous-school"),
    Case("reports.new", "GET", lambda w, e: f"/reports/new?school={w.school_b.id}",
         {**MAKE, "methodist": 404, "school": 404, "viewer": 404, "tutor": 404},
         label="other-municipality"),
    Case("reports.issue", "POST", lambda w, e: "/reports/new", redirect(MAKE),
         data={"kind": "ROADMAP", "year": "2026", "municipality": "{muni}"}, label="own"),
    Case("reports.issue", "POST", lambda w, e: "/reports/new",
         {**MAKE, **{r: 422 for r in ("admin", "region", "methodist", "school")}},
         data={"year": "2026"}, label="invalid"),
    Case("reports.issue", "POST", lambda w, e: "/reports/new", redirect(NEW_VERSION_SA),
         data={"previous": "{sa}"}, label="previous"),
    Case("reports.show", "GET", lambda w, e: f"/reports/{e['m1']}", SEE_M1),
    Case("reports.show", "GET", lambda w, e: f"/reports/{e['sa']}", SEE_SA, label="school"),
    Case("reports.show", "GET", lambda w, e: f"/reports/{e['m2']}", SEE_M2, label="other"),
    Case("reports.download", "GET", lambda w, e: f"/reports/{e['m1']}/file.pdf", SEE_M1),
    Case("reports.download", "GET", lambda w, e: f"/reports/{e['sa']}/file.docx", SEE_SA,
         label="school"),
    Case("reports.download", "GET", lambda w, e: f"/reports/{e['m2']}/file.xlsx", SEE_M2,
         label="other"),
]

htmx_gets_ask_to_log_in(CASES)


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    if case.data:  # ids of the world and of ``extra`` named in the posted form
        data = {k: v.format(muni=world.muni.id, **extra) for k, v in case.data.items()}
        case = Case(case.endpoint, case.method, case.url, case.expected, data=data,
                    label=case.label)
    check_case(app, world, extra, case, role)


FAR = far("GET /reports/{far}", "GET /reports/{far}/file.pdf", "GET /reports/new?previous={far}")


@pytest.mark.parametrize("role", ["region", "methodist", "school", "viewer"])
def test_reports_of_another_region_answer_404(app, world, extra, role):
    assert_out_of_scope(app, world, extra, FAR, role)


def test_a_list_shows_only_the_reports_in_scope(app, world, extra):
    from tests.conftest import login

    c = login(app.test_client(), world.users["methodist"])
    html = c.get("/reports/").get_data(as_text=True)
    assert f"/reports/{extra['m1']}\"" in html and f"/reports/{extra['sa']}\"" in html
    assert f"/reports/{extra['m2']}\"" not in html and f"/reports/{extra['far']}\"" not in html
    c = login(app.test_client(), world.users["school"])
    html = c.get("/reports/").get_data(as_text=True)
    assert f"/reports/{extra['sa']}\"" in html and f"/reports/{extra['m1']}\"" not in html
