"""Visits: the one-page form (parsed and validated here), writes, the audit after printing,
lists and the per-school counts the partnership map uses.

The visit form posts everything at once — the visit's fields and its rows of visitors, lessons
and recommendations — as ``<section>-<key>-<field>`` names (``lessons-a1b2-subject``); rows keep
the order they had on the page, and a row left empty is ignored. :func:`parse_form` turns the
post into a :class:`VisitForm`, :func:`validate` fills its ``errors`` (Russian, keyed by input
name, so the page shows each message next to its input), and :func:`save_visit` writes the visit
and all its rows in one transaction.

Rules: the date of a visit is never in the future; a recommendation's due date is never before
the visit; at least one visitor; a teacher typed exactly as in the school's staff list is linked
to that staff member, otherwise kept as written.

Printing: :func:`mark_printed` records ``printed_at``. Every later change writes, besides the
automatic column audit, one entry with the before → after of every changed part of the report
(fields, visitors, lessons, recommendations), so the printed version stays readable in the
history. Before the first print the same entry is written only for the rows (the columns are in
the automatic entry already).
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ...extensions import db
from ... import formatting
from ...formatting import fmt_date, fmt_datetime, today
from ...forms import TEXT_MAX
from ...models import (
    AuditAction, AuditEntry, MentoringPair, Organization, StaffMember, User, Visit, VisitKind,
    VisitLesson, VisitVisitor, utcnow,
)
from ...text import clean_text, normalize_name
from .. import audit as audit_service
from ..errors import ServiceError, transactional
from ..recommendations import TEXT_MAX as REC_TEXT_MAX
from ..records import soft_delete

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "visit_date": "Дата посещения", "school_id": "Школа", "visiting_org_id": "Посещающая организация",
    "purpose": "Цель посещения", "consultations": "Консультации", "findings": "Выводы",
    "documents_reviewed": "Изучены документы", "printed_at": "Справка напечатана",
    "visitors": "Участники посещения", "lessons": "Посещённые уроки",
    "recommendations": "Рекомендации", "school": "Школа", "visiting_org": "Посещающая организация",
}

SECTIONS = ("visitors", "lessons", "recs")
ROW_FIELDS = {
    "visitors": ("user_id", "full_name", "job_title"),
    "lessons": ("teacher", "subject", "grade", "focus", "assessment"),
    "recs": ("id", "text", "responsible", "due_date"),
}
_ROW_RE = re.compile(r"^(visitors|lessons|recs)-([A-Za-z0-9]{1,16})-([a-z_]+)$")
# The longest value of each field (rows and the visit's own texts), shown as maxlength.
LIMITS = {"full_name": 200, "job_title": 200, "teacher": 200, "subject": 200, "grade": 30,
          "responsible": 300, "focus": 5000, "assessment": 5000, "text": REC_TEXT_MAX,
          "purpose": TEXT_MAX, "consultations": TEXT_MAX, "documents_reviewed": TEXT_MAX,
          "findings": TEXT_MAX}


class VisitError(ServiceError):
    """A visit rule was broken; the message is Russian and shown to the user."""


def new_key() -> str:
    return secrets.token_hex(4)


def _clean(value) -> str:
    return clean_text(value or "").strip()


def parse_date(value) -> date | None:
    """«2026-03-15» (date input) or «15.03.2026» → date; anything else → None."""
    return formatting.parse_date(_clean(value) if isinstance(value, str) else value)


def to_int(value) -> int | None:
    """An id typed into the form, or None (not a number, or beyond any id)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@dataclass
