"""Registry: one region, its municipalities, organisations, school statuses of several years, staff.

Per municipality: the municipal authority (МОУО), a college, ``schools_per_municipality``
schools; region-wide: the ministry, the institute (ИРО) and the assessment centre (РЦОКО).
Statuses: this year's ``low_results_per_municipality`` ШНОР per municipality (the first ones of
``ids["low_results"]``), tutor schools, ШНСУ and risk-zone schools, and the same kinds of lists
for ``status_years - 1`` earlier years (the lists change a little from year to year).

Puts into ``ctx.ids``: ``region``, ``municipalities``, ``authority_by_municipality``,
``regional_orgs`` (ministry, institute, centre), ``schools``,
``schools_by_municipality``, ``low_results``, ``tutor_schools``, ``social_risk``,
``staff_by_school``, ``school_names``.
"""
from __future__ import annotations

from datetime import date

from shnor_app.models import (
    Municipality, OrderKind, OrgKind, Organization, QualificationCategory, Region,
    SchoolStatus, SchoolStatusRecord, StaffMember,
)
from shnor_app.reference_data import STREETS, TEACHING_SUBJECTS
from shnor_app.text import natural_key

from .base import search_text

NEEDS = ("Region", "Municipality", "Organization", "SchoolStatusRecord", "StaffMember")

PLACES = ["Приречный", "Заречный", "Лесной", "Озёрный", "Степной", "Северный", "Южный",
          "Каменский", "Берёзовский", "Сосновский", "Кировский", "Октябрьский", "Первомайский",
          "Советский", "Луговской", "Нагорный", "Подгорный", "Речной", "Полевой", "Ключевской",
          "Светлый", "Красноярский", "Верхний", "Нижний", "Новосельский", "Ольховский",
          "Медвежий", "Каштановый", "Рябиновый", "Кедровый", "Ясный", "Тихий"]
TOWNS = ["Приреченск", "Зареченск", "Лесногорск", "Озёрск", "Степногорск", "Северск",
         "Южноуральск", "Каменск", "Березовск", "Сосновоборск", "Кировск", "Октябрьск",
         "Первомайск", "Советск", "Луговск", "Нагорск", "Подгорск", "Речинск", "Полевск",
         "Ключевск", "Светлогорск", "Краснореченск", "Верхнеозёрск", "Нижнереченск",
         "Новосельск", "Ольховск", "Медвежьегорск", "Каштановск", "Рябиновск", "Кедровск",
         "Ясногорск", "Тихореченск"]
VILLAGES = ["Заозёрное", "Берёзовка", "Каменка", "Ягодное", "Луговое", "Ключи", "Дальнее",
            "Сосновка", "Михайловка", "Покровка", "Ивановка", "Никольское", "Васильевка",
            "Красное", "Раздолье", "Калиновка", "Александровка", "Троицкое", "Успенка"]
SUBJECTS = TEACHING_SUBJECTS
CATEGORIES = [QualificationCategory.HIGHEST, QualificationCategory.FIRST,
              QualificationCategory.FIRST, QualificationCategory.CONFORMITY,
              QualificationCategory.NONE]


def _org(ctx, oid, kind, short, full, region_id, muni_id, **kw) -> dict:
    row = ctx.stamp(
        id=oid, kind=kind, short_name=short, full_name=full, inn=_inn(ctx.rng),
        code=kw.get("code"), address=kw.get("address"), director_name=kw.get("director_name"),
        phone=kw.get("phone"), email=kw.get("email"), region_id=region_id,
        municipality_id=muni_id, deleted_at=None)
    row["search_text"] = search_text(short, full, row["inn"], row["code"],
                                     row["director_name"], row["address"])
    row["sort_name"] = natural_key(short)
    return row


def _genitive(adjective: str) -> str:
    """«Приречный» → «Приречного» (of the district's name)."""
    base = adjective.split("-")[0]
    if base == "Медвежий":
        return "Медвежьего"
    return base[:-2] + ("его" if base.endswith("ний") else "ого")


