"""Writes for interviews and meetings: series, commission, schedule, the record, amendments.

Every write validates, changes and commits (audit entries come from ``services.audit`` in the
same transaction); a broken rule raises :class:`InterviewError` with a Russian message and
changes nothing. Numbering and the lock are in ``services.protocols``.

Decisions worth knowing:

* The commission belongs to the series; every interview of the series carries a copy of it as
  participants (so the record can mark who was present and the protocol names them). Changing
  the commission updates the copies of interviews not yet held; a held protocol keeps the
  commission it was held with.
* Conflicts are refused, never silently accepted: a commission member (the same user, or the
  same name within the authority) cannot sit in two meetings whose times overlap; a school has
  one interview per series and cannot have two at overlapping times in different series.
* A school uploads its director's report and supporting documents to its appointment until
  the end of the interview day and while the interview is not held; after that uploads close
  for the school (the commission can still attach, e.g. a signed scan of the protocol).
* After «проведено» the text is locked: every record write refuses, and corrections are
  amendments with their own date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import zip_longest

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...formatting import fmt_date, parse_date, today as local_today
from ...models import (
    AgendaDecision, AgendaItem, AgendaSpeech, CommissionMember, CommissionRole, InterviewSeries,
    Meeting, MeetingKind, MeetingParticipant, MeetingStatus, Organization, OrgKind,
    ParticipantRole, ProtocolAmendment, User, utcnow,
)
from ...text import clean_text, normalize_name
from .. import notifications
from ..errors import ServiceError, transactional

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "topic": "Тема", "agenda_template": "Повестка (шаблон)", "default_place": "Место",
    "default_link": "Ссылка на видеоконференцию", "slot_minutes": "Длительность, мин",
    "authority_id": "Орган управления", "series_id": "Серия собеседований",
    "director_name": "Руководитель", "meeting_date": "Дата", "start_time": "Начало",
    "end_time": "Окончание", "place": "Место", "video_link": "Ссылка на видеоконференцию",
    "heading": "Заголовок", "secretary_user_id": "Секретарь (пользователь)",
    "held_at": "Проведено", "protocol_year": "Год протокола", "protocol_number": "Номер протокола",
    "full_name": "ФИО", "job_title": "Должность", "present": "Присутствовал",
    "heard_who": "СЛУШАЛИ: кого", "heard_summary": "СЛУШАЛИ: содержание", "who": "Кто выступил",
    "summary": "Содержание", "responsible": "Ответственный", "due_date": "Срок",
    "meeting_id": "Протокол", "amended_on": "Дата изменения",
}


class InterviewError(ServiceError):
    """A rule was broken; the message is Russian and shown to the user."""


class RecordLocked(InterviewError):
    """The protocol is held: its text is locked."""


RECOMMENDATION_SOURCE = "protocol"  # the key the shared recommendations know protocols by

LOCKED = ("Протокол оформлен, его текст закрыт для изменений. "
          "Исправления вносятся как изменения к протоколу с отдельной датой.")


def _clean(value, limit: int | None = None) -> str:
    text = clean_text(value or "").strip()
    return text[:limit] if limit else text


def _one_line(value, limit: int | None = None) -> str:
    return _clean(" ".join((value or "").split()), limit)


# --------------------------------------------------------------------------- names


def initials_first(full_name: str | None) -> str:
    """«Кузнецова Елена Петровна» → «Е.П. Кузнецова» (as signatures are printed)."""
    parts = (full_name or "").split()
    if len(parts) < 2 or any("." in p for p in parts):
        return (full_name or "").strip()
    return "".join(f"{p[0]}." for p in parts[1:3]) + " " + parts[0]


def surname_initials(full_name: str | None) -> str:
    """«Кузнецова Елена Петровна» → «Кузнецова Е.П.» (as lists of people are printed)."""
    parts = (full_name or "").split()
    if len(parts) < 2 or any("." in p for p in parts):
        return (full_name or "").strip()
    return parts[0] + " " + "".join(f"{p[0]}." for p in parts[1:3])


# --------------------------------------------------------------------------- authorities


def authority_choices(user) -> list[Organization]:
    """Authorities a user plans interviews and meetings for."""
    from ... import policy

    stmt = policy.scope_query(user, Organization).where(Organization.kind.in_([
        OrgKind.MUNICIPAL_AUTHORITY, OrgKind.REGIONAL_AUTHORITY, OrgKind.INSTITUTE]))
    orgs = db.session.scalars(stmt.order_by(Organization.kind, Organization.sort_name)).all()
    return [o for o in orgs if policy.can(user, "plan_meetings", o)]


def schools_of(authority: Organization, stmt=None) -> list[Organization]:
    """Schools an authority interviews: its municipality's, or its region's (of ``stmt``, a
    ``select(Organization)`` the caller has scoped to what its user sees)."""
    stmt = (stmt if stmt is not None else select(Organization)).where(
        Organization.kind == OrgKind.SCHOOL, Organization.deleted_at.is_(None))
    if authority.municipality_id:
        stmt = stmt.where(Organization.municipality_id == authority.municipality_id)
    else:
        stmt = stmt.where(Organization.region_id == authority.region_id)
    return list(db.session.scalars(stmt.order_by(Organization.sort_name)))


def _school_for(authority: Organization, org_id) -> Organization:
    try:
        org = db.session.get(Organization, int(org_id))
    except (TypeError, ValueError):
        org = None
    if org is None or org.deleted_at is not None or org.kind != OrgKind.SCHOOL:
        raise InterviewError("Выберите школу.")
    if (authority.municipality_id and org.municipality_id != authority.municipality_id) or \
            org.region_id != authority.region_id:
        raise InterviewError("Эта школа не относится к территории органа управления.")
    return org


# --------------------------------------------------------------------------- series


@dataclass
class SeriesData:
    topic: str
    agenda_template: str = ""
    default_place: str | None = None
    default_link: str | None = None
    slot_minutes: int | None = 40
    note: str | None = None


def _apply_series(series: InterviewSeries, data: SeriesData) -> None:
    series.topic = _one_line(data.topic, 2000)
    if not series.topic:
        raise InterviewError("Укажите тему собеседований.")
    series.agenda_template = "\n".join(
        line.strip() for line in (data.agenda_template or "").splitlines() if line.strip())
    series.default_place = _one_line(data.default_place, 500) or None
    series.default_link = _check_link(data.default_link)
    minutes = data.slot_minutes or 40
    if not 5 <= minutes <= 480:
        raise InterviewError("Длительность собеседования — от 5 минут до 8 часов.")
    series.slot_minutes = minutes
    series.note = _clean(data.note) or None


@transactional
def create_series(authority: Organization, data: SeriesData, *, by=None) -> InterviewSeries:
    series = InterviewSeries(authority_id=authority.id, created_by_id=getattr(by, "id", None))
    _apply_series(series, data)
    db.session.add(series)
    db.session.commit()
    return series


@transactional
def update_series(series: InterviewSeries, data: SeriesData) -> InterviewSeries:
    _apply_series(series, data)
    db.session.commit()
    return series


@transactional
def delete_series(series: InterviewSeries) -> None:
    held = db.session.scalar(select(Meeting.id).where(
        Meeting.series_id == series.id, Meeting.status == MeetingStatus.HELD,
        Meeting.deleted_at.is_(None)).limit(1))
    if held:
        raise InterviewError("В серии есть проведённые собеседования с протоколами — "
                             "серию удалить нельзя.")
    now = utcnow()
    for m in db.session.scalars(select(Meeting).where(Meeting.series_id == series.id,
                                                      Meeting.deleted_at.is_(None))):
        m.deleted_at = now
    series.deleted_at = now
    db.session.commit()


def series_meetings(series: InterviewSeries) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(
        Meeting.series_id == series.id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.meeting_date, Meeting.start_time, Meeting.id)))


# --------------------------------------------------------------------------- commission


def _key(user_id, name, authority_id):
    """Who a person is, for conflicts: the user, or the name within the authority."""
    if user_id:
        return ("user", user_id)
    return ("name", authority_id, normalize_name(name))


@transactional
def add_member(series: InterviewSeries, *, role: CommissionRole | str, user: User | None = None,
               full_name: str = "", job_title: str = "", by=None) -> CommissionMember:
    """``role``: the member's place in the commission (or its name, as a form posts it)."""
    role = CommissionRole.coerce(role) or CommissionRole.MEMBER
    if user is not None:
        full_name = full_name.strip() or user.full_name
        job_title = job_title.strip() or (user.position or "")
    full_name = _one_line(full_name, 200)
    if not full_name:
        raise InterviewError("Выберите пользователя или впишите фамилию, имя и отчество.")
    if role in (CommissionRole.CHAIR, CommissionRole.SECRETARY):
        existing = series.member(role)
        if existing is not None:
            raise InterviewError(f"{role.label} комиссии уже указан ({existing.full_name}). "
                                 "Удалите его из состава, чтобы назначить другого.")
    key = _key(getattr(user, "id", None), full_name, series.authority_id)
    if any(_key(m.user_id, m.full_name, series.authority_id) == key for m in series.members):
        raise InterviewError(f"{full_name} уже в составе комиссии.")
    # The new member must be free at the times of the series' planned interviews.
    for meeting in series_meetings(series):
        if meeting.status == MeetingStatus.PLANNED:
            problems = conflicts(meeting, {key: full_name}, check_school=False)
            if problems:
                raise InterviewError(problems[0])
    position = max((m.position for m in series.members), default=0) + 1
    member = CommissionMember(series_id=series.id, role=role, position=position,
                              user_id=getattr(user, "id", None), full_name=full_name,
                              job_title=_one_line(job_title, 300),
                              created_by_id=getattr(by, "id", None))
    series.members.append(member)
    db.session.flush()
    _sync_commission(series)
    db.session.commit()
    return member