class VisitForm:
    """What the user typed (strings), the rows, and the messages keyed by input name."""

    kind: str = VisitKind.METHODICAL.name
    visit_date: str = ""
    school_id: str = ""
    visiting_org_id: str = ""
    pair_id: str = ""
    purpose: str = ""
    consultations: str = ""
    documents_reviewed: str = ""
    findings: str = ""
    visitors: list[dict] = field(default_factory=list)
    lessons: list[dict] = field(default_factory=list)
    recs: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    FIELDS = ("kind", "visit_date", "school_id", "visiting_org_id", "pair_id", "purpose",
              "consultations", "documents_reviewed", "findings")

    @property
    def date(self) -> date | None:
        return parse_date(self.visit_date)

    @property
    def limits(self) -> dict[str, int]:
        """Field name → its longest value (the inputs' maxlength)."""
        return LIMITS

    def add_row(self, section: str, **values) -> dict:
        row = {"key": new_key(), **{f: "" for f in ROW_FIELDS[section]}, **values}
        getattr(self, section).append(row)
        return row

    @property
    def row_errors(self) -> bool:
        return any(_ROW_RE.match(k) for k in self.errors)


def _blank(row: dict, section: str) -> bool:
    """An empty new row (ignored). A row of an existing recommendation is never dropped: emptied,
    it means «delete this recommendation»."""
    if row.get("id"):
        return False
    skip = {"user_id", "id"}
    return not any(_clean(row.get(f)) for f in ROW_FIELDS[section] if f not in skip)


def parse_form(formdata) -> VisitForm:
    """The posted MultiDict → :class:`VisitForm` (rows in page order, empty rows dropped)."""
    form = VisitForm(**{f: _clean(formdata.get(f, "")) for f in VisitForm.FIELDS})
    rows: dict[tuple[str, str], dict] = {}
    for name in formdata.keys():
        m = _ROW_RE.match(name)
        if not m:
            continue
        section, key, fname = m.groups()
        if fname not in ROW_FIELDS[section]:
            continue
        row = rows.get((section, key))
        if row is None:
            row = rows[(section, key)] = {"key": key, **{f: "" for f in ROW_FIELDS[section]}}
            getattr(form, section).append(row)
        row[fname] = _clean(formdata.get(name, ""))
    for section in SECTIONS:
        setattr(form, section, [r for r in getattr(form, section) if not _blank(r, section)])
    return form


def form_from_visit(visit: Visit, recs=()) -> VisitForm:
    form = VisitForm(
        kind=visit.kind.name, visit_date=visit.visit_date.isoformat(),
        school_id=str(visit.school_id), visiting_org_id=str(visit.visiting_org_id),
        pair_id=str(visit.pair_id or ""), purpose=visit.purpose,
        consultations=visit.consultations, documents_reviewed=visit.documents_reviewed,
        findings=visit.findings)
    for v in visit.visitors:
        form.add_row("visitors", user_id=str(v.user_id or ""), full_name=v.full_name,
                     job_title=v.job_title)
    for lesson in visit.lessons:
        form.add_row("lessons", teacher=lesson.teacher_name, subject=lesson.subject,
                     grade=lesson.grade, focus=lesson.focus, assessment=lesson.assessment)
    for r in recs:
        form.add_row("recs", id=str(r.id), text=r.text, responsible=r.responsible or "",
                     due_date=r.due_date.isoformat() if r.due_date else "",
                     locked=locked(r), status=r.status.label, due_label=fmt_date(r.due_date))
    return form


def refill_locked(form: VisitForm, visit: Visit | None) -> None:
    """After a refused post, show the answered recommendations as they are (their rows post
    only their id)."""
    if visit is None:
        return
    recs = {str(r.id): r for r in recommendations_of(visit)}
    for row in form.recs:
        rec = recs.get(row.get("id") or "")
        if rec is not None and locked(rec):
            row.update(text=rec.text, responsible=rec.responsible or "", locked=True,
                       status=rec.status.label, due_label=fmt_date(rec.due_date))


def locked(rec) -> bool:
    """The school has answered it: its text and date stay as they were (see the card)."""
    from ...models import RecommendationStatus

    return rec.status is not RecommendationStatus.OPEN or bool(rec.report_text)


