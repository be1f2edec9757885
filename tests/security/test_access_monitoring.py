"""Role × endpoint for monitoring: results, identification and approval, risks, indicators.

Objects (built by ``extra``): results of school_a (municipality 1) that the rule flags; an
indicator of municipality 1 (``ind_a``), of municipality 2 (``ind_b``) and of the far region
(``ind_far``); risks of school_a and of school_far; an approval in the far region.
"""
from datetime import date

import pytest

from shnor_app.extensions import db
from shnor_app.models import (
    IdentificationApproval, Indicator, IndicatorScoring, OrderKind, RiskLevel,
)
from shnor_app.services.monitoring import risks

from tests.factories.monitoring import make_low_results
from tests.snapshots import snapshotted
from tests.security.access import (
    Case, far, htmx_gets_ask_to_log_in, matrix_test, out_of_scope_test, redirect, run_case,
)

ALL = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}
SEE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 200, "viewer": 200}
EDIT_RISK = {**SEE, "viewer": 403}
MANAGE = {"admin": 200, "region": 200, "methodist": 200, "tutor": 403, "school": 403,
          "viewer": 403}


def _indicator(muni, code="1.10"):
    ind = Indicator(municipality_id=muni.id, code=code, name="ВПР русский язык 5 класс",
                    source="assessment.share_2", params={"procedure": "VPR"},
                    scoring=IndicatorScoring.BANDS, bands=[{"upto": 30, "points": 1},
                                                           {"upto": None, "points": 0}],
                    dynamics={})
    db.session.add(ind)
    db.session.commit()
    return ind


@pytest.fixture
@snapshotted
def extra(world):
    risks.ensure_federal_factors()
    make_low_results(world.school_a, 2024)
    make_low_results(world.school_far, 2024)
    factor = risks.factors()[0]
    risk_a = risks.set_risk(world.school_a, 2026, factor, RiskLevel.HIGH)
    risk_far = risks.set_risk(world.school_far, 2026, factor, RiskLevel.LOW)
    approval_far = IdentificationApproval(
        year=2023, status_year=2024, region_id=world.region2.id,
        municipality_id=world.muni_far.id, order_kind=OrderKind.ORDER, order_number="1",
        order_date=date(2024, 1, 10), org_ids=[world.school_far.id])
    db.session.add(approval_far)
    db.session.commit()
    return {"ind_a": _indicator(world.muni).id, "ind_b": _indicator(world.muni2).id,
            "ind_far": _indicator(world.muni_far).id, "risk_a": risk_a.id,
            "risk_far": risk_far.id, "factor": factor.id, "approval_far": approval_far.id}


APPROVE = {"org_id": "", "order_kind": "ORDER", "order_number": "79", "order_date": "2025-01-19",
           "confirmed": "1"}

CASES = [
    Case("monitoring.index", "GET", lambda w, e: "/monitoring/", ALL),
    Case("monitoring.index", "GET", lambda w, e: "/monitoring/?year=2024", ALL, htmx=True,
         label="htmx"),
    Case("monitoring.template", "GET", lambda w, e: "/monitoring/import/template.xlsx", ALL),
    Case("monitoring.import_", "GET", lambda w, e: "/monitoring/import", MANAGE),
    Case("monitoring.import_", "POST", lambda w, e: "/monitoring/import",
         {**MANAGE, "admin": 422, "region": 422, "methodist": 422},
         data={"municipality_id": ""}, label="no-file"),
    # a staged file is its uploader's only: an unknown id is «not found» to those who import
    Case("monitoring.import_preview", "GET", lambda w, e: "/monitoring/import/preview?id=nosuch",
         {**MANAGE, "admin": 404, "region": 404, "methodist": 404}),
    Case("monitoring.scales", "GET", lambda w, e: "/monitoring/scales", MANAGE),
    Case("monitoring.scales", "POST", lambda w, e: "/monitoring/scales",
         {**MANAGE, "admin": 422, "region": 422, "methodist": 403},
         data={"year": "", "subject": "", "grade": "", "points": ""}, label="invalid"),
    Case("monitoring.identification", "GET", lambda w, e: "/monitoring/identification?year=2024",
         ALL),
    Case("monitoring.identification", "GET",
         lambda w, e: "/monitoring/identification?year=2024&only=flagged", ALL, htmx=True,
         label="htmx"),
    Case("monitoring.identification_export", "GET",
         lambda w, e: "/monitoring/identification/export.xlsx?year=2024&only=flagged", ALL),
    Case("monitoring.approve", "POST", lambda w, e: "/monitoring/identification/approve?year=2024",
         {"admin": 302, "region": 302, "methodist": 302, "tutor": 403, "school": 403,
          "viewer": 403}, data=lambda w, e: {**APPROVE, "org_id": str(w.school_a.id)}),
    Case("monitoring.school", "GET", lambda w, e: f"/monitoring/schools/{w.school_a.id}", SEE),
    Case("monitoring.school_card", "GET", lambda w, e: f"/monitoring/schools/{w.school_a.id}/card",
         SEE),
    Case("monitoring.school_card", "GET", lambda w, e: f"/monitoring/schools/{w.school_a.id}/card",
         SEE, htmx=True, label="htmx"),
    Case("monitoring.risk_profile", "GET", lambda w, e: f"/monitoring/schools/{w.school_a.id}/risks",
         SEE),
    Case("monitoring.risk_set", "POST",
         lambda w, e: f"/monitoring/schools/{w.school_a.id}/risks/{e['factor']}?year=2026",
         EDIT_RISK, data={"level": "MEDIUM"}, htmx=True),
    Case("monitoring.risk_programme", "POST", lambda w, e: f"/monitoring/risks/{e['risk_a']}/programme",
         redirect(EDIT_RISK)),
    Case("monitoring.risk_frequency", "GET", lambda w, e: "/monitoring/risks", ALL),
    Case("monitoring.indicators", "GET", lambda w, e: "/monitoring/indicators", ALL),
    Case("monitoring.indicators", "GET", lambda w, e: "/monitoring/indicators?sort=name&dir=asc",
         ALL, htmx=True, label="htmx"),
    Case("monitoring.indicators_export", "GET", lambda w, e: "/monitoring/indicators/export.xlsx",
         ALL),
    Case("monitoring.indicator_new", "GET", lambda w, e: "/monitoring/indicators/new", MANAGE),
    Case("monitoring.indicator_edit", "GET",
         lambda w, e: f"/monitoring/indicators/{e['ind_a']}/edit", MANAGE),
    Case("monitoring.indicator_delete", "POST",
         lambda w, e: f"/monitoring/indicators/{e['ind_a']}/delete", redirect(MANAGE)),
]

