"""Demo data: the fictional «Приречный район» of «Энская область».

Fourteen schools of every status with staff, the municipal authority, the regional institute,
the assessment centre, a college, a second municipality (to show scopes), and one user of every
role with a random password printed once. Deterministic apart from the passwords.
"""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    Municipality, OrderKind, OrgKind, Organization, QualificationCategory, Region, Role,
    SchoolStatus, SchoolStatusRecord, StaffMember, User, utcnow,
)
from .auth import accounts
from ..formatting import today
from .. import reference_data as ref

# The demo draws from the first part of each list of reference names.
SURNAMES_M = ref.SURNAMES[:28]
NAMES_M = ref.NAMES_M[:12]
NAMES_F = ref.NAMES_F[:15]
PATRONYMICS = ref.PATRONYMICS[:10]
SUBJECTS = ref.TEACHING_SUBJECTS[:12]

# (short name, full name, statuses this year, statuses last year)
SCHOOLS = [
    ("МБОУ СОШ № 1 г. Приреченска", "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1» г. Приреченска", ["TUTOR"], ["TUTOR"]),
    ("МБОУ «Гимназия № 2»", "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 2» г. Приреченска", ["TUTOR"], ["TUTOR"]),
    ("МБОУ СОШ № 3 г. Приреченска", "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 3» г. Приреченска", ["LOW_RESULTS", "PROJECT_500"], ["LOW_RESULTS"]),
    ("МБОУ «Лицей № 4»", "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 4» г. Приреченска", ["TUTOR"], []),
    ("МКОУ СОШ с. Заозёрное", "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа с. Заозёрное»", ["LOW_RESULTS"], ["RISK_ZONE"]),
    ("МКОУ ООШ д. Берёзовка", "Муниципальное казённое общеобразовательное учреждение «Основная общеобразовательная школа д. Берёзовка»", ["LOW_RESULTS", "SOCIAL_RISK"], ["LOW_RESULTS"]),
    ("МКОУ СОШ п. Лесной", "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа п. Лесной»", ["SOCIAL_RISK"], ["SOCIAL_RISK"]),
    ("МБОУ СОШ № 7 г. Приреченска", "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 7» г. Приреченска", ["RISK_ZONE"], []),
    ("МКОУ СОШ с. Каменка", "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа с. Каменка»", ["RISK_ZONE"], ["LOW_RESULTS"]),
    ("МКОУ СОШ с. Ягодное", "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа с. Ягодное»", ["LOW_RESULTS"], ["LOW_RESULTS"]),
    ("МКОУ НОШ д. Ключи", "Муниципальное казённое общеобразовательное учреждение «Начальная общеобразовательная школа д. Ключи»", ["RISK_ZONE"], []),
    ("МБОУ СОШ № 12 г. Приреченска", "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 12» г. Приреченска", [], []),
    ("МКОУ СОШ с. Луговое", "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа с. Луговое»", ["SOCIAL_RISK"], []),
    ("МБОУ СОШ № 14 г. Приреченска", "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 14» г. Приреченска", [], ["RISK_ZONE"]),
]


STREETS = ref.STREETS[:8]


def _address(rng: random.Random, short: str) -> str:
    place = "г. Приреченск" if "Приреченска" in short or "Гимназия" in short or "Лицей" in short \
        else short.split(" ", 2)[-1].replace("с. ", "с. ").strip()
    return f"Приречный район, {place}, {rng.choice(STREETS)}, д. {rng.randint(1, 60)}"


def database_has_data() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Region))) or \
        bool(db.session.scalar(select(func.count()).select_from(User)))


def _person(rng: random.Random) -> tuple[str, bool]:
    female = rng.random() < 0.75  # Russian schools: most teachers are women
    surname = rng.choice(SURNAMES_M)
    if female:
        surname = surname[:-2] + "ёва" if surname.endswith("ёв") else surname + "а"
        return f"{surname} {rng.choice(NAMES_F)} {rng.choice(PATRONYMICS)}на", True
    return f"{surname} {rng.choice(NAMES_M)} {rng.choice(PATRONYMICS)}ич", False


def _inn(rng: random.Random) -> str:
    while True:
        digits = [3, 8] + [rng.randint(0, 9) for _ in range(7)]
        weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        digits.append(sum(w * d for w, d in zip(weights, digits)) % 11 % 10)
        return "".join(map(str, digits))


