"""Documents of interviews and meetings: the protocol (PDF, .docx) and the schedule (PDF, .xlsx).

The protocol follows ГОСТ Р 7.0.97-2016 and the practice of protocols around it:
authority name; «ПРОТОКОЛ»; date in words and number; place; heading; «Председатель —»,
«Секретарь —», «Присутствовали:» (alphabetical; over 15 people a count and «список
прилагается»), «Приглашённые:»; «ПОВЕСТКА ДНЯ:» numbered; per item «СЛУШАЛИ:», «ВЫСТУПИЛИ:»,
«РЕШИЛИ:» with decisions numbered 1.1, 1.2; signatures of the chair and the secretary; then the
amendments made after the protocol was signed, each with its date. A record not yet held prints
as a draft («ПРОЕКТ», number left blank). PDF and .docx are drawn from one :class:`ProtocolText`
so that they never differ.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...models import InterviewSeries, Meeting, ParticipantRole
from ...formatting import fmt_date, fmt_date_long
from .. import exports
from . import (
    RECOMMENDATION_SOURCE, amendments_of, initials_first, load_record, series_meetings,
    surname_initials,
)

PRESENT_LIST_LIMIT = 15


@dataclass
class ItemText:
    number: int
    title: str
    heard: str
    speeches: list[str]
    decisions: list[tuple[str, str]]  # ("1.1.", text)


@dataclass
class ProtocolText:
    authority: str
    draft: bool
    date_words: str
    number: str
    place: str
    heading: str
    chair: str
    secretary: str
    present: list[str]
    present_note: str
    invited: list[str]
    agenda: list[str]
    items: list[ItemText]
    signatures: list[tuple[str, str]]  # (role, И.О. Фамилия)
    amendments: list[tuple[str, str]] = field(default_factory=list)  # (date, text)
    title: str = ""


def _person(p) -> str:
    name = surname_initials(p.full_name)
    return f"{name} — {p.job_title}" if p.job_title else name


def _decision_text(d) -> str:
    text = d.text.strip()
    extra = []
    if d.responsible:
        extra.append(f"Ответственный: {d.responsible}")
    if d.due_date:
        extra.append(f"срок: до {fmt_date_long(d.due_date)}")
    if extra:
        tail = "; ".join(extra)
        text = text.rstrip(".") + ". " + tail + ("" if tail.endswith(".") else ".")
    return _nbsp(text)


def _nbsp(text: str) -> str:
    """«№2» typed without a space becomes «№ 2», as an official document writes it; «№ 3» and
    «г. Энск» are kept on one line (justified text breaks them badly)."""
    import re

    text = re.sub(r"№[ \t]*(?=[^\s№])", "№\u00a0", text)
    return re.sub(r"(?<=\s)(г|с|п|д|ул|пос)\. (?=\S)", lambda m: m.group(1) + ".\u00a0", text)


def _append_recommendations(meeting: Meeting, items: list[ItemText]) -> None:
    """Recommendations to the school (tracked by the shared module) close the last item's
    «РЕШИЛИ», numbered on from its decisions."""
    from ..recommendations import for_source

    recs = for_source(RECOMMENDATION_SOURCE, meeting.id)
    if not recs or not items:
        return
    last = items[-1]
    whom = f"руководителю {meeting.organization.short_name}" if meeting.organization else "школе"
    for rec in recs:
        k = len(last.decisions) + 1
        last.decisions.append((f"{last.number}.{k}.",
                               _nbsp(f"Рекомендовать {whom}: " + _decision_text(rec))))


def _place(meeting: Meeting) -> str:
    if meeting.place and meeting.video_link:
        return f"{meeting.place} (с использованием видеоконференцсвязи)"
    if meeting.place:
        return meeting.place
    return "в режиме видеоконференцсвязи" if meeting.video_link else ""


def protocol_text(meeting: Meeting) -> ProtocolText:
    participants, items = load_record(meeting)
    chair = next((p for p in participants if p.role == ParticipantRole.CHAIR), None)
    secretary = next((p for p in participants if p.role == ParticipantRole.SECRETARY), None)
    others = [p for p in participants if p.present and p.role in (
        ParticipantRole.MEMBER, ParticipantRole.PARTICIPANT)]
    others.sort(key=lambda p: p.full_name.lower())
    invited = sorted((p for p in participants if p.present and p.role == ParticipantRole.INVITED),
                     key=lambda p: p.full_name.lower())
    present, note = [_person(p) for p in others], ""
    if len(others) > PRESENT_LIST_LIMIT:
        present, note = [], f"{len(others)} чел. (список прилагается)"
    out_items = []
    for n, item in enumerate(items, start=1):
        heard = item.heard_who.strip()
        if item.heard_summary.strip():
            heard = f"{heard} — {item.heard_summary.strip()}" if heard else item.heard_summary
        out_items.append(ItemText(
            number=n, title=_nbsp(item.title), heard=_nbsp(heard),
            speeches=[_nbsp(f"{s.who} — {s.summary}" if s.summary else s.who)
                      for s in item.speeches],
            decisions=[(f"{n}.{k}.", _decision_text(d))
                       for k, d in enumerate(item.decisions, start=1)]))
    _append_recommendations(meeting, out_items)
    draft = not meeting.is_held
    number = f"№ {meeting.protocol_number}" if not draft else "№ ____"
    return ProtocolText(
        authority=meeting.authority.full_name, draft=draft,
        date_words=fmt_date_long(meeting.meeting_date), number=number, place=_place(meeting),
        heading=_nbsp(meeting.heading or meeting.kind.default_heading),
        chair=initials_first(chair.full_name) if chair else "",
        secretary=initials_first(secretary.full_name) if secretary else "",
        present=present, present_note=note, invited=[_person(p) for p in invited],
        agenda=[_nbsp(i.title) for i in items], items=out_items,
        signatures=[("Председатель", initials_first(chair.full_name) if chair else ""),
                    ("Секретарь", initials_first(secretary.full_name) if secretary else "")],
        amendments=[(fmt_date(a.amended_on), a.text) for a in amendments_of(meeting)],
        title=f"Протокол {number} от {fmt_date(meeting.meeting_date)}",
    )


# --------------------------------------------------------------------------- protocol PDF


def protocol_pdf(meeting: Meeting) -> bytes:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    from .. import pdf
    from ..pdf import official

    doc = protocol_text(meeting)
    st = official.styles()
    width = official.usable_width()
    esc = pdf.esc
    story = []
    if doc.draft:
        story.append(Paragraph("ПРОЕКТ — протокол не оформлен, номер не присвоен", st["small"]))
    story += [Paragraph(esc(doc.authority), st["org"]),
              Paragraph("ПРОТОКОЛ", st["kind"])]
    head = Table([[Paragraph(esc(doc.date_words), st["left"]),
                   Paragraph(esc(doc.number), _right(st["left"]))]],
                 colWidths=[width / 2, width / 2])
    head.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(head)
    if doc.place:
        story.append(Paragraph(esc(doc.place), st["center"]))
    story.append(Paragraph(esc(doc.heading), st["heading"]))
    if doc.chair:
        story.append(Paragraph(f"Председатель — {esc(doc.chair)}", st["left"]))
    if doc.secretary:
        story.append(Paragraph(f"Секретарь — {esc(doc.secretary)}", st["left"]))
    story.append(Paragraph("Присутствовали:", st["label"]))
    if doc.present_note:
        story.append(Paragraph(esc(doc.present_note), st["left"]))
    for line in doc.present:
        story.append(Paragraph(esc(line), st["left"]))
    if not doc.present and not doc.present_note:
        story.append(Paragraph("—", st["left"]))
    if doc.invited:
        story.append(Paragraph("Приглашённые:", st["label"]))
        for line in doc.invited:
            story.append(Paragraph(esc(line), st["left"]))
    story.append(Paragraph("ПОВЕСТКА ДНЯ:", st["label"]))
    for n, title in enumerate(doc.agenda, start=1):
        story.append(Paragraph(f"{n}. {esc(title)}", st["hanging"]))
    for item in doc.items:
        story.append(Spacer(1, 6))
        story.append(Paragraph(f"{item.number}. СЛУШАЛИ:", st["label"]))
        story.append(Paragraph(esc(item.heard) or "—", st["indent"]))
        if item.speeches:
            story.append(Paragraph("ВЫСТУПИЛИ:", st["label"]))
            for line in item.speeches:
                story.append(Paragraph(esc(line), st["indent"]))
        story.append(Paragraph("РЕШИЛИ:", st["label"]))
        for num, text in item.decisions:
            story.append(Paragraph(f"{num} {esc(text)}", st["indent"]))
    story.append(Spacer(1, 24))
    rows = [[Paragraph(role, st["left"]), Paragraph("_______________", st["center"]),
             Paragraph(esc(name), st["left"])] for role, name in doc.signatures]
    sign = Table(rows, colWidths=[width * 0.38, width * 0.3, width * 0.32])
    sign.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 10),
                              ("TEXTCOLOR", (0, 0), (-1, -1), colors.black)]))
    story.append(KeepTogether([sign]))
    if doc.amendments:
        story.append(Spacer(1, 14))
        story.append(Paragraph("Изменения, внесённые в протокол:", st["label"]))
        for n, (day, text) in enumerate(doc.amendments, start=1):
            story.append(Paragraph(f"{n}. Изменение от {day}: {esc(text)}", st["hanging"]))
    return official.build(story, title=doc.title)


def _right(style):
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(style.name + "-right", parent=style, alignment=TA_RIGHT)


# --------------------------------------------------------------------------- protocol .docx


def protocol_docx(meeting: Meeting) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm

    doc_text = protocol_text(meeting)
    doc = Document()
    exports.docx_portrait(doc)

    def para(text="", *, bold=False, align=None, indent=False):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Mm(12.5)
        p.add_run(exports.text(text)).bold = bold
        return p

    center = WD_ALIGN_PARAGRAPH.CENTER
    if doc_text.draft:
        para("ПРОЕКТ — протокол не оформлен, номер не присвоен")
    para(doc_text.authority, bold=True, align=center)
    para()
    para("ПРОТОКОЛ", bold=True, align=center)
    para()
    p = para(doc_text.date_words)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run("\t" + exports.text(doc_text.number))
    if doc_text.place:
        para(doc_text.place, align=center)
    para()
    para(doc_text.heading, bold=True, align=center)
    para()
    if doc_text.chair:
        para(f"Председатель — {doc_text.chair}")
    if doc_text.secretary:
        para(f"Секретарь — {doc_text.secretary}")
    para("Присутствовали:", bold=True)
    for line in ([doc_text.present_note] if doc_text.present_note else []) + doc_text.present:
        para(line)
    if doc_text.invited:
        para("Приглашённые:", bold=True)
        for line in doc_text.invited:
            para(line)
    para()
    para("ПОВЕСТКА ДНЯ:", bold=True)
    for n, title in enumerate(doc_text.agenda, start=1):
        para(f"{n}. {title}")
    for item in doc_text.items:
        para()
        para(f"{item.number}. СЛУШАЛИ:", bold=True)
        para(item.heard or "—", indent=True)
        if item.speeches:
            para("ВЫСТУПИЛИ:", bold=True)
            for line in item.speeches:
                para(line, indent=True)
        para("РЕШИЛИ:", bold=True)
        for num, text in item.decisions:
            para(f"{num} {text}", indent=True)
    para()
    para()
    for role, name in doc_text.signatures:
        p = para(role)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(70))
        p.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
        p.add_run("\t_______________\t" + exports.text(name))
        para()
    if doc_text.amendments:
        para("Изменения, внесённые в протокол:", bold=True)
        for n, (day, text) in enumerate(doc_text.amendments, start=1):
            para(f"{n}. Изменение от {day}: {text}")
    exports.docx_page_numbers_from_2(doc)
    return exports.save_docx(doc)


# --------------------------------------------------------------------------- schedule

SCHEDULE_COLUMNS = ["№", "Дата", "Время", "Общеобразовательная организация", "Руководитель",
                    "Место / ссылка", "Отметка"]


def _commission_lines(series: InterviewSeries) -> list[str]:
    lines = []
    for m in series.commission:
        who = m.full_name + (f", {m.job_title}" if m.job_title else "")
        lines.append(f"{m.role.label}: {who}")
    return lines


def schedule_rows(series: InterviewSeries) -> list[list[str]]:
    rows = []
    for n, m in enumerate(series_meetings(series), start=1):
        where = "\n".join(x for x in (m.place, m.video_link) if x)
        mark = f"Протокол № {m.protocol_number}" if m.is_held else m.status.label
        rows.append([str(n), fmt_date(m.meeting_date), m.time_label,
                     m.organization.short_name if m.organization else "",
                     m.director_name or "", where, mark])
    return rows


def schedule_title(series: InterviewSeries) -> str:
    return "График собеседований с руководителями общеобразовательных организаций"


def schedule_pdf(series: InterviewSeries) -> bytes:
    from reportlab.platypus import Spacer

    from .. import pdf

    st = pdf.styles(size=9.5)
    width = pdf.usable_width(landscape_mode=True)
    story = [pdf.para(series.authority.full_name, st["subtitle"]),
             pdf.para(schedule_title(series), st["title"]),
             pdf.para(f"Тема: {series.topic}", st["subtitle"])]
    for line in _commission_lines(series):
        story.append(pdf.para(line, st["base"]))
    story.append(Spacer(1, 6))
    fractions = [0.04, 0.09, 0.09, 0.27, 0.18, 0.22, 0.11]
    rows = [[pdf.para(c, st["head"]) for c in SCHEDULE_COLUMNS]]
    rows += [[pdf.para(v, st["cell"]) for v in row] for row in schedule_rows(series)]
    story.append(pdf.table(rows, [width * f for f in fractions]))
    return pdf.build(story, title=schedule_title(series), footer=series.topic[:120])


def schedule_xlsx(series: InterviewSeries) -> bytes:
    wb = exports.workbook()
    ws = exports.sheet(wb, "График", [5, 12, 13, 45, 30, 40, 18], landscape=True, first=True)
    exports.append(ws, [series.authority.full_name])
    exports.append(ws, [schedule_title(series)], bold=True, size=12)
    exports.append(ws, [f"Тема: {series.topic}"])
    for line in _commission_lines(series):
        exports.append(ws, [line])
    exports.append(ws, [])
    exports.header(ws, SCHEDULE_COLUMNS, freeze=False)
    for row in schedule_rows(series):
        exports.append(ws, row, wrap=True)
    return exports.save(wb)


__all__ = ["protocol_docx", "protocol_pdf", "protocol_text", "schedule_pdf", "schedule_xlsx"]
