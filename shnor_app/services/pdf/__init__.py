"""A small shared base for the application's PDF documents (reportlab).

Roadmaps, monitoring reports, protocols and visit reports are built from the same pieces:

* :func:`register_fonts` registers the DejaVu families shipped in ``static/fonts`` once
  (with ``registerFontFamily`` so ``<b>``/``<i>`` work); the built-in fonts have no Cyrillic.
* :func:`esc` escapes every user string — ``Paragraph`` text is markup, and an unescaped
  ``<img src=…>`` would embed a local file while an unclosed ``<b>`` breaks the render.
  :func:`para` does it for you; use it for every table cell.
* :func:`styles` returns paragraph styles that all set ``fontName``.
* :func:`table` builds a ``Table`` with ``Paragraph`` cells, explicit column widths and the
  header rows repeated on every page.
* :func:`build` renders A4 portrait or landscape with page numbers («стр. 2 из 5») and an
  optional running title in the footer, and returns the bytes.
* :func:`cached` serves a document whose content has not changed from the shared cache
  (:mod:`.cache`) instead of laying it out again.

Documents are built in many threads at once with no lock between them: the one piece of
reportlab state that two documents used to share — the cursor with which a TrueType font reads
its own file while it cuts the subset embedded in a document — is kept per thread
(:class:`ThreadSafeTTFont`). A font's file is read when a document first uses it, not when
it is registered: a DejaVu face is 1.5–3 MB of Python objects (glyph and width tables), and the
italic ones are seldom printed.
"""
from __future__ import annotations

import copy
import io
import threading
import weakref
from fnmatch import fnmatch
from pathlib import Path
# bandit B406: escapes text for Paragraph; parses nothing
from xml.sax.saxutils import escape  # nosec B406

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFont, TTFontFace
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from ...text import clean_text

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "static" / "fonts"
SANS, SERIF = "DejaVuSans", "DejaVuSerif"
_registered = False
_REGISTERING = threading.Lock()


class ThreadSafeTTFont(TTFont):
    """A TrueType font that several threads may embed in their documents at the same time.

    reportlab's font reads its file through one cursor (``face._pos``) when it cuts the subset a
    document embeds (``makeSubset``), so two documents finishing at once in two threads read each
    other's bytes (a ``KeyError`` or a broken font, seen under a threaded gunicorn). Here each
    thread reads through its own shallow copy of the face: its own cursor over the same bytes and
    tables, which layout and subsetting only read. The per-document subset state is reportlab's
    own (one entry per document), so documents never mix either.
    """

    def __init__(self, name: str, filename: str):
        # TTFont.__init__ without its first step, which would read the file now.
        self.fontName = name
        self.encoding = TTEncoding()
        self.state = weakref.WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
        self._filename = filename
        self._face = None
        self._reading = threading.Lock()
        self._local = threading.local()

    @property
    def face(self):
        face = getattr(self._local, "face", None)
        if face is None:
            face = self._local.face = copy.copy(self._shared_face())
        return face

    def _shared_face(self) -> TTFontFace:
        """The face read from the file, once, by the first thread that needs it."""
        if self._face is None:
            with self._reading:
                if self._face is None:
                    self._face = TTFontFace(self._filename)
        return self._face


def register_fonts() -> None:
    global _registered
    if _registered:
        return
    with _REGISTERING:
        if not _registered:
            _register_fonts()


def _register_fonts() -> None:
    global _registered
    files = {
        SANS: ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
               "DejaVuSans-BoldOblique.ttf"),
        SERIF: ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
                "DejaVuSerif-BoldItalic.ttf"),
    }
    for family, (regular, bold, italic, bold_italic) in files.items():
        names = (family, f"{family}-Bold", f"{family}-Italic", f"{family}-BoldItalic")
        for name, file in zip(names, (regular, bold, italic, bold_italic)):
            # What pdfmetrics.registerFont does for a TrueType font, without asking the face
            # for its name (which would read the file).
            pdfmetrics._fonts[name] = ThreadSafeTTFont(name, str(FONT_DIR / file))
            pdfmetrics.registerFontFamily(name)
        pdfmetrics.registerFontFamily(family, normal=names[0], bold=names[1], italic=names[2],
                                      boldItalic=names[3])
    _registered = True