def load() -> list[tuple[str, str, str]]:
    """Create the demo data in one transaction; return (role, login, password) triples."""
    # bandit B311: repeatable demo data, not security
    rng = random.Random(2023)  # nosec B311
    year = today().year
    region = Region(name="Энская область")
    db.session.add(region)
    db.session.flush()
    muni = Municipality(region_id=region.id, name="Приречный район")
    other = Municipality(region_id=region.id, name="Заречный район")
    db.session.add_all([muni, other])
    db.session.flush()

    def org(kind, short, full, municipality=None, **kw):
        o = Organization(kind=kind, short_name=short, full_name=full, region_id=region.id,
                         municipality_id=municipality.id if municipality else None,
                         inn=_inn(rng), **kw)
        db.session.add(o)
        return o

    org(OrgKind.REGIONAL_AUTHORITY, "Министерство образования", "Министерство образования Энской области",
        address="г. Энск, пл. Советов, 1")
    org(OrgKind.INSTITUTE, "ИРО Энской области", "ГАУ ДПО «Институт развития образования Энской области»",
              address="г. Энск, ул. Учительская, 5")
    org(OrgKind.ASSESSMENT_CENTRE, "РЦОКО", "ГБУ «Региональный центр оценки качества образования Энской области»",
        address="г. Энск, ул. Ленина, 40")
    org(OrgKind.MUNICIPAL_AUTHORITY, "УО Приречного района",
                    "Управление образования администрации Приречного муниципального района", muni,
                    address="г. Приреченск, ул. Центральная, 12", director_name="Смирнова Ольга Викторовна")
    org(OrgKind.COLLEGE, "Приреченский аграрный техникум",
        "ГБПОУ «Приреченский аграрно-технологический техникум»", muni,
        address="г. Приреченск, ул. Полевая, 3")
    schools = []
    for i, (short, full, now, before) in enumerate(SCHOOLS, start=1):
        director, _ = _person(rng)
        s = org(OrgKind.SCHOOL, short, full, muni, director_name=director,
                address=_address(rng, short), code=f"PR{i:03d}",
                phone=f"+7 (812) 55-{10 + i:02d}-{30 + i:02d}")
        schools.append((s, now, before))
    for short, full in [("МБОУ СОШ № 1 г. Зареченска", "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1» г. Зареченска"),
                        ("МКОУ СОШ с. Дальнее", "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная школа с. Дальнее»")]:
        s = org(OrgKind.SCHOOL, short, full, other, director_name=_person(rng)[0])
        schools.append((s, ["LOW_RESULTS"], []))
    db.session.flush()

    order_now = (OrderKind.ORDER, "79", date(year, 1, 19))
    order_before = (OrderKind.ORDER, "54", date(year - 1, 1, 23))
    for s, now, before in schools:
        for names, (kind, number, day), y in ((now, order_now, year), (before, order_before, year - 1)):
            for name in names:
                db.session.add(SchoolStatusRecord(
                    organization_id=s.id, year=y, status=SchoolStatus[name], order_kind=kind,
                    order_number=number, order_date=day))
        for _ in range(rng.randint(8, 14)):
            name, _female = _person(rng)
            since = rng.randint(1985, year)
            db.session.add(StaffMember(
                organization_id=s.id, full_name=name, position="Учитель",
                subjects=rng.choice(SUBJECTS),
                category=rng.choice(list(QualificationCategory)), teaching_since=since,
                young_specialist=year - since <= 3, hired_on=date(since, 9, 1)))
        db.session.add(StaffMember(organization_id=s.id, full_name=s.director_name,
                                   position="Директор", management=True,
                                   category=QualificationCategory.FIRST,
                                   teaching_since=rng.randint(1985, 2005)))
        db.session.add(StaffMember(organization_id=s.id, full_name=_person(rng)[0],
                                   position="Заместитель директора по УВР", management=True,
                                   category=QualificationCategory.HIGHEST,
                                   teaching_since=rng.randint(1990, 2010)))
    db.session.flush()

    tutor_school = schools[0][0]
    low_school = schools[2][0]
    people = [
        (Role.ADMIN, "admin", "Администратор системы", {}),
        (Role.REGION, "region", "Орлова Марина Сергеевна", {"region_id": region.id}),
        (Role.METHODIST, "methodist", "Кузнецова Елена Петровна", {"municipality_id": muni.id}),
        (Role.TUTOR, "tutor", "Лебедева Ирина Николаевна", {"organization_id": tutor_school.id}),
        (Role.SCHOOL, "school", "Зайцева Татьяна Андреевна", {"organization_id": low_school.id}),
        (Role.VIEWER, "viewer", "Никитин Павел Олегович", {"municipality_id": muni.id}),
    ]
    out = []
    for role, login, name, scope in people:
        password = accounts.generate_password()
        user = User(login=login, full_name=name, role=role, email=f"{login}@example.org", **scope)
        user.set_password(password)
        db.session.add(user)
        out.append((role.label, login, password))
    load_roadmaps()
    load_partnerships()
    load_monitoring()
    load_interviews()
    load_mentoring_and_visits()
    load_courses()
    db.session.commit()
    return out


def load_roadmaps() -> None:
    """One municipal roadmap imported from a real document (years moved to the current one),
    with a few statuses and reports, so that a new user sees the table, overdue items and the
    monitoring report filled in. Called by :func:`load` inside its transaction.
    """
    import re
    from datetime import timedelta
    from pathlib import Path

    from ..models import ItemReport, ItemStatus, RoadmapItem
    from . import roadmaps as roadmap_service
    from .roadmaps.imports import parse_text

    db.session.flush()
    year = today().year
    shift = {"2022": str(year - 1), "2023": str(year), "2024": str(year + 1)}
    raw = (Path(__file__).parent / "demo_data" / "municipal-roadmap-pervomaisky-2023.txt") \
        .read_text(encoding="utf-8")
    text = re.sub(r"(?<!\d)(2022|2023|2024)(?!\d)", lambda m: shift[m.group(1)], raw)
    text = text.replace("Первомайского района", "Приречного района") \
        .replace("Первомайское РУО", "УО Приречного района")
    owner = db.session.scalar(select(Organization).where(
        Organization.kind == OrgKind.MUNICIPAL_AUTHORITY, Organization.short_name == "УО Приречного района"))
    methodist = db.session.scalar(select(User).where(User.login == "methodist"))
    result = roadmap_service.import_parsed(parse_text(text), owner=owner, by=methodist,
                                           source_name="Дорожная карта Приречного района.txt",
                                           commit=False)
    items = db.session.scalars(select(RoadmapItem).where(
        RoadmapItem.roadmap_id == result.roadmap.id).order_by(
        RoadmapItem.section_id, RoadmapItem.position)).all()
    now = today()
    for i, item in enumerate(items):
        if item.period_end and item.period_end < now - timedelta(days=20) and i % 3 != 2:
            item.status = ItemStatus.DONE
            item.actual_result = "Выполнено в срок. " + (item.expected_result or "")[:200]
        elif item.period_start and item.period_start <= now and i % 2 == 0:
            item.status = ItemStatus.IN_PROGRESS
            db.session.add(ItemReport(
                item_id=item.id, report_date=now - timedelta(days=3), author_id=methodist.id,
                text="Работа ведётся по плану: проведены встречи с управленческими командами ШНОР.",
                created_by_id=methodist.id))
    if len(items) > 4:
        items[-1].status = ItemStatus.CANCELLED


