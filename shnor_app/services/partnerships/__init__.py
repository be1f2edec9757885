"""Writes and reports for network partnerships and their joint events.

Every write function validates, changes and commits (the audit listener records before →
after in the same transaction); a broken rule raises :class:`PartnershipError` with a Russian
message. Routes, the demo and tests all come through here.

Rules worth knowing:

* The supported school must be a school (any status is allowed; ШНОР, ШНСУ and risk-zone
  schools are offered first); the partner is any other organisation. The partner kind follows
  the partner's kind in the registry (a school → «школа-тьютор / школа-партнёр»).
* The term: the start is required (the agreement date when not given), the end cannot
  precede it. A finished partnership gets an end date (today when none was given).
* A joint event cannot be dated in the future nor before the partnership started; named
  participants must be staff of one of the two sides.

Columns of the map that other areas contribute (``areas.MapCounter``; the map shows a column
only when some area contributes it):

* per pair, for a quarter (``per="pair"``): ``fn(pairs, start, end)`` gets a list of
  ``(school_id, partner_id)`` and returns ``{(school_id, partner_id): count}`` (missing pairs
  count 0) — the visits area counts the partner's visits to the school. One query per counter,
  whatever the number of rows;
* per school, at the present moment (``per="school"``): ``fn(school_ids, today)`` →
  ``{school_id: count}`` — the recommendations area counts open recommendations.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ... import areas
from .. import data_cache
from ...extensions import db
from ...models import (
    JointEvent, JointEventParticipant, OrgKind, Organization,
    PartnerKind, Partnership, PartnershipPerson, PartnershipSide, PartnershipStatus,
    SchoolStatus, SchoolStatusRecord, StaffMember, User,
)
from ...formatting import today as local_today
from ..errors import ServiceError, transactional
from ..records import add_new, live, soft_delete

TABLE_AUDIT_LABELS = {"partnerships": {
    "start_date": "Начало срока", "end_date": "Окончание срока"}}
AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "school_id": "Школа", "partner_id": "Партнёр", "partner_kind": "Вид партнёра",
    "agreement_number": "Номер соглашения", "agreement_date": "Дата соглашения",
    "subject": "Предмет соглашения",
    "plan": "План совместной работы", "side": "Сторона", "full_name": "ФИО",
    "job_title": "Должность", "staff_member_id": "Сотрудник", "partnership_id": "Партнёрство",
    "event_date": "Дата", "kind": "Вид", "venue": "Место проведения", "topic": "Тема",
    "school_participants": "Участников от школы", "partner_participants": "Участников от партнёра",
    "result": "Результат",
}

SUPPORTED_STATUSES = (SchoolStatus.LOW_RESULTS, SchoolStatus.SOCIAL_RISK, SchoolStatus.RISK_ZONE)


class PartnershipError(ServiceError):
    """A partnership rule was broken; the message is Russian and shown to the user."""


# --------------------------------------------------------------------------- access helper


def partner_school_ids(user: User) -> set[int]:
    """Schools in active partnerships with the user's organisation: a tutor sees them (the
    area's related organisations)."""
    if not getattr(user, "organization_id", None):
        return set()
    return set(db.session.scalars(select(Partnership.school_id).where(
        Partnership.partner_id == user.organization_id,
        Partnership.status == PartnershipStatus.ACTIVE, Partnership.deleted_at.is_(None))))


# --------------------------------------------------------------------------- partnerships


@dataclass
class Person:
    """A responsible person as the form gives it: a staff member id or a name + position."""

    side: PartnershipSide
    staff_member_id: int | None = None
    full_name: str = ""
    job_title: str = ""

    @property
    def empty(self) -> bool:
        return not self.staff_member_id and not (self.full_name or "").strip()


def term_errors(*, school_id: int | None, partner_id: int | None, agreement_date: date | None,
                start_date: date | None, end_date: date | None) -> dict[str, str]:
    """The rules of the parties and the term that need no other record, by form field: the form
    shows them together with its own messages, all at once."""
    errors: dict[str, str] = {}
    if school_id and partner_id and school_id == partner_id:
        errors["partner_id"] = "Школа не может быть партнёром самой себе."
    start = start_date or agreement_date
    if start is None:
        errors["start_date"] = "Укажите начало срока действия соглашения (или дату соглашения)."
    elif end_date and end_date < start:
        errors["end_date"] = "Окончание срока не может быть раньше его начала."
    if agreement_date and agreement_date > local_today():
        errors["agreement_date"] = "Дата соглашения не может быть в будущем."
    return errors