@transactional
def remove_member(member: CommissionMember) -> None:
    series = db.session.get(InterviewSeries, member.series_id)
    series.members.remove(member)
    db.session.delete(member)
    db.session.flush()
    _sync_commission(series)
    db.session.commit()


_ROLE_MAP = {CommissionRole.CHAIR: ParticipantRole.CHAIR,
             CommissionRole.SECRETARY: ParticipantRole.SECRETARY,
             CommissionRole.MEMBER: ParticipantRole.MEMBER}


def _sync_commission(series: InterviewSeries) -> None:
    """Copy the commission into every planned interview of the series (presence is kept)."""
    meetings = db.session.scalars(select(Meeting).where(
        Meeting.series_id == series.id, Meeting.deleted_at.is_(None),
        Meeting.status == MeetingStatus.PLANNED).options(selectinload(Meeting.participants))).all()
    for meeting in meetings:
        _copy_commission(series, meeting)


def _copy_commission(series: InterviewSeries, meeting: Meeting) -> None:
    present = {}
    for p in list(meeting.participants):
        if p.role.commission:
            present[_key(p.user_id, p.full_name, series.authority_id)] = p.present
            meeting.participants.remove(p)
    for i, m in enumerate(series.commission):
        meeting.participants.append(MeetingParticipant(
            role=_ROLE_MAP[m.role], position=i, user_id=m.user_id, full_name=m.full_name,
            job_title=m.job_title,
            present=present.get(_key(m.user_id, m.full_name, series.authority_id), True)))
    secretary = series.member(CommissionRole.SECRETARY)
    meeting.secretary_user_id = secretary.user_id if secretary is not None else None


