"""Assessment results: import from .xlsx/.csv, the identification of low-result schools over
the database, and the approval of the identified list as next year's ШНОР statuses.

Import (:func:`parse_file` → :func:`match_rows` → :func:`save_rows`, or :func:`import_file`
for all three):

* .xlsx (the first sheet with the header) or .csv in UTF-8 (with or without BOM) or
  Windows-1251, separated by semicolons, commas or tabs, read and bounded by
  :mod:`shnor_app.services.spreadsheets`; the header row may sit below a title and is found by
  its names;
* Russian headers in any order, recognised by their words («Школа», «Код», «Год»,
  «Процедура», «Предмет», «Класс», «Участников», «Доля «2», %», «Доля «5», %», «Средний
  балл»); unknown columns are reported and skipped;
* numbers with a decimal comma or point, «%» and spaces allowed; empty cells are «unknown»;
  a percentage-formatted Excel cell (0.345 shown as 34,5%) is read as 34.5;
* schools are matched by code, or by name ignoring case, spacing, quotes and «№» spacing, among
  the schools of the chosen municipality (or of the region / the whole system);
* all or nothing: any row error and nothing is saved. Rows are numbered as in the spreadsheet.
  A row for a school, year, procedure, subject and grade that is already stored updates it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...formatting import count_words, fmt_order
from ...models import (
    AssessmentResult, IdentificationApproval, Municipality, OrderKind, Organization, OrgKind,
    Procedure, SchoolStatus, SchoolStatusRecord, User,
)
from ...text import normalize_name
from .. import spreadsheets
from ..errors import ServiceError, transactional
from ..identifiers import FIS_OKO_LOGIN_RE
from ..records import all_or_nothing
from .identification import (
    MIN_PROCEDURES, THRESHOLD, ProcedureResult, Verdict, identify, is_over_threshold,
)

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "procedure": "Процедура", "subject": "Предмет", "grade": "Класс",
    "participants": "Участников", "share_2": "Доля «2», %", "share_5": "Доля «5», %",
    "mean_score": "Средний балл", "status_year": "Год статуса", "org_ids": "Школы",
    "approved_by_id": "Утвердил",
}


class AssessmentError(ServiceError):
    """The file cannot be read at all (not a row problem); the message is Russian."""


# --------------------------------------------------------------------------- columns

COLUMNS = {  # key → the header as the template writes it
    "school": "Школа", "code": "Код", "year": "Год", "procedure": "Процедура",
    "subject": "Предмет", "grade": "Класс", "participants": "Участников",
    "share_2": "Доля «2», %", "share_5": "Доля «5», %", "mean_score": "Средний балл",
}
TEMPLATE_ORDER = ["school", "code", "year", "procedure", "subject", "grade", "participants",
                  "share_2", "share_5", "mean_score"]
REQUIRED = ("year", "procedure", "subject")

_HEADER_CLEAN = re.compile(r"[\"'«»„“”‘’`%,.:;()\[\]/\\*№-]+")


def header_key(text) -> str | None:
    """Which column a header names, or None («Доля «2», %» → "share_2")."""
    h = _HEADER_CLEAN.sub(" ", str(text or "").lower().replace("ё", "е"))
    h = " ".join(h.split())
    if not h:
        return None
    if re.match(r"(доля|процент) (2|двоек|неудовлетворит)", h) or "не преодол" in h \
            or "не прошедш" in h or h in ("2", "на 2", "отметка 2"):
        return "share_2"
    if re.match(r"(доля|процент) (5|пятерок|отличн)", h) or h in ("5", "на 5", "отметка 5"):
        return "share_5"
    if h.startswith("средн") or h.startswith("ср балл"):
        return "mean_score"
    if "участ" in h or h.startswith("кол") or h.startswith("число"):
        return "participants"
    if h.startswith("класс") or h.startswith("параллел"):
        return "grade"
    if "предмет" in h:
        return "subject"
    if "процедур" in h or h in ("вид", "оценка", "форма"):
        return "procedure"
    if h.startswith("год") or h.startswith("учебный год"):
        return "year"
    if h.startswith("код") or h.startswith("логин"):
        return "code"
    if h.startswith("школ") or h in ("оо", "оу", "ou") or "организац" in h \
            or h.startswith("наименован") or h.startswith("учрежден"):
        return "school"
    return None


# --------------------------------------------------------------------------- reading files


@dataclass
class RawTable:
    columns: dict[str, int]            # key → index
    rows: list[tuple[int, list]]       # (row number as in the file, cells)
    ignored: list[str] = field(default_factory=list)


def _is_header(columns) -> bool:
    return len(columns) >= 3 and ("school" in columns or "code" in columns)


HEADER = spreadsheets.HeaderSpec(
    key=header_key, accept=_is_header, required={k: COLUMNS[k] for k in REQUIRED},
    not_found="Не найдена строка заголовков: нужны столбцы «Школа» (или «Код»), «Год», "
              "«Процедура», «Предмет», «Класс», «Доля «2», %». Скачайте шаблон и заполните его.",
    missing=lambda labels: ("В таблице нет обязательных столбцов: "
                            + ", ".join(f"«{m}»" for m in labels)
                            + ". Скачайте шаблон, чтобы увидеть нужные заголовки."))


def parse_file(filename: str, data: bytes) -> RawTable:
    """The rows under the header (see :mod:`shnor_app.services.spreadsheets` for the formats
    and the bounds); :class:`AssessmentError` for a file that cannot be read."""
    table = spreadsheets.read_table(filename, data, header=HEADER, percent_as_shown=True,
                                    error=AssessmentError)
    header = table.header
    return RawTable(header.columns, [(row.number, row.cells) for row in table.below_header()],
                    header.ignored)


# --------------------------------------------------------------------------- values


def parse_number(value) -> float | None:
    """«34,5», «34.5 %», «1 234», 34.5 → float; empty → None; anything else → ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).replace("\u00a0", "").replace(" ", "").strip().rstrip("%").strip()
    if text in ("", "-", "—", "–", "н/д", "нет"):
        return None
    return float(text.replace(",", "."))


