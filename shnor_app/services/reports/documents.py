"""The files of an issued report, all drawn from one :class:`~.content.ReportData`.

- **.docx** (python-docx), to be edited further: A4 portrait, margins 30/10/20/20 mm, Times New
  Roman 14 pt for the text and 10 pt in tables, page numbers from the second page centred at the
  top — the layout of the protocols;
- **PDF** in the same ГОСТ Р 7.0.97 layout (``services/pdf/official.py``): the issuing body,
  the document's kind, number and date, the territory and period, then each section — its text,
  its figures and tables — and the signature of the one who issued it;
- **.xlsx annex** (``services/exports.py``): a sheet «Показатели» with every figure of every
  section, then one sheet per table.

Every string on the way is user data or computed from it: escaped for reportlab, typed as a
text cell in Excel, cleaned for XML (the export helpers do it).
"""
from __future__ import annotations

import re
from datetime import date

from ...formatting import fmt_date_long
from .. import exports
from .content import ReportData, Table, fmt_value


def _person(by) -> str:
    if by is None:
        return ""
    name = getattr(by, "full_name", "") or getattr(by, "login", "")
    position = getattr(by, "position", "") or ""
    return f"{position} {name}".strip() if position else name


def _cell(value) -> str:
    return fmt_value(value) if not isinstance(value, str) else value


# --------------------------------------------------------------------------- docx


def report_docx(data: ReportData, *, number: str, issued_on: date, by=None) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    doc = Document()
    exports.docx_portrait(doc)
    center = WD_ALIGN_PARAGRAPH.CENTER

    def para(text="", *, bold=False, align=None, indent=False, size=None):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Mm(12.5)
        run = p.add_run(exports.text(text))
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return p

    para(data.authority, bold=True, align=center)
    para()
    para(data.title.upper(), bold=True, align=center)
    para()
    p = para(fmt_date_long(issued_on))
    p.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run("\t" + exports.text(number))
    para()
    para(f"Территория: {data.territory}")
    para(f"Период: {data.period_label}; данные на {data.as_of}")
    for n, section in enumerate(data.sections, start=1):
        para()
        para(f"{n}. {section.title}", bold=True)
        for line in (section.text or "").split("\n"):
            if line.strip():
                para(line, indent=True)
        if section.facts:
            _docx_table(doc, Table("", ["Показатель", "Значение"], section.facts, [75, 25]))
        for table in section.tables:
            if table.title:
                para(table.title, bold=True, size=11)
            _docx_table(doc, table)
    para()
    para()
    p = para(_person(by))
    p.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run("\t_______________")
    exports.docx_page_numbers_from_2(doc)
    return exports.save_docx(doc)


def _docx_table(doc, table: Table) -> None:
    from docx.shared import Pt

    t = exports.docx_table(doc, table.columns)
    for i, row in enumerate(table.rows):
        cells = exports.docx_row(t, [_cell(v) for v in row])
        if i in table.section_rows:
            exports.docx_bold_row(cells)
    for row in t.rows:
        for c in row.cells:
            for p in c.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(10)


# --------------------------------------------------------------------------- pdf