def _validate(p: Partnership, people: list[Person]) -> None:
    """Every broken rule at once, each beside its field."""
    school = db.session.get(Organization, p.school_id) if p.school_id else None
    partner = db.session.get(Organization, p.partner_id) if p.partner_id else None
    errors = term_errors(school_id=p.school_id, partner_id=p.partner_id,
                         agreement_date=p.agreement_date, start_date=p.start_date,
                         end_date=p.end_date)
    if school is None or school.deleted_at is not None:
        errors["school_id"] = "Выберите школу, которую сопровождают."
    elif school.kind != OrgKind.SCHOOL:
        errors["school_id"] = "Сопровождаемой может быть только общеобразовательная организация."
    if partner is None or partner.deleted_at is not None:
        errors["partner_id"] = "Выберите организацию-партнёра."
    elif partner.kind in (OrgKind.MUNICIPAL_AUTHORITY, OrgKind.REGIONAL_AUTHORITY):
        errors["partner_id"] = ("Орган управления образованием не может быть партнёром по "
                                "сетевому соглашению: выберите школу, колледж или институт.")
    p.subject = (p.subject or "").strip()
    if not p.subject:
        errors["subject"] = "Укажите предмет соглашения (чем партнёр помогает школе)."
    if school is not None and partner is not None and "partner_id" not in errors \
            and p.status == PartnershipStatus.ACTIVE:
        clash = db.session.scalar(select(Partnership.id).where(
            Partnership.school_id == school.id, Partnership.partner_id == partner.id,
            Partnership.status == PartnershipStatus.ACTIVE, Partnership.deleted_at.is_(None),
            Partnership.id != (p.id or 0)))
        if clash is not None:
            errors["partner_id"] = (f"У школы «{school.short_name}» уже есть действующее "
                                    f"партнёрство с «{partner.short_name}».")
    sides = {PartnershipSide.SCHOOL: p.school_id, PartnershipSide.PARTNER: p.partner_id}
    for person in people:
        if person.empty or not person.staff_member_id:
            continue
        member = db.session.get(StaffMember, person.staff_member_id)
        if member is None or member.deleted_at is not None or \
                member.organization_id != sides[person.side]:
            errors["people"] = (
                "Ответственный сотрудник должен работать в организации своей стороны.")
    if errors:
        raise PartnershipError("", errors)
    p.start_date = p.start_date or p.agreement_date
    if p.status == PartnershipStatus.FINISHED and p.end_date is None:
        p.end_date = max(local_today(), p.start_date)
    p.agreement_number = (p.agreement_number or "").strip() or None
    p.plan = (p.plan or "").strip() or None
    p.partner_kind = PartnerKind.for_org_kind(partner.kind)
    p.school_name, p.partner_name = school.short_name, partner.short_name


def _apply_people(p: Partnership, people: list[Person]) -> None:
    wanted = []
    for n, person in enumerate(x for x in people if not x.empty):
        name, title = (person.full_name or "").strip(), (person.job_title or "").strip()
        if person.staff_member_id:
            member = db.session.get(StaffMember, person.staff_member_id)
            name, title = member.full_name, title or member.position
        wanted.append((person.side, n, person.staff_member_id or None, name[:200],
                       title[:200] or None))
    current = list(p.people)
    for row in current[len(wanted):]:
        p.people.remove(row)
    for i, (side, n, staff_id, name, title) in enumerate(wanted):
        if i < len(current):
            row = current[i]
        else:
            row = PartnershipPerson()
            p.people.append(row)
        row.side, row.position_no, row.staff_member_id = side, n, staff_id
        row.full_name, row.job_title = name, title


@transactional
def save_partnership(p: Partnership, people: list[Person] | None = None, *,
                     is_new: bool = False, by: User | None = None) -> Partnership:
    if is_new:
        p.people = []
    people = people or []
    _validate(p, people)
    if is_new:
        add_new(p, by)
    _apply_people(p, people)
    db.session.commit()
    return p


@transactional
def set_status(p: Partnership, status: PartnershipStatus, *, end_date: date | None = None) -> None:
    p.status = status
    if status == PartnershipStatus.FINISHED:
        p.end_date = end_date or p.end_date or max(local_today(), p.start_date)
    if status == PartnershipStatus.ACTIVE:
        clash = db.session.scalar(select(Partnership.id).where(
            Partnership.school_id == p.school_id, Partnership.partner_id == p.partner_id,
            Partnership.status == PartnershipStatus.ACTIVE, Partnership.deleted_at.is_(None),
            Partnership.id != p.id))
        if clash is not None:
            raise PartnershipError("У этой пары уже есть другое действующее партнёрство.")
    db.session.commit()


