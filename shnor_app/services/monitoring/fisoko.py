"""ВПР results from the per-pupil downloads of ФИС ОКО, aggregated per school.

One file per subject × grade; the file does not say its year, subject and grade, the user states
them (:class:`Stated`). Three layouts are read, the header row found by its names wherever it
sits (a title and metadata rows may stand above it):

* 2022, sheet «Протокол»: «Пользователь | Код региона | Регион | Муниципалитет | Школа | Дата
  загрузки | Код | Вариант | 1(1) (1б) | … | Наименование класса | Пол | Отметка за предыдущий
  … | Итого баллов»; «Муниципалитет» and «Школа» hold «код | название» («edu223185 | МКОУ
  Мартыновская СОШ»);
* 2021: «логин школы | регион | номер обучающегося | код обучающегося | … | класс | вариант |
  всего баллов | балл за 1 …» («регион» holds the municipality);
* «Индивидуальные результаты»: a title «ВПР 2023 Математика 5 класс», then «ОО | Муниципалитет |
  Название ОО | Код участника | Класс | Вариант | tasks | Первичный балл | Отметка | …».

A school is found by its ФИС ОКО login (``edu``/``sch`` + 6 digits), else by its name among the
schools of the municipality named in the same cell (or chosen for the import). A pupil whose
variant is «отсутствовал» (or who has no total) did not take part. The mark is the file's
«Отметка» where it has one, else it follows from the total of primary points and the mark
scale of the year, subject and grade (:class:`~shnor_app.models.MarkScale`); a file needing a
scale that is not entered is refused naming the scale to enter. A file whose layout contradicts
what is stated — a title naming another year, subject or grade, classes of another grade,
``edu`` logins before 2022, another number of tasks than the year's files have — is questioned.

The result is the aggregated rows of :mod:`.assessments` (participants, shares of «2» and «5»,
the mean mark per school), saved the same way, with the file name and — when marks came from the
scale — how many pupils scored each total, so replacing the scale recomputes the shares.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from ...extensions import db
from ...models import AssessmentResult, MarkScale, Municipality, Organization, OrgKind, Procedure
from ...text import normalize_name
from .. import spreadsheets, tabular
from ..errors import ServiceError
from .assessments import AssessmentError, Row, clean_subject, name_key, parse_procedure

LOGIN_RE = re.compile(r"^(edu|sch)\d{6}$", re.I)
_CELL_RE = re.compile(r"^\s*([^|]+?)\s*\|\s*(.+?)\s*$")
_TITLE_RE = re.compile(r"впр\s+(20\d\d)\s+(.+?)\s+(\d{1,2})\s*(?:-?\s*й\s*)?класс", re.I)


class ScaleError(ServiceError):
    """A mark scale cannot be set as asked; the message is Russian."""


@dataclass
class Stated:
    """What the user says the file is: the year, procedure, subject and grade."""
    year: int
    subject: str
    grade: int
    procedure: Procedure = Procedure.VPR

    def label(self) -> str:
        return f"{self.procedure.label}, {self.subject}, {self.grade} класс, {self.year} год"


# --------------------------------------------------------------------------- the header


def _fold(text: str) -> str:
    return tabular.header_fold(text)


_ALIASES = {
    "school": ("школа",),
    "login": ("логин школы", "логин оо", "оо", "логин"),
    "user": ("пользователь",),
    "school_name": ("название оо", "наименование оо", "образовательная организация"),
    "municipality": ("муниципалитет", "муниципальный район", "мо"),
    "region": ("регион",),
    "pupil": ("код", "код обучающегося", "код участника", "номер обучающегося"),
    "variant": ("вариант",),
    "total": ("итого баллов", "всего баллов", "первичный балл", "сумма баллов", "итого"),
    "mark": ("отметка", "отметка впр", "отметка за впр"),
    "class": ("наименование класса", "класс"),
}
_LOOKUP = {_fold(a): k for k, names in _ALIASES.items() for a in names}
_TASK_RE = re.compile(r"^(?:балл за )?\d{1,2}(?:[ .]\d{1,2})*(?: \d{1,2}б| \d{1,2} б)?(?: б)?$")


def header_key(text: str) -> str | None:
    h = _fold(text)
    if h in _LOOKUP:
        return _LOOKUP[h]
    if _TASK_RE.match(h):
        return "task:" + h
    return None


def _accept(columns) -> bool:
    return "total" in columns and bool({"school", "login", "school_name"} & set(columns))


HEADER = spreadsheets.HeaderSpec(
    key=header_key, accept=_accept, scan=20,
    not_found="Не найдена строка заголовков выгрузки ФИС ОКО (нужны «Школа» или «логин школы» "
              "и «Итого баллов» / «всего баллов» / «Первичный балл»).")


def is_per_pupil(filename: str, data: bytes) -> bool:
    return spreadsheets.has_header(filename, data, HEADER, AssessmentError)


# --------------------------------------------------------------------------- file names


_SUBJECTS = {  # words of a file name → the subject as ФИС ОКО writes it
    "математ": "Математика", "русск": "Русский язык", "биолог": "Биология",
    "истор": "История", "обществ": "Обществознание", "географ": "География",
    "физик": "Физика", "хими": "Химия", "окружающ": "Окружающий мир",
    "английск": "Английский язык", "немецк": "Немецкий язык", "французск": "Французский язык",
    "информат": "Информатика", "литератур": "Литература",
}


def guess_from_name(filename: str) -> dict:
    """Year, subject and grade a file name says («ВПР_2023_Математика_5кл.xlsx»), as far as it
    says them: {"year": 2023, "subject": "Математика", "grade": 5}."""
    name = normalize_name(re.sub(r"[_\-.]+", " ", filename or ""))
    out: dict = {}
    m = re.search(r"(?<!\d)(20\d\d)(?!\d)", name)
    if m:
        out["year"] = int(m.group(1))
    m = re.search(r"(?<!\d)(\d{1,2})\s*(?:й\s*)?(?:кл|класс)", name) or \
        re.search(r"(?:класс|кл)\s*(\d{1,2})(?!\d)", name)
    if m and 1 <= int(m.group(1)) <= 11:
        out["grade"] = int(m.group(1))
    for stem, subject in _SUBJECTS.items():
        if stem in name:
            out["subject"] = subject
            break
    return out


# --------------------------------------------------------------------------- scales


def subject_key(subject: str) -> str:
    return normalize_name(subject)


def find_scale(stated: Stated) -> MarkScale | None:
    return db.session.scalar(select(MarkScale).where(
        MarkScale.year == stated.year, MarkScale.procedure == stated.procedure,
        MarkScale.subject_key == subject_key(stated.subject), MarkScale.grade == stated.grade))


def parse_points(text: str) -> tuple[int, int, int]:
    parts = [p.strip() for p in re.split(r"[,;/\s]+", str(text or "").strip()) if p.strip()]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ScaleError("Укажите три числа через запятую: наименьший первичный балл для «3», "
                         "«4» и «5» (например 6,10,14).")
    p3, p4, p5 = (int(p) for p in parts)
    if not 0 < p3 < p4 < p5 <= 200:
        raise ScaleError("Баллы для «3», «4» и «5» должны возрастать: 0 < «3» < «4» < «5».")
    return p3, p4, p5


def set_scale(*, year: int, procedure, subject: str, grade: int, points, tasks: int | None = None,
              by=None) -> tuple[MarkScale, int]:
    """Enter (or replace) a scale and recompute the stored shares of every school whose
    result was computed from it; returns the scale and how many results changed. One
    transaction."""
    if isinstance(procedure, str):
        try:
            procedure = Procedure[procedure] if procedure in Procedure.__members__ \
                else parse_procedure(procedure)
        except ValueError:
            raise ScaleError(f"Процедура «{procedure}» не распознана: ВПР, ОГЭ или ЕГЭ.") from None
    subject = clean_subject(subject)[:100]
    if not subject:
        raise ScaleError("Укажите предмет.")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ScaleError("Год — четыре цифры, например 2024.")
    if not isinstance(grade, int) or not 1 <= grade <= 11:
        raise ScaleError("Класс — число от 1 до 11.")
    if isinstance(points, str):
        points = parse_points(points)
    else:
        points = parse_points(",".join(str(p) for p in points))
    if tasks is not None and not 0 < tasks <= 200:
        raise ScaleError("Число заданий — от 1 до 200.")
    stated = Stated(year, subject, grade, procedure)
    try:
        scale = find_scale(stated)
        if scale is None:
            scale = MarkScale(year=year, procedure=procedure, subject=subject,
                              subject_key=subject_key(subject), grade=grade,
                              created_by_id=getattr(by, "id", None))
            db.session.add(scale)
        scale.subject = subject
        scale.min_3, scale.min_4, scale.min_5 = points
        if tasks is not None:
            scale.tasks = tasks
        changed = recompute(scale)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return scale, changed


def recompute(scale: MarkScale) -> int:
    """Stored results of the scale's year, procedure, subject and grade whose marks came from
    points: their shares and mean mark again from the scale (not committed)."""
    changed = 0
    for result in db.session.scalars(select(AssessmentResult).where(
            AssessmentResult.year == scale.year, AssessmentResult.procedure == scale.procedure,
            AssessmentResult.grade == scale.grade, AssessmentResult.points.is_not(None))):
        if subject_key(result.subject) != scale.subject_key:
            continue
        marks = Counter()
        for points, n in (result.points or {}).items():
            marks[scale.mark(float(points))] += int(n)
        share_2, share_5, mean = _shares(marks)
        if (result.share_2, result.share_5, result.mean_score) != (share_2, share_5, mean):
            result.share_2, result.share_5, result.mean_score = share_2, share_5, mean
            changed += 1
    return changed


def scales() -> list[MarkScale]:
    return list(db.session.scalars(select(MarkScale).order_by(
        MarkScale.year.desc(), MarkScale.procedure, MarkScale.grade, MarkScale.subject)))


def scale_hint(stated: Stated) -> str:
    return (f"Нет шкалы перевода первичных баллов в отметки: {stated.label()}. Введите её на "
            "странице «Шкалы отметок» (Мониторинг → Импорт) или командой flask --app wsgi "
            f"assessments scale set --year {stated.year} --procedure {stated.procedure.label} "
            f"--subject \"{stated.subject}\" --grade {stated.grade} --points P3,P4,P5 — "
            "наименьшие баллы для «3», «4» и «5», как их публикует ФИС ОКО.")


# --------------------------------------------------------------------------- reading


_text = spreadsheets.one_line


def split_cell(value) -> tuple[str, str]:
    """«edu223185 | МКОУ Мартыновская СОШ» → ("edu223185", "МКОУ Мартыновская СОШ");
    a cell without «|» is a login when it looks like one, else a name."""
    text = _text(value)
    m = _CELL_RE.match(text)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    if LOGIN_RE.match(text):
        return text, ""
    return "", text


def _number(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    return float(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _grade_of_class(name: str) -> int | None:
    m = re.search(r"(?<!\d)(\d{1,2})(?!\d)", name or "")
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 11 else None


@dataclass
class Pupil:
    row: int
    login: str
    school_name: str
    municipality: str
    total: float | None
    mark: int | None
    class_name: str


@dataclass
class SchoolGroup:
    login: str
    name: str
    municipality: str
    first_row: int
    pupils: list[Pupil] = field(default_factory=list)
    absent: int = 0


@dataclass
class PupilFile:
    groups: list[SchoolGroup]
    errors: list[dict]             # row errors of pupils
    questions: list[str]           # the layout contradicts what is stated
    tasks: int
    has_marks: bool
    title: str = ""
    ignored: list[str] = field(default_factory=list)


def read(filename: str, data: bytes, stated: Stated) -> PupilFile:
    table = spreadsheets.read_table(filename, data, header=HEADER, error=AssessmentError)
    header = table.header
    cols = header.columns
    tasks = [k for k in cols if k.startswith("task:")]
    layout_2021 = "login" in cols and "school" not in cols and "municipality" not in cols
    muni_col = "municipality" if "municipality" in cols else ("region" if layout_2021 else None)

    def cell(cells, key):
        i = cols.get(key) if key else None
        return cells[i] if i is not None and i < len(cells) else None

    title = ""
    for row in table.rows[:header.index]:
        text = " ".join(_text(c) for c in row.cells if _text(c))
        if _TITLE_RE.search(text):
            title = text
            break
    groups: dict[str, SchoolGroup] = {}
    errors: list[dict] = []
    has_marks = "mark" in cols
    for row in table.below_header():
        c = row.cells
        if all(_text(x) == "" for x in c):
            continue
        login, name = split_cell(cell(c, "school"))
        if not login and "login" in cols:
            login = _text(cell(c, "login"))
        if not name and "school_name" in cols:
            name = _text(cell(c, "school_name"))
        if not login and not name and "user" in cols and LOGIN_RE.match(_text(cell(c, "user"))):
            login = _text(cell(c, "user"))
        _, muni = split_cell(cell(c, muni_col))
        if not login and not name:
            errors.append({"row": row.number, "message": "Не указана школа (логин или название)."})
            continue
        key = login.lower() if login else "name:" + name_key(name)
        group = groups.get(key)
        if group is None:
            group = groups[key] = SchoolGroup(login, name, muni, row.number)
        variant = normalize_name(_text(cell(c, "variant")))
        raw_total = cell(c, "total")
        if variant.startswith("отсутств") or (_text(raw_total) == "" and _text(cell(c, "mark")) == ""):
            group.absent += 1
            continue
        try:
            total = _number(raw_total)
        except ValueError:
            errors.append({"row": row.number,
                           "message": f"«{header.labels['total']}»: «{_text(raw_total)}» — не число."})
            continue
        if total is not None and not 0 <= total <= 200:
            errors.append({"row": row.number,
                           "message": f"«{header.labels['total']}»: {_text(raw_total)} — "
                                      "вне пределов 0–200."})
            continue
        mark = None
        raw_mark = _text(cell(c, "mark"))
        if raw_mark:
            m = re.fullmatch(r"([2-5])(?:[.,]0+)?", raw_mark)
            if not m:
                errors.append({"row": row.number,
                               "message": f"«Отметка» «{raw_mark}» — нужно 2, 3, 4 или 5."})
                continue
            mark = int(m.group(1))
        group.pupils.append(Pupil(row.number, login, name, muni, total, mark,
                                  _text(cell(c, "class"))))
    questions = _questions(stated, title, list(groups.values()), len(tasks))
    return PupilFile(list(groups.values()), errors, questions, len(tasks), has_marks, title,
                     header.ignored)


def _questions(stated: Stated, title: str, groups: list[SchoolGroup], tasks: int) -> list[str]:
    out = []
    said = f"Указано: {stated.label()}"
    m = _TITLE_RE.search(title or "")
    if m:
        year, subject, grade = int(m.group(1)), m.group(2).strip(), int(m.group(3))
        if year != stated.year or grade != stated.grade \
                or subject_key(subject) != subject_key(stated.subject):
            out.append(f"В заголовке файла «{title}» — это не то, что указано ({said}). "
                       "Проверьте год, предмет и класс.")
    logins = [g.login.lower() for g in groups if g.login]
    if stated.year <= 2021 and any(x.startswith("edu") for x in logins):
        out.append(f"Логины школ вида «edu…» появились в ФИС ОКО в 2022 году, а указан "
                   f"{stated.year} год. Проверьте год.")
    grades = Counter(_grade_of_class(p.class_name) for g in groups for p in g.pupils
                     if p.class_name)
    grades.pop(None, None)
    if grades and stated.grade not in grades:
        common = ", ".join(f"{k}" for k, _ in grades.most_common(3))
        out.append(f"Классы в файле — {common}-е, а указан {stated.grade} класс. "
                   "Проверьте класс.")
    scale = find_scale(stated)
    if scale is not None and scale.tasks and tasks and scale.tasks != tasks:
        out.append(f"В файле {tasks} столбцов заданий, а в файлах «{stated.label()}» их "
                   f"{scale.tasks}. Проверьте год, предмет и класс (или число заданий шкалы).")
    return out


# --------------------------------------------------------------------------- aggregation


def _shares(marks: Counter) -> tuple[float | None, float | None, float | None]:
    n = sum(marks.values())
    if not n:
        return None, None, None
    return (round(100 * marks[2] / n, 2), round(100 * marks[5] / n, 2),
            round(sum(k * v for k, v in marks.items()) / n, 2))


class _Schools:
    """Schools by ФИС ОКО login, and by name within a municipality."""

    def __init__(self, municipality: Municipality | None, region_id: int | None):
        stmt = select(Organization).where(Organization.kind == OrgKind.SCHOOL,
                                          Organization.deleted_at.is_(None))
        if municipality is not None:
            stmt = stmt.where(Organization.region_id == municipality.region_id)
        elif region_id:
            stmt = stmt.where(Organization.region_id == region_id)
        self.by_login: dict[str, list[Organization]] = {}
        self.by_name: dict[tuple[int | None, str], list[Organization]] = {}
        for org in db.session.scalars(stmt):
            for login in {login_of(org)} - {""}:
                self.by_login.setdefault(login, []).append(org)
            for n in {name_key(org.short_name), name_key(org.full_name)} - {""}:
                self.by_name.setdefault((org.municipality_id, n), []).append(org)
        munis = select(Municipality)
        if municipality is not None:
            munis = munis.where(Municipality.region_id == municipality.region_id)
        elif region_id:
            munis = munis.where(Municipality.region_id == region_id)
        self.munis: dict[str, list[Municipality]] = {}
        for m in db.session.scalars(munis):
            self.munis.setdefault(name_key(m.name), []).append(m)

    def municipality(self, name: str) -> Municipality | None:
        found = self.munis.get(name_key(name), [])
        return found[0] if len(found) == 1 else None


def login_of(org: Organization) -> str:
    """The school's ФИС ОКО login (``edu``/``sch`` + 6 digits) as kept in the registry (or, in
    a registry filled before the login had a field of its own, as the school's code)."""
    for value in (org.fis_oko_login, org.code):
        value = (value or "").strip().lower()
        if LOGIN_RE.match(value):
            return value
    return ""


