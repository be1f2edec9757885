"""Mentoring pairs with their plans, and visits to schools with lessons and recommendations.

Mentoring: for every partnership of a ШНОР with a tutor school (``ctx.ids["partnerships"]``),
and for every tutor school left without one (paired then with a ШНОР of its municipality), a
«школа-тьютор — школа» pair, and for every ШНОР a «куратор — управленческая команда» pair whose curator is the
municipality's methodist; 4–8 plan steps each, the past ones mostly done.

``visits`` visits (6 000) over the last two years: a little over half by the tutor schools to
the ШНОР they are paired with (linked to the pair; visitors: the tutor school's user and its
director), the others by the municipal authorities (visitors: the methodist and a specialist)
to the ШНОР, risk-zone schools and ШНСУ of their municipality, a few by the institute. Each has
a purpose, consultations, documents reviewed and findings, 1–4 lessons observed (teachers of
the school's staff), a print date when it is not from the last days, and 1–4 recommendations —
the shared ``Recommendation`` rows with source type ``visit`` — whose statuses follow their
due dates: most past ones accepted, some reported or returned, about one in five overdue;
future ones open or already reported.

Puts into ``ctx.ids``: ``visits`` (visit ids, newest first).
"""
from __future__ import annotations

from datetime import timedelta

from shnor_app.models import (
    MentoringPair, MentoringStep, PairKind, PairStatus, Recommendation, SchoolStatus, Visit, VisitKind, VisitLesson, VisitVisitor,
)

from .base import recommendation

NEEDS = ("Visit", "VisitVisitor", "VisitLesson", "MentoringPair", "MentoringStep",
         "Recommendation")

STEPS = ["Совместный анализ результатов ВПР и ОГЭ, выбор приоритетных предметов",
         "Взаимопосещение уроков математики и русского языка",
         "Разработка индивидуальных образовательных маршрутов для обучающихся группы риска",
         "Семинар для педагогов школы по формирующему оцениванию",
         "Консультации управленческой команды по внутришкольному контролю",
         "Открытые уроки учителей школы-тьютора",
         "Промежуточный анализ результатов, корректировка плана",
         "Итоговая встреча: результаты года и план на следующий"]
PURPOSES = ["Методическая помощь по подготовке к ГИА", "Посещение уроков математики и русского "
            "языка, анализ организации работы со слабоуспевающими", "Мониторинг реализации "
            "программы перехода в эффективный режим работы", "Оказание адресной помощи по "
            "результатам ВПР"]
CONSULTATIONS = ["Проведена консультация для учителей математики по работе с заданиями ОГЭ.",
                 "Консультация заместителя директора по организации внутришкольного контроля.",
                 "Собеседование с руководителями ШМО по результатам ВПР."]
DOCUMENTS = ["Рабочие программы по математике и русскому языку, журнал, план ВШК.",
             "Протоколы ШМО, план работы со слабоуспевающими, ИОМ педагогов.",
             "Программа перехода в эффективный режим работы, отчёт о её реализации."]
FINDINGS = ["Уроки проводятся в соответствии с рабочими программами; на уроках слабо "
            "используются приёмы формирующего оценивания; индивидуальная работа с "
            "обучающимися группы риска ведётся нерегулярно.",
            "План подготовки к ГИА составлен, но не учитывает результаты пробных экзаменов; "
            "дифференцированные задания на уроках используются эпизодически.",
            "Организована работа по ИОМ педагогов; отмечается положительная динамика "
            "результатов по русскому языку; по математике сохраняется высокая доля «2»."]
LESSONS = [("Математика", "5 «А»", "Работа со слабоуспевающими на уроке", "Урок выстроен "
            "логично, задания не дифференцированы."),
           ("Русский язык", "6 «Б»", "Формирующее оценивание", "Критерии оценивания "
            "сообщены, самооценка не организована."),
           ("Алгебра", "9 «А»", "Подготовка к ОГЭ", "Разобраны задания первой части, темп "
            "высокий, обратная связь есть."),
           ("Литературное чтение", "3 «В»", "Смысловое чтение", "Приёмы работы с текстом "
            "используются уместно."),
           ("Физика", "8 «А»", "Организация самостоятельной работы", "Самостоятельная работа "
            "не проверена на уроке.")]
