"""Import of course results from .xlsx or .csv — parse, check every row, then save all or none.

Files come from institutes and schools as they are: Russian headers in any column order (a
title or empty rows above the header are skipped), CSV with commas, semicolons or tabs, in UTF-8
with or without BOM or in Windows-1251 — read by :mod:`shnor_app.services.spreadsheets`, which
also bounds the file (rows, columns, cell length, time). Recognised columns (by their header,
case and «ё» insensitive):

=====================  ==========================================================
ФИО (required)         «ФИО», «Ф.И.О.», «Фамилия, имя, отчество», «Педагог», «Слушатель»
школа (required)       «Школа», «ОО», «Образовательная организация», «Организация»
курс (required)        «Курс», «Название курса», «Программа», «Наименование программы»
часы                   «Часы», «Кол-во часов», «Количество часов», «Объём»
дата окончания (req.)  «Дата окончания», «Дата завершения», «Окончание», «Дата»
номер удостоверения    «Номер удостоверения», «№ удостоверения», «Удостоверение»
=====================  ==========================================================

:func:`parse_table` turns the bytes into :class:`ParsedRow` s (raw text per field, the row
number as the user sees it in the file) or raises :class:`ImportFileError` for a file that
cannot be read at all. :func:`check_rows` resolves every row — the school within the schools
the user may enroll for (by short or full name or code), the teacher by name within the school
(case, «ё/е», extra spaces ignored; two staff members with the same name are *ambiguous*), the
course in the catalogue the user sees (by title, and by hours when titles repeat), the date,
the hours, the certificate (unique per provider, also within the file) — and lists every
problem as a Russian message with its row number. :func:`apply` saves the checked rows in one
transaction, and only when no row has a problem: an existing enrollment of the teacher on the
course becomes «завершил» with the date and certificate, otherwise a new one is created.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ...extensions import db
from ...formatting import fmt_date, today
from ...models import Course, Enrollment, EnrollmentStatus, Organization, OrgKind, StaffMember
from ...text import normalize_name
from .. import spreadsheets, tabular
from ..errors import ServiceError

FIELDS = {
    "full_name": ("фио", "ф и о", "фамилия имя отчество", "фамилия имя отчество педагога",
                  "фио педагога", "фио слушателя", "педагог", "слушатель", "учитель",
                  "фамилия имя отчество слушателя"),
    "school": ("школа", "оо", "оу", "образовательная организация", "организация",
               "наименование оо", "место работы", "общеобразовательная организация"),
    "course": ("курс", "название курса", "наименование курса", "программа", "кпк",
               "наименование программы", "название программы", "тема курса",
               "дополнительная профессиональная программа"),
    "hours": ("часы", "часов", "кол во часов", "количество часов", "объем", "объем часов",
              "объем программы", "объем ч", "ч"),
    "completed_on": ("дата окончания", "дата завершения", "окончание", "дата",
                     "дата окончания обучения", "дата выдачи", "дата выдачи удостоверения"),
    "certificate": ("номер удостоверения", "удостоверение", "удостоверение №",
                    "регистрационный номер", "рег номер", "номер документа",
                    "удостоверения номер"),
}
REQUIRED = {"full_name": "ФИО", "school": "школа", "course": "курс",
            "completed_on": "дата окончания"}
_MAX_ROWS = 5000


class ImportFileError(ServiceError):
    """The file cannot be read as a table of results; the message is Russian."""


@dataclass
class ParsedRow:
    number: int                   # row number in the file (1-based, as Excel shows it)
    values: dict[str, object]     # field → raw cell value (str, or date/number from Excel)


@dataclass
class ParsedTable:
    rows: list[ParsedRow]
    columns: dict[str, str]       # field → header as written
    ignored: list[str]            # headers not recognised


def _header_key(value) -> str:
    text = normalize_name(str(value or ""))
    text = text.replace("№", " ").replace(".", " ").replace(",", " ").replace("-", " ")
    text = re.sub(r"[()/:]", " ", text)
    return " ".join(text.split())


HEADER = spreadsheets.HeaderSpec(
    key=spreadsheets.alias_key(FIELDS, normalise=_header_key), required=REQUIRED,
    not_found="Не найдена строка заголовков. Нужны столбцы: ФИО, школа, курс, дата окончания "
              "(и по возможности часы и номер удостоверения).")


def parse_table(filename: str, data: bytes) -> ParsedTable:
    """The rows under the header, or :class:`ImportFileError` for a file that cannot be read
    (see :mod:`shnor_app.services.spreadsheets` for the formats and the bounds)."""
    table = spreadsheets.read_table(filename, data, header=HEADER, error=ImportFileError)
    header = table.header
    out = []
    for row in table.below_header():
        values = {f: (row.cells[i] if i < len(row.cells) else None)
                  for f, i in header.columns.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        out.append(ParsedRow(row.number, values))
    if not out:
        raise ImportFileError("В таблице нет строк с данными.")
    if len(out) > _MAX_ROWS:
        raise ImportFileError(f"Слишком много строк ({len(out)}): не более {_MAX_ROWS} за раз.")
    return ParsedTable(out, dict(header.labels), header.ignored)


# --------------------------------------------------------------------------- values


_text = spreadsheets.one_line


_DATE_RE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:\s*г\.?)?$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")


def parse_date(value) -> date | None:
    """A date from a cell: Excel date, 15.03.2024, 15.03.24, 2024-03-15, Excel serial number."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number
            return date(1899, 12, 30) + timedelta(days=int(value))
        return None
    text = _text(value)
    try:
        m = _DATE_RE.match(text)
        if m:
            d, mth, y = (int(g) for g in m.groups())
            return date(y + 2000 if y < 100 else y, mth, d)
        m = _ISO_RE.match(text)
        if m:
            return date(*(int(g) for g in m.groups()))
    except ValueError:
        return None
    return None


