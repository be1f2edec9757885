"""What every import of a table shares after the file is read: named columns, cell values, the
preview of what the import will do, and its one audit entry.

An import runs the same way whatever it reads (the registry, staff lists, course certificates,
assessment downloads):

1. :func:`shnor_app.services.spreadsheets.read_table` reads the bytes (.xlsx, or CSV in UTF-8
   or Windows-1251 with a comma, semicolon or tab — sniffed) and finds the header row by a
   :class:`~shnor_app.services.spreadsheets.HeaderSpec`; :func:`header_fold` is the loose
   comparison of header texts (case, «ё», punctuation, line breaks and spaces ignored), so
   «Эл. почта», «эл.почта» and «Эл почта» are one column; :func:`aliases` builds the spec's
   ``key`` from a table of accepted names.
2. :func:`records` gives the rows under the header as :class:`Record` s — the row number as the
   spreadsheet shows it (the header's row is 1 when it is the first) and the cells by column
   key; empty rows are left out. :func:`text`, :func:`parse_date` and :func:`parse_number`
   read the cells.
3. The importer checks every row without writing and describes each in an :class:`Outcome`:
   new, changed (each change before → after), unchanged, skipped, or an error (Russian
   messages). A :class:`Preview` holds them with the counts; :meth:`Preview.page` gives one
   page of the preview with the errors first, so a file of 50 000 rows is shown a page at a
   time (the template ``_import_preview.html`` renders it).
4. Saving is all or nothing: only a preview without errors is saved, in one transaction, with
   one audit entry (:func:`audit_import`) carrying the file name and the counts.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

from ..paging import Page, page_of
from .spreadsheets import Table, alias_key, fold, one_line

NEW, CHANGED, UNCHANGED, SKIPPED, ERROR = "new", "changed", "unchanged", "skipped", "error"
STATUS_LABELS = {NEW: "новая", CHANGED: "изменится", UNCHANGED: "без изменений",
                 SKIPPED: "пропущена", ERROR: "ошибка"}
_ORDER = {ERROR: 0, NEW: 1, CHANGED: 2, UNCHANGED: 3, SKIPPED: 4}

_PUNCTUATION = re.compile(r"[.,;:№#()\[\]/\\\-–—_«»\"'*]+")


def header_fold(value) -> str:
    """A header compared loosely: «Эл. почта» = «эл.почта» = «ЭЛ ПОЧТА»; «Дата приёма» =
    «Дата приема»; line breaks and repeated spaces are one space (:func:`spreadsheets.fold`,
    punctuation dropped too)."""
    return " ".join(_PUNCTUATION.sub(" ", fold(value)).split())


def aliases(table: Mapping[str, Iterable[str]]):
    """A ``HeaderSpec.key`` from key → accepted header names, compared by :func:`header_fold`."""
    return alias_key(table, normalise=header_fold)


@dataclass
class Record:
    number: int                 # the row as the spreadsheet shows it (header row = 1)
    values: dict[str, object]   # column key → the cell (str, number, date… or None)

    def get(self, key: str, default=None):
        return self.values.get(key, default)


def records(table: Table) -> list[Record]:
    """The rows under the header with their cells by key; rows with nothing in the known
    columns are left out."""
    header = table.header
    out = []
    for row in table.below_header():
        values = {key: (row.cells[i] if i < len(row.cells) else None)
                  for key, i in header.columns.items()}
        if all(text(v) == "" for v in values.values()):
            continue
        out.append(Record(row.number, values))
    return out


# --------------------------------------------------------------------------- cells


def text(value) -> str:
    """A cell as one line of text (:func:`~shnor_app.services.spreadsheets.one_line`:
    5720010403.0 → «5720010403», spaces collapsed); a date as «28.06.2024»."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return one_line(value)


_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:\s*г\.?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]*)?$")
EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value) -> date | None:
    """A date from a cell: an Excel date, its serial number (44958), «28.06.2024», «28.06.24»,
    «2024-06-28»; None for anything else (including a date that does not exist)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 120000 and float(value).is_integer():
            return EXCEL_EPOCH + timedelta(days=int(value))
        return None
    raw = text(value)
    if raw.isdigit() and 4 < len(raw) <= 6:
        return parse_date(int(raw))
    try:
        m = _DMY.match(raw)
        if m:
            d, mth, y = (int(g) for g in m.groups())
            return date(y + 2000 if y < 100 else y, mth, d)
        m = _YMD.match(raw)
        if m:
            return date(*(int(g) for g in m.groups()))
    except ValueError:
        return None
    return None


def parse_number(value) -> float | None:
    """A number from a cell: 12, 12.5, «12,5», «12 лет» → 12.0…; None when there is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    m = re.match(r"^\s*(\d+(?:[.,]\d+)?)", text(value))
    return float(m.group(1).replace(",", ".")) if m else None


# --------------------------------------------------------------------------- the preview


@dataclass
class Change:
    label: str    # the field's Russian name
    before: str
    after: str


@dataclass
class Outcome:
    """What the import does with one row (or one object made of rows)."""
    number: int | None           # the row in the file; None for an effect of the whole file
    status: str                  # NEW, CHANGED, UNCHANGED, SKIPPED or ERROR
    label: str = ""              # what the row is: an organisation's name, a person's name
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    note: str = ""               # a remark shown with the row (where it goes, why skipped)
    data: dict = field(default_factory=dict)  # importer's own: what the row needs to be saved

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def fail(self, message: str) -> "Outcome":
        self.errors.append(message)
        self.status = ERROR
        return self


