"""Course reports for a chosen date and scope, and their .xlsx / PDF exports.

* **Coverage** (:func:`coverage_report`): at region level one row per municipality, at
  municipality level one row per school, for one school its teachers — the share of teachers
  with a completed course in the last 3 years (indicator 2.1 with its points) and the share with
  a course on work with low-achieving pupils (indicator 3.2). Computed in SQL with
  :func:`services.coverage.coverage_by_school` (the region level with
  :func:`~services.coverage.coverage_by_municipality`, without loading its schools) — a
  constant number of queries whatever the number of schools, teachers and enrollments.
* **No course in 3 years** (:func:`untrained_report`): the list a director needs.
* **Список обученных** (:func:`trained_report`): who completed a course, with certificates.
* **ИОМ** (:func:`plan_pdf`): a development plan on one A4 page.

Every report covers a :class:`~shnor_app.policy.Territory` (``policy.territory``: a region, a
municipality, one school, or a school's or tutor's own organisations) and is first a
:class:`ReportTable` (title, lines under it, columns, rows, a total row), so one writer makes the
.xlsx and one the PDF for all of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import Course, Enrollment, EnrollmentStatus, Municipality, Organization, StaffMember
from ...policy import Territory
from .coverage import (
    Coverage, TeacherLine, coverage_by_municipality, coverage_by_school, teacher_lines, total,
)
from ...formatting import fmt_date, fmt_date_long, today


# --------------------------------------------------------------------------- coverage


@dataclass
class CoverageRow:
    label: str
    coverage: Coverage
    schools: int = 1
    school: Organization | None = None
    municipality: Municipality | None = None


@dataclass
class CoverageReport:
    scope: Territory
    on: date
    rows: list[CoverageRow]
    total: Coverage
    teachers: list[TeacherLine] = field(default_factory=list)


def coverage_report(scope: Territory, on: date, *, lowest_first: bool = False) -> CoverageReport:
    """The coverage table of a scope — the page, its .xlsx and PDF and the start-page panel all
    come from here. A constant number of queries: at region level one aggregate grouped by
    municipality (plus the municipalities' names), below it one aggregate grouped by school."""
    rows: list[CoverageRow] = []
    teachers: list[TeacherLine] = []
    if scope.level == "region":
        by_muni = coverage_by_municipality(scope.school_ids(), on)
        munis = {m.id: m for m in db.session.scalars(
            select(Municipality).where(Municipality.id.in_([k for k in by_muni if k])))}
        for muni_id, (n_schools, c) in by_muni.items():
            muni = munis.get(muni_id)
            rows.append(CoverageRow(muni.name if muni else "Без муниципалитета", c, n_schools,
                                    municipality=muni))
        rows.sort(key=lambda r: r.label)
        grand = total(r.coverage for r in rows)
    else:
        schools = scope.school_list()
        ids = [s.id for s in schools]
        by_school = coverage_by_school(ids, on)
        rows = [CoverageRow(s.short_name, by_school[s.id], school=s) for s in schools]
        grand = total(by_school.values())
        if scope.level == "school":
            teachers = teacher_lines(ids, on)
    if lowest_first:
        rows.sort(key=lambda r: (r.coverage.share is None, r.coverage.share or 0, r.label))
    return CoverageReport(scope, on, rows, grand, teachers)


def fmt_share(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%".replace(".", ",")


def _scope_line(scope: Territory, on: date) -> str:
    kind = {"region": "Регион", "municipality": "Муниципалитет", "school": "Школа"}[scope.level]
    return f"{kind}: {scope.title} · на {fmt_date_long(on)}"


RULE_NOTE = ("Доля = педагоги, завершившие курс за 3 года до даты отчёта ÷ педагоги, работающие "
             "в школе на эту дату. Показатель 2.1: 100 % — 3 балла, менее — 0 баллов. "
             "* Показатель 3.2: курс по работе со слабоуспевающими и неуспевающими обучающимися.")


@dataclass
class ReportTable:
    title: str
    lines: list[str]
    columns: list[str]
    rows: list[list]
    widths: list[float]                 # fractions of the page width
    total: list | None = None
    note: str = ""
    sheet: str = "Отчёт"


def coverage_table(report: CoverageReport) -> ReportTable:
    scope = report.scope
    lines = [_scope_line(scope, report.on)]
    if scope.level == "school":
        c = report.total
        lines.append(f"Педагогов: {c.teachers}; прошли курс за 3 года: {c.trained} "
                     f"({fmt_share(c.share)}), баллов по показателю 2.1: {c.points}; "
                     f"курс по работе со слабоуспевающими: {c.trained_low} ({fmt_share(c.share_low)}).")
        rows = [[i, t.full_name, t.position, fmt_date(t.last_on) if t.trained else "нет",
                 fmt_date(t.ever_on) if t.ever_on else "—"]
                for i, t in enumerate(report.teachers, start=1)]
        return ReportTable("Охват педагогов курсами повышения квалификации", lines,
                           ["№", "ФИО", "Должность", "Курс за 3 года (дата окончания)",
                            "Последний курс"], rows, [0.05, 0.35, 0.25, 0.18, 0.17],
                           note=RULE_NOTE, sheet="Охват КПК")
    first = "Муниципалитет" if scope.level == "region" else "Школа"
    columns = [first, "Педагогов", "Прошли курс за 3 года", "Доля, %", "Баллы 2.1",
               "Курс 3.2*, чел.", "Доля 3.2, %", "Без курса за 3 года"]
    if scope.level == "region":
        columns.insert(1, "Школ")

    def cells(label, c: Coverage, n_schools=None):
        out = [label, c.teachers, c.trained, fmt_share(c.share), c.points, c.trained_low,
               fmt_share(c.share_low), c.untrained]
        if scope.level == "region":
            out.insert(1, n_schools)
        return out

    rows = [cells(r.label, r.coverage, r.schools) for r in report.rows]
    t = report.total
    tot = cells("Итого", t, sum(r.schools for r in report.rows))
    tot[columns.index("Баллы 2.1")] = "—"
    widths = [0.28, 0.09, 0.11, 0.09, 0.09, 0.13, 0.1, 0.11]
    if scope.level == "region":
        widths = [0.24, 0.06, 0.09, 0.1, 0.08, 0.08, 0.13, 0.1, 0.12]
    return ReportTable("Охват педагогов курсами повышения квалификации", lines, columns, rows,
                       widths, total=tot, note=RULE_NOTE, sheet="Охват КПК")


# --------------------------------------------------------------------------- no course


def untrained_report(scope: Territory, on: date) -> list[tuple[Organization, TeacherLine]]:
    schools = scope.school_list()
    names = {s.id: s for s in schools}
    lines = teacher_lines(names, on, untrained_only=True)
    order = {s.id: i for i, s in enumerate(schools)}
    lines.sort(key=lambda t: (order[t.org_id], t.full_name))
    return [(names[t.org_id], t) for t in lines]


def untrained_table(scope: Territory, on: date, rows) -> ReportTable:
    out = [[i, school.short_name, t.full_name, t.position,
            fmt_date(t.ever_on) if t.ever_on else "не проходил(а)"]
           for i, (school, t) in enumerate(rows, start=1)]
    return ReportTable("Педагоги без курсов повышения квалификации за 3 года",
                       [_scope_line(scope, on), f"Всего: {len(out)}"],
                       ["№", "Школа", "ФИО", "Должность", "Последний курс (дата окончания)"],
                       out, [0.05, 0.3, 0.3, 0.2, 0.15], sheet="Без курсов")


# --------------------------------------------------------------------------- trained list


def trained_enrollments(user, course: Course, scope: Territory | None = None) -> list[Enrollment]:
    """Who completed ``course``, of the schools the user sees (``scope``: of those of a
    municipality or one school only)."""
    stmt = policy.scope_query(user, Enrollment).where(
        Enrollment.course_id == course.id, Enrollment.status == EnrollmentStatus.COMPLETED)
    if scope is not None and scope.level != "region":
        stmt = stmt.where(Enrollment.organization_id.in_(scope.school_ids()))
    stmt = stmt.join(StaffMember, StaffMember.id == Enrollment.staff_member_id).order_by(
        Organization.sort_name, StaffMember.full_name, Enrollment.id)
    return list(db.session.scalars(stmt).unique())


def trained_table(course: Course, enrollments: list[Enrollment], scope: Territory | None) -> ReportTable:
    lines = [f"{course.provider_name} · {course.hours} ч · {course.topic.name} · "
             f"{course.format.label} · {course.dates_label}"]
    if scope is not None and scope.level != "region":
        lines.append(("Школа: " if scope.level == "school" else "Муниципалитет: ") + scope.title)
    lines.append(f"Завершили курс: {len(enrollments)} чел. · сформировано {fmt_date(today())}")
    rows = [[i, e.staff_member.full_name, e.staff_member.position, e.organization.short_name,
             e.organization.municipality.name if e.organization.municipality else "—",
             fmt_date(e.completed_on), e.certificate_number or "—"]
            for i, e in enumerate(enrollments, start=1)]
    return ReportTable(f"Список обученных: {course.title}", lines,
                       ["№", "ФИО", "Должность", "Школа", "Муниципалитет", "Дата окончания",
                        "№ удостоверения"], rows, [0.05, 0.22, 0.15, 0.22, 0.13, 0.1, 0.13],
                       sheet="Список обученных")


# --------------------------------------------------------------------------- writers


def table_xlsx(t: ReportTable) -> bytes:
    from .. import exports

    wb = exports.workbook()
    ws = exports.sheet(wb, t.sheet, [max(6, round(f * 160)) for f in t.widths], landscape=True,
                       first=True)
    exports.append(ws, [t.title], bold=True, size=12)
    for line in t.lines:
        exports.append(ws, [line])
    exports.append(ws, [])
    exports.header(ws, t.columns)
    for row in t.rows:
        exports.append(ws, row, wrap=True)
    if t.total:
        exports.append(ws, t.total, bold=True)
    if t.note:
        exports.append(ws, [])
        exports.append(ws, [t.note])
    return exports.save(wb)


def table_pdf(t: ReportTable) -> bytes:
    from reportlab.platypus import Spacer

    from .. import pdf

    st = pdf.styles(size=9)
    width = pdf.usable_width()
    story = [pdf.para(t.title, st["title"])]
    story += [pdf.para(line, st["subtitle"]) for line in t.lines]
    story.append(Spacer(1, 4))
    rows = [[pdf.para(c, st["head"]) for c in t.columns]]
    rows += [[pdf.para(v, st["cell"]) for v in row] for row in t.rows]
    if t.total:
        rows.append([pdf.para(v, st["head"]) for v in t.total])
    if len(rows) == 1:
        rows.append([pdf.para("Нет данных", st["cell"])] + [""] * (len(t.columns) - 1))
    story.append(pdf.table(rows, [width * f for f in t.widths]))
    if t.note:
        story += [Spacer(1, 6), pdf.para(t.note, st["small"])]
    return pdf.build(story, title=t.title, footer=t.title)


def export_table(t: ReportTable, fmt: str) -> bytes:
    return {"xlsx": table_xlsx, "pdf": table_pdf}[fmt](t)


# --------------------------------------------------------------------------- ИОМ


# (font size, deficits shown, activities shown, characters of a description / of a title)
_PLAN_FITS = [(9.5, 10, 16, 260, 220), (8.5, 8, 14, 170, 150), (7.5, 6, 12, 110, 100),
              (7, 5, 10, 70, 70)]


def plan_pdf(plan, deficits, activities, on: date | None = None) -> bytes:
    """The development plan on one portrait A4 page: a long plan is rendered smaller and
    shortened («…», «ещё N») until it fits."""
    import re

    on = on or today()
    data = b""
    for fit in _PLAN_FITS:
        data = _plan_pdf(plan, deficits, activities, on, *fit)
        if len(re.findall(rb"/Type /Page\b(?!s)", data)) <= 1:
            break
    return data


def _plan_pdf(plan, deficits, activities, on, size, max_def, max_act, def_chars, act_chars) -> bytes:
    from reportlab.platypus import Spacer

    from .. import pdf

    st = pdf.styles(font=pdf.SERIF, size=size)
    margins = (25, 10, 15, 15)
    width = pdf.usable_width(False, margins)
    org = plan.organization
    story = [pdf.para(org.full_name, st["subtitle"]),
             pdf.para("ИНДИВИДУАЛЬНЫЙ ОБРАЗОВАТЕЛЬНЫЙ МАРШРУТ", st["title"]),
             pdf.para(f"({plan.kind.label})", st["subtitle"])]
    props = [("Наименование", plan.title)]
    if plan.staff_member is not None:
        m = plan.staff_member
        props.append(("Педагог", f"{m.full_name}, {m.position}"
                      + (f" ({m.subjects})" if m.subjects else "")))
    period = " – ".join(fmt_date(d) for d in (plan.period_start, plan.period_end) if d)
    if period:
        props.append(("Период", period))
    if plan.goal:
        props.append(("Цель", _fit(plan.goal, def_chars + 140)))
    story.append(pdf.table([[pdf.para(k, st["head"]), pdf.para(v, st["cell"])] for k, v in props],
                           [width * 0.22, width * 0.78], header_rows=0, font=pdf.SERIF))
    story.append(pdf.para("Профессиональные дефициты", st["h2"]))
    rows = [[pdf.para(c, st["head"]) for c in ("№", "Вид дефицита", "Описание")]]
    rows += [[pdf.para(i, st["cell"]), pdf.para(d.kind.label, st["cell"]),
              pdf.para(_fit(d.description, def_chars), st["cell"])]
             for i, d in enumerate(deficits[:max_def], start=1)]
    if len(deficits) > max_def:
        rows.append([pdf.para("…", st["cell"]), "",
                     pdf.para(f"ещё {len(deficits) - max_def} — см. ИОМ в системе", st["cell"])])
    if len(rows) == 1:
        rows.append([pdf.para("—", st["cell"]), "", pdf.para("не указаны", st["cell"])])
    story.append(pdf.table(rows, [width * f for f in (0.06, 0.26, 0.68)], font=pdf.SERIF))
    story.append(pdf.para("Планируемые мероприятия", st["h2"]))
    rows = [[pdf.para(c, st["head"]) for c in ("№", "Вид", "Мероприятие", "Срок",
                                                "Отметка о выполнении")]]
    for i, a in enumerate(activities[:max_act], start=1):
        mark = f"выполнено {fmt_date(a.done_on)}" if a.done else (
            "просрочено" if a.is_overdue(on) else "—")
        title = a.title + (f" ({a.course.hours} ч, {a.course.provider_name})" if a.course else "")
        if a.staff_member is not None:
            title += f" — {a.staff_member.full_name}"
        if a.result:
            mark += f". {_fit(a.result, act_chars // 2)}"
        rows.append([pdf.para(i, st["cell"]), pdf.para(a.kind.label, st["cell"]),
                     pdf.para(_fit(title, act_chars), st["cell"]),
                     pdf.para(fmt_date(a.due_date) or "—", st["cell"]), pdf.para(mark, st["cell"])])
    if len(activities) > max_act:
        rows.append([pdf.para("…", st["cell"]), "",
                     pdf.para(f"ещё {len(activities) - max_act} — см. ИОМ в системе", st["cell"]),
                     "", ""])
    if len(rows) == 1:
        rows.append([pdf.para("—", st["cell"]), "", pdf.para("не запланированы", st["cell"]), "", ""])
    story.append(pdf.table(rows, [width * f for f in (0.05, 0.2, 0.39, 0.13, 0.23)],
                           font=pdf.SERIF))
    done = sum(1 for a in activities if a.done)
    story += [Spacer(1, 6), pdf.para(f"Выполнено мероприятий: {done} из {len(activities)} "
                                     f"на {fmt_date_long(on)}", st["base"]),
              Spacer(1, 14),
              pdf.para("Составил(а): ____________________ / ____________________", st["base"]),
              Spacer(1, 8),
              pdf.para("С маршрутом ознакомлен(а): ____________________ / ____________________ "
                       "«___» ____________ 20___ г.", st["base"])]
    return pdf.build(story, landscape_mode=False, title=plan.title, footer="", margins_mm=margins,
                     font=pdf.SERIF)


def _fit(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