def parse_year(value) -> int:
    """2023, «2023», «2022-2023», «2022/2023 уч. год» → 2023 (the spring of the school year)."""
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", str(value if value is not None else ""))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        years = [str(int(value))]
    if not years:
        raise ValueError(value)
    year = max(int(y) for y in years)
    if not 2000 <= year <= 2100:
        raise ValueError(value)
    return year


_PROCEDURES = {"впр": Procedure.VPR, "огэ": Procedure.OGE, "егэ": Procedure.EGE,
               "гиа-9": Procedure.OGE, "гиа9": Procedure.OGE, "гиа-11": Procedure.EGE,
               "гиа11": Procedure.EGE}


def parse_procedure(value) -> Procedure:
    key = " ".join(str(value or "").lower().split())
    if key in _PROCEDURES:
        return _PROCEDURES[key]
    for word, proc in _PROCEDURES.items():
        if re.search(r"(?<![а-я])" + re.escape(word) + r"(?![а-я])", key):
            return proc
    raise ValueError(value)


def parse_grade(value, procedure: Procedure | None) -> int:
    if value is None or str(value).strip() == "":
        if procedure == Procedure.OGE:
            return 9
        if procedure == Procedure.EGE:
            return 11
        raise ValueError(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        grade = int(value)
    else:
        m = re.search(r"\d+", str(value))
        if not m:
            raise ValueError(value)
        grade = int(m.group())
    if not 1 <= grade <= 11:
        raise ValueError(value)
    return grade


def clean_subject(value) -> str:
    text = " ".join(str(value or "").split())
    return text[:1].upper() + text[1:] if text else ""


_text = spreadsheets.one_line


# --------------------------------------------------------------------------- rows


@dataclass
class Row:
    row: int
    school: str = ""
    code: str = ""
    year: int | None = None
    procedure: Procedure | None = None
    subject: str = ""
    grade: int | None = None
    participants: int | None = None
    share_2: float | None = None
    share_5: float | None = None
    mean_score: float | None = None
    errors: list[str] = field(default_factory=list)
    org_id: int | None = None
    org_name: str = ""
    new_school: bool = False
    update: bool = False
    source_file: str | None = None
    points: dict | None = None            # pupils per total of primary points (per-pupil files)
    municipality_id: int | None = None    # where a new school goes (else the chosen one)
    region_id: int | None = None

    @property
    def key(self):
        return (self.org_id if self.org_id is not None else ("new", normalize_name(self.school)),
                self.year, self.procedure, self.subject.lower(), self.grade)


def _cell(cells: list, columns: dict, key: str):
    i = columns.get(key)
    if i is None or i >= len(cells):
        return None
    value = cells[i]
    if isinstance(value, str) and not value.strip():
        return None
    return value


def rows_from(table: RawTable) -> list[Row]:
    """Values of every non-empty row, with a Russian message for each bad cell."""
    out = []
    cols = table.columns
    for number, cells in table.rows:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        r = Row(row=number, school=_text(_cell(cells, cols, "school")),
                code=_text(_cell(cells, cols, "code")))
        if not r.school and not r.code:
            r.errors.append("Не указана школа (название или код).")
        try:
            r.year = parse_year(_cell(cells, cols, "year"))
        except ValueError:
            raw = _cell(cells, cols, "year")
            r.errors.append("Не указан год." if raw is None else
                            f"Год «{_text(raw)}» не распознан: укажите год, например 2024.")
        raw = _cell(cells, cols, "procedure")
        try:
            r.procedure = parse_procedure(raw)
        except ValueError:
            r.errors.append("Не указана процедура (ВПР, ОГЭ или ЕГЭ)." if raw is None else
                            f"Процедура «{_text(raw)}» не распознана: укажите ВПР, ОГЭ или ЕГЭ.")
        r.subject = clean_subject(_cell(cells, cols, "subject"))[:100]
        if not r.subject:
            r.errors.append("Не указан предмет.")
        raw = _cell(cells, cols, "grade")
        try:
            r.grade = parse_grade(raw, r.procedure)
        except ValueError:
            r.errors.append("Не указан класс." if raw is None else
                            f"Класс «{_text(raw)}» не распознан: укажите число от 1 до 11.")
        for key, low, high in (("participants", 0, 100_000), ("share_2", 0, 100),
                               ("share_5", 0, 100), ("mean_score", 0, 100)):
            raw = _cell(cells, cols, key)
            try:
                value = parse_number(raw)
            except ValueError:
                r.errors.append(f"«{COLUMNS[key]}»: «{_text(raw)}» — не число.")
                continue
            if value is not None and not low <= value <= high:
                r.errors.append(f"«{COLUMNS[key]}»: {_text(raw)} — значение должно быть "
                                f"от {low} до {high}.")
                continue
            if key == "participants" and value is not None:
                if value != int(value):
                    r.errors.append(f"«{COLUMNS[key]}»: {_text(raw)} — нужно целое число.")
                    continue
                value = int(value)
            setattr(r, key, value)
        if r.share_2 is not None and r.share_5 is not None and r.share_2 + r.share_5 > 100.001:
            r.errors.append("Сумма долей «2» и «5» больше 100%.")
        out.append(r)
    return out


# --------------------------------------------------------------------------- matching


def name_key(name: str | None) -> str:
    """Spacing, case, quotes and «№» spacing do not matter: «МБОУ "СОШ №3"» = «мбоу сош № 3»."""
    return normalize_name(name).replace(" ", "")


class SchoolMatcher:
    """Schools of one scope (a municipality, a region, or everything) by code and by name."""

    def __init__(self, municipality_id: int | None = None, region_id: int | None = None):
        stmt = select(Organization).where(Organization.kind == OrgKind.SCHOOL,
                                          Organization.deleted_at.is_(None))
        if municipality_id:
            stmt = stmt.where(Organization.municipality_id == municipality_id)
        elif region_id:
            stmt = stmt.where(Organization.region_id == region_id)
        self.by_name: dict[str, list[Organization]] = {}
        self.by_code: dict[str, list[Organization]] = {}
        for org in db.session.scalars(stmt):
            for name in {name_key(org.short_name), name_key(org.full_name)} - {""}:
                self.by_name.setdefault(name, []).append(org)
            if org.code:
                self.by_code.setdefault(org.code.strip().lower(), []).append(org)

    def match(self, name: str, code: str) -> tuple[Organization | None, str | None]:
        """(school, None) or (None, the Russian reason)."""
        if code:
            found = self.by_code.get(code.strip().lower(), [])
            if len(found) == 1:
                return found[0], None
            if len(found) > 1:
                return None, f"Код «{code}» есть у нескольких школ."
            if not name:
                return None, f"Школа с кодом «{code}» не найдена."
        found = list({o.id: o for o in self.by_name.get(name_key(name), [])}.values())
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, (f"Школ с названием «{name}» несколько — укажите код школы "
                          "или выберите муниципалитет.")
        return None, f"Школа «{name}» не найдена в реестре."


def match_rows(rows: list[Row], *, municipality: Municipality | None = None,
               region_id: int | None = None, create_missing: bool = False) -> list[Row]:
    matcher = SchoolMatcher(municipality.id if municipality else None, region_id)
    for r in rows:
        if not r.school and not r.code:
            continue
        org, problem = matcher.match(r.school, r.code)
        if org is not None:
            r.org_id, r.org_name = org.id, org.short_name
        elif create_missing and municipality is not None and r.school and \
                not problem.startswith(("Код", "Школ с названием")):
            r.new_school, r.org_name = True, r.school
        else:
            r.errors.append(problem)
    return finish_rows(rows)


def finish_rows(rows: list[Row]) -> list[Row]:
    """Repeated rows are errors; the rows already stored are marked as updates."""
    seen: dict[tuple, int] = {}
    for r in rows:
        if r.errors:
            continue
        if r.key in seen:
            r.errors.append(f"Повтор строки {seen[r.key]}: та же школа, год, процедура, предмет "
                            "и класс.")
        else:
            seen[r.key] = r.row
    existing = _existing(rows)
    for r in rows:
        if r.org_id is not None and not r.errors:
            r.update = (r.org_id, r.year, r.procedure, r.subject.lower(), r.grade) in existing
    return rows


def _existing(rows: list[Row]) -> dict[tuple, AssessmentResult]:
    org_ids = {r.org_id for r in rows if r.org_id is not None}
    years = {r.year for r in rows if r.year is not None}
    if not org_ids or not years:
        return {}
    found = db.session.scalars(select(AssessmentResult).where(
        AssessmentResult.organization_id.in_(org_ids), AssessmentResult.year.in_(years)))
    return {(a.organization_id, a.year, a.procedure, a.subject.lower(), a.grade): a
            for a in found}


# --------------------------------------------------------------------------- saving


@dataclass
class ImportResult:
    rows: list[Row]
    imported: int = 0
    created_schools: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    saved: bool = False
    file_errors: list[dict] = field(default_factory=list)  # per-pupil rows, layout questions
    per_pupil: bool = False
    stated: object = None

    @property
    def errors(self) -> list[dict]:
        out = list(self.file_errors) + [{"row": r.row, "message": m}
                                        for r in self.rows for m in r.errors]
        return sorted(out, key=lambda e: e["row"])

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if not r.errors and not r.update)

    @property
    def update_count(self) -> int:
        return sum(1 for r in self.rows if not r.errors and r.update)

    def as_json(self) -> dict:
        """The CLI's ``--json`` shape: scripts depend on it."""
        return {"imported": self.imported, "created_schools": self.created_schools,
                "errors": self.errors}


