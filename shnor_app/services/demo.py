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
    load_mentoring_and_visits()
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
