"""Writes for courses: topics, the catalogue, enrollments, development plans (ИОМ).

Every write function validates, changes and commits (audit entries come from
``services.audit`` in the same transaction); a broken rule raises :class:`CourseError` with a
Russian message, the session is rolled back (:func:`~services.errors.transactional`) and nothing
is saved. The ``save_…`` functions take the record and, as keywords, the values a form gives
(``save_course(course, title=…, hours=…)``): set, checked and written together. Routes, the
import, the CLI and the demo come here.

Rules:

* hours are a positive integer; the end of a course is not before its start; capacity, when
  given, is a positive integer;
* a course with enrollments cannot be deleted — it is archived (no new enrollments then);
* a certificate number is unique per provider (``Enrollment.provider_key`` copied from the
  course, held by a unique constraint as well); a completion date is required for «завершил»,
  is not before the course start and not in the future; a certificate number or a completion
  date is only given for «завершил»;
* one live enrollment per teacher and course; a teacher who left cannot be enrolled; the number
  of live enrollments (not «не завершил») does not exceed the capacity — enrolling many teachers
  at once is all or nothing;
* a completed enrollment closes the open course activities of the teacher's development plans
  for that course (:func:`close_matching_activities`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import (
    ActivityKind, Course, CourseTopic, DevelopmentPlan, Enrollment, EnrollmentStatus,
    Organization, PlanActivity, PlanDeficit, PlanKind, StaffMember, User,
)
from ...formatting import fmt_date, today
from ...reference_data import COURSE_TOPICS
from ..errors import ServiceError, transactional
from ..records import erase, save, soft_delete, store

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "title": "Наименование", "provider_kind": "Вид организатора", "provider_name": "Организатор",
    "provider_org_id": "Организатор (из реестра)", "hours": "Часы", "topic_id": "Направление",
    "format": "Форма обучения", "start_date": "Начало", "end_date": "Окончание",
    "capacity": "Мест", "archived": "В архиве", "course_id": "Курс",
    "staff_member_id": "Педагог", "completed_on": "Дата окончания",
    "certificate_number": "Номер удостоверения", "provider_key": "Организатор (ключ)",
    "low_achievers": "Работа со слабоуспевающими", "goal": "Цель",
    "due_date": "Срок", "done_on": "Выполнено", "result": "Результат",
    "closed_by_enrollment_id": "Закрыто записью на курс", "plan_id": "ИОМ",
}


class CourseError(ServiceError):
    """A course rule was broken; the message is Russian and shown to the user."""


DEFAULT_TOPICS = COURSE_TOPICS  # the courses migration seeds the same list


def _assign(record, values: dict) -> None:
    """Set the values a form gives (column name → value) on ``record`` before it is checked."""
    for name, value in values.items():
        if not hasattr(type(record), name):
            raise TypeError(f"{type(record).__name__} has no field «{name}»")
        setattr(record, name, value)


def ensure_default_topics(commit: bool = True) -> list[CourseTopic]:
    """The starting list of topic areas (the migration inserts it; tests and demo call this)."""
    have = {t.name for t in db.session.scalars(select(CourseTopic))}
    for i, (name, low) in enumerate(DEFAULT_TOPICS.items(), start=1):
        if name not in have:
            db.session.add(CourseTopic(name=name, low_achievers=low, position=i * 10))
    save(commit)
    return topics()


def topics(active_only: bool = False) -> list[CourseTopic]:
    stmt = select(CourseTopic).order_by(CourseTopic.position, CourseTopic.name)
    if active_only:
        stmt = stmt.where(CourseTopic.active.is_(True))
    return list(db.session.scalars(stmt))


@transactional
def save_topic(topic: CourseTopic, *, is_new: bool = False, **values) -> CourseTopic:
    with db.session.no_autoflush:
        _assign(topic, values)
        topic.name = " ".join((topic.name or "").split())
        if not topic.name:
            raise CourseError(fields={"name": "Укажите название направления."})
        # Compared in Python: SQLite's lower() does not fold Cyrillic, and the list is short.
        clash = next((t for t in db.session.scalars(select(CourseTopic))
                      if t.name.casefold() == topic.name.casefold() and t.id != topic.id), None)
    if clash is not None:
        raise CourseError(fields={"name": f"Направление «{clash.name}» уже есть."})
    if is_new:
        if topic.position is None:
            topic.position = (db.session.scalar(select(func.max(CourseTopic.position))) or 0) + 10
        db.session.add(topic)
    db.session.commit()
    return topic


# --------------------------------------------------------------------------- catalogue


def live_enrollments(course_id: int):
    return select(func.count()).select_from(Enrollment).where(
        Enrollment.course_id == course_id, Enrollment.deleted_at.is_(None))


def enrollment_counts(course_ids) -> dict[int, dict[str, int]]:
    """{course_id: {"total": n, "completed": n}} in one query."""
    ids = list(course_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.course_id, Enrollment.status, func.count())
        .where(Enrollment.course_id.in_(ids), Enrollment.deleted_at.is_(None))
        .group_by(Enrollment.course_id, Enrollment.status))
    out: dict[int, dict[str, int]] = {}
    for course_id, status, n in rows:
        d = out.setdefault(course_id, {"total": 0, "completed": 0, "taken": 0})
        d["total"] += n
        if status == EnrollmentStatus.COMPLETED:
            d["completed"] += n
        if status != EnrollmentStatus.NOT_COMPLETED:
            d["taken"] += n
    return out


def _validate_course(course: Course) -> None:
    course.title = " ".join((course.title or "").split())
    course.provider_name = " ".join((course.provider_name or "").split())
    if not course.title:
        raise CourseError("Укажите название курса.")
    if not course.provider_name and course.provider_org_id:
        org = db.session.get(Organization, course.provider_org_id)
        course.provider_name = org.short_name if org else ""
    if not course.provider_name:
        raise CourseError("Укажите организатора курса.")
    if not isinstance(course.hours, int) or isinstance(course.hours, bool) or course.hours <= 0:
        raise CourseError("Количество часов — целое положительное число.")
    if course.capacity is not None and course.capacity <= 0:
        raise CourseError("Количество мест — целое положительное число (или оставьте пустым).")
    if course.start_date and course.end_date and course.end_date < course.start_date:
        raise CourseError("Дата окончания курса не может быть раньше даты начала.")
    if course.topic_id is None or db.session.get(CourseTopic, course.topic_id) is None:
        raise CourseError("Выберите направление курса.")


@transactional
def save_course(course: Course, *, is_new: bool = False, **values) -> Course:
    with db.session.no_autoflush:
        _assign(course, values)
        _validate_course(course)
        if not is_new:
            _check_course_against_enrollments(course)
    if is_new:
        db.session.add(course)
    else:
        for e in db.session.scalars(select(Enrollment).where(Enrollment.course_id == course.id)):
            e.provider_key = course.provider_key
    _commit("Удостоверение с таким номером у этого организатора уже есть — проверьте организатора.")
    return course


def _check_course_against_enrollments(course: Course) -> None:
    if course.start_date:
        early = db.session.scalar(select(func.min(Enrollment.completed_on)).where(
            Enrollment.course_id == course.id, Enrollment.deleted_at.is_(None)))
        if early and early < course.start_date:
            raise CourseError(
                f"Курс не может начинаться позже {fmt_date(early)}: в этот день его уже "
                "завершил один из слушателей.")
    if course.capacity:
        taken = enrollment_counts([course.id]).get(course.id, {}).get("taken", 0)
        if taken > course.capacity:
            raise CourseError(f"Уже записано {taken} — мест не может быть меньше.")


@transactional
def set_archived(course: Course, archived: bool) -> Course:
    course.archived = archived
    db.session.commit()
    return course


@transactional
def delete_course(course: Course) -> None:
    n = db.session.scalar(live_enrollments(course.id))
    if n:
        raise CourseError(
            f"Курс нельзя удалить: на него записано {n} чел. Отправьте его в архив — "
            "он останется в отчётах, но новых записей не будет.")
    soft_delete(course)


# --------------------------------------------------------------------------- enrollments


def _commit(conflict_message: str) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CourseError(conflict_message) from None


def certificate_holder(provider_key: str, number: str, exclude_id: int | None = None):
    return db.session.scalar(select(Enrollment).where(
        Enrollment.provider_key == provider_key, Enrollment.certificate_number == number,
        Enrollment.id != (exclude_id or 0)))


def validate_result(course: Course, status: EnrollmentStatus, completed_on: date | None,
                    certificate: str | None, *, on: date | None = None) -> list[str]:
    """Problems of a status / completion date / certificate combination (Russian)."""
    problems = []
    on = on or today()
    if status == EnrollmentStatus.COMPLETED:
        if completed_on is None:
            problems.append("Для статуса «завершил» укажите дату окончания.")
        elif course.start_date and completed_on < course.start_date:
            problems.append(f"Дата окончания ({fmt_date(completed_on)}) не может быть раньше "
                            f"начала курса ({fmt_date(course.start_date)}).")
        elif completed_on > on:
            problems.append("Дата окончания не может быть в будущем.")
    else:
        if completed_on is not None:
            problems.append("Дата окончания указывается только для статуса «завершил».")
        if certificate:
            problems.append("Номер удостоверения указывается только для статуса «завершил».")
    return problems


def _clean_certificate(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _check_certificate(provider_key: str, number: str | None, exclude_id: int | None) -> None:
    if not number:
        return
    with db.session.no_autoflush:
        holder = certificate_holder(provider_key, number, exclude_id)
    if holder is not None:
        raise CourseError(
            f"Удостоверение № {number} этого организатора уже записано: "
            f"{holder.staff_member.full_name} ({holder.organization.short_name}).")


@transactional
def update_enrollment(enrollment: Enrollment, *, status: EnrollmentStatus,
                      completed_on: date | None, certificate_number: str | None,
                      note: str | None = None, by: User | None = None) -> Enrollment:
    certificate = _clean_certificate(certificate_number)
    problems = validate_result(enrollment.course, status, completed_on, certificate)
    if problems:
        raise CourseError(" ".join(problems))
    _check_certificate(enrollment.course.provider_key, certificate, enrollment.id)
    enrollment.status = status
    enrollment.completed_on = completed_on
    enrollment.certificate_number = certificate
    enrollment.provider_key = enrollment.course.provider_key
    if note is not None:
        enrollment.note = note.strip()[:500] or None
    db.session.flush()
    close_matching_activities(enrollment)
    _commit("Удостоверение с таким номером у этого организатора уже есть.")
    return enrollment


def _check_can_enroll(course: Course, members: list[StaffMember], on: date) -> None:
    if course.archived or course.deleted_at is not None:
        raise CourseError("Курс в архиве: новых записей на него нет.")
    if not members:
        raise CourseError("Отметьте хотя бы одного педагога.")
    problems = []
    already = set(db.session.scalars(select(Enrollment.staff_member_id).where(
        Enrollment.course_id == course.id, Enrollment.deleted_at.is_(None),
        Enrollment.staff_member_id.in_([m.id for m in members]))))
    for m in members:
        if not m.employed_on(on):
            problems.append(f"{m.full_name} не работает в школе — записать нельзя.")
        elif m.id in already:
            problems.append(f"{m.full_name} уже записан(а) на этот курс.")
    if problems:
        raise CourseError(" ".join(problems))
    if course.capacity:
        taken = enrollment_counts([course.id]).get(course.id, {}).get("taken", 0)
        if taken + len(members) > course.capacity:
            free = max(0, course.capacity - taken)
            raise CourseError(f"На курсе {course.capacity} мест, свободно {free}, "
                              f"а отмечено {len(members)}. Никто не записан.")


@transactional
def enroll(course: Course, members: list[StaffMember], *, by: User | None = None,
           status: EnrollmentStatus = EnrollmentStatus.APPLIED) -> list[Enrollment]:
    """Enroll one or many teachers: all of them or, on any problem, none."""
    _check_can_enroll(course, members, today())
    out = []
    for m in members:
        e = Enrollment(course_id=course.id, staff_member_id=m.id, organization_id=m.organization_id,
                       status=status, provider_key=course.provider_key,
                       created_by_id=getattr(by, "id", None))
        db.session.add(e)
        out.append(e)
    db.session.commit()
    return out


delete_enrollment = soft_delete


# --------------------------------------------------------------------------- plans (ИОМ)


def close_matching_activities(enrollment: Enrollment) -> int:
    """A completed enrollment closes the open course activities for that course of the
    teacher's plans (a teacher's own ИОМ, or an activity of a team plan assigned to them)."""
    if enrollment.status != EnrollmentStatus.COMPLETED or enrollment.completed_on is None:
        return 0
    acts = db.session.scalars(
        select(PlanActivity).join(DevelopmentPlan, DevelopmentPlan.id == PlanActivity.plan_id)
        .where(PlanActivity.kind == ActivityKind.COURSE,
               PlanActivity.course_id == enrollment.course_id,
               PlanActivity.done_on.is_(None), DevelopmentPlan.deleted_at.is_(None),
               or_(PlanActivity.staff_member_id == enrollment.staff_member_id,
                   (PlanActivity.staff_member_id.is_(None)
                    & (DevelopmentPlan.staff_member_id == enrollment.staff_member_id))))).all()
    for act in acts:
        act.done_on = enrollment.completed_on
        act.closed_by_enrollment_id = enrollment.id
        number = f", удостоверение № {enrollment.certificate_number}" \
            if enrollment.certificate_number else ""
        act.result = act.result or f"Курс завершён {fmt_date(enrollment.completed_on)}{number}."
    return len(acts)


def _completed_enrollment_for(act: PlanActivity, plan: DevelopmentPlan) -> Enrollment | None:
    staff_id = act.staff_member_id or plan.staff_member_id
    if act.kind != ActivityKind.COURSE or not act.course_id or not staff_id:
        return None
    return db.session.scalar(select(Enrollment).where(
        Enrollment.course_id == act.course_id, Enrollment.staff_member_id == staff_id,
        Enrollment.status == EnrollmentStatus.COMPLETED, Enrollment.deleted_at.is_(None))
        .order_by(Enrollment.completed_on.desc()).limit(1))


@transactional
def save_plan(plan: DevelopmentPlan, *, is_new: bool = False, **values) -> DevelopmentPlan:
    _assign(plan, values)
    plan.title = " ".join((plan.title or "").split())
    if plan.kind == PlanKind.TEACHER:
        member = db.session.get(StaffMember, plan.staff_member_id) if plan.staff_member_id else None
        if member is None or member.organization_id != plan.organization_id:
            raise CourseError("Выберите педагога школы, для которого составлен ИОМ.")
        if not plan.title:
            plan.title = f"ИОМ педагога: {member.full_name}"
    else:
        plan.staff_member_id = None
        if not plan.title:
            org = db.session.get(Organization, plan.organization_id)
            plan.title = f"ИОМ управленческой команды: {org.short_name if org else ''}".strip()
    if plan.period_start and plan.period_end and plan.period_end < plan.period_start:
        raise CourseError("Окончание периода не может быть раньше начала.")
    return store(plan, is_new=is_new)


delete_plan = soft_delete


@transactional
def add_deficit(plan: DevelopmentPlan, kind, description: str) -> PlanDeficit:
    description = (description or "").strip()
    if not description:
        raise CourseError("Опишите дефицит.")
    d = PlanDeficit(plan_id=plan.id, kind=kind, description=description)
    db.session.add(d)
    db.session.commit()
    return d


delete_deficit = erase


def _validate_activity(act: PlanActivity, plan: DevelopmentPlan) -> None:
    act.title = " ".join((act.title or "").split())
    if act.kind == ActivityKind.COURSE:
        course = db.session.get(Course, act.course_id) if act.course_id else None
        if course is None or course.deleted_at is not None:
            raise CourseError("Для курса выберите его из каталога.")
        act.title = act.title or course.title
    else:
        act.course_id = None
    if not act.title:
        raise CourseError("Укажите, что планируется.")
    if act.staff_member_id:
        member = db.session.get(StaffMember, act.staff_member_id)
        if member is None or member.organization_id != plan.organization_id:
            raise CourseError("Участник должен быть сотрудником школы.")
    if act.done_on and act.done_on > today():
        raise CourseError("Дата выполнения не может быть в будущем.")


@transactional
def save_activity(act: PlanActivity, plan: DevelopmentPlan, *, is_new: bool = False,
                  **values) -> PlanActivity:
    with db.session.no_autoflush:
        _assign(act, values)
        _validate_activity(act, plan)
    if is_new:
        act.plan_id = plan.id
        db.session.add(act)
    if act.done_on is None:
        act.closed_by_enrollment_id = None
        enrollment = _completed_enrollment_for(act, plan)
        if enrollment is not None:  # the course is already behind the teacher
            act.done_on = enrollment.completed_on
            act.closed_by_enrollment_id = enrollment.id
    db.session.commit()
    return act


@transactional
def set_activity_done(act: PlanActivity, done: bool, result: str | None = None) -> PlanActivity:
    act.done_on = today() if done else None
    if not done:
        act.closed_by_enrollment_id = None
    if result is not None:
        act.result = result.strip() or None
    db.session.commit()
    return act


delete_activity = erase


@dataclass
class PlanProgress:
    total: int
    done: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def plan_progress(plan_ids, on: date) -> dict[int, PlanProgress]:
    ids = list(plan_ids)
    out = {i: PlanProgress(0, 0, 0) for i in ids}
    if not ids:
        return out
    overdue = case((PlanActivity.done_on.is_(None) & (PlanActivity.due_date < on), 1), else_=0)
    for plan_id, n, done, late in db.session.execute(
            select(PlanActivity.plan_id, func.count(), func.count(PlanActivity.done_on),
                   func.coalesce(func.sum(overdue), 0))
            .where(PlanActivity.plan_id.in_(ids)).group_by(PlanActivity.plan_id)):
        out[plan_id] = PlanProgress(n, done, int(late))
    return out
