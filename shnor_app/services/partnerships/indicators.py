"""Quarterly indicators of network interaction (Slavyansky municipal system, §4, block 4).

    4.1 Количество ШНОР и школ с низким ИОР, вовлечённых в сетевое взаимодействие с другими школами
    4.2 … с другими организациями (приказ УО, соглашение, договор)
    4.3 … которые провели совместные мероприятия со школами или другими организациями
    4.4 … которые провели на базе своей школы методические семинары

Counted per quarter (:mod:`services.quarters`: calendar quarters or school «четверти»), over the
schools that carry the status ШНОР or «зона риска (низкий ИОР)» in the year the quarter starts.

* A school is *in partnership* in a quarter when one of its partnerships' terms (start … end,
  open end = still running) overlaps the quarter and the partnership is not suspended.
  A partner school counts for 4.1, a college, institute or other organisation for 4.2.
* 4.3: the school has at least one joint event (any kind) dated in the quarter.
* 4.4: the school has at least one joint event of kind «семинар» held «на базе школы».

:func:`compute` is pure (plain values in, sets of school ids out) and tested on a fixture with
known answers; :func:`build_report` loads the values for a scope; :func:`report_xlsx` exports.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...extensions import db
from ...models import (
    EventKind, EventVenue, JointEvent, PartnerKind, Partnership, PartnershipStatus, SchoolStatus,
    SchoolStatusRecord,
)
from ...formatting import fmt_date, today
from .quarters import Quarter

TARGET_STATUSES = (SchoolStatus.LOW_RESULTS, SchoolStatus.RISK_ZONE)

INDICATORS = [
    ("4.1", "Количество ШНОР и школ с низким ИОР, вовлечённых в сетевое взаимодействие "
            "с другими школами"),
    ("4.2", "Количество ШНОР и школ с низким ИОР, вовлечённых в сетевое взаимодействие "
            "с другими организациями (приказ УО, соглашение, договор)"),
    ("4.3", "Количество ШНОР и школ с низким ИОР, которые провели совместные мероприятия "
            "со школами или другими организациями"),
    ("4.4", "Количество ШНОР и школ с низким ИОР, которые провели на базе своей школы "
            "методические семинары"),
]
CODES = [code for code, _ in INDICATORS]


@dataclass(frozen=True)
class Span:
    """A partnership as the indicators see it."""

    school_id: int
    partner_kind: PartnerKind
    start: date
    end: date | None
    suspended: bool = False

    def overlaps(self, q: Quarter) -> bool:
        return not self.suspended and self.start <= q.end and (self.end is None or self.end >= q.start)


@dataclass(frozen=True)
class EventFact:
    school_id: int
    day: date
    kind: EventKind
    venue: EventVenue


def compute(quarters: list[Quarter], targets: dict[int, set[int]], spans: list[Span],
            events: list[EventFact]) -> dict[str, dict[str, set[int]]]:
    """``{quarter.key: {"total" | "4.1" … "4.4": set of school ids}}``.

    ``targets`` maps a year to the ids of schools with a target status that year; a quarter
    uses the year it starts in.
    """
    out: dict[str, dict[str, set[int]]] = {}
    for q in quarters:
        schools = set(targets.get(q.start.year, set()))
        cell = {"total": schools, **{code: set() for code in CODES}}
        for s in spans:
            if s.school_id in schools and s.overlaps(q):
                cell["4.1" if s.partner_kind == PartnerKind.SCHOOL else "4.2"].add(s.school_id)
        for e in events:
            if e.school_id in schools and q.contains(e.day):
                cell["4.3"].add(e.school_id)
                if e.kind == EventKind.SEMINAR and e.venue == EventVenue.SCHOOL:
                    cell["4.4"].add(e.school_id)
        out[q.key] = cell
    return out


@dataclass
class Report:
    title: str
    year_label: str
    quarters: list[Quarter]
    cells: dict[str, dict[str, set[int]]]
    schools: list[tuple[int, str, list]]  # (id, short name, statuses) of every target school

    def count(self, code: str, q: Quarter) -> int:
        return len(self.cells[q.key][code])

    def has(self, school_id: int, code: str, q: Quarter) -> bool:
        return school_id in self.cells[q.key][code]


def build_report(school_stmt, quarters: list[Quarter], *, title: str, year_label: str) -> Report:
    """Load the facts for the schools selected by ``school_stmt`` (a ``select(Organization.id)``
    already scoped and filtered) and compute the indicators. Four queries."""
    from ...models import Organization

    years = sorted({q.start.year for q in quarters})
    first, last = quarters[0].start, quarters[-1].end
    scope = school_stmt
    targets: dict[int, set[int]] = {}
    status_rows = db.session.execute(select(
        SchoolStatusRecord.organization_id, SchoolStatusRecord.year, SchoolStatusRecord.status)
        .where(SchoolStatusRecord.organization_id.in_(scope), SchoolStatusRecord.year.in_(years),
               SchoolStatusRecord.deleted_at.is_(None))).all()
    statuses: dict[int, set] = {}
    for org_id, year, status in status_rows:
        if status in TARGET_STATUSES:
            targets.setdefault(year, set()).add(org_id)
        if year == years[-1]:
            statuses.setdefault(org_id, set()).add(status)
    spans = [Span(s, kind, start, end, status == PartnershipStatus.SUSPENDED)
             for s, kind, start, end, status in db.session.execute(select(
                 Partnership.school_id, Partnership.partner_kind, Partnership.start_date,
                 Partnership.end_date, Partnership.status).where(
                 Partnership.school_id.in_(scope), Partnership.deleted_at.is_(None),
                 Partnership.start_date <= last))]
    events = [EventFact(*row) for row in db.session.execute(select(
        Partnership.school_id, JointEvent.event_date, JointEvent.kind, JointEvent.venue)
        .join(Partnership, Partnership.id == JointEvent.partnership_id).where(
        Partnership.school_id.in_(scope), Partnership.deleted_at.is_(None),
        JointEvent.deleted_at.is_(None), JointEvent.event_date >= first,
        JointEvent.event_date <= last))]
    cells = compute(quarters, targets, spans, events)
    ids = set().union(*(ids for ids in targets.values())) if targets else set()
    names = dict(db.session.execute(select(Organization.id, Organization.short_name).where(
        Organization.id.in_(ids or {-1}))).all())
    schools = sorted(((i, names.get(i, "?"), sorted(statuses.get(i, set()), key=lambda s: s.name))
                      for i in ids), key=lambda t: t[1])
    return Report(title, year_label, quarters, cells, schools)


def report_xlsx(report: Report) -> bytes:
    from .. import exports

    wb = exports.workbook()
    ws = exports.sheet(wb, "Показатели", [8, 70] + [12] * len(report.quarters), first=True)
    exports.append(ws, [f"Организация сетевого взаимодействия: {report.title}"],
                   bold=True, size=12)
    exports.append(ws, [f"{report.year_label}; сформировано {fmt_date(today())}"])
    exports.append(ws, [])
    exports.header(ws, ["№", "Показатель"] + [q.short_label for q in report.quarters])
    exports.append(ws, ["", "Всего ШНОР и школ с низким ИОР"] +
                   [len(report.cells[q.key]["total"]) for q in report.quarters], wrap=True)
    for code, text in INDICATORS:
        exports.append(ws, [code, text] + [report.count(code, q) for q in report.quarters],
                       wrap=True)
    exports.append(ws, [])
    exports.append(ws, ["", "Периоды: " + "; ".join(
        f"{q.short_label} — {fmt_date(q.start)}–{fmt_date(q.end)}" for q in report.quarters)],
                   wrap=True)

    ws2 = exports.sheet(wb, "По школам", [40, 24])
    exports.header(ws2, ["Школа", "Статус"] + [f"{q.short_label} {code}"
                                               for q in report.quarters for code in CODES])
    for school_id, name, statuses in report.schools:
        exports.append(ws2, [name, ", ".join(s.label for s in statuses)] + [
            "да" if report.has(school_id, code, q) else "" for q in report.quarters
            for code in CODES])
    ws2.freeze_panes = "C2"
    return exports.save(wb)