def to_rows(pupils: PupilFile, stated: Stated, filename: str, *,
            municipality: Municipality | None = None, region_id: int | None = None,
            create_missing: bool = False) -> list[Row]:
    """One aggregated :class:`~.assessments.Row` per school, with the school matched (or to be
    created) and the row errors; raises :class:`AssessmentError` for a missing scale."""
    scale = find_scale(stated)
    needs_scale = any(p.mark is None and p.total is not None
                      for g in pupils.groups for p in g.pupils)
    if needs_scale and scale is None:
        raise AssessmentError(scale_hint(stated))
    schools = _Schools(municipality, region_id)
    rows: list[Row] = []
    for g in pupils.groups:
        r = Row(row=g.first_row, school=g.name or g.login, code=g.login, year=stated.year,
                procedure=stated.procedure, subject=stated.subject, grade=stated.grade)
        marks: Counter = Counter()
        histogram: Counter = Counter()
        for p in g.pupils:
            if p.mark is not None:
                marks[p.mark] += 1
            elif p.total is not None:
                marks[scale.mark(p.total)] += 1
                histogram[_points_key(p.total)] += 1
        r.participants = sum(marks.values())
        r.share_2, r.share_5, r.mean_score = _shares(marks)
        r.points = dict(histogram) if histogram and not any(p.mark is not None for p in g.pupils) \
            else None
        r.source_file = filename[:255]
        _match(r, g, schools, municipality, create_missing)
        rows.append(r)
    return rows


