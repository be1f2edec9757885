"""Courses (КПК) of the institute and the municipal authorities, and the enrollments of teachers.

``courses`` courses (400): about five in six by the region's institute (ИРО), the others run by
a municipal authority for its municipality; 16–144 hours; the topic areas seeded by the courses
migration (``reference_data.COURSE_TOPICS``) (a quarter on work with low-achieving pupils, a quarter for the management teams of
ШНОР, the rest spread); in person, distance or blended; dates over the last three years and
this one (a few still to come); the oldest ones archived.

``enrollments`` enrollments (80 000) of staff from ``ctx.ids["staff_by_school"]``: every
teacher has an appetite for courses — a quarter none at all (the «no course in 3 years» list),
the others one to three shares — and teachers of this year's ШНОР
(``ctx.ids["low_results"]``) count twice; the management teams of the ШНОР are sent to the
management courses. Statuses follow the dates: past courses mostly «завершил» (completion date
= the course's end, a certificate number serial per provider), some «не завершил»; running
courses «обучается»; future ones «заявка». Capacity: what was enrolled, rounded up (none for
distance courses).

Puts into ``ctx.ids``: ``courses`` (course ids).
"""
from __future__ import annotations

from datetime import date, timedelta
from itertools import accumulate

from sqlalchemy import select

from shnor_app.models import (
    Course, CourseFormat, CourseTopic, Enrollment, EnrollmentStatus, Organization, ProviderKind,
)
from shnor_app.reference_data import LOW_ACHIEVERS_TOPIC, MANAGEMENT_TEAMS_TOPIC

NEEDS = ("Course", "CourseTopic", "Enrollment")

LOW_TOPIC = LOW_ACHIEVERS_TOPIC
TEAM_TOPIC = MANAGEMENT_TEAMS_TOPIC
TITLES = {
    LOW_TOPIC: ["Организация работы с обучающимися, имеющими трудности в обучении",
                "Преодоление учебной неуспешности: диагностика и индивидуальные маршруты",
                "Формирующее оценивание как средство профилактики неуспеваемости"],
    TEAM_TOPIC: ["Управление переходом школы в эффективный режим работы",
                 "Анализ результатов оценочных процедур для управленческих команд",
                 "Разработка и реализация антирисковых программ школы"],
    "Оценивание ЕГЭ/ОГЭ/ВПР": ["Подготовка экспертов предметных комиссий ОГЭ по математике",
                               "Методика подготовки обучающихся к ВПР по русскому языку"],
    "Предметная методика": ["Актуальные вопросы преподавания математики в условиях ФГОС",
                            "Методика преподавания русского языка в 5–9 классах"],
    "Функциональная грамотность": ["Формирование читательской грамотности на уроках",
                                   "Функциональная грамотность: математическая грамотность"],
    "Психолого-педагогическое сопровождение": ["Профилактика школьной дезадаптации",
                                               "Работа с обучающимися с ОВЗ в общем классе"],
    "Другое": ["Цифровая образовательная среда: инструменты учителя",
               "Классное руководство в современной школе"],
}
HOURS = [16, 24, 36, 36, 72, 72, 108, 144]
FORMATS = [CourseFormat.IN_PERSON, CourseFormat.DISTANCE, CourseFormat.BLENDED]


