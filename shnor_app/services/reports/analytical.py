"""«Аналитическая справка по сопровождению ШНОР» of a territory for a period.

Every figure comes from the service that shows it elsewhere in the application, over the
territory's schools (``policy.Territory.school_ids``):

- statuses per year — ``monitoring.dashboards.status_counts`` (the start page's panel); the
  schools that left or entered the ШНОР list compare the two years' status records;
- the share of «2» per procedure and year — ``dashboards.share_2_by_procedure`` (the charts),
  the schools the federal rule flags — ``dashboards.over_threshold_counts``;
- partnerships — ``partnerships.indicators.build_report`` (the page «Показатели» 4.1–4.4) for
  the quarters of the period, plus the joint events held in the period;
- visits — ``visits.visit_counts``; recommendations — ``recommendations.open_counts_by_school``
  (given, done, overdue on the report's date);
- КПК — ``courses.coverage.coverage_by_school`` (indicators 2.1 and 3.2 of the course reports)
  on the report's date; ИОМ — ``courses.plan_progress``;
- interviews with directors held in the period and the decisions of their protocols;
- indicator scores — ``monitoring.indicators.score_table`` of the municipality's system (the
  page «Показатели»).

Each section has a short generated text that the user may edit before issuing.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ... import policy
from ...extensions import db
from ...formatting import count_words, fmt_date
from ...models import (
    AgendaDecision, AgendaItem, DevelopmentPlan, JointEvent, Meeting, MeetingKind, MeetingStatus,
    Organization, Partnership, PartnershipStatus, SchoolStatus, SchoolStatusRecord,
)
from .. import recommendations as recs_svc
from ..courses import coverage as coverage_svc, plan_progress
from ..monitoring import dashboards, indicators as ind_svc
from ..partnerships import indicators as partner_ind, quarters
from ..visits import visit_counts
from .content import Section, Table, fmt_value, percent, share

SUPPORTED = (SchoolStatus.LOW_RESULTS, SchoolStatus.SOCIAL_RISK, SchoolStatus.RISK_ZONE)


def _names(ids) -> list[str]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Organization.short_name).where(
        Organization.id.in_(ids)).order_by(Organization.sort_name)))


def _low_results_ids(org_ids_stmt, year: int) -> set[int]:
    return set(db.session.scalars(select(SchoolStatusRecord.organization_id).where(
        SchoolStatusRecord.organization_id.in_(org_ids_stmt), SchoolStatusRecord.year == year,
        SchoolStatusRecord.status == SchoolStatus.LOW_RESULTS,
        SchoolStatusRecord.deleted_at.is_(None))))


def statuses_section(user, territory, year: int) -> Section:
    ids = territory.school_ids()
    counts = dashboards.status_counts(user, [year - 1, year], ids)
    table = Table("Школы по статусам", ["Статус", f"{year - 1} г.", f"{year} г.", "Изменение"],
                  [], [46, 18, 18, 18])
    for status in SchoolStatus:
        before, now = counts[year - 1][status], counts[year][status]
        table.rows.append([status.label, before, now, now - before])
    now_ids, before_ids = _low_results_ids(ids, year), _low_results_ids(ids, year - 1)
    left, entered = _names(before_ids - now_ids), _names(now_ids - before_ids)
    n = len(now_ids)
    text = (f"В {year - 1} году на сопровождении находилось {len(before_ids)} ШНОР, из них "
            f"{len(left)} вышли из списка в {year} году; впервые вошли в список — "
            f"{len(entered)}. Всего в {year} году на сопровождении {n} ШНОР, "
            f"{counts[year][SchoolStatus.SOCIAL_RISK]} ШНСУ и "
            f"{count_words(counts[year][SchoolStatus.RISK_ZONE], 'школа', 'школы', 'школ')} "
            f"зоны риска.")
    section = Section("statuses", "Школы по статусам и их динамика", text, [
        [f"ШНОР в {year} г.", n], [f"ШНОР в {year - 1} г.", len(before_ids)],
        ["Вышли из списка", len(left)], ["Вошли в список", len(entered)],
        [f"ШНСУ в {year} г.", counts[year][SchoolStatus.SOCIAL_RISK]],
        [f"Зона риска в {year} г.", counts[year][SchoolStatus.RISK_ZONE]],
    ], [table])
    section.tables.append(Table("Вышли из списка ШНОР и вошли в него",
                                ["Вышли из списка", "Вошли в список"],
                                [[", ".join(left) or "—", ", ".join(entered) or "—"]], [50, 50]))
    return section


def results_section(territory, year: int) -> Section:
    ids = territory.school_ids()
    series = dashboards.share_2_by_procedure(ids)
    years = sorted({y for s in series for y in s.points})
    table = Table("Доля «2» (не преодолевших порог) по процедурам, %",
                  ["Процедура"] + [str(y) for y in years], [],
                  [30] + [70 / max(1, len(years))] * len(years))
    facts = []
    for s in series:
        table.rows.append([s.label] + [s.points.get(y) for y in years])
        if year in s.points:
            facts.append([f"Доля «2» {s.label} в {year} г., %", s.points[year]])
    over = dashboards.over_threshold_counts(ids, year)
    facts += [[f"Школ с результатами в {year} г.", over["schools"]],
              [f"Соответствуют критериям ШНОР по итогам {year} г.", over["flagged"]]]
    if series:
        parts = [f"{s.label} — {percent(s.points.get(year))}" for s in series]
        text = (f"Доля участников, получивших «2» или не преодолевших минимальный порог, в "
                f"{year} году: {'; '.join(parts)}. По итогам года критериям ШНОР "
                f"(не менее 30 % в двух процедурах) соответствуют {over['flagged']} из "
                f"{count_words(over['schools'], 'школы', 'школ', 'школ')} с результатами.")
    else:
        text = "Результатов оценочных процедур по школам территории нет."
    return Section("results", "Результаты оценочных процедур", text, facts, [table])


def partnerships_section(user, territory, period) -> Section:
    ids = territory.school_ids()
    qs = [q for q in quarters.quarters_of_year(period.start.year, quarters.CALENDAR)
          if q.start <= period.end and q.end >= period.start]
    report = partner_ind.build_report(ids, qs, title=territory.title,
                                      year_label=quarters.year_label(period.start.year,
                                                                     quarters.CALENDAR))
    table = Table("Показатели сетевого взаимодействия (4.1–4.4)",
                  ["№", "Показатель"] + [q.short_label for q in qs], [],
                  [8, 56] + [36 / len(qs)] * len(qs))
    table.rows.append(["", "Всего ШНОР и школ с низким ИОР"] +
                      [len(report.cells[q.key]["total"]) for q in qs])
    for code, label in partner_ind.INDICATORS:
        table.rows.append([code, label] + [report.count(code, q) for q in qs])
    active = db.session.scalar(
        policy.scope_query(user, Partnership, columns=(func.count(Partnership.id),))
        .where(Partnership.school_id.in_(ids), Partnership.status == PartnershipStatus.ACTIVE,
               Partnership.start_date <= period.end)) or 0
    events = db.session.scalar(
        select(func.count(JointEvent.id)).join(Partnership,
                                                Partnership.id == JointEvent.partnership_id)
        .where(Partnership.id.in_(policy.scope_query(user, Partnership,
                                                      columns=(Partnership.id,))),
               Partnership.school_id.in_(ids), JointEvent.deleted_at.is_(None),
               JointEvent.event_date >= period.start, JointEvent.event_date <= period.end)) or 0
    last = qs[-1]
    text = (f"Действует {count_words(active, 'партнёрство', 'партнёрства', 'партнёрств')} школ "
            f"территории; за период проведено "
            f"{count_words(events, 'совместное мероприятие', 'совместных мероприятия', 'совместных мероприятий')}. "
            f"За {last.label} в сетевое взаимодействие со школами вовлечено "
            f"{report.count('4.1', last)}, с другими организациями — {report.count('4.2', last)} "
            f"из {len(report.cells[last.key]['total'])} ШНОР и школ с низким ИОР.")
    facts = [["Действующих партнёрств", active], ["Совместных мероприятий за период", events]]
    facts += [[f"{code} ({last.short_label})", report.count(code, last)]
              for code in partner_ind.CODES]
    return Section("partnerships", "Сетевое партнёрство и совместные мероприятия", text, facts,
                   [table])


def visits_section(territory, period, as_of) -> Section:
    schools = territory.school_list()
    ids = [s.id for s in schools]
    visits = visit_counts(ids, period.start, period.end)
    counts = recs_svc.open_counts_by_school(ids, as_of)
    given = sum(c.total for c in counts.values())
    done = sum(c.accepted for c in counts.values())
    overdue = sum(c.overdue for c in counts.values())
    open_ = sum(c.open for c in counts.values())
    reported = sum(c.reported for c in counts.values())
    n_visits = sum(visits.values())
    table = Table("Посещения и рекомендации по школам",
                  ["Школа", "Посещений за период", "Рекомендаций", "Выполнено", "На проверке",
                   "К выполнению", "Просрочено"], [], [28, 12, 12, 12, 12, 12, 12])
    for s in schools:
        c = counts.get(s.id)
        if not visits.get(s.id) and c is None:
            continue
        c = c or recs_svc.Counts()
        table.rows.append([s.short_name, visits.get(s.id, 0), c.total, c.accepted, c.reported,
                           c.open, c.overdue])
    text = (f"За период проведено {count_words(n_visits, 'посещение', 'посещения', 'посещений')} "
            f"в {count_words(sum(1 for v in visits.values() if v), 'школу', 'школы', 'школ')}. "
            f"Школам дано {count_words(given, 'рекомендация', 'рекомендации', 'рекомендаций')}, "
            f"выполнено {done} ({percent(share(done, given))}), просрочено {overdue} на "
            f"{fmt_date(as_of)}.")
    return Section("visits", "Посещения школ и рекомендации", text, [
        ["Посещений за период", n_visits], ["Рекомендаций дано", given],
        ["Рекомендаций выполнено", done], ["Рекомендаций на проверке", reported],
        ["Рекомендаций к выполнению", open_], ["Рекомендаций просрочено", overdue],
    ], [table])


def courses_section(user, territory, as_of) -> Section:
    schools = territory.school_list()
    ids = [s.id for s in schools]
    by_school = coverage_svc.coverage_by_school(ids, as_of)
    total = coverage_svc.total(by_school.values())
    table = Table("Охват курсами повышения квалификации (за 3 года)",
                  ["Школа", "Педагогов", "Прошли КПК", "2.1, %", "Баллы 2.1",
                   "По работе со слабоуспевающими", "3.2, %"], [], [24, 13, 12, 11, 12, 16, 12])
    for s in schools:
        c = by_school[s.id]
        table.rows.append([s.short_name, c.teachers, c.trained, c.share, c.points,
                           c.trained_low, c.share_low])
    plans = list(db.session.scalars(
        policy.scope_query(user, DevelopmentPlan, columns=(DevelopmentPlan.id,))
        .where(DevelopmentPlan.organization_id.in_(territory.school_ids()))))
    progress = plan_progress(plans, as_of).values()
    activities = sum(p.total for p in progress)
    done = sum(p.done for p in progress)
    late = sum(p.overdue for p in progress)
    text = (f"На {fmt_date(as_of)} курсы повышения квалификации за последние 3 года прошли "
            f"{total.trained} из {count_words(total.teachers, 'педагога', 'педагогов', 'педагогов')} "
            f"({percent(total.share)}, показатель 2.1); курсы по работе со слабоуспевающими "
            f"обучающимися — {total.trained_low} ({percent(total.share_low)}, показатель 3.2). "
            f"Ведётся {count_words(len(plans), 'ИОМ', 'ИОМ', 'ИОМ')}: выполнено {done} из "
            f"{count_words(activities, 'мероприятия', 'мероприятий', 'мероприятий')}, "
            f"просрочено {late}.")
    return Section("courses", "Курсы повышения квалификации и ИОМ", text, [
        ["Педагогов", total.teachers], ["Прошли КПК за 3 года", total.trained],
        ["Показатель 2.1, %", total.share], ["Прошли КПК по работе со слабоуспевающими",
                                              total.trained_low],
        ["Показатель 3.2, %", total.share_low], ["ИОМ", len(plans)],
        ["Мероприятий ИОМ", activities], ["Мероприятий ИОМ выполнено", done],
        ["Мероприятий ИОМ просрочено", late],
    ], [table])


def interviews_section(user, territory, period) -> Section:
    meetings = list(db.session.scalars(
        policy.scope_query(user, Meeting).where(
            Meeting.kind == MeetingKind.INTERVIEW,
            Meeting.organization_id.in_(territory.school_ids()),
            Meeting.meeting_date >= period.start, Meeting.meeting_date <= period.end)
        .order_by(Meeting.meeting_date, Meeting.id)))
    decisions: dict[int, list[str]] = {}
    if meetings:
        rows = db.session.execute(
            select(AgendaItem.meeting_id, AgendaDecision.text)
            .join(AgendaItem, AgendaItem.id == AgendaDecision.item_id)
            .where(AgendaItem.meeting_id.in_([m.id for m in meetings]))
            .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaDecision.position,
                      AgendaDecision.id))
        for meeting_id, text in rows:
            decisions.setdefault(meeting_id, []).append(" ".join((text or "").split()))
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    table = Table("Собеседования с руководителями", ["Дата", "Школа", "Состояние", "Протокол",
                                                      "Решения"], [], [12, 24, 12, 12, 40])
    for m in meetings:
        protocol = f"№ {m.protocol_number}" if m.protocol_number else ""
        table.rows.append([fmt_date(m.meeting_date), m.organization.short_name if m.organization
                           else "", m.status.label, protocol,
                           "\n".join(f"{i}. {t}" for i, t in
                                     enumerate(decisions.get(m.id, []), start=1))])
    n_decisions = sum(len(decisions.get(m.id, [])) for m in held)
    text = (f"За период назначено {count_words(len(meetings), 'собеседование', 'собеседования', 'собеседований')} "
            f"с руководителями школ, проведено {len(held)}; по их итогам принято "
            f"{count_words(n_decisions, 'решение', 'решения', 'решений')}.")
    return Section("interviews", "Собеседования с руководителями", text, [
        ["Собеседований назначено", len(meetings)], ["Собеседований проведено", len(held)],
        ["Решений по итогам", n_decisions]], [table])


def scores_section(territory, year: int) -> Section:
    muni = territory.municipality
    if muni is None:
        return Section("scores", "Показатели муниципальной системы",
                       "Показатели муниципальных систем работы со ШНОР приводятся в справках "
                       "муниципалитетов.")
    indicators = ind_svc.indicators_of(muni.id)
    stmt = territory.schools().where(Organization.municipality_id == muni.id)
    schools = list(db.session.scalars(stmt))
    rows = ind_svc.sort_rows(ind_svc.score_table(indicators, schools, year), "total", True)
    n = len(indicators)
    table = Table(f"Баллы школ по показателям ({year} г.)",
                  ["Школа"] + [i.code for i in indicators] + ["Итого"], [],
                  [30] + [60 / max(1, n)] * n + [10])
    for r in rows:
        table.rows.append([r.org.short_name] + [r.cells[i.id].points for i in indicators]
                          + [r.total])
    max_total = sum(ind_svc.max_points(i) for i in indicators)
    if not indicators:
        text = f"Система показателей муниципалитета «{muni.name}» не задана."
    else:
        best = rows[0] if rows else None
        text = (f"Школы оценены по {count_words(n, 'показателю', 'показателям', 'показателям')} "
                f"муниципальной системы за {year} год (наибольший возможный итог — "
                f"{fmt_value(max_total)})." + (
                    f" Наибольший итог — {fmt_value(best.total)} ({best.org.short_name})."
                    if best else ""))
    facts = [["Показателей в системе", n], ["Наибольший возможный итог", max_total]]
    facts += [[f"Итог: {r.org.short_name}", r.total] for r in rows]
    legend = Table("Показатели", ["Код", "Показатель"],
                   [[i.code, i.name] for i in indicators], [12, 88])
    return Section("scores", "Показатели муниципальной системы", text, facts,
                   [table, legend] if indicators else [])


def build_sections(user, territory, period, as_of) -> list[Section]:
    year = period.end.year
    return [
        statuses_section(user, territory, year),
        results_section(territory, year),
        partnerships_section(user, territory, period),
        visits_section(territory, period, as_of),
        courses_section(user, territory, as_of),
        interviews_section(user, territory, period),
        scores_section(territory, year),
    ]