htmx_gets_ask_to_log_in(CASES)


test_access = matrix_test(CASES)


FAR = far(
    "GET /monitoring/schools/{w.school_far.id}",
    "GET /monitoring/schools/{w.school_far.id}/card",
    "GET /monitoring/schools/{w.school_far.id}/risks",
    "POST /monitoring/schools/{w.school_far.id}/risks/{factor}",
    "POST /monitoring/risks/{risk_far}/programme",
    "GET /monitoring/indicators/{ind_far}/edit",
    "POST /monitoring/indicators/{ind_far}/delete",
    "GET /history/indicators/{ind_far}",
    "GET /history/school_risks/{risk_far}",
    "GET /history/identification_approvals/{approval_far}",
    "GET /files/identification_approvals/{approval_far}",
)


test_monitoring_out_of_scope_answer_404 = out_of_scope_test(FAR, data={"level": "HIGH"})


def test_region_user_cannot_pick_another_regions_municipality(app, world, extra):
    for url in (f"/monitoring/identification?municipality={world.muni_far.id}",
                f"/monitoring/identification/export.xlsx?municipality={world.muni_far.id}",
                f"/monitoring/indicators?municipality={world.muni_far.id}",
                f"/monitoring/?municipality={world.muni_far.id}"):
        case = Case("x", "GET", lambda w, e, u=url: u, {}, default=404)
        assert run_case(app, world, extra, case, "region").status_code == 404, url


def test_methodist_does_not_reach_the_neighbouring_municipalitys_indicator(app, world, extra):
    for method, url in (("GET", f"/monitoring/indicators/{extra['ind_b']}/edit"),
                        ("POST", f"/monitoring/indicators/{extra['ind_b']}/delete")):
        case = Case("x", method, lambda w, e, u=url: u, {}, default=404)
        assert run_case(app, world, extra, case, "methodist").status_code == 404
        assert run_case(app, world, extra, case, "region").status_code in (200, 302)


def test_lists_are_scoped(app, world, extra):
    from tests.conftest import login

    html = login(app.test_client(), world.users["methodist"]).get(
        "/monitoring/identification?year=2024").get_data(as_text=True)
    assert world.school_a.short_name in html and world.school_far.short_name not in html
    assert world.school_b.short_name not in html
    school = login(app.test_client(), world.users["school"]).get(
        "/monitoring/identification?year=2024").get_data(as_text=True)
    assert world.school_a.short_name in school and world.tutor_school.short_name not in school
    assert 'id="approve"' not in school
    region = login(app.test_client(), world.users["region"]).get(
        "/monitoring/identification?year=2024").get_data(as_text=True)
    assert world.school_b.short_name in region and world.school_far.short_name not in region
    xlsx = login(app.test_client(), world.users["methodist"]).get(
        "/monitoring/identification/export.xlsx?year=2024").data
    names = _xlsx_names(xlsx)
    assert world.school_a.short_name in names and world.school_far.short_name not in names
    assert world.school_b.short_name not in names


def _xlsx_names(data: bytes) -> set[str]:
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data), read_only=True).active
    return {row[0] for row in ws.iter_rows(min_row=3, values_only=True)}