delete_partnership = soft_delete


# --------------------------------------------------------------------------- list and filters


@dataclass
class Filters:
    q: str = ""
    municipality: int | None = None
    status: str = ""
    kind: str = ""
    school: int | None = None

    def args(self) -> dict:
        return {k: v for k, v in {"q": self.q, "municipality": self.municipality,
                                  "status": self.status, "kind": self.kind,
                                  "school": self.school}.items() if v}


def filter_partnerships(stmt, f: Filters):
    from ...text import normalize_name

    school = db.aliased(Organization)
    if f.q:
        stmt = stmt.where(Partnership.search_text.contains(normalize_name(f.q), autoescape=True))
    if f.municipality:
        stmt = stmt.where(Partnership.school_id.in_(select(school.id).where(
            school.municipality_id == f.municipality)))
    if f.status in PartnershipStatus.__members__:
        stmt = stmt.where(Partnership.status == PartnershipStatus[f.status])
    if f.kind in PartnerKind.__members__:
        stmt = stmt.where(Partnership.partner_kind == PartnerKind[f.kind])
    if f.school:
        stmt = stmt.where(or_(Partnership.school_id == f.school,
                              Partnership.partner_id == f.school))
    return stmt


def statuses_by_org(org_ids, year: int) -> dict[int, list[SchoolStatus]]:
    out: dict[int, list[SchoolStatus]] = {}
    ids = list(set(org_ids))
    if not ids:
        return out
    for org_id, status in db.session.execute(select(
            SchoolStatusRecord.organization_id, SchoolStatusRecord.status).where(
            SchoolStatusRecord.organization_id.in_(ids), SchoolStatusRecord.year == year,
            SchoolStatusRecord.deleted_at.is_(None)).order_by(SchoolStatusRecord.status)):
        out.setdefault(org_id, []).append(status)
    return out


def school_choices(org_stmt, year: int) -> list:
    """Schools for the form, ШНОР / ШНСУ / risk-zone first, then every other school."""
    schools = db.session.scalars(org_stmt.where(Organization.kind == OrgKind.SCHOOL)
                                 .order_by(Organization.sort_name)).all()
    statuses = statuses_by_org([s.id for s in schools], year)
    supported, others = [], []
    for s in schools:
        marks = [st for st in statuses.get(s.id, []) if st in SUPPORTED_STATUSES]
        if marks:
            supported.append((str(s.id), f"{s.short_name} ({', '.join(m.label for m in marks)})"))
        else:
            others.append((str(s.id), s.short_name))
    return [_choice("", "— выберите школу —")] + \
        [_choice(v, label, "ШНОР, ШНСУ и школы зоны риска") for v, label in supported] + \
        [_choice(v, label, "Другие школы") for v, label in others]


def _choice(value: str, label: str, group: str | None = None):
    """A select option, in an ``<optgroup>`` when ``group`` is given."""
    from wtforms.fields.choices import SelectChoice

    return SelectChoice(value, label, optgroup=group)


def partner_choices(org_stmt, year: int) -> list:
    """Partners grouped by kind, tutor schools first."""
    orgs = db.session.scalars(org_stmt.where(Organization.kind.not_in(
        [OrgKind.MUNICIPAL_AUTHORITY, OrgKind.REGIONAL_AUTHORITY]))
        .order_by(Organization.sort_name)).all()
    statuses = statuses_by_org([o.id for o in orgs if o.kind == OrgKind.SCHOOL], year)
    groups: dict[str, list] = {"Школы-тьюторы": [], "Колледжи (СПО)": [],
                               "Институты, ЦНППМ": [], "Другие школы": [],
                               "Другие организации": []}
    for o in orgs:
        if o.kind == OrgKind.SCHOOL:
            key = "Школы-тьюторы" if SchoolStatus.TUTOR in statuses.get(o.id, []) \
                else "Другие школы"
        elif o.kind == OrgKind.COLLEGE:
            key = "Колледжи (СПО)"
        elif o.kind == OrgKind.INSTITUTE:
            key = "Институты, ЦНППМ"
        else:
            key = "Другие организации"
        groups[key].append((str(o.id), o.short_name))
    return [_choice("", "— выберите партнёра —")] + [
        _choice(v, label, group) for group, items in groups.items() for v, label in items]