def _points_key(total: float) -> str:
    return str(int(total)) if float(total).is_integer() else str(total)


def _match(r: Row, g: SchoolGroup, schools: _Schools, chosen: Municipality | None,
           create_missing: bool) -> None:
    label = " | ".join(p for p in (g.login, g.name) if p)
    if g.login:
        found = schools.by_login.get(g.login.lower(), [])
        if len(found) == 1:
            if chosen is not None and found[0].municipality_id != chosen.id:
                r.errors.append(f"Школа «{label}» ({found[0].short_name}) — не из выбранного "
                                f"муниципалитета «{chosen.name}».")
                return
            r.org_id, r.org_name = found[0].id, found[0].short_name
            return
        if len(found) > 1:
            r.errors.append(f"Логин ФИС ОКО «{g.login}» записан у нескольких школ: "
                            + ", ".join(o.short_name for o in found) + ".")
            return
    muni = schools.municipality(g.municipality) if g.municipality else None
    if muni is None:
        muni = chosen
    if g.municipality and muni is None:
        r.errors.append(f"Школа «{label}»: муниципалитет «{g.municipality}» не найден в реестре.")
        return
    if chosen is not None and muni is not None and muni.id != chosen.id:
        r.errors.append(f"Школа «{label}» — из муниципалитета «{muni.name}», а выбран "
                        f"«{chosen.name}».")
        return
    if g.name and muni is not None:
        found = list({o.id: o for o in schools.by_name.get((muni.id, name_key(g.name)), [])}
                     .values())
        if len(found) == 1:
            r.org_id, r.org_name = found[0].id, found[0].short_name
            return
        if len(found) > 1:
            r.errors.append(f"Школ с названием «{g.name}» в муниципалитете «{muni.name}» "
                            "несколько — укажите им логины ФИС ОКО в реестре.")
            return
    if create_missing and muni is not None and g.name:
        r.new_school, r.org_name = True, g.name
        r.municipality_id, r.region_id = muni.id, muni.region_id
        return
    where = f" в муниципалитете «{muni.name}»" if muni is not None else ""
    r.errors.append(f"Школа «{label}» не найдена{where} ни по логину ФИС ОКО, ни по названию.")
