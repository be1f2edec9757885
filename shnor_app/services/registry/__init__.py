"""Writes to the registry: organisations, statuses per year, staff, regions, municipalities.

Every function validates, changes, and commits; the audit entry is written in the same
transaction by ``services.audit``. Errors are ``RegistryError`` with a Russian message (and the
form fields they concern); a refused write is rolled back here (``transactional``).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    Attachment, Municipality, Organization, Region, SchoolStatus, SchoolStatusRecord,
    StaffMember, User, utcnow,
)
from ...formatting import plural
from .. import identifiers
from ..errors import ServiceError, transactional
from ..records import soft_delete, store


class RegistryError(ServiceError):
    """A registry rule was broken; the message is Russian and shown to the user."""


@transactional
def save_organization(org: Organization, *, is_new: bool = False) -> Organization:
    org.full_name = (org.full_name or "").strip()
    org.short_name = (org.short_name or "").strip() or org.full_name[:200]
    if not org.full_name:
        raise RegistryError("Укажите полное наименование организации.")
    org.fis_oko_login = (org.fis_oko_login or "").strip().lower() or None
    org.kpp = (org.kpp or "").strip().upper() or None
    for key, check in (("inn", identifiers.inn_problem), ("kpp", identifiers.kpp_problem),
                       ("ogrn", identifiers.ogrn_problem),
                       ("fis_oko_login", identifiers.fis_oko_login_problem)):
        problem = check(getattr(org, key))
        if problem:
            raise RegistryError(problem, {key: problem})
    if org.municipality_id:
        muni = db.session.get(Municipality, org.municipality_id)
        if muni is None:
            raise RegistryError("Муниципалитет не найден.")
        org.region_id = muni.region_id
    if not org.region_id:
        raise RegistryError("Укажите регион или муниципалитет организации.",
                            {"municipality_id": "Выберите муниципалитет."})
    if org.inn and org.head_organization_id is None:
        # a branch shares its head's ИНН; two heads never do
        clash = db.session.scalar(select(Organization).where(
            Organization.inn == org.inn, Organization.id != (org.id or 0),
            Organization.head_organization_id.is_(None), Organization.deleted_at.is_(None)))
        if clash is not None:
            raise RegistryError(f"Организация с ИНН {org.inn} уже есть: {clash.short_name}.")
    if org.fis_oko_login:
        clash = db.session.scalar(select(Organization).where(
            Organization.fis_oko_login == org.fis_oko_login, Organization.id != (org.id or 0),
            Organization.deleted_at.is_(None)))
        if clash is not None:
            message = f"Логин ФИС ОКО {org.fis_oko_login} уже у «{clash.short_name}»."
            raise RegistryError(message, {"fis_oko_login": message})
    return store(org, is_new=is_new)


def organization_dependents(org: Organization) -> dict[str, int]:
    """Live records that hang on an organisation, by their Russian name in plural form."""
    counts = {
        "staff": db.session.scalar(select(func.count()).where(
            StaffMember.organization_id == org.id, StaffMember.deleted_at.is_(None))),
        "users": db.session.scalar(select(func.count()).where(User.organization_id == org.id)),
        "statuses": db.session.scalar(select(func.count()).where(
            SchoolStatusRecord.organization_id == org.id, SchoolStatusRecord.deleted_at.is_(None))),
        "files": db.session.scalar(select(func.count()).where(
            Attachment.object_type == "organizations", Attachment.object_id == org.id,
            Attachment.deleted_at.is_(None))),
    }
    for provider in DEPENDENT_PROVIDERS:
        counts.update(provider(org))
    return {k: v for k, v in counts.items() if v}


# Later modules (roadmaps, partnerships…) add their counts here: fn(org) -> {name: count}.
DEPENDENT_PROVIDERS: list = []

_DEPENDENT_WORDS = {
    "staff": ("сотрудник", "сотрудника", "сотрудников"),
    "users": ("пользователь", "пользователя", "пользователей"),
    "statuses": ("статус", "статуса", "статусов"),
    "files": ("файл", "файла", "файлов"),
}


def describe_dependents(counts: dict[str, int]) -> str:
    parts = []
    for key, n in counts.items():
        words = _DEPENDENT_WORDS.get(key)
        parts.append(f"{n} {plural(n, *words)}" if words else f"{key}: {n}")
    return ", ".join(parts)


@transactional
def delete_organization(org: Organization) -> None:
    """Soft-delete an organisation; refused while records depend on it."""
    dependents = organization_dependents(org)
    if dependents:
        raise RegistryError(
            f"Нельзя удалить «{org.short_name}»: с ней связаны {describe_dependents(dependents)}. "
            "Сначала перенесите или удалите эти записи.")
    soft_delete(org)


@transactional
def add_status(record: SchoolStatusRecord) -> SchoolStatusRecord:
    if record.year is None or not 2000 <= record.year <= 2100:
        raise RegistryError("Укажите год от 2000 до 2100.")
    org = db.session.get(Organization, record.organization_id)
    if org is None or not org.is_school:
        raise RegistryError("Статус присваивается только общеобразовательной организации.")
    dup = db.session.scalar(select(SchoolStatusRecord).where(
        SchoolStatusRecord.organization_id == record.organization_id,
        SchoolStatusRecord.year == record.year, SchoolStatusRecord.status == record.status,
        SchoolStatusRecord.deleted_at.is_(None)))
    if dup is not None:
        raise RegistryError(
            f"У школы уже есть статус «{record.status.label}» на {record.year} год.")
    if record.order_date and record.order_date.year > record.year + 1:
        raise RegistryError("Дата приказа не может быть позже следующего за статусом года.")
    db.session.add(record)
    db.session.commit()
    return record


revoke_status = soft_delete  # statuses are legal records: marked deleted, never erased


def statuses_for(org_ids: list[int], year: int) -> dict[int, list[SchoolStatus]]:
    """Statuses of many organisations for one year in one query: {org_id: [status, …]}."""
    if not org_ids:
        return {}
    rows = db.session.execute(select(SchoolStatusRecord.organization_id, SchoolStatusRecord.status)
                              .where(SchoolStatusRecord.organization_id.in_(org_ids),
                                     SchoolStatusRecord.year == year,
                                     SchoolStatusRecord.deleted_at.is_(None)))
    out: dict[int, list[SchoolStatus]] = {}
    for org_id, status in rows:
        out.setdefault(org_id, []).append(status)
    return out


@transactional
def save_staff(member: StaffMember, *, is_new: bool = False) -> StaffMember:
    member.full_name = " ".join((member.full_name or "").split())
    if not member.full_name:
        raise RegistryError("Укажите ФИО сотрудника.")
    if member.teaching_since is not None and not 1950 <= member.teaching_since <= utcnow().year:
        raise RegistryError("Год начала педагогической деятельности указан неверно.")
    if member.hired_on and member.left_on and member.left_on < member.hired_on:
        raise RegistryError("Дата увольнения не может быть раньше даты приёма.")
    if member.snils:
        problem = identifiers.snils_problem(member.snils)
        if problem:
            raise RegistryError(problem, {"snils": problem})
        member.snils = identifiers.normalize_snils(member.snils)
    if member.birth_date and not date(1920, 1, 1) <= member.birth_date <= utcnow().date():
        raise RegistryError("Дата рождения указана неверно.",
                            {"birth_date": "Дата рождения указана неверно."})
    return store(member, is_new=is_new)


delete_staff = soft_delete


@transactional
def save_region(region: Region, *, is_new: bool = False) -> Region:
    region.name = (region.name or "").strip()
    if not region.name:
        raise RegistryError(fields={"name": "Укажите наименование региона."})
    clash = db.session.scalar(select(Region).where(Region.name == region.name,
                                                   Region.id != (region.id or 0)))
    if clash is not None:
        raise RegistryError(fields={"name": "Регион с таким наименованием уже есть."})
    return store(region, is_new=is_new)


@transactional
def save_municipality(muni: Municipality, *, is_new: bool = False) -> Municipality:
    muni.name = (muni.name or "").strip()
    if not muni.name:
        raise RegistryError(fields={"name": "Укажите наименование муниципалитета."})
    clash = db.session.scalar(select(Municipality).where(
        Municipality.name == muni.name, Municipality.region_id == muni.region_id,
        Municipality.id != (muni.id or 0)))
    if clash is not None:
        raise RegistryError(fields={
            "name": "Муниципалитет с таким наименованием в регионе уже есть."})
    return store(muni, is_new=is_new)
