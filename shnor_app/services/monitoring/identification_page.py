"""One page of «Выявление ШНОР» for a territory: counts over every school of it, the verdicts
of one page of schools, the list the approval form offers and the years with results.

A region's page reads its schools' results above the threshold (a few thousand rows), the
results of the fifty schools shown (some 800) and the statuses; it is the same for every user
of the same territory until results, statuses or schools change. So it is computed once per
state of those tables (``data_cache``) as plain values — a school is its id, short name and
municipality name, never an ORM object — and served from there to every request after.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ...extensions import db
from ...models import AssessmentResult, Municipality, Organization, SchoolStatusRecord
from ...paging import Page
from .. import data_cache
from .assessments import (
    FlaggedSchool, SchoolVerdict, approved_school_ids, flagged_school_ids, flagged_schools,
    procedure_results, years_with_results,
)
from .dashboards import latest_year
from .identification import identify

FILTERS = ("flagged", "other", "approved")  # «only»: the verdict, or the status

TABLES = data_cache.watch(Organization.__tablename__, Municipality.__tablename__,
                          AssessmentResult.__tablename__, SchoolStatusRecord.__tablename__)


@dataclass(frozen=True)
class MunicipalityName:
    name: str


@dataclass(frozen=True)
class SchoolRow:
    """What the identification shows of a school."""
    id: int
    short_name: str
    municipality: MunicipalityName | None


@dataclass(frozen=True)
class IdentificationPage:
    year: int
    all_count: int
    page: Page                      # items: the page's SchoolVerdicts
    flagged: list[FlaggedSchool]    # every school of the territory the rule flags
    approved_count: int
    years: list[int]
    key: data_cache.Key | None      # what the page was computed for (None: not kept)

    @property
    def verdicts(self) -> list[SchoolVerdict]:
        return self.page.items


def filtered(schools_stmt, only: str, flagged_ids: set[int], approved_ids: set[int]):
    """``schools_stmt`` (a select of organisations) narrowed to the page's filter."""
    if only == "flagged":
        return schools_stmt.where(Organization.id.in_(flagged_ids or [-1]))
    if only == "other":
        return schools_stmt.where(Organization.id.not_in(flagged_ids or [-1]))
    if only == "approved":
        return schools_stmt.where(Organization.id.in_(approved_ids or [-1]))
    return schools_stmt


def identification_page(schools_stmt, *, year: int | None, fallback_year: int, only: str,
                        page: int, per_page: int) -> IdentificationPage:
    """The page for the schools of ``schools_stmt`` (a select of organisations, in the order
    shown) in ``year`` — or, when None, the latest year with results of those schools, or
    ``fallback_year`` when they have none."""
    return data_cache.cached(
        "identification", TABLES, (year, fallback_year, only, page, per_page),
        lambda key: _compute(schools_stmt, year=year, fallback_year=fallback_year, only=only,
                             page=page, per_page=per_page, key=key),
        scope=schools_stmt)


def _compute(schools_stmt, *, year, fallback_year, only, page, per_page, key):
    ids = schools_stmt.with_only_columns(Organization.id).order_by(None).correlate(None)
    year = year or latest_year(ids) or fallback_year
    flagged_ids = flagged_school_ids(ids, year)
    approved_ids = approved_school_ids(ids, year)
    all_count = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    stmt = filtered(schools_stmt, only, flagged_ids, approved_ids)
    total = all_count if not only else db.session.scalar(
        select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    muni_name = select(Municipality.name).where(
        Municipality.id == Organization.municipality_id).scalar_subquery()
    rows = db.session.execute(stmt.with_only_columns(
        Organization.id, Organization.short_name, muni_name)
        .limit(per_page).offset((page - 1) * per_page)).all()
    results = procedure_results([r[0] for r in rows], year)
    verdicts = [SchoolVerdict(SchoolRow(org_id, name, MunicipalityName(muni) if muni else None),
                              identify(results.get(org_id, [])), org_id in approved_ids)
                for org_id, name, muni in rows]
    flagged = flagged_schools(filtered(schools_stmt, "flagged", flagged_ids, approved_ids),
                              approved_ids) if flagged_ids else []
    return IdentificationPage(
        year=year, all_count=all_count, page=Page(verdicts, page, per_page, total),
        flagged=flagged, approved_count=len(approved_ids), years=years_with_results(ids),
        key=key)