def generate(ctx) -> None:
    s, rng, year = ctx.scale, ctx.rng, ctx.year
    institute = ctx.ids["regional_orgs"][1]
    authority = ctx.ids["authority_by_municipality"]
    topics = dict(ctx.conn.execute(select(CourseTopic.name, CourseTopic.id).where(
        CourseTopic.active.is_(True))).all())
    others = [t for t in topics if t not in (LOW_TOPIC, TEAM_TOPIC)]
    names = dict(ctx.conn.execute(select(Organization.id, Organization.short_name).where(
        Organization.id.in_([institute, *authority.values()]))).all())

    first = date(year - 3, 1, 15)
    span = (date(year, 12, 1) - first).days
    courses = []
    for n, cid in enumerate(ctx.take_ids(Course, s.courses)):
        topic = LOW_TOPIC if n % 4 == 0 else TEAM_TOPIC if n % 4 == 1 else rng.choice(others)
        topic = topic if topic in topics else rng.choice(list(topics))
        muni = rng.choice(list(authority)) if n % 6 == 5 else None
        provider = authority[muni] if muni else institute
        hours = rng.choice(HOURS)
        start = first + timedelta(days=rng.randrange(span))
        end = start + timedelta(days=max(2, hours // 6) + rng.randint(0, 10))
        courses.append(ctx.stamp(
            id=cid, title=rng.choice(TITLES.get(topic, TITLES["Другое"])),
            provider_kind=ProviderKind.OTHER if muni else ProviderKind.INSTITUTE,
            provider_name=names[provider], provider_org_id=provider, hours=hours,
            topic_id=topics[topic], format=rng.choice(FORMATS), start_date=start, end_date=end,
            capacity=None, description=f"Программа повышения квалификации, {hours} ч.",
            archived=end < date(year - 2, 9, 1) and rng.random() < 0.5,
            region_id=ctx.ids["region"], municipality_id=muni, deleted_at=None))
    enrollments = _enrollments(ctx, courses, topics.get(TEAM_TOPIC))
    for c in courses:
        n = c.pop("_enrolled", 0)
        if c["format"] != CourseFormat.DISTANCE:
            c["capacity"] = max(25, -(-n // 25) * 25)
    ctx.insert(Course, courses)
    ctx.insert(Enrollment, enrollments)
    ctx.ids["courses"] = [c["id"] for c in courses]


def _enrollments(ctx, courses, team_topic) -> list[dict]:
    s, rng, today = ctx.scale, ctx.rng, ctx.today
    staff = ctx.ids["staff_by_school"]
    low = set(ctx.ids["low_results"])
    people, weights, org_of = [], [], {}
    for org, ids in staff.items():
        for sid in ids:
            org_of[sid] = org
            appetite = 0 if rng.random() < 0.25 else rng.randint(1, 3)
            people.append(sid)
            weights.append(appetite * (2 if org in low else 1))
    cum = list(accumulate(weights))
    team_courses = [c for c in courses if c["topic_id"] == team_topic]
    other_courses = [c for c in courses if c["topic_id"] != team_topic] or courses
    # The management teams (director, deputy) of the ШНОР: two management courses each.
    team_staff = [sid for org in low for sid in staff[org][:2]] if team_courses else []
    picks = list(zip(rng.choices(team_courses, k=2 * len(team_staff)), team_staff * 2))
    # The rest by appetite; a few more than needed, as a repeated (course, teacher) is dropped.
    n_rest = max(0, s.enrollments - len(picks))
    extra = n_rest + n_rest // 10 + 10
    picks += zip(rng.choices(other_courses, k=extra), rng.choices(people, cum_weights=cum,
                                                                  k=extra))
    seen, rows, serial = set(), [], {}
    for course, sid in picks:
        if (course["id"], sid) in seen or len(rows) >= s.enrollments:
            continue
        seen.add((course["id"], sid))
        course["_enrolled"] = course.get("_enrolled", 0) + 1
        start, end = course["start_date"], course["end_date"]
        status, done, cert = EnrollmentStatus.APPLIED, None, None
        if end < today:
            if rng.random() < 0.88:
                status, done = EnrollmentStatus.COMPLETED, end
                serial[course["provider_org_id"]] = k = serial.get(course["provider_org_id"], 0) + 1
                cert = f"{course['provider_org_id']:03d}{end.year % 100:02d}-{k:06d}"
            else:
                status = EnrollmentStatus.NOT_COMPLETED
        elif start <= today:
            status = EnrollmentStatus.STUDYING if rng.random() < 0.95 else status
        rows.append(ctx.stamp(
            course_id=course["id"], staff_member_id=sid, organization_id=org_of[sid],
            status=status, completed_on=done, certificate_number=cert,
            provider_key=f"org:{course['provider_org_id']}", note=None, deleted_at=None))
    ctx.number(Enrollment, rows)
    return rows