RECOMMENDATIONS = [
    "Включить в уроки математики в 5–7 классах дифференцированные задания по темам с высокой "
    "долей ошибок ВПР.",
    "Разработать индивидуальные образовательные маршруты для обучающихся группы риска.",
    "Организовать взаимопосещение уроков учителями ШМО с последующим анализом.",
    "Внести в план ВШК контроль работы со слабоуспевающими обучающимися.",
    "Провести пробный ОГЭ по математике и проанализировать результаты на педсовете.",
    "Использовать листы самооценки на уроках русского языка в 5–6 классах.",
]
RESPONSIBLE = ["заместитель директора по УВР", "руководитель ШМО учителей математики",
               "директор школы", "учителя русского языка"]


def generate(ctx) -> None:
    s, rng, today = ctx.scale, ctx.rng, ctx.today
    users = ctx.ids["users_by_role"]
    methodist = {m: uid for uid, _, m in users.get("methodist", [])}
    tutor_user = {o: uid for uid, _, o in users.get("tutor", [])}
    school_user = {o: uid for uid, _, o in users.get("school", [])}
    muni_of = {o: m for m, ids in ctx.ids["schools_by_municipality"].items() for o in ids}
    staff = ctx.ids["staff_by_school"]
    tutor_pairs = [(school, partner) for _, school, partner, is_school
                   in ctx.ids.get("partnerships", []) if is_school]
    tutor_pairs += _same_municipality(ctx, {partner for _, partner in tutor_pairs})
    pair_of = _mentoring(ctx, tutor_pairs, methodist)
    low = ctx.ids["low_results"]
    supported = low + _with_status(ctx, SchoolStatus.RISK_ZONE) + ctx.ids.get("social_risk", [])
    supported_by_muni: dict[int, list[int]] = {}
    for o in dict.fromkeys(supported):
        supported_by_muni.setdefault(muni_of[o], []).append(o)
    authority = ctx.ids["authority_by_municipality"]
    institute = ctx.ids["regional_orgs"][1]
    names = ctx.ids["school_names"]

    visits, visitors, lessons, recs = [], [], [], []
    for vid in ctx.take_ids(Visit, s.visits):
        day = today - timedelta(days=rng.randrange(730))
        r = rng.random()
        if r < 0.55 and tutor_pairs:
            school, by = rng.choice(tutor_pairs)
            pair, since = pair_of.get((by, school), (None, day))
            pair, kind = pair if day >= since else None, VisitKind.LESSONS
            who = [(tutor_user.get(by), ctx.person(), "учитель-наставник школы-тьютора"),
                   (None, ctx.person(), f"директор {names[by]}")]
            reviewer = tutor_user.get(by)
        else:
            muni = rng.choice(list(supported_by_muni))
            school = rng.choice(supported_by_muni[muni])
            by = institute if r > 0.95 else authority[muni]
            pair, kind = None, rng.choice([VisitKind.METHODICAL, VisitKind.LANDING,
                                           VisitKind.MONITORING])
            uid = methodist.get(muni)
            who = [(uid if by != institute else None, ctx.person(), "методист"),
                   (None, ctx.person(), "главный специалист")]
            reviewer = uid
        visits.append(ctx.stamp(
            id=vid, kind=kind, visit_date=day, school_id=school, visiting_org_id=by,
            pair_id=pair, purpose=rng.choice(PURPOSES), consultations=rng.choice(CONSULTATIONS),
            documents_reviewed=rng.choice(DOCUMENTS), findings=rng.choice(FINDINGS),
            printed_at=ctx.now - timedelta(days=(today - day).days - 1)
            if (today - day).days > 3 else None, deleted_at=None, created_by_id=reviewer))
        for pos, (uid, name, title) in enumerate(who[:rng.randint(1, 2)]):
            visitors.append({"visit_id": vid, "position": pos, "user_id": uid,
                             "full_name": name, "job_title": title})
        teachers = staff[school][2:] or staff[school]
        for pos in range(rng.randint(1, 4)):
            subject, grade, focus, assessment = rng.choice(LESSONS)
            sid = rng.choice(teachers)
            lessons.append({"visit_id": vid, "position": pos, "staff_id": sid,
                            "teacher_name": "", "subject": subject, "grade": grade,
                            "focus": focus, "assessment": assessment})
        for pos in range(rng.randint(1, 4)):
            recs.append(recommendation(
                ctx, "visit", vid, pos, school, day, rng.choice(RECOMMENDATIONS),
                rng.choice(RESPONSIBLE), reviewer=reviewer, school_user=school_user.get(school)))
    ctx.insert_all((Visit, visits), (VisitVisitor, visitors), (VisitLesson, lessons),
                   (Recommendation, recs), new_ids=(VisitVisitor, VisitLesson, Recommendation))
    ctx.ids["visits"] = [v["id"] for v in sorted(visits, key=lambda v: v["visit_date"],
                                                 reverse=True)]