def load_partnerships() -> None:
    """Partnerships of the Приречный район's supported schools with the tutor schools, the
    college and the institute, a season of joint events, and a practice bank, so that the map
    and the quarterly indicators are filled in. Called by :func:`load` inside its transaction.
    """
    from datetime import timedelta

    from ..models import (
        EventKind, EventVenue, JointEvent, PartnerKind, Partnership, PartnershipPerson,
        PartnershipSide, PartnershipStatus, Practice, PracticeLink, PracticeProblem,
    )

    db.session.flush()
    now = today()
    by_name = {o.short_name: o for o in db.session.scalars(select(Organization))}
    methodist = db.session.scalar(select(User).where(User.login == "methodist"))
    tutor_user = db.session.scalar(select(User).where(User.login == "tutor"))
    staff: dict[int, list[StaffMember]] = {}
    for m in db.session.scalars(select(StaffMember).order_by(StaffMember.id)):
        staff.setdefault(m.organization_id, []).append(m)

    def head(org):  # the director and the deputy come last in the demo staff lists
        people = staff.get(org.id, [])
        return [m for m in people if m.management] or people[:1]

    start_year = now.year - 1 if now.month < 9 else now.year
    pairs = [  # school, partner, agreement no., start, subject, status
        ("МБОУ СОШ № 3 г. Приреченска", "МБОУ СОШ № 1 г. Приреченска", "14/1", date(start_year - 1, 9, 1),
         "Методическое сопровождение подготовки к ГИА по математике и русскому языку", "ACTIVE"),
        ("МКОУ СОШ с. Заозёрное", "МБОУ «Гимназия № 2»", "15", date(start_year, 9, 1),
         "Повышение качества преподавания в 5–9 классах: взаимопосещение уроков, наставничество",
         "ACTIVE"),
        ("МКОУ ООШ д. Берёзовка", "МБОУ «Гимназия № 2»", "16", date(start_year, 9, 10),
         "Развитие читательской грамотности обучающихся начальной и основной школы", "ACTIVE"),
        ("МКОУ СОШ с. Ягодное", "МБОУ «Лицей № 4»", "17", date(start_year, 10, 1),
         "Сопровождение управленческой команды: ВСОКО, анализ результатов ВПР", "ACTIVE"),
        ("МКОУ СОШ с. Каменка", "Приреченский аграрный техникум", "3-СП", date(start_year - 1, 11, 1),
         "Профориентация и предпрофильная подготовка обучающихся 8–9 классов", "ACTIVE"),
        ("МБОУ СОШ № 7 г. Приреченска", "ИРО Энской области", "112/ИРО", date(start_year, 9, 15),
         "Адресная методическая помощь по результатам диагностики профессиональных дефицитов",
         "ACTIVE"),
        ("МКОУ СОШ п. Лесной", "МБОУ СОШ № 1 г. Приреченска", "9", date(start_year - 1, 9, 1),
         "Совместная работа по профилактике учебной неуспешности", "SUSPENDED"),
        ("МКОУ НОШ д. Ключи", "МБОУ «Лицей № 4»", "5", date(start_year - 2, 9, 1),
         "Методическая поддержка учителей начальных классов", "FINISHED"),
    ]
    partnerships = []
    for school_name, partner_name, number, start, subject, status in pairs:
        school, partner = by_name[school_name], by_name[partner_name]
        p = Partnership(
            school_id=school.id, partner_id=partner.id,
            partner_kind=PartnerKind.for_org_kind(partner.kind),
            status=PartnershipStatus[status], agreement_number=number,
            agreement_date=start - timedelta(days=7), start_date=start,
            end_date=date(start.year + 1, 6, 30) if status == "FINISHED" else None,
            subject=subject, school_name=school.short_name, partner_name=partner.short_name,
            plan="1. Взаимопосещение уроков — ежемесячно.\n2. Семинары для учителей школы — "
                 "1 раз в четверть.\n3. Консультации управленческой команды — по запросу.",
            created_by_id=methodist.id)
        db.session.add(p)
        db.session.flush()
        for side, org in ((PartnershipSide.SCHOOL, school), (PartnershipSide.PARTNER, partner)):
            for n, m in enumerate(head(org)[:1]):
                db.session.add(PartnershipPerson(
                    partnership_id=p.id, side=side, position_no=n, staff_member_id=m.id,
                    full_name=m.full_name, job_title=m.position))
        if not head(partner):
            db.session.add(PartnershipPerson(
                partnership_id=p.id, side=PartnershipSide.PARTNER, position_no=0,
                full_name="Соколова Анна Викторовна", job_title="методист"))
        partnerships.append(p)

    events = [  # partnership index, days ago, kind, venue, topic, school, partner, result
        (0, 200, "SEMINAR", "SCHOOL", "Анализ типичных ошибок ОГЭ по математике", 12, 3,
         "Составлен план коррекционной работы по темам «Геометрия» и «Текстовые задачи»."),
        (0, 120, "OPEN_LESSON", "PARTNER", "Открытый урок алгебры в 9 классе: работа с заданиями второй части", 4, 2,
         "Учителя СОШ № 3 освоили приём «разбор решения по шагам»."),
        (0, 40, "CONSULTATION", "SCHOOL", "Индивидуальные консультации учителей русского языка по итоговому сочинению", 5, 2,
         "Скорректированы планы подготовки 11 класса."),
        (0, 8, "SEMINAR", "SCHOOL", "Формирующее оценивание на уроках математики", 14, 4,
         "Решение: внедрить листы самооценки в 5–7 классах."),
        (1, 150, "MASTER_CLASS", "PARTNER", "Мастер-класс «Приёмы смыслового чтения на уроках истории»", 6, 2,
         "Приёмы включены в рабочие программы 5–6 классов."),
        (1, 60, "SEMINAR", "SCHOOL", "Методический семинар «Работа со слабоуспевающими обучающимися»", 15, 3,
         "Составлены индивидуальные маршруты для 23 обучающихся."),
        (1, 20, "TEACHERS_COUNCIL", "SCHOOL", "Педагогический совет «Результаты ВПР и план коррекции»", 18, 2,
         "Утверждён план коррекционной работы на четверть."),
        (2, 90, "OPEN_LESSON", "SCHOOL", "Открытый урок литературного чтения во 2 классе", 5, 2,
         "Учителя начальных классов обменялись приёмами работы с текстом."),
        (2, 15, "CONSULTATION", "ONLINE", "Консультация по диагностике читательской грамотности", 3, 1,
         "Выбраны диагностические работы для 4 и 6 классов."),
        (3, 70, "CONSULTATION", "SCHOOL", "Консультация управленческой команды по положению о ВСОКО", 3, 2,
         "Положение о ВСОКО доработано и утверждено."),
        (4, 110, "OPEN_DAY", "PARTNER", "День открытых дверей в техникуме для 8–9 классов", 27, 5,
         "Проведены профессиональные пробы по трём специальностям."),
        (4, 30, "MASTER_CLASS", "SCHOOL", "Мастер-класс «Основы агрономии» для 9 класса", 16, 2, None),
        (5, 45, "SEMINAR", "PARTNER", "Семинар ИРО «Диагностика профессиональных дефицитов»", 4, 1,
         "Учителя прошли диагностику; составлены ИОМ."),
        (7, 500, "SEMINAR", "SCHOOL", "Семинар «Техника чтения в 1–4 классах»", 6, 2,
         "Подготовлены памятки для родителей."),
    ]
    for idx, days, kind, venue, topic, n_school, n_partner, result in events:
        p = partnerships[idx]
        day = max(now - timedelta(days=days), p.start_date)
        creator = tutor_user if p.partner_id == tutor_user.organization_id else methodist
        db.session.add(JointEvent(
            partnership_id=p.id, event_date=day, kind=EventKind[kind], venue=EventVenue[venue],
            topic=topic, school_participants=n_school, partner_participants=n_partner,
            result=result, created_by_id=creator.id))

    gymnasium, school1 = by_name["МБОУ «Гимназия № 2»"], by_name["МБОУ СОШ № 1 г. Приреченска"]
    lyceum, authority = by_name["МБОУ «Лицей № 4»"], by_name["УО Приречного района"]
    practices = [
        (gymnasium, "Смысловое чтение на уроках истории и обществознания",
         "Читательская грамотность, 5–7 классы", PracticeProblem.WEAK_READING,
         "Система приёмов работы с текстом учебника и историческими источниками: «инсерт», "
         "«фишбоун», вопросы к тексту по уровням. Каждый урок содержит этап работы с текстом "
         "не менее 10 минут; раз в четверть — диагностическая работа.",
         "Доля обучающихся 6 классов, справившихся с заданиями на смысловое чтение ВПР, выросла с "
         "41% до 63% за год."),
        (school1, "Индивидуальный маршрут подготовки к ОГЭ по математике",
         "ОГЭ, математика, 9 класс", PracticeProblem.EXAM_PREPARATION,
         "По итогам входной диагностики для каждого ученика составляется маршрут из тем, "
         "которые он должен закрыть; консультации по группам «риска», «базы» и «повышенного "
         "уровня»; еженедельный мини-тест в электронном виде.",
         "Доля неудовлетворительных результатов ОГЭ по математике снизилась с 18% до 4%."),
        (lyceum, "Клуб «Учись учиться» для обучающихся с низкой мотивацией",
         "Мотивация, 5–8 классы", PracticeProblem.LOW_MOTIVATION,
         "Еженедельные встречи в формате игры: цели на неделю, дневник успехов, наставник из "
         "старшеклассников. Родители получают короткий отчёт раз в месяц.",
         "Посещаемость дополнительных занятий выросла вдвое; число неуспевающих по итогам "
         "четверти сократилось с 17 до 6 человек."),
        (authority, "Муниципальный методический десант в ШНОР",
         "Выездная методическая помощь", PracticeProblem.TEACHER_SKILLS,
         "Команда из методиста, учителя-тьютора и психолога проводит в школе день: посещение "
         "уроков, разбор, мастер-класс, план на четверть. Через четверть — повторный выезд.",
         "Все школы-участники выполнили не менее 80% рекомендаций в срок."),
        (gymnasium, "Взаимопосещение уроков «пара учителей»",
         "Наставничество, профессиональные дефициты", PracticeProblem.TEACHER_SKILLS,
         "Учитель ШНОР и учитель гимназии в течение четверти посещают уроки друг друга по "
         "согласованному плану с общим листом наблюдения.",
         None),
    ]
    created = []
    for org, title, topic, problem, description, results in practices:
        pr = Practice(title=title, author_org_id=org.id, topic=topic, problem=problem,
                      description=description, results=results, org_name=org.short_name,
                      authors=", ".join(m.full_name for m in head(org)[:2]),
                      created_by_id=(tutor_user if org.id == tutor_user.organization_id
                                     else methodist).id)
        db.session.add(pr)
        created.append(pr)
    db.session.flush()
    for p_idx, pr_idx in ((0, 1), (1, 0), (1, 4), (2, 0)):
        db.session.add(PracticeLink(practice_id=created[pr_idx].id, object_type="partnerships",
                                    object_id=partnerships[p_idx].id, created_by_id=methodist.id))
