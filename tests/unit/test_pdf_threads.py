"""PDFs built from several threads at once (gunicorn threads) all come out whole, and no
document waits for another one being built; a font's file is read only when a document uses it."""
import io
import threading
from concurrent.futures import ThreadPoolExecutor

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from shnor_app.services import pdf

ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ№«»—–…"


def _words(n: int) -> str:
    # every document its own mix of letters, so each one cuts different font subsets
    return " ".join(ALPHABET[(n * 7 + k) % len(ALPHABET):][:5 + k % 9] for k in range(40))


def _doc(n: int) -> bytes:
    st = pdf.styles()
    story = [pdf.para(f"Документ № {n}: Ёлкина Анна Петровна, «Гимназия № {n}»", st["base"])]
    story += [pdf.para(_words(n + k), st["head" if k % 2 else "base"]) for k in range(40)]
    return pdf.build(story, title=f"Документ {n}", footer="Проверка")


def _text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_documents_built_in_parallel_threads_are_all_complete():
    alone = {n: _text(_doc(n)) for n in range(3)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        docs = list(pool.map(_doc, [n % 3 for n in range(24)]))
    for n, data in enumerate(docs):
        text = _text(data)
        assert f"Документ № {n % 3}: Ёлкина Анна Петровна" in text
        assert text == alone[n % 3]


class _Gate(Flowable):
    """A flowable that holds its document's build until the test lets it go."""

    def __init__(self, reached: threading.Event, release: threading.Event):
        super().__init__()
        self.reached, self.release = reached, release

    def wrap(self, *args):
        return (10, 10)

    def draw(self):
        self.reached.set()
        self.release.wait(30)


def test_a_document_being_built_does_not_hold_up_another():
    reached, release = threading.Event(), threading.Event()
    st = pdf.styles()
    slow = threading.Thread(target=pdf.build, args=([pdf.para("Долгий", st["base"]),
                                                     _Gate(reached, release)],))
    slow.start()
    try:
        assert reached.wait(30)
        done = []
        other = threading.Thread(target=lambda: done.append(_doc(1)))
        other.start()
        other.join(20)
        assert done, "the second document waited for the first one"
        assert "Документ № 1" in _text(done[0])
    finally:
        release.set()
        slow.join(30)


def test_a_font_is_read_from_its_file_once_when_a_document_first_uses_it():
    pdf.register_fonts()
    fonts = [pdfmetrics.getFont(f"{family}-BoldItalic") for family in (pdf.SANS, pdf.SERIF)]
    for font in fonts:  # a fresh font, as in a worker that has printed nothing in bold italics
        font._face, font._local = None, threading.local()
    st = pdf.styles(font=pdf.SERIF)
    data = pdf.build([pdf.para("Обычный текст", st["base"])])
    assert "Обычный текст" in _text(data)
    assert [font._face for font in fonts] == [None, None]

    data = pdf.build([Paragraph("<b><i>Жирный курсив</i></b>", st["base"])])
    assert "Жирный курсив" in _text(data)
    assert fonts[0]._face is None and fonts[1]._face is not None
    face = fonts[1]._face
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda _: fonts[1].face.charWidths, range(3)))
    assert fonts[1]._face is face
