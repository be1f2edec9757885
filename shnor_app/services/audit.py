"""Audit trail written automatically for every audited model.

Any model with ``__audit__ = True`` gets an entry for each insert, update and delete, written by
an ``after_flush`` hook on the same connection and therefore in the same transaction as the
change itself: a change that rolls back leaves no entry, and no way into a change (form, HTMX,
import, CLI) can forget to write one. Setting ``deleted_at`` is recorded as a deletion.

The acting user is taken from ``flask_login.current_user`` inside a request, or from
``acting_as(user)`` in CLI commands and services that act on somebody's behalf.
"""
from __future__ import annotations

import contextlib
import contextvars
import enum
import functools
import logging
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .. import areas
from ..models.audit import AuditAction, AuditEntry
from ..models.base import utcnow

log = logging.getLogger(__name__)

_actor: contextvars.ContextVar = contextvars.ContextVar("audit_actor", default=None)

FIELD_LABELS = {
    "full_name": "Полное наименование / ФИО", "short_name": "Краткое наименование",
    "name": "Наименование", "kind": "Вид", "inn": "ИНН", "code": "Код", "address": "Адрес",
    "director_name": "Руководитель", "phone": "Телефон", "email": "Эл. почта",
    "region_id": "Регион", "municipality_id": "Муниципалитет", "organization_id": "Организация",
    "year": "Год", "status": "Статус", "order_kind": "Вид документа", "order_number": "Номер",
    "order_date": "Дата", "note": "Примечание", "position": "Должность", "subjects": "Предметы",
    "category": "Квалификационная категория", "teaching_since": "Педагогический стаж с",
    "young_specialist": "Молодой специалист", "management": "Управленческая команда",
    "hired_on": "Принят", "left_on": "Уволен", "deleted_at": "Удалено", "login": "Логин",
    # bandit B105: a label
    "role": "Роль", "active": "Активен", "must_change_password": "Сменить пароль при входе",  # nosec B105
    "original_name": "Файл", "description": "Описание",
    "ogrn": "ОГРН", "kpp": "КПП", "fis_oko_login": "Логин ФИС ОКО", "gia_code": "Код ГИА",
    "registry_key": "Код в реестре аккредитации", "head_organization_id": "Головная организация",
    "snils": "СНИЛС", "birth_date": "Дата рождения",
}
_SKIP = {"id", "created_at", "updated_at", "created_by_id", "search_text"}


@contextlib.contextmanager
def acting_as(user):
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    actor = _actor.get()
    if actor is not None:
        return actor
    if has_request_context():
        from flask_login import current_user

        if current_user and getattr(current_user, "is_authenticated", False):
            return current_user
    return None


def client_address() -> str | None:
    if has_request_context():
        return (request.remote_addr or "")[:64] or None
    return None


def to_plain(value):
    """A value as it should appear in the log: JSON-serialisable and readable."""
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.name)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _columns(obj):
    mapper = inspect(obj).mapper
    excluded = _SKIP | set(getattr(obj, "__audit_exclude__", ()))
    return [c.key for c in mapper.column_attrs if c.key not in excluded]


def _object_type(obj) -> str:
    return obj.__tablename__


def _label(obj) -> str:
    try:
        return str(obj)[:300]
    except Exception:  # a label must never break a write
        return f"#{getattr(obj, 'id', '?')}"


def _masked(obj, changes: dict) -> dict:
    """Personal data (``__audit_masked__``) is not written into the log: only that it changed."""
    for key in getattr(obj, "__audit_masked__", ()):
        if key in changes:
            changes[key] = ["•••" if v not in (None, "") else None for v in changes[key]]
    return changes


def _entry(action, obj, changes, message=None) -> dict:
    actor = current_actor()
    return {
        "at": utcnow(), "user_id": getattr(actor, "id", None),
        "user_name": getattr(actor, "full_name", None), "address": client_address(),
        "action": action, "object_type": _object_type(obj), "object_id": obj.id,
        "object_label": _label(obj), "changes": _masked(obj, changes or {}) or None,
        "message": message,
    }


