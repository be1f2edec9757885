"""Exports of a roadmap and of the monitoring report: JSON, .xlsx, .docx, PDF.

The JSON shape is an interface (``flask roadmaps export --format json``)::

    {"id", "title", "level", "year", "approved_by": {"kind", "number", "date"},
     "sections": [{"title": str|null, "items": [{"number", "text", "period": {"text", "start",
       "end", "recurrence", "understood"}, "executors", "expected_result", "indicator",
       "status", "actual_result"}]}]}

``level`` and ``status`` are stable lowercase codes, dates ISO. Documents are laid out as the
authority wrote the plan: sections as header rows, numbering as written; PDFs are landscape A4
with the table header repeated on every page and page numbers.
"""
from __future__ import annotations

from ...formatting import fmt_date, today
from .. import exports
from . import MonitoringReport, last_reports, roadmap_table

COLUMNS = ["№", "Мероприятие", "Срок", "Исполнители", "Ожидаемый результат / показатель",
           "Статус", "Фактический результат / отчёт"]


def _order_kind_code(rm) -> str | None:
    return rm.order_kind.label.lower() if rm.order_kind else None


def roadmap_to_dict(rm) -> dict:
    sections = []
    for section, items in roadmap_table(rm):
        sections.append({"title": section.title, "items": [{
            "number": item.number,
            "text": item.text,
            "period": {
                "text": item.period_text or "",
                "start": item.period_start.isoformat() if item.period_start else None,
                "end": item.period_end.isoformat() if item.period_end else None,
                "recurrence": item.recurrence,
                "understood": bool(item.period_understood),
            },
            "executors": item.executors or "",
            "expected_result": item.expected_result or "",
            "indicator": item.indicator or "",
            "status": item.status.code,
            "actual_result": item.actual_result,
        } for item in items]})
    return {
        "id": rm.id, "title": rm.title, "level": rm.level.code, "year": rm.year,
        "approved_by": {"kind": _order_kind_code(rm), "number": rm.order_number,
                        "date": rm.order_date.isoformat() if rm.order_date else None},
        "sections": sections,
    }


def _result_cell(item, report) -> str:
    parts = []
    if item.actual_result:
        parts.append(item.actual_result)
    if report is not None:
        parts.append(f"Отчёт от {fmt_date(report.report_date)}: {report.text}")
    return "\n".join(parts)


def _expected(item) -> str:
    return "\n".join(p for p in (item.expected_result, item.indicator) if p)


def _rows(rm):
    table = roadmap_table(rm)
    reports = last_reports(i.id for _, items in table for i in items)
    return table, reports


def _heading_lines(rm) -> list[str]:
    lines = []
    if rm.approved_by:
        lines.append(f"Утверждена: {rm.approved_by}")
    if rm.owner is not None:
        lines.append(rm.owner.full_name)
    lines.append(f"Уровень: {rm.level.label.lower()}" + (f" · {rm.year} год" if rm.year else ""))
    lines.append(f"Состояние на {fmt_date(today())}")
    return lines


# --------------------------------------------------------------------------- xlsx


def roadmap_xlsx(rm) -> bytes:
    wb = exports.workbook()
    ws = exports.sheet(wb, "Дорожная карта", [8, 60, 20, 28, 40, 16, 40], landscape=True,
                       first=True)
    exports.append(ws, [rm.title], bold=True, size=12)
    for line in _heading_lines(rm):
        exports.append(ws, [line])
    exports.append(ws, [])
    exports.header(ws, COLUMNS)
    table, reports = _rows(rm)
    for section, items in table:
        if section.title:
            row = exports.append(ws, [section.title], bold=True, fill="F3F5F9", wrap=True)
            exports.merge_row(ws, row, len(COLUMNS))
        for item in items:
            exports.append(ws, [item.number or "", item.text, item.period_text, item.executors,
                                _expected(item), item.status.label,
                                _result_cell(item, reports.get(item.id))], wrap=True)
    return exports.save(wb)


