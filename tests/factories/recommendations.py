"""A recommendation source for tests of the shared recommendations module, and
recommendations given through it.

Real sources (visits, protocols) are contributed by their areas; here the school itself is the
source: its managers (admin, region, the municipality's methodist) give and review
recommendations, the school reports on them. The ``rec_source`` fixture adds it for a test.
"""
from __future__ import annotations

from datetime import date

from flask import url_for

from shnor_app import areas
from shnor_app.models import Organization
from shnor_app.services import recommendations as rec_svc

SOURCE = "test_school"
SOURCE_DATE = date(2026, 3, 10)


def add_school_source() -> areas.RecommendationSource:
    source = areas.RecommendationSource(
        SOURCE, Organization, kind_label="Проверка",
        label=lambda o: f"Проверка {o.short_name}",
        url=lambda o: url_for("registry.organization", org_id=o.id),
        edit_action="manage", review_action="manage",
        date_of=lambda o: SOURCE_DATE, school_of=lambda o: o.id)
    areas.add_recommendation_source(source)
    return source


def remove_school_source() -> None:
    areas.remove_recommendation_source(SOURCE)


def make_recommendation(org, text="Провести педсовет по итогам ВПР", due=date(2026, 4, 1), **kw):
    """A recommendation to ``org`` from the school source (``rec_source`` must be on)."""
    return rec_svc.add(SOURCE, org, {"text": text, "due_date": due,
                                     "responsible": kw.pop("responsible", None), **kw})
