"""Generated PDFs kept under the hash of what they show: served again while nothing changes,
made again as soon as anything shown changes, bounded in number, and never in the way."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import CachedDocument
from shnor_app.services import roadmaps as rm_svc
from shnor_app.services.pdf import cache
from shnor_app.services.roadmaps import export

from tests.factories.roadmaps import make_school_roadmap


def _text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def builds(monkeypatch):
    made = []
    real = export._roadmap_pdf

    def counting(*args):
        made.append(args[0])
        return real(*args)

    monkeypatch.setattr(export, "_roadmap_pdf", counting)
    return made


def test_an_unchanged_roadmap_pdf_is_served_from_the_cache(login_as, world, builds):
    rm, (item,) = make_school_roadmap(world.school_a)
    c = login_as("methodist")
    first = c.get(f"/roadmaps/{rm.id}/export.pdf")
    second = c.get(f"/roadmaps/{rm.id}/export.pdf")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and len(builds) == 1
    assert db.session.scalar(select(func.count()).select_from(CachedDocument)) == 1

    rm_svc.update_item(item, {"text": "Семинар для учителей математики"})
    third = c.get(f"/roadmaps/{rm.id}/export.pdf")
    assert len(builds) == 2
    assert "Семинар для учителей математики" in _text(third.data)
    assert "Педагогический совет" not in _text(third.data)


def test_the_cache_keeps_only_the_newest_documents(app):
    app.config["DOCUMENT_CACHE_SIZE"] = 3
    try:
        for n in range(5):
            cache.cached("test", {"n": n}, lambda: b"%PDF-" + bytes([n]))
    finally:
        app.config["DOCUMENT_CACHE_SIZE"] = 500
    kept = db.session.scalars(select(CachedDocument.kind)).all()
    assert len(kept) == 3


def test_size_zero_turns_the_cache_off(app):
    made = []
    app.config["DOCUMENT_CACHE_SIZE"] = 0
    try:
        for _ in range(2):
            cache.cached("test", [1], lambda: made.append(1) or b"%PDF-")
    finally:
        app.config["DOCUMENT_CACHE_SIZE"] = 500
    assert len(made) == 2
    assert db.session.scalar(select(func.count()).select_from(CachedDocument)) == 0


def test_a_document_kept_twice_at_once_is_still_served(app):
    key_content = ["same"]
    cache.cached("test", key_content, lambda: b"%PDF-one")
    # a second worker that missed the cache a moment earlier keeps the same document again
    cache._keep(cache.key_of("test", key_content), "test", b"%PDF-one", 500)
    assert cache.cached("test", key_content, lambda: b"%PDF-other") == b"%PDF-one"


def test_the_key_follows_every_shown_value():
    base = ["Дорожная карта", ["Состояние на 06.12.2026"], [("1", "Педсовет")]]
    assert cache.key_of("roadmap", base) == cache.key_of("roadmap", list(base))
    assert cache.key_of("roadmap", base) != cache.key_of(
        "roadmap", ["Дорожная карта", ["Состояние на 07.12.2026"], [("1", "Педсовет")]])
    assert cache.key_of("roadmap", base) != cache.key_of("protocol", base)