def _after_flush(session: Session, flush_context) -> None:
    rows = []
    for obj in session.new:
        if getattr(obj, "__audit__", False):
            changes = {
                key: [None, to_plain(getattr(obj, key))]
                for key in _columns(obj) if getattr(obj, key) not in (None, "", False)
            }
            rows.append(_entry(AuditAction.CREATE, obj, changes))
    for obj in session.dirty:
        if not getattr(obj, "__audit__", False) or not session.is_modified(obj):
            continue
        state = inspect(obj)
        changes = {}
        for key in _columns(obj):
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if to_plain(before) != to_plain(after):
                changes[key] = [to_plain(before), to_plain(after)]
        if not changes:
            continue
        action = AuditAction.UPDATE
        if "deleted_at" in changes and changes["deleted_at"][0] is None:
            action = AuditAction.DELETE
        rows.append(_entry(action, obj, changes))
    for obj in session.deleted:
        if getattr(obj, "__audit__", False):
            changes = {key: [to_plain(getattr(obj, key)), None] for key in _columns(obj)}
            rows.append(_entry(AuditAction.DELETE, obj, changes))
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)


def _noop_set(target, value, oldvalue, initiator):
    return value


def _track_old_values(mapper, cls) -> None:
    """Load the old value of an expired attribute when it is set, so "before" is never lost."""
    if not getattr(cls, "__audit__", False):
        return
    for attr in mapper.column_attrs:
        target = getattr(cls, attr.key)
        if attr.key not in _SKIP and not event.contains(target, "set", _noop_set):
            event.listen(target, "set", _noop_set, active_history=True, retval=True)


def install(session_cls) -> None:
    from sqlalchemy.orm import Mapper

    if not event.contains(session_cls, "after_flush", _after_flush):
        event.listen(session_cls, "after_flush", _after_flush)
    if not event.contains(Mapper, "mapper_configured", _track_old_values):
        event.listen(Mapper, "mapper_configured", _track_old_values)
    # Mappers configured before this call (a module that built a query or a loader option at
    # import configures them all) never send the event: they are tracked here.
    from ..extensions import db

    for mapper in db.Model.registry.mappers:
        if mapper.configured:
            _track_old_values(mapper, mapper.class_)


def log_event(action: AuditAction, *, user=None, message: str | None = None,
              object_type: str | None = None, object_id: int | None = None) -> None:
    """Record an event that is not a data change (login, refused access, download) and commit.

    Callers are at points where nothing else is pending (a login, a refused request whose work
    was rolled back), so the entry is committed at once through the same session.
    """
    from ..extensions import db

    actor = user if user is not None else current_actor()
    db.session.execute(AuditEntry.__table__.insert(), [{
        "at": utcnow(), "user_id": getattr(actor, "id", None),
        "user_name": getattr(actor, "full_name", None), "address": client_address(),
        "action": action, "object_type": object_type, "object_id": object_id,
        "object_label": None, "changes": None, "message": message,
    }])
    db.session.commit()


def field_label(key: str, table: str | None = None) -> str:
    """The Russian name of a field: the areas' own (``areas.contribute(audit_labels=…)``, a
    table's own first — ``start_date`` is «Начало срока» of an agreement but «Начало» of a
    course), else the common ones above."""
    return areas.audit_label(table, key) or FIELD_LABELS.get(key, key)


# --------------------------------------------------------------------------- reading the trail
# The journal and a record's history show the same entries the same way: Russian text with
# names, never a Python value («True», «None», «{'kind': …}») or a table name.