def blank_form(user: User, visiting_org_id: int | None, school_id: int | None = None) -> VisitForm:
    """Sensible defaults: today, the user's organisation, the user as the first visitor, one
    empty lesson row and two empty recommendation rows."""
    form = VisitForm(visit_date=today().isoformat(),
                     visiting_org_id=str(visiting_org_id or ""), school_id=str(school_id or ""))
    form.add_row("visitors", user_id=str(user.id), full_name=user.full_name,
                 job_title=user.position or "")
    form.add_row("lessons")
    form.add_row("recs")
    form.add_row("recs")
    return form


# --------------------------------------------------------------------------- validation


def validate(form: VisitForm, *, day: date | None = None) -> dict[str, str]:
    """Fill and return ``form.errors``: the rules that need no database."""
    day = day or today()
    errors = form.errors
    visit_date = form.date
    if not form.visit_date:
        errors["visit_date"] = "Укажите дату посещения."
    elif visit_date is None:
        errors["visit_date"] = "Дата посещения — в виде ДД.ММ.ГГГГ."
    elif visit_date > day:
        errors["visit_date"] = (f"Дата посещения не может быть позже сегодняшней "
                                f"({fmt_date(day)}): посещение записывают после выезда.")
    if form.kind not in VisitKind.__members__:
        errors["kind"] = "Выберите вид посещения."
    if not to_int(form.school_id):
        errors["school_id"] = "Выберите школу, которую посетили."
    if not to_int(form.visiting_org_id):
        errors["visiting_org_id"] = "Выберите посещающую организацию."
    if not _clean(form.purpose):
        errors["purpose"] = "Укажите цель посещения."
    if not form.visitors:
        errors["visitors"] = "Укажите хотя бы одного участника посещения."
    for fname in VisitForm.FIELDS:
        limit = LIMITS.get(fname)
        if limit and len(getattr(form, fname)) > limit:
            errors[fname] = f"Не длиннее {limit} знаков."
    for section in ("visitors", "lessons", "recs"):
        for row in getattr(form, section):
            for fname, limit in LIMITS.items():
                if len(row.get(fname) or "") > limit:
                    errors[f"{section}-{row['key']}-{fname}"] = f"Не длиннее {limit} знаков."
    for row in form.visitors:
        if not row["full_name"]:
            errors[f"visitors-{row['key']}-full_name"] = "Укажите фамилию, имя, отчество."
    for row in form.lessons:
        if not (row["teacher"] or row["subject"]):
            errors[f"lessons-{row['key']}-teacher"] = "Укажите учителя или предмет урока."
    for row in form.recs:
        key = f"recs-{row['key']}"
        if row.get("id") and not (row["text"] or row["responsible"] or row["due_date"]):
            continue  # an existing recommendation emptied: to be deleted
        if not row["text"]:
            errors[f"{key}-text"] = "Сформулируйте рекомендацию."
        if row["due_date"]:
            due = parse_date(row["due_date"])
            if due is None:
                errors[f"{key}-due_date"] = "Срок — в виде ДД.ММ.ГГГГ."
            elif visit_date is not None and due < visit_date:
                errors[f"{key}-due_date"] = (f"Срок не может быть раньше даты посещения "
                                             f"({fmt_date(visit_date)}).")
    return errors


# --------------------------------------------------------------------------- writes


def _staff_index(school_id: int) -> dict[str, int]:
    rows = db.session.execute(select(StaffMember.id, StaffMember.full_name).where(
        StaffMember.organization_id == school_id, StaffMember.deleted_at.is_(None))).all()
    return {normalize_name(name): sid for sid, name in rows}


def _colleagues(org_id: int) -> dict[str, int]:
    rows = db.session.execute(select(User.id, User.full_name).where(
        User.organization_id == org_id, User.active.is_(True))).all()
    return {normalize_name(name): uid for uid, name in rows}


def _visitor_user_id(row: dict, by: User | None, colleagues: dict[str, int]) -> int | None:
    """A visitor row is linked to a user only when it is the author or a colleague."""
    uid = to_int(row.get("user_id"))
    if by is not None and uid == by.id and normalize_name(row["full_name"]) == \
            normalize_name(by.full_name):
        return by.id
    return colleagues.get(normalize_name(row["full_name"]))