def load_mentoring_and_visits() -> None:
    """Mentoring pairs of every kind with plans, and visits of the tutor school and the curator
    to «МБОУ СОШ № 3» with lessons, findings (and recommendations, when that module is there),
    so that the lists, the cards and the start pages are not empty. Called by :func:`load`.
    """
    from datetime import timedelta

    from ..models import (MentoringPair, MentoringStep, PairKind, PairStatus, Visit, VisitKind,
                          VisitLesson, VisitVisitor)

    db.session.flush()
    now = today()
    by_name = {o.short_name: o for o in db.session.scalars(select(Organization))}
    tutor, gymnasium = by_name["МБОУ СОШ № 1 г. Приреченска"], by_name["МБОУ «Гимназия № 2»"]
    low, berezovka = by_name["МБОУ СОШ № 3 г. Приреченска"], by_name["МКОУ ООШ д. Берёзовка"]
    authority = by_name["УО Приречного района"]
    users = {u.login: u for u in db.session.scalars(select(User))}
    methodist, tutor_user = users["methodist"], users["tutor"]
    tutor_user.position = "Заместитель директора по УВР"

    def staff(org, subject=None, young=None):
        stmt = select(StaffMember).where(StaffMember.organization_id == org.id,
                                         StaffMember.position == "Учитель")
        if subject:
            stmt = stmt.where(StaffMember.subjects == subject)
        if young is not None:
            stmt = stmt.where(StaffMember.young_specialist.is_(young))
        return db.session.scalars(stmt.order_by(StaffMember.id)).first() or \
            db.session.scalars(select(StaffMember).where(
                StaffMember.organization_id == org.id).order_by(StaffMember.id)).first()

    mentor_t, mentee_t = staff(tutor, "Математика"), staff(low, "Математика")
    pairs = [
        MentoringPair(kind=PairKind.SCHOOL, mentor_org_id=tutor.id, mentee_org_id=low.id,
                      goals="Повышение качества подготовки к ОГЭ по математике и русскому "
                            "языку; перенос практик школы-тьютора в работу МБОУ СОШ № 3.",
                      start_date=date(now.year, 1, 20), end_date=date(now.year, 12, 25),
                      status=PairStatus.ACTIVE, created_by_id=methodist.id),
        MentoringPair(kind=PairKind.TEACHER, mentor_org_id=tutor.id, mentee_org_id=low.id,
                      mentor_staff_id=mentor_t.id, mentee_staff_id=mentee_t.id,
                      goals="Преодоление методических затруднений в работе с обучающимися "
                            "с низкой мотивацией; подготовка к ОГЭ.",
                      start_date=date(now.year, 2, 1), end_date=date(now.year, 12, 25),
                      status=PairStatus.ACTIVE, created_by_id=methodist.id),
        MentoringPair(kind=PairKind.MANAGEMENT, mentor_org_id=authority.id,
                      mentee_org_id=berezovka.id, curator_id=methodist.id,
                      goals="Разработка и реализация антирисковых программ; выстраивание "
                            "внутренней системы оценки качества (ВСОКО).",
                      start_date=date(now.year, 2, 15), status=PairStatus.ACTIVE,
                      created_by_id=methodist.id),
        MentoringPair(kind=PairKind.SCHOOL, mentor_org_id=gymnasium.id,
                      mentee_org_id=berezovka.id, goals="Сетевое сопровождение по читательской "
                      "грамотности.", start_date=date(now.year - 1, 9, 1),
                      end_date=date(now.year - 1, 12, 28), status=PairStatus.COMPLETED,
                      result="Проведено 6 совместных занятий; доля «2» по ВПР (русский язык) "
                             "снизилась с 34 % до 21 %.", created_by_id=methodist.id),
    ]
    db.session.add_all(pairs)
    db.session.flush()
    plan = [
        ("Диагностика профессиональных дефицитов наставляемого", -50, True),
        ("Взаимопосещение уроков (не менее 4)", -10, False),
        ("Совместная разработка заданий для подготовки к ОГЭ", 20, False),
        ("Открытый урок наставляемого, анализ", 60, False),
    ]
    for pair in pairs[:3]:
        for i, (text, days, done) in enumerate(plan, start=1):
            db.session.add(MentoringStep(
                pair_id=pair.id, position=i, text=text, due_date=now + timedelta(days=days),
                done_on=now + timedelta(days=days - 3) if done else None,
                note="Проведена, составлена карта дефицитов." if done else None,
                created_by_id=methodist.id))

    def visit(kind, day, school, org, who, purpose, findings, lessons=(), pair=None, **kw):
        v = Visit(kind=kind, visit_date=day, school_id=school.id, visiting_org_id=org.id,
                  pair_id=pair.id if pair else None, purpose=purpose, findings=findings,
                  consultations=kw.get("consultations", ""),
                  documents_reviewed=kw.get("documents", ""), created_by_id=who[0][2])
        v.visitors = [VisitVisitor(position=i, full_name=name, job_title=title, user_id=uid)
                      for i, (name, title, uid) in enumerate(who)]
        v.lessons = [VisitLesson(position=i, staff_id=s.id if s else None,
                                 teacher_name=s.full_name if s else name, subject=subj,
                                 grade=grade, focus=focus, assessment=mark)
                     for i, (s, name, subj, grade, focus, mark) in enumerate(lessons)]
        db.session.add(v)
        return v

    tutor_who = [(tutor_user.full_name, tutor_user.position, tutor_user.id),
                 (mentor_t.full_name, "учитель математики", None)]
    visits = [
        visit(VisitKind.LESSONS, now - timedelta(days=12), low, tutor, tutor_who,
              "Посещение уроков математики в 7–9 классах, консультирование учителей",
              "Уроки выстроены по плану, но задания не дифференцированы; слабые обучающиеся "
              "пассивны. Формирующее оценивание не используется.",
              lessons=[(mentee_t, "", "Математика", "7 «Б»", "Работа с обучающимися с низкой "
                        "мотивацией", "Урок выстроен, нет дифференциации заданий"),
                       (staff(low, "Русский язык и литература"), "", "Русский язык", "9 «А»",
                        "Подготовка к ОГЭ: сжатое изложение", "Хорошая работа с текстом")],
              pair=pairs[1], consultations="Консультация для методического объединения "
              "учителей математики по подготовке к ОГЭ",
              documents="Рабочие программы по математике 7–9 классов"),
        visit(VisitKind.LANDING, now - timedelta(days=40), berezovka, authority,
              [(methodist.full_name, "методист УО", methodist.id)],
              "Методический десант: анализ антирисковых программ школы",
              "Антирисковые программы разработаны формально, показатели не измеримы.",
              pair=pairs[2], documents="Антирисковые программы, план ВСОКО"),
    ]
    db.session.flush()
    _demo_visit_recommendations(visits, now)
