"""Network partnerships, their responsible people and joint events, the practice bank, «четверти».

``partnerships`` partnerships (120): this year's ШНОР (``ctx.ids["low_results"]``) in turn,
each paired with a tutor school of its municipality (``ctx.ids["tutor_schools"]``, round-robin
so that every tutor has pairs) — about one in eight with the municipality's college instead;
when the scale asks for more partnerships than there are ШНОР, the ШНСУ
(``ctx.ids["social_risk"]``) come next. An agreement (number, date a week before the start),
a subject and a plan; most are active, a few suspended or finished (with an end date).
Responsible people: the director and the deputy of the school (staff members), the director of
the tutor school or a named methodist of the college. 4–12 joint events per partnership
between its start and today (kinds, venues, participant counts, a result for most; named
participants from both staffs on a third of them), so that every quarter of the map has counts.
The practice bank: one practice per tutor school, linked to some of its partnerships. The
region's school «четверти» of this and last academic year (the map's academic mode).

Puts into ``ctx.ids``: ``partnerships`` — list of (partnership id, school id, partner id,
partner is a school), so that visits are made by the tutor school of a real pair.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from shnor_app.models import (
    EventKind, EventVenue, JointEvent, JointEventParticipant, Organization, OrgKind,
    PartnerKind, Partnership, PartnershipPerson, PartnershipSide, PartnershipStatus, Practice,
    PracticeLink, PracticeProblem, SchoolTerm, StaffMember,
)

from .base import search_text

NEEDS = ("Partnership", "PartnershipPerson", "JointEvent", "JointEventParticipant", "Practice",
         "PracticeLink", "SchoolTerm")

SUBJECTS = [
    "Методическое сопровождение подготовки к ГИА по математике и русскому языку",
    "Повышение качества преподавания в 5–9 классах: взаимопосещение уроков, наставничество",
    "Развитие читательской грамотности обучающихся начальной и основной школы",
    "Сопровождение управленческой команды: ВСОКО, анализ результатов ВПР",
    "Совместная работа по профилактике учебной неуспешности",
    "Адресная методическая помощь по результатам диагностики профессиональных дефицитов",
    "Формирование функциональной грамотности обучающихся 5–9 классов",
]
COLLEGE_SUBJECT = "Профориентация и предпрофильная подготовка обучающихся 8–9 классов"
PLAN = ("1. Взаимопосещение уроков — ежемесячно.\n2. Семинары для учителей школы — 1 раз в "
        "четверть.\n3. Консультации управленческой команды — по запросу.")
EVENTS = [  # kind, topic, result
    (EventKind.SEMINAR, "Анализ типичных ошибок ОГЭ по математике",
     "Составлен план коррекционной работы по темам «Геометрия» и «Текстовые задачи»."),
    (EventKind.OPEN_LESSON, "Открытый урок алгебры в 9 классе: работа с заданиями второй части",
     "Учителя освоили приём «разбор решения по шагам»."),
    (EventKind.CONSULTATION, "Консультации учителей русского языка по итоговому сочинению",
     "Скорректированы планы подготовки 11 класса."),
    (EventKind.SEMINAR, "Формирующее оценивание на уроках математики",
     "Решение: внедрить листы самооценки в 5–7 классах."),
    (EventKind.MASTER_CLASS, "Мастер-класс «Приёмы смыслового чтения на уроках истории»",
     "Приёмы включены в рабочие программы 5–6 классов."),
    (EventKind.SEMINAR, "Методический семинар «Работа со слабоуспевающими обучающимися»",
     "Составлены индивидуальные образовательные маршруты обучающихся."),
    (EventKind.TEACHERS_COUNCIL, "Педагогический совет «Результаты ВПР и план коррекции»",
     "Утверждён план коррекционной работы на четверть."),
    (EventKind.OPEN_LESSON, "Открытый урок литературного чтения во 2 классе", None),
    (EventKind.CONSULTATION, "Консультация управленческой команды по положению о ВСОКО",
     "Положение о ВСОКО доработано и утверждено."),
    (EventKind.OTHER, "Совместная диагностическая работа по математике в 8 классах",
     "Выявлены темы с дефицитами, составлены группы для консультаций."),
]
COLLEGE_EVENTS = [
    (EventKind.OPEN_DAY, "День открытых дверей в техникуме для 8–9 классов",
     "Проведены профессиональные пробы по трём специальностям."),
    (EventKind.MASTER_CLASS, "Мастер-класс «Основы агрономии» для 9 класса", None),
    (EventKind.CONSULTATION, "Профориентационная консультация для обучающихся и родителей",
     "Обучающиеся 9 класса определились с профилем обучения."),
]
VENUES = [EventVenue.SCHOOL] * 5 + [EventVenue.PARTNER] * 3 + [EventVenue.ONLINE,
                                                                   EventVenue.OTHER]
PRACTICES = [  # title, topic, problem, description, results
    ("Смысловое чтение на уроках истории и обществознания", "Читательская грамотность, 5–7 "
     "классы", PracticeProblem.WEAK_READING,
     "Система приёмов работы с текстом учебника и историческими источниками: «инсерт», "
     "«фишбоун», вопросы к тексту по уровням. Каждый урок содержит этап работы с текстом не "
     "менее 10 минут; раз в четверть — диагностическая работа.",
     "Доля обучающихся 6 классов, справившихся с заданиями на смысловое чтение ВПР, выросла "
     "с 41% до 63% за год."),
    ("Индивидуальный маршрут подготовки к ОГЭ по математике", "ОГЭ, математика, 9 класс",
     PracticeProblem.EXAM_PREPARATION,
     "По итогам входной диагностики для каждого ученика составляется маршрут из тем, которые "
     "он должен закрыть; консультации по группам «риска», «базы» и «повышенного уровня».",
     "Доля неудовлетворительных результатов ОГЭ по математике снизилась с 18% до 4%."),
    ("Клуб «Учись учиться» для обучающихся с низкой мотивацией", "Мотивация, 5–8 классы",
     PracticeProblem.LOW_MOTIVATION,
     "Еженедельные встречи в формате игры: цели на неделю, дневник успехов, наставник из "
     "старшеклассников. Родители получают короткий отчёт раз в месяц.",
     "Число неуспевающих по итогам четверти сократилось с 17 до 6 человек."),
    ("Взаимопосещение уроков «пара учителей»", "Наставничество, профессиональные дефициты",
     PracticeProblem.TEACHER_SKILLS,
     "Учитель ШНОР и учитель школы-тьютора в течение четверти посещают уроки друг друга по "
     "согласованному плану с общим листом наблюдения.", None),
    ("Школьная система оценки качества: от результатов ВПР к плану коррекции",
     "ВСОКО, управленческая команда", PracticeProblem.MANAGEMENT,
     "Поэлементный анализ ВПР в каждом классе, разбор на методических объединениях, план "
     "коррекции с ответственными и сроками, контрольный срез через четверть.",
     "План коррекции выполняется во всех параллелях; доля «2» по ВПР снизилась на треть."),
]


def generate(ctx) -> None:
    s, rng = ctx.scale, ctx.rng
    today = ctx.today
    names = ctx.ids["school_names"]
    staff = ctx.ids["staff_by_school"]
    muni_of = {o: m for m, ids in ctx.ids["schools_by_municipality"].items() for o in ids}
    colleges = dict(ctx.conn.execute(select(Organization.municipality_id, Organization.id).where(
        Organization.kind == OrgKind.COLLEGE)).all())
    college_names = dict(ctx.conn.execute(select(Organization.id, Organization.short_name)
                                          .where(Organization.kind == OrgKind.COLLEGE)).all())
    tutors_of: dict[int, list[int]] = {}
    for t in ctx.ids["tutor_schools"]:
        tutors_of.setdefault(muni_of[t], []).append(t)
    supported = (ctx.ids["low_results"] + ctx.ids.get("social_risk", []))[:s.partnerships]
    creator = {m: uid for uid, _, m in ctx.ids["users_by_role"].get("methodist", [])}
    tutor_user = {o: uid for uid, _, o in ctx.ids["users_by_role"].get("tutor", [])}
    heads = _heads(ctx)

    p_rows, people, ev_rows, part_rows, out = [], [], [], [], []
    turn: dict[int, int] = {}
    for n, (pid, school) in enumerate(zip(ctx.take_ids(Partnership, len(supported)),
                                          supported)):
        muni = muni_of[school]
        if n % 8 == 7 and muni in colleges or not tutors_of.get(muni):
            partner, kind = colleges[muni], PartnerKind.COLLEGE
            partner_name, subject = college_names[partner], COLLEGE_SUBJECT
        else:
            k = turn.get(muni, 0)
            turn[muni] = k + 1
            partner = tutors_of[muni][k % len(tutors_of[muni])]
            kind, partner_name, subject = PartnerKind.SCHOOL, names[partner], rng.choice(SUBJECTS)
        r = rng.random()
        status = (PartnershipStatus.ACTIVE if r < 0.88 else PartnershipStatus.SUSPENDED
                  if r < 0.95 else PartnershipStatus.FINISHED)
        start = date(ctx.year - rng.choice((1, 1, 2)), 9, rng.randint(1, 20))
        end = date(ctx.year, 6, 30) if status == PartnershipStatus.FINISHED else None
        number = f"{rng.randint(1, 140)}{rng.choice(('', '', '/1', '-СП'))}"
        p_rows.append(ctx.stamp(
            id=pid, school_id=school, partner_id=partner, partner_kind=kind, status=status,
            agreement_number=number, agreement_date=start - timedelta(days=7), start_date=start,
            end_date=end, subject=subject, plan=PLAN, school_name=names[school],
            partner_name=partner_name, deleted_at=None, created_by_id=creator.get(muni),
            search_text=search_text(number, subject, names[school], partner_name)))
        out.append((pid, school, partner, kind == PartnerKind.SCHOOL))
        people += _people(ctx, heads, pid, school, partner, kind)
        last = min(end or today, today)
        events = EVENTS if kind == PartnerKind.SCHOOL else COLLEGE_EVENTS
        for _ in range(rng.randint(4, 12)):
            ev_kind, topic, result = rng.choice(events)
            day = start + timedelta(days=rng.randrange(max(1, (last - start).days)))
            ev_rows.append(ctx.stamp(
                partnership_id=pid, event_date=day, kind=ev_kind, venue=rng.choice(VENUES),
                topic=topic, school_participants=rng.randint(3, 25),
                partner_participants=rng.randint(1, 5), result=result, deleted_at=None,
                created_by_id=tutor_user.get(partner, creator.get(muni))))
    for row, i in zip(ev_rows, ctx.take_ids(JointEvent, len(ev_rows))):
        row["id"] = i
        if rng.random() < 0.33:
            p = p_rows[row["partnership_id"] - p_rows[0]["id"]]
            named = rng.sample(staff[p["school_id"]][2:], k=min(3, len(staff[p["school_id"]]) - 2))
            named += staff.get(p["partner_id"], [])[:1]
            part_rows += [{"event_id": i, "staff_member_id": m} for m in named]
    ctx.insert_all((Partnership, p_rows), (PartnershipPerson, people), (JointEvent, ev_rows),
                   (JointEventParticipant, part_rows),
                   new_ids=(PartnershipPerson, JointEventParticipant))
    _practices(ctx, heads, out)
    _terms(ctx)
    ctx.ids["partnerships"] = out


def _people(ctx, people, pid, school, partner, kind) -> list[dict]:
    staff = ctx.ids["staff_by_school"]
    rows = []
    for n, m in enumerate(staff[school][:2]):
        name, title = people[m]
        rows.append(ctx.stamp(partnership_id=pid, side=PartnershipSide.SCHOOL, position_no=n,
                              staff_member_id=m, full_name=name, job_title=title))
    if kind == PartnerKind.SCHOOL:
        m = staff[partner][0]
        name, title = people[m]
    else:
        m, name, title = None, ctx.person(), "методист по профориентации"
    rows.append(ctx.stamp(partnership_id=pid, side=PartnershipSide.PARTNER, position_no=0,
                          staff_member_id=m, full_name=name, job_title=title))
    return rows


def _heads(ctx) -> dict:
    """Staff id → (full name, position) of the directors and deputies (read once)."""
    return {i: (n, p) for i, n, p in ctx.conn.execute(select(
        StaffMember.id, StaffMember.full_name, StaffMember.position).where(
        StaffMember.management.is_(True)))}


def _practices(ctx, people, pairs) -> None:
    rng, names = ctx.rng, ctx.ids["school_names"]
    staff = ctx.ids["staff_by_school"]
    tutors = ctx.ids["tutor_schools"]
    tutor_user = {o: uid for uid, _, o in ctx.ids["users_by_role"].get("tutor", [])}
    rows, links, by_tutor = [], [], {}
    for pr_id, org in zip(ctx.take_ids(Practice, len(tutors)), tutors):
        title, topic, problem, description, results = rng.choice(PRACTICES)
        authors = ", ".join(people[m][0] for m in staff[org][:2])
        rows.append(ctx.stamp(
            id=pr_id, title=title, author_org_id=org, authors=authors, topic=topic,
            problem=problem, description=description, results=results, org_name=names[org],
            deleted_at=None, created_by_id=tutor_user.get(org),
            search_text=search_text(title, topic, authors, description, results, names[org])))
        by_tutor[org] = pr_id
    for pid, _, partner, is_school in pairs:
        if is_school and rng.random() < 0.5:
            links.append(ctx.stamp(practice_id=by_tutor[partner], object_type="partnerships",
                                   object_id=pid, created_by_id=tutor_user.get(partner)))
    ctx.insert_all((Practice, rows), (PracticeLink, links), new_ids=(PracticeLink,))


def _terms(ctx) -> None:
    """The region's «четверти» of the current and the previous academic year."""
    first = ctx.year if ctx.today.month >= 9 else ctx.year - 1
    rows = []
    for ay in (first - 1, first):
        for number, (start, end) in enumerate([((ay, 9, 1), (ay, 10, 25)),
                                               ((ay, 11, 5), (ay, 12, 28)),
                                               ((ay + 1, 1, 9), (ay + 1, 3, 21)),
                                               ((ay + 1, 3, 31), (ay + 1, 5, 26))], start=1):
            rows.append(ctx.stamp(region_id=ctx.ids["region"], academic_year=ay, number=number,
                                  start_date=date(*start), end_date=date(*end)))
    ctx.insert(SchoolTerm, rows, new_ids=True)
