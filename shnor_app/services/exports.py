"""The plumbing every area's downloadable documents share: formats and file names, and the
writing of .xlsx and .docx.

Spreadsheets are written only through :func:`cell` / :func:`append` / :func:`header`, which
type every value: a number stays a number, a date is a date shown «27.02.2023», and every string
is a *text* cell — its data type is set to string after the value, so a text that begins with
«=» (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``) is shown as typed and never becomes a formula
that Excel would compute or follow. Text is cleaned once more on the way out
(:func:`shnor_app.text.clean_text`): rows stored before the input rule may hold control
characters that XML — hence .xlsx and .docx — cannot carry, and a download must not fail on
them. Word documents take their strings through :func:`text` for the same reason.

No Flask here: the views send what these functions make with ``web.send_download``.
"""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from ..formatting import today
from ..text import clean_text

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}
# Content types of every kind of download (documents above, and the plain ones).
MIMETYPES = {**{k: mimetype for k, (mimetype, _) in FORMATS.items()},
             "json": "application/json", "csv": "text/csv", "txt": "text/plain"}

CELL_MAX = 32_767  # the most characters an Excel cell holds
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
HEADER_FILL = "E6EAF2"


def filename(stem: str, fmt: str, day: date | None = None) -> str:
    """«roadmap-12» + «xlsx» → «roadmap-12-2026-03-15.xlsx» (the day of the download)."""
    day = day or today()
    return f"{stem}-{day:%Y-%m-%d}.{fmt}"


def text(value) -> str:
    """A value as text that any document can carry: ``""`` for None, cleaned of control
    characters."""
    return "" if value is None else clean_text(str(value))


# --------------------------------------------------------------------------- xlsx


def workbook(*, write_only: bool = False):
    """A new workbook (without its default sheet in write-only mode, as openpyxl makes it)."""
    from openpyxl import Workbook

    return Workbook(write_only=write_only)


def sheet(wb, title: str, widths=(), *, landscape: bool = False, first: bool = False):
    """A sheet named ``title`` (cut to Excel's 31 characters) with column widths; ``first``
    renames the workbook's default sheet instead of adding one; ``landscape`` sets up printing
    on landscape A4, fitted to the page's width."""
    from openpyxl.utils import get_column_letter

    ws = wb.active if first else wb.create_sheet()
    ws.title = text(title)[:31] or "Лист"
    for i, width in enumerate(widths, start=1):
        if width:
            ws.column_dimensions[get_column_letter(i)].width = width
    if landscape:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def cell(ws, value, *, bold: bool = False, size: float | None = None, fill: str | None = None,
         wrap: bool = False):
    """A cell of ``ws`` holding ``value`` typed (see the module's docstring), for ``append``."""
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill

    c = Cell(ws, row=1, column=1)  # placed by ``append``
    if isinstance(value, bool) or value is None:
        c.value = value
    elif isinstance(value, (int, float, Decimal)):
        c.value = value
    elif isinstance(value, datetime):
        c.value = value.replace(tzinfo=None) if value.tzinfo else value
        c.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        c.value = value
        c.number_format = DATE_FORMAT
    else:
        c.value = text(value)[:CELL_MAX]
        c.data_type = "s"  # never a formula, whatever the text begins with
    if bold or size:
        c.font = Font(bold=bold, size=size)
    if fill:
        c.fill = PatternFill("solid", fgColor=fill)
    if wrap:
        c.alignment = Alignment(wrap_text=True, vertical="top")
    return c


def append(ws, values, **style) -> int:
    """Write ``values`` as the next row of ``ws`` (each through :func:`cell`, with ``style``);
    returns the row's number (0 on a write-only sheet, which cannot be read back)."""
    ws.append([cell(ws, v, **style) for v in values])
    return 0 if _write_only(ws) else ws.max_row


def header(ws, titles, *, freeze: bool = True, repeat: bool = True) -> int:
    """The table's header row: bold on a tinted ground, wrapped; the rows below scroll under it
    (``freeze``) and it is printed on every page (``repeat``)."""
    row = append(ws, titles, bold=True, fill=HEADER_FILL, wrap=True)
    if row:
        if repeat:
            ws.print_title_rows = f"{row}:{row}"
        if freeze:  # by name: ws.cell() would make a cell there and push the next row down
            ws.freeze_panes = f"A{row + 1}"
    return row


def merge_row(ws, row: int, columns: int) -> None:
    """Merge the first ``columns`` cells of ``row`` (a section's heading across the table)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _write_only(ws) -> bool:
    return type(ws).__name__ == "WriteOnlyWorksheet"


# --------------------------------------------------------------------------- docx


def docx_landscape(doc, margin_mm: float = 15) -> None:
    """Landscape A4 with equal margins."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Mm(margin_mm))


def docx_portrait(doc, margins_mm=(30, 10, 20, 20), font_size: float = 14,
                  space_after: float | None = 0) -> None:
    """Portrait A4 of an official paper: margins (left, right, top, bottom) in mm, the Normal
    style in Times New Roman of ``font_size`` pt with ``space_after`` pt after a paragraph
    (``None``: Word's own)."""
    from docx.shared import Mm, Pt

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = (
        Mm(m) for m in margins_mm)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(font_size)
    if space_after is not None:
        normal.paragraph_format.space_after = Pt(space_after)


def docx_repeat_header(row) -> None:
    """Repeat a table's row at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def docx_bold_row(row) -> None:
    for c in row.cells:
        for p in c.paragraphs:
            for run in p.runs:
                run.bold = True


def docx_table(doc, columns, rows=(), *, repeat_header: bool = True):
    """A grid table with a bold header row (repeated on every page) and ``rows`` of values."""
    t = doc.add_table(rows=1, cols=len(columns))
    t.style = "Table Grid"
    for i, title in enumerate(columns):
        t.rows[0].cells[i].text = text(title)
    docx_bold_row(t.rows[0])
    if repeat_header:
        docx_repeat_header(t.rows[0])
    for values in rows:
        docx_row(t, values)
    return t


def docx_row(table, values):
    """Append a row of ``values`` (as text) to ``table``; returns the row."""
    row = table.add_row()
    for c, value in zip(row.cells, values):
        c.text = text(value)
    return row


def docx_page_numbers_from_2(doc) -> None:
    """Page numbers as official documents have them: a centred PAGE field in the header, none
    on the first page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sec = doc.sections[0]
    sec.different_first_page_header_footer = True
    p = sec.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for tag, attr in (("w:fldChar", {"w:fldCharType": "begin"}),
                      ("w:instrText", None), ("w:fldChar", {"w:fldCharType": "end"})):
        el = OxmlElement(tag)
        if attr:
            for k, v in attr.items():
                el.set(qn(k), v)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = "PAGE"
        run._r.append(el)


def save_docx(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
