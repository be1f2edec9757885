"""Escalations: recommendations and roadmap items overdue by more than 14 days, shown on the
start page of the municipality they belong to (and, for the items of municipal roadmaps, of the
region) with the school and the responsible person.

Only what the user sees (``scope_query``) is listed; counts are exact, lists show the oldest.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    NOT_CLOSED_STATUSES, ItemStatus, Organization, Recommendation, Roadmap, RoadmapItem,
)
from . import short

SHOWN = 10


@dataclass
class Escalated:
    kind: str            # «Рекомендация», «Пункт дорожной карты»
    text: str
    due: date
    days: int            # how many days overdue
    school: str
    responsible: str
    url: str



def escalations(user, today: date) -> dict | None:
    from flask import url_for

    from ..roadmaps import current_clause, period_label

    from ... import policy
    from ...policy.notifications import ESCALATION_DAYS, escalation_scope, municipal_items
    from .events import _source_url

    level = escalation_scope(user)
    if level is None:
        return None
    limit_day = today - timedelta(days=ESCALATION_DAYS)
    rows: list[Escalated] = []
    n_recs = 0
    if level == "municipality":
        recs = policy.scope_query(user, Recommendation).where(
            Recommendation.status.in_(NOT_CLOSED_STATUSES), Recommendation.due_date < limit_day,
            Recommendation.organization_id.in_(select(Organization.id).where(
                Organization.municipality_id == user.municipality_id)))
        n_recs = db.session.scalar(recs.with_only_columns(func.count(Recommendation.id))
                                   .order_by(None)) or 0
        for rec in db.session.scalars(recs.order_by(Recommendation.due_date, Recommendation.id)
                                      .limit(SHOWN)):
            rows.append(Escalated("Рекомендация", short(rec.text, 160), rec.due_date,
                                  (today - rec.due_date).days, rec.organization.short_name,
                                  rec.responsible or "не указан", _source_url(rec, external=False)))
    items = policy.scope_query(user, RoadmapItem).where(
        RoadmapItem.status.not_in([ItemStatus.DONE, ItemStatus.CANCELLED]),
        RoadmapItem.period_end < limit_day)
    owners = select(Organization.id)
    if level == "municipality":
        owners = owners.where(Organization.municipality_id == user.municipality_id)
    else:
        owners = owners.where(Organization.region_id == user.effective_region_id)
        items = municipal_items(items)
    # Only the current roadmaps («действует», this year's: roadmaps.current_clause) — a finished,
    # archived or past year's plan does not bury this year's deadlines.
    items = items.where(RoadmapItem.roadmap_id.in_(
        select(Roadmap.id).where(Roadmap.owner_id.in_(owners), current_clause(today))))
    n_items = db.session.scalar(items.with_only_columns(func.count(RoadmapItem.id))
                                .order_by(None)) or 0
    for item in db.session.scalars(items.order_by(RoadmapItem.period_end, RoadmapItem.id)
                                   .limit(SHOWN)):
        roadmap = db.session.get(Roadmap, item.roadmap_id)
        executors = ", ".join(name for _, name in item.executor_orgs)
        school = roadmap.owner.short_name if roadmap.owner is not None else ""
        rows.append(Escalated("Пункт дорожной карты", short(str(item), 160), item.period_end,
                              (today - item.period_end).days, executors or school,
                              short(item.executors, 120) or "не указан",
                              url_for("roadmaps.item", item_id=item.id)))
    if not rows:
        return None
    rows.sort(key=lambda r: (r.due, r.kind))
    return {"rows": rows, "n_recs": n_recs, "n_items": n_items, "level": level,
            "days": ESCALATION_DAYS, "today": today, "period": period_label(today)}