def save_rows(rows: list[Row], *, municipality: Municipality | None = None,
              by: User | None = None, commit: bool = True) -> tuple[int, int]:
    """Write all rows in one transaction (the caller has checked there are no errors);
    ``commit=False`` leaves the transaction open for the caller's other files."""
    if any(r.errors for r in rows):
        raise AssessmentError("В файле есть ошибки — ничего не сохранено.")
    created: dict[tuple, Organization] = {}
    existing = _existing(rows)
    count = 0
    with all_or_nothing(commit):
        for r in rows:
            if r.new_school:
                muni_id = r.municipality_id or municipality.id
                key = (muni_id, name_key(r.school))
                if key not in created:
                    org = Organization(kind=OrgKind.SCHOOL, short_name=r.school[:200],
                                       full_name=r.school[:500], code=r.code or None,
                                       municipality_id=muni_id,
                                       region_id=r.region_id or municipality.region_id,
                                       created_by_id=getattr(by, "id", None))
                    if r.code and FIS_OKO_LOGIN_RE.match(r.code.lower()):
                        org.fis_oko_login, org.code = r.code.lower(), None
                    db.session.add(org)
                    db.session.flush()
                    created[key] = org
                r.org_id = created[key].id
            result = existing.get((r.org_id, r.year, r.procedure, r.subject.lower(), r.grade))
            if result is None:
                result = AssessmentResult(organization_id=r.org_id, year=r.year,
                                          procedure=r.procedure, subject=r.subject,
                                          grade=r.grade, created_by_id=getattr(by, "id", None))
                db.session.add(result)
            result.participants = r.participants
            result.share_2 = r.share_2
            result.share_5 = r.share_5
            result.mean_score = r.mean_score
            result.source_file = r.source_file
            result.points = r.points
            count += 1
    return count, len(created)