def snapshot(visit: Visit, recs=()) -> dict[str, str]:
    """The report as plain text per part — what the audit compares before and after."""
    lessons = "\n".join(
        f"{i}. {l.teacher_name or '—'}; {l.subject or '—'}; {l.grade or '—'} кл.; "
        f"{l.focus or '—'}; оценка: {l.assessment or '—'}"
        for i, l in enumerate(visit.lessons, start=1))
    rec_lines = "\n".join(
        f"{i}. {r.text} (отв.: {r.responsible or '—'}; срок: {fmt_date(r.due_date) or '—'})"
        for i, r in enumerate(recs, start=1))
    return {
        "kind": visit.kind.label, "visit_date": fmt_date(visit.visit_date),
        "school": visit.school.short_name if visit.school else "",
        "visiting_org": visit.visiting_org.short_name if visit.visiting_org else "",
        "purpose": visit.purpose, "visitors": visit.visitors_text, "lessons": lessons,
        "consultations": visit.consultations, "documents_reviewed": visit.documents_reviewed,
        "findings": visit.findings, "recommendations": rec_lines,
    }


ROW_PARTS = ("visitors", "lessons", "recommendations")


def _write_report_diff(visit: Visit, before: dict, after: dict, printed_at) -> None:
    keys = list(after) if printed_at else list(ROW_PARTS)
    changes = {k: [before.get(k) or None, after.get(k) or None] for k in keys
               if (before.get(k) or "") != (after.get(k) or "")}
    if not changes:
        return
    message = None
    if printed_at:
        message = (f"Изменено после печати справки ({fmt_datetime(printed_at)}); "
                   f"здесь — прежняя и новая редакция каждой изменённой части.")
    _audit(visit, changes, message)


def _audit(visit: Visit, changes: dict | None, message: str | None, *,
           action: AuditAction = AuditAction.UPDATE) -> None:
    """An audit entry of the visit written in the same transaction as the change."""
    actor = audit_service.current_actor()
    db.session.add(AuditEntry(
        at=utcnow(), user_id=getattr(actor, "id", None),
        user_name=getattr(actor, "full_name", None), address=audit_service.client_address(),
        action=action, object_type=Visit.__tablename__, object_id=visit.id,
        object_label=str(visit)[:300], changes=changes, message=message))


def _fill(visit: Visit, form: VisitForm, by: User | None) -> None:
    visit.kind = VisitKind[form.kind]
    visit.visit_date = form.date
    visit.school_id = int(form.school_id)
    visit.visiting_org_id = int(form.visiting_org_id)
    visit.pair_id = to_int(form.pair_id)
    for name in ("purpose", "consultations", "documents_reviewed", "findings"):
        setattr(visit, name, _clean(getattr(form, name)))
    colleagues = _colleagues(visit.visiting_org_id)
    visit.visitors[:] = [
        VisitVisitor(position=i, full_name=row["full_name"], job_title=row["job_title"],
                     user_id=_visitor_user_id(row, by, colleagues))
        for i, row in enumerate(form.visitors)]
    staff = _staff_index(visit.school_id)
    visit.lessons[:] = [
        VisitLesson(position=i, teacher_name=row["teacher"],
                    staff_id=staff.get(normalize_name(row["teacher"])), subject=row["subject"],
                    grade=row["grade"], focus=row["focus"], assessment=row["assessment"])
        for i, row in enumerate(form.lessons)]


