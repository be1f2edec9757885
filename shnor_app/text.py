"""Text rules: the one cleaning of every text that comes in, and normalisation for search.

``clean_text`` is applied once on the way in — to every text field of every form (the
application's base form binds it as a filter), to hand-parsed forms, to query-string arguments
and to every cell of an import — and again when a document is written, for rows stored before
the rule existed:

* line breaks of every kind become ``\n``: CR LF and a lone CR, Word's soft line break
  (``\x0b``, which pasted text and .docx cells carry), form feed (a page break), NEL and the
  Unicode line/paragraph separators;
* every other control character is removed: C0 except TAB and LF (NUL among them, which
  PostgreSQL refuses in text), DEL, C1, the non-characters U+FFFE/U+FFFF and lone surrogates
  (none of them can be written into XML — .xlsx and .docx are XML — nor has meaning in a text).

``normalize_name`` folds case (Cyrillic included — SQLite's lower() does not), ё → е, quotes of
every kind, «№ 3» → «№3», and runs of spaces, so that «МБОУ "СОШ № 3"» and «мбоу сош №3» meet.
"""
from __future__ import annotations

import re
import unicodedata

# Anything clean_text changes; text without it (nearly all) is returned as it is.
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(value):
    """``value`` with line breaks made ``\n`` and control characters removed (see the module's
    docstring); anything that is not a string (None, a number, a date) is returned unchanged."""
    if not isinstance(value, str) or not _UNCLEAN.search(value):
        return value
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", value))


_ROW_BREAK = re.compile("\r\n?|[\x0c\x85]")


def clean_pasted_table(value):
    """A table pasted from Word or Excel (tab-separated, one row a line), cleaned as
    ``clean_text`` does except for Word's soft line break: it stays inside its cell as U+2028,
    which ``clean_text`` makes a newline once the importer has split the table into cells — as
    a newline now, it would start a new row."""
    if not isinstance(value, str) or not _UNCLEAN.search(value):
        return value
    return _CONTROL.sub("", _ROW_BREAK.sub("\n", value).replace("\x0b", "\u2028"))


_QUOTES = re.compile(r"[\"'«»„“”‘’`]")
_SPACES = re.compile(r"\s+")
_NUMBER_SIGN = re.compile(r"№\s*")


_DIGITS = re.compile(r"\d+")


def natural_key(value: str | None) -> str:
    """A text that sorts names as people read them: «СОШ № 3» before «СОШ № 12», case and ё
    ignored. Numbers are zero-padded to ten digits inside the normalised name, so the key sorts
    the same way in Python, SQLite and PostgreSQL (a byte-wise comparison of digits and letters
    suffices; the Cyrillic letters are compared as text)."""
    return _DIGITS.sub(lambda m: m.group().lstrip("0").rjust(10, "0"), normalize_name(value))[:300]


def normalize_name(value: str | None) -> str:
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).lower().replace("ё", "е")
    value = _QUOTES.sub(" ", value)
    value = _NUMBER_SIGN.sub("№", value)
    value = value.replace("\u00a0", " ")
    return _SPACES.sub(" ", value).strip()
