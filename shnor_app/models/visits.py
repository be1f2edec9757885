"""Visits (выезды, методические десанты, посещения уроков) logged by the visiting side.

A :class:`Visit` is made by a visiting organisation (a tutor school, the municipal authority's
curator, the institute) to a school on a date that is never in the future. It lists the
visitors (:class:`VisitVisitor`: a user of the system or a free-text name with a position), the
lessons observed (:class:`VisitLesson`: a teacher of the school's staff or a free-text name,
subject, class, focus and a short assessment), the consultations given, the documents reviewed
and the findings. Its recommendations are the shared ``Recommendation`` records (source
``visits``), answered by the school and closed by the visiting side.

``printed_at`` is set when the report (справка) is first printed; an edit after that writes the
whole before → after of the report into the audit history (``services.visits``).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, SoftDeleteMixin, TimestampMixin, enum_column, owned_lines
from .registry import Organization, StaffMember


class VisitKind(LabelledEnum):
    METHODICAL = "Методический выезд"
    LANDING = "Методический десант"
    LESSONS = "Посещение уроков"
    MONITORING = "Мониторинговый визит"


class Visit(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[VisitKind] = enum_column(VisitKind, default=VisitKind.METHODICAL)
    visit_date: Mapped[date] = mapped_column(Date, index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    visiting_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("mentoring_pairs.id"), nullable=True,
                                                index=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    consultations: Mapped[str] = mapped_column(Text, default="")
    documents_reviewed: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    printed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    school: Mapped[Organization] = relationship(lazy="joined", foreign_keys=[school_id])
    visiting_org: Mapped[Organization] = relationship(lazy="joined",
                                                      foreign_keys=[visiting_org_id])
    visitors: Mapped[list["VisitVisitor"]] = owned_lines("visit", "VisitVisitor.position")
    lessons: Mapped[list["VisitLesson"]] = owned_lines("visit", "VisitLesson.position")
    __audit__ = True
    __audit_exclude__ = {"printed_at"}  # printing is logged by services.visits.mark_printed

    def __str__(self) -> str:
        school = self.school.short_name if self.school else ""
        return f"{self.kind.label} в {school} {self.visit_date:%d.%m.%Y}"[:300]

    @property
    def visitors_text(self) -> str:
        return "; ".join(v.label for v in self.visitors)


class VisitVisitor(db.Model):
    """Who came: a user of the system and/or a name and position as written."""

    __tablename__ = "visit_visitors"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")

    visit: Mapped[Visit] = relationship(back_populates="visitors", lazy="raise_on_sql")

    @property
    def label(self) -> str:
        return f"{self.full_name}, {self.job_title}" if self.job_title else self.full_name


class VisitLesson(db.Model):
    """A lesson observed: the teacher (from the school's staff or as written), subject, class,
    what the visitors looked at and their short assessment."""

    __tablename__ = "visit_lessons"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), nullable=True)
    teacher_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    grade: Mapped[str] = mapped_column(String(30), default="")
    focus: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[str] = mapped_column(Text, default="")

    visit: Mapped[Visit] = relationship(back_populates="lessons", lazy="raise_on_sql")
    staff: Mapped[StaffMember | None] = relationship(lazy="raise_on_sql")
