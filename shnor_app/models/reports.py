"""Reports issued upward: a roadmap execution report, an analytical note, a quarterly monitoring.

A report is made from what is recorded (nothing is typed again) and, once issued, is kept as it
was printed: its number, date, who issued it, the texts of its sections as the user edited them,
the figures, and the three files (.docx, PDF, .xlsx annex). It is never changed afterwards:
making it again gives a new *version* under the same number (``previous_id`` points to the
version it replaces), so what was sent upward can always be shown again.

The number is serial within the year for the territory that issues it (``issuer_key``: the
region, municipality or school the report covers); the unique constraint keeps two reports
issued at once from taking the same number.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, TimestampMixin, enum_column


class ReportKind(LabelledEnum):
    ROADMAP = "Отчёт о реализации плана мероприятий (дорожной карты)"
    ANALYTICAL = "Аналитическая справка по сопровождению ШНОР"
    QUARTERLY = "Квартальный мониторинг муниципальной системы работы со ШНОР"

    @property
    def short(self) -> str:
        return {"ROADMAP": "Отчёт по дорожной карте", "ANALYTICAL": "Аналитическая справка",
                "QUARTERLY": "Квартальный мониторинг"}[self.name]


class IssuedReport(TimestampMixin, db.Model):
    __tablename__ = "issued_reports"
    __table_args__ = (UniqueConstraint("issuer_key", "year", "number", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReportKind] = enum_column(ReportKind, index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), nullable=True,
                                                  index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"),
                                                        nullable=True, index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                        nullable=True, index=True)
    issuer_key: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("issued_reports.id"),
                                                    nullable=True)
    issued_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text)
    territory_title: Mapped[str] = mapped_column(String(500))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(100))
    as_of: Mapped[date] = mapped_column(Date)
    content: Mapped[dict] = deferred(mapped_column(JSON, nullable=False))  # sections: texts, figures, tables
    docx: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    xlsx: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    issued_by = relationship("User", lazy="joined", foreign_keys="IssuedReport.created_by_id")

    @property
    def label(self) -> str:
        version = f", версия {self.version}" if self.version > 1 else ""
        return f"№ {self.number} от {self.issued_on:%d.%m.%Y}{version}"

    def __str__(self) -> str:
        return f"{self.kind.short} {self.label}"
