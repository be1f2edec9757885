"""Recommendations given to a school — after a visit, in an interview protocol, at a meeting —
and followed until they are done.

One table for every kind of source: a recommendation names its source by ``source_type`` (a key
registered in ``services.recommendations.SOURCES``, e.g. ``"visit"`` or ``"protocol"``) and
``source_id``. The school it is addressed to (``organization_id``) reports what was done; the
source's reviewing side accepts the report or returns it for more work.

Open means «to be done by the school»: new or returned. A reported recommendation waits for the
reviewer; an accepted one is closed. Overdue: open or reported past the due date.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, SearchableMixin, SoftDeleteMixin, TimestampMixin, enum_column
from .registry import Organization


class RecommendationStatus(LabelledEnum):
    OPEN = "к выполнению"
    REPORTED = "на проверке"
    ACCEPTED = "выполнена"
    RETURNED = "возвращена на доработку"

    @property
    def is_open(self) -> bool:
        """The school has something to do."""
        return self in (RecommendationStatus.OPEN, RecommendationStatus.RETURNED)

    @property
    def closed(self) -> bool:
        return self is RecommendationStatus.ACCEPTED


OPEN_STATUSES = (RecommendationStatus.OPEN, RecommendationStatus.RETURNED)
NOT_CLOSED_STATUSES = OPEN_STATUSES + (RecommendationStatus.REPORTED,)


class Recommendation(TimestampMixin, SoftDeleteMixin, SearchableMixin, db.Model):
    __tablename__ = "recommendations"
    __table_args__ = (
        Index("ix_recommendations_source", "source_type", "source_id"),
        # per-school counts (the partnership map, dashboards) are read from the index alone
        Index("ix_recommendations_org_counts", "organization_id", "status", "source_type",
              "deleted_at", "due_date"),
    )
    __audit__ = True
    __search_fields__ = ("text", "responsible")

    id: Mapped[int] = mapped_column(primary_key=True)
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str | None] = mapped_column(String(300), nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    status: Mapped[RecommendationStatus] = enum_column(
        RecommendationStatus, default=RecommendationStatus.OPEN, index=True)
    report_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    roadmap_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("roadmap_items.id"), nullable=True, index=True)

    organization: Mapped[Organization] = relationship(lazy="joined",
                                                      foreign_keys=[organization_id])
    reported_by = relationship("User", lazy="select", foreign_keys=[reported_by_id])
    reviewed_by = relationship("User", lazy="select", foreign_keys=[reviewed_by_id])
    roadmap_item = relationship("RoadmapItem", lazy="select", foreign_keys=[roadmap_item_id])

    def is_overdue(self, today: date) -> bool:
        return (not self.status.closed and self.due_date is not None
                and self.due_date < today)

    def __str__(self) -> str:
        text = " ".join((self.text or "").split())
        return f"Рекомендация: {text[:80]}{'…' if len(text) > 80 else ''}"