# (procedure, subject, grade) of the demo results: ВПР in grades 4–8, ОГЭ, ЕГЭ.
DEMO_PROCEDURES = [("VPR", s, g) for s in ref.VPR_SUBJECTS for g in ref.VPR_GRADES] + ref.EXAMS


def _demo_share(rng: random.Random, base: float, trend: float, k: int, proc: str) -> float:
    scale = {"VPR": 1.0, "OGE": 0.8, "EGE": 0.35}[proc]
    value = (base - trend * k) * scale + rng.uniform(-6, 6)
    return round(max(0.0, min(95.0, value)), 1)


def load_monitoring() -> None:
    """Five years of assessment results for the demo schools (so that the charts have lines and
    the federal rule flags the schools that are ШНОР now), an indicator system in the style of
    the Slavyansky sample, and risk profiles of the ШНОР with one anti-risk programme.
    Called by :func:`load` inside its transaction.
    """
    from ..models import (
        AssessmentResult, Indicator, IndicatorScoring, Procedure, RiskLevel, SchoolRisk,
    )
    from .monitoring import risks

    # bandit B311: repeatable demo data, not security
    rng = random.Random(500)  # nosec B311
    year = today().year
    risks.ensure_federal_factors(commit=False)
    schools = db.session.scalars(select(Organization).where(
        Organization.kind == OrgKind.SCHOOL).order_by(Organization.id)).all()
    now = {s.id: {r.status for r in db.session.scalars(select(SchoolStatusRecord).where(
        SchoolStatusRecord.organization_id == s.id, SchoolStatusRecord.year == year))}
        for s in schools}
    for s in schools:
        st = now[s.id]
        if SchoolStatus.LOW_RESULTS in st:
            base, trend = 44.0, 2.5      # low results, slowly improving
        elif SchoolStatus.RISK_ZONE in st:
            base, trend = 22.0, -2.0     # getting worse: the «risk zone»
        elif SchoolStatus.TUTOR in st:
            base, trend = 6.0, 0.5
        else:
            base, trend = 15.0, 0.5
        for k, y in enumerate(range(year - 4, year + 1)):
            for proc, subject, grade in DEMO_PROCEDURES:
                if ("НОШ" in s.short_name and grade > 4) or \
                        ("ООШ" in s.short_name and proc == "EGE"):
                    continue  # a primary school has grades 1–4, a basic one 1–9
                share_2 = _demo_share(rng, base, trend, k, proc)
                share_5 = round(max(0.0, min(100 - share_2, 45 - share_2 * 0.8 +
                                             rng.uniform(-5, 5))), 1)
                mean = round(3 + (share_5 - share_2) / 50, 2) if proc == "VPR" else \
                    round(max(8.0, 70 - share_2 * 0.9 + rng.uniform(-4, 4)), 1)
                db.session.add(AssessmentResult(
                    organization_id=s.id, year=y, procedure=Procedure[proc], subject=subject,
                    grade=grade, participants=rng.randint(12, 60), share_2=share_2,
                    share_5=share_5, mean_score=mean))
    muni = db.session.scalar(select(Municipality).where(Municipality.name == "Приречный район"))
    for i, row in enumerate(ref.indicator_system(), start=1):
        db.session.add(Indicator(municipality_id=muni.id, position=i,
                                 **{**row, "scoring": IndicatorScoring[row["scoring"]]}))
    db.session.flush()
    factors = risks.factors()
    for s in schools:
        if SchoolStatus.LOW_RESULTS not in now[s.id] or s.municipality_id != muni.id:
            continue
        for factor in rng.sample(factors[:8], 3) + [factors[5]]:
            if db.session.scalar(select(SchoolRisk.id).where(
                    SchoolRisk.organization_id == s.id, SchoolRisk.year == year,
                    SchoolRisk.risk_factor_id == factor.id)):
                continue
            db.session.add(SchoolRisk(organization_id=s.id, year=year, risk_factor_id=factor.id,
                                      level=rng.choice(list(RiskLevel))))
    db.session.flush()
    first = db.session.scalar(select(SchoolRisk).join(
        Organization, Organization.id == SchoolRisk.organization_id).where(
        Organization.short_name == "МБОУ СОШ № 3 г. Приреченска").order_by(SchoolRisk.id))
    if first is not None:
        first.level = RiskLevel.HIGH
        risks.create_programme(first, commit=False)
