"""Role × object × action for the registry, files, history, admin and account pages."""
import pytest

from shnor_app.extensions import db
from shnor_app.models import SchoolStatusRecord
from shnor_app.services import files as file_service
from sqlalchemy import select

from tests.factories.core import make_staff
from tests.snapshots import snapshotted
from tests.security.access import (
    OUT_OF_SCOPE, assert_out_of_scope, Case, check_case, expand, far, ids, run_case,
)

ALL = {r: 200 for r in ["admin", "region", "methodist", "tutor", "school", "viewer"]}
SEE_A = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 200, "viewer": 200}
MANAGE_A = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 403, "viewer": 403}
STAFF_A = {"admin": 200, "region": 200, "methodist": 200, "tutor": 404, "school": 200, "viewer": 403}
ADMIN_ONLY = {"admin": 200}


def redirect(expect: dict) -> dict:
    """The same expectation where a successful POST answers with a redirect."""
    return {r: (302 if s == 200 else s) for r, s in expect.items()}


@pytest.fixture
@snapshotted
def extra(world):
    """Records hanging on school_a (in scope) and school_far (out of everyone's but admin's)."""
    out = {}
    for key, org in (("a", world.school_a), ("far", world.school_far)):
        out[f"staff_{key}"] = make_staff(org, "Петрова Анна Ивановна").id
        if not db.session.scalar(select(SchoolStatusRecord).where(
                SchoolStatusRecord.organization_id == org.id)):
            db.session.add(SchoolStatusRecord(organization_id=org.id, year=2026,
                                              status="LOW_RESULTS"))
            db.session.commit()
        out[f"status_{key}"] = db.session.scalar(select(SchoolStatusRecord.id).where(
            SchoolStatusRecord.organization_id == org.id))
        att = file_service.store(org, "приказ.pdf", b"%PDF-1.4 test", by=world.users["admin"])
        out[f"file_{key}"] = att.id
    return out


A = lambda w, e: w.school_a.id  # noqa: E731

CASES = [
    Case("home.index", "GET", lambda w, e: "/", ALL),
    # lazy start-page panels: whoever the panel concerns (the content is scoped by the panel)
    Case("home.panel", "GET", lambda w, e: "/panels/monitoring",
         {"admin": 200, "region": 200, "methodist": 200, "viewer": 200}, default=403,
         label="monitoring"),
    Case("home.panel", "GET", lambda w, e: "/panels/monitoring",
         {"anon": 401, "admin": 200, "region": 200, "methodist": 200, "viewer": 200},
         default=403, htmx=True, label="monitoring-htmx"),
    Case("home.panel", "GET", lambda w, e: "/panels/recommendations", ALL, label="recommendations"),
    Case("home.panel", "GET", lambda w, e: "/panels/roadmap-due",
         {"region": 200, "methodist": 200, "tutor": 200, "school": 200}, default=403,
         label="roadmap-due"),
    Case("home.panel", "GET", lambda w, e: "/panels/no-such-panel", {}, default=404,
         label="unknown"),
    Case("auth.login", "GET", lambda w, e: "/login", {"anon": 200}, default=302),
    Case("auth.logout", "POST", lambda w, e: "/logout", {}, default=302),
    Case("auth.change_password", "GET", lambda w, e: "/account/password", ALL),
    Case("registry.organizations", "GET", lambda w, e: "/registry/organizations", ALL),
    Case("registry.organizations", "GET", lambda w, e: "/registry/organizations?q=школа",
         {**ALL, "anon": 401}, htmx=True, label="htmx"),
    Case("registry.organization", "GET", lambda w, e: f"/registry/organizations/{A(w, e)}", SEE_A),
    Case("registry.organization_new", "GET", lambda w, e: "/registry/organizations/new",
         {"admin": 200, "region": 200, "methodist": 200}, default=403),
    Case("registry.organization_edit", "GET",
         lambda w, e: f"/registry/organizations/{A(w, e)}/edit", MANAGE_A),
    Case("registry.organization_delete", "POST",
         lambda w, e: f"/registry/organizations/{A(w, e)}/delete", redirect(MANAGE_A)),
    Case("registry.status_add", "POST", lambda w, e: f"/registry/organizations/{A(w, e)}/statuses",
         redirect(MANAGE_A)),
    Case("registry.status_revoke", "POST", lambda w, e: f"/registry/statuses/{e['status_a']}/revoke",
         redirect(MANAGE_A)),
    Case("registry.staff_list", "GET", lambda w, e: f"/registry/organizations/{A(w, e)}/staff", SEE_A),
    Case("registry.staff_new", "GET", lambda w, e: f"/registry/organizations/{A(w, e)}/staff/new",
         STAFF_A),
    Case("registry.staff_row", "GET", lambda w, e: f"/registry/staff/{e['staff_a']}", SEE_A),
    Case("registry.staff_edit", "GET", lambda w, e: f"/registry/staff/{e['staff_a']}/edit", STAFF_A),
    Case("registry.staff_delete", "POST", lambda w, e: f"/registry/staff/{e['staff_a']}/delete",
         redirect(STAFF_A)),
    Case("registry.territories", "GET", lambda w, e: "/registry/territories", ALL),
    Case("registry.region_form", "GET", lambda w, e: "/registry/regions/new", ADMIN_ONLY,
         default=403, label="new"),
    Case("registry.region_form", "GET", lambda w, e: f"/registry/regions/{w.region.id}/edit",
         ADMIN_ONLY, default=403, label="edit"),
    Case("registry.municipality_form", "GET", lambda w, e: "/registry/municipalities/new",
         {"admin": 200, "region": 200}, default=403, label="new"),
    Case("registry.municipality_form", "GET",
         lambda w, e: f"/registry/municipalities/{w.muni.id}/edit",
         {"admin": 200, "region": 200}, default=403, label="edit"),
    Case("files.list_for", "GET", lambda w, e: f"/files/organizations/{A(w, e)}", SEE_A),
    # no file sent: those who may upload get the page again with «Выберите файл.»
    Case("files.upload", "POST", lambda w, e: f"/files/organizations/{A(w, e)}",
         {r: (422 if s == 200 else s) for r, s in STAFF_A.items()}),
    Case("files.download", "GET", lambda w, e: f"/files/download/{e['file_a']}", SEE_A),
    Case("files.delete", "POST", lambda w, e: f"/files/delete/{e['file_a']}", redirect(MANAGE_A)),
    Case("history.object_history", "GET",
         lambda w, e: f"/history/organizations/{A(w, e)}", SEE_A),
    Case("admin.users", "GET", lambda w, e: "/admin/users", ADMIN_ONLY, default=403),
    Case("admin.user_form", "GET", lambda w, e: "/admin/users/new", ADMIN_ONLY, default=403,
         label="new"),
    Case("admin.user_form", "GET", lambda w, e: f"/admin/users/{w.users['school'].id}/edit",
         ADMIN_ONLY, default=403, label="edit"),
    Case("admin.user_reset_password", "POST",
         lambda w, e: f"/admin/users/{w.users['school'].id}/reset-password", ADMIN_ONLY, default=403),
    Case("admin.user_set_active", "POST",
         lambda w, e: f"/admin/users/{w.users['viewer_region'].id}/active", {"admin": 302},
         default=403),
    Case("admin.audit_log", "GET", lambda w, e: "/admin/audit", ADMIN_ONLY, default=403),
]


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)


