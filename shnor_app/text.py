"""Text normalisation for search and matching of Russian names.

``normalize_name`` folds case (Cyrillic included — SQLite's lower() does not), ё → е, quotes of
every kind, «№ 3» → «№3», and runs of spaces, so that «МБОУ "СОШ № 3"» and «мбоу сош №3» meet.
"""
from __future__ import annotations

import re
import unicodedata

_QUOTES = re.compile(r"[\"'«»„“”‘’`]")
_SPACES = re.compile(r"\s+")
_NUMBER_SIGN = re.compile(r"№\s*")


def normalize_name(value: str | None) -> str:
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).lower().replace("ё", "е")
    value = _QUOTES.sub(" ", value)
    value = _NUMBER_SIGN.sub("№", value)
    value = value.replace("\u00a0", " ")
    return _SPACES.sub(" ", value).strip()
