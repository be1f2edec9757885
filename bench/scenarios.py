"""What the load driver does, one :class:`Scenario` per action a user takes.

A scenario names the role that performs it, the endpoint it needs and, for the areas built in
other branches, the blueprint of that area (``area``). Before a run every scenario is checked
against the application's URL map:

* the area's blueprint is not registered → the scenario is skipped and reported as
  «не измерено: модуля нет» (its budget is listed as not checked, never as passed);
* the blueprint is there but the endpoint is not → the run stops with an error: the scenario
  must be updated to the real endpoint (a renamed view must not silently drop a budget).

``requests(user)`` runs inside the application (an app and request context, ``db.session``
usable, ``url_for`` available) once per bench user of the role and returns the requests that
user repeats in a loop; ``contains`` names a marker of the expected page (a table's id, %PDF).

Every area of the application is merged now and its scenarios use the real endpoints; a new
scenario names its endpoint, looks its ids up with ``policy.scope_query`` for the user, and is
checked by tests/unit/test_bench_harness.py and ``make bench-quick``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import url_for
from sqlalchemy import select

from shnor_app import policy
from shnor_app.extensions import db


@dataclass
class Request:
    method: str
    path: str
    form: dict | None = None
    htmx: bool = False
    expect: int = 200
    contains: str | None = None   # a marker the answer must carry (else it counts as an error)


@dataclass(frozen=True)
class Budget:
    """A judged limit: on ``database`` ("sqlite" or "postgresql") at ``users`` users, the p95
    and/or the slowest answer of the phase."""
    database: str
    users: int
    p95_ms: float | None = None
    max_ms: float | None = None

    def limit(self) -> str:
        parts = []
        if self.p95_ms is not None:
            parts.append(f"p95 ≤ {self.p95_ms:g} мс")
        if self.max_ms is not None:
            parts.append(f"каждый ответ ≤ {self.max_ms:g} мс")
        return ", ".join(parts) or "без ошибок"


@dataclass
class Scenario:
    key: str
    title: str
    role: str
    endpoint: str
    requests: Callable
    area: str | None = None        # blueprint of an area from another branch
    budget_ms: float | None = None  # p95 at 10 users on SQLite; on PostgreSQL: no errors at 30
    budgets: tuple = ()             # further judged limits (:class:`Budget`)

    @property
    def all_budgets(self) -> tuple:
        base = (Budget("sqlite", 10, self.budget_ms),) if self.budget_ms is not None else ()
        return base + tuple(self.budgets)

    def availability(self, app) -> str | None:
        """None when runnable; the reason to skip it; raises when the scenario is stale."""
        if self.area and self.area not in app.blueprints:
            return "не измерено: модуля нет"
        if self.endpoint not in app.view_functions:
            raise LookupError(
                f"Сценарий «{self.title}»: в приложении нет эндпоинта {self.endpoint!r} — "
                f"обновите bench/scenarios.py под настоящий адрес.")
        return None


class ScenarioError(RuntimeError):
    pass


# --------------------------------------------------------------------------- lookups


def _own_municipal_roadmap(user):
    from shnor_app.models import Organization, OrgKind, Roadmap, RoadmapLevel

    return db.session.scalar(
        select(Roadmap).join(Organization, Organization.id == Roadmap.owner_id).where(
            Organization.municipality_id == user.municipality_id,
            Organization.kind == OrgKind.MUNICIPAL_AUTHORITY,
            Roadmap.level == RoadmapLevel.MUNICIPAL, Roadmap.deleted_at.is_(None))
        .order_by(Roadmap.id))


def _roadmap_page(user):
    rm = _own_municipal_roadmap(user)
    return [Request("GET", url_for("roadmaps.show", roadmap_id=rm.id), contains="roadmap-grid")]


def _item_status(user):
    """Flip open items of the user's roadmap to «в работе» and back: every request writes."""
    from shnor_app.models import ItemStatus, RoadmapItem

    rm = _own_municipal_roadmap(user)
    items = db.session.scalars(select(RoadmapItem).where(
        RoadmapItem.roadmap_id == rm.id, RoadmapItem.deleted_at.is_(None),
        RoadmapItem.status.in_([ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS]))
        .order_by(RoadmapItem.id).limit(40)).all()
    if not items:
        raise ScenarioError(f"в дорожной карте {rm.id} нет открытых пунктов")
    other = {ItemStatus.NOT_STARTED: ItemStatus.IN_PROGRESS,
             ItemStatus.IN_PROGRESS: ItemStatus.NOT_STARTED}
    out = []
    for status_of in (lambda i: other[i.status], lambda i: i.status):
        out += [Request("POST", url_for("roadmaps.item_status", item_id=i.id),
                        form={"status": status_of(i).name}, htmx=True,
                        contains=f'id="item-{i.id}"') for i in items]
    return out


SEARCH_TERMS = ["сош № 1", "каменка", "школа", "иванова", "гимназ", "№ 12", "березовка",
                "мбоу", "техникум", "мкоу сош с"]


def _registry_search(user):
    return [Request("GET", url_for("registry.organizations", q=q), htmx=True,
                    contains='id="org-table"') for q in SEARCH_TERMS]


def _home(user):
    return [Request("GET", url_for("home.index"), contains="<main")]