# --------------------------------------------------------------------------- times, conflicts


def _check_link(value) -> str | None:
    link = _one_line(value, 500)
    if not link:
        return None
    if not re.match(r"^https?://[^\s<>\"']+$", link):
        raise InterviewError("Ссылка на видеоконференцию должна начинаться с https:// или http://.")
    return link


@dataclass
class SlotData:
    meeting_date: date | None
    start_time: time | None
    end_time: time | None = None
    place: str | None = None
    video_link: str | None = None


def default_end(day: date, start: time, minutes: int) -> time:
    return (datetime.combine(day, start) + timedelta(minutes=minutes)).time()


def _apply_slot(meeting: Meeting, data: SlotData, *, default_minutes: int | None,
                need_time: bool) -> None:
    if data.meeting_date is None:
        raise InterviewError("Укажите дату.")
    if need_time and data.start_time is None:
        raise InterviewError("Укажите время начала.")
    end = data.end_time
    if data.start_time is not None and end is None and default_minutes:
        end = default_end(data.meeting_date, data.start_time, default_minutes)
    if data.start_time is not None and end is not None and end <= data.start_time:
        raise InterviewError("Время окончания должно быть позже времени начала.")
    if data.start_time is None:
        end = None
    meeting.meeting_date = data.meeting_date
    meeting.start_time, meeting.end_time = data.start_time, end
    meeting.place = _one_line(data.place, 500) or None
    meeting.video_link = _check_link(data.video_link)
    if not meeting.place and not meeting.video_link:
        raise InterviewError("Укажите место проведения или ссылку на видеоконференцию.")


