"""Interviews with directors (собеседования) and their protocols.

Every municipal authority (``ctx.ids["authority_by_municipality"]``) runs two series a year,
last year and this one: «О готовности к ГИА» from 15 March and «Об итогах ГИА и ВПР» from
1 October, each with a commission of 3–5 (the chair, the municipality's methodist as secretary,
members) and an agenda of 2–4 items. ``interviews`` interviews (600) are spread over the series
in turn; each series interviews the ШНОР, ШНСУ and risk-zone schools of its year (registry
statuses), 40-minute slots by schedule.

Interviews up to today are held (all but one in twenty): the commission present, the director
invited, per agenda item «СЛУШАЛИ» (the director) with a summary of realistic length, one or
two «ВЫСТУПИЛИ», one to three «РЕШИЛИ»; protocol numbers serial within the authority and year
in date order (and the ``ProtocolCounter`` after them); 2–5 recommendations each — shared
``Recommendation`` rows with source type ``protocol`` (services/interviews.py
``RECOMMENDATION_SOURCE``) — whose statuses follow their due dates. Later ones are planned,
with the commission and the agenda already copied.

Puts into ``ctx.ids``: ``interviews`` (meeting ids, held ones first).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from shnor_app.models import (
    AgendaDecision, AgendaItem, AgendaSpeech, CommissionMember, CommissionRole, InterviewSeries,
    Meeting, MeetingKind, MeetingParticipant, MeetingStatus, ParticipantRole, ProtocolCounter,
    Recommendation, SchoolStatus, SchoolStatusRecord,
)
from shnor_app.services.interviews import RECOMMENDATION_SOURCE

from .base import recommendation

NEEDS = ("InterviewSeries", "CommissionMember", "Meeting", "MeetingParticipant", "AgendaItem",
         "AgendaSpeech", "AgendaDecision", "ProtocolCounter", "Recommendation")

# What the director reports («СЛУШАЛИ»), by the subject of an agenda item.
READINESS = ("о готовности школы к ГИА: {n9} выпускников 9 классов и {n11} выпускников 11 "
             "классов, графике консультаций, результатах пробных экзаменов по математике и "
             "русскому языку, работе с обучающимися группы риска и информировании родителей о "
             "порядке проведения ГИА")
RESULTS = ("о результатах: доля неудовлетворительных результатов по математике — {p} %, по "
           "русскому языку — {q} %; о причинах (пробелы в базовых темах 5–6 классов, низкая "
           "посещаемость консультаций) и принятых мерах: группы коррекции, индивидуальные "
           "маршруты, контроль посещаемости")
PROGRAMME = ("о реализации программы перехода в эффективный режим работы и дорожной карты: "
             "выполнено {d} из {t} мероприятий, не выполнены мероприятия по повышению "
             "квалификации учителей математики в связи с отсутствием замены; о планах на "
             "следующее полугодие")
STAFFING = ("о кадровом обеспечении: вакансии учителей математики и физики ({v}), нагрузка "
            "совместителей, привлечение молодых специалистов и наставничество")
SERIES = [  # month, day, topic, agenda: (item, what the director reports)
    (3, 15, "О готовности общеобразовательных организаций к государственной итоговой "
            "аттестации в {y} году",
     [("О готовности общеобразовательной организации к проведению ГИА", READINESS),
      ("О результатах диагностических работ и мерах по повышению качества подготовки "
       "обучающихся", RESULTS), ("О работе с обучающимися группы риска", RESULTS),
      ("О выполнении рекомендаций по итогам посещений школы", PROGRAMME)]),
    (10, 1, "Об итогах государственной итоговой аттестации и ВПР {y} года",
     [("Об итогах ГИА и ВПР и причинах низких результатов", RESULTS),
      ("О ходе реализации программы перехода школы в эффективный режим работы", PROGRAMME),
      ("О выполнении дорожной карты школы", PROGRAMME),
      ("О кадровом обеспечении образовательного процесса", STAFFING)]),
]
SPEECHES = [("главный специалист управления образования",
             "о результатах мониторинга посещаемости консультаций и пробных экзаменов"),
            ("методист управления образования",
             "о формах методической поддержки школы, закреплённой школы-тьютора и курсах КПК"),
            ("руководитель ШМО учителей математики",
             "о работе методического объединения с обучающимися группы риска")]
DECISIONS = ["Информацию директора принять к сведению.",
             "Признать подготовку к ГИА по математике недостаточной.",
             "Усилить контроль за посещаемостью консультаций обучающимися 9 и 11 классов.",
             "Рассмотреть итоги собеседования на заседании педагогического совета школы."]
RECOMMENDATIONS = [
    "Разработать и утвердить индивидуальные планы подготовки к ОГЭ по математике для "
    "обучающихся группы риска.",
    "Провести повторную диагностическую работу по математике в 9 классах и представить анализ "
    "результатов.",
    "Организовать посещение уроков учителей математики администрацией школы не реже двух раз "
    "в месяц.",
    "Направить учителей математики на курсы повышения квалификации по работе с "
    "низкомотивированными обучающимися.",
    "Представить в управление образования скорректированный план мероприятий дорожной карты.",
    "Организовать информирование родителей обучающихся группы риска о результатах "
    "диагностических работ.",
]
RESPONSIBLE = ["директор школы", "заместитель директора по УВР",
               "руководитель ШМО учителей математики"]
COMMISSION_TITLES = ["главный специалист управления образования",
                     "ведущий специалист управления образования",
                     "руководитель муниципального методического объединения"]


def generate(ctx) -> None:
    s, rng, year, today = ctx.scale, ctx.rng, ctx.year, ctx.today
    users = ctx.ids["users_by_role"]
    methodist = {m: uid for uid, _, m in users.get("methodist", [])}
    methodist_name = _user_names(ctx, list(methodist.values()))
    school_user = {o: uid for uid, _, o in users.get("school", [])}
    names = ctx.ids["school_names"]
    directors = _directors(ctx)
    candidates = _schools_by_year(ctx)
    muni_of = {o: m for m, ids in ctx.ids["schools_by_municipality"].items() for o in ids}

    # The series, and the schools each one may interview (in order).
    series, members, queue = [], [], []
    plan = [(muni, auth, y, k) for y in (year - 1, year) for k in range(len(SERIES))
            for muni, auth in ctx.ids["authority_by_municipality"].items()]
    for sid, (muni, auth, y, k) in zip(ctx.take_ids(InterviewSeries, len(plan)), plan):
        month, day, topic, agenda = SERIES[k]
        lines = agenda[:rng.randint(2, len(agenda))]
        uid = methodist.get(muni)
        series.append(ctx.stamp(
            id=sid, authority_id=auth, topic=topic.format(y=y),
            agenda_template="\n".join(title for title, _ in lines), default_place=f"управление образования, каб. "
            f"{rng.randint(1, 30)}", default_link=None, slot_minutes=40, note=None,
            deleted_at=None, created_by_id=uid))
        commission = [(CommissionRole.CHAIR, None, ctx.person(),
                       "начальник управления образования"),
                      (CommissionRole.SECRETARY, uid, methodist_name.get(uid) or ctx.person(),
                       "методист управления образования")]
        commission += [(CommissionRole.MEMBER, None, ctx.person(), title)
                       for title in rng.sample(COMMISSION_TITLES, k=rng.randint(1, 3))]
        for pos, (role, user_id, name, title) in enumerate(commission):
            members.append(ctx.stamp(series_id=sid, role=role, position=pos, user_id=user_id,
                                     full_name=name, job_title=title))
        schools = [o for o in candidates.get(y, []) if muni_of[o] == muni]
        queue.append((series[-1], date(y, month, day), lines, commission, schools))

    chosen = _round_robin(queue, s.interviews)
    rows = {t: [] for t in ("meetings", "people", "items", "speeches", "decisions", "recs")}
    numbers: dict[tuple, int] = {}
    for mid, (ser, first_day, lines, commission, school, slot) in zip(
            ctx.take_ids(Meeting, len(chosen)), sorted(chosen, key=lambda c: (
                c[1] + timedelta(days=c[5] // 8), c[5]))):
        day = first_day + timedelta(days=slot // 8)
        start = time(10 + (slot % 8) * 40 // 60, (slot % 8) * 40 % 60)
        end = (datetime.combine(day, start) + timedelta(minutes=40)).time()
        held = day <= today and rng.random() < 0.95
        auth, uid = ser["authority_id"], ser["created_by_id"]
        number = None
        if held:
            numbers[(auth, day.year)] = number = numbers.get((auth, day.year), 0) + 1
        rows["meetings"].append(ctx.stamp(
            id=mid, kind=MeetingKind.INTERVIEW, authority_id=auth, series_id=ser["id"],
            organization_id=school, director_name=directors.get(school), meeting_date=day,
            start_time=start, end_time=end, place=ser["default_place"], video_link=None,
            heading=f"собеседования с руководителем {names[school]} по теме «{ser['topic']}»",
            secretary_user_id=uid, status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
            held_at=datetime.combine(day, end, tzinfo=timezone.utc) if held else None,
            held_by_id=uid if held else None, protocol_year=day.year if held else None,
            protocol_number=number, deleted_at=None, created_by_id=uid))
        _record(ctx, rows, mid, commission, school, names[school], directors.get(school),
                lines, held)
        if held:
            for pos in range(rng.randint(2, 5)):
                rows["recs"].append(recommendation(
                    ctx, RECOMMENDATION_SOURCE, mid, pos, school, day,
                    rng.choice(RECOMMENDATIONS), rng.choice(RESPONSIBLE), reviewer=uid,
                    school_user=school_user.get(school)))
    counters = [{"authority_id": a, "year": y, "last_number": n}
                for (a, y), n in sorted(numbers.items())]
    ctx.insert_all((InterviewSeries, series), (CommissionMember, members),
                   (Meeting, rows["meetings"]), (MeetingParticipant, rows["people"]),
                   (AgendaItem, rows["items"]), (AgendaSpeech, rows["speeches"]),
                   (AgendaDecision, rows["decisions"]), (ProtocolCounter, counters),
                   (Recommendation, rows["recs"]),
                   new_ids=(CommissionMember, MeetingParticipant, AgendaSpeech, AgendaDecision,
                            ProtocolCounter, Recommendation))
    meetings = rows["meetings"]
    ctx.ids["interviews"] = [m["id"] for m in meetings if m["status"] == MeetingStatus.HELD] + \
        [m["id"] for m in meetings if m["status"] != MeetingStatus.HELD]


def _round_robin(queue, n) -> list[tuple]:
    """Up to ``n`` (series, first day, agenda, commission, school, slot), one school of every
    series in turn, so that the interviews spread over municipalities and years."""
    out, k = [], 0
    while len(out) < n and any(k < len(q[4]) for q in queue):
        for ser, first_day, lines, commission, schools in queue:
            if k < len(schools) and len(out) < n:
                out.append((ser, first_day, lines, commission, schools[k], k))
        k += 1
    return out


def _record(ctx, rows, mid, commission, school, school_name, director, lines, held) -> None:
    """Participants and agenda items of one interview; СЛУШАЛИ/ВЫСТУПИЛИ/РЕШИЛИ when held."""
    rng = ctx.rng
    role_of = {CommissionRole.CHAIR: ParticipantRole.CHAIR,
               CommissionRole.SECRETARY: ParticipantRole.SECRETARY,
               CommissionRole.MEMBER: ParticipantRole.MEMBER}
    for pos, (role, user_id, name, title) in enumerate(commission):
        rows["people"].append(ctx.stamp(
            meeting_id=mid, role=role_of[role], position=pos, user_id=user_id, full_name=name,
            job_title=title, present=not held or role != CommissionRole.MEMBER
            or rng.random() < 0.9))
    if director:
        rows["people"].append(ctx.stamp(
            meeting_id=mid, role=ParticipantRole.INVITED, position=100, user_id=None,
            full_name=director, job_title=f"директор {school_name}", present=True))
    item_ids = ctx.take_ids(AgendaItem, len(lines))
    for pos, (iid, (title, report)) in enumerate(zip(item_ids, lines)):
        who = f"{_initials(director)}, директора {school_name}" if held and director else ""
        summary = report.format(
            n9=rng.randint(12, 60), n11=rng.randint(0, 30), p=rng.randint(18, 45),
            q=rng.randint(8, 30), d=rng.randint(20, 40), t=rng.randint(41, 60),
            v=rng.randint(1, 3)) if held else ""
        rows["items"].append(ctx.stamp(id=iid, meeting_id=mid, position=pos, title=title,
                                       heard_who=who, heard_summary=summary))
        if not held:
            continue
        for n, (title_, text) in enumerate(rng.sample(SPEECHES, k=rng.randint(1, 2))):
            rows["speeches"].append(ctx.stamp(item_id=iid, position=n,
                                              who=f"{_initials(ctx.person())}, {title_}",
                                              summary=text))
        for n, text in enumerate(rng.sample(DECISIONS, k=rng.randint(1, 3))):
            rows["decisions"].append(ctx.stamp(item_id=iid, position=n, text=text,
                                               responsible="", due_date=None))


def _initials(full_name: str | None) -> str:
    """«Иванова Анна Петровна» → «Иванова А.П.»"""
    parts = (full_name or "").split()
    return parts[0] + " " + "".join(p[0] + "." for p in parts[1:]) if parts else ""


def _schools_by_year(ctx) -> dict[int, list[int]]:
    """ШНОР first, then ШНСУ and risk-zone schools, of every year (registry statuses)."""
    order = {SchoolStatus.LOW_RESULTS: 0, SchoolStatus.SOCIAL_RISK: 1, SchoolStatus.RISK_ZONE: 2}
    rows = ctx.conn.execute(select(SchoolStatusRecord.year, SchoolStatusRecord.status,
                                   SchoolStatusRecord.organization_id).where(
        SchoolStatusRecord.status.in_(list(order)), SchoolStatusRecord.deleted_at.is_(None)))
    out: dict[int, list[int]] = {}
    for y, status, org in sorted(rows, key=lambda r: (r[0], order[r[1]], r[2])):
        if org not in out.setdefault(y, []):
            out[y].append(org)
    return out


def _directors(ctx) -> dict[int, str]:
    from shnor_app.models import Organization

    return dict(ctx.conn.execute(select(Organization.id, Organization.director_name).where(
        Organization.id.in_(ctx.ids["schools"]))).all())


def _user_names(ctx, ids) -> dict[int, str]:
    from shnor_app.models import User

    return dict(ctx.conn.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
