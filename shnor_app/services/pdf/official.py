"""Official documents (protocols, letters) laid out as Russian offices sign them.

ГОСТ Р 7.0.97-2016 and the usual practice around it: A4 portrait; margins left 30 mm, right
10 mm, top and bottom 20 mm; a serif face at 12–14 pt; page numbers only from the second page,
centred in the top margin, digits only. Fonts are the embedded DejaVu families of
:mod:`services.pdf` (the built-in PDF fonts have no Cyrillic).
"""
from __future__ import annotations

import io

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from . import SERIF, register_fonts

MARGINS_MM = (30, 10, 20, 20)  # left, right, top, bottom


def styles(size: float = 12.5) -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("o-base", fontName=SERIF, fontSize=size, leading=size * 1.3,
                          alignment=TA_LEFT)
    return {
        "base": base,
        "left": ParagraphStyle("o-left", parent=base, alignment=TA_LEFT),
        "indent": ParagraphStyle("o-indent", parent=base, firstLineIndent=12.5 * mm),
        "hanging": ParagraphStyle("o-hanging", parent=base, leftIndent=8 * mm,
                                  firstLineIndent=-8 * mm, alignment=TA_LEFT),
        "org": ParagraphStyle("o-org", parent=base, fontName=f"{SERIF}-Bold", alignment=TA_CENTER,
                              fontSize=size, leading=size * 1.25),
        "kind": ParagraphStyle("o-kind", parent=base, fontName=f"{SERIF}-Bold", alignment=TA_CENTER,
                               fontSize=size + 3.5, leading=(size + 3.5) * 1.3, spaceBefore=10,
                               spaceAfter=6),
        "center": ParagraphStyle("o-center", parent=base, alignment=TA_CENTER),
        "heading": ParagraphStyle("o-heading", parent=base, fontName=f"{SERIF}-Bold",
                                  alignment=TA_CENTER, spaceBefore=8, spaceAfter=10),
        "label": ParagraphStyle("o-label", parent=base, fontName=f"{SERIF}-Bold",
                                alignment=TA_LEFT, spaceBefore=8, spaceAfter=2, keepWithNext=1),
        "small": ParagraphStyle("o-small", parent=base, fontSize=size - 2.5,
                                leading=(size - 2.5) * 1.25, alignment=TA_LEFT),
    }


def _page_number(canvas, doc) -> None:
    """From page 2: the number alone, centred in the top margin."""
    page = canvas.getPageNumber()
    if page < 2:
        return
    canvas.saveState()
    canvas.setFont(SERIF, 11)
    width, height = A4
    left, right, top, _ = MARGINS_MM
    centre = left * mm + (width - (left + right) * mm) / 2
    canvas.drawCentredString(centre, height - top * mm / 2 - 2, str(page))
    canvas.restoreState()


def build(story: list, *, title: str = "", author: str = "ШНОР") -> bytes:
    register_fonts()
    buf = io.BytesIO()
    left, right, top, bottom = MARGINS_MM
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=left * mm, rightMargin=right * mm,
                            topMargin=top * mm, bottomMargin=bottom * mm, title=title,
                            author=author)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buf.getvalue()


FRAME_PADDING = 6  # reportlab's Frame pads its content by 6 pt on each side


def usable_width() -> float:
    """The width a table may take inside the frame (margins and frame padding removed)."""
    return A4[0] - (MARGINS_MM[0] + MARGINS_MM[1]) * mm - 2 * FRAME_PADDING
