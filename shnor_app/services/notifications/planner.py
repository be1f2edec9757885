"""The daily planner: reminders of due dates, queued for the users who answer for them.

For every user who receives mail and every open record with a due date the user answers for
(``policy.notifications.responsible_query``: roadmap items, recommendations, ИОМ activities,
mentoring steps), one reminder is due at each *stage*: N days before (the user's days, 7 and 1
by default), on the day, and once overdue. A run queues the stage the record is in today — the
nearest «N days before» whose day has come, «today», or «overdue» (up to 30 days after the
date); the key (kind, record, due date, stage, user) makes a second run, or a run the next day
in the same stage, queue nothing. A moved due date starts the stages again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ...extensions import db
from ...formatting import count_words, fmt_date
from ...models import (
    MentoringPair, MentoringStep, PlanActivity, Recommendation, Roadmap,
    RoadmapItem, User,
)
from . import KINDS, Mail, link, queue, settings_for, short

OVERDUE_DAYS = 30  # an overdue record is reminded of once, if the planner ran within this


@dataclass
class DueRecord:
    kind: str          # a key of KINDS
    ident: int
    due: date
    title: str
    description: str
    url: str
    where: str = ""
    responsible: str = ""



def _item(item: RoadmapItem) -> DueRecord:
    roadmap = db.session.get(Roadmap, item.roadmap_id)
    return DueRecord("due_roadmap", item.id, item.period_end, short(str(item), 200),
                     f"Пункт дорожной карты «{short(roadmap, 300)}»",
                     link("roadmaps.item", item_id=item.id), short(roadmap, 300),
                     short(item.executors, 300))


def _recommendation(rec: Recommendation) -> DueRecord:
    from .events import _source_url

    return DueRecord("due_recommendation", rec.id, rec.due_date, short(rec.text, 200),
                     f"Рекомендация школе {rec.organization.short_name}", _source_url(rec),
                     rec.organization.short_name, rec.responsible or "")


def _activity(act: PlanActivity) -> DueRecord:
    plan = act.plan
    who = act.staff_member.full_name if act.staff_member is not None else ""
    return DueRecord("due_iom", act.id, act.due_date, short(act.title, 200),
                     f"Мероприятие плана «{short(plan.title, 300)}»",
                     link("courses.plan", plan_id=plan.id), short(plan.title, 300), who)


def _step(step: MentoringStep) -> DueRecord:
    pair = db.session.get(MentoringPair, step.pair_id)
    return DueRecord("due_mentoring", step.id, step.due_date, short(step.text, 200),
                     f"Шаг плана наставничества: {short(pair, 300)}",
                     link("mentoring.show", pair_id=pair.id), short(pair, 300),
                     pair.mentor_label)


# kind → (model, its due-date column, how a record is described)
SOURCES = {
    "due_roadmap": (RoadmapItem, RoadmapItem.period_end, _item),
    "due_recommendation": (Recommendation, Recommendation.due_date, _recommendation),
    "due_iom": (PlanActivity, PlanActivity.due_date, _activity),
    "due_mentoring": (MentoringStep, MentoringStep.due_date, _step),
}
_ORDER = {RoadmapItem: RoadmapItem.id, Recommendation: Recommendation.id,
          PlanActivity: PlanActivity.id, MentoringStep: MentoringStep.id}


def due_records(user: User, start: date, end: date, *, kinds=None,
                limit: int = 2000) -> list[DueRecord]:
    """The open records ``user`` answers for (and sees) with a due date in [start, end]."""
    from ...policy.notifications import responsible_query

    out = []
    for kind, (model, column, describe) in SOURCES.items():
        if kinds is not None and kind not in kinds:
            continue
        stmt = responsible_query(user, model).where(column.between(start, end)) \
            .order_by(column, _ORDER[model]).limit(limit)
        out += [describe(obj) for obj in db.session.scalars(stmt)]
    return out


def stage(due: date, today: date, days: tuple[int, ...]) -> str | None:
    """The reminder due today for a date ``due``: ``before-N``, ``today``, ``overdue`` or None."""
    if due < today:
        return "overdue" if (today - due).days <= OVERDUE_DAYS else None
    if due == today:
        return "today"
    left = (due - today).days
    near = [n for n in days if left <= n]
    return f"before-{min(near)}" if near else None


_STAGE_SUBJECT = {"today": "Сегодня срок", "overdue": "Просрочено"}


def _mail(rec: DueRecord, st: str, today: date) -> Mail:
    if st.startswith("before-"):
        left = (rec.due - today).days
        head = f"Срок через {count_words(left, 'день', 'дня', 'дней')}"
        intro = f"Через {count_words(left, 'день', 'дня', 'дней')}, {fmt_date(rec.due)}, " \
                f"наступает срок:"
    elif st == "today":
        head, intro = _STAGE_SUBJECT[st], f"Сегодня, {fmt_date(rec.due)}, наступает срок:"
    else:
        head = _STAGE_SUBJECT[st]
        intro = f"Срок {fmt_date(rec.due)} прошёл, а отметки о выполнении нет:"
    label = KINDS[rec.kind].replace("Сроки ", "").capitalize()
    return Mail(subject=f"{head}: {rec.title}"[:300], intro=intro,
                rows=[("Что", rec.title), ("Где", rec.description), ("Срок", fmt_date(rec.due)),
                      ("Ответственный", rec.responsible), ("Вид", label)],
                url=rec.url)


def plan_due(today: date) -> int:
    """Queue today's due-date reminders for every user; returns how many were queued."""
    from ...policy.notifications import receivers_clause

    queued = 0
    users = list(db.session.scalars(select(User).where(receivers_clause(User)).order_by(User.id)))
    for user in users:
        settings = settings_for(user)
        kinds = [k for k in SOURCES if settings.wants(k)]
        if not kinds:
            continue
        horizon = max(settings.days, default=0)
        records = due_records(user, today - timedelta(days=OVERDUE_DAYS),
                              today + timedelta(days=horizon), kinds=kinds)
        for rec in records:
            st = stage(rec.due, today, settings.days)
            if st is None:
                continue
            key = f"due:{rec.kind}:{rec.ident}:{rec.due.isoformat()}:{st}:{user.id}"
            if queue(user, rec.kind, key, _mail(rec, st, today), settings=settings):
                queued += 1
        db.session.commit()
    return queued

