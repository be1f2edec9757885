"""Bounds on the work one uploaded file may cause.

Importers read files people send: a few hundred rows in practice, but a crafted file may hold
millions of paragraphs or cells, or unpack into gigabytes. Every importer therefore counts what
it reads against named settings (``config.Config``: ``ZIP_MAX_*``, ``ROADMAP_IMPORT_MAX_*``,
``SPREADSHEET_MAX_*``) and stops at the first bound crossed, with a Russian message that names
what was too large. A :class:`Deadline` stops a parse that runs too long whatever the cause; it
is checked cooperatively inside the parsing loops (no signals: gunicorn threads share them).

The parsers stay free of Flask: they take their limits as plain values (a frozen dataclass
based on :class:`Limits`, made by :func:`limits_for`), and ``from_settings()`` reads them from the running application or,
without one, from the defaults in ``config.Config`` (:func:`shnor_app.config.setting`).
"""
from __future__ import annotations

import dataclasses
import time
from typing import Callable, ClassVar

from ..config import UPLOAD_BOUNDS, setting

_clock = time.monotonic  # tests replace it to make a parse "take" any time they need


def fmt_count(n: int) -> str:
    """20000 → «20 000» (thin groups joined by no-break spaces, as Russian texts write them)."""
    return f"{n:,}".replace(",", "\u00a0")


class Deadline:
    """Raises ``error(message)`` from :meth:`check` once ``seconds`` have passed."""

    def __init__(self, seconds: float, error: Callable[[str], Exception], message: str):
        self._end = _clock() + seconds
        self._error = error
        self._message = message

    def check(self) -> None:
        if _clock() > self._end:
            raise self._error(self._message)


class Limits:
    """Base of the frozen dataclasses of limits: field ``f`` is the setting ``PREFIX + "F"``
    (``SheetLimits.rows`` is ``SPREADSHEET_MAX_ROWS``)."""

    PREFIX: ClassVar[str]

    @classmethod
    def from_settings(cls):
        return cls(**{f.name: setting(cls.PREFIX + f.name.upper())
                      for f in dataclasses.fields(cls)})


def limits_for(prefix: str, name: str) -> type:
    """The frozen dataclass (``name``, based on :class:`Limits`) of the group of bounds
    ``prefix`` of ``config.UPLOAD_BOUNDS``: a field for each bound, named in lower case
    (``SPREADSHEET_MAX_CELL_CHARS`` → ``cell_chars``), in the order the table lists them; the
    bound names are written only there."""
    fields = [(bound.lower(), float if bound == "SECONDS" else int)
              for bound in UPLOAD_BOUNDS[prefix]]
    return dataclasses.make_dataclass(name, fields, bases=(Limits,), frozen=True,
                                      namespace={"PREFIX": prefix})