def load_interviews() -> None:
    """A series of interviews with directors before the exams: the commission, a schedule of
    four schools, one interview held with its record, protocol № 1 and two recommendations
    (one overdue), the others coming; and a planned meeting with directors. Called by
    :func:`load` inside its transaction (nothing here commits).
    """
    from datetime import time, timedelta

    from ..models import (
        AgendaDecision, AgendaItem, AgendaSpeech, CommissionMember, CommissionRole,
        InterviewSeries, Meeting, MeetingKind, MeetingParticipant, MeetingStatus,
        ParticipantRole,
    )
    from . import interviews as svc
    from .interviews import protocols
    from . import recommendations as rec_svc

    db.session.flush()
    now = today()
    authority = db.session.scalar(select(Organization).where(
        Organization.kind == OrgKind.MUNICIPAL_AUTHORITY,
        Organization.short_name == "УО Приречного района"))
    methodist = db.session.scalar(select(User).where(User.login == "methodist"))
    series = InterviewSeries(
        authority_id=authority.id, created_by_id=methodist.id, slot_minutes=40,
        topic=f"О готовности общеобразовательных организаций к государственной итоговой "
              f"аттестации в {now.year} году",
        agenda_template="О готовности общеобразовательной организации к проведению ГИА\n"
                        "О результатах диагностических работ и мерах по повышению качества "
                        "подготовки обучающихся",
        default_place="г. Приреченск, ул. Центральная, 12, управление образования, каб. 5")
    db.session.add(series)
    db.session.flush()
    for i, (role, name, title, user) in enumerate([
            (CommissionRole.CHAIR, "Смирнова Ольга Викторовна", "начальник управления образования", None),
            (CommissionRole.SECRETARY, methodist.full_name, "методист управления образования", methodist),
            (CommissionRole.MEMBER, "Морозова Наталья Ивановна", "главный специалист управления образования", None)]):
        series.members.append(CommissionMember(role=role, position=i, full_name=name,
                                               job_title=title, user_id=getattr(user, "id", None)))
    db.session.flush()

    def school(short):
        return db.session.scalar(select(Organization).where(Organization.short_name == short))

    def interview(org, day, at):
        m = Meeting(kind=MeetingKind.INTERVIEW, authority_id=authority.id, series_id=series.id,
                    organization_id=org.id, director_name=org.director_name, meeting_date=day,
                    start_time=at, end_time=svc.default_end(day, at, series.slot_minutes),
                    place=series.default_place, heading=svc.interview_heading(series, org),
                    created_by_id=methodist.id)
        m.participants, m.items = [], []
        svc._copy_commission(series, m)
        m.participants.append(MeetingParticipant(
            role=ParticipantRole.INVITED, position=100, full_name=org.director_name,
            job_title=f"директор {org.short_name}"))
        for i, line in enumerate(series.agenda_lines):
            m.items.append(AgendaItem(position=i, title=line))
        db.session.add(m)
        return m

    held_school = school("МБОУ СОШ № 3 г. Приреченска")
    held_day = now - timedelta(days=20)
    m = interview(held_school, held_day, time(10, 0))
    for i, (short, days, at) in enumerate([("МКОУ СОШ с. Заозёрное", 3, time(10, 0)),
                                           ("МКОУ ООШ д. Берёзовка", 3, time(10, 40)),
                                           ("МКОУ СОШ с. Ягодное", 4, time(10, 0))]):
        interview(school(short), now + timedelta(days=days), at)
    db.session.flush()
    director = held_school.director_name
    first, second = m.items
    first.heard_who = f"{svc.surname_initials(director)}, директора {held_school.short_name}"
    first.heard_summary = ("о готовности школы к ГИА: 42 выпускника 9 классов и 18 выпускников "
                           "11 классов, графике консультаций, результатах пробных экзаменов и "
                           "работе с обучающимися группы риска")
    first.speeches = [AgendaSpeech(position=0, who="Морозова Н.И., главный специалист",
                                   summary="о результатах мониторинга посещаемости консультаций")]
    first.decisions = [AgendaDecision(position=0, text="Информацию директора принять к сведению.")]
    second.heard_who = f"{svc.surname_initials(director)}, директора {held_school.short_name}"
    second.heard_summary = ("о результатах диагностических работ по математике и русскому языку: "
                            "доля неудовлетворительных результатов по математике — 31 %")
    second.speeches = [AgendaSpeech(position=0, who=f"{svc.surname_initials(methodist.full_name)}, методист",
                                    summary="о формах методической поддержки школы-тьютора")]
    second.decisions = [AgendaDecision(position=0, text="Признать подготовку к ГИА по математике "
                                                        "недостаточной.")]
    db.session.flush()
    rec_svc.add(svc.RECOMMENDATION_SOURCE, m, {
        "text": "Разработать и утвердить индивидуальные планы подготовки к ОГЭ по математике "
                "для обучающихся группы риска", "responsible": "заместитель директора по УВР",
        "due_date": now - timedelta(days=5)}, by=methodist, commit=False)
    rec_svc.add(svc.RECOMMENDATION_SOURCE, m, {
        "text": "Провести повторную диагностическую работу по математике в 9 классах и "
                "представить анализ результатов", "responsible": "руководитель ШМО учителей математики",
        "due_date": now + timedelta(days=25)}, by=methodist, commit=False)
    m.protocol_year = held_day.year
    m.protocol_number = protocols.take_number(authority.id, held_day.year)
    from datetime import datetime, timezone

    m.status, m.held_by_id = MeetingStatus.HELD, methodist.id
    m.held_at = datetime.combine(held_day, time(9, 0), tzinfo=timezone.utc)

    council = Meeting(kind=MeetingKind.DIRECTORS_MEETING, authority_id=authority.id,
                      meeting_date=now + timedelta(days=10), start_time=time(14, 0),
                      end_time=time(16, 0), place="г. Приреченск, актовый зал управления образования",
                      heading="совещания с руководителями общеобразовательных организаций "
                              "«Об итогах собеседований и подготовке к ГИА»",
                      secretary_user_id=methodist.id, created_by_id=methodist.id)
    council.participants = [
        MeetingParticipant(role=ParticipantRole.CHAIR, position=0,
                           full_name="Смирнова Ольга Викторовна",
                           job_title="начальник управления образования"),
        MeetingParticipant(role=ParticipantRole.SECRETARY, position=1, user_id=methodist.id,
                           full_name=methodist.full_name, job_title="методист")]
    council.items = [AgendaItem(position=0, title="Об итогах собеседований с руководителями "
                                                  "общеобразовательных организаций")]
    db.session.add(council)
    db.session.flush()


