"""Recommendations to schools: the rules of their life cycle, shared by every source.

An area that gives recommendations (visits, interview protocols, meetings) contributes a
*source* (``areas.RecommendationSource``) from its own module::

    areas.contribute("visits", recommendation_sources=[RecommendationSource(
        "visit", Visit, kind_label="Посещение",
        label=lambda v: f"Посещение {v.school.short_name} {fmt_date(v.visit_date)}",
        url=lambda v: url_for("visits.show", visit_id=v.id),
        edit_action="edit",                 # who adds, changes, deletes the text (policy)
        review_action="review",             # who accepts or returns a school's report
        date_of=lambda v: v.visit_date,     # a due date cannot precede it
        school_of=lambda v: v.school_id)])  # whom they are addressed to

and then uses the functions below (or the shared block ``recommendations/_block.html`` with
:func:`block_context`). Every write validates, changes and commits; the audit listener keeps
before → after.

Life cycle: ``OPEN`` → (school reports) ``REPORTED`` → (reviewer) ``ACCEPTED`` or
``RETURNED`` → (school reports again) ``REPORTED`` … A reviewer may also accept an open one
(checked on the spot) and return an accepted one (accepted by mistake).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from ... import areas
from ...areas import RecommendationSource
from ...extensions import db
from ...models import (
    NOT_CLOSED_STATUSES, OPEN_STATUSES, Organization, OrgKind, Recommendation,
    RecommendationStatus, Roadmap, RoadmapItem, User,
)
from ...models.base import utcnow
from ...formatting import fmt_date, today as local_today
from .. import notifications
from ..errors import ServiceError, transactional
from ..records import live

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "text": "Текст", "responsible": "Ответственный", "due_date": "Срок",
    "report_text": "Отчёт школы", "review_comment": "Замечание проверяющего",
    "roadmap_item_id": "Пункт дорожной карты",
}

TEXT_MAX = 4000
REPORT_MAX = 8000


class RecommendationError(ServiceError):
    """A change refused by the rules; the message is for the user (Russian)."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message, errors)


# --------------------------------------------------------------------------- sources


# Every kind of record that gives recommendations, by its key (contributed by the areas).
sources = areas.recommendation_sources


def source_for(key: str) -> RecommendationSource:
    try:
        return sources()[key]
    except KeyError:
        raise LookupError(f"unknown recommendation source {key!r}") from None


def source_object(rec: Recommendation):
    source = sources().get(rec.source_type)
    return db.session.get(source.model, rec.source_id) if source else None


def source_objects(recs) -> dict[tuple[str, int], Any]:
    """The sources of many recommendations, one query per source kind."""
    wanted: dict[str, set[int]] = {}
    for rec in recs:
        wanted.setdefault(rec.source_type, set()).add(rec.source_id)
    out = {}
    for key, ids in wanted.items():
        source = sources().get(key)
        if source is None:
            continue
        for obj in db.session.scalars(select(source.model).where(source.model.id.in_(ids))):
            out[(key, obj.id)] = obj
    return out


# --------------------------------------------------------------------------- validation


def _clean(value) -> str:
    return (value or "").strip() if isinstance(value, str) else ""


def validate(data: dict, *, not_before: date | None = None) -> dict[str, str]:
    """Field → message for what is wrong in ``data`` (text, responsible, due_date)."""
    errors: dict[str, str] = {}
    text = _clean(data.get("text"))
    if not text:
        errors["text"] = "Напишите текст рекомендации."
    elif len(text) > TEXT_MAX:
        errors["text"] = f"Текст рекомендации длиннее {TEXT_MAX} знаков — сократите его."
    if len(_clean(data.get("responsible"))) > 300:
        errors["responsible"] = "Ответственный: не больше 300 знаков."
    due = data.get("due_date")
    if due is not None and not isinstance(due, date):
        errors["due_date"] = "Срок — дата в формате ДД.ММ.ГГГГ."
    elif due is not None and not_before is not None and due < not_before:
        errors["due_date"] = (f"Срок не может быть раньше даты, когда рекомендация дана "
                              f"({fmt_date(not_before)}).")
    return errors