def _describe(meeting: Meeting) -> str:
    when = f"{fmt_date(meeting.meeting_date)}, {meeting.time_label}"
    if meeting.kind == MeetingKind.INTERVIEW and meeting.organization is not None:
        return f"собеседование с {meeting.organization.short_name} ({when})"
    return f"{meeting.kind.label.lower()} ({when})"


def conflicts(meeting: Meeting, people: dict, *, check_school: bool = True) -> list[str]:
    """Messages for every conflict of ``meeting`` (at its date and time) with other meetings.

    ``people`` maps a person's key (:func:`_key`) to the name to show.
    """
    interval = meeting.interval()
    problems: list[str] = []
    if check_school and meeting.series_id and meeting.organization_id:
        other = db.session.scalar(select(Meeting).where(
            Meeting.series_id == meeting.series_id, Meeting.organization_id == meeting.organization_id,
            Meeting.deleted_at.is_(None), Meeting.id != (meeting.id or -1)).limit(1))
        if other is not None:
            problems.append(f"{other.organization.short_name} уже есть в графике этой серии: "
                            f"{fmt_date(other.meeting_date)} в {other.time_label}. "
                            "Перенесите ту запись, а не добавляйте вторую.")
    if interval is None:
        return problems
    user_ids = [k[1] for k in people if k[0] == "user"]
    cond = Meeting.authority_id == meeting.authority_id
    if user_ids:
        cond = or_(cond, Meeting.id.in_(select(MeetingParticipant.meeting_id).where(
            MeetingParticipant.user_id.in_(user_ids))))
    if check_school and meeting.organization_id:
        cond = or_(cond, Meeting.organization_id == meeting.organization_id)
    others = db.session.scalars(select(Meeting).where(
        Meeting.meeting_date == meeting.meeting_date, Meeting.deleted_at.is_(None),
        Meeting.id != (meeting.id or -1), cond).options(selectinload(Meeting.participants))
        .order_by(Meeting.start_time)).all()
    for other in others:
        span = other.interval()
        if span is None or not (interval[0] < span[1] and span[0] < interval[1]):
            continue
        if check_school and meeting.organization_id and \
                other.organization_id == meeting.organization_id:
            problems.append(f"У школы {other.organization.short_name} в это время уже назначено "
                            f"{_describe(other)}.")
            continue
        for p in other.participants:
            if p.role == ParticipantRole.INVITED:
                continue
            key = _key(p.user_id, p.full_name, other.authority_id)
            if key in people:
                problems.append(f"{people[key]} в это время участвует: {_describe(other)}. "
                                "Выберите другое время.")
                break
    return problems


def _series_people(series: InterviewSeries) -> dict:
    return {_key(m.user_id, m.full_name, series.authority_id): m.full_name for m in series.members}


def _people(participants, authority_id) -> dict:
    return {_key(p.user_id, p.full_name, authority_id): p.full_name
            for p in participants if p.role != ParticipantRole.INVITED}


def _meeting_people(meeting: Meeting) -> dict:
    if meeting.id is None:
        return _people(meeting.participants, meeting.authority_id)
    return _people(load_record(meeting)[0], meeting.authority_id)


def _raise_conflicts(problems: list[str]) -> None:
    if problems:
        raise InterviewError(" ".join(problems))


# --------------------------------------------------------------------------- schedule


def interview_heading(series: InterviewSeries, school: Organization) -> str:
    return f"собеседования с руководителем {school.short_name} по теме «{series.topic}»"


@transactional
def add_interview(series: InterviewSeries, *, organization_id, director_name: str | None,
                  slot: SlotData, by=None) -> Meeting:
    authority = series.authority
    school = _school_for(authority, organization_id)
    if not slot.place and not slot.video_link:
        slot.place, slot.video_link = series.default_place, series.default_link
    meeting = Meeting(kind=MeetingKind.INTERVIEW, authority_id=authority.id,
                      series_id=series.id, organization_id=school.id,
                      created_by_id=getattr(by, "id", None))
    meeting.organization = school
    _apply_slot(meeting, slot, default_minutes=series.slot_minutes, need_time=True)
    meeting.director_name = _one_line(director_name, 200) or school.director_name or None
    meeting.heading = interview_heading(series, school)
    _raise_conflicts(conflicts(meeting, _series_people(series)))
    db.session.add(meeting)
    meeting.participants = []
    meeting.items = []
    _copy_commission(series, meeting)
    if meeting.director_name:
        meeting.participants.append(MeetingParticipant(
            role=ParticipantRole.INVITED, position=100, full_name=meeting.director_name,
            job_title=f"директор {school.short_name}"))
    for i, line in enumerate(series.agenda_lines):
        meeting.items.append(AgendaItem(position=i, title=line))
    notifications.interview_scheduled(meeting)  # queued in this transaction
    db.session.commit()
    return meeting


