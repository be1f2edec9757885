"""Writes and reports for roadmaps: import, cells, rows, statuses, progress reports, monitoring.

Every write function validates, changes and commits (audit entries come automatically from
``services.audit`` in the same transaction); a broken rule raises :class:`RoadmapError` with a
Russian message and changes nothing. Routes, the CLI and the demo all come through here.

Decisions worth knowing:

* The period is always kept as written (``period_text``) next to what
  :func:`services.periods.parse_period` made of it; a text it did not understand is flagged,
  never lost. The roadmap's year is the default year for texts without one.
* Executors are kept as written and, where possible, resolved to organisations of the owner's
  region (:class:`ExecutorResolver`): by short or full name, or — for the authority words
  «МОО», «МОУО», «УО», «РУО», «управление образования» — to the municipal authority of the
  owner's municipality. Without an owner nothing is resolved until an owner is set.
* An item is *overdue* when its end date has passed and it is neither done nor cancelled.
* «Выполнено» needs an actual result or at least one report.
* A roadmap's life cycle (:class:`models.RoadmapState`): «действует» → «завершена» → «в архиве»,
  and «Вернуть в работу» back to «действует» (:func:`set_state`). The start-page and monitoring
  figures count only *current* roadmaps (:func:`current_clause`): those that «действует» and
  whose period touches the year the figures are for; finished and archived plans keep
  everything and are found under the list's status filter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, func, or_, select, union
from sqlalchemy.orm import contains_eager, lazyload

from ...extensions import db
from ...models import (
    ItemExecutor, ItemReport, ItemStatus, OrderKind, OrgKind, Organization, Roadmap, RoadmapItem,
    RoadmapLevel, RoadmapSection, RoadmapState, User, utcnow,
)
from .periods import parse_period
from .imports import ParsedRoadmap
from ...text import clean_text, normalize_name
from .. import data_cache
from ..errors import ServiceError, transactional
from ..records import all_or_nothing, soft_delete

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "title": "Наименование", "level": "Уровень", "owner_id": "Организация-владелец",
    "period_start": "Начало периода", "period_end": "Окончание периода",
    "source_name": "Файл импорта", "roadmap_id": "Дорожная карта", "section_id": "Раздел",
    "number": "Номер", "text": "Содержание", "period_text": "Срок", "recurrence": "Периодичность",
    "period_understood": "Срок распознан", "executors": "Исполнители",
    "expected_result": "Ожидаемый результат", "indicator": "Показатель реализации",
    "actual_result": "Фактический результат", "item_id": "Пункт", "report_date": "Дата отчёта",
    "author_id": "Автор", "link": "Ссылка", "state": "Состояние",
}


class RoadmapError(ServiceError):
    """A roadmap rule was broken; the message is Russian and shown to the user."""


DONE_NEEDS_RESULT = ("Чтобы отметить пункт выполненным, укажите фактический результат "
                     "или добавьте отчёт о выполнении.")

ORDER_KINDS = {"приказ": OrderKind.ORDER, "распоряжение": OrderKind.DIRECTIVE,
               "постановление": OrderKind.RESOLUTION}

# --------------------------------------------------------------------------- executors

_AUTHORITY_TOKENS = {"моо", "моуо", "уо", "руо", "гороо", "районо", "муо", "ууо"}
_AUTHORITY_PHRASES = ("управление образования", "управления образования", "отдел образования",
                      "отдела образования", "комитет образования", "комитет по образованию",
                      "муниципальный орган управления образованием")
_NOBODY = {"оо", "оу", "руководители оу", "руководители оо", "ou", "шнор", "консультант",
           "все оо", "образовательные организации", "общеобразовательные организации"}
_TOKEN_RE = re.compile(r"[0-9a-zа-я№]+")


class ExecutorResolver:
    """Resolves executor names to organisations of the owner's region (built once per import)."""

    def __init__(self, owner: Organization | None):
        self.owner = owner
        self.exact: dict[str, int] = {}
        self.contained: list[tuple[str, int]] = []
        self.authority_id: int | None = None
        if owner is None:
            return
        orgs = db.session.scalars(select(Organization).where(
            Organization.region_id == owner.region_id, Organization.deleted_at.is_(None))).all()
        for org in orgs:
            for name in (org.short_name, org.full_name):
                key = normalize_name(name)
                if key:
                    self.exact.setdefault(key, org.id)
                    if len(key) >= 5:
                        self.contained.append((key, org.id))
            if (org.kind == OrgKind.MUNICIPAL_AUTHORITY and owner.municipality_id
                    and org.municipality_id == owner.municipality_id):
                self.authority_id = org.id
        if owner.kind == OrgKind.MUNICIPAL_AUTHORITY:
            self.authority_id = owner.id
        self.contained.sort(key=lambda pair: -len(pair[0]))

    def resolve_one(self, name: str) -> int | None:
        key = normalize_name(name)
        if not key or key in _NOBODY or self.owner is None:
            return None
        if key in self.exact:
            return self.exact[key]
        tokens = set(_TOKEN_RE.findall(key))
        if tokens & _AUTHORITY_TOKENS or any(p in key for p in _AUTHORITY_PHRASES):
            return self.authority_id
        for org_key, org_id in self.contained:
            if re.search(r"(?<![\w])" + re.escape(org_key) + r"(?![\w])", key):
                return org_id
        return None

    def resolve(self, names) -> list[int]:
        out: list[int] = []
        for name in names:
            org_id = self.resolve_one(name)
            if org_id is not None and org_id not in out:
                out.append(org_id)
        return out