def _inn(rng) -> str:
    digits = [3, 8] + [rng.randint(0, 9) for _ in range(7)]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    digits.append(sum(w * d for w, d in zip(weights, digits)) % 11 % 10)
    return "".join(map(str, digits))


def generate(ctx) -> None:
    s, rng, year = ctx.scale, ctx.rng, ctx.year
    (region_id,) = ctx.take_ids(Region, 1)
    ctx.insert(Region, [ctx.stamp(id=region_id, name="Энская область")])
    ctx.ids["region"] = region_id

    muni_ids = list(ctx.take_ids(Municipality, s.municipalities))
    places = [PLACES[i % len(PLACES)] + ("" if i < len(PLACES) else f"-{i // len(PLACES) + 1}")
              for i in range(s.municipalities)]
    ctx.insert(Municipality, [ctx.stamp(id=m, region_id=region_id, name=f"{p} район")
                              for m, p in zip(muni_ids, places)])
    ctx.ids["municipalities"] = muni_ids

    orgs: list[dict] = []
    regional = list(ctx.take_ids(Organization, 3))
    for oid, kind, short, full in zip(regional, [
            OrgKind.REGIONAL_AUTHORITY, OrgKind.INSTITUTE, OrgKind.ASSESSMENT_CENTRE], [
            "Министерство образования", "ИРО Энской области", "РЦОКО"], [
            "Министерство образования Энской области",
            "ГАУ ДПО «Институт развития образования Энской области»",
            "ГБУ «Региональный центр оценки качества образования Энской области»"]):
        orgs.append(_org(ctx, oid, kind, short, full, region_id, None,
                         address="г. Энск, ул. Учительская, 5"))
    ctx.ids["regional_orgs"] = regional

    authority, schools_by_muni, names = {}, {}, {}
    for n, (muni_id, place) in enumerate(zip(muni_ids, places)):
        town = TOWNS[n % len(TOWNS)]
        a_id, c_id = ctx.take_ids(Organization, 2)
        gen = _genitive(place)
        orgs.append(_org(ctx, a_id, OrgKind.MUNICIPAL_AUTHORITY, f"УО {gen} района",
                         f"Управление образования администрации {gen} муниципального района",
                         region_id, muni_id, director_name=ctx.person(),
                         address=f"г. {town}, ул. Центральная, 12"))
        orgs.append(_org(ctx, c_id, OrgKind.COLLEGE, f"Техникум г. {town}а",
                         f"ГБПОУ «Аграрно-технологический техникум г. {town}а»",
                         region_id, muni_id, address=f"г. {town}, ул. Полевая, 3"))
        authority[muni_id] = a_id
        ids = list(ctx.take_ids(Organization, s.schools_per_municipality))
        schools_by_muni[muni_id] = ids
        for k, oid in enumerate(ids, start=1):
            if k % 7 == 0:
                kind_name = "Гимназия" if k % 14 else "Лицей"
                short = f"МБОУ «{kind_name} № {k}» г. {town}а"
                full = (f"Муниципальное бюджетное общеобразовательное учреждение «{kind_name} "
                        f"№ {k}» г. {town}а")
                place_text = f"г. {town}"
            elif k % 3:
                short = f"МБОУ СОШ № {k} г. {town}а"
                full = (f"Муниципальное бюджетное общеобразовательное учреждение «Средняя "
                        f"общеобразовательная школа № {k}» г. {town}а")
                place_text = f"г. {town}"
            else:
                village = VILLAGES[(k + muni_id) % len(VILLAGES)]
                short = f"МКОУ СОШ с. {village} ({k})"
                full = (f"Муниципальное казённое общеобразовательное учреждение «Средняя "
                        f"общеобразовательная школа с. {village}» {gen} района")
                place_text = f"с. {village}"
            names[oid] = short
            orgs.append(_org(
                ctx, oid, OrgKind.SCHOOL, short, full, region_id, muni_id,
                code=f"{muni_id:02d}{k:03d}", director_name=ctx.person(),
                address=f"{place} район, {place_text}, {rng.choice(STREETS)}, "
                        f"д. {rng.randint(1, 60)}",
                phone=f"+7 (3822) {rng.randint(20, 99)}-{rng.randint(10, 99)}-"
                      f"{rng.randint(10, 99)}"))
    ctx.insert(Organization, orgs)
    schools = [o for ids in schools_by_muni.values() for o in ids]
    ctx.ids.update(authority_by_municipality=authority, schools_by_municipality=schools_by_muni,
                   schools=schools, school_names=names)
    _statuses(ctx, schools_by_muni)
    _staff(ctx, schools, {o["id"]: o["director_name"] for o in orgs})