def _check(data: dict, not_before: date | None) -> None:
    errors = validate(data, not_before=not_before)
    if errors:
        raise RecommendationError(" ".join(errors.values()), errors)


ITEM_NOT_LINKABLE = ("Этот пункт нельзя связать с рекомендацией: выберите пункт дорожной карты "
                     "школы или её муниципалитета из списка.")


def _linked_item_id(org_id: int, raw) -> int | None:
    """The roadmap item ``raw`` names, if a recommendation to ``org_id`` may be linked to it.

    The id comes from a form field: anything but an item of :func:`linkable_items` — another
    region's item, a deleted one, a number that names nothing, text — is refused here, so no
    way into a recommendation can store (and then show) an item its author may not see.
    """
    if raw in (None, ""):
        return None
    try:
        item_id = int(raw)
    except (TypeError, ValueError):
        raise RecommendationError(ITEM_NOT_LINKABLE, {"roadmap_item_id": ITEM_NOT_LINKABLE}) \
            from None
    org = db.session.get(Organization, org_id)
    ok = org is not None and db.session.scalar(
        select(RoadmapItem.id).join(Roadmap, Roadmap.id == RoadmapItem.roadmap_id)
        .where(RoadmapItem.id == item_id, RoadmapItem.deleted_at.is_(None),
               Roadmap.deleted_at.is_(None), Roadmap.owner_id.in_(_linkable_owners(org))))
    if not ok:
        raise RecommendationError(ITEM_NOT_LINKABLE, {"roadmap_item_id": ITEM_NOT_LINKABLE})
    return item_id


def _apply(rec: Recommendation, data: dict) -> None:
    rec.text = _clean(data.get("text"))
    rec.responsible = _clean(data.get("responsible")) or None
    rec.due_date = data.get("due_date")
    if "roadmap_item_id" in data:
        rec.roadmap_item_id = _linked_item_id(rec.organization_id, data.get("roadmap_item_id"))


# --------------------------------------------------------------------------- writes


@transactional
def add(source_key: str, source_obj, data: dict, *, by: User | None = None,
        organization_id: int | None = None, commit: bool = True) -> Recommendation:
    """A new recommendation of ``source_obj``, addressed to its school (or ``organization_id``).

    ``commit=False`` only flushes: a source saving itself and its recommendations in one
    transaction commits once (and rolls everything back on error).
    """
    source = source_for(source_key)
    _check(data, source.date_of(source_obj))
    org_id = organization_id or source.school_of(source_obj)
    if not org_id:
        raise RecommendationError("Не указано, какой школе адресована рекомендация.")
    position = db.session.scalar(select(func.coalesce(func.max(Recommendation.position), 0))
                                 .where(Recommendation.source_type == source_key,
                                        Recommendation.source_id == source_obj.id)) or 0
    rec = Recommendation(source_type=source_key, source_id=source_obj.id,
                         organization_id=org_id, position=position + 1,
                         status=RecommendationStatus.OPEN,
                         created_by_id=getattr(by, "id", None))
    _apply(rec, data)
    db.session.add(rec)
    db.session.flush()
    if commit:
        db.session.commit()
    return rec


@transactional
def update(rec: Recommendation, data: dict, *, by: User | None = None,
           commit: bool = True) -> Recommendation:
    source = source_for(rec.source_type)
    _check(data, source.date_of(source_object(rec)))
    _apply(rec, data)
    db.session.flush()
    if commit:
        db.session.commit()
    return rec


@transactional
def delete(rec: Recommendation, *, by: User | None = None, commit: bool = True) -> None:
    if rec.status is not RecommendationStatus.OPEN or rec.report_text:
        raise RecommendationError(
            "Школа уже отчиталась по этой рекомендации — её нельзя удалить. "
            "Если она больше не нужна, примите отчёт с комментарием.")
    rec.deleted_at = utcnow()
    if commit:
        db.session.commit()