@transactional
def reschedule(meeting: Meeting, slot: SlotData, *, director_name: str | None = None) -> Meeting:
    _require_open(meeting)
    series = db.session.get(InterviewSeries, meeting.series_id) if meeting.series_id else None
    before = (meeting.meeting_date, meeting.start_time, meeting.end_time, meeting.place,
              meeting.video_link)
    _apply_slot(meeting, slot, default_minutes=series.slot_minutes if series else None,
                need_time=meeting.kind == MeetingKind.INTERVIEW)
    if director_name is not None:
        meeting.director_name = _one_line(director_name, 200) or None
    people = _series_people(series) if series else _meeting_people(meeting)
    _raise_conflicts(conflicts(meeting, people))
    if meeting.kind == MeetingKind.INTERVIEW and before != (
            meeting.meeting_date, meeting.start_time, meeting.end_time, meeting.place,
            meeting.video_link):
        notifications.interview_scheduled(meeting, moved=True)  # queued in this transaction
    db.session.commit()
    return meeting


@transactional
def delete_meeting(meeting: Meeting) -> None:
    if meeting.is_held:
        raise InterviewError("Проведённое собеседование или совещание с оформленным протоколом "
                             "удалить нельзя.")
    from ..recommendations import delete as delete_recommendation
    from ..recommendations import for_source

    for rec in for_source(RECOMMENDATION_SOURCE, meeting.id):
        delete_recommendation(rec, commit=False)
    meeting.deleted_at = utcnow()
    db.session.commit()


# --------------------------------------------------------------------------- meetings


@transactional
def create_meeting(authority: Organization, *, kind: MeetingKind, heading: str, slot: SlotData,
                   secretary: User | None, agenda: str = "", by=None) -> Meeting:
    if kind == MeetingKind.INTERVIEW:
        raise InterviewError("Собеседования планируются в серии собеседований.")
    meeting = Meeting(kind=kind, authority_id=authority.id, created_by_id=getattr(by, "id", None),
                      heading=_one_line(heading, 2000) or kind.default_heading)
    _apply_slot(meeting, slot, default_minutes=None, need_time=False)
    meeting.participants = []
    meeting.items = []
    if secretary is not None:
        meeting.secretary_user_id = secretary.id
        meeting.participants.append(MeetingParticipant(
            role=ParticipantRole.SECRETARY, position=1, user_id=secretary.id,
            full_name=secretary.full_name, job_title=secretary.position or ""))
    _raise_conflicts(conflicts(meeting, _meeting_people(meeting), check_school=False))
    for i, line in enumerate(l.strip() for l in (agenda or "").splitlines() if l.strip()):
        meeting.items.append(AgendaItem(position=i, title=line))
    db.session.add(meeting)
    db.session.commit()
    return meeting


@transactional
def update_requisites(meeting: Meeting, *, heading: str, slot: SlotData,
                      director_name: str | None = None) -> Meeting:
    _require_open(meeting)
    text = _one_line(heading, 2000)
    if not text:
        raise InterviewError("Укажите заголовок протокола.")
    meeting.heading = text
    return reschedule(meeting, slot, director_name=director_name)


# --------------------------------------------------------------------------- the record


def _require_open(meeting: Meeting) -> None:
    if meeting.is_held:
        raise RecordLocked(LOCKED)


def load_record(meeting: Meeting):
    """(participants, agenda items with speeches and decisions) of a meeting, in order."""
    participants = list(db.session.scalars(select(MeetingParticipant).where(
        MeetingParticipant.meeting_id == meeting.id)
        .order_by(MeetingParticipant.position, MeetingParticipant.id)))
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                    .order_by(AgendaItem.position, AgendaItem.id)))
    return participants, items