TABLE_LABELS = {
    "assessment_results": "Результаты оценочных процедур", "attachments": "Документы",
    "course_topics": "Темы курсов", "courses": "Курсы", "development_plans": "ИОМ",
    "enrollments": "Записи на курсы", "identification_approvals": "Утверждение списков ШНОР",
    "indicators": "Показатели мониторинга", "interview_commission_members": "Члены комиссии",
    "interview_series": "Серии собеседований", "joint_events": "Совместные мероприятия",
    "meeting_agenda_items": "Вопросы повестки", "meeting_participants": "Участники заседаний",
    "meetings": "Собеседования и совещания", "mentoring_pairs": "Наставничество",
    "mentoring_steps": "Шаги плана наставничества", "municipalities": "Муниципалитеты",
    "organizations": "Организации", "partnerships": "Сетевое партнёрство",
    "plan_activities": "Мероприятия ИОМ", "plan_deficits": "Дефициты ИОМ",
    "practices": "Банк практик", "protocol_amendments": "Изменения протоколов",
    "recommendations": "Рекомендации", "regions": "Регионы", "risk_factors": "Факторы риска",
    "roadmap_item_reports": "Отчёты по пунктам дорожных карт",
    "roadmap_items": "Пункты дорожных карт", "roadmap_sections": "Разделы дорожных карт",
    "roadmaps": "Дорожные карты", "school_risks": "Рисковые профили школ",
    "school_statuses": "Статусы школ", "staff_members": "Сотрудники", "users": "Пользователи",
    "visits": "Посещения",
}
EMPTY = "—"


def table_label(table: str | None) -> str:
    """The Russian name of the kind of record kept in ``table``."""
    return TABLE_LABELS.get(table or "", table or EMPTY)


@functools.cache
def _model_of(table: str):
    """The model class kept in ``table`` (the mappers are fixed once the models are imported,
    so the walk over them is done once per table, not once per value shown)."""
    from ..extensions import db

    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def _related_name(table: str | None, key: str, value: int, cache: dict) -> str | None:
    """The name of the record a ``…_id`` field points at, or None when it points at none."""
    from ..extensions import db

    model = _model_of(table or "")
    column = model.__table__.columns.get(key) if model is not None else None
    if column is None or not column.foreign_keys:
        return None
    target = _model_of(next(iter(column.foreign_keys)).column.table.name)
    if target is None:
        return None
    ck = (target.__tablename__, value)
    if ck not in cache:
        obj = db.session.get(target, value)
        if obj is None:
            cache[ck] = f"запись № {value} (удалена)"
        else:
            name = next((getattr(obj, a) for a in ("short_name", "full_name", "name", "title")
                         if getattr(obj, a, None)), None)
            cache[ck] = str(name or obj)
    return cache[ck]


def _structured(text: str):
    """A mapping or list written by an older trail as Python text («{'kind': 'quarterly'}»)."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (dict, list)) else None


def display_value(key: str, value, table: str | None = None, cache: dict | None = None) -> str:
    """What a person reads for one value of the trail: «да»/«нет», «—» for nothing, the name of
    a related record instead of its id, a structured value as its area words it."""
    cache = {} if cache is None else cache
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, str) and value in ("True", "False", "None"):
        return {"True": "да", "False": "нет", "None": EMPTY}[value]
    if isinstance(value, int) and key.endswith("_id"):
        name = _related_name(table, key, value, cache)
        if name is not None:
            return name
    if isinstance(value, str) and value[:1] in "{[" and len(value) <= 2000:
        parsed = _structured(value)
        if parsed is not None:
            value = parsed
    if isinstance(value, (dict, list)):
        fmt = areas.audit_value(table, key)
        if fmt is not None:
            try:
                return fmt(value)
            except (TypeError, ValueError, KeyError, AttributeError):
                # an odd old value is shown as it is below; it never breaks the page
                log.debug("audit value of %s.%s not in its area's shape", table, key)
        if isinstance(value, dict):
            return "; ".join(f"{k}: {display_value(k, v, table, cache)}" for k, v in value.items())
        return ", ".join(display_value(key, v, table, cache) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        from ..formatting import fmt_datetime

        return fmt_datetime(moment)
    return str(value)