def _statuses(ctx, schools_by_muni) -> None:
    s, rng, year = ctx.scale, ctx.rng, ctx.year
    low, tutors, social = [], [], []
    rows = []
    for muni_id, ids in schools_by_muni.items():
        ids = list(ids)
        # Stable roles: the first schools of the list are ШНОР now, the last are tutors.
        now_low = ids[1:1 + s.low_results_per_municipality]
        now_tutor = ids[-s.tutors_per_municipality:]
        rest = [i for i in ids if i not in now_low and i not in now_tutor]
        now_social = rest[:max(1, s.low_results_per_municipality // 2)]
        now_risk = rest[len(now_social):len(now_social) + s.low_results_per_municipality - 1]
        low += now_low
        tutors += now_tutor
        social += now_social
        for back in range(s.status_years):
            y = year - back
            order = (OrderKind.ORDER, str(40 + back * 7 + muni_id % 5), date(y, 1, 19))
            if back == 0:
                lists = ((SchoolStatus.LOW_RESULTS, now_low), (SchoolStatus.TUTOR, now_tutor),
                         (SchoolStatus.SOCIAL_RISK, now_social),
                         (SchoolStatus.RISK_ZONE, now_risk))
            else:  # earlier years: mostly the same schools, some that have since improved
                shuffled = rng.sample(rest, k=min(len(rest), s.low_results_per_municipality))
                lists = ((SchoolStatus.LOW_RESULTS, now_low[:-1] + shuffled[:1]),
                         (SchoolStatus.TUTOR, now_tutor), (SchoolStatus.SOCIAL_RISK, now_social),
                         (SchoolStatus.RISK_ZONE, shuffled[1:]))
            for status, org_ids in lists:
                for oid in org_ids:
                    rows.append(ctx.stamp(
                        organization_id=oid, year=y, status=status, order_kind=order[0],
                        order_number=order[1], order_date=order[2], note=None, deleted_at=None))
    ctx.insert(SchoolStatusRecord, rows, new_ids=True)
    ctx.ids.update(low_results=low, tutor_schools=tutors, social_risk=social)


def _staff(ctx, schools, directors) -> None:
    s, rng, year = ctx.scale, ctx.rng, ctx.year
    rows, by_school = [], {}
    ids = iter(ctx.take_ids(StaffMember, len(schools) * s.staff_per_school))
    for oid in schools:
        mine = []
        for k in range(s.staff_per_school):
            sid = next(ids)
            mine.append(sid)
            if k == 0:
                name, position, subjects, management = directors[oid], "Директор", None, True
            elif k == 1:
                name, position, subjects, management = (
                    ctx.person(), "Заместитель директора по УВР", "Математика", True)
            else:
                name, position, subjects, management = (
                    ctx.person(), "Учитель", rng.choice(SUBJECTS), False)
            since = rng.randint(1980, year)
            rows.append(ctx.stamp(
                id=sid, organization_id=oid, full_name=name, position=position,
                subjects=subjects, category=rng.choice(CATEGORIES), teaching_since=since,
                young_specialist=year - since <= 3, management=management, email=None,
                hired_on=date(since, 9, 1), left_on=None, deleted_at=None,
                search_text=search_text(name, position, subjects)))
        by_school[oid] = mine
    ctx.insert(StaffMember, rows)
    ctx.ids["staff_by_school"] = by_school
