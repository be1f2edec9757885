"""Partnerships, joint events and practices (through the services)."""
from __future__ import annotations

from datetime import date, timedelta

from shnor_app.formatting import today
from shnor_app.models import (
    EventKind, EventVenue, JointEvent, Partnership, PartnershipStatus, Practice, PracticeProblem,
)
from shnor_app.services import partnerships as svc
from shnor_app.services import practices as practice_service


def make_partnership(school, partner, *, start=None, end=None, status=None, subject=None,
                     people=None, **kw) -> Partnership:
    p = Partnership(school_id=school.id, partner_id=partner.id,
                    start_date=start or date(today().year - 1, 9, 1), end_date=end,
                    status=status or PartnershipStatus.ACTIVE,
                    subject=subject or "Методическое сопровождение подготовки к ГИА", **kw)
    return svc.save_partnership(p, people or [], is_new=True)


def make_event(p, *, day=None, kind=EventKind.SEMINAR, venue=EventVenue.SCHOOL,
               topic="Семинар по формирующему оцениванию", **kw) -> JointEvent:
    ev = JointEvent(event_date=day or today() - timedelta(days=1), kind=kind, venue=venue,
                    topic=topic, school_participants=kw.pop("school_participants", 5),
                    partner_participants=kw.pop("partner_participants", 2), **kw)
    return svc.save_event(ev, p, [], is_new=True)


def make_practice(org, *, title="Смысловое чтение на уроках истории",
                  problem=PracticeProblem.WEAK_READING, description="Приёмы работы с текстом",
                  **kw) -> Practice:
    pr = Practice(author_org_id=org.id, title=title, problem=problem, description=description,
                  **kw)
    return practice_service.save_practice(pr, is_new=True)