def esc(value) -> str:
    """User text → safe Paragraph markup; line breaks are kept, control characters (in rows
    stored before the input rule) dropped."""
    if value is None:
        return ""
    return escape(clean_text(str(value))).replace("\n", "<br/>")


def styles(font: str = SANS, size: float = 9) -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=font, fontSize=size, leading=size * 1.25)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=size - 1.5,
                                leading=(size - 1.5) * 1.25, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base),
        "head": ParagraphStyle("head", parent=base, fontName=f"{font}-Bold"),
        "title": ParagraphStyle("title", parent=base, fontName=f"{font}-Bold",
                                fontSize=size + 5, leading=(size + 5) * 1.25, alignment=TA_CENTER,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=f"{font}-Bold", fontSize=size + 2,
                             leading=(size + 2) * 1.3, spaceBefore=8, spaceAfter=4),
    }


def para(value, style: ParagraphStyle, *, markup: str | None = None) -> Paragraph:
    """A paragraph of user text (escaped). ``markup`` wraps it: ``"b"`` → ``<b>…</b>``."""
    text = esc(value)
    if markup:
        text = f"<{markup}>{text}</{markup}>"
    return Paragraph(text, style)


def table(rows: list[list], col_widths: list[float], *, header_rows: int = 1,
          span_rows: list[int] = (), shade_rows: list[int] = (),
          font: str = SANS) -> Table:
    """A grid table whose header repeats on every page. Cells should be Paragraphs.

    ``span_rows``: row indexes whose first cell spans the whole width (section rows).
    """
    t = Table(rows, colWidths=col_widths, repeatRows=header_rows, splitByRow=True)
    cmds = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e6eaf2")))
    for r in span_rows:
        cmds += [("SPAN", (0, r), (-1, r)),
                 ("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f3f5f9"))]
    for r in shade_rows:
        cmds.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#fdecea")))
    t.setStyle(TableStyle(cmds))
    return t


def _numbered_canvas(footer: str, font: str):
    class NumberedCanvas(rl_canvas.Canvas):
        """Draws «стр. N из M» on every page once the total is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved = []

        def showPage(self):  # noqa: N802 - reportlab API
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont(font, 7.5)
                self.setFillColor(colors.HexColor("#555555"))
                width = self._pagesize[0]
                self.drawRightString(width - 12 * mm, 8 * mm,
                                     f"стр. {self._pageNumber} из {total}")
                if footer:
                    self.drawString(15 * mm, 8 * mm, footer[:140])
                super().showPage()
            super().save()

    return NumberedCanvas


def build(story: list, *, landscape_mode: bool = True, title: str = "", footer: str = "",
          margins_mm: tuple[float, float, float, float] = (15, 12, 12, 14),
          font: str = SANS) -> bytes:
    """Render ``story`` on A4 (landscape by default) and return the PDF bytes.

    ``margins_mm`` = (left, right, top, bottom).
    """
    register_fonts()
    buf = io.BytesIO()
    size = landscape(A4) if landscape_mode else A4
    left, right, top, bottom = margins_mm
    doc = SimpleDocTemplate(buf, pagesize=size, leftMargin=left * mm, rightMargin=right * mm,
                            topMargin=top * mm, bottomMargin=bottom * mm, title=title,
                            author="ШНОР")
    doc.build(story, canvasmaker=_numbered_canvas(footer, font))
    return buf.getvalue()


def usable_width(landscape_mode: bool = True,
                 margins_mm: tuple[float, float, float, float] = (15, 12, 12, 14)) -> float:
    size = landscape(A4) if landscape_mode else A4
    return size[0] - (margins_mm[0] + margins_mm[1]) * mm


__all__ = ["build", "esc", "para", "register_fonts", "styles", "table", "usable_width", "mm"]