@transactional
def report(rec: Recommendation, *, text: str, by: User) -> Recommendation:
    """The school says what was done. A new report replaces a previous one under review."""
    text = _clean(text)
    if not text:
        raise RecommendationError("Напишите, что сделано по рекомендации.",
                                  {"report_text": "Напишите, что сделано по рекомендации."})
    if len(text) > REPORT_MAX:
        msg = f"Отчёт длиннее {REPORT_MAX} знаков — сократите его или приложите файл."
        raise RecommendationError(msg, {"report_text": msg})
    if rec.status.closed:
        raise RecommendationError("Рекомендация уже принята как выполненная.")
    rec.report_text = text
    rec.reported_at = utcnow()
    rec.reported_by_id = by.id
    rec.status = RecommendationStatus.REPORTED
    notifications.recommendation_reported(rec, by=by)  # queued in this transaction
    db.session.commit()
    return rec


@transactional
def accept(rec: Recommendation, *, by: User, comment: str | None = None) -> Recommendation:
    """Accept the school's report. A recommendation the school has not reported on (new, or
    returned to it) is closed only with the reason stated: it is kept as the comment and seen
    in the row and the record's history."""
    if rec.status.closed:
        raise RecommendationError("Рекомендация уже принята.")
    comment = _clean(comment)
    if len(comment) > TEXT_MAX:
        raise RecommendationError(f"Комментарий длиннее {TEXT_MAX} знаков.")
    if rec.status != RecommendationStatus.REPORTED and not comment:
        msg = "Школа ещё не отчиталась: напишите, почему рекомендация закрывается без отчёта."
        raise RecommendationError(msg, {"comment": msg})
    rec.status = RecommendationStatus.ACCEPTED
    rec.review_comment = comment or None
    rec.reviewed_at = utcnow()
    rec.reviewed_by_id = by.id
    db.session.commit()
    return rec


@transactional
def return_(rec: Recommendation, *, by: User, comment: str) -> Recommendation:
    """Back to the school with what is missing (the comment is required)."""
    comment = _clean(comment)
    if not comment:
        msg = "Напишите, что нужно доделать: школа увидит этот комментарий."
        raise RecommendationError(msg, {"review_comment": msg})
    if len(comment) > TEXT_MAX:
        raise RecommendationError(f"Комментарий длиннее {TEXT_MAX} знаков.")
    if rec.status not in (RecommendationStatus.REPORTED, RecommendationStatus.ACCEPTED):
        raise RecommendationError("Вернуть можно только рекомендацию, по которой школа отчиталась.")
    rec.status = RecommendationStatus.RETURNED
    rec.review_comment = comment
    rec.reviewed_at = utcnow()
    rec.reviewed_by_id = by.id
    notifications.recommendation_returned(rec)  # queued in this transaction
    db.session.commit()
    return rec


# --------------------------------------------------------------------------- reads


def for_source(source_key: str, source_id: int) -> list[Recommendation]:
    return live(Recommendation, Recommendation.source_type == source_key,
                Recommendation.source_id == source_id,
                order_by=(Recommendation.position, Recommendation.id))


@dataclass
class Counts:
    open: int = 0
    overdue: int = 0
    reported: int = 0
    accepted: int = 0

    @property
    def total(self) -> int:
        return self.open + self.reported + self.accepted


def _counts(group_col, where, today: date) -> dict[int, Counts]:
    R = Recommendation
    overdue = and_(R.status.in_(NOT_CLOSED_STATUSES), R.due_date < today)
    rows = db.session.execute(
        select(group_col,
               func.sum(case((R.status.in_(OPEN_STATUSES), 1), else_=0)),
               func.sum(case((overdue, 1), else_=0)),
               func.sum(case((R.status == RecommendationStatus.REPORTED, 1), else_=0)),
               func.sum(case((R.status == RecommendationStatus.ACCEPTED, 1), else_=0)))
        .where(R.deleted_at.is_(None), *where).group_by(group_col))
    return {key: Counts(int(o or 0), int(d or 0), int(r or 0), int(a or 0))
            for key, o, d, r, a in rows}