def split_executors(text: str) -> list[str]:
    """Executors as written → names («МОО, консультант; ИРО» → 3 names)."""
    parts = re.split(r"[,;\n]+|\s+и\s+(?=[А-ЯЁA-Z])", text or "")
    return [p.strip(" .-–—\t") for p in parts if p.strip(" .-–—\t")]


def _set_executor_links(item: RoadmapItem, org_ids: list[int]) -> None:
    item.__dict__.pop("_executor_orgs", None)  # a preloaded copy would now be stale
    wanted = list(dict.fromkeys(org_ids))
    for link in list(item.executor_links):
        if link.organization_id not in wanted:
            item.executor_links.remove(link)
    have = {link.organization_id for link in item.executor_links}
    for org_id in wanted:
        if org_id not in have:
            item.executor_links.append(ItemExecutor(organization_id=org_id))


# --------------------------------------------------------------------------- periods


def apply_period(item: RoadmapItem, text: str | None, year: int | None) -> None:
    text = (text or "").strip()
    period = parse_period(text, year)
    item.period_text = text
    item.period_start = period.start
    item.period_end = period.end
    item.recurrence = period.recurrence.to_dict() if period.recurrence else None
    item.period_understood = bool(period.understood)


def _roadmap_year(roadmap: Roadmap) -> int:
    from ...formatting import today

    return roadmap.year or (roadmap.period_start.year if roadmap.period_start else today().year)


# --------------------------------------------------------------------------- roadmaps


def infer_level(title: str | None, owner: Organization | None) -> RoadmapLevel:
    if owner is not None:
        if owner.kind == OrgKind.SCHOOL:
            return RoadmapLevel.SCHOOL
        return RoadmapLevel.MUNICIPAL if owner.municipality_id else RoadmapLevel.REGIONAL
    t = normalize_name(title)
    if re.search(r"муниципальн|район|городск|округ", t):
        return RoadmapLevel.MUNICIPAL
    if re.search(r"региональн|област|кра[яйе]\b|республик", t):
        return RoadmapLevel.REGIONAL
    if re.search(r"\b(мбоу|мкоу|маоу|гбоу|сош|оош|гимнази|лице)", t):
        return RoadmapLevel.SCHOOL
    return RoadmapLevel.MUNICIPAL


def _validate_roadmap(rm: Roadmap) -> None:
    rm.title = " ".join((rm.title or "").split())
    if not rm.title:
        raise RoadmapError("Укажите наименование дорожной карты.")
    if rm.year is not None and not 2000 <= rm.year <= 2100:
        raise RoadmapError("Год дорожной карты — от 2000 до 2100.")
    if rm.period_start and rm.period_end and rm.period_end < rm.period_start:
        raise RoadmapError("Окончание периода не может быть раньше его начала.")
    if rm.order_number:
        rm.order_number = rm.order_number.strip()[:60] or None


@transactional
def save_roadmap(rm: Roadmap, *, is_new: bool = False) -> Roadmap:
    """Create or update a roadmap's requisites. A new roadmap gets one section without title."""
    _validate_roadmap(rm)
    if rm.year and not rm.period_start and not rm.period_end:
        rm.period_start, rm.period_end = date(rm.year, 1, 1), date(rm.year, 12, 31)
    if is_new:
        db.session.add(rm)
        db.session.flush()
        db.session.add(RoadmapSection(roadmap_id=rm.id, position=0, title=None,
                                      created_by_id=rm.created_by_id))
    db.session.commit()
    return rm


@transactional
def set_owner(rm: Roadmap, owner: Organization) -> Roadmap:
    """Give an ownerless roadmap its owner and resolve its executors in the owner's region."""
    rm.owner_id = owner.id
    rm.owner = owner
    resolver = ExecutorResolver(owner)
    items = db.session.scalars(select(RoadmapItem).where(RoadmapItem.roadmap_id == rm.id)).all()
    for item in items:
        _set_executor_links(item, resolver.resolve(split_executors(item.executors)))
    db.session.commit()
    return rm


