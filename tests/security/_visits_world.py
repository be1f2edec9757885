"""Objects shared by the access matrices of visits and mentoring.

- ``pair_a``: the tutor school (the ``tutor`` user's) mentors school_a; ``step_a`` is its step;
- ``pair_other``: another tutor school of municipality 1 mentors school_a — the ``tutor`` user
  is outside it (cross-partnership: 404);
- ``pair_far``: a pair in another region;
- ``visit_a``: the tutor school's visit to school_a, with recommendations ``rec_a`` (open) and
  ``rec_reported`` (the school has answered);
- ``visit_other``: the other tutor school's visit to school_a; ``visit_far``: another region.
"""
from datetime import timedelta

from shnor_app.models import OrgKind, PairKind, Visit, VisitKind, VisitVisitor
from shnor_app.extensions import db
from shnor_app.services import mentoring as msvc
from shnor_app.services import recommendations as rsvc
from shnor_app.formatting import today

from tests.conftest import make_org


def _pair(mentor, mentee):
    return msvc.save_pair(None, msvc.PairData(
        kind=PairKind.SCHOOL, mentee_org=mentee, mentor_org=mentor, goals="Цели",
        start_date=today() - timedelta(days=30)), by=None)


def _visit(school, org):
    v = Visit(kind=VisitKind.METHODICAL, visit_date=today() - timedelta(days=3),
              school_id=school.id, visiting_org_id=org.id, purpose="Цель", findings="Выводы")
    v.visitors = [VisitVisitor(position=0, full_name="Иванова Мария Петровна", job_title="")]
    db.session.add(v)
    db.session.commit()
    return v


def build(world) -> dict:
    other_tutor = make_org(world.muni, short_name="МБОУ «Лицей № 4»", statuses=["TUTOR"])
    far_tutor = make_org(world.muni_far, short_name="Дальняя гимназия", statuses=["TUTOR"])
    pair_a = _pair(world.tutor_school, world.school_a)
    step = msvc.add_step(pair_a, text="Диагностика", due_date=today())
    visit_a = _visit(world.school_a, world.tutor_school)
    rec = rsvc.add("visit", visit_a, {"text": "Открытая", "due_date": today()})
    reported = rsvc.add("visit", visit_a, {"text": "Отвеченная", "due_date": today()})
    rsvc.report(reported, text="Сделано", by=world.users["school"])
    return {
        "pair_a": pair_a.id, "step_a": step.id,
        "pair_other": _pair(other_tutor, world.school_a).id,
        "pair_far": _pair(far_tutor, world.school_far).id,
        "visit_a": visit_a.id, "rec_a": rec.id, "rec_reported": reported.id,
        "visit_other": _visit(world.school_a, other_tutor).id,
        "visit_far": _visit(world.school_far, far_tutor).id,
        "school_a": world.school_a.id, "kind": OrgKind.SCHOOL,
    }