@dataclass
class ParticipantRow:
    id: int | None
    role: ParticipantRole | None  # None: a role that is not on the list was posted
    full_name: str
    job_title: str = ""
    present: bool = True


def parse_participants(formdata) -> list[ParticipantRow]:
    """The participant list as the record's form posts it: per row ``p_id``, ``p_role``,
    ``p_name`` and ``p_title``, and ``p_present`` holding the numbers of the ticked rows."""
    ids, roles, names = (formdata.getlist(k) for k in ("p_id", "p_role", "p_name"))
    titles, present = formdata.getlist("p_title"), set(formdata.getlist("p_present"))
    rows = []
    for i, name in enumerate(names):
        pid = ids[i] if i < len(ids) else ""
        role = roles[i] if i < len(roles) else ParticipantRole.PARTICIPANT.name
        rows.append(ParticipantRow(
            id=int(pid) if pid.isdigit() else None,
            role=ParticipantRole.__members__.get(role), full_name=name,
            job_title=titles[i] if i < len(titles) else "", present=str(i) in present))
    return rows


@transactional
def save_participants(meeting: Meeting, rows: list[ParticipantRow]) -> None:
    """Replace the participant list with ``rows`` (existing rows keep their user link)."""
    _require_open(meeting)
    rows = [r for r in rows if _one_line(r.full_name)]
    if any(r.role is None for r in rows):
        raise InterviewError("Выберите роль участника из списка.")
    for role in (ParticipantRole.CHAIR, ParticipantRole.SECRETARY):
        named = [r.full_name for r in rows if r.role == role]
        if len(named) > 1:
            raise InterviewError(f"{role.label} может быть только один: {', '.join(named)}.")
    existing = {p.id: p for p in db.session.scalars(select(MeetingParticipant).where(
        MeetingParticipant.meeting_id == meeting.id))}
    keep = set()
    for i, row in enumerate(rows):
        p = existing.get(row.id) if row.id else None
        if p is None:
            p = MeetingParticipant(meeting_id=meeting.id)
            db.session.add(p)
        else:
            keep.add(p.id)
        name = _one_line(row.full_name, 200)
        if p.user_id and normalize_name(name) != normalize_name(p.full_name):
            p.user_id = None  # a different person typed over the row
        p.role, p.full_name, p.job_title = row.role, name, _one_line(row.job_title, 300)
        p.present, p.position = bool(row.present), i
    for pid, p in existing.items():
        if pid not in keep:
            db.session.delete(p)
    db.session.flush()
    if meeting.kind != MeetingKind.INTERVIEW:
        current = list(db.session.scalars(select(MeetingParticipant).where(
            MeetingParticipant.meeting_id == meeting.id)))
        secretary = next((p for p in current if p.role == ParticipantRole.SECRETARY), None)
        if secretary is not None and secretary.user_id:
            meeting.secretary_user_id = secretary.user_id
        _raise_conflicts(conflicts(meeting, _people(current, meeting.authority_id),
                                   check_school=False))
    db.session.commit()


@dataclass
class SpeechRow:
    who: str
    summary: str = ""


@dataclass
class DecisionRow:
    text: str
    responsible: str = ""
    due_date: date | None = None
    typed_due: str = ""  # a due date as typed when it is not a date (refused on saving)


def parse_item(formdata) -> dict:
    """An agenda item as its form posts it — ``title``, ``heard_who``, ``heard_summary`` and
    rows of ``s_who``/``s_summary`` (ВЫСТУПИЛИ) and ``d_text``/``d_responsible``/``d_due``
    (РЕШИЛИ) — as the keywords of :func:`save_item`. Nothing typed is lost: a due date that
    is not a date stays as typed, and :func:`save_item` refuses it."""
    speeches = [SpeechRow(who, summary) for who, summary in
                zip_longest(formdata.getlist("s_who"), formdata.getlist("s_summary"),
                            fillvalue="")]
    decisions = []
    for text, responsible, due in zip_longest(formdata.getlist("d_text"),
                                              formdata.getlist("d_responsible"),
                                              formdata.getlist("d_due"), fillvalue=""):
        due_date = _date_or_none(due)
        decisions.append(DecisionRow(text, responsible, due_date,
                                     typed_due=due if due and due_date is None else ""))
    return {"title": formdata.get("title", ""), "heard_who": formdata.get("heard_who", ""),
            "heard_summary": formdata.get("heard_summary", ""), "speeches": speeches,
            "decisions": decisions}


