"""What each area of the application adds to the others — registered by the area itself.

Every area (one blueprint package under ``blueprints/``) says in its own ``__init__.py``, in one
:func:`contribute` call, everything it brings to the rest of the application:

- ``menu`` — its entries in the main navigation and who sees each;
- ``panels`` — blocks of the start page (:class:`shnor_app.home_panels.Panel`);
- ``recommendation_sources`` — records that give recommendations to schools (a visit, a
  protocol): the shared recommendations area tracks them;
- ``indicator_sources`` — figures a municipal indicator system can score (monitoring);
- ``map_counters`` — columns of the partnership map (visits per quarter, open recommendations);
- ``related_orgs`` — the organisations a tutor works with through this area (its partner
  schools, its mentored schools): the policy shows them to the tutor;
- ``audit_labels`` — Russian names of the area's fields in the change history;
- ``audit_values`` — how the history words a structured value of a field (field → function);
- ``cli`` — its ``flask --app wsgi <group> …`` commands.

No area imports another area's modules to wire itself in; the readers of each kind
(the menu, the start page, the recommendations, monitoring, the policy, the history) ask this
registry. Nothing here imports the policy, the services or the blueprints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable


@dataclass(frozen=True)
class MenuEntry:
    label: str
    endpoint: str
    visible: Callable[[Any], bool]   # (user) -> bool
    prefix: str                      # URL prefix that marks the entry as current


@dataclass(frozen=True)
class RecommendationSource:
    """A kind of record that gives recommendations to a school.

    ``edit_action`` and ``review_action`` name the policy actions on the source record: who
    writes its recommendations, and who accepts or returns the school's reports.
    """
    key: str
    model: type
    kind_label: str
    label: Callable[[Any], str]
    url: Callable[[Any], str]
    edit_action: str = "edit"
    review_action: str = "review"
    date_of: Callable[[Any], date | None] = field(default=lambda obj: None)
    school_of: Callable[[Any], int | None] = field(default=lambda obj: None)


@dataclass(frozen=True)
class IndicatorSource:
    """A figure an indicator can score: ``compute(org_ids, year, **params)`` returns
    ``{org_id: float | None}`` in a number of queries that does not depend on the schools."""
    label: str
    unit: str
    compute: Callable
    params: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class MapCounter:
    """A column of the partnership map. ``per`` is ``"pair"`` — ``fn(pairs, start, end) →
    {(school_id, partner_id): int}`` for a quarter — or ``"school"`` — ``fn(school_ids, today)
    → {school_id: int}``. ``tables`` are the tables ``fn`` reads: the map is kept between
    requests while none of them (nor the map's own) changes (``services.data_cache``)."""
    key: str
    label: str
    per: str
    fn: Callable
    tables: tuple[str, ...] = ()

    def __post_init__(self):
        from .services import data_cache

        data_cache.watch(*self.tables)


@dataclass
class Area:
    name: str
    menu: list[MenuEntry] = field(default_factory=list)
    panels: list = field(default_factory=list)
    recommendation_sources: list[RecommendationSource] = field(default_factory=list)
    indicator_sources: dict[str, IndicatorSource] = field(default_factory=dict)
    map_counters: list[MapCounter] = field(default_factory=list)
    related_orgs: Callable[[Any], set[int]] | None = None
    audit_labels: dict[str, str] = field(default_factory=dict)
    table_audit_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    audit_values: dict = field(default_factory=dict)
    cli: list = field(default_factory=list)


AREAS: dict[str, Area] = {}
_EXTRA_SOURCES: dict[str, RecommendationSource] = {}
_sources: dict[str, RecommendationSource] | None = None  # asked for every recommendation


def contribute(name: str, **parts) -> Area:
    """Register (or replace) what area ``name`` contributes; called once by the area."""
    global _sources
    area = Area(name, **parts)
    AREAS[name] = area
    _sources = None
    return area


def withdraw(name: str) -> None:
    """Forget what area ``name`` contributed (tests that contribute an area of their own)."""
    global _sources
    AREAS.pop(name, None)
    _sources = None


def _all(attr: str):
    for area in AREAS.values():
        yield area, getattr(area, attr)


def menu() -> list[MenuEntry]:
    """Entries of the main navigation, in the order the areas were registered."""
    return [m for _, ms in _all("menu") for m in ms]


def panels() -> list:
    out = [p for _, ps in _all("panels") for p in ps]
    return sorted(out, key=lambda p: (p.order, p.name))


def recommendation_sources() -> dict[str, RecommendationSource]:
    global _sources
    if _sources is None:
        _sources = {s.key: s for _, ss in _all("recommendation_sources") for s in ss}
        _sources.update(_EXTRA_SOURCES)
    return _sources


def add_recommendation_source(source: RecommendationSource) -> None:
    """A source outside the areas (tests give recommendations to a school directly)."""
    global _sources
    _EXTRA_SOURCES[source.key] = source
    _sources = None


def remove_recommendation_source(key: str) -> None:
    global _sources
    _EXTRA_SOURCES.pop(key, None)
    _sources = None


def indicator_sources() -> dict[str, IndicatorSource]:
    return {k: s for _, d in _all("indicator_sources") for k, s in d.items()}


def map_counters(per: str) -> list[MapCounter]:
    return [c for _, cs in _all("map_counters") for c in cs if c.per == per]


def related_org_providers() -> list[Callable[[Any], set[int]]]:
    return [p for _, p in _all("related_orgs") if p is not None]


def audit_label(table: str | None, key: str) -> str | None:
    """The Russian name of a field in the change history (the table's own name first)."""
    for area in AREAS.values():
        own = area.table_audit_labels.get(table or "")
        if own and key in own:
            return own[key]
    for area in AREAS.values():
        if key in area.audit_labels:
            return area.audit_labels[key]
    return None


def audit_value(table: str | None, key: str):
    """The function that words a structured value of ``key`` in the history, or None."""
    for area in AREAS.values():
        if key in area.audit_values:
            return area.audit_values[key]
    return None


def cli_groups() -> list:
    return [g for _, gs in _all("cli") for g in gs]
