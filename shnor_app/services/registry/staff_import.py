"""Import of staff lists: one school's or a whole territory's, from .xlsx or CSV.

Columns (Russian headers in any order, matched loosely): «ФИО» or «Фамилия», «Имя»,
«Отчество»; «Должность», «Предметы», «Квалификационная категория», «Педагогический стаж» (years),
«Дата рождения», «СНИЛС», «Дата приёма»; the school as «Школа» (its short or full name) or
«ИНН школы» — or, for one school's list without such a column, the school chosen for the file.

A person is matched within the school: by СНИЛС; else by full name and date of birth; else by
a full name that is unique in the school (and whose СНИЛС and date of birth, where both are
known, do not differ). A row that could be two people is an error, never a guess. With
``mark_left`` the list is taken as the school's full list: its staff who are absent are marked
as left today (``left_on``) — nobody is deleted; somebody listed again who had left is
employed again.

СНИЛС (its control number checked) and the date of birth are personal data: the preview shows
them masked, and the audit log records only that they changed. Saving is all or nothing, with
one audit entry of the import; importing the same file twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...formatting import fmt_date, today
from ...models import Organization, QualificationCategory, StaffMember
from ...text import normalize_name
from .. import identifiers, spreadsheets, tabular
from ..errors import ServiceError, transactional
from ..tabular import CHANGED, ERROR, NEW, UNCHANGED, Change, Outcome, Preview

KIND = "staff"
AUDIT_KIND = "Импорт списков сотрудников"


class StaffImportError(ServiceError):
    """The file cannot be imported at all; the message is Russian."""


COLUMNS = {
    "full_name": ("ФИО", "Ф.И.О.", "Фамилия Имя Отчество", "Фамилия, имя, отчество",
                  "ФИО сотрудника", "ФИО педагога", "Сотрудник", "Педагог"),
    "last_name": ("Фамилия",),
    "first_name": ("Имя",),
    "middle_name": ("Отчество",),
    "position": ("Должность", "Занимаемая должность"),
    "subjects": ("Предметы", "Предмет", "Преподаваемые предметы", "Преподаваемые дисциплины"),
    "category": ("Квалификационная категория", "Категория"),
    "experience": ("Педагогический стаж", "Стаж педагогической работы", "Педагогический стаж лет",
                   "Стаж"),
    "birth_date": ("Дата рождения",),
    "snils": ("СНИЛС", "Страховой номер", "СНИЛС сотрудника"),
    "hired_on": ("Дата приёма", "Дата приема на работу", "Принят", "Дата приёма на работу"),
    "school": ("Школа", "ОО", "Образовательная организация", "Организация", "Наименование ОО",
               "Место работы"),
    "school_inn": ("ИНН школы", "ИНН ОО", "ИНН организации", "ИНН"),
}


def _accept(cols) -> bool:
    return ("full_name" in cols or {"last_name", "first_name"} <= set(cols)) and len(cols) >= 2


HEADER = spreadsheets.HeaderSpec(
    key=tabular.aliases(COLUMNS), accept=_accept,
    not_found="Не найдена строка заголовков. Нужны столбцы «ФИО» (или «Фамилия», «Имя», "
              "«Отчество») и по возможности «Должность», «СНИЛС», «Дата рождения», «Школа».")

CATEGORIES = {
    "высшая": QualificationCategory.HIGHEST, "высшая категория": QualificationCategory.HIGHEST,
    "вкк": QualificationCategory.HIGHEST,
    "первая": QualificationCategory.FIRST, "первая категория": QualificationCategory.FIRST,
    "1": QualificationCategory.FIRST, "1 категория": QualificationCategory.FIRST,
    "соответствие": QualificationCategory.CONFORMITY,
    "соответствие занимаемой должности": QualificationCategory.CONFORMITY,
    "сзд": QualificationCategory.CONFORMITY,
    "без категории": QualificationCategory.NONE, "нет": QualificationCategory.NONE,
    "не имеет": QualificationCategory.NONE, "-": QualificationCategory.NONE,
    "—": QualificationCategory.NONE,
}
LABELS = {"full_name": "ФИО", "position": "Должность", "subjects": "Предметы",
          "category": "Категория", "teaching_since": "В педагогике с (год)",
          "birth_date": "Дата рождения", "snils": "СНИЛС", "hired_on": "Принят",
          "left_on": "Уволен", "organization": "Школа"}
_PERSONAL = ("snils", "birth_date")


def read_file(filename: str, data: bytes) -> tuple[list[tabular.Record], list[str], set[str]]:
    table = spreadsheets.read_table(filename, data, header=HEADER, error=StaffImportError)
    records = tabular.records(table)
    if not records:
        raise StaffImportError("В таблице нет строк с сотрудниками.")
    return records, table.header.ignored, set(table.header.columns)


class _Schools:
    """The organisations whose staff the user keeps, by name and ИНН, with their staff."""

    def __init__(self, user):
        stmt = select(Organization).where(Organization.deleted_at.is_(None))
        if user is not None:
            stmt = policy.scope_query(user, Organization)
        orgs = [o for o in db.session.scalars(stmt)
                if user is None or policy.can_create(user, StaffMember, o)]
        self.orgs = {o.id: o for o in orgs}
        self.by_name: dict[str, list[Organization]] = {}
        self.by_inn: dict[str, list[Organization]] = {}
        for o in orgs:
            for key in {normalize_name(o.short_name), normalize_name(o.full_name)} - {""}:
                self.by_name.setdefault(key, []).append(o)
            if o.inn:
                self.by_inn.setdefault(o.inn, []).append(o)
        self.staff: dict[int, list[StaffMember]] | None = None

    def load_staff(self, org_ids: set[int]) -> None:
        self.staff = {i: [] for i in org_ids}
        if org_ids:
            for m in db.session.scalars(select(StaffMember).where(
                    StaffMember.organization_id.in_(org_ids), StaffMember.deleted_at.is_(None))):
                self.staff[m.organization_id].append(m)

    def find(self, name: str, inn: str) -> tuple[Organization | None, str | None]:
        found: list[Organization] = []
        if inn:
            found = self.by_inn.get(inn, [])
            if len(found) > 1 and name:
                found = [o for o in found if o in self.by_name.get(normalize_name(name), [])]
        elif name:
            found = self.by_name.get(normalize_name(name), [])
        found = list({o.id: o for o in found}.values())
        what = f"«{name}»" if name else f"с ИНН {inn}"
        if not found:
            return None, f"школа {what} не найдена среди организаций, списки которых вы ведёте"
        if len(found) > 1:
            return None, f"школа {what} неоднозначна: подходит несколько организаций"
        return found[0], None


@dataclass
class Person:
    """A row read: the values to set (only the columns the file has)."""
    full_name: str
    values: dict


def _full_name(record: tabular.Record) -> str:
    if tabular.text(record.get("full_name")):
        return tabular.text(record.get("full_name"))
    return " ".join(filter(None, (tabular.text(record.get(k))
                                  for k in ("last_name", "first_name", "middle_name"))))


def _read_row(record: tabular.Record, columns: set[str], outcome: Outcome, on: date) -> Person:
    name = _full_name(record)
    if not name:
        outcome.fail("не указаны ФИО")
    elif len(name) > 200:
        outcome.fail("ФИО длиннее 200 знаков")
    values: dict = {}
    for key, limit in (("position", 200), ("subjects", 300)):
        if key in columns and tabular.text(record.get(key)):
            text = tabular.text(record.get(key))
            if len(text) > limit:
                outcome.fail(f"{LABELS[key]}: длиннее {limit} знаков")
            values[key] = text[:limit]
    if "category" in columns and tabular.text(record.get("category")):
        raw = tabular.text(record.get("category"))
        category = CATEGORIES.get(normalize_name(raw).rstrip(".")) or next(
            (c for c in QualificationCategory if normalize_name(c.label) == normalize_name(raw)),
            None)
        if category is None:
            outcome.fail(f"категория «{raw}» не распознана (высшая, первая, соответствие "
                         "занимаемой должности, без категории)")
        else:
            values["category"] = category
    if "experience" in columns and tabular.text(record.get("experience")):
        years = tabular.parse_number(record.get("experience"))
        if years is None or not 0 <= years <= 70:
            outcome.fail(f"педагогический стаж «{tabular.text(record.get('experience'))}» — "
                         "нужно число лет от 0 до 70")
        else:
            values["teaching_since"] = on.year - int(years)
    for key, label in (("birth_date", "дата рождения"), ("hired_on", "дата приёма")):
        if key in columns and tabular.text(record.get(key)):
            day = tabular.parse_date(record.get(key))
            if day is None or not date(1920, 1, 1) <= day <= on:
                outcome.fail(f"{label} «{tabular.text(record.get(key))}» не распознана "
                             "(нужно ДД.ММ.ГГГГ, не позже сегодняшнего дня)")
            else:
                values[key] = day
    if "snils" in columns and tabular.text(record.get("snils")):
        problem = identifiers.snils_problem(record.get("snils"))
        if problem:
            outcome.fail(problem[:1].lower() + problem[1:].rstrip("."))
        else:
            values["snils"] = identifiers.normalize_snils(record.get("snils"))
    return Person(" ".join(name.split()), values)


def _match(person: Person, staff: list[StaffMember], outcome: Outcome) -> StaffMember | None:
    snils = person.values.get("snils")
    born = person.values.get("birth_date")
    if snils:
        found = [m for m in staff if m.snils == snils]
        if found:
            return found[0]
    key = normalize_name(person.full_name)
    same_name = [m for m in staff if normalize_name(m.full_name) == key]
    if born:
        found = [m for m in same_name if m.birth_date == born]
        if len(found) == 1:
            return found[0]
    # a unique full name, unless what is known of the two says they are different people
    alike = [m for m in same_name
             if not (snils and m.snils and m.snils != snils)
             and not (born and m.birth_date and m.birth_date != born)]
    if len(alike) == 1:
        return alike[0]
    if len(alike) > 1:
        outcome.fail(f"в школе {len(alike)} сотрудника с ФИО «{person.full_name}» — укажите "
                     "СНИЛС или дату рождения, чтобы различить их")
    return None


def _shown(key: str, value) -> str:
    if value is None or value == "":
        return ""
    if key == "snils":
        return identifiers.mask_snils(value)
    if key == "birth_date":
        return identifiers.mask_date(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, QualificationCategory):
        return value.label
    return str(value)


def check_file(filename: str, data: bytes, user, *, school_id: int | None = None,
               mark_left: bool = False, on: date | None = None) -> Preview:
    """What importing the list would do, row by row; nothing is written. ``school_id``: the
    school of a list that names none (it must be one whose staff the user keeps)."""
    on = on or today()
    records, ignored, columns = read_file(filename, data)
    schools = _Schools(user)
    default = None
    if school_id is not None:
        default = schools.orgs.get(school_id)
        if default is None:
            raise StaffImportError("Выбранная школа не найдена среди организаций, списки "
                                   "которых вы ведёте.")
    if default is None and not columns & {"school", "school_inn"}:
        raise StaffImportError("В таблице нет столбца «Школа» или «ИНН школы» — выберите "
                               "школу, чей это список.")
    preview = Preview()
    if ignored:
        preview.notes.append("Не использованы столбцы: " + ", ".join(ignored) + ".")
    rows: list[tuple[Outcome, Person, Organization | None]] = []
    for record in records:
        outcome = Outcome(record.number, NEW)
        person = _read_row(record, columns, outcome, on)
        outcome.label = person.full_name or "—"
        school_name = tabular.text(record.get("school"))
        school_inn = identifiers.digits(record.get("school_inn"))
        org = default
        if school_name or school_inn:
            org, problem = schools.find(school_name, school_inn)
            if problem:
                outcome.fail(problem)
        elif default is None:
            outcome.fail("не указана школа")
        rows.append((outcome, person, org))
        preview.add(outcome)
    schools.load_staff({org.id for _, _, org in rows if org is not None})
    matched: dict[int, int] = {}  # staff id → row
    seen: dict[tuple, int] = {}
    for outcome, person, org in rows:
        if org is None or not person.full_name:
            continue
        outcome.note = org.short_name
        member = _match(person, schools.staff[org.id], outcome)
        keys = [(org.id, "snils", person.values["snils"])] if person.values.get("snils") else []
        keys.append((org.id, "name", normalize_name(person.full_name),
                     person.values.get("birth_date")))
        for key in keys:
            if key in seen:
                outcome.fail(f"сотрудник повторяет строку {seen[key]}")
                break
        for key in keys:
            seen.setdefault(key, outcome.number)
        if member is not None:
            if member.id in matched and outcome.status != ERROR:
                outcome.fail(f"сотрудник уже указан в строке {matched[member.id]}")
            matched.setdefault(member.id, outcome.number)
        if outcome.status == ERROR:
            continue
        _describe(outcome, person, org, member)
    if mark_left:
        listed = {org.id for _, _, org in rows if org is not None}
        for org_id in sorted(listed, key=lambda i: schools.orgs[i].short_name):
            for member in sorted(schools.staff[org_id], key=lambda m: m.full_name):
                if member.id in matched or member.left_on is not None:
                    continue
                gone = Outcome(None, CHANGED, member.full_name,
                               [Change(LABELS["left_on"], "", fmt_date(on))],
                               note=f"{schools.orgs[org_id].short_name}: нет в полном списке")
                gone.data.update(member=member, left=True, on=on)
                preview.add(gone)
    preview.extra["left"] = sum(1 for o in preview.outcomes if o.data.get("left"))
    return preview


def _describe(outcome: Outcome, person: Person, org: Organization,
              member: StaffMember | None) -> None:
    outcome.data.update(person=person, org=org, member=member)
    if member is None:
        outcome.status = NEW
        outcome.changes = [Change(LABELS[k], "", _shown(k, v))
                           for k, v in person.values.items()]
        return
    changes = []
    if member.full_name != person.full_name:
        changes.append(Change(LABELS["full_name"], member.full_name, person.full_name))
    for key, value in person.values.items():
        before = getattr(member, key)
        if before != value:
            changes.append(Change(LABELS[key], _shown(key, before), _shown(key, value)))
    if member.left_on is not None:
        changes.append(Change(LABELS["left_on"], fmt_date(member.left_on), ""))
    outcome.changes = changes
    outcome.status = CHANGED if changes else UNCHANGED


@dataclass
class Saved(tabular.Saved):
    left: int = 0  # marked as having left


@transactional
def save(preview: Preview, *, filename: str, by=None) -> Saved:
    """Write a clean preview in one transaction with the import's audit entry."""
    tabular.require_clean(preview, StaffImportError)
    saved = Saved()
    by_id = getattr(by, "id", None)
    for outcome in preview.outcomes:
        if outcome.data.get("left"):
            outcome.data["member"].left_on = outcome.data["on"]
            saved.left += 1
            continue
        person: Person = outcome.data["person"]
        member: StaffMember | None = outcome.data["member"]
        saved.count(outcome, new=member is None)
        if member is None:
            member = StaffMember(organization_id=outcome.data["org"].id, created_by_id=by_id,
                                 full_name=person.full_name,
                                 position=person.values.get("position", "Учитель"))
            db.session.add(member)
        elif outcome.status != CHANGED:
            continue
        member.full_name = person.full_name
        tabular.assign_changed(member, person.values)
        if member.left_on is not None:
            member.left_on = None
    tabular.commit_import(preview, AUDIT_KIND, filename, {
        "новых": saved.created, "изменено": saved.updated, "отмечено уволенными": saved.left,
        "без изменений": saved.unchanged}, object_type="staff_members")
    return saved


def import_file(filename: str, data: bytes, user=None, *, school_id: int | None = None,
                mark_left: bool = False, dry_run: bool = False):
    """Check and (unless ``dry_run`` or an error) save: ``(preview, saved or None)``."""
    preview = check_file(filename, data, user, school_id=school_id, mark_left=mark_left)
    if not preview.ok or dry_run:
        return preview, None
    return preview, save(preview, filename=filename, by=user)


def summary(preview: Preview, saved: Saved | None) -> dict:
    """The command line's ``--json``."""
    if saved is not None:
        return {"created": saved.created, "updated": saved.updated, "left": saved.left,
                "unchanged": saved.unchanged, "errors": preview.errors_json()}
    left = preview.extra.get("left", 0)
    counts = preview.counts
    return {"created": counts[NEW], "updated": counts[CHANGED] - left, "left": left,
            "unchanged": counts[UNCHANGED], "errors": preview.errors_json()}
