"""Generated documents served again without being laid out again.

Laying out a PDF costs about 2 ms per table row (a 120-item roadmap: over 200 ms), while the
data it shows is read in a few milliseconds. :func:`cached` takes that data — everything the
document shows, as plain values, the date of «Состояние на …» included — hashes it, and returns
the document kept under that hash in ``cached_documents`` when there is one; otherwise it builds
the document and keeps it. The table is shared by every worker of every server on the same
database, so a document printed through one server is served by the others. A change to any
shown value gives another hash: nothing is ever invalidated by hand and nothing stale is served.

The cache keeps at most ``DOCUMENT_CACHE_SIZE`` documents (0 turns it off); the oldest go first.
Keeping a document is best effort on a connection of its own: a busy database or two workers
keeping the same document at once never fail the download.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from ...extensions import db
from ...models import CachedDocument, utcnow

# Raise when the layout of documents changes, so documents made by the old code are not served.
LAYOUT_VERSION = 1


def key_of(kind: str, content) -> str:
    raw = json.dumps([LAYOUT_VERSION, kind, content], ensure_ascii=False, sort_keys=True,
                     default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def cached(kind: str, content, build: Callable[[], bytes]) -> bytes:
    """The document of ``kind`` showing ``content`` (JSON-like plain values): from the cache,
    or ``build()`` and kept."""
    size = current_app.config.get("DOCUMENT_CACHE_SIZE", 500)
    if not size:
        return build()
    key = key_of(kind, content)
    data = db.session.scalar(select(CachedDocument.data).where(CachedDocument.key == key))
    if data is not None:
        return bytes(data)
    data = build()
    _keep(key, kind, data, size)
    return data


def _keep(key: str, kind: str, data: bytes, size: int) -> None:
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(CachedDocument).values(key=key, kind=kind, size=len(data),
                                                       data=data, created_at=utcnow()))
            oldest = select(CachedDocument.key).order_by(
                CachedDocument.created_at.desc()).offset(size).limit(1000)
            conn.execute(delete(CachedDocument).where(CachedDocument.key.in_(
                select(oldest.subquery().c.key))))
    except IntegrityError:  # another worker kept the same document a moment ago
        pass
    except DBAPIError as err:  # a locked or busy database: serve the document anyway
        current_app.logger.warning("document cache: not kept (%s)", err.__class__.__name__)
