"""Regions, municipalities, organisations, staff, users, and the base world of the tests."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from shnor_app.extensions import db
from shnor_app.models import (
    Municipality, OrgKind, Organization, Region, Role, SchoolStatus, SchoolStatusRecord,
    StaffMember, User, utcnow,
)
from shnor_app.services.auth import second_factor

PASSWORD = "correct-horse-battery"
# The TOTP secret of every user a factory gives a second factor (admin and region by default).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

_seq = itertools.count(1)


def make_region(name=None) -> Region:
    r = Region(name=name or f"Регион {next(_seq)}")
    db.session.add(r)
    db.session.commit()
    return r


def make_municipality(region, name=None) -> Municipality:
    m = Municipality(region_id=region.id, name=name or f"Муниципалитет {next(_seq)}")
    db.session.add(m)
    db.session.commit()
    return m


def make_org(municipality=None, *, region=None, kind=OrgKind.SCHOOL, short_name=None,
             statuses=(), year=2026, **kw) -> Organization:
    n = next(_seq)
    region_id = municipality.region_id if municipality else region.id
    o = Organization(kind=kind, short_name=short_name or f"МБОУ СОШ № {n}",
                     full_name=kw.pop("full_name", None) or f"Средняя школа № {n}",
                     region_id=region_id,
                     municipality_id=municipality.id if municipality else None, **kw)
    db.session.add(o)
    db.session.flush()
    for s in statuses:
        db.session.add(SchoolStatusRecord(organization_id=o.id, year=year,
                                          status=SchoolStatus[s] if isinstance(s, str) else s))
    db.session.commit()
    return o


def make_authority(municipality, *, short_name="УО Приречного района",
                   full_name="Управление образования администрации Приречного района"):
    """The municipal education authority (of «Приречный район» by its names)."""
    return make_org(municipality, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name=short_name,
                    full_name=full_name)


def make_statuses(org, *years, status=SchoolStatus.LOW_RESULTS):
    """``org`` has ``status`` (ШНОР by default) in each of ``years``."""
    for y in years:
        db.session.add(SchoolStatusRecord(organization_id=org.id, year=y, status=status))
    db.session.commit()


def make_staff(org, full_name=None, **kw) -> StaffMember:
    m = StaffMember(organization_id=org.id, full_name=full_name or f"Учитель {next(_seq)}",
                    position=kw.pop("position", "Учитель"), **kw)
    db.session.add(m)
    db.session.commit()
    return m


def make_user(role: Role | str, *, login=None, password=PASSWORD, totp: bool | None = None,
              **scope) -> User:
    """A user; ``totp`` gives it the second factor with ``TOTP_SECRET`` — by default where the
    role requires one (admin, region), as after their first login."""
    role = Role[role.upper()] if isinstance(role, str) else role
    u = User(login=login or f"{role.name.lower()}{next(_seq)}", full_name=f"Пользователь {role.label}",
             role=role, **scope)
    u.set_password(password)
    if totp if totp is not None else second_factor.second_factor_required(u):
        u.totp_secret = second_factor.encrypt_secret(TOTP_SECRET)
        u.totp_enabled_at = utcnow()
    db.session.add(u)
    db.session.commit()
    return u


@dataclass
class World:
    """Two regions; region 1 has municipalities 1 and 2; one user of every role in region 1.

    - ``school_a`` (ШНОР) and ``tutor_school`` are in municipality 1; ``school_b`` is in
      municipality 2; ``school_far`` in region 2; ``institute`` is regional (no municipality).
    - Users: admin; region (region 1); methodist (municipality 1); tutor (tutor_school);
      school (school_a); viewer (municipality 1); viewer_region (region 1).
    """

    region: Region
    region2: Region
    muni: Municipality
    muni2: Municipality
    muni_far: Municipality
    school_a: Organization
    tutor_school: Organization
    school_b: Organization
    school_far: Organization
    institute: Organization
    users: dict


def region_world() -> World:
    """The base world of the tests (the ``world`` fixture)."""
    region, region2 = make_region("Энская область"), make_region("Дальняя область")
    muni, muni2 = make_municipality(region, "Приречный район"), make_municipality(region, "Заречный район")
    muni_far = make_municipality(region2, "Дальний район")
    school_a = make_org(muni, short_name="МКОУ СОШ с. Заозёрное", statuses=["LOW_RESULTS"])
    tutor_school = make_org(muni, short_name="МБОУ «Гимназия № 2»", statuses=["TUTOR"])
    school_b = make_org(muni2, short_name="МБОУ СОШ № 1 г. Зареченска", statuses=["LOW_RESULTS"])
    school_far = make_org(muni_far, short_name="МБОУ СОШ № 5 г. Дальнего")
    institute = make_org(region=region, kind=OrgKind.INSTITUTE, short_name="ИРО Энской области")
    users = {
        "admin": make_user("admin", login="admin"),
        "region": make_user("region", login="region", region_id=region.id),
        "methodist": make_user("methodist", login="methodist", municipality_id=muni.id),
        "tutor": make_user("tutor", login="tutor", organization_id=tutor_school.id),
        "school": make_user("school", login="school", organization_id=school_a.id),
        "viewer": make_user("viewer", login="viewer", municipality_id=muni.id),
        "viewer_region": make_user("viewer", login="viewerregion", region_id=region.id),
    }
    return World(region, region2, muni, muni2, muni_far, school_a, tutor_school, school_b,
                 school_far, institute, users)
