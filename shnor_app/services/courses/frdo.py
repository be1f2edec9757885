"""Import of КПК certificates from the ФИС ФРДО template for ДПО («Шаблон ДПО»).

What institutes fill for the federal register: sheet «Шаблон», the header in row 1, 40 columns
(«Вид документа», «Серия документа», «Номер документа», «Дата выдачи документа»,
«Регистрационный номер», «Наименование дополнительной профессиональной программы», «Срок
обучения, часов (для документа о квалификации)», «Фамилия получателя», «Имя получателя»,
«Отчество получателя», «Дата рождения получателя», «СНИЛС» …). Headers are matched loosely
(case, «ё», spaces, line breaks and punctuation folded; «Срок обучения, часов» and other
shortenings accepted), the columns this import does not need are ignored. Dates come as Excel
serial numbers (44958) or as text («28.06.2024»); СНИЛС as «123-456-789 64» or as 11 digits,
its control number checked.

The template names no place of work, so the teacher is found by СНИЛС, else by full name and
date of birth, else by a full name unique among the staff the importing user may enroll — any
other case is a row error listing the candidates. The programme (name + hours) is matched to
the catalogue; a programme not there is created as a course only when the user agrees
(``create_courses``), with the organiser the user names once for the file. The certificate
(series, number, registration number, date) is unique: one already recorded for the same
teacher and course is *unchanged*, one recorded for somebody else is an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ...extensions import db
from ...formatting import fmt_date, today
from ...models import (
    Course, CourseTopic, Enrollment, EnrollmentStatus, Organization, ProviderKind, StaffMember,
)
from ...text import normalize_name
from .. import spreadsheets, tabular
from ..identifiers import format_snils as fmt_snils, normalize_snils, snils_problem
from ..tabular import parse_date
from .imports import (
    CheckedRows, ImportFileError, importable_schools, parse_hours, visible_courses,
)

FIELDS = {
    "doc_kind": ("вид документа",),
    "doc_status": ("статус документа",),
    "series": ("серия документа", "серия"),
    "number": ("номер документа", "номер"),
    "issued_on": ("дата выдачи документа", "дата выдачи"),
    "reg_number": ("регистрационный номер", "рег номер", "регистрационный n"),
    "programme": ("наименование дополнительной профессиональной программы",
                  "наименование программы", "наименование дпп"),
    "hours": ("срок обучения часов для документа о квалификации", "срок обучения часов",
              "срок обучения", "количество часов", "часов"),
    "last_name": ("фамилия получателя", "фамилия"),
    "first_name": ("имя получателя", "имя"),
    "patronymic": ("отчество получателя", "отчество"),
    "birth_date": ("дата рождения получателя", "дата рождения"),
    "snils": ("снилс", "снилс получателя", "страховой номер"),
}
REQUIRED = {"last_name": "Фамилия получателя", "first_name": "Имя получателя",
            "programme": "Наименование дополнительной профессиональной программы",
            "issued_on": "Дата выдачи документа"}


_LOOKUP = {tabular.header_fold(alias): key for key, names in FIELDS.items() for alias in names}


def header_key(text: str) -> str | None:
    """Headers compared by :func:`tabular.header_fold`; generators that shorten the long ones
    («Срок обучения, часов») are recognised by their beginning."""
    h = tabular.header_fold(text)
    if h in _LOOKUP:
        return _LOOKUP[h]
    if h.startswith("срок обучения"):
        return "hours"
    if h.startswith("наименование дополнительной профессиональной программы"):
        return "programme"
    return None


HEADER = spreadsheets.HeaderSpec(
    key=header_key, accept=lambda cols: {"last_name", "first_name", "programme"} <= set(cols),
    required=REQUIRED,
    not_found="Не найдена строка заголовков шаблона ФИС ФРДО.")


def is_frdo(filename: str, data: bytes) -> bool:
    """Whether the file's header is the ФРДО template's (the file is read once more after)."""
    return spreadsheets.has_header(filename, data, HEADER, ImportFileError)


# --------------------------------------------------------------------------- values


_text = spreadsheets.one_line


def snils_digits(value) -> str | None:
    """The 11 digits of a СНИЛС in either form, or None (see :mod:`..identifiers`)."""
    return normalize_snils(value) or None


# --------------------------------------------------------------------------- rows


@dataclass
class Candidate:
    member: StaffMember
    school: str

    def __str__(self) -> str:
        return f"{self.member.full_name} ({self.school}, {self.member.position})"


@dataclass
class FrdoRow:
    number: int
    full_name: str = ""
    birth_text: str = ""
    birth: date | None = None
    snils: str | None = None
    programme: str = ""
    hours: int | None = None
    hours_text: str = ""
    series: str = ""
    doc_number: str = ""
    reg_number: str = ""
    issued_text: str = ""
    issued_on: date | None = None
    errors: list[str] = field(default_factory=list)
    skipped: str | None = None
    member: StaffMember | None = None
    school_name: str = ""
    course: Course | None = None
    new_course: tuple[str, int] | None = None   # (title, hours) of a course to create
    existing: Enrollment | None = None
    unchanged: bool = False

    @property
    def certificate(self) -> str:
        """The certificate number stored: «серия номер», else the registration number."""
        number = " ".join(p for p in (self.series, self.doc_number) if p)
        return (number or self.reg_number)[:60]

    @property
    def action(self) -> str:
        if self.errors:
            return "ошибка"
        if self.skipped:
            return self.skipped
        if self.unchanged:
            return "уже записано"
        return "обновить запись" if self.existing is not None else "новая запись"


@dataclass
class FrdoResult(CheckedRows):
    rows: list[FrdoRow]
    ignored: list[str]
    new_courses: list[tuple[str, int]]
    organizer: str
    create_courses: bool

    @property
    def imported(self) -> int:
        return sum(1 for r in self.rows if not r.errors and not r.skipped and not r.unchanged)

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if not r.errors and not r.skipped and r.unchanged)

    @property
    def courses_created(self) -> int:
        return len(self.new_courses) if self.create_courses else 0

    @property
    def missing_courses(self) -> list[tuple[str, int]]:
        """Programmes not in the catalogue (created only with the user's consent)."""
        return self.new_courses

    def as_json(self, saved: bool) -> dict:
        return {"imported": self.imported if saved else 0,
                "unchanged": self.unchanged,
                "courses_created": self.courses_created if saved else 0,
                "errors": [{"row": n, "message": m} for n, m in self.errors]}


def parse(filename: str, data: bytes) -> tuple[list[FrdoRow], list[str]]:
    table = spreadsheets.read_table(filename, data, header=HEADER, error=ImportFileError)
    cols = table.header.columns

    def cell(cells, key):
        i = cols.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    rows = []
    for row in table.below_header():
        c = row.cells
        if all(_text(cell(c, k)) == "" for k in cols):
            continue
        r = FrdoRow(row.number)
        r.full_name = " ".join(p for p in (_text(cell(c, "last_name")), _text(cell(c, "first_name")),
                                           _text(cell(c, "patronymic"))) if p)
        r.programme = _text(cell(c, "programme"))[:500]
        r.series, r.doc_number = _text(cell(c, "series")), _text(cell(c, "number"))
        r.reg_number = _text(cell(c, "reg_number"))
        kind = normalize_name(_text(cell(c, "doc_kind")))
        if kind.startswith("справка"):
            r.skipped = "пропущено: справка об обучении — курс не завершён"
        if not r.full_name or not _text(cell(c, "last_name")) or not _text(cell(c, "first_name")):
            r.errors.append("не указаны фамилия и имя получателя")
        if not r.programme:
            r.errors.append("не указано наименование программы")
        raw = cell(c, "hours")
        r.hours_text = _text(raw)
        r.hours = parse_hours(raw) if r.hours_text else None
        if r.hours_text and r.hours is None:
            r.errors.append(f"срок обучения «{r.hours_text}» — нужно целое число часов")
        elif not r.hours_text:
            r.errors.append("не указан срок обучения, часов")
        raw = cell(c, "issued_on")
        r.issued_text = fmt_date(raw) if isinstance(raw, date) else _text(raw)
        r.issued_on = parse_date(raw)
        if not r.issued_text:
            r.errors.append("не указана дата выдачи документа")
        elif r.issued_on is None:
            r.errors.append(f"дата выдачи «{r.issued_text}» не распознана (нужно ДД.ММ.ГГГГ)")
        elif r.issued_on > today():
            r.errors.append(f"дата выдачи {fmt_date(r.issued_on)} — в будущем")
        raw = cell(c, "birth_date")
        r.birth_text = fmt_date(raw) if isinstance(raw, date) else _text(raw)
        if r.birth_text and parse_date(raw) is None:
            r.errors.append(f"дата рождения «{r.birth_text}» не распознана (нужно ДД.ММ.ГГГГ)")
        r.birth = parse_date(raw) if r.birth_text else None
        raw_snils = _text(cell(c, "snils"))
        if raw_snils:
            problem = snils_problem(cell(c, "snils"))
            if problem:
                r.errors.append(f"СНИЛС «{raw_snils}»: {problem[0].lower()}{problem[1:]}")
            else:
                r.snils = snils_digits(cell(c, "snils"))
        if not r.certificate:
            r.errors.append("не указан ни номер документа, ни регистрационный номер")
        rows.append(r)
    if not rows:
        raise ImportFileError("В таблице нет строк с данными.")
    return rows, table.header.ignored


# --------------------------------------------------------------------------- matching


def _staff_snils(member) -> str | None:
    return snils_digits(member.snils) if member.snils else None


class _People:
    """The staff the user may enroll, indexed by СНИЛС, by name + date of birth and by name."""

    def __init__(self, schools: list[Organization]):
        self.school_names = {s.id: s.short_name for s in schools}
        self.by_snils: dict[str, list[StaffMember]] = {}
        self.by_name: dict[str, list[StaffMember]] = {}
        ids = list(self.school_names)
        if not ids:
            return
        for m in db.session.scalars(select(StaffMember).where(
                StaffMember.organization_id.in_(ids), StaffMember.deleted_at.is_(None))):
            if m.left_on is not None:
                continue
            snils = _staff_snils(m)
            if snils:
                self.by_snils.setdefault(snils, []).append(m)
            self.by_name.setdefault(normalize_name(m.full_name), []).append(m)

    def candidates(self, members) -> str:
        return "; ".join(str(Candidate(m, self.school_names.get(m.organization_id, "")))
                         for m in members[:10])

    def find(self, r: FrdoRow) -> None:
        if r.snils and r.snils in self.by_snils:
            found = self.by_snils[r.snils]
            if len(found) == 1:
                r.member = found[0]
                return
            r.errors.append(f"СНИЛС {fmt_snils(r.snils)} у нескольких сотрудников: "
                            f"{self.candidates(found)} — выберите одного (исправьте СНИЛС в "
                            "карточке лишнего)")
            return
        named = self.by_name.get(normalize_name(r.full_name), [])
        if r.snils:  # somebody whose own СНИЛС differs is another person
            named = [m for m in named if _staff_snils(m) in (None, r.snils)]
        birth = r.birth
        if birth is not None:
            same_birth = [m for m in named if m.birth_date == birth]
            if len(same_birth) == 1:
                r.member = same_birth[0]
                return
            named = [m for m in named if m.birth_date in (None, birth)]
        if len(named) == 1:
            r.member = named[0]
        elif not named:
            r.errors.append(f"педагог «{r.full_name}» не найден среди сотрудников школ, "
                            "которые вы ведёте (по СНИЛС, ФИО и дате рождения)")
        else:
            r.errors.append(f"педагог «{r.full_name}» неоднозначен — подходят: "
                            f"{self.candidates(named)}; укажите СНИЛС или дату рождения "
                            "в карточке нужного сотрудника")
        if r.member is not None:
            r.school_name = self.school_names.get(r.member.organization_id, "")


def provider_key_for(organizer: str) -> str:
    """The certificates' issuer key of a course created with ``organizer`` (see
    :attr:`Course.provider_key`)."""
    org = organizer_org(organizer)
    if org is not None:
        return f"org:{org.id}"
    return "name:" + normalize_name(organizer or NO_ORGANIZER)[:180]


NO_ORGANIZER = "Организатор не указан (ФИС ФРДО)"


def organizer_org(organizer: str) -> Organization | None:
    key = normalize_name(organizer)
    if not key:
        return None
    found = [o for o in db.session.scalars(select(Organization).where(
        Organization.deleted_at.is_(None)))
        if key in (normalize_name(o.short_name), normalize_name(o.full_name))]
    return found[0] if len(found) == 1 else None


def check(rows: list[FrdoRow], ignored: list[str], user, *, organizer: str = "",
          create_courses: bool = False) -> FrdoResult:
    """Resolve every row (teacher, course, certificate); nothing is written."""
    schools = importable_schools(user)
    people = _People(schools)
    courses: dict[tuple[str, int], list[Course]] = {}
    for c in visible_courses(user):
        courses.setdefault((normalize_name(c.title), c.hours), []).append(c)
    organizer = " ".join((organizer or "").split())
    org_key = provider_key_for(organizer) if organizer else None
    new_courses: dict[tuple[str, int], tuple[str, int]] = {}
    seen_cert: dict[str, int] = {}
    seen_reg: dict[str, int] = {}
    seen_pair: dict[tuple, int] = {}
    for r in rows:
        if r.errors or r.skipped:
            continue
        people.find(r)
        if r.member is not None:
            r.school_name = people.school_names.get(r.member.organization_id, "")
        key = (normalize_name(r.programme), r.hours)
        found = courses.get(key, [])
        if len(found) > 1 and org_key:
            found = [c for c in found if c.provider_key == org_key] or found
        if len(found) == 1:
            r.course = found[0]
        elif len(found) > 1:
            r.errors.append(f"программа «{r.programme}» ({r.hours} ч) есть в каталоге "
                            f"{len(found)} раза (у разных организаторов) — укажите организатора")
        else:
            r.new_course = new_courses.setdefault(key, (r.programme, r.hours))
            if not create_courses:
                r.errors.append(f"программы «{r.programme}» ({r.hours} ч) нет в каталоге — "
                                "добавьте курс или разрешите создать его при импорте")
        for seen, value, label in ((seen_cert, " ".join((r.series, r.doc_number)).strip(),
                                    "документ серии и номера"),
                                   (seen_reg, r.reg_number, "регистрационный номер")):
            if value and value in seen:
                r.errors.append(f"{label} «{value}» повторяется (строка {seen[value]})")
            elif value:
                seen[value] = r.number
        if r.member is None or r.errors:
            continue
        pair = (r.member.id, r.course.id if r.course else ("new",) + key)
        if pair in seen_pair:
            r.errors.append(f"педагог и программа повторяются (строка {seen_pair[pair]})")
            continue
        seen_pair[pair] = r.number
        provider = r.course.provider_key if r.course else (org_key or provider_key_for(""))
        if r.course is not None:
            r.existing = db.session.scalar(select(Enrollment).where(
                Enrollment.course_id == r.course.id, Enrollment.staff_member_id == r.member.id,
                Enrollment.deleted_at.is_(None)))
            if r.course.start_date and r.issued_on < r.course.start_date:
                r.errors.append(f"дата выдачи {fmt_date(r.issued_on)} раньше начала курса "
                                f"({fmt_date(r.course.start_date)})")
        holder = db.session.scalar(select(Enrollment).where(
            Enrollment.provider_key == provider, Enrollment.certificate_number == r.certificate,
            Enrollment.id != (r.existing.id if r.existing is not None else 0)))
        if holder is not None:
            r.errors.append(f"документ № {r.certificate} уже записан: "
                            f"{holder.staff_member.full_name} ({holder.organization.short_name})")
        e = r.existing
        r.unchanged = e is not None and e.status == EnrollmentStatus.COMPLETED \
            and e.completed_on == r.issued_on and e.certificate_number == r.certificate \
            and (e.registration_number or "") == r.reg_number
    return FrdoResult(rows, ignored, list(new_courses.values()), organizer, create_courses)


def check_file(filename: str, data: bytes, user, *, organizer: str = "",
               create_courses: bool = False) -> FrdoResult:
    rows, ignored = parse(filename, data)
    return check(rows, ignored, user, organizer=organizer, create_courses=create_courses)


# --------------------------------------------------------------------------- saving


def _topic() -> CourseTopic:
    from . import ensure_default_topics

    topics = ensure_default_topics(commit=False)
    return next((t for t in topics if t.name == "Другое"), topics[-1])


def apply(result: FrdoResult, *, by=None, filename: str = "") -> FrdoResult:
    """Save every row of a clean check in one transaction (courses, enrollments, one audit entry
    with the counts); refuse when any row has an error."""
    from . import CourseError, _commit, close_matching_activities

    tabular.require_clean(result, CourseError)
    by_id = getattr(by, "id", None)
    created: dict[tuple[str, int], Course] = {}
    touched = []
    org = organizer_org(result.organizer)
    try:
        for r in result.rows:
            if r.skipped or r.unchanged:
                continue
            course = r.course
            if course is None:
                key = (normalize_name(r.new_course[0]), r.new_course[1])
                course = created.get(key)
                if course is None:
                    course = Course(
                        title=r.new_course[0], hours=r.new_course[1], topic_id=_topic().id,
                        provider_kind=ProviderKind.INSTITUTE,
                        provider_name=(org.short_name if org else result.organizer
                                       or NO_ORGANIZER)[:300],
                        provider_org_id=org.id if org else None,
                        region_id=r.member.organization.region_id,
                        municipality_id=getattr(by, "municipality_id", None),
                        description="Создан при импорте из шаблона ФИС ФРДО.",
                        created_by_id=by_id)
                    db.session.add(course)
                    db.session.flush()
                    created[key] = course
            e = r.existing
            if e is None:
                e = Enrollment(course_id=course.id, staff_member_id=r.member.id,
                               organization_id=r.member.organization_id, created_by_id=by_id)
                db.session.add(e)
            e.status = EnrollmentStatus.COMPLETED
            e.completed_on = r.issued_on
            e.certificate_number = r.certificate
            e.registration_number = r.reg_number or None
            e.provider_key = course.provider_key
            touched.append(e)
        db.session.flush()
        for e in touched:
            close_matching_activities(e)
        tabular.audit_import("Импорт КПК из шаблона ФИС ФРДО", filename, {
            "записано": result.imported, "без изменений": result.unchanged,
            "создано курсов": len(created)}, object_type="enrollments")
    except Exception:
        db.session.rollback()
        raise
    _commit("Документ с таким номером у организатора уже есть — ничего не сохранено.")
    return result