def import_file(filename: str, data: bytes, *, municipality: Municipality | None = None,
                region_id: int | None = None, create_missing: bool = False,
                by: User | None = None, dry_run: bool = False, stated=None,
                commit: bool = True) -> ImportResult:
    """Read, check and (unless ``dry_run`` or a row is wrong) save. Raises AssessmentError
    when the file itself cannot be read.

    A per-pupil ФИС ОКО download (:mod:`.fisoko`) needs ``stated`` — its year, subject and
    grade; an aggregated table carries them in its columns."""
    from . import fisoko

    if stated is not None or fisoko.is_per_pupil(filename, data):
        if stated is None:
            raise AssessmentError(
                "Это выгрузка ФИС ОКО по обучающимся: укажите год, предмет и класс файла.")
        return _import_pupils(filename, data, stated, municipality=municipality,
                              region_id=region_id, create_missing=create_missing, by=by,
                              dry_run=dry_run, commit=commit)
    table = parse_file(filename, data)
    rows = match_rows(rows_from(table), municipality=municipality, region_id=region_id,
                      create_missing=create_missing)
    for r in rows:
        r.source_file = (filename or "")[:255] or None
    result = ImportResult(rows, ignored_columns=table.ignored)
    if not rows:
        raise AssessmentError("В файле нет строк с результатами под заголовком.")
    if result.errors or dry_run:
        return result
    result.imported, result.created_schools = save_rows(rows, municipality=municipality, by=by,
                                                        commit=False)
    _audit(filename, result, by)
    if commit:
        db.session.commit()
    result.saved = True
    return result