# Objects found by guessing ids: another region's school and everything hanging on it.
FAR = far(
    "GET /registry/organizations/{w.school_far.id}",
    "GET /registry/organizations/{w.school_far.id}/edit",
    "POST /registry/organizations/{w.school_far.id}/delete",
    "POST /registry/organizations/{w.school_far.id}/statuses",
    "POST /registry/statuses/{status_far}/revoke",
    "GET /registry/organizations/{w.school_far.id}/staff",
    "GET /registry/staff/{staff_far}",
    "GET /registry/staff/{staff_far}/edit",
    "POST /registry/staff/{staff_far}/delete",
    "GET /files/organizations/{w.school_far.id}",
    "POST /files/organizations/{w.school_far.id}",
    "GET /files/download/{file_far}",
    "POST /files/delete/{file_far}",
    "GET /history/organizations/{w.school_far.id}",
    "GET /registry/municipalities/{w.muni_far.id}/edit",
)


@pytest.mark.parametrize("role", OUT_OF_SCOPE)
def test_objects_out_of_scope_answer_404(app, world, extra, role):
    assert_out_of_scope(app, world, extra, FAR, role)


def test_region_user_sees_other_municipalities_of_its_region_but_methodist_does_not(app, world, extra):
    case = Case("x", "GET", lambda w, e: f"/registry/organizations/{w.school_b.id}", {}, default=0)
    assert run_case(app, world, extra, case, "region").status_code == 200
    assert run_case(app, world, extra, case, "methodist").status_code == 404
    assert run_case(app, world, extra, case, "viewer").status_code == 404


def test_methodist_reads_regional_organisations_but_cannot_edit_them(app, world, extra):
    see = Case("x", "GET", lambda w, e: f"/registry/organizations/{w.institute.id}", {}, default=0)
    edit = Case("x", "GET", lambda w, e: f"/registry/organizations/{w.institute.id}/edit", {}, default=0)
    assert run_case(app, world, extra, see, "methodist").status_code == 200
    assert run_case(app, world, extra, edit, "methodist").status_code == 403


def test_refused_access_is_logged(app, world, extra):
    from shnor_app.models import AuditAction, AuditEntry

    case = Case("x", "GET", lambda w, e: f"/registry/organizations/{w.school_far.id}", {}, default=0)
    run_case(app, world, extra, case, "school")
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == AuditAction.ACCESS_DENIED))
    assert entry is not None and str(world.school_far.id) in entry.message