delete_roadmap = soft_delete


# --------------------------------------------------------------------------- life cycle

# state → (the states it may come from, the message of a refused change)
_STATE_FROM = {
    RoadmapState.FINISHED: ({RoadmapState.ACTIVE},
                            "Завершить можно только действующую дорожную карту."),
    RoadmapState.ARCHIVED: ({RoadmapState.ACTIVE, RoadmapState.FINISHED},
                            "Дорожная карта уже в архиве."),
    RoadmapState.ACTIVE: ({RoadmapState.FINISHED, RoadmapState.ARCHIVED},
                          "Дорожная карта уже действует."),
}
STATE_ACTIONS = {  # the action's code in the URL → the state it leads to and its button
    "finish": (RoadmapState.FINISHED, "Завершить"),
    "archive": (RoadmapState.ARCHIVED, "В архив"),
    "reopen": (RoadmapState.ACTIVE, "Вернуть в работу"),
}


def state_actions(rm: Roadmap) -> list[tuple[str, str]]:
    """(code, button label) of the life-cycle actions that apply to the roadmap now."""
    return [(code, label) for code, (target, label) in STATE_ACTIONS.items()
            if rm.state in _STATE_FROM[target][0]]


@transactional
def set_state(rm: Roadmap, state: RoadmapState) -> Roadmap:
    """Finish, archive or reopen a roadmap. Nothing of it is changed but its state (journalled
    as every change is); a change that does not apply is refused."""
    allowed_from, message = _STATE_FROM[state]
    if rm.state not in allowed_from:
        raise RoadmapError(message)
    rm.state = state
    db.session.commit()
    return rm


def figures_year(today: date) -> int:
    """The year the current figures count (the calendar year of ``today``)."""
    return today.year


def period_label(today: date) -> str:
    """What the current roadmap figures count, as their labels say it: «2026 год»."""
    return f"{figures_year(today)} год"


def current_clause(today: date):
    """A roadmap counts in the current figures: it «действует» and its period touches the
    figures' year (a plan without a period: its year is that year; with neither: it counts)."""
    year = figures_year(today)
    first, last = date(year, 1, 1), date(year, 12, 31)
    has_period = or_(Roadmap.period_start.is_not(None), Roadmap.period_end.is_not(None))
    in_period = and_(or_(Roadmap.period_start.is_(None), Roadmap.period_start <= last),
                     or_(Roadmap.period_end.is_(None), Roadmap.period_end >= first))
    return and_(Roadmap.is_current, Roadmap.deleted_at.is_(None),
                or_(and_(has_period, in_period),
                    and_(~has_period, or_(Roadmap.year.is_(None), Roadmap.year == year))))


@dataclass
class ImportResult:
    roadmap: Roadmap | None
    sections: int
    items: int
    warnings: list[str]
    title: str
    year: int | None
    level: RoadmapLevel


def import_parsed(parsed: ParsedRoadmap, *, owner: Organization | None = None,
                  level: RoadmapLevel | None = None, title: str | None = None,
                  year: int | None = None, by: User | None = None,
                  source_name: str | None = None, dry_run: bool = False,
                  commit: bool = True) -> ImportResult:
    """Save a parsed document as a new roadmap — all of it in one transaction, or nothing.

    ``commit=False`` only flushes: the caller (the demo loader) commits its larger transaction.
    """
    title = (title or parsed.title or "").strip() or "Дорожная карта (импорт)"
    year = year or parsed.year
    level = level or infer_level(title, owner)
    warnings = list(parsed.warnings)
    sections = [s for s in parsed.sections if s.items or s.title]
    n_items = sum(len(s.items) for s in sections)
    if n_items == 0:
        raise RoadmapError("В документе не найдено ни одного мероприятия — сохранять нечего.")
    if dry_run:
        return ImportResult(None, len(sections), n_items, warnings, title, year, level)
    by_id = getattr(by, "id", None)
    rm = Roadmap(level=level, owner_id=owner.id if owner else None, title=title, year=year,
                 source_name=clean_text(source_name or "")[:255] or None, created_by_id=by_id)
    ab = parsed.approved_by
    if ab and (ab.kind or ab.number or ab.date):
        rm.order_kind = ORDER_KINDS.get((ab.kind or "").lower()) if ab.kind else None
        rm.order_number = ab.number
        rm.order_date = ab.date
    period = parse_period(title, year)
    if period.start and period.end:
        rm.period_start, rm.period_end = period.start, period.end
    with all_or_nothing(commit):
        _validate_roadmap(rm)
        if rm.year and not rm.period_start:
            rm.period_start, rm.period_end = date(rm.year, 1, 1), date(rm.year, 12, 31)
        db.session.add(rm)
        db.session.flush()
        resolver = ExecutorResolver(owner)
        item_year = year or (rm.period_start.year if rm.period_start else None)
        for s_pos, parsed_section in enumerate(sections):
            section = RoadmapSection(roadmap_id=rm.id, position=s_pos,
                                     title=parsed_section.title, created_by_id=by_id)
            db.session.add(section)
            db.session.flush()
            for i_pos, p in enumerate(parsed_section.items):
                item = RoadmapItem(
                    roadmap_id=rm.id, section_id=section.id, position=i_pos,
                    number=(p.number or None) and p.number[:30], text=p.text or "—",
                    executors=p.executors or "", expected_result=p.expected_result or "",
                    indicator=p.indicator or "", status=ItemStatus.NOT_STARTED,
                    created_by_id=by_id)
                apply_period(item, p.period_text, item_year)
                names = p.executor_names or split_executors(p.executors)
                _set_executor_links(item, resolver.resolve(names))
                db.session.add(item)
        if not sections:
            db.session.add(RoadmapSection(roadmap_id=rm.id, position=0, created_by_id=by_id))
    return ImportResult(rm, len(sections), n_items, warnings, title, year, level)


