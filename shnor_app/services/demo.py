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
    SchoolStatus, SchoolStatusRecord, StaffMember, User,
)
from . import accounts
from .formatting import today

SURNAMES_M = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов",
              "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
              "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
              "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов"]
NAMES_M = ["Александр", "Сергей", "Андрей", "Алексей", "Дмитрий", "Иван", "Михаил", "Николай",
           "Владимир", "Павел", "Евгений", "Олег"]
NAMES_F = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Марина", "Анна",
           "Юлия", "Людмила", "Галина", "Надежда", "Оксана", "Екатерина", "Валентина"]
PATRONYMICS = ["Александров", "Сергеев", "Иванов", "Петров", "Николаев", "Владимиров",
               "Михайлов", "Викторов", "Юрьев", "Андреев"]
SUBJECTS = ["Математика", "Русский язык и литература", "Физика", "Химия", "Биология",
            "История и обществознание", "География", "Английский язык", "Информатика",
            "Начальные классы", "Физическая культура", "Технология"]

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


STREETS = ["ул. Ленина", "ул. Школьная", "ул. Садовая", "ул. Мира", "ул. Молодёжная",
           "ул. Советская", "пер. Почтовый", "ул. Набережная"]


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
        user = User(login=login, full_name=name, role=role, **scope)
        user.set_password(password)
        db.session.add(user)
        out.append((role.label, login, password))
    load_roadmaps()
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
    from .roadmap_import import parse_text

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

    rng = random.Random(5)  # nosec B311 - demo data must repeat, nothing secret
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
