"""Roadmaps (дорожные карты): plans of measures with deadlines and executors, and their tracking.

A :class:`Roadmap` (level, owner organisation, approving order) has ordered
:class:`RoadmapSection` s; a section holds ordered :class:`RoadmapItem` s. Items that the
document gives before any section row live in a section whose title is ``None``.
An item keeps its period *as written* (``period_text``) next to what
``services.periods.parse_period`` understood of it, its executors as written next to the
organisations they resolved to (:class:`ItemExecutor`), and the tracking part: status, actual
result and progress reports (:class:`ItemReport`, with attachments as evidence).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.ext.hybrid import hybrid_property

from ..extensions import db
from .base import LabelledEnum, SoftDeleteMixin, TimestampMixin, enum_column, owned_lines
from .registry import OrderBasisMixin, OrderKind, Organization


class RoadmapLevel(LabelledEnum):
    REGIONAL = "Региональная"
    MUNICIPAL = "Муниципальная"
    SCHOOL = "Школьная"

    @classmethod
    def from_code(cls, code: str | None):
        if not code:
            return None
        return cls[code.upper()]


class RoadmapState(LabelledEnum):
    """Where a plan is in its life: worked on now, finished, put away.

    Only a plan that «действует» counts in the current figures and the default lists; a finished
    or archived one keeps its items, history, reports and exports and is found under the list's
    status filter. «Вернуть в работу» makes it current again.
    """
    ACTIVE = "действует"
    FINISHED = "завершена"
    ARCHIVED = "в архиве"

    @property
    def css(self) -> str:
        return {"ACTIVE": "state-active", "FINISHED": "state-finished",
                "ARCHIVED": "state-archived"}[self.name]


class ItemStatus(LabelledEnum):
    NOT_STARTED = "не начато"
    IN_PROGRESS = "в работе"
    DONE = "выполнено"
    PARTIALLY_DONE = "выполнено частично"
    NOT_DONE = "не выполнено"
    CANCELLED = "отменено"

    @property
    def closed(self) -> bool:
        """Done or cancelled: such an item is never overdue."""
        return self in (ItemStatus.DONE, ItemStatus.CANCELLED)


class Roadmap(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "roadmaps"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[RoadmapLevel] = enum_column(RoadmapLevel, default=RoadmapLevel.MUNICIPAL,
                                              index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), nullable=True,
                                                 index=True)
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    order_kind: Mapped[OrderKind | None] = enum_column(OrderKind, nullable=True)
    order_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    order_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    source_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    state: Mapped[RoadmapState] = enum_column(RoadmapState, default=RoadmapState.ACTIVE,
                                              server_default="ACTIVE", index=True)

    owner: Mapped[Organization | None] = relationship(lazy="joined", foreign_keys=[owner_id])
    sections: Mapped[list["RoadmapSection"]] = relationship(
        back_populates="roadmap", lazy="raise_on_sql", order_by="RoadmapSection.position")
    __audit__ = True

    def __str__(self) -> str:
        return self.title[:200]

    approved_by = OrderBasisMixin.basis  # «Приказ № 192 от 27.02.2023»

    @hybrid_property
    def is_current(self) -> bool:
        """«Действует» — on a row a bool, on the class the SQL clause (one rule for both)."""
        return self.state == RoadmapState.ACTIVE

    def period_over(self, today: date) -> bool:
        """The plan's period (or its year) has ended: time to «Завершить» it."""
        end = self.period_end or (date(self.year, 12, 31) if self.year else None)
        return bool(end and end < today)


class RoadmapSection(TimestampMixin, db.Model):
    __tablename__ = "roadmap_sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)

    roadmap: Mapped[Roadmap] = relationship(back_populates="sections", lazy="raise_on_sql")
    __audit__ = True

    def __str__(self) -> str:
        return (self.title or "Без раздела")[:200]


class RoadmapItem(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "roadmap_items"
    __table_args__ = (
        # The execution counts of many roadmaps (dashboards.roadmap_execution) read the index
        # alone; its prefix serves every lookup by roadmap.
        Index("ix_roadmap_items_execution", "roadmap_id", "deleted_at", "status", "period_end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("roadmap_sections.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    period_text: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    recurrence: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    period_understood: Mapped[bool] = mapped_column(Boolean, default=False)
    executors: Mapped[str] = mapped_column(Text, default="")
    expected_result: Mapped[str] = mapped_column(Text, default="")
    indicator: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ItemStatus] = enum_column(ItemStatus, default=ItemStatus.NOT_STARTED,
                                             index=True)
    actual_result: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                               nullable=True)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"),
                                                             nullable=True)

    roadmap: Mapped[Roadmap] = relationship(lazy="raise_on_sql")
    section: Mapped[RoadmapSection] = relationship(lazy="raise_on_sql")
    executor_links: Mapped[list["ItemExecutor"]] = owned_lines(
        "item", lazy="select")  # tables: preload_executors
    __audit__ = True
    __audit_exclude__ = {"status_changed_at", "status_changed_by_id", "position"}

    def __str__(self) -> str:
        prefix = f"{self.number} " if self.number else ""
        return (prefix + (self.text or ""))[:200]

    @property
    def executor_orgs(self) -> list[tuple[int, str]]:
        """(organisation id, short name) of the resolved executors.

        Long tables fill these for all their rows in one query
        (``services.roadmaps.preload_executors``) instead of loading an ``ItemExecutor`` and an
        ``Organization`` object for every link; otherwise they come from ``executor_links``.
        """
        preset = self.__dict__.get("_executor_orgs")
        if preset is not None:
            return preset
        return [(link.organization_id, link.organization.short_name)
                for link in self.executor_links]

    @property
    def executor_org_ids(self) -> set[int]:
        return {org_id for org_id, _ in self.executor_orgs}

    def is_overdue(self, today: date) -> bool:
        return bool(self.period_end and self.period_end < today and not self.status.closed)

    def due_soon(self, today: date, days: int = 14) -> bool:
        return bool(self.period_end and not self.status.closed
                    and today <= self.period_end <= date.fromordinal(today.toordinal() + days))

    @property
    def period_unparsed(self) -> bool:
        return bool((self.period_text or "").strip()) and not self.period_understood


class ItemExecutor(db.Model):
    """An organisation an item's executors text resolved to."""

    __tablename__ = "roadmap_item_executors"
    __table_args__ = (UniqueConstraint("item_id", "organization_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("roadmap_items.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)

    item: Mapped[RoadmapItem] = relationship(back_populates="executor_links",
                                             lazy="raise_on_sql")
    organization: Mapped[Organization] = relationship(lazy="joined")


class ItemReport(TimestampMixin, SoftDeleteMixin, db.Model):
    """A progress report on an item: date, author, text, evidence (attachments or a link)."""

    __tablename__ = "roadmap_item_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("roadmap_items.id"), index=True)
    report_date: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                        nullable=True)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500), nullable=True)

    item: Mapped[RoadmapItem] = relationship(lazy="raise_on_sql")
    author = relationship("User", lazy="joined", foreign_keys=[author_id])
    organization: Mapped[Organization | None] = relationship(lazy="joined",
                                                             foreign_keys=[organization_id])
    __audit__ = True

    def __str__(self) -> str:
        return f"Отчёт от {self.report_date:%d.%m.%Y}"
