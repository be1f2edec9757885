"""A recommendation source for tests of the shared recommendations module.

Real sources (visits, protocols) are contributed by their areas; here the school itself is the
source: its managers (admin, region, the municipality's methodist) give and review
recommendations, the school reports on them.
"""
from __future__ import annotations

from datetime import date

import pytest
from flask import url_for

from shnor_app import areas
from shnor_app.models import Organization
from shnor_app.services import recommendations as rec_svc

SOURCE_DATE = date(2026, 3, 10)


@pytest.fixture
def rec_source():
    source = areas.RecommendationSource(
        "test_school", Organization, kind_label="Проверка",
        label=lambda o: f"Проверка {o.short_name}",
        url=lambda o: url_for("registry.organization", org_id=o.id),
        edit_action="manage", review_action="manage",
        date_of=lambda o: SOURCE_DATE, school_of=lambda o: o.id)
    areas.add_recommendation_source(source)
    yield source
    areas.remove_recommendation_source("test_school")


def give(org, text="Провести педсовет по итогам ВПР", due=date(2026, 4, 1), **kw):
    return rec_svc.add("test_school", org, {"text": text, "due_date": due,
                                            "responsible": kw.pop("responsible", None), **kw})