@transactional
def save_visit(visit: Visit | None, form: VisitForm, *, by: User | None) -> Visit:
    """Create (``visit`` is None) or change a visit with all its rows; all or nothing.

    ``form`` must have passed :func:`validate` (and the caller's access checks). A refusal
    names the inputs it concerns (``recs-<key>-due_date``…) in :attr:`VisitError.fields`.
    """
    if form.errors:
        raise VisitError("Исправьте отмеченные поля.")
    if visit is not None and str(visit.school_id) != form.school_id and any(
            locked(r) for r in recommendations_of(visit)):
        raise VisitError(fields={"school_id": "Школу изменить нельзя: она уже отчиталась по "
                                               "рекомендациям этого посещения."})
    with db.session.no_autoflush:
        if visit is None:
            visit = Visit(created_by_id=getattr(by, "id", None))
            db.session.add(visit)
            before = None
        else:
            before = snapshot(visit, recommendations_of(visit))
        _fill(visit, form, by)
    db.session.flush()
    _save_recommendations(visit, form, by)
    if before is not None:
        db.session.refresh(visit, ["school", "visiting_org"])
        _write_report_diff(visit, before, snapshot(visit, recommendations_of(visit)),
                           visit.printed_at)
    db.session.commit()
    return visit


SOURCE = "visit"  # the key visits are registered under in services.recommendations


def recommendations_of(visit: Visit):
    """The visit's recommendations, in their order."""
    from .. import recommendations

    return recommendations.for_source(SOURCE, visit.id)


def _save_recommendations(visit: Visit, form: VisitForm, by: User | None) -> None:
    """Add, change and delete the visit's recommendations as the form rows say (no commit).

    A recommendation the school has answered is left as it is; one whose row was emptied or
    removed is deleted (the shared rules refuse that once the school has reported).
    """
    from .. import recommendations

    existing = {r.id: r for r in recommendations_of(visit)} if visit.id else {}
    seen: set[int] = set()
    for position, row in enumerate(form.recs, start=1):
        rec = existing.get(to_int(row.get("id")))
        data = {"text": row["text"], "responsible": row["responsible"],
                "due_date": parse_date(row["due_date"])}
        try:
            if rec is None:
                rec = recommendations.add(SOURCE, visit, data, by=by, commit=False)
            elif locked(rec):
                pass
            elif not (row["text"] or row["responsible"] or row["due_date"]):
                continue  # emptied: deleted below
            else:
                rec.organization_id = visit.school_id
                recommendations.update(rec, data, by=by, commit=False)
        except recommendations.RecommendationError as err:
            raise VisitError(str(err), fields={
                f"recs-{row['key']}-{name}": message
                for name, message in (err.fields or {"text": str(err)}).items()}) from None
        rec.position = position
        seen.add(rec.id)
    for rec_id, rec in existing.items():
        if rec_id not in seen:
            try:
                recommendations.delete(rec, by=by, commit=False)
            except recommendations.RecommendationError as err:
                raise VisitError(str(err)) from None


@transactional
def mark_printed(visit: Visit, fmt: str = "pdf", *, official: bool = True) -> Visit:
    """Record a print of the report — a download in the journal, never a change of the visit.

    ``official``: printed by someone who may edit the visit (its authors); only such a print
    marks the visit as printed, so that a later edit keeps the printed text in the history. An
    observer's print is journalled and changes nothing."""
    if official:
        visit.printed_at = utcnow()
    _audit(visit, None, f"Напечатана справка по итогам посещения ({fmt.upper()})"
           + ("." if official else " — для просмотра, без отметки о печати."),
           action=AuditAction.DOWNLOAD)
    db.session.commit()
    return visit


delete_visit = soft_delete  # the report may have been printed and signed


# --------------------------------------------------------------------------- reading


@dataclass
class Filters:
    school: int | None = None
    visiting_org: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    recs: str = ""  # a key of REC_FILTERS

    def args(self) -> dict:
        out = {"school": self.school, "visiting_org": self.visiting_org,
               "date_from": self.date_from.isoformat() if self.date_from else None,
               "date_to": self.date_to.isoformat() if self.date_to else None,
               "recs": self.recs or None}
        return {k: v for k, v in out.items() if v}