def parse_hours(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and value > 0 else None
    text = _text(value).lower().replace("часов", "").replace("час", "").replace("ч.", "")
    text = text.strip(" .ч")
    return int(text) if text.isdigit() and int(text) > 0 else None


# --------------------------------------------------------------------------- checking


@dataclass
class RowResult:
    number: int
    full_name: str
    school_text: str
    course_text: str
    hours_text: str
    date_text: str
    certificate: str | None
    errors: list[str] = field(default_factory=list)
    school: Organization | None = None
    member: StaffMember | None = None
    course: Course | None = None
    completed_on: date | None = None
    existing: Enrollment | None = None

    @property
    def unchanged(self) -> bool:
        """Already recorded as the file says: saving it again changes nothing."""
        e = self.existing
        return e is not None and e.status == EnrollmentStatus.COMPLETED \
            and e.completed_on == self.completed_on and e.certificate_number == self.certificate

    @property
    def action(self) -> str:
        if self.errors:
            return "ошибка"
        if self.unchanged:
            return "уже записано"
        return "обновить запись" if self.existing is not None else "новая запись"


class CheckedRows:
    """What the checked rows of a file come to: ``errors`` as (row number, message), ``ok``
    when there are none. The file's result (a dataclass with ``rows``) takes it in."""

    rows: list

    @property
    def errors(self) -> list[tuple[int, str]]:
        return [(r.number, e) for r in self.rows for e in r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class CheckResult(CheckedRows):
    rows: list[RowResult]
    columns: dict[str, str]
    ignored: list[str]

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if not r.errors and r.existing is None)

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if not r.errors and r.existing is not None
                   and not r.unchanged)

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if not r.errors and r.unchanged)


class _Index:
    """Schools, staff and courses the user may use, loaded once for the whole file."""

    def __init__(self, schools: list[Organization], courses: list[Course]):
        self.schools: dict[str, list[Organization]] = {}
        for s in schools:
            for key in {normalize_name(s.short_name), normalize_name(s.full_name),
                        normalize_name(s.code or "")} - {""}:
                self.schools.setdefault(key, []).append(s)
        self.staff: dict[tuple[int, str], list[StaffMember]] = {}
        ids = [s.id for s in schools]
        if ids:
            for m in db.session.scalars(select(StaffMember).where(
                    StaffMember.organization_id.in_(ids), StaffMember.deleted_at.is_(None))):
                self.staff.setdefault((m.organization_id, normalize_name(m.full_name)), []).append(m)
        self.courses: dict[str, list[Course]] = {}
        for c in courses:
            self.courses.setdefault(normalize_name(c.title), []).append(c)

    def school(self, text: str) -> list[Organization]:
        found = self.schools.get(normalize_name(text), [])
        return list({s.id: s for s in found}.values())


def check_rows(table: ParsedTable, schools: list[Organization], courses: list[Course], *,
               on: date | None = None) -> CheckResult:
    """Resolve and check every row; nothing is written."""
    on = on or today()
    index = _Index(schools, courses)
    seen_certificates: dict[tuple[str, str], int] = {}
    seen_pairs: dict[tuple[int, int], int] = {}
    results = []
    for row in table.rows:
        v = row.values
        r = RowResult(row.number, _text(v.get("full_name")), _text(v.get("school")),
                      _text(v.get("course")), _text(v.get("hours")),
                      fmt_date(v["completed_on"]) if isinstance(v.get("completed_on"), (date, datetime))
                      else _text(v.get("completed_on")),
                      _text(v.get("certificate")) or None)
        _check_row(r, v, index, on)
        if not r.errors:
            _check_duplicates(r, seen_certificates, seen_pairs)
        results.append(r)
    return CheckResult(results, table.columns, table.ignored)