def _demo_visit_recommendations(visits, now) -> None:
    """Recommendations of the demo visits: one open, one overdue, one answered by the school
    and waiting for the tutor's review, one accepted."""
    from datetime import timedelta

    from ..models import Recommendation, RecommendationStatus

    lessons_visit, landing = visits
    school_user = db.session.scalar(select(User).where(User.login == "school"))
    rows = [
        (lessons_visit, "Организовать дифференцированную работу на уроках математики в 7–9 "
         "классах: разноуровневые задания для обучающихся с низкой мотивацией",
         "Зайцев П. М., учитель математики", now + timedelta(days=25),
         RecommendationStatus.OPEN, None),
        (lessons_visit, "Провести педагогический совет по формирующему оцениванию",
         "Заместитель директора по УВР", now - timedelta(days=2),
         RecommendationStatus.OPEN, None),
        (lessons_visit, "Составить график взаимопосещения уроков учителями математики",
         "Руководитель МО учителей математики", now + timedelta(days=5),
         RecommendationStatus.REPORTED, "График составлен и утверждён приказом № 112."),
        (landing, "Переработать антирисковые программы: измеримые показатели и сроки",
         "Директор школы", now - timedelta(days=10), RecommendationStatus.ACCEPTED,
         "Программы переработаны, согласованы с куратором."),
    ]
    for i, (visit, text, responsible, due, status, report) in enumerate(rows, start=1):
        db.session.add(Recommendation(
            source_type="visit", source_id=visit.id, position=i,
            organization_id=visit.school_id, text=text, responsible=responsible, due_date=due,
            status=status, report_text=report,
            reported_at=utcnow() if report else None,
            reported_by_id=school_user.id if report and visit is lessons_visit else None,
            created_by_id=visit.created_by_id))
DEMO_COURSES = [
    # title, topic, hours, format, months ago it ended (None: upcoming), municipal?
    ("Оценивание развёрнутых ответов участников ОГЭ по математике", "Оценивание ЕГЭ/ОГЭ/ВПР", 36, "BLENDED", 5, False),
    ("Эффективное управление школой с низкими образовательными результатами", "Управленческие команды ШНОР", 72, "IN_PERSON", 14, False),
    ("Технологии работы со слабоуспевающими и неуспевающими обучающимися", "Работа со слабоуспевающими и неуспевающими обучающимися", 36, "DISTANCE", 8, False),
    ("Индивидуальная образовательная траектория обучающегося с трудностями в обучении", "Работа со слабоуспевающими и неуспевающими обучающимися", 24, "DISTANCE", 30, False),
    ("Формирование функциональной грамотности на уроках естественнонаучного цикла", "Функциональная грамотность", 48, "BLENDED", 20, False),
    ("Методика преподавания русского языка в условиях обновлённых ФГОС", "Предметная методика", 72, "IN_PERSON", 46, False),
    ("Психолого-педагогическое сопровождение обучающихся в период подготовки к ГИА", "Психолого-педагогическое сопровождение", 18, "DISTANCE", 2, False),
    ("Муниципальная школа молодого педагога: урок, на котором учатся все", "Предметная методика", 16, "IN_PERSON", None, True),
]