def _audit(filename: str, result: ImportResult, by) -> None:
    from .. import tabular

    tabular.audit_import("Импорт результатов оценочных процедур", filename, {
        "записано": result.imported, "новых": result.new_count,
        "обновлено": result.update_count, "создано школ": result.created_schools},
        object_type="assessment_results")


def _import_pupils(filename, data, stated, *, municipality, region_id, create_missing, by,
                   dry_run, commit) -> ImportResult:
    from . import fisoko

    pupils = fisoko.read(filename, data, stated)
    if not pupils.groups:
        raise AssessmentError("В файле нет строк обучающихся под заголовком.")
    if pupils.questions:  # what the file is comes first: no scale is asked for a wrong guess
        return ImportResult([], file_errors=[{"row": 0, "message": q} for q in pupils.questions],
                            per_pupil=True, stated=stated)
    rows = finish_rows(fisoko.to_rows(pupils, stated, filename, municipality=municipality,
                                      region_id=region_id, create_missing=create_missing))
    file_errors = [{"row": 0, "message": q} for q in pupils.questions] + pupils.errors
    result = ImportResult(rows, ignored_columns=[], file_errors=file_errors, per_pupil=True,
                          stated=stated)
    if result.errors or dry_run:
        return result
    with all_or_nothing(commit):
        result.imported, result.created_schools = save_rows(
            rows, municipality=municipality, by=by, commit=False)
        scale = fisoko.find_scale(stated)
        if scale is not None and scale.tasks is None and pupils.tasks:
            scale.tasks = pupils.tasks  # the year's files are known to have this many tasks
        _audit(filename, result, by)
    result.saved = True
    return result


def template_xlsx() -> bytes:
    """The import template: the header row, widths, and a sheet of instructions."""
    from .. import exports

    wb = exports.workbook()
    ws = exports.sheet(wb, "Результаты", (40, 10, 8, 12, 24, 8, 12, 12, 12, 13), first=True)
    exports.append(ws, [COLUMNS[k] for k in TEMPLATE_ORDER], bold=True)
    ws.freeze_panes = "A2"
    help_ws = exports.sheet(wb, "Как заполнять", [110])
    for line in TEMPLATE_HELP:
        exports.append(help_ws, [line])
    return exports.save(wb)