# --------------------------------------------------------------------------- sections


@transactional
def add_section(rm: Roadmap, title: str, *, by: User | None = None) -> RoadmapSection:
    title = " ".join((title or "").split())
    if not title:
        raise RoadmapError("Укажите название раздела.")
    pos = db.session.scalar(select(func.max(RoadmapSection.position))
                            .where(RoadmapSection.roadmap_id == rm.id))
    section = RoadmapSection(roadmap_id=rm.id, title=title, position=(pos or 0) + 1,
                             created_by_id=getattr(by, "id", None))
    db.session.add(section)
    db.session.commit()
    return section


SECTION_TITLE_MAX = 1000


@transactional
def rename_section(section: RoadmapSection, title: str) -> RoadmapSection:
    """A new title (one line; empty: a section without a title). The input stops at
    ``SECTION_TITLE_MAX`` characters; a longer title, sent by hand, is cut there."""
    section.title = " ".join(clean_text(title or "").split())[:SECTION_TITLE_MAX] or None
    db.session.commit()
    return section


@transactional
def delete_section(section: RoadmapSection) -> None:
    """Only an empty section goes (its items would lose their place otherwise)."""
    has_items = db.session.scalar(select(func.count()).where(
        RoadmapItem.section_id == section.id, RoadmapItem.deleted_at.is_(None)))
    if has_items:
        raise RoadmapError("В разделе есть пункты: сначала удалите их или перенесите.")
    other = db.session.scalar(select(RoadmapSection).where(
        RoadmapSection.roadmap_id == section.roadmap_id, RoadmapSection.id != section.id)
        .order_by(RoadmapSection.position, RoadmapSection.id).limit(1))
    if other is None:
        raise RoadmapError("Это единственный раздел дорожной карты — его можно только переименовать.")
    # Items deleted earlier keep their history; they move to a remaining section.
    for item in db.session.scalars(select(RoadmapItem).where(RoadmapItem.section_id == section.id)):
        item.section_id = other.id
    db.session.delete(section)
    db.session.commit()


# --------------------------------------------------------------------------- items

ITEM_FIELDS = ("number", "text", "period_text", "executors", "expected_result", "indicator",
               "actual_result")


