"""Role × endpoint for «Итоги сопровождения» and the school card's hub.

The outcomes of a territory are for the authorities and observers: a school's or a tutor's
user is refused (403). A municipality outside the user's scope answers 404 like any foreign id.
The data (``extra``): ШНОР of 2023 in municipality 1 and school_b in municipality 2.
"""
import pytest

from tests.factories.outcomes import outcomes_world
from tests.security.access import Case, check_case, expand, htmx_gets_ask_to_log_in, ids
from tests.snapshots import snapshotted

SEE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 403, "school": 403,
       "viewer": 200}
OTHER_MUNI = {**SEE, "methodist": 404, "viewer": 404}
SEE_A = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 200,
         "viewer": 200}
SEE_B = {**SEE_A, "methodist": 404, "school": 404, "viewer": 404}


@pytest.fixture
@snapshotted
def extra(world):
    outcomes_world(world)
    return {}


CASES = [
    Case("outcomes.index", "GET", lambda w, e: "/outcomes/", SEE),
    Case("outcomes.index", "GET", lambda w, e: "/outcomes/?cohort=2023", SEE, htmx=True,
         label="htmx"),
    Case("outcomes.index", "GET", lambda w, e: f"/outcomes/?municipality={w.muni2.id}",
         OTHER_MUNI, label="other-municipality"),
    Case("outcomes.index", "GET", lambda w, e: f"/outcomes/?municipality={w.muni_far.id}",
         {**OTHER_MUNI, "region": 404}, label="other-region"),
    Case("outcomes.schools", "GET",
         lambda w, e: "/outcomes/schools?set=m:visits:with&cohort=2023", SEE),
    Case("outcomes.schools", "GET", lambda w, e: "/outcomes/schools?set=nonsense",
         {**SEE, **{r: 404 for r in ("admin", "region", "methodist", "viewer")}},
         label="unknown-set"),
    Case("outcomes.export", "GET", lambda w, e: "/outcomes/export.xlsx", SEE),
    Case("outcomes.export", "GET", lambda w, e: f"/outcomes/export.xlsx?municipality={w.muni2.id}",
         OTHER_MUNI, label="other-municipality"),
    # the school card's blocks and trajectory: whoever sees the school
    Case("outcomes.card_block", "GET",
         lambda w, e: f"/outcomes/schools/{w.school_a.id}/blocks/results", SEE_A, htmx=True),
    Case("outcomes.card_block", "GET",
         lambda w, e: f"/outcomes/schools/{w.school_a.id}/blocks/visits", SEE_A,
         label="page"),
    Case("outcomes.card_block", "GET",
         lambda w, e: f"/outcomes/schools/{w.school_b.id}/blocks/results", SEE_B,
         label="other-municipality"),
    Case("outcomes.card_block", "GET",
         lambda w, e: f"/outcomes/schools/{w.school_far.id}/blocks/results",
         {**SEE_B, "region": 404}, label="other-region"),
    Case("outcomes.trajectory", "GET",
         lambda w, e: f"/outcomes/schools/{w.school_a.id}/trajectory", SEE_A, htmx=True),
    Case("outcomes.trajectory", "GET",
         lambda w, e: f"/outcomes/schools/{w.school_b.id}/trajectory", SEE_B,
         label="other-municipality"),
    Case("outcomes.trajectory", "GET",
         lambda w, e: f"/outcomes/schools/{w.institute.id}/trajectory",
         {**SEE_B, "admin": 404, "region": 404}, label="not-a-school"),
]

htmx_gets_ask_to_log_in(CASES)


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)


def test_the_schools_behind_a_figure_are_only_those_in_scope(app, world, extra):
    from tests.conftest import login

    c = login(app.test_client(), world.users["viewer"])
    html = c.get("/outcomes/schools?set=exit:y:2023:shnor&cohort=2023").get_data(as_text=True)
    assert world.school_a.short_name in html and world.school_b.short_name not in html
    c = login(app.test_client(), world.users["viewer_region"])
    html = c.get("/outcomes/schools?set=exit:y:2023:shnor&cohort=2023").get_data(as_text=True)
    assert world.school_a.short_name in html and world.school_b.short_name in html