TEMPLATE_HELP = [
    "Одна строка — одна процедура школы: процедура + предмет + класс за год.",
    "Школа — краткое или полное наименование, как в реестре (регистр, пробелы, кавычки и пробел "
    "после «№» не важны); можно указать код школы вместо названия.",
    "Год — год проведения процедуры (для «2023-2024 учебный год» — 2024).",
    "Процедура — ВПР, ОГЭ или ЕГЭ. Класс — число (для ОГЭ по умолчанию 9, для ЕГЭ — 11).",
    "Доля «2», % — для ВПР доля отметок «2», для ОГЭ и ЕГЭ — доля не преодолевших минимальный "
    "порог. Дробная часть — через запятую или точку.",
    "Пустая ячейка означает «нет данных». Столбцы можно переставлять; лишние столбцы пропускаются.",
    "Файл сохраняется целиком или не сохраняется вовсе: строки с ошибками покажет предпросмотр.",
]


# --------------------------------------------------------------------------- identification


@dataclass
class SchoolVerdict:
    org: Organization
    verdict: Verdict
    has_status: bool = False        # already ШНОР in the status year


@dataclass
class FlaggedSchool:
    """A school on the rule's list, as the approval form shows it."""
    org: Organization | SchoolName
    has_status: bool = False


@dataclass(frozen=True)
class SchoolName:
    """What the approval form shows of a school: its id and name (no ORM object)."""
    id: int
    short_name: str


def flagged_schools(schools_stmt, approved_ids: set[int]) -> list[FlaggedSchool]:
    """The schools of ``schools_stmt`` (a select of organisations, in order) as the approval
    form lists them, read as two columns: a region's list is a hundred schools and more."""
    return [FlaggedSchool(SchoolName(org_id, name), org_id in approved_ids)
            for org_id, name in db.session.execute(schools_stmt.with_only_columns(
                Organization.id, Organization.short_name))]


_LABELS = {p: p.label for p in Procedure}


def procedure_results(org_ids, year: int) -> dict[int, list[ProcedureResult]]:
    """The results of some schools in a year as plain values (no ORM objects), one query."""
    out: dict[int, list[ProcedureResult]] = {}
    if not org_ids:
        return out
    ar = AssessmentResult
    rows = db.session.execute(
        select(ar.organization_id, ar.procedure, ar.subject, ar.grade, ar.share_2,
               ar.participants)
        .where(ar.organization_id.in_(list(org_ids)), ar.year == year)
        .order_by(ar.procedure, ar.grade, ar.subject))
    for org_id, proc, subject, grade, share_2, participants in rows:
        out.setdefault(org_id, []).append(
            ProcedureResult(_LABELS[proc], subject, grade, share_2, participants))
    return out


def approved_school_ids(org_ids, year: int) -> set[int]:
    """Schools (of ``org_ids``: ids or a select) that already carry the ШНОР status for the
    year after ``year`` — the status an approval of ``year``'s list gives."""
    if isinstance(org_ids, (list, set, tuple)):
        org_ids = list(org_ids) or [-1]
    return set(db.session.scalars(select(SchoolStatusRecord.organization_id).where(
        SchoolStatusRecord.organization_id.in_(org_ids),
        SchoolStatusRecord.year == year + 1, SchoolStatusRecord.status == SchoolStatus.LOW_RESULTS,
        SchoolStatusRecord.deleted_at.is_(None))))


def identification(schools: list[Organization], year: int) -> list[SchoolVerdict]:
    """The rule applied to every school given (two queries whatever their number)."""
    ids = [s.id for s in schools]
    results = procedure_results(ids, year)
    with_status = approved_school_ids(ids, year)
    return [SchoolVerdict(s, identify(results.get(s.id, [])), s.id in with_status)
            for s in schools]