def load_courses() -> None:
    """The course catalogue and enrollments across the demo schools: most teachers of the
    tutor schools trained, the ШНОР half-trained, some courses older than 3 years, applications
    for an upcoming course, and one teacher's ИОМ whose course activity an enrollment closed.
    Called by :func:`load` inside its transaction."""
    from datetime import timedelta

    from ..models import (
        ActivityKind, Course, CourseFormat, DeficitKind, DevelopmentPlan, Enrollment,
        EnrollmentStatus, PlanActivity, PlanDeficit, PlanKind, ProviderKind,
    )
    from .courses import ensure_default_topics

    # bandit B311: demo data must repeat, nothing secret
    rng = random.Random(5)  # nosec B311
    now = today()
    topics = {t.name: t for t in ensure_default_topics(commit=False)}
    institute = db.session.scalar(select(Organization).where(Organization.kind == OrgKind.INSTITUTE))
    authority = db.session.scalar(select(Organization).where(
        Organization.kind == OrgKind.MUNICIPAL_AUTHORITY))
    courses = []
    for title, topic, hours, fmt, months, municipal in DEMO_COURSES:
        end = now - timedelta(days=30 * months) if months is not None else now + timedelta(days=40)
        start = end - timedelta(days=max(7, hours // 2))
        c = Course(title=title, topic_id=topics[topic].id, hours=hours, format=CourseFormat[fmt],
                   start_date=start, end_date=end, region_id=institute.region_id,
                   provider_kind=ProviderKind.OTHER if municipal else ProviderKind.INSTITUTE,
                   provider_org_id=(authority if municipal else institute).id,
                   provider_name=(authority if municipal else institute).short_name,
                   municipality_id=authority.municipality_id if municipal else None,
                   capacity=40 if municipal else None)
        db.session.add(c)
        courses.append(c)
    db.session.flush()
    schools = db.session.scalars(select(Organization).where(
        Organization.kind == OrgKind.SCHOOL, Organization.municipality_id == authority.municipality_id)
        .order_by(Organization.id)).all()
    finished = [c for c in courses if c.end_date <= now]
    upcoming = [c for c in courses if c.end_date > now]
    recent = [c for c in finished if c.end_date > now - timedelta(days=365 * 2)]
    serial = 1000
    for i, school in enumerate(schools):
        staff = db.session.scalars(select(StaffMember).where(
            StaffMember.organization_id == school.id).order_by(StaffMember.id)).all()
        rate = 1.0 if i in (0, 1) else (0.55 if i % 3 else 0.8)
        for m in staff:
            if rng.random() > rate:
                continue
            course = rng.choice(recent if rate == 1.0 else finished)
            serial += 1
            db.session.add(Enrollment(
                course_id=course.id, staff_member_id=m.id, organization_id=school.id,
                status=EnrollmentStatus.COMPLETED, completed_on=course.end_date,
                certificate_number=f"772{course.id:02d}{serial:05d}", provider_key=course.provider_key))
        for m in staff[:2]:
            if upcoming:
                db.session.add(Enrollment(course_id=upcoming[0].id, staff_member_id=m.id,
                                          organization_id=school.id, status=EnrollmentStatus.APPLIED,
                                          provider_key=upcoming[0].provider_key))
    db.session.flush()
    school = schools[2]
    teacher = db.session.scalar(select(StaffMember).where(
        StaffMember.organization_id == school.id, StaffMember.management.is_(False))
        .order_by(StaffMember.id))
    plan = DevelopmentPlan(kind=PlanKind.TEACHER, organization_id=school.id, staff_member_id=teacher.id,
                           title=f"ИОМ педагога: {teacher.full_name}", period_start=date(now.year, 1, 1),
                           period_end=date(now.year, 12, 31),
                           goal="Повысить долю обучающихся, преодолевших минимальный порог на ОГЭ.")
    db.session.add(plan)
    db.session.flush()
    db.session.add_all([
        PlanDeficit(plan_id=plan.id, kind=DeficitKind.METHODICAL,
                    description="Дифференциация заданий для слабоуспевающих обучающихся на уроке."),
        PlanDeficit(plan_id=plan.id, kind=DeficitKind.SUBJECT,
                    description="Оценивание развёрнутых ответов по критериям ОГЭ."),
    ])
    low_course = courses[2]
    done = Enrollment(course_id=low_course.id, staff_member_id=teacher.id, organization_id=school.id,
                      status=EnrollmentStatus.COMPLETED, completed_on=low_course.end_date,
                      certificate_number="7720399999", provider_key=low_course.provider_key)
    db.session.add(done)
    db.session.flush()
    db.session.add_all([
        PlanActivity(plan_id=plan.id, kind=ActivityKind.COURSE, course_id=low_course.id,
                     title=low_course.title, due_date=low_course.end_date, done_on=low_course.end_date,
                     closed_by_enrollment_id=done.id, result="Курс завершён, удостоверение получено."),
        PlanActivity(plan_id=plan.id, kind=ActivityKind.MENTORING,
                     title="Наставничество: посещение уроков учителя школы-тьютора",
                     due_date=now + timedelta(days=30)),
        PlanActivity(plan_id=plan.id, kind=ActivityKind.SEMINAR,
                     title="Муниципальный семинар «Разбор заданий ОГЭ с низким процентом выполнения»",
                     due_date=now - timedelta(days=10)),
        PlanActivity(plan_id=plan.id, kind=ActivityKind.SELF_STUDY,
                     title="Изучение демоверсий и кодификаторов ОГЭ текущего года", due_date=now + timedelta(days=60)),
    ])
