"""PDFs built from several threads at once (gunicorn threads) all come out whole."""
import io
from concurrent.futures import ThreadPoolExecutor

from pypdf import PdfReader

from shnor_app.services import pdf


def _doc(n: int) -> bytes:
    st = pdf.styles()
    story = [pdf.para(f"Документ № {n}: Ёлкина Анна Петровна, «Гимназия № {n}»", st["base"])
             for _ in range(60)]
    return pdf.build(story, title=f"Документ {n}", footer="Проверка")


def test_documents_built_in_parallel_threads_are_all_complete():
    with ThreadPoolExecutor(max_workers=6) as pool:
        docs = list(pool.map(_doc, range(12)))
    for n, data in enumerate(docs):
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert f"Документ № {n}: Ёлкина Анна Петровна" in text