def monitoring_xlsx(report: MonitoringReport, title: str) -> bytes:
    wb = exports.workbook()
    ws = exports.sheet(wb, "Мониторинг", [60, 10, 12, 12, 12, 12, 12, 12, 12, 12],
                       landscape=True, first=True)
    exports.append(ws, [title], bold=True, size=12)
    exports.append(ws, [f"Состояние на {fmt_date(report.today)}"])
    exports.append(ws, [])
    exports.header(ws, MONITORING_COLUMNS)
    for label, counts, bold in monitoring_rows(report):
        exports.append(ws, [label, *counts_values(counts)], bold=bold, wrap=True)
    ws2 = exports.sheet(wb, "Просроченные", [40, 8, 60, 20, 12, 30, 16], landscape=True)
    exports.header(ws2, OVERDUE_COLUMNS)
    for rm, item in report.overdue_items:
        exports.append(ws2, [rm.title, item.number or "", item.text, item.period_text,
                             item.period_end, item.executors, item.status.label], wrap=True)
    return exports.save(wb)


MONITORING_COLUMNS = ["Дорожная карта / раздел", "Всего", "Выполнено", "Частично", "В работе",
                      "Не начато", "Не выполнено", "Отменено", "Просрочено", "% выполнения"]
OVERDUE_COLUMNS = ["Дорожная карта", "№", "Мероприятие", "Срок", "Окончание срока",
                   "Исполнители", "Статус"]


def counts_values(c) -> list:
    return [c.total, c.done, c.partially_done, c.in_progress, c.not_started, c.not_done,
            c.cancelled, c.overdue, f"{c.percent_done}%"]


def monitoring_rows(report: MonitoringReport):
    """(label, counts, is_total_row) in reading order."""
    for r in report.roadmaps:
        yield r.roadmap.title, r.counts, True
        for s in r.sections:
            yield "    " + (s.title or "Без раздела"), s.counts, False
    if len(report.roadmaps) > 1:
        yield "Итого", report.counts, True


# --------------------------------------------------------------------------- docx


