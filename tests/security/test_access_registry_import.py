"""Role × action for the registry's import page, its previews and a person's personal data."""
import pytest

from shnor_app.extensions import db
from shnor_app.services import uploads

from tests.factories.core import make_staff
from tests.registry_files import REGISTRY_HEADER, STAFF_HEADER, registry_row, staff_row, table_bytes
from tests.security.access import Case, check_case, expand, ids

REGISTRY = {"admin": 200, "region": 200}
STAFF = {"admin": 200, "region": 200, "methodist": 200, "school": 200}
EITHER = {**STAFF}
# a kept file is its uploader's (the admin's): others who may import are told it is not there
OWN_REGISTRY = {"admin": 200, "region": 404}
OWN_STAFF = {"admin": 200, "region": 404, "methodist": 404, "school": 404}
EDITS_A = {"admin": 200, "region": 200, "methodist": 200, "school": 200, "tutor": 404}


def redirect(expect: dict) -> dict:
    return {r: (302 if s == 200 else s) for r, s in expect.items()}


@pytest.fixture
def extra(world):
    admin = world.users["admin"]
    reg = uploads.stage(admin, "registry", "reestr.csv", table_bytes(
        REGISTRY_HEADER, [registry_row(name="СОШ № 77", n=77)]), {"region": "", "choices": {}})
    staff = uploads.stage(admin, "staff", "staff.csv", table_bytes(
        STAFF_HEADER, [staff_row("Новикова Ольга Петровна", school=world.school_a.short_name)]),
        {"school_id": None, "mark_left": False})
    member = make_staff(world.school_a, "Петрова Анна Ивановна", snils="11223344595")
    db.session.commit()
    return {"registry": reg.id, "staff": staff.id, "member": member.id}


CASES = [
    Case("registry.import_page", "GET", lambda w, e: "/registry/import", EITHER, default=403),
    Case("registry.import_registry_upload", "POST", lambda w, e: "/registry/import/registry",
         {"admin": 422, "region": 422}, default=403, label="no file"),
    Case("registry.import_staff_upload", "POST", lambda w, e: "/registry/import/staff",
         {r: 422 for r in STAFF}, default=403, label="no file"),
    Case("registry.import_preview", "GET",
         lambda w, e: f"/registry/import/registry/{e['registry']}", OWN_REGISTRY, default=403),
    Case("registry.import_preview", "GET",
         lambda w, e: f"/registry/import/staff/{e['staff']}", OWN_STAFF, default=403,
         label="staff"),
    Case("registry.import_preview", "GET",
         lambda w, e: "/registry/import/nothing/x", {}, default=404, label="unknown kind"),
    Case("registry.import_choices", "POST",
         lambda w, e: f"/registry/import/registry/{e['registry']}/choices",
         redirect(OWN_REGISTRY), default=403),
    Case("registry.import_confirm", "POST",
         lambda w, e: f"/registry/import/staff/{e['staff']}/confirm", redirect(OWN_STAFF),
         default=403),
    Case("registry.staff_personal", "GET", lambda w, e: f"/registry/staff/{e['member']}/personal",
         EDITS_A, default=403),
]


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)
