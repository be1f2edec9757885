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
    load_interviews()
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
    from . import protocols
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