def flagged_school_ids(org_ids_stmt, year: int) -> set[int]:
    """The schools (of a select of ids) the rule puts on the list, without loading their
    results: SQL returns only the results at the threshold or over it (a few per school), and
    the rule's key «процедура + предмет + класс» is normalised here exactly as
    :func:`services.identification.identify` does (Python's ``lower()`` knows Cyrillic, SQLite's
    does not). A key counts when any counted result of it is over the threshold — what
    ``identify`` decides by keeping the worse share.
    """
    ar = AssessmentResult
    rows = db.session.execute(
        select(ar.organization_id, ar.procedure, ar.subject, ar.grade, ar.share_2)
        .where(ar.organization_id.in_(org_ids_stmt), ar.year == year,
               ar.share_2 >= THRESHOLD - 0.001,  # superset; is_over_threshold decides below
               or_(ar.participants.is_(None), ar.participants != 0)))
    keys: dict[int, set] = {}
    for org_id, proc, subject, grade, share_2 in rows:
        if is_over_threshold(share_2):
            keys.setdefault(org_id, set()).add((proc, subject.strip().lower(), grade))
    return {org_id for org_id, k in keys.items() if len(k) >= MIN_PROCEDURES}


def identification_xlsx(schools_stmt, year: int, *, title: str, chunk: int = 200) -> bytes:
    """The identification of every school of ``schools_stmt`` (a select of organisations, in
    order) as a workbook: the rule is applied ``chunk`` schools at a time and each row written
    at once, so a region's list never sits in memory as objects."""
    from .. import exports
    from .identification import fmt_share

    wb = exports.workbook(write_only=True)
    ws = exports.sheet(wb, "Выявление ШНОР", [45, 25, 0, 0, 0, 60, 0, 80])
    exports.append(ws, [title], bold=True, size=13)
    exports.append(ws, (
        "Школа", "Муниципалитет", "Процедур с данными",
        f"Процедур с долей «2» {fmt_share(THRESHOLD)} и более",
        "Итог по правилу", "Почему", f"Статус ШНОР на {year + 1} год утверждён",
        "Процедуры (доля «2» / не преодолевших порог)"))
    ids = list(db.session.scalars(schools_stmt.with_only_columns(Organization.id)))
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        orgs = {o.id: o for o in db.session.scalars(
            select(Organization).where(Organization.id.in_(part)))}
        results = procedure_results(part, year)
        approved = approved_school_ids(part, year)
        for org_id in part:
            org, verdict = orgs[org_id], identify(results.get(org_id, []))
            exports.append(ws, [
                org.short_name, org.municipality.name if org.municipality else "",
                verdict.counted, len(verdict.over),
                "относится к ШНОР" if verdict.flagged else "не относится", verdict.reason,
                "да" if org_id in approved else "",
                "; ".join(f"{p.label} — {fmt_share(p.share_2) if p.counted else 'нет данных'}"
                          for p in verdict.procedures)])
    return exports.save(wb)


def years_with_results(org_ids_stmt) -> list[int]:
    """The years (newest first) in which any school of ``org_ids_stmt`` has results: each of
    the few years of the table asked whether it has a result of those schools, not every result
    of a region's schools read to find their years."""
    ar, years = aliased(AssessmentResult), select(AssessmentResult.year).distinct().subquery()
    return list(db.session.scalars(select(years.c.year).where(exists().where(
        ar.year == years.c.year, ar.organization_id.in_(org_ids_stmt)))
        .order_by(years.c.year.desc())))


# --------------------------------------------------------------------------- approval


@transactional
def approve_list(orgs: list[Organization], *, year: int, order_kind: OrderKind,
                 order_number: str, order_date: date | None, by: User,
                 municipality: Municipality | None, region_id: int) -> IdentificationApproval:
    """The approved list becomes the schools' ШНОР statuses for ``year + 1``.

    Written once: a school that already has the ШНОР status for that year is left as it is, and
    when every school already has it the approval is refused. One transaction, audited.
    """
    order_number = (order_number or "").strip()
    if not order_number or order_date is None or order_kind is None:
        raise AssessmentError("Укажите реквизиты приказа: вид документа, номер и дату.")
    if not orgs:
        raise AssessmentError("Отметьте хотя бы одну школу.")
    status_year = year + 1
    if order_date.year > status_year + 1 or order_date.year < year:
        raise AssessmentError(f"Дата приказа должна относиться к {year}–{status_year} годам.")
    have = set(db.session.scalars(select(SchoolStatusRecord.organization_id).where(
        SchoolStatusRecord.organization_id.in_([o.id for o in orgs]),
        SchoolStatusRecord.year == status_year,
        SchoolStatusRecord.status == SchoolStatus.LOW_RESULTS,
        SchoolStatusRecord.deleted_at.is_(None))))
    new = [o for o in orgs if o.id not in have]
    if not new:
        raise AssessmentError(
            f"Список уже утверждён: у всех отмеченных школ есть статус ШНОР на {status_year} год.")
    approval = IdentificationApproval(
        year=year, status_year=status_year, region_id=region_id,
        municipality_id=municipality.id if municipality else None, order_kind=order_kind,
        order_number=order_number, order_date=order_date, org_ids=[o.id for o in new],
        approved_by_id=by.id, created_by_id=by.id)
    db.session.add(approval)
    note = f"Выявлена по результатам оценочных процедур {year} года (федеральная методика)."
    for org in new:
        db.session.add(SchoolStatusRecord(
            organization_id=org.id, year=status_year, status=SchoolStatus.LOW_RESULTS,
            order_kind=order_kind, order_number=order_number, order_date=order_date,
            note=note, created_by_id=by.id))
    db.session.commit()
    return approval


