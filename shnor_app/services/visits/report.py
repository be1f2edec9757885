"""The visit report («Справка по итогам посещения») as PDF and as .docx.

Both documents are drawn from one :class:`Report` built by :func:`build_report`, so the PDF and
the Word file always say the same: the visiting organisation's official header, the title, the
school, the date in words, the visitors, the purpose, the numbered parts (lessons observed as a
table, consultations, documents reviewed, findings, recommendations as a table with the
responsible person and due date) and the signatures block — each visitor signs, the school's
director acknowledges. A4 portrait, margins 30/10/20/20 mm as for official letters. Every user
string reaches reportlab through ``pdf.para`` / ``pdf.esc`` (escaped).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...formatting import fmt_date, fmt_date_long
from .. import exports

FORMATS = {fmt: exports.FORMATS[fmt] for fmt in ("pdf", "docx")}
TITLE = "Справка по итогам посещения"
LESSON_COLUMNS = ["№", "Учитель", "Предмет", "Класс", "Цель посещения / аспект", "Оценка, вывод"]
REC_COLUMNS = ["№", "Рекомендация", "Ответственный", "Срок исполнения"]
MARGINS = (30, 10, 20, 20)  # left, right, top, bottom, mm


def short_name(full_name: str) -> str:
    """«Иванова Мария Петровна» → «М.П. Иванова» (as under a signature)."""
    parts = (full_name or "").split()
    if len(parts) < 2 or not all(p[0].isalpha() for p in parts[1:3]):
        return full_name or ""
    initials = "".join(f"{p[0]}." for p in parts[1:3])
    return f"{initials} {parts[0]}"


@dataclass
class Part:
    heading: str
    text: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Report:
    org_name: str
    org_details: str
    title: str
    facts: list[tuple[str, str]]
    parts: list[Part]
    signers: list[tuple[str, str]]        # (position, И.О. Фамилия)
    acknowledged: tuple[str, str]         # the school's director


def build_report(visit, recs) -> Report:
    org, school = visit.visiting_org, visit.school
    details = " · ".join(p for p in (org.address, org.phone, org.email) if p)
    facts = [
        ("Образовательная организация", school.full_name),
        ("Дата посещения", fmt_date_long(visit.visit_date)),
        ("Форма", visit.kind.label),
        ("Состав", "; ".join(v.label for v in visit.visitors)),
        ("Цель посещения", visit.purpose),
    ]
    parts = []
    if visit.lessons:
        parts.append(Part("Посещённые уроки", columns=LESSON_COLUMNS, rows=[
            [str(i), l.teacher_name, l.subject, l.grade, l.focus, l.assessment]
            for i, l in enumerate(visit.lessons, start=1)]))
    for heading, text in (("Проведённые консультации", visit.consultations),
                          ("Изученные документы", visit.documents_reviewed)):
        if (text or "").strip():
            parts.append(Part(heading, text=text))
    parts.append(Part("Выводы", text=visit.findings or "—"))
    if recs:
        parts.append(Part("Рекомендации", columns=REC_COLUMNS, rows=[
            [str(i), r.text, r.responsible or "", fmt_date(r.due_date) if r.due_date else ""]
            for i, r in enumerate(recs, start=1)]))
    signers = [(v.job_title or "", short_name(v.full_name)) for v in visit.visitors]
    director = short_name(school.director_name) if school.director_name else ""
    return Report(org.full_name, details, TITLE, facts, parts, signers,
                  ("Руководитель образовательной организации", director))


def filename(visit, ext: str) -> str:
    return f"spravka-{visit.visit_date:%Y-%m-%d}-{visit.id}.{ext}"


def render(visit, recs, fmt: str) -> bytes:
    report = build_report(visit, recs)
    return {"pdf": report_pdf, "docx": report_docx}[fmt](report)


# --------------------------------------------------------------------------- PDF


def report_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import HRFlowable, KeepTogether, Spacer, Table, TableStyle

    from .. import pdf

    st = pdf.styles(font=pdf.SERIF, size=11)
    centre = ParagraphStyle("centre", parent=st["base"], alignment=TA_CENTER)
    org_style = ParagraphStyle("org", parent=centre, fontName=f"{pdf.SERIF}-Bold", fontSize=12,
                               leading=15)
    width = pdf.usable_width(False, MARGINS) - 12  # the frame keeps 6 pt of padding each side
    story = [pdf.para(report.org_name, org_style)]
    if report.org_details:
        story.append(pdf.para(report.org_details, ParagraphStyle("det", parent=st["small"],
                                                                alignment=TA_CENTER)))
    story += [HRFlowable(width="100%", thickness=0.8, color=colors.black, spaceBefore=4,
                         spaceAfter=12),
              pdf.para(report.title.upper(), st["title"])]
    facts = [[pdf.para(label, st["head"]), pdf.para(value, st["base"])]
             for label, value in report.facts]
    t = Table(facts, colWidths=[width * 0.3, width * 0.7])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    story += [Spacer(1, 6), t]
    cell = pdf.styles(font=pdf.SERIF, size=9.5)
    for n, part in enumerate(report.parts, start=1):
        story.append(pdf.para(f"{n}. {part.heading}", st["h2"]))
        if part.columns:
            fractions = ([0.05, 0.19, 0.15, 0.09, 0.24, 0.28] if len(part.columns) == 6
                         else [0.05, 0.5, 0.27, 0.18])
            rows = [[pdf.para(c, cell["head"]) for c in part.columns]]
            rows += [[pdf.para(v, cell["cell"]) for v in row] for row in part.rows]
            story.append(pdf.table(rows, [width * f for f in fractions], font=pdf.SERIF))
        else:
            story.append(pdf.para(part.text, st["base"]))
    story += [Spacer(1, 18), KeepTogether([  # the signatures never leave their heading behind
        pdf.para("Справку составили:", st["head"]), Spacer(1, 4),
        _signature_table(report.signers, st, width)])]
    story += [Spacer(1, 14), KeepTogether([
        pdf.para("Со справкой ознакомлен(а):", st["head"]), Spacer(1, 4),
        _signature_table([report.acknowledged], st, width),
        pdf.para("«____» ______________ 20___ г.", st["base"])])]
    return pdf.build(story, landscape_mode=False, margins_mm=MARGINS, title=report.title,
                     footer=f"{report.title} · {report.facts[1][1]}", font=pdf.SERIF)


def _signature_table(signers, st, width):
    from reportlab.platypus import Table, TableStyle

    from .. import pdf

    rows = [[pdf.para(position, st["base"]), pdf.para("_______________", st["base"]),
             pdf.para(name, st["base"])] for position, name in signers]
    t = Table(rows or [["", "", ""]], colWidths=[width * 0.45, width * 0.25, width * 0.3])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]))
    return t


# --------------------------------------------------------------------------- .docx


def report_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    exports.docx_portrait(doc, MARGINS, font_size=12, space_after=None)

    def centred(text, bold=False, size=None):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(exports.text(text))
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return p

    centred(report.org_name, bold=True)
    if report.org_details:
        centred(report.org_details, size=9)
    centred(report.title.upper(), bold=True, size=14)
    facts = doc.add_table(rows=0, cols=2)
    for label, value in report.facts:
        cells = facts.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = exports.text(value)
    for n, part in enumerate(report.parts, start=1):
        doc.add_paragraph().add_run(f"{n}. {part.heading}").bold = True
        if part.columns:
            exports.docx_table(doc, part.columns, part.rows, repeat_header=False)
        else:
            doc.add_paragraph(exports.text(part.text))
    doc.add_paragraph()
    doc.add_paragraph().add_run("Справку составили:").bold = True
    _docx_signatures(doc, report.signers)
    doc.add_paragraph()
    doc.add_paragraph().add_run("Со справкой ознакомлен(а):").bold = True
    _docx_signatures(doc, [report.acknowledged])
    doc.add_paragraph("«____» ______________ 20___ г.")
    return exports.save_docx(doc)


def _docx_signatures(doc, signers) -> None:
    t = doc.add_table(rows=0, cols=3)
    for position, name in signers:
        cells = t.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = (
            exports.text(position), "_______________", exports.text(name))