def filter_visits(stmt, filters: Filters):
    if filters.school:
        stmt = stmt.where(Visit.school_id == filters.school)
    if filters.visiting_org:
        stmt = stmt.where(Visit.visiting_org_id == filters.visiting_org)
    if filters.date_from:
        stmt = stmt.where(Visit.visit_date >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(Visit.visit_date <= filters.date_to)
    if filters.recs in REC_FILTERS:
        stmt = stmt.where(Visit.id.in_(recommendation_filter(filters.recs, today())))
    return stmt


REC_FILTERS = {
    "open": "есть открытые (школа ещё не отчиталась)",
    "reported": "есть отчёты школы на проверке",
    "overdue": "есть просроченные",
}


def recommendation_filter(kind: str, day: date):
    """Ids of visits with recommendations of the kind (see ``REC_FILTERS``), as a subquery."""
    from ...models import (
        NOT_CLOSED_STATUSES,
        OPEN_STATUSES,
        Recommendation,
        RecommendationStatus,
    )

    R = Recommendation
    cond = {"open": R.status.in_(OPEN_STATUSES),
            "reported": R.status == RecommendationStatus.REPORTED,
            "overdue": R.status.in_(NOT_CLOSED_STATUSES) & (R.due_date < day)}[kind]
    return select(R.source_id).where(R.source_type == SOURCE, R.deleted_at.is_(None), cond)


def open_counts(visit_ids, day: date | None = None):
    """Per visit: open / overdue / reported / accepted recommendations, in one query."""
    from .. import recommendations

    return recommendations.counts_by_source(SOURCE, visit_ids, day or today())


def visit_counts(org_ids, start: date, end: date) -> dict[int, int]:
    """Visits per visited school between ``start`` and ``end`` (inclusive), in one query.

    For the partnership map (``partnerships.QUARTER_COUNTERS``); schools without visits are
    absent from the answer.
    """
    ids = list(org_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Visit.school_id, func.count()).where(
            Visit.school_id.in_(ids), Visit.deleted_at.is_(None),
            Visit.visit_date >= start, Visit.visit_date <= end)
        .group_by(Visit.school_id)).all()
    return {school_id: n for school_id, n in rows}


def staff_choices(school_id: int | None) -> list[StaffMember]:
    """The school's working staff, for the teacher and responsible datalists."""
    if not school_id:
        return []
    return list(db.session.scalars(select(StaffMember).where(
        StaffMember.organization_id == school_id, StaffMember.deleted_at.is_(None),
        StaffMember.left_on.is_(None)).order_by(StaffMember.management.desc(),
                                                StaffMember.full_name)))


def pairs_for_school(school_id: int | None) -> list[MentoringPair]:
    if not school_id:
        return []
    return list(db.session.scalars(select(MentoringPair).where(
        MentoringPair.mentee_org_id == school_id, MentoringPair.deleted_at.is_(None))
        .order_by(MentoringPair.start_date.desc())))


def org_names(ids) -> dict[int, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return dict(db.session.execute(select(Organization.id, Organization.short_name).where(
        Organization.id.in_(ids))).all())


# --------------------------------------------------------------------------- for other areas


def visits_by_pair(pairs, start: date, end: date) -> dict[tuple[int, int], int]:
    """Visits a partner made to a school in a period, per (school, partner) pair (a column of
    the partnership map)."""
    pairs = list(pairs)
    if not pairs:
        return {}
    schools, partners = {s for s, _ in pairs}, {p for _, p in pairs}
    rows = db.session.execute(
        select(Visit.school_id, Visit.visiting_org_id, func.count())
        .where(Visit.school_id.in_(schools), Visit.visiting_org_id.in_(partners),
               Visit.deleted_at.is_(None), Visit.visit_date >= start, Visit.visit_date <= end)
        .group_by(Visit.school_id, Visit.visiting_org_id))
    wanted = set(pairs)
    return {(s, p): n for s, p, n in rows if (s, p) in wanted}


def visits_in_year(org_ids, year: int) -> dict[int, float]:
    """Visits to each school in a calendar year (a figure indicators can score)."""
    ids = list(org_ids)
    found = visit_counts(ids, date(year, 1, 1), date(year, 12, 31))
    return {oid: float(found.get(oid, 0)) for oid in ids}
