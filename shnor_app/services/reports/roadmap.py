"""«Отчёт о реализации плана мероприятий (дорожной карты)» of a territory for a period.

The roadmaps are those of the territory's level (a school's own plan, the municipal plan of a
municipality, the regional plan of a region) that the user sees and whose year or dates meet
the period. The figures are the roadmap monitoring's (:func:`services.roadmaps.monitoring`,
the page «Мониторинг исполнения»), taken on the report's date: per section how many items are
done, in progress, overdue; then every item with its period, executors, status, actual result
and the reports dated within the period with their evidence (link and attached files).
"""
from __future__ import annotations

from sqlalchemy import and_, or_, select

from ... import policy
from ...extensions import db
from ...formatting import count_words, fmt_date
from ...models import (
    Attachment, ItemReport, ItemStatus, Organization, Roadmap, RoadmapLevel,
)
from .. import roadmaps as roadmaps_svc
from .content import Section, Table, percent, share

LEVEL_OF = {"school": RoadmapLevel.SCHOOL, "municipality": RoadmapLevel.MUNICIPAL,
            "region": RoadmapLevel.REGIONAL}


def territory_roadmaps(user, territory, period) -> list[Roadmap]:
    """The roadmaps the report covers (see the module's docstring), in the order of titles."""
    stmt = policy.scope_query(user, Roadmap).where(Roadmap.level == LEVEL_OF[territory.level])
    if territory.school is not None:
        stmt = stmt.where(Roadmap.owner_id == territory.school.id)
    elif territory.municipality is not None:
        stmt = stmt.where(Organization.municipality_id == territory.municipality.id)
    elif territory.region_id is not None:
        stmt = stmt.where(Organization.region_id == territory.region_id)
    years = list(range(period.start.year, period.end.year + 1))
    stmt = stmt.where(or_(
        Roadmap.year.in_(years),
        and_(Roadmap.year.is_(None),
             or_(Roadmap.period_start.is_(None), Roadmap.period_start <= period.end),
             or_(Roadmap.period_end.is_(None), Roadmap.period_end >= period.start))))
    return list(db.session.scalars(stmt.order_by(Roadmap.title, Roadmap.id)))


def _evidence(report_ids) -> dict[int, list[str]]:
    """Names of the files attached to each item report (one query)."""
    ids = list(report_ids)
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    rows = db.session.execute(
        select(Attachment.object_id, Attachment.original_name).where(
            Attachment.object_type == ItemReport.__tablename__, Attachment.object_id.in_(ids),
            Attachment.deleted_at.is_(None)).order_by(Attachment.id))
    for report_id, name in rows:
        out.setdefault(report_id, []).append(name)
    return out


def _reports(item_ids, period) -> dict[int, list[ItemReport]]:
    ids = list(item_ids)
    out: dict[int, list[ItemReport]] = {}
    if not ids:
        return out
    rows = db.session.scalars(select(ItemReport).where(
        ItemReport.item_id.in_(ids), ItemReport.deleted_at.is_(None),
        ItemReport.report_date >= period.start, ItemReport.report_date <= period.end)
        .order_by(ItemReport.report_date, ItemReport.id))
    for r in rows:
        out.setdefault(r.item_id, []).append(r)
    return out


def _report_lines(reports, evidence) -> str:
    lines = []
    for r in reports:
        line = f"{fmt_date(r.report_date)}: {' '.join((r.text or '').split())}"
        proofs = list(evidence.get(r.id, []))
        if r.link:
            proofs.append(r.link)
        if proofs:
            line += f" (подтверждение: {'; '.join(proofs)})"
        lines.append(line)
    return "\n".join(lines)


def counts_facts(c) -> list[list]:
    """The shares the report prints, on the base the monitoring page uses (cancelled items
    left out)."""
    base = c.total - c.by_status[ItemStatus.CANCELLED]
    return [
        ["Всего пунктов", c.total],
        ["Выполнено", c.by_status[ItemStatus.DONE]],
        ["Выполнено частично", c.by_status[ItemStatus.PARTIALLY_DONE]],
        ["В работе", c.by_status[ItemStatus.IN_PROGRESS]],
        ["Не начато", c.by_status[ItemStatus.NOT_STARTED]],
        ["Не выполнено", c.by_status[ItemStatus.NOT_DONE]],
        ["Отменено", c.by_status[ItemStatus.CANCELLED]],
        ["Просрочено", c.overdue],
        ["Доля выполненных, %", share(c.by_status[ItemStatus.DONE], base)],
        ["Доля в работе, %", share(c.by_status[ItemStatus.IN_PROGRESS], base)],
        ["Доля просроченных, %", share(c.overdue, base)],
    ]


