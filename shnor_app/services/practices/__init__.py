"""The practice bank: publish, search, and link practices to the records that used them.

Search is search-as-you-type over the normalised text of title, topic, authors, description,
results and the author school (``SearchableMixin``: case- and ё-insensitive on SQLite and
PostgreSQL alike, every word of the query must occur).

Links are generic — ``PracticeLink(practice_id, object_type, object_id)`` — so any module can
let its records cite practices. A module registers its record type once::

    from shnor_app.services import practices
    practices.register_linkable("visits", Visit)

and then calls :func:`link` / :func:`unlink` / :func:`linked_practices` with its objects; the
policy decides who may link (``can_edit`` of the record). Partnerships are registered here.
"""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Organization, Partnership, Practice, PracticeLink, PracticeProblem, User
from ...text import normalize_name
from ..errors import ServiceError, transactional
from ..records import add_new, soft_delete

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "author_org_id": "Организация-автор", "authors": "Авторы", "problem": "Проблема",
    "description": "Описание", "results": "Результаты", "practice_id": "Практика",
    "object_type": "Вид записи", "object_id": "Запись",
}

LINKABLE: dict[str, type] = {}


def register_linkable(object_type: str, model: type) -> None:
    """Let records of ``model`` (stored under ``object_type``) link practices."""
    LINKABLE[object_type] = model


register_linkable("partnerships", Partnership)


class PracticeError(ServiceError):
    """A practice-bank rule was broken; the message is Russian."""


def object_type_of(obj) -> str:
    for key, model in LINKABLE.items():
        if isinstance(obj, model):
            return key
    raise LookupError(f"{type(obj).__name__} is not registered with register_linkable")


# --------------------------------------------------------------------------- practices


@transactional
def save_practice(pr: Practice, *, is_new: bool = False, by: User | None = None) -> Practice:
    pr.title = (pr.title or "").strip()
    pr.description = (pr.description or "").strip()
    pr.authors = (pr.authors or "").strip()
    pr.topic = (pr.topic or "").strip()
    pr.results = (pr.results or "").strip() or None
    if not pr.title:
        raise PracticeError(fields={"title": "Укажите название практики."})
    if not pr.description:
        raise PracticeError(fields={"description": "Опишите практику: что и как делается."})
    if pr.problem is None:
        raise PracticeError(fields={
            "problem": "Выберите проблему, на решение которой направлена практика."})
    org = db.session.get(Organization, pr.author_org_id) if pr.author_org_id else None
    if org is None or org.deleted_at is not None:
        raise PracticeError(fields={"author_org_id": "Выберите организацию-автора."})
    pr.org_name = org.short_name
    if is_new:
        add_new(pr, by)
    db.session.commit()
    return pr


delete_practice = soft_delete


def search(stmt, q: str = "", problem: str = "", org: int | None = None):
    """Filter a (scoped) ``select(Practice)``: every word of ``q`` must occur."""
    for word in normalize_name(q).split()[:8]:
        stmt = stmt.where(Practice.search_text.contains(word, autoescape=True))
    if problem in PracticeProblem.__members__:
        stmt = stmt.where(Practice.problem == PracticeProblem[problem])
    if org:
        stmt = stmt.where(Practice.author_org_id == org)
    return stmt


# --------------------------------------------------------------------------- links


@transactional
def link(practice: Practice, obj, *, by: User | None = None) -> PracticeLink:
    object_type = object_type_of(obj)
    if practice.deleted_at is not None:
        raise PracticeError("Эта практика удалена из банка.")
    existing = db.session.scalar(select(PracticeLink).where(
        PracticeLink.practice_id == practice.id, PracticeLink.object_type == object_type,
        PracticeLink.object_id == obj.id))
    if existing is not None:
        raise PracticeError("Эта практика уже отмечена.")
    row = PracticeLink(practice_id=practice.id, object_type=object_type, object_id=obj.id,
                       created_by_id=by.id if by else None)
    db.session.add(row)
    db.session.commit()
    return row


@transactional
def unlink(practice_id: int, obj) -> bool:
    row = db.session.scalar(select(PracticeLink).where(
        PracticeLink.practice_id == practice_id, PracticeLink.object_type == object_type_of(obj),
        PracticeLink.object_id == obj.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    return True


def linked_practices(obj) -> list[Practice]:
    return list(db.session.scalars(select(Practice).join(
        PracticeLink, PracticeLink.practice_id == Practice.id).where(
        PracticeLink.object_type == object_type_of(obj), PracticeLink.object_id == obj.id,
        Practice.deleted_at.is_(None)).order_by(Practice.title)))


def usage(practice: Practice) -> list[tuple[str, object]]:
    """(object_type, record) of every record that links the practice (for its card)."""
    out = []
    rows = db.session.scalars(select(PracticeLink).where(
        PracticeLink.practice_id == practice.id).order_by(PracticeLink.id)).all()
    for row in rows:
        model = LINKABLE.get(row.object_type)
        obj = db.session.get(model, row.object_id) if model else None
        if obj is not None and getattr(obj, "deleted_at", None) is None:
            out.append((row.object_type, obj))
    return out