@dataclass
class Preview:
    """Every row's outcome, and the counts an import reports."""
    outcomes: list[Outcome] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)  # not tied to a row
    extra: dict[str, int] = field(default_factory=dict)    # importer's own counts
    notes: list[str] = field(default_factory=list)         # remarks on the whole file

    def add(self, outcome: Outcome) -> Outcome:
        self.outcomes.append(outcome)
        return outcome

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in (NEW, CHANGED, UNCHANGED, SKIPPED, ERROR)}
        for o in self.outcomes:
            out[o.status] += 1
        return out

    @property
    def errors(self) -> list[tuple[int | None, str]]:
        """(row, message) for every problem, in the order of the file."""
        found = [(None, m) for m in self.file_errors]
        found += [(o.number, m) for o in self.outcomes for m in o.errors]
        return found

    def errors_json(self) -> list[dict]:
        return [{"row": n, "message": m} for n, m in self.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(o.errors for o in self.outcomes)

    @property
    def changes_anything(self) -> bool:
        return any(o.status in (NEW, CHANGED) for o in self.outcomes)

    def ordered(self) -> list[Outcome]:
        """Errors first, then new, changed, unchanged, skipped; the file's order within each."""
        return sorted(self.outcomes, key=lambda o: (_ORDER[o.status], o.number or 0))

    def page(self, page: int = 1, per_page: int = 100, status: str | None = None
             ) -> Page:
        """One page of :meth:`ordered` (of one status when ``status`` is given); a page past the
        end shows the last one."""
        rows = self.ordered()
        if status in _ORDER:
            rows = [o for o in rows if o.status == status]
        return page_of(rows, per_page, page)


    def to_json(self) -> dict:
        """The preview as plain JSON (what a page of it shows): each outcome's row, status,
        label, changes, errors, note and the plain values (text, numbers, flags) of its
        ``data`` — objects the importer keeps there for saving are left out."""
        return {"file_errors": list(self.file_errors), "extra": dict(self.extra),
                "notes": list(self.notes),
                "outcomes": [[o.number, o.status, o.label,
                              json.dumps([[c.label, c.before, c.after] for c in o.changes],
                                         ensure_ascii=False, separators=(",", ":")),
                              o.errors, o.note,
                              {k: v for k, v in o.data.items()
                               if isinstance(v, (str, int, float, bool)) or v is None}]
                             for o in self.outcomes]}

    @classmethod
    def from_json(cls, value: dict) -> "Preview":
        """A preview back from :meth:`to_json` — for showing it, not for saving. Each row's
        changes are read when it is shown (a page of 100 of a 27 000-row file)."""
        return cls(outcomes=[Outcome(n, status, label, _KeptChanges(changes), errors, note, data)
                             for n, status, label, changes, errors, note, data
                             in value["outcomes"]],
                   file_errors=list(value["file_errors"]), extra=dict(value["extra"]),
                   notes=list(value["notes"]))


class _KeptChanges(Sequence):
    """A row's changes kept as JSON text, read into :class:`Change` s when first shown."""
    __slots__ = ("_text", "_items")

    def __init__(self, text: str):
        self._text, self._items = text, None

    def _read(self) -> list[Change]:
        if self._items is None:
            self._items = [Change(*c) for c in json.loads(self._text)]
        return self._items

    def __getitem__(self, index):
        return self._read()[index]

    def __len__(self) -> int:
        return len(self._read())

    def __bool__(self) -> bool:
        return self._text != "[]"


@dataclass
class Saved:
    """What saving a checked file did: records created, updated, and left as they were (an
    import adds its own counts in a subclass)."""
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: Outcome, *, new: bool) -> None:
        """Count one row saved: a new record, or an existing one that changed or did not."""
        if new:
            self.created += 1
        elif outcome.status == CHANGED:
            self.updated += 1
        else:
            self.unchanged += 1


def assign_changed(record, values: Mapping) -> None:
    """Set on ``record`` the ``values`` (column → value) that differ from what it holds, so an
    unchanged column is not written (nor shown in the history) again."""
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)


def require_clean(checked, error: type) -> None:
    """Refuse to save a check of a file (a :class:`Preview`, a course import's result) that
    found errors: ``error`` (the area's ``ServiceError``) says nothing was saved."""
    if not checked.ok:
        raise error("В файле есть ошибки — ничего не сохранено. Исправьте их и загрузите "
                    "файл снова.")


def commit_import(preview: Preview, kind: str, filename: str, counts: Mapping[str, int], *,
                  object_type: str | None = None) -> None:
    """End the saving of a checked file: a file that changes nothing (the same file again)
    leaves nothing behind, not even a log; any other is committed with its one audit entry
    (:func:`audit_import`)."""
    from ..extensions import db

    db.session.flush()
    if not preview.changes_anything:
        db.session.rollback()
        return
    audit_import(kind, filename, counts, object_type=object_type)
    db.session.commit()


def audit_import(kind: str, filename: str, counts: Mapping[str, int], *,
                 object_type: str | None = None) -> None:
    """The import's one audit entry, written in the transaction that saves it (the caller
    commits): «Импорт реестра организаций: файл reestr.xml; новых 12, изменено 3, …»."""
    from ..extensions import db
    from ..models.audit import AuditAction, AuditEntry
    from .audit import client_address, current_actor
    from ..models.base import utcnow

    actor = current_actor()
    words = ", ".join(f"{label} {n}" for label, n in counts.items())
    db.session.execute(AuditEntry.__table__.insert(), [{
        "at": utcnow(), "user_id": getattr(actor, "id", None),
        "user_name": getattr(actor, "full_name", None), "address": client_address(),
        "action": AuditAction.IMPORT, "object_type": object_type, "object_id": None,
        "object_label": f"{kind}: {filename}"[:300], "changes": dict(counts),
        "message": f"{kind}: файл {filename}; {words}"}])