def _check_row(r: RowResult, v: dict, index: _Index, on: date) -> None:
    from . import certificate_holder, validate_result

    if not r.full_name:
        r.errors.append("не указаны ФИО")
    if not r.school_text:
        r.errors.append("не указана школа")
    else:
        found = index.school(r.school_text)
        if not found:
            r.errors.append(f"школа «{r.school_text}» не найдена")
        elif len(found) > 1:
            r.errors.append(f"школа «{r.school_text}» неоднозначна: подходит несколько организаций")
        else:
            r.school = found[0]
    if r.school is not None and r.full_name:
        members = index.staff.get((r.school.id, normalize_name(r.full_name)), [])
        if not members:
            r.errors.append(f"педагог «{r.full_name}» не найден в школе «{r.school.short_name}»")
        elif len(members) > 1:
            r.errors.append(f"педагог «{r.full_name}» неоднозначен: в школе «{r.school.short_name}» "
                            f"{len(members)} сотрудника с такими ФИО")
        else:
            r.member = members[0]
    hours = None
    if r.hours_text:
        hours = parse_hours(v.get("hours"))
        if hours is None:
            r.errors.append(f"часы «{r.hours_text}» — нужно целое положительное число")
    if not r.course_text:
        r.errors.append("не указан курс")
    else:
        candidates = index.courses.get(normalize_name(r.course_text), [])
        if hours is not None and len(candidates) > 1:
            candidates = [c for c in candidates if c.hours == hours] or candidates
        if not candidates:
            r.errors.append(f"курс «{r.course_text}» не найден в каталоге")
        elif len(candidates) > 1:
            r.errors.append(f"курс «{r.course_text}» неоднозначен: в каталоге {len(candidates)} "
                            "курса с таким названием — укажите часы")
        else:
            r.course = candidates[0]
            if hours is not None and r.course.hours != hours:
                r.errors.append(f"часы ({hours}) не совпадают с каталогом ({r.course.hours} ч)")
    if not r.date_text:
        r.errors.append("не указана дата окончания")
    else:
        r.completed_on = parse_date(v.get("completed_on"))
        if r.completed_on is None:
            r.errors.append(f"дата окончания «{r.date_text}» не распознана (нужно ДД.ММ.ГГГГ)")
    if r.course is not None and r.completed_on is not None:
        for problem in validate_result(r.course, EnrollmentStatus.COMPLETED, r.completed_on,
                                       r.certificate, on=on):
            r.errors.append(problem[0].lower() + problem[1:].rstrip("."))
    if r.course is not None and r.member is not None:
        r.existing = db.session.scalar(select(Enrollment).where(
            Enrollment.course_id == r.course.id, Enrollment.staff_member_id == r.member.id,
            Enrollment.deleted_at.is_(None)))
    if r.course is not None and r.certificate:
        holder = certificate_holder(r.course.provider_key, r.certificate,
                                    r.existing.id if r.existing is not None else None)
        if holder is not None:
            r.errors.append(f"удостоверение № {r.certificate} уже записано: "
                            f"{holder.staff_member.full_name} ({holder.organization.short_name})")


def _check_duplicates(r: RowResult, certificates: dict, pairs: dict) -> None:
    if r.certificate:
        key = (r.course.provider_key, r.certificate)
        if key in certificates:
            r.errors.append(f"удостоверение № {r.certificate} повторяется (строка {certificates[key]})")
        else:
            certificates[key] = r.number
    pair = (r.member.id, r.course.id)
    if pair in pairs:
        r.errors.append(f"педагог и курс повторяются (строка {pairs[pair]})")
    else:
        pairs[pair] = r.number


def importable_schools(user) -> list[Organization]:
    """Schools whose teachers' results ``user`` may import (``None``: the CLI, every school)."""
    from ... import policy

    stmt = select(Organization).where(Organization.kind == OrgKind.SCHOOL,
                                      Organization.deleted_at.is_(None))
    if user is not None:
        stmt = policy.scope_query(user, Organization).where(Organization.kind == OrgKind.SCHOOL)
    schools = list(db.session.scalars(stmt))
    if user is None:
        return schools
    return [s for s in schools if policy.can_create(user, Enrollment, s)]


def visible_courses(user) -> list[Course]:
    from ... import policy

    stmt = select(Course).where(Course.deleted_at.is_(None)) if user is None \
        else policy.scope_query(user, Course)
    return list(db.session.scalars(stmt))


def check_file(filename: str, data: bytes, user, *, on: date | None = None) -> CheckResult:
    table = parse_table(filename, data)
    return check_rows(table, importable_schools(user), visible_courses(user), on=on)


def apply(result: CheckResult, *, by=None) -> CheckResult:
    """Save every row of a clean check in one transaction; refuse when any row has an error."""
    from . import CourseError, _commit, close_matching_activities

    tabular.require_clean(result, CourseError)
    by_id = getattr(by, "id", None)
    touched = []
    for r in result.rows:
        e = r.existing
        if e is None:
            e = Enrollment(course_id=r.course.id, staff_member_id=r.member.id,
                           organization_id=r.member.organization_id, created_by_id=by_id)
            db.session.add(e)
        e.status = EnrollmentStatus.COMPLETED
        e.completed_on = r.completed_on
        e.certificate_number = r.certificate
        e.provider_key = r.course.provider_key
        touched.append(e)
    db.session.flush()
    for e in touched:
        close_matching_activities(e)
    _commit("Удостоверение с таким номером у организатора уже есть — ничего не сохранено.")
    return result
