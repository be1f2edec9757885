"""Recommendations to schools, whatever gave them (a visit, an interview protocol, a meeting).

A recommendation is seen by whoever sees its source record. Its text is written by whoever the
source lets write them (the source's ``edit_action``), while the school has not reported yet.
The school it is addressed to — and whoever manages that school — reports what was done; the
source's reviewing side (``review_action``) accepts the report or returns it. The school
attaches its evidence to the recommendation while it may report.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_

from .. import areas
from ..models import Recommendation, RecommendationStatus
from .core import MY_ORG, Pred, get, rules, same, test
from .registry import manages


def source_of(rec: Recommendation):
    """(source kind, source record) of ``rec``; (None, None) for an unknown kind."""
    source = areas.recommendation_sources().get(rec.source_type)
    if source is None:
        return None, None
    return source, get(source.model, rec.source_id)


class _Source(Pred):
    """The source record answers the action the source names (``view``, its edit or review
    action); in SQL only ``view``: the recommendations of the sources the user sees."""

    def __init__(self, which: str):
        self.which = which  # "view" | "edit" | "review"

    def check(self, user, rec) -> bool:
        from . import can

        source, obj = source_of(rec)
        if obj is None:
            return False
        action = {"view": "view", "edit": source.edit_action,
                  "review": source.review_action}[self.which]
        return can(user, action, obj)

    def clause(self, user):
        from . import scope_query

        if self.which != "view":
            raise NotImplementedError("only «view» of recommendations is asked of a list")
        conds = [and_(Recommendation.source_type == key, Recommendation.source_id.in_(
            scope_query(user, source.model, columns=(source.model.id,))))
            for key, source in areas.recommendation_sources().items()]
        return or_(*conds) if conds else false()


def _creates_for(user, source_obj) -> bool:
    from . import can

    for source in areas.recommendation_sources().values():
        if isinstance(source_obj, source.model):
            return can(user, "view", source_obj) and can(user, source.edit_action, source_obj)
    return False


NOT_CLOSED = test(lambda u, rec: not rec.status.closed, "not closed")
NO_REPORT_YET = test(lambda u, rec: rec.status is RecommendationStatus.OPEN
                     and not rec.report_text, "school has not reported")
ADDRESSEE = same(Recommendation.organization_id, MY_ORG) | manages(Recommendation.organization_id)
REPORTS = NOT_CLOSED & ADDRESSEE

rules(Recommendation,
      view=_Source("view"),
      edit=_Source("edit"),
      change_text=_Source("edit") & NO_REPORT_YET,   # the text, due date and link; delete
      report=REPORTS,
      review=_Source("review"),
      attach=_Source("edit") | REPORTS,              # the school's evidence for its report
      create=test(_creates_for, "writes the source's recommendations"))

