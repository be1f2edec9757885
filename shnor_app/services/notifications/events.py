"""Messages queued by events, in the transaction of the event itself (the caller commits).

- an interview scheduled or moved → the school's users, with an .ics invitation;
- a report on a recommendation returned → the school's users;
- a school reported on a recommendation → whoever may accept or return it;
- a report on a roadmap item → whoever keeps the roadmap.

Each recipient is asked the policy's question about the record itself (``can``), so a message
never tells a user of a record the user could not open.
"""
from __future__ import annotations

import hashlib

from flask import current_app, has_request_context
from sqlalchemy import select

from ...extensions import db
from ...formatting import fmt_date
from ...models import Meeting, Recommendation, Roadmap, RoadmapItem, User
from . import Mail, _stamp, absolute, link, queue, short


def _receivers(*where) -> list[User]:
    from ...policy.notifications import receivers_clause

    return list(db.session.scalars(select(User).where(receivers_clause(User), *where)
                                   .order_by(User.id)))


def _in_region(region_id) -> list[User]:
    return [u for u in _receivers() if u.effective_region_id == region_id]


def _tell(users, action: str, record, kind: str, key, mail: Mail, *, by: User | None = None,
          ics=None) -> int:
    """Queue ``mail`` to each of ``users`` whom the policy lets ``action`` the ``record``, never to
    ``by`` (who caused the event); ``key(user)`` and ``ics(user)`` are made per recipient.
    Returns how many were queued."""
    from ... import policy

    count = 0
    for user in users:
        if by is not None and user.id == by.id:
            continue
        if policy.can(user, action, record) and queue(
                user, kind, key(user), mail, ics=ics(user) if ics else None):
            count += 1
    return count



# --------------------------------------------------------------------------- interviews


def interview_scheduled(meeting: Meeting, *, moved: bool = False) -> int:
    """The school's users are told of its interview (scheduled, or moved to a new time)."""
    from .calendar import invitation

    if meeting.organization_id is None or meeting.deleted_at is not None:
        return 0
    db.session.flush()
    when = f"{fmt_date(meeting.meeting_date)}, {meeting.time_label}".rstrip(", ")
    what = "перенесено" if moved else "назначено"
    mail = Mail(
        subject=f"Собеседование {what}: {when}",
        intro=(f"Собеседование с руководителем {what}"
               + (" — обратите внимание на новое время." if moved else ".")),
        rows=[("Тема", short(meeting.heading, 300)), ("Дата", fmt_date(meeting.meeting_date)),
              ("Время", meeting.time_label), ("Место", meeting.place or ""),
              ("Видеосвязь", meeting.video_link or ""),
              ("Проводит", meeting.authority.short_name if meeting.authority else "")],
        url=link("interviews.index"), link_label="Мои собеседования")
    version = hashlib.sha256(repr((meeting.meeting_date, meeting.start_time, meeting.end_time,
                                   meeting.place, meeting.video_link)).encode()).hexdigest()[:16]
    return _tell(_receivers(User.organization_id == meeting.organization_id), "view", meeting,
                 "interview", lambda user: f"interview:{meeting.id}:{version}:{user.id}", mail,
                 ics=lambda user: invitation(meeting, user))


# --------------------------------------------------------------------------- recommendations


def _source_url(rec: Recommendation, *, external: bool = True) -> str:
    """The page of the record that gave the recommendation (absolute for a message)."""
    from ..recommendations import source_for, source_object

    def build():
        try:
            obj = source_object(rec)
            if obj is None:
                return None
            path = source_for(rec.source_type).url(obj)
            return absolute(path) if external else path
        except (LookupError, AttributeError):
            return None

    if has_request_context():
        url = build()
    else:
        with current_app.test_request_context("/"):
            url = build()
    if url:
        return url
    return link("recommendations.index") if external else "/recommendations/"


def _rec_rows(rec: Recommendation) -> list[tuple[str, str]]:
    return [("Рекомендация", short(rec.text, 500)),
            ("Школа", rec.organization.short_name if rec.organization else ""),
            ("Ответственный", rec.responsible or ""), ("Срок", fmt_date(rec.due_date))]


def recommendation_returned(rec: Recommendation) -> int:
    mail = Mail(subject="Отчёт по рекомендации возвращён на доработку",
                intro="Проверяющий вернул ваш отчёт по рекомендации на доработку.",
                rows=_rec_rows(rec) + [("Что доделать", short(rec.review_comment, 2000))],
                url=_source_url(rec))
    stamp = _stamp(rec.reviewed_at)
    return _tell(_receivers(User.organization_id == rec.organization_id), "view", rec,
                 "returned", lambda user: f"returned:{rec.id}:{stamp}:{user.id}", mail)


def recommendation_reported(rec: Recommendation, *, by: User | None = None) -> int:
    school = rec.organization
    mail = Mail(subject=f"Школа отчиталась по рекомендации: {school.short_name if school else ''}",
                intro="Школа отчиталась о выполнении рекомендации — отчёт ждёт проверки.",
                rows=_rec_rows(rec) + [("Отчёт школы", short(rec.report_text, 2000))],
                url=_source_url(rec))
    stamp = _stamp(rec.reported_at)
    return _tell(_in_region(school.region_id if school else None), "review", rec, "reported",
                 lambda user: f"reported:{rec.id}:{stamp}:{user.id}", mail, by=by)


# --------------------------------------------------------------------------- roadmap items


def item_reported(report, item: RoadmapItem, *, by: User | None = None) -> int:
    """A report on a roadmap item → the users who keep its roadmap."""
    db.session.flush()
    roadmap = db.session.get(Roadmap, item.roadmap_id)
    owner = roadmap.owner if roadmap is not None else None
    org = report.organization or (by.organization if by is not None else None)
    mail = Mail(subject=f"Отчёт по пункту дорожной карты: {org.short_name if org else ''}".rstrip(": "),
                intro="По пункту дорожной карты поступил отчёт об исполнении.",
                rows=[("Пункт", short(str(item), 300)),
                      ("Дорожная карта", short(str(roadmap), 300)),
                      ("Исполнитель", org.short_name if org else ""),
                      ("Отчёт", short(report.text, 2000))],
                url=link("roadmaps.item", item_id=item.id))
    region_id = owner.region_id if owner is not None else None
    candidates = _in_region(region_id) if region_id else _receivers()
    return _tell(candidates, "edit", item, "reported",
                 lambda user: f"item-report:{report.id}:{user.id}", mail, by=by)
