"""Writes and reads for mentoring pairs and their plans.

Every write validates, changes and commits (the audit listener records before → after); a
broken rule raises :class:`MentoringError` with a Russian message and changes nothing.

Rules:

* teacher ↔ teacher: both teachers are staff members of the registry, the mentee works at the
  mentee school and is not the mentor; the mentor's organisation is the mentor's employer;
* tutor school ↔ school: the mentor organisation is another organisation than the school;
* curator ↔ management team: a curator (a user) is named;
* the end is not before the start; a pair is closed (завершено / прекращено) only with a
  closing result;
* a plan step has a text; it is done when it has a completion date, never in the future.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from ...extensions import db
from ...models import (
    MentoringPair, MentoringStep, Organization, PairKind, PairStatus, StaffMember, User,
)
from ...formatting import fmt_date, today
from ..errors import ServiceError, transactional
from ..records import live, soft_delete

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "mentor_org_id": "Организация наставника", "mentee_org_id": "Школа наставляемого",
    "mentor_staff_id": "Наставник", "mentee_staff_id": "Наставляемый", "curator_id": "Куратор",
    "goals": "Цели", "start_date": "Начало", "end_date": "Окончание", "result": "Итог",
    "due_date": "Срок", "done_on": "Выполнено", "pair_id": "Пара наставничества",
}


class MentoringError(ServiceError):
    """A mentoring rule was broken; the message is Russian and shown to the user."""


def _clean(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


@dataclass
class PairData:
    kind: PairKind
    mentee_org: Organization
    mentor_org: Organization | None = None
    mentor_staff: StaffMember | None = None
    mentee_staff: StaffMember | None = None
    curator: User | None = None
    goals: str = ""
    start_date: date | None = None
    end_date: date | None = None
    status: PairStatus = PairStatus.ACTIVE
    result: str = ""
    note: str = ""


def _check(data: PairData) -> None:
    if data.mentee_org is None or not data.mentee_org.is_school:
        raise MentoringError(fields={
            "mentee_org_id": "Выберите школу, которую сопровождает наставник."})
    if data.kind == PairKind.TEACHER:
        if data.mentor_staff is None or data.mentee_staff is None:
            raise MentoringError("Выберите наставника и наставляемого педагога из реестра.")
        if data.mentor_staff.id == data.mentee_staff.id:
            raise MentoringError("Наставник и наставляемый — разные люди.")
        if data.mentee_staff.organization_id != data.mentee_org.id:
            raise MentoringError(fields={
                "mentee_staff_id": "Наставляемый педагог должен работать в выбранной школе."})
        data.mentor_org = data.mentor_staff.organization
    elif data.kind == PairKind.SCHOOL:
        if data.mentor_org is None:
            raise MentoringError("Выберите школу-тьютора (организацию-наставника).")
        if data.mentor_org.id == data.mentee_org.id:
            raise MentoringError("Школа не может быть наставником самой себе.")
    elif data.curator is None:
        raise MentoringError(fields={"curator_id": "Укажите куратора управленческой команды."})
    if not _clean(data.goals):
        raise MentoringError(fields={"goals": "Сформулируйте цели наставничества."})
    if data.start_date is None:
        raise MentoringError(fields={"start_date": "Укажите дату начала."})
    if data.end_date is not None and data.end_date < data.start_date:
        raise MentoringError(fields={"end_date": "Окончание не может быть раньше начала."})
    if data.status.closed and not _clean(data.result):
        raise MentoringError(fields={
            "result": "Закрывая наставничество, опишите итог (результат)."})


@transactional
def save_pair(pair: MentoringPair | None, data: PairData, *, by: User | None) -> MentoringPair:
    """Create (``pair`` is None) or change a pair; all or nothing."""
    _check(data)
    with db.session.no_autoflush:
        if pair is None:
            pair = MentoringPair(created_by_id=getattr(by, "id", None))
            db.session.add(pair)
        pair.kind = data.kind
        pair.mentee_org_id = data.mentee_org.id
        pair.mentor_org_id = data.mentor_org.id if data.mentor_org else None
        is_teacher = data.kind == PairKind.TEACHER
        pair.mentor_staff_id = data.mentor_staff.id if is_teacher else None
        pair.mentee_staff_id = data.mentee_staff.id if is_teacher else None
        pair.curator_id = data.curator.id if data.kind == PairKind.MANAGEMENT else None
        pair.goals = _clean(data.goals)
        pair.start_date, pair.end_date = data.start_date, data.end_date
        pair.status = data.status
        pair.result = _clean(data.result) or None
        pair.note = _clean(data.note)[:500] or None
    db.session.commit()
    return pair


delete_pair = soft_delete


# --------------------------------------------------------------------------- plan steps


def _step_values(text, due_date, done_on, note) -> tuple[str, date | None, date | None, str]:
    text = _clean(text)
    if not text:
        raise MentoringError(fields={"text": "Опишите шаг плана."})
    if done_on is not None and done_on > today():
        raise MentoringError(fields={"done_on": "Дата выполнения не может быть позже сегодняшней."})
    return text, due_date, done_on, _clean(note)


@transactional
def add_step(pair: MentoringPair, *, text: str, due_date: date | None = None,
             done_on: date | None = None, note: str | None = None,
             by: User | None = None) -> MentoringStep:
    text, due_date, done_on, note = _step_values(text, due_date, done_on, note)
    pos = db.session.scalar(select(func.max(MentoringStep.position))
                            .where(MentoringStep.pair_id == pair.id))
    step = MentoringStep(pair_id=pair.id, position=(pos or 0) + 1, text=text, due_date=due_date,
                         done_on=done_on, note=note or None, created_by_id=getattr(by, "id", None))
    db.session.add(step)
    db.session.commit()
    return step


@transactional
def update_step(step: MentoringStep, *, text: str, due_date: date | None,
                done_on: date | None, note: str | None) -> MentoringStep:
    text, due_date, done_on, note = _step_values(text, due_date, done_on, note)
    step.text, step.due_date, step.done_on, step.note = text, due_date, done_on, note or None
    db.session.commit()
    return step


@transactional
def set_step_done(step: MentoringStep, done: bool) -> MentoringStep:
    """Tick (today) or untick a step."""
    step.done_on = today() if done else None
    db.session.commit()
    return step


delete_step = soft_delete


def steps_of(pair: MentoringPair) -> list[MentoringStep]:
    return live(MentoringStep, MentoringStep.pair_id == pair.id,
                order_by=(MentoringStep.position, MentoringStep.id))


# --------------------------------------------------------------------------- reading


@dataclass
class PlanProgress:
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def label(self) -> str:
        return f"{self.done} из {self.total}" if self.total else "плана нет"


def plan_progress(pair_ids, day: date | None = None) -> dict[int, PlanProgress]:
    """Steps done / total / overdue per pair, in one query."""
    ids = list(pair_ids)
    if not ids:
        return {}
    day = day or today()
    rows = db.session.execute(
        select(MentoringStep.pair_id, func.count(),
               func.sum(case((MentoringStep.done_on.is_not(None), 1), else_=0)),
               func.sum(case(((MentoringStep.done_on.is_(None))
                              & (MentoringStep.due_date < day), 1), else_=0)))
        .where(MentoringStep.pair_id.in_(ids), MentoringStep.deleted_at.is_(None))
        .group_by(MentoringStep.pair_id)).all()
    return {pid: PlanProgress(total, int(done or 0), int(overdue or 0))
            for pid, total, done, overdue in rows}


def period_label(pair: MentoringPair) -> str:
    end = fmt_date(pair.end_date) if pair.end_date else "…"
    return f"{fmt_date(pair.start_date)} – {end}"


def mentored_school_ids(user: User) -> set[int]:
    """Schools mentored by the user's organisation in pairs that are not closed (the area's
    related organisations: the policy shows them to a tutor)."""
    if not getattr(user, "organization_id", None):
        return set()
    return set(db.session.scalars(select(MentoringPair.mentee_org_id).where(
        MentoringPair.mentor_org_id == user.organization_id,
        MentoringPair.deleted_at.is_(None),
        MentoringPair.status.not_in([PairStatus.COMPLETED, PairStatus.TERMINATED]))))
