"""Protocol numbers and the lock: marking a meeting held.

A protocol number is serial within an authority and a year (the year of the meeting's date),
starts at 1, has no gaps and is never reused: numbers are taken only when a meeting is marked
held (drafts have none, so deleting a draft leaves no hole), and a held meeting can be neither
deleted nor un-held.

Concurrency. The number comes from a :class:`ProtocolCounter` row per (authority, year), read and
increased inside the same transaction that marks the meeting held:

* the transaction starts with ``INSERT … ON CONFLICT DO NOTHING`` of the counter row. On SQLite
  this first write takes the database's write lock at once (the semantics of ``BEGIN
  IMMEDIATE``): a second writer waits (``busy_timeout``) until the first commits. On PostgreSQL
  a concurrent insert of the same new row waits for the first transaction instead of failing;
* the row is then read with ``SELECT … FOR UPDATE`` — on PostgreSQL a second transaction blocks
  there until the first commits, and then reads the increased value;
* the meeting is re-read after the lock, so two clicks on «Провести» cannot number it twice;
* last guard: the unique constraint (authority_id, protocol_year, protocol_number) on
  ``meetings``. Were the counter ever bypassed, the commit fails instead of giving one number
  twice.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Meeting, MeetingStatus, ParticipantRole, ProtocolCounter, utcnow
from ...formatting import fmt_date, today as local_today
from ..errors import ServiceError, transactional


class ProtocolError(ServiceError):
    """The protocol cannot be held or changed; the message is Russian and shown to the user."""


def _insert_counter(authority_id: int, year: int) -> None:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"unsupported database {dialect}")
    db.session.execute(insert(ProtocolCounter).values(
        authority_id=authority_id, year=year, last_number=0).on_conflict_do_nothing(
        index_elements=["authority_id", "year"]))


def take_number(authority_id: int, year: int) -> int:
    """The next protocol number of ``authority_id`` in ``year``, inside the current transaction.

    The caller commits (or rolls back, which gives the number back: nothing was committed).
    """
    _insert_counter(authority_id, year)
    counter = db.session.execute(
        select(ProtocolCounter).where(ProtocolCounter.authority_id == authority_id,
                                      ProtocolCounter.year == year)
        .with_for_update().execution_options(populate_existing=True)).scalar_one()
    counter.last_number += 1
    db.session.flush()
    return counter.last_number


def hold_problems(meeting: Meeting, participants, items, today: date | None = None) -> list[str]:
    """What is missing for the record to become a protocol (empty list: ready)."""
    today = today or local_today()
    problems = []
    if meeting.meeting_date > today:
        problems.append(f"{meeting.kind.label} назначено на {fmt_date(meeting.meeting_date)}: "
                        "отметить проведённым можно в этот день или позже.")
    roles = {p.role for p in participants}
    if ParticipantRole.CHAIR not in roles:
        problems.append("Укажите председателя.")
    if ParticipantRole.SECRETARY not in roles:
        problems.append("Укажите секретаря.")
    if not any(p.present for p in participants):
        problems.append("Отметьте присутствовавших.")
    if not items:
        problems.append("Добавьте хотя бы один вопрос повестки дня.")
    for n, item in enumerate(items, start=1):
        if not (item.heard_who or "").strip():
            problems.append(f"Вопрос {n}: заполните «СЛУШАЛИ» — кого слушали.")
        if not item.decisions:
            problems.append(f"Вопрос {n}: запишите хотя бы одно решение («РЕШИЛИ»).")
    return problems


@transactional
def hold(meeting: Meeting, *, by, today: date | None = None) -> Meeting:
    """Mark the meeting held: number it, lock its text, commit. Raises :class:`ProtocolError`
    (and rolls back: the number is given back)."""
    from . import load_record

    meeting_id = meeting.id
    participants, items = load_record(meeting)
    problems = hold_problems(meeting, participants, items, today)
    if problems:
        raise ProtocolError(" ".join(problems))
    db.session.rollback()  # start clean: the number is the first thing this transaction does
    try:
        meeting = db.session.get(Meeting, meeting_id)
        number = take_number(meeting.authority_id, meeting.meeting_date.year)
        # A second click waited for the lock above: it must see the meeting held now.
        status, deleted_at = db.session.execute(
            select(Meeting.status, Meeting.deleted_at).where(Meeting.id == meeting_id)
            .with_for_update()).one()
        db.session.refresh(meeting)
        if status == MeetingStatus.HELD or deleted_at is not None:
            raise ProtocolError("Протокол уже оформлен: номер присвоен ранее.")
        meeting.protocol_year = meeting.meeting_date.year
        meeting.protocol_number = number
        meeting.status = MeetingStatus.HELD
        meeting.held_at = utcnow()
        meeting.held_by_id = getattr(by, "id", None)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ProtocolError("Не удалось присвоить номер протокола: номер уже занят. "
                            "Повторите действие.") from None
    return meeting