def build_sections(user, territory, period, as_of) -> list[Section]:
    roadmaps = territory_roadmaps(user, territory, period)
    report = roadmaps_svc.monitoring(roadmaps, as_of)
    c = report.counts
    facts = dict(counts_facts(c))
    if roadmaps:
        text = (f"По состоянию на {fmt_date(as_of)} в "
                f"{count_words(len(roadmaps), 'плане', 'планах', 'планах')} мероприятий "
                f"({', '.join(r.title for r in roadmaps)}) "
                f"{count_words(c.total, 'пункт', 'пункта', 'пунктов')}: выполнено "
                f"{c.by_status[ItemStatus.DONE]} ({percent(facts['Доля выполненных, %'])}), "
                f"в работе {c.by_status[ItemStatus.IN_PROGRESS]}, просрочено {c.overdue}.")
    else:
        text = "Планов мероприятий (дорожных карт) территории за период нет."
    summary = Section("summary", "Общие сведения об исполнении", text, counts_facts(c))
    by_section = Table("Исполнение по разделам",
                       ["Дорожная карта / раздел", "Всего", "Выполнено", "В работе",
                        "Просрочено", "Выполнено, %"], [], [30, 14, 14, 14, 14, 14])
    for rs in report.roadmaps:
        by_section.section_rows.append(len(by_section.rows))
        by_section.rows.append([rs.roadmap.title, rs.counts.total, rs.counts.done,
                                rs.counts.in_progress, rs.counts.overdue,
                                rs.counts.percent_done])
        for sec in rs.sections:
            by_section.rows.append([sec.title or "Без раздела", sec.counts.total,
                                    sec.counts.done, sec.counts.in_progress,
                                    sec.counts.overdue, sec.counts.percent_done])
    summary.tables.append(by_section)

    items_section = Section("items", "Исполнение мероприятий",
                            "Ниже приведены мероприятия плана с отметками об исполнении и "
                            "отчётами за период.")
    overdue_section = Section("overdue", "Просроченные мероприятия")
    overdue_rows = []
    for rm in roadmaps:
        table = roadmaps_svc.roadmap_table(rm, today=as_of)
        item_ids = [i.id for _, items in table for i in items]
        reports = _reports(item_ids, period)
        evidence = _evidence(r.id for rs in reports.values() for r in rs)
        t = Table(rm.title, ["№", "Мероприятие", "Срок", "Исполнители", "Статус",
                             "Фактический результат", "Отчёты за период"], [],
                  [5, 23, 11, 13, 12, 16, 20])
        for section, items in table:
            if section.title:
                t.section_rows.append(len(t.rows))
                t.rows.append([section.title, "", "", "", "", "", ""])
            for item in items:
                status = item.status.label + (" (просрочено)" if item.is_overdue(as_of) else "")
                t.rows.append([item.number or "", item.text, item.period_text or "",
                               item.executors or "", status, item.actual_result or "",
                               _report_lines(reports.get(item.id, []), evidence)])
        items_section.tables.append(t)
    for rm, item in report.overdue_items:
        overdue_rows.append([item.number or "", item.text, fmt_date(item.period_end),
                             item.executors or "", item.status.label, rm.title])
    overdue_section.facts.append(["Просрочено пунктов", len(overdue_rows)])
    overdue_section.text = (
        f"На {fmt_date(as_of)} просрочено "
        f"{count_words(len(overdue_rows), 'мероприятие', 'мероприятия', 'мероприятий')}."
        if overdue_rows else f"На {fmt_date(as_of)} просроченных мероприятий нет.")
    overdue_section.tables.append(Table(
        "Просроченные мероприятия и их исполнители",
        ["№", "Мероприятие", "Срок окончания", "Исполнители", "Статус", "Дорожная карта"],
        overdue_rows, [6, 34, 12, 20, 12, 16]))
    return [summary, items_section, overdue_section]