def _date_or_none(text: str) -> date | None:
    return parse_date(text)


@transactional
def save_item(meeting: Meeting, item: AgendaItem | None, *, title: str, heard_who: str = "",
              heard_summary: str = "", speeches: list[SpeechRow] = (),
              decisions: list[DecisionRow] = (), by=None) -> AgendaItem:
    """Create or replace one agenda item with its СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ."""
    _require_open(meeting)
    title = _clean(title, 5000)
    if not title:
        raise InterviewError("Сформулируйте вопрос повестки дня («О …», «Об …»).")
    for s in speeches:
        if _clean(s.summary) and not _clean(s.who):
            raise InterviewError("В «ВЫСТУПИЛИ» укажите, кто выступил.")
    for d in decisions:
        if d.typed_due:
            raise InterviewError(f"Срок «{d.typed_due}» — не дата. Укажите дату в виде ДД.ММ.ГГГГ, например 15.04.2026.")
        if (_clean(d.responsible) or d.due_date) and not _clean(d.text):
            raise InterviewError("В «РЕШИЛИ» у ответственного и срока должен быть текст решения.")
    if item is None:
        position = db.session.scalar(select(AgendaItem.position).where(
            AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position.desc()).limit(1))
        item = AgendaItem(meeting_id=meeting.id, position=(position or 0) + 1,
                          created_by_id=getattr(by, "id", None))
        db.session.add(item)
    item.title = title
    item.heard_who = _clean(heard_who, 2000)
    item.heard_summary = _clean(heard_summary, 20000)
    item.speeches = [AgendaSpeech(position=i, who=_clean(s.who, 2000),
                                  summary=_clean(s.summary, 20000))
                     for i, s in enumerate(s for s in speeches if _clean(s.who))]
    item.decisions = [AgendaDecision(position=i, text=_clean(d.text, 20000),
                                     responsible=_one_line(d.responsible, 300),
                                     due_date=d.due_date)
                      for i, d in enumerate(d for d in decisions if _clean(d.text))]
    db.session.commit()
    return item


@transactional
def delete_item(meeting: Meeting, item: AgendaItem) -> None:
    _require_open(meeting)
    db.session.delete(item)
    db.session.commit()


@transactional
def move_item(meeting: Meeting, item: AgendaItem, direction: str) -> None:
    _require_open(meeting)
    _, items = load_record(meeting)
    i = next(n for n, it in enumerate(items) if it.id == item.id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
    for n, it in enumerate(items):
        it.position = n
    db.session.commit()


# --------------------------------------------------------------------------- after the lock


@transactional
def add_amendment(meeting: Meeting, *, text: str, amended_on: date | None, by) -> ProtocolAmendment:
    if not meeting.is_held:
        raise InterviewError("Пока протокол не оформлен, исправляйте сам текст записи.")
    text = _clean(text, 20000)
    if not text:
        raise InterviewError("Опишите изменение: что и как исправляется в протоколе.")
    amended_on = amended_on or local_today()
    if amended_on < meeting.meeting_date:
        raise InterviewError("Дата изменения не может быть раньше даты протокола.")
    if amended_on > local_today():
        raise InterviewError("Дата изменения не может быть в будущем.")
    amendment = ProtocolAmendment(meeting_id=meeting.id, amended_on=amended_on, text=text,
                                  author_id=getattr(by, "id", None),
                                  created_by_id=getattr(by, "id", None))
    db.session.add(amendment)
    db.session.commit()
    return amendment


def amendments_of(meeting: Meeting) -> list[ProtocolAmendment]:
    return list(db.session.scalars(select(ProtocolAmendment).where(
        ProtocolAmendment.meeting_id == meeting.id)
        .order_by(ProtocolAmendment.amended_on, ProtocolAmendment.id)))


def uploads_open(meeting: Meeting, today: date | None = None) -> bool:
    """May the school still upload its report and documents to this appointment?"""
    return meeting.uploads_open_on(today or local_today())


def upcoming_for_school(org_id: int, today: date) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(
        Meeting.organization_id == org_id, Meeting.deleted_at.is_(None),
        Meeting.status == MeetingStatus.PLANNED, Meeting.meeting_date >= today)
        .order_by(Meeting.meeting_date, Meeting.start_time)))
