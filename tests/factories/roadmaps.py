"""Roadmaps with one section and its items (through the roadmaps service)."""
from __future__ import annotations

from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.formatting import today
from shnor_app.models import Roadmap, RoadmapLevel, RoadmapSection
from shnor_app.services import roadmaps as rm_svc


def _saved(owner, title, year, level):
    rm = Roadmap(owner_id=owner.id if owner else None, title=title, year=year, level=level)
    rm_svc.save_roadmap(rm, is_new=True)
    section = db.session.scalar(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    return rm, section


def make_roadmap(owner, n_items=3, *, year=None, period=None, executors="РУО",
                 title="Дорожная карта", text="Мероприятие номер {}", by=None):
    """A municipal roadmap of ``owner`` (this year by default) with ``n_items`` items
    («Мероприятие номер 1»…); returns (roadmap, its section, items)."""
    year = year or today().year
    rm, section = _saved(owner, title, year, RoadmapLevel.MUNICIPAL)
    period = period or f"март {year}"
    items = [rm_svc.add_item(section, {"number": f"{i + 1}.", "text": text.format(i + 1),
                                       "period_text": period, "executors": executors}, by=by)
             for i in range(n_items)]
    return rm, section, items


def make_school_roadmap(org, items=("Педагогический совет по итогам ВПР",), *, year=2026,
                        title="Дорожная карта школы на 2026 год"):
    """A school-level roadmap of ``org`` with one item per text; returns (roadmap, items)."""
    rm, section = _saved(org, title, year, RoadmapLevel.SCHOOL)
    made = [rm_svc.add_item(section, {"number": f"{i}.", "text": text,
                                      "period_text": f"март {year}", "executors": "Школа"})
            for i, text in enumerate(items, 1)]
    return rm, made