@dataclass(frozen=True)
class ApprovalLine:
    """What the identification lists of an approval."""
    id: int
    description: str
    municipality_id: int | None
    municipality: str | None
    approved_by: str | None
    created_at: object


def approval_lines(scope, year: int) -> list[ApprovalLine]:
    """The approvals of ``year`` among ``scope`` (a select of IdentificationApproval filtered to
    what the user sees: ``policy.scope_query``), newest first — in one query of columns (the
    approvals with their joined territories and authors cost a third of a kept page)."""
    A = IdentificationApproval
    stmt = scope.with_only_columns(
        A.id, A.order_kind, A.order_number, A.order_date, A.org_ids, A.status_year,
        A.municipality_id, Municipality.name, User.full_name, A.created_at) \
        .outerjoin(Municipality, Municipality.id == A.municipality_id) \
        .outerjoin(User, User.id == A.approved_by_id) \
        .where(A.year == year).order_by(A.id.desc())
    return [ApprovalLine(id=r.id, description=_describe(
                fmt_order(r.order_kind, r.order_number, r.order_date), r.org_ids,
                r.status_year),
            municipality_id=r.municipality_id, municipality=r.name,
            approved_by=r.full_name, created_at=r.created_at)
            for r in db.session.execute(stmt)]


def _describe(basis: str, org_ids, status_year: int) -> str:
    n = len(org_ids or [])
    return (f"{basis}: {count_words(n, 'школа получила', 'школы получили', 'школ получили')}"
            f" статус ШНОР на {status_year} год")


def describe_approval(approval: IdentificationApproval) -> str:
    return _describe(approval.basis, approval.org_ids, approval.status_year)


# --------------------------------------------------------------------------- several files


@dataclass
class FileCheck:
    """One file of an import of several: its result, or why it cannot be read."""
    filename: str
    result: ImportResult | None = None
    error: str | None = None
    per_pupil: bool = False
    stated: object = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None and not self.result.errors


def import_files(files, *, municipality: Municipality | None = None,
                 region_id: int | None = None, create_missing: bool = False,
                 by: User | None = None, dry_run: bool = False) -> list[FileCheck]:
    """Check several files — ``(filename, data, stated or None)`` — and, unless ``dry_run`` or
    any file has an error, save them all in one transaction (all files or none)."""
    from . import fisoko

    checks = []
    for filename, data, stated in files:
        check = FileCheck(filename, stated=stated)
        try:
            check.per_pupil = stated is not None or fisoko.is_per_pupil(filename, data)
            if check.per_pupil and stated is None:
                raise AssessmentError("Это выгрузка ФИС ОКО по обучающимся: укажите год, предмет "
                                      "и класс файла и проверьте его снова.")
            check.result = import_file(filename, data, municipality=municipality,
                                       region_id=region_id, create_missing=create_missing,
                                       by=by, dry_run=True, stated=stated)
        except AssessmentError as err:
            check.error = err.message
        checks.append(check)
    if dry_run or not all(c.ok for c in checks):
        return checks
    try:
        for check, (filename, data, stated) in zip(checks, files):
            check.result = import_file(filename, data, municipality=municipality,
                                       region_id=region_id, create_missing=create_missing,
                                       by=by, stated=stated, commit=False)
            if not check.result.saved:  # changed by an earlier file of the same import
                raise AssessmentError(f"Файл «{filename}»: после предыдущих файлов в нём "
                                      "появились ошибки — ничего не сохранено.")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return checks