def report_pdf(data: ReportData, *, number: str, issued_on: date, by=None) -> bytes:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Paragraph, Spacer
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    from .. import pdf
    from ..pdf import official

    st = official.styles()
    cells = pdf.styles(font=pdf.SERIF, size=8.5)
    narrow = pdf.styles(font=pdf.SERIF, size=7.5)  # tables of six columns and more
    esc = pdf.esc
    width = official.usable_width()
    right = ParagraphStyle("o-right", parent=st["left"], alignment=TA_RIGHT)
    story = [Paragraph(esc(data.authority), st["org"]),
             Paragraph(esc(data.title.upper()), st["kind"])]
    head = RLTable([[Paragraph(esc(fmt_date_long(issued_on)), st["left"]),
                     Paragraph(esc(number), right)]], colWidths=[width / 2, width / 2])
    head.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [head, Spacer(1, 6),
              Paragraph(f"Территория: {esc(data.territory)}", st["left"]),
              Paragraph(f"Период: {esc(data.period_label)}; данные на {esc(data.as_of)}",
                        st["left"])]
    for n, section in enumerate(data.sections, start=1):
        story.append(Paragraph(f"{n}. {esc(section.title)}", st["label"]))
        for line in (section.text or "").split("\n"):
            if line.strip():
                story.append(Paragraph(esc(line), st["indent"]))
        if section.facts:
            story += [Spacer(1, 4), _pdf_table(Table("", ["Показатель", "Значение"],
                                                     section.facts, [75, 25]), cells, width)]
        for table in section.tables:
            if table.title:
                story += [Spacer(1, 6), Paragraph(esc(table.title), cells["head"])]
            style = narrow if len(table.columns) >= 6 else cells
            story += [Spacer(1, 2), _pdf_table(table, style, width), Spacer(1, 4)]
    story.append(Spacer(1, 24))
    sign = RLTable([[Paragraph(esc(_person(by)), st["left"]),
                     Paragraph("_______________", right)]],
                   colWidths=[width * 0.65, width * 0.35])
    sign.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story.append(KeepTogether([sign]))
    return official.build(story, title=data.title)


def _pdf_table(table: Table, cells, width: float):
    from .. import pdf

    weights = table.widths if len(table.widths) == len(table.columns) else \
        [1] * len(table.columns)
    total = sum(weights) or 1
    col_widths = [width * w / total for w in weights]
    rows = [[pdf.para(c, cells["head"]) for c in table.columns]]
    spans = []
    for i, row in enumerate(table.rows):
        heading = i in table.section_rows
        if heading and not any(v not in ("", None) for v in row[1:]):
            spans.append(i + 1)  # a section's heading across the table
        rows.append([pdf.para(_cell(v), cells["head"] if heading else cells["cell"])
                     for v in row])
    return pdf.table(rows, col_widths, span_rows=spans, font=pdf.SERIF)


# --------------------------------------------------------------------------- xlsx


def report_xlsx(data: ReportData, *, number: str, issued_on: date, by=None) -> bytes:
    wb = exports.workbook()
    ws = exports.sheet(wb, "Показатели", [60, 18], first=True)
    exports.append(ws, [f"Приложение к документу «{data.title}» {number} от "
                        f"{issued_on:%d.%m.%Y}"], bold=True, size=12)
    exports.append(ws, [f"{data.territory}; {data.period_label}; данные на {data.as_of}"])
    exports.append(ws, [])
    exports.header(ws, ["Показатель", "Значение"])
    for section in data.sections:
        if not section.facts:
            continue
        row = exports.append(ws, [section.title, ""], bold=True, fill="F3F5F9")
        exports.merge_row(ws, row, 2)
        for label, value in section.facts:
            exports.append(ws, [label, value], wrap=True)
    n = 0
    for section in data.sections:
        for table in section.tables:
            n += 1
            widths = [max(10, min(60, w * 1.2)) for w in table.widths] if table.widths else []
            name = re.sub(r"[\[\]:*?/\\]", " ", f"{n}. {table.title}")[:31]
            t = exports.sheet(wb, name, widths, landscape=True)
            exports.append(t, [f"{section.title}: {table.title}"], bold=True)
            exports.header(t, table.columns)
            for i, row in enumerate(table.rows):
                exports.append(t, row, wrap=True, bold=i in table.section_rows)
    return exports.save(wb)


def render(data: ReportData, *, number: str, issued_on: date, by=None) -> tuple[bytes, ...]:
    """(.docx, PDF, .xlsx) of the report."""
    kw = {"number": number, "issued_on": issued_on, "by": by}
    return report_docx(data, **kw), report_pdf(data, **kw), report_xlsx(data, **kw)