def staff_of(org_ids) -> dict[int, list[StaffMember]]:
    out: dict[int, list[StaffMember]] = {i: [] for i in org_ids if i}
    if not out:
        return out
    for m in db.session.scalars(select(StaffMember).where(
            StaffMember.organization_id.in_(list(out)), StaffMember.deleted_at.is_(None),
            StaffMember.left_on.is_(None)).order_by(StaffMember.full_name)):
        out[m.organization_id].append(m)
    return out


# --------------------------------------------------------------------------- joint events


def _validate_event(ev: JointEvent, p: Partnership, staff_ids: list[int]) -> None:
    if ev.event_date is None:
        raise PartnershipError("Укажите дату мероприятия.")
    if ev.event_date > local_today():
        raise PartnershipError("Дата мероприятия не может быть в будущем: записывайте "
                               "мероприятия, которые уже прошли.")
    if p.start_date and ev.event_date < p.start_date:
        raise PartnershipError(f"Мероприятие не может быть раньше начала партнёрства "
                               f"({p.start_date:%d.%m.%Y}).")
    ev.topic = (ev.topic or "").strip()
    if not ev.topic:
        raise PartnershipError("Укажите тему мероприятия.")
    for attr in ("school_participants", "partner_participants"):
        value = getattr(ev, attr) or 0
        if value < 0 or value > 10000:
            raise PartnershipError("Число участников — от 0 до 10 000.")
        setattr(ev, attr, value)
    ev.result = (ev.result or "").strip() or None
    if staff_ids:
        sides = {p.school_id, p.partner_id}
        found = db.session.scalars(select(StaffMember).where(StaffMember.id.in_(staff_ids))).all()
        if len(found) != len(set(staff_ids)) or any(m.organization_id not in sides for m in found):
            raise PartnershipError("Участники должны быть сотрудниками школы или партнёра.")


def _set_participants(ev: JointEvent, staff_ids: list[int]) -> None:
    wanted = set(staff_ids)
    for link in list(ev.participants):
        if link.staff_member_id not in wanted:
            ev.participants.remove(link)
    have = ev.staff_ids
    for sid in sorted(wanted - have):
        ev.participants.append(JointEventParticipant(staff_member_id=sid))


@transactional
def save_event(ev: JointEvent, p: Partnership, staff_ids: list[int] | None = None, *,
               is_new: bool = False, by: User | None = None) -> JointEvent:
    staff_ids = [int(s) for s in (staff_ids or [])]
    _validate_event(ev, p, staff_ids)
    if is_new:
        ev.partnership_id = p.id
        add_new(ev, by)
    _set_participants(ev, staff_ids)
    db.session.commit()
    return ev


delete_event = soft_delete


def events_of(p: Partnership) -> list[JointEvent]:
    return live(JointEvent, JointEvent.partnership_id == p.id,
                order_by=(JointEvent.event_date.desc(), JointEvent.id.desc()))


# --------------------------------------------------------------------------- the map


class MapPartnership:
    """What a row of the map shows of a partnership, read as plain columns (no ORM objects:
    loading a region's partnerships with both organisations and their people as objects cost
    more than the rest of the page)."""

    __slots__ = ("id", "school_id", "partner_id", "partner_kind", "status", "start_date",
                 "agreement_number", "agreement_date", "school", "partner")

    def __init__(self, id, school_id, partner_id, partner_kind, status, start_date,
                 agreement_number, agreement_date, school_short, partner_short):
        self.id, self.school_id, self.partner_id = id, school_id, partner_id
        self.partner_kind, self.status, self.start_date = partner_kind, status, start_date
        self.agreement_number, self.agreement_date = agreement_number, agreement_date
        self.school = _OrgName(school_short)
        self.partner = _OrgName(partner_short)

    agreement = Partnership.agreement


class _OrgName:
    __slots__ = ("short_name",)

    def __init__(self, short_name):
        self.short_name = short_name


def _map_partnerships(stmt) -> list[MapPartnership]:
    """The partnerships of ``stmt`` (its filters and order kept) as :class:`MapPartnership`,
    in one query of columns."""
    school, partner = aliased(Organization), aliased(Organization)
    P = Partnership
    rows = db.session.execute(
        stmt.with_only_columns(P.id, P.school_id, P.partner_id, P.partner_kind, P.status,
                               P.start_date, P.agreement_number, P.agreement_date,
                               school.short_name, partner.short_name)
        .join_from(P, school, school.id == P.school_id)
        .join_from(P, partner, partner.id == P.partner_id)).all()
    seen, out = set(), []
    for r in rows:
        if r[0] not in seen:
            seen.add(r[0])
            out.append(MapPartnership(*r))
    return out


