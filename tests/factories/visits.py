"""Mentoring pairs, visits, and the world of the visits and mentoring access matrices."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shnor_app.extensions import db
from shnor_app.formatting import today
from shnor_app.models import MentoringPair, PairKind, Visit, VisitKind, VisitVisitor
from shnor_app.services import mentoring as mentoring_svc
from shnor_app.services import recommendations as rec_svc

from tests.factories.core import make_org


def make_pair(mentee_org, mentor_org, *, kind=PairKind.SCHOOL, goals="Подготовка к ОГЭ",
              days_ago=30, by=None, **over) -> MentoringPair:
    """``mentor_org`` mentors ``mentee_org`` since ``days_ago`` days."""
    data = dict(kind=kind, mentee_org=mentee_org, mentor_org=mentor_org, goals=goals,
                start_date=today() - timedelta(days=days_ago))
    data.update(over)
    return mentoring_svc.save_pair(None, mentoring_svc.PairData(**data), by=by)


def make_tutor_pair(world) -> MentoringPair:
    """The tutor school mentors school_a (so the tutor sees school_a)."""
    return make_pair(world.school_a, world.tutor_school, goals="Повышение качества",
                     days_ago=60, by=world.users["methodist"])


def make_visit(school, by_org, *, day=None, purpose="Цель", kind=VisitKind.METHODICAL,
               findings=None, visitors=()) -> Visit:
    """A visit of ``by_org`` to ``school`` (three days ago by default); ``visitors`` are names."""
    v = Visit(kind=kind, visit_date=day or today() - timedelta(days=3), school_id=school.id,
              visiting_org_id=by_org.id, purpose=purpose, findings=findings)
    v.visitors = [VisitVisitor(position=i, full_name=name, job_title="")
                  for i, name in enumerate(visitors)]
    db.session.add(v)
    db.session.commit()
    return v


def visit_form(world, **over) -> dict:
    """The visit form as the tutor fills it in: school_a, two visitors, a lesson; ``day``
    replaces the date, other keys replace fields."""
    day = over.pop("day", today())
    data = {
        "kind": "LESSONS", "visit_date": day.isoformat(), "school_id": str(world.school_a.id),
        "visiting_org_id": str(world.tutor_school.id), "purpose": "Посещение уроков математики",
        "visitors-a1-user_id": str(world.users["tutor"].id),
        "visitors-a1-full_name": world.users["tutor"].full_name,
        "visitors-a1-job_title": "заместитель директора",
        "visitors-b2-full_name": "Сидорова Анна Ивановна", "visitors-b2-job_title": "учитель математики",
        "lessons-l1-teacher": "Петрова Ольга Ивановна", "lessons-l1-subject": "Математика",
        "lessons-l1-grade": "7 «Б»", "lessons-l1-focus": "Работа со слабыми учениками",
        "lessons-l1-assessment": "Урок выстроен, но нет дифференциации",
        "lessons-l2-teacher": "", "lessons-l2-subject": "",
        "consultations": "Консультация для учителей математики",
        "documents_reviewed": "Рабочая программа по математике",
        "findings": "Низкая мотивация обучающихся 7-х классов",
    }
    data.update(over)
    return data


@dataclass
class VisitsWorld:
    """Ids of the records the access matrices of visits and mentoring ask about.

    - ``pair_a``: the tutor school (the ``tutor`` user's) mentors school_a; ``step_a`` is its
      step;
    - ``pair_other``: another tutor school of municipality 1 mentors school_a — the ``tutor``
      user is outside it (cross-partnership: 404);
    - ``pair_far``: a pair in another region;
    - ``visit_a``: the tutor school's visit to school_a, with recommendations ``rec_a`` (open)
      and ``rec_reported`` (the school has answered);
    - ``visit_other``: the other tutor school's visit to school_a; ``visit_far``: another
      region.
    """

    pair_a: int
    step_a: int
    pair_other: int
    pair_far: int
    visit_a: int
    rec_a: int
    rec_reported: int
    visit_other: int
    visit_far: int
    school_a: int


def visits_world(world) -> VisitsWorld:
    other_tutor = make_org(world.muni, short_name="МБОУ «Лицей № 4»", statuses=["TUTOR"])
    far_tutor = make_org(world.muni_far, short_name="Дальняя гимназия", statuses=["TUTOR"])
    pair_a = make_pair(world.school_a, world.tutor_school, goals="Цели")
    step = mentoring_svc.add_step(pair_a, text="Диагностика", due_date=today())

    def visit(school, org):
        return make_visit(school, org, findings="Выводы", visitors=["Иванова Мария Петровна"])

    visit_a = visit(world.school_a, world.tutor_school)
    rec = rec_svc.add("visit", visit_a, {"text": "Открытая", "due_date": today()})
    reported = rec_svc.add("visit", visit_a, {"text": "Отвеченная", "due_date": today()})
    rec_svc.report(reported, text="Сделано", by=world.users["school"])
    return VisitsWorld(
        pair_a=pair_a.id, step_a=step.id,
        pair_other=make_pair(world.school_a, other_tutor, goals="Цели").id,
        pair_far=make_pair(world.school_far, far_tutor, goals="Цели").id,
        visit_a=visit_a.id, rec_a=rec.id, rec_reported=reported.id,
        visit_other=visit(world.school_a, other_tutor).id,
        visit_far=visit(world.school_far, far_tutor).id,
        school_a=world.school_a.id)