def counts_by_source(source_key: str, source_ids, today: date) -> dict[int, Counts]:
    """Per source object: open / overdue / reported / accepted counts, in one query."""
    ids = list(source_ids)
    if not ids:
        return {}
    R = Recommendation
    return _counts(R.source_id, [R.source_type == source_key, R.source_id.in_(ids)], today)


def open_counts_by_school(org_ids, today: date) -> dict[int, Counts]:
    """Per school: open / overdue / reported / accepted, every source kind, one query."""
    ids = list(org_ids)
    if not ids:
        return {}
    R = Recommendation
    return _counts(R.organization_id, [R.organization_id.in_(ids),
                                       R.source_type.in_(list(sources()) or [""])], today)


def _linkable_owners(org: Organization):
    """Owners of the roadmaps a recommendation to ``org`` may point into: the school itself and
    its municipality's authority."""
    return select(Organization.id).where(
        Organization.deleted_at.is_(None),
        or_(Organization.id == org.id,
            and_(Organization.municipality_id == org.municipality_id,
                 Organization.kind == OrgKind.MUNICIPAL_AUTHORITY)))


def linkable_items(org: Organization, limit: int = 400) -> list[tuple[Roadmap, RoadmapItem]]:
    """Roadmap items a recommendation to ``org`` may be linked to: the school's own roadmaps
    and the municipal ones of its municipality."""
    owners = _linkable_owners(org)
    rows = db.session.execute(
        select(Roadmap, RoadmapItem).join(RoadmapItem, RoadmapItem.roadmap_id == Roadmap.id)
        .where(Roadmap.owner_id.in_(owners), Roadmap.deleted_at.is_(None),
               RoadmapItem.deleted_at.is_(None))
        .order_by(Roadmap.year.desc(), Roadmap.id, RoadmapItem.position).limit(limit)).all()
    return [(rm, item) for rm, item in rows]


def linked_to_item(item_id: int) -> list[Recommendation]:
    return list(db.session.scalars(
        select(Recommendation).where(Recommendation.roadmap_item_id == item_id,
                                     Recommendation.deleted_at.is_(None),
                                     Recommendation.source_type.in_(list(sources()) or [""]))
        .order_by(Recommendation.due_date, Recommendation.id)))


def open_by_school(school_ids, today: date) -> dict[int, int]:
    """Open recommendations per school (a column of the partnership map): one count over the
    open ones only, read from an index."""
    ids = list(school_ids)
    if not ids:
        return {}
    R = Recommendation
    return dict(db.session.execute(
        select(R.organization_id, func.count()).where(
            R.organization_id.in_(ids), R.status.in_(OPEN_STATUSES),
            R.source_type.in_(list(sources()) or [""]), R.deleted_at.is_(None))
        .group_by(R.organization_id)).all())


# --------------------------------------------------------------------------- on a source's page


def permissions(user, rec: Recommendation) -> dict[str, bool]:
    """What the row of ``rec`` offers ``user``: change the text, report, review."""
    from ... import policy

    return {"edit": policy.can(user, "change_text", rec), "report": policy.can(user, "report", rec),
            "review": policy.can(user, "review", rec)}


def block_context(user, source_key: str, source_obj) -> dict:
    """What the shared block ``recommendations/_block.html`` needs on a source's page (a visit,
    a protocol): its recommendations with what the user may do with each (a few queries)."""
    from ... import policy

    recs = for_source(source_key, source_obj.id)
    return {"rec_block": {
        "source_key": source_key, "source_obj": source_obj, "recs": recs,
        "perms": {r.id: permissions(user, r) for r in recs},
        "can_add": policy.can(user, "create", Recommendation, source_obj),
        "today": local_today()}}