@dataclass
class MapRow:
    partnership: MapPartnership
    statuses: list
    events: int
    counters: dict = field(default_factory=dict)


MAP_TABLES = data_cache.watch(Partnership.__tablename__, Organization.__tablename__,
                              JointEvent.__tablename__, SchoolStatusRecord.__tablename__)


def partnership_map(stmt, quarter, *, year: int, today: date | None = None
                    ) -> tuple[list[MapRow], list[areas.MapCounter], data_cache.Key | None]:
    """Rows of the map: every partnership of ``stmt`` with this quarter's counts, the counters'
    columns and the key the rows were computed for (None when they were not kept).

    A constant number of queries whatever the number of rows: the partnerships (with both
    organisations joined), the statuses, the event counts, one query per registered counter —
    and none of them while the tables they read are unchanged since the same map was computed
    (``data_cache``; a region's map is the same for every user of the region).
    """
    today = today or local_today()
    per_pair, per_school = areas.map_counters("pair"), areas.map_counters("school")
    columns = per_pair + per_school

    tables = tuple(sorted({*MAP_TABLES, *(t for c in columns for t in c.tables)}))
    return data_cache.cached(
        "partnership-map", tables,
        (quarter.start, quarter.end, year, today, tuple(c.key for c in columns)),
        lambda key: (_map_rows(stmt, quarter, year, today, per_pair, per_school), columns, key),
        scope=stmt)


def _map_rows(stmt, quarter, year, today, per_pair, per_school) -> list[MapRow]:
    partnerships = _map_partnerships(stmt)
    ids = [p.id for p in partnerships]
    events: dict[int, int] = {}
    if ids:
        events = dict(db.session.execute(select(JointEvent.partnership_id, func.count()).where(
            JointEvent.partnership_id.in_(ids), JointEvent.deleted_at.is_(None),
            JointEvent.event_date >= quarter.start, JointEvent.event_date <= quarter.end)
            .group_by(JointEvent.partnership_id)).all())
    statuses = statuses_by_org([p.school_id for p in partnerships], year)
    values: dict[str, dict] = {}
    pairs = [(p.school_id, p.partner_id) for p in partnerships]
    for c in per_pair:
        values[c.key] = c.fn(pairs, quarter.start, quarter.end) if pairs else {}
    for c in per_school:
        values[c.key] = c.fn(sorted({p.school_id for p in partnerships}), today) \
            if partnerships else {}
    rows = []
    for p in partnerships:
        counters = {}
        for c in per_pair:
            counters[c.key] = values[c.key].get((p.school_id, p.partner_id), 0)
        for c in per_school:
            counters[c.key] = values[c.key].get(p.school_id, 0)
        rows.append(MapRow(p, statuses.get(p.school_id, []), events.get(p.id, 0), counters))
    return rows


# --------------------------------------------------------------------------- for indicators


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def partnerships_in_year(org_ids, year: int) -> dict[int, float]:
    """Partnerships of each supported school that ran in the year (not suspended)."""
    start, end = _year_range(year)
    ids = list(org_ids)
    rows = db.session.execute(
        select(Partnership.school_id, func.count()).where(
            Partnership.school_id.in_(ids), Partnership.deleted_at.is_(None),
            Partnership.status != PartnershipStatus.SUSPENDED,
            Partnership.start_date <= end,
            or_(Partnership.end_date.is_(None), Partnership.end_date >= start))
        .group_by(Partnership.school_id))
    found = dict(rows.all())
    return {oid: float(found.get(oid, 0)) for oid in ids}


def events_in_year(org_ids, year: int) -> dict[int, float]:
    """Joint events of all partnerships of each school in the calendar year."""
    start, end = _year_range(year)
    ids = list(org_ids)
    rows = db.session.execute(
        select(Partnership.school_id, func.count(JointEvent.id))
        .join(JointEvent, and_(JointEvent.partnership_id == Partnership.id,
                               JointEvent.deleted_at.is_(None)))
        .where(Partnership.school_id.in_(ids), Partnership.deleted_at.is_(None),
               JointEvent.event_date >= start, JointEvent.event_date <= end)
        .group_by(Partnership.school_id))
    found = dict(rows.all())
    return {oid: float(found.get(oid, 0)) for oid in ids}