def _with_status(ctx, status) -> list[int]:
    from sqlalchemy import select

    from shnor_app.models import SchoolStatusRecord

    return list(ctx.conn.scalars(select(SchoolStatusRecord.organization_id).where(
        SchoolStatusRecord.status == status, SchoolStatusRecord.year == ctx.year)
        .order_by(SchoolStatusRecord.organization_id)))


def _same_municipality(ctx, paired) -> list[tuple[int, int]]:
    """(ШНОР, tutor school) of the same municipality for every tutor school not in ``paired``
    (no partnership with a school — or partnerships not generated), so that every tutor
    school mentors and visits someone."""
    muni_of = {o: m for m, ids in ctx.ids["schools_by_municipality"].items() for o in ids}
    low: dict[int, list[int]] = {}
    for o in ctx.ids["low_results"]:
        low.setdefault(muni_of[o], []).append(o)
    return [(low[muni_of[t]][k % len(low[muni_of[t]])], t)
            for k, t in enumerate(ctx.ids["tutor_schools"])
            if t not in paired and low.get(muni_of[t])]


def _mentoring(ctx, tutor_pairs, methodist) -> dict:
    """Pairs and their plan steps; returns (tutor school, school) → (pair id, start)."""
    rng, today = ctx.rng, ctx.today
    muni_of = {o: m for m, ids in ctx.ids["schools_by_municipality"].items() for o in ids}
    authority = ctx.ids["authority_by_municipality"]
    plans = [(PairKind.SCHOOL, by, school, None) for school, by in tutor_pairs]
    plans += [(PairKind.MANAGEMENT, authority[muni_of[o]], o, methodist.get(muni_of[o]))
              for o in ctx.ids["low_results"]]
    pairs, steps, out = [], [], {}
    for pid, (kind, mentor, mentee, curator) in zip(ctx.take_ids(MentoringPair, len(plans)),
                                                    plans):
        start = today.replace(month=9, day=1) - timedelta(days=365 * rng.choice((0, 1)))
        if start > today:
            start = start.replace(year=start.year - 1)
        pairs.append(ctx.stamp(
            id=pid, kind=kind, mentor_org_id=mentor, mentee_org_id=mentee,
            mentor_staff_id=None, mentee_staff_id=None, curator_id=curator,
            goals="Повышение качества образовательных результатов, снижение доли «2» по ВПР и "
                  "ОГЭ", start_date=start, end_date=None, status=PairStatus.ACTIVE,
            result=None, note=None, deleted_at=None, created_by_id=curator))
        if kind == PairKind.SCHOOL:
            out[(mentor, mentee)] = (pid, start)
        for pos in range(rng.randint(4, 8)):
            due = start + timedelta(days=45 * (pos + 1))
            done = due - timedelta(days=rng.randint(0, 10)) if due < today and \
                rng.random() < 0.8 else None
            steps.append(ctx.stamp(pair_id=pid, position=pos, text=STEPS[pos], due_date=due,
                                   done_on=done, note=None, deleted_at=None,
                                   created_by_id=curator))
    ctx.insert_all((MentoringPair, pairs), (MentoringStep, steps), new_ids=(MentoringStep,))
    return out