def _roadmap_pdf(user):
    rm = _own_municipal_roadmap(user)
    return [Request("GET", url_for("roadmaps.roadmap_export", roadmap_id=rm.id, fmt="pdf"),
                    contains="%PDF")]


def _roadmap_pdf_changed(user):
    """Each PDF after a change of the roadmap: always laid out anew (never from the document
    cache) — what printing costs when many people change and print at once."""
    changes = _item_status(user)
    pdf = _roadmap_pdf(user)[0]
    return [r for change in changes for r in (change, pdf)]


# Areas of other branches: best guesses, checked against the URL map before every run.

def _course_report(user):
    """The coverage report of the methodist's municipality: one row per school (КПК in 3 years,
    courses on low achievers), computed over the enrollments of its teachers."""
    return [Request("GET", url_for("courses.coverage", municipality=user.municipality_id),
                    contains='id="coverage-table"')]


def _protocol_pdf(user):
    from shnor_app.models import Meeting, MeetingKind, MeetingStatus

    ids = db.session.scalars(policy.scope_query(user, Meeting).with_only_columns(Meeting.id)
                             .where(Meeting.kind == MeetingKind.INTERVIEW,
                                    Meeting.status == MeetingStatus.HELD)
                             .order_by(Meeting.id).limit(20)).all()
    if not ids:
        raise ScenarioError("у методиста нет ни одного проведённого собеседования")
    return [Request("GET", url_for("interviews.protocol", meeting_id=i, fmt="pdf"),
                    contains="%PDF") for i in ids]


def _visits_list(user):
    """The tutor school's visits, newest first (first page), with open recommendation counts."""
    return [Request("GET", url_for("visits.index"), contains='id="visit-table"')]


def _identification(user):
    """The federal rule over every school the user sees (the region: the whole region)."""
    return [Request("GET", url_for("monitoring.identification", year=_year()),
                    contains='id="identification-table"')]


def _monitoring_home(user):
    return [Request("GET", url_for("monitoring.index"), contains='id="monitoring-overview"')]


def _partnership_map(user):
    """This quarter's map of the whole region's active partnerships (the default filter)."""
    return [Request("GET", url_for("partnerships.partnership_map"),
                    contains='id="partnership-map"')]


def _outcomes(user):
    """«Итоги сопровождения» of the whole region: every measure, the exit from the list, the
    risk factors — computed over every school of the region."""
    return [Request("GET", url_for("outcomes.index"), contains='id="outcomes-measures"')]


def _year() -> int:
    from shnor_app.web import current_year

    return current_year()


HOME_ROLES = [("admin", "администратор"), ("region", "регион"), ("methodist", "методист"),
              ("tutor", "школа-тьютор"), ("school", "школа"), ("viewer", "наблюдатель")]

SCENARIOS: list[Scenario] = [
    Scenario("roadmap_page", "Дорожная карта, 120 пунктов (страница)", "methodist",
             "roadmaps.show", _roadmap_page, budget_ms=60,
             budgets=(Budget("postgresql", 30, 80),)),
    Scenario("item_status", "Смена статуса пункта (HTMX)", "methodist", "roadmaps.item_status",
             _item_status, budget_ms=25, budgets=(Budget("postgresql", 30, 40),)),
    Scenario("registry_search", "Реестр организаций: поиск (HTMX)", "region",
             "registry.organizations", _registry_search),
    *[Scenario(f"home_{role}", f"Главная: {label}", role, "home.index", _home)
      for role, label in HOME_ROLES],
    Scenario("roadmap_pdf", "Дорожная карта, 120 пунктов (PDF)", "methodist",
             "roadmaps.roadmap_export", _roadmap_pdf,
             budgets=(Budget("sqlite", 10, 300), Budget("sqlite", 30, max_ms=1000))),
    Scenario("roadmap_pdf_changed", "Изменение пункта и PDF карты (без кэша)", "methodist",
             "roadmaps.roadmap_export", _roadmap_pdf_changed),
    Scenario("course_report", "Отчёт муниципалитета по курсам (охват КПК)", "methodist",
             "courses.coverage", _course_report, area="courses", budget_ms=100),
    Scenario("protocol_pdf", "Протокол собеседования (PDF)", "methodist",
             "interviews.protocol", _protocol_pdf, area="interviews", budget_ms=150),
    Scenario("visits_list", "Список выездов", "tutor", "visits.index", _visits_list,
             area="visits"),
    Scenario("identification", "Выявление ШНОР (расчёт списка по области)", "region",
             "monitoring.identification", _identification, area="monitoring",
             budgets=(Budget("sqlite", 30, 100), Budget("postgresql", 30, 150))),
    Scenario("monitoring_home", "Мониторинг: обзор муниципалитета", "methodist",
             "monitoring.index", _monitoring_home, area="monitoring"),
    Scenario("partnership_map", "Карта сетевого партнёрства области", "region",
             "partnerships.partnership_map", _partnership_map, area="partnerships",
             budgets=(Budget("sqlite", 30, 100), Budget("postgresql", 30, 150))),
    Scenario("outcomes_region", "Итоги сопровождения области", "region", "outcomes.index",
             _outcomes, area="outcomes", budget_ms=150),
]