def _clean(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _fill_item(item: RoadmapItem, data: dict, roadmap: Roadmap) -> None:
    number = _clean(data.get("number"))
    if len(number) > 30:
        raise RoadmapError("Номер пункта — не длиннее 30 знаков.")
    text = _clean(data.get("text"))
    if not text:
        raise RoadmapError("Укажите содержание мероприятия.")
    item.number = number or None
    item.text = text
    if _clean(data.get("period_text")) != (item.period_text or "") or item.id is None:
        apply_period(item, data.get("period_text"), _roadmap_year(roadmap))
    executors = _clean(data.get("executors"))
    if executors != (item.executors or "") or item.id is None:
        item.executors = executors
        owner = roadmap.owner
        _set_executor_links(item, ExecutorResolver(owner).resolve(split_executors(executors)))
    item.expected_result = _clean(data.get("expected_result"))
    item.indicator = _clean(data.get("indicator"))
    if "actual_result" in data:
        item.actual_result = _clean(data.get("actual_result")) or None


def has_reports(item: RoadmapItem) -> bool:
    if item.id is None:
        return False
    return bool(db.session.scalar(select(func.count()).where(
        ItemReport.item_id == item.id, ItemReport.deleted_at.is_(None))))


def _apply_status(item: RoadmapItem, status: ItemStatus, by: User | None) -> None:
    if status == ItemStatus.DONE and not (item.actual_result or "").strip() \
            and not has_reports(item):
        raise RoadmapError(DONE_NEEDS_RESULT, {"actual_result": DONE_NEEDS_RESULT})
    if status != item.status:
        item.status = status
        item.status_changed_at = utcnow()
        item.status_changed_by_id = getattr(by, "id", None)


def add_item(section: RoadmapSection, data: dict, *, by: User | None = None,
             status: ItemStatus | None = None) -> RoadmapItem:
    roadmap = db.session.get(Roadmap, section.roadmap_id)
    pos = db.session.scalar(select(func.max(RoadmapItem.position))
                            .where(RoadmapItem.section_id == section.id))
    item = RoadmapItem(roadmap_id=roadmap.id, section_id=section.id,
                       position=(pos if pos is not None else -1) + 1,
                       status=ItemStatus.NOT_STARTED, created_by_id=getattr(by, "id", None))
    try:
        _fill_item(item, data, roadmap)
        if status is not None:
            _apply_status(item, status, by)
        db.session.add(item)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return item


def update_item(item: RoadmapItem, data: dict, *, by: User | None = None,
                status: ItemStatus | None = None) -> RoadmapItem:
    """Change the cells (and, when given, the status) of an item; all or nothing."""
    roadmap = db.session.get(Roadmap, item.roadmap_id)
    try:
        with db.session.no_autoflush:
            _fill_item(item, data, roadmap)
            if status is not None:
                _apply_status(item, status, by)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return item


def _commit_keeping_loaded() -> None:
    """Commit without expiring what the session holds.

    A status change is answered with the re-rendered row; after an ordinary commit the item,
    its executors, its roadmap and the user (with their joined organisations) were all loaded
    again — half the time of the request. Nothing else writes these rows in between, and what
    the session holds is exactly what was just written.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def set_status(item: RoadmapItem, status: ItemStatus, *, by: User | None = None,
               actual_result: str | None = None) -> RoadmapItem:
    try:
        if actual_result is not None:
            item.actual_result = _clean(actual_result) or None
        _apply_status(item, status, by)
        _commit_keeping_loaded()
    except Exception:
        db.session.rollback()
        raise
    return item


@transactional
def move_item(item: RoadmapItem, direction: str) -> RoadmapItem:
    """Swap the item with its neighbour above («up») or below («down») in its section."""
    siblings = db.session.scalars(select(RoadmapItem).where(
        RoadmapItem.section_id == item.section_id, RoadmapItem.deleted_at.is_(None))
        .order_by(RoadmapItem.position, RoadmapItem.id)).all()
    for i, sib in enumerate(siblings):  # normalise positions first (0..n-1)
        sib.position = i
    idx = next(i for i, sib in enumerate(siblings) if sib.id == item.id)
    other = idx - 1 if direction == "up" else idx + 1
    if 0 <= other < len(siblings):
        siblings[idx].position, siblings[other].position = other, idx
    db.session.commit()
    return item


delete_item = soft_delete  # the row may have been printed and reported on


# --------------------------------------------------------------------------- reports


@transactional
def add_report(item: RoadmapItem, *, text: str, report_date: date | None, by: User,
               link: str | None = None, file_name: str | None = None,
               file_data: bytes | None = None) -> ItemReport:
    """Add a progress report with optional evidence (a link and/or one file)."""
    from .. import files
    from ...formatting import today

    text = _clean(text)
    if not text:
        raise RoadmapError("Опишите, что сделано.")
    report_date = report_date or today()
    if report_date > today():
        raise RoadmapError("Дата отчёта не может быть позже сегодняшней.")
    link = _clean(link) or None
    if link and not re.match(r"https?://\S+$", link):
        raise RoadmapError("Ссылка должна начинаться с http:// или https:// и не содержать пробелов.")
    if file_data is not None and file_name:
        try:
            files.check_upload(file_name, file_data)
        except files.UploadError as err:
            raise RoadmapError(str(err)) from None
    report = ItemReport(item_id=item.id, report_date=report_date, author_id=by.id,
                        organization_id=by.organization_id, text=text, link=link,
                        created_by_id=by.id)
    db.session.add(report)
    from .. import notifications

    notifications.item_reported(report, item, by=by)  # queued in this transaction
    db.session.commit()
    if file_data is not None and file_name:
        files.store(report, file_name, file_data, by=by)
    return report


delete_report = soft_delete


# --------------------------------------------------------------------------- reading


@dataclass
class Filters:
    status: str = ""
    section: int | None = None
    executor: str = ""
    overdue: bool = False
    mine: bool = False

    @property
    def active(self) -> bool:
        return bool(self.status or self.section or self.executor or self.overdue or self.mine)

    def args(self) -> dict:
        out = {"status": self.status, "section": self.section or "", "executor": self.executor,
               "overdue": "1" if self.overdue else "", "mine": "1" if self.mine else ""}
        return {k: v for k, v in out.items() if v}


def filter_items(stmt, filters: Filters, *, user: User | None, today: date):
    if filters.status in ItemStatus.__members__:
        stmt = stmt.where(RoadmapItem.status == ItemStatus[filters.status])
    if filters.section:
        stmt = stmt.where(RoadmapItem.section_id == filters.section)
    if filters.executor:
        if filters.executor.isascii() and filters.executor.isdigit() \
                and len(filters.executor) < 10:  # an organisation's id
            stmt = stmt.where(RoadmapItem.id.in_(select(ItemExecutor.item_id).where(
                ItemExecutor.organization_id == int(filters.executor))))
        else:
            needle = filters.executor.strip()
            stmt = stmt.where(RoadmapItem.executors.icontains(needle, autoescape=True))
    if filters.overdue:
        stmt = stmt.where(RoadmapItem.period_end < today,
                          RoadmapItem.status.not_in([ItemStatus.DONE, ItemStatus.CANCELLED]))
    if filters.mine and user is not None:
        from ...policy import responsible_org_ids

        mine = responsible_org_ids(user)
        stmt = stmt.where(RoadmapItem.id.in_(select(ItemExecutor.item_id).where(
            ItemExecutor.organization_id.in_(mine or {-1}))))
    return stmt


def roadmap_table(rm: Roadmap, filters: Filters | None = None, *, user: User | None = None,
                  today: date | None = None) -> list[tuple[RoadmapSection, list[RoadmapItem]]]:
    """Sections with their (filtered) items, in two queries whatever the number of items."""
    from ...formatting import today as _today

    today = today or _today()
    filters = filters or Filters()
    sections = db.session.scalars(select(RoadmapSection).where(
        RoadmapSection.roadmap_id == rm.id).order_by(RoadmapSection.position,
                                                     RoadmapSection.id)).all()
    stmt = select(RoadmapItem).where(RoadmapItem.roadmap_id == rm.id,
                                     RoadmapItem.deleted_at.is_(None))
    stmt = filter_items(stmt, filters, user=user, today=today)
    items = db.session.scalars(stmt.order_by(RoadmapItem.position, RoadmapItem.id)).all()
    preload_executors(items)
    by_section: dict[int, list[RoadmapItem]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    out = []
    for section in sections:
        rows = by_section.get(section.id, [])
        if filters.active and not rows:
            continue
        out.append((section, rows))
    return out


_item_ids = data_cache.column_keys("item_id")


def _item_roadmaps(session, obj) -> set[int]:
    """The roadmaps an executor or a report hangs under (through its item)."""
    from sqlalchemy.orm.util import identity_key

    out = set()
    for item_id in _item_ids(session, obj):
        item = session.identity_map.get(identity_key(RoadmapItem, item_id))
        out.add(item.roadmap_id if item is not None else session.connection().scalar(
            select(RoadmapItem.roadmap_id).where(RoadmapItem.id == item_id)))
    return out - {None}


# A roadmap's table is kept per roadmap (blueprints/roadmaps): a change of one item renews that
# roadmap's token only; organisations' names are shown in it and decide who may do what.
data_cache.partition("roadmap", {
    Roadmap: data_cache.column_keys("id"),
    RoadmapSection: data_cache.column_keys("roadmap_id"),
    RoadmapItem: data_cache.column_keys("roadmap_id"),
    ItemExecutor: _item_roadmaps,
    ItemReport: _item_roadmaps,
})
_TABLE_TABLES = data_cache.watch(Organization.__tablename__)


def table_tokens(rm: Roadmap) -> tuple[str, ...]:
    """What everything a roadmap's table shows is checked against (``data_cache.tokens``)."""
    return (*_TABLE_TABLES, *data_cache.part("roadmap", rm.id))


def preload_executors(items) -> None:
    """Fill ``item.executor_orgs`` of many items in one query of (item, organisation, name)
    rows (``executor_links`` themselves are loaded only when something touches them)."""
    items = list(items)
    found: dict[int, list[tuple[int, str]]] = {i.id: [] for i in items}
    if items:
        rows = db.session.execute(_EXECUTORS_OF, {"ids": list(found)})
        for item_id, org_id, name in rows:
            found[item_id].append((org_id, name))
    for item in items:
        item._executor_orgs = found[item.id]


class LastReport(NamedTuple):
    """What tables show of an item's reports: the latest live one and how many there are."""
    id: int
    report_date: date
    text: str
    org_name: str | None
    count: int


def _last_reports_of():
    latest = (select(ItemReport.item_id.label("item_id"), func.max(ItemReport.id).label("last_id"),
                     func.count().label("n"))
              .where(ItemReport.item_id.in_(bindparam("ids", expanding=True)),
                     ItemReport.deleted_at.is_(None))
              .group_by(ItemReport.item_id).subquery())
    return (select(latest.c.item_id, ItemReport.id, ItemReport.report_date, ItemReport.text,
                   Organization.short_name, latest.c.n)
            .join(ItemReport, ItemReport.id == latest.c.last_id)
            .outerjoin(Organization, Organization.id == ItemReport.organization_id))


# Built once: every table and every status change runs them (building cost more than running).
_LAST_REPORTS_OF = _last_reports_of()
_EXECUTORS_OF = (select(ItemExecutor.item_id, Organization.id, Organization.short_name)
                 .join(Organization, Organization.id == ItemExecutor.organization_id)
                 .where(ItemExecutor.item_id.in_(bindparam("ids", expanding=True)))
                 .order_by(ItemExecutor.id))


def last_reports(item_ids) -> dict[int, LastReport]:
    """The latest live report of each item with the number of live reports, in one query
    (tables show the date, the text and the organisation's short name: no report objects)."""
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    rows = db.session.execute(_LAST_REPORTS_OF, {"ids": item_ids})
    return {item_id: LastReport(*rest) for item_id, *rest in rows}


def executor_orgs(rm: Roadmap):
    """(id, short_name) of the organisations that execute items of the roadmap (for the
    executor filter)."""
    executing = select(ItemExecutor.organization_id).join(
        RoadmapItem, RoadmapItem.id == ItemExecutor.item_id).where(
        RoadmapItem.roadmap_id == rm.id, RoadmapItem.deleted_at.is_(None))
    return db.session.execute(select(Organization.id, Organization.short_name).where(
        Organization.id.in_(executing)).order_by(Organization.sort_name)).all()


# --------------------------------------------------------------------------- monitoring

_BAR_ORDER = (ItemStatus.DONE, ItemStatus.PARTIALLY_DONE, ItemStatus.IN_PROGRESS,
              ItemStatus.NOT_STARTED, ItemStatus.NOT_DONE, ItemStatus.CANCELLED)


@dataclass
class Counts:
    by_status: dict = field(default_factory=lambda: {s: 0 for s in ItemStatus})
    overdue: int = 0

    def add(self, item: RoadmapItem, today: date) -> None:
        self.by_status[item.status] += 1
        if item.is_overdue(today):
            self.overdue += 1

    def merge(self, other: "Counts") -> None:
        for s, n in other.by_status.items():
            self.by_status[s] += n
        self.overdue += other.overdue

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def __getattr__(self, name):
        if name.upper() in ItemStatus.__members__:
            return self.by_status[ItemStatus[name.upper()]]
        raise AttributeError(name)

    @property
    def percent_done(self) -> int:
        base = self.total - self.by_status[ItemStatus.CANCELLED]
        return round(100 * self.by_status[ItemStatus.DONE] / base) if base else 0

    def segments(self, width: int = 400) -> list[dict]:
        """Stacked-bar segments (x, width in px) for an inline SVG — no inline styles."""
        total = self.total
        out, x = [], 0.0
        for status in _BAR_ORDER:
            n = self.by_status[status]
            if not n or not total:
                continue
            w = width * n / total
            out.append({"status": status, "n": n, "x": round(x, 1), "w": round(w, 1)})
            x += w
        return out


@dataclass
class SectionStats:
    title: str | None
    counts: Counts


@dataclass
class RoadmapStats:
    roadmap: Roadmap
    sections: list[SectionStats]
    counts: Counts
    overdue_items: list[RoadmapItem]


@dataclass
class MonitoringReport:
    roadmaps: list[RoadmapStats]
    counts: Counts
    today: date

    @property
    def overdue_items(self) -> list[tuple[Roadmap, RoadmapItem]]:
        return [(r.roadmap, i) for r in self.roadmaps for i in r.overdue_items]


def monitoring(roadmaps: list[Roadmap], today: date | None = None) -> MonitoringReport:
    """Per roadmap and section: how many items are in each status, overdue, percent done."""
    from ...formatting import today as _today

    today = today or _today()
    ids = [r.id for r in roadmaps]
    sections = db.session.scalars(select(RoadmapSection).where(
        RoadmapSection.roadmap_id.in_(ids or [-1])).order_by(
        RoadmapSection.position, RoadmapSection.id)).all()
    items = db.session.scalars(select(RoadmapItem).where(
        RoadmapItem.roadmap_id.in_(ids or [-1]), RoadmapItem.deleted_at.is_(None))
        .order_by(RoadmapItem.position, RoadmapItem.id)).all()
    by_section: dict[int, list[RoadmapItem]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    total = Counts()
    out = []
    for rm in roadmaps:
        rm_counts = Counts()
        sec_stats, overdue = [], []
        for section in (s for s in sections if s.roadmap_id == rm.id):
            c = Counts()
            for item in by_section.get(section.id, []):
                c.add(item, today)
                if item.is_overdue(today):
                    overdue.append(item)
            if c.total or section.title:
                sec_stats.append(SectionStats(section.title, c))
            rm_counts.merge(c)
        total.merge(rm_counts)
        overdue.sort(key=lambda i: (i.period_end, i.position))
        out.append(RoadmapStats(rm, sec_stats, rm_counts, overdue))
    return MonitoringReport(out, total, today)


# --------------------------------------------------------------------------- start page


def _owned_roadmaps(user: User):
    """Ids of the roadmaps whose deadlines ``user`` answers for as the owner's people (a
    select), or None: a school's own, its municipality's for a methodist, the regional ones
    for a region user."""
    from ...models import Role

    owned = select(Roadmap.id).join(Organization, Organization.id == Roadmap.owner_id)
    if user.role in (Role.SCHOOL, Role.TUTOR) and user.organization_id:
        return owned.where(Roadmap.owner_id == user.organization_id)
    if user.role == Role.METHODIST and user.municipality_id:
        return owned.where(Organization.municipality_id == user.municipality_id)
    if user.role == Role.REGION and user.effective_region_id:
        return owned.where(Organization.region_id == user.effective_region_id,
                           Organization.municipality_id.is_(None))
    return None


def answers_for_deadlines(user: User) -> bool:
    """Whether :func:`due_items` can find anything for ``user`` at all (no item query)."""
    from ...policy import responsible_org_ids

    return _owned_roadmaps(user) is not None or bool(responsible_org_ids(user))


@dataclass
class DueItems:
    """The start page's roadmap deadlines: exact counts, the first ``limit`` of each list."""
    overdue: list[tuple[Roadmap, RoadmapItem]]
    soon: list[tuple[Roadmap, RoadmapItem]]
    n_overdue: int
    n_soon: int

    def __bool__(self) -> bool:
        return bool(self.n_overdue or self.n_soon)


def due_items(user: User, today: date, days: int = 14, limit: int = 10) -> DueItems:
    """Items the user answers for: overdue, and due within ``days`` — counted in SQL, the
    earliest ``limit`` of each listed (three queries whatever the number of items). Only the
    items of current roadmaps (:func:`current_clause`) count: a finished, archived or past
    year's plan does not bury this year's deadlines.

    Responsible are the users of an item's executor organisations and the owner's people:
    a school for its own roadmap, methodists for the roadmaps owned in their municipality,
    region users for the regional roadmaps of their region.
    """
    from ...policy import responsible_org_ids, scope_query

    mine = responsible_org_ids(user)
    parts = []
    if mine:
        parts.append(select(ItemExecutor.item_id).where(ItemExecutor.organization_id.in_(mine)))
    owned = _owned_roadmaps(user)
    if owned is not None:
        parts.append(select(RoadmapItem.id).where(RoadmapItem.roadmap_id.in_(owned)))
    if not parts:
        return DueItems([], [], 0, 0)
    # One «id IN (… UNION …)» of the user's own items, and the roadmap joined: the planner then
    # starts from those few items instead of walking every item the user may see.
    answerable = parts[0] if len(parts) == 1 else union(*parts)
    stmt = (scope_query(user, RoadmapItem)
            .join(Roadmap, Roadmap.id == RoadmapItem.roadmap_id)
            .where(RoadmapItem.id.in_(answerable), current_clause(today),
                   RoadmapItem.period_end.is_not(None),
                   RoadmapItem.period_end <= today + timedelta(days=days),
                   RoadmapItem.status.not_in([ItemStatus.DONE, ItemStatus.CANCELLED])))
    late = RoadmapItem.period_end < today
    n_overdue, n_soon = db.session.execute(stmt.with_only_columns(
        func.count(case((late, 1))), func.count(case((~late, 1))))).one()

    def first(cond):
        rows = db.session.scalars(
            stmt.where(cond).options(
                contains_eager(RoadmapItem.roadmap).lazyload(Roadmap.owner),
                lazyload(RoadmapItem.executor_links))
            .order_by(RoadmapItem.period_end, RoadmapItem.id).limit(limit)).all()
        return [(i.roadmap, i) for i in rows]

    return DueItems(first(late) if n_overdue else [], first(~late) if n_soon else [],
                    n_overdue or 0, n_soon or 0)