def roadmap_docx(rm) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    exports.docx_landscape(doc)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(exports.text(rm.title)).bold = True
    for line in _heading_lines(rm):
        doc.add_paragraph(exports.text(line)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    table_rows, reports = _rows(rm)
    t = exports.docx_table(doc, COLUMNS)
    for section, items in table_rows:
        if section.title:
            row = t.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            merged.text = exports.text(section.title)
            exports.docx_bold_row(row)
        for item in items:
            exports.docx_row(t, [item.number, item.text, item.period_text, item.executors,
                                 _expected(item), item.status.label,
                                 _result_cell(item, reports.get(item.id))])
    return exports.save_docx(doc)


def monitoring_docx(report: MonitoringReport, title: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    exports.docx_landscape(doc)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(exports.text(title)).bold = True
    doc.add_paragraph(f"Состояние на {fmt_date(report.today)}").alignment = \
        WD_ALIGN_PARAGRAPH.CENTER
    t = exports.docx_table(doc, MONITORING_COLUMNS)
    for label, counts, bold in monitoring_rows(report):
        row = exports.docx_row(t, [label.strip(), *counts_values(counts)])
        if bold:
            exports.docx_bold_row(row)
    doc.add_paragraph()
    doc.add_paragraph().add_run("Просроченные мероприятия").bold = True
    if report.overdue_items:
        exports.docx_table(doc, OVERDUE_COLUMNS, [
            [rm.title, item.number, item.text, item.period_text, fmt_date(item.period_end),
             item.executors, item.status.label] for rm, item in report.overdue_items])
    else:
        doc.add_paragraph("Просроченных мероприятий нет.")
    return exports.save_docx(doc)


# --------------------------------------------------------------------------- pdf


def roadmap_pdf(rm) -> bytes:
    """The roadmap as a PDF, served from the document cache while nothing it shows changes."""
    from ..pdf.cache import cached

    heading = _heading_lines(rm)
    table_rows, reports = _rows(rm)
    sections = [(section.title, [(
        item.number or "", item.text, item.period_text, bool(item.period_unparsed),
        item.executors, _expected(item), item.status.label,
        _result_cell(item, reports.get(item.id))) for item in items])
        for section, items in table_rows]
    return cached("roadmap", [rm.title, heading, sections],
                  lambda: _roadmap_pdf(rm.title, heading, sections))


def _roadmap_pdf(title: str, heading: list[str], sections: list) -> bytes:
    from .. import pdf
    from reportlab.platypus import Paragraph, Spacer

    st = pdf.styles(size=8.5)
    width = pdf.usable_width()
    fractions = [0.05, 0.27, 0.11, 0.13, 0.17, 0.08, 0.19]
    col_widths = [width * f for f in fractions]
    story = [pdf.para(title, st["title"])]
    for line in heading:
        story.append(pdf.para(line, st["subtitle"]))
    story.append(Spacer(1, 4))
    rows = [[pdf.para(c, st["head"]) for c in COLUMNS]]
    span_rows = []
    for section_title, items in sections:
        if section_title:
            span_rows.append(len(rows))
            rows.append([pdf.para(section_title, st["head"])] + [""] * (len(COLUMNS) - 1))
        for number, text, period_text, unparsed, executors, expected, status, result in items:
            period = pdf.esc(period_text)
            if unparsed:
                period += "<br/><i>(срок не распознан)</i>"
            rows.append([
                pdf.para(number, st["cell"]), pdf.para(text, st["cell"]),
                Paragraph(period, st["cell"]), pdf.para(executors, st["cell"]),
                pdf.para(expected, st["cell"]), pdf.para(status, st["cell"]),
                pdf.para(result, st["cell"]),
            ])
    story.append(pdf.table(rows, col_widths, span_rows=span_rows))
    return pdf.build(story, title=title, footer=title)


def monitoring_pdf(report: MonitoringReport, title: str) -> bytes:
    from .. import pdf
    from reportlab.platypus import Spacer

    st = pdf.styles(size=8.5)
    width = pdf.usable_width()
    story = [pdf.para(title, st["title"]),
             pdf.para(f"Состояние на {fmt_date(report.today)}", st["subtitle"])]
    first = width * 0.37
    rest = (width - first) / (len(MONITORING_COLUMNS) - 1)
    rows = [[pdf.para(c, st["head"]) for c in MONITORING_COLUMNS]]
    for label, counts, bold in monitoring_rows(report):
        style = st["head"] if bold else st["cell"]
        rows.append([pdf.para(label.strip(), style)] +
                    [pdf.para(v, style) for v in counts_values(counts)])
    story.append(pdf.table(rows, [first] + [rest] * (len(MONITORING_COLUMNS) - 1)))
    story.append(Spacer(1, 8))
    story.append(pdf.para("Просроченные мероприятия", st["h2"]))
    if report.overdue_items:
        fr = [0.2, 0.05, 0.33, 0.12, 0.08, 0.14, 0.08]
        rows = [[pdf.para(c, st["head"]) for c in OVERDUE_COLUMNS]]
        for rm, item in report.overdue_items:
            rows.append([pdf.para(v, st["cell"]) for v in (
                rm.title, item.number or "", item.text, item.period_text,
                fmt_date(item.period_end), item.executors, item.status.label)])
        story.append(pdf.table(rows, [width * f for f in fr]))
    else:
        story.append(pdf.para("Просроченных мероприятий нет.", st["base"]))
    return pdf.build(story, title=title, footer=title)


def export_roadmap(rm, fmt: str) -> bytes:
    return {"pdf": roadmap_pdf, "xlsx": roadmap_xlsx, "docx": roadmap_docx}[fmt](rm)


def export_monitoring(report: MonitoringReport, title: str, fmt: str) -> bytes:
    return {"pdf": monitoring_pdf, "xlsx": monitoring_xlsx,
            "docx": monitoring_docx}[fmt](report, title)
