"""Courses (КПК) and individual development plans (ИОМ).

* :class:`CourseTopic` — topic areas of courses, reference data an admin extends. A topic
  flagged ``low_achievers`` counts for indicator 3.2 (work with low-achieving pupils).
* :class:`Course` — the catalogue: title, provider, hours, topic, format, dates, capacity. A
  course belongs to a region (regional course) and optionally to a municipality (a course the
  municipal methodists run). A course with enrollments is archived, never deleted.
* :class:`Enrollment` — a teacher (``StaffMember``) on a course: status, completion date,
  certificate number (unique per provider: ``provider_key`` is copied from the course so that a
  unique constraint holds it on every database), the teacher's school at enrollment time
  (``organization_id``, used by scopes and reports). The certificate scan is an attachment.
* :class:`DevelopmentPlan` (ИОМ) for a teacher or a school's management team, with
  :class:`PlanDeficit` s (diagnosed deficits by kind) and :class:`PlanActivity` s (a catalogue
  course, mentoring, a seminar, self-study) with due dates and completion. A completed
  enrollment closes the matching course activity (``closed_by_enrollment_id``).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, SoftDeleteMixin, TimestampMixin, enum_column, owned_lines
from .registry import Organization, StaffMember


class ProviderKind(LabelledEnum):
    INSTITUTE = "Институт развития образования (ИРО)"
    CNPPM = "ЦНППМ"
    OTHER = "Другая организация"


class CourseFormat(LabelledEnum):
    IN_PERSON = "очно"
    DISTANCE = "дистанционно"
    BLENDED = "смешанно"


class EnrollmentStatus(LabelledEnum):
    APPLIED = "заявка"
    STUDYING = "обучается"
    COMPLETED = "завершил"
    NOT_COMPLETED = "не завершил"


class PlanKind(LabelledEnum):
    TEACHER = "педагога"
    TEAM = "управленческой команды"


class DeficitKind(LabelledEnum):
    SUBJECT = "предметные"
    METHODICAL = "методические"
    PSYCHOLOGICAL = "психолого-педагогические"
    COMMUNICATIVE = "коммуникативные"
    MANAGERIAL = "управленческие"


class ActivityKind(LabelledEnum):
    COURSE = "курс повышения квалификации"
    MENTORING = "наставничество"
    SEMINAR = "семинар"
    SELF_STUDY = "самообразование"


class CourseTopic(TimestampMixin, db.Model):
    __tablename__ = "course_topics"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    low_achievers: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __audit__ = True

    def __str__(self) -> str:
        return self.name


class Course(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    provider_kind: Mapped[ProviderKind] = enum_column(ProviderKind, default=ProviderKind.INSTITUTE)
    provider_name: Mapped[str] = mapped_column(String(300))
    provider_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), nullable=True, index=True)
    hours: Mapped[int] = mapped_column(Integer)
    topic_id: Mapped[int] = mapped_column(ForeignKey("course_topics.id"), index=True)
    format: Mapped[CourseFormat] = enum_column(CourseFormat, default=CourseFormat.IN_PERSON)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id"), nullable=True, index=True)

    topic: Mapped[CourseTopic] = relationship(lazy="joined")
    provider_org: Mapped[Organization | None] = relationship(
        lazy="joined", foreign_keys=[provider_org_id])
    __audit__ = True

    def __str__(self) -> str:
        return self.title

    @property
    def provider_key(self) -> str:
        """Who issues the certificates: the organisation if known, else the name as written."""
        if self.provider_org_id:
            return f"org:{self.provider_org_id}"
        from ..text import normalize_name

        return "name:" + normalize_name(self.provider_name)[:180]

    @property
    def dates_label(self) -> str:
        from ..formatting import fmt_date

        if self.start_date and self.end_date:
            return f"{fmt_date(self.start_date)} – {fmt_date(self.end_date)}"
        return fmt_date(self.start_date or self.end_date) or "сроки не указаны"


class Enrollment(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("provider_key", "certificate_number"),
        Index("ix_enrollments_report", "organization_id", "status", "completed_on"),
        # Every column the coverage probes read (services/coverage.py): index-only lookups.
        Index("ix_enrollments_staff_coverage", "staff_member_id", "status", "completed_on",
              "deleted_at", "course_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    status: Mapped[EnrollmentStatus] = enum_column(EnrollmentStatus,
                                                   default=EnrollmentStatus.APPLIED)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    certificate_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    registration_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    provider_key: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)

    course: Mapped[Course] = relationship(lazy="joined")
    staff_member: Mapped[StaffMember] = relationship(lazy="joined")
    organization: Mapped[Organization] = relationship(lazy="joined",
                                                      foreign_keys=[organization_id])
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.staff_member.full_name} — {self.course.title}"


class DevelopmentPlan(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "development_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PlanKind] = enum_column(PlanKind, default=PlanKind.TEACHER)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(500))
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    goal: Mapped[str | None] = mapped_column(Text, nullable=True)

    organization: Mapped[Organization] = relationship(lazy="joined",
                                                      foreign_keys=[organization_id])
    staff_member: Mapped[StaffMember | None] = relationship(lazy="joined")
    deficits: Mapped[list["PlanDeficit"]] = owned_lines(
        "plan", "PlanDeficit.id", lazy="raise_on_sql")
    activities: Mapped[list["PlanActivity"]] = owned_lines(
        "plan", "(PlanActivity.due_date, PlanActivity.id)", lazy="raise_on_sql")
    __audit__ = True

    def __str__(self) -> str:
        return self.title


class PlanDeficit(TimestampMixin, db.Model):
    __tablename__ = "plan_deficits"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id"), index=True)
    kind: Mapped[DeficitKind] = enum_column(DeficitKind)
    description: Mapped[str] = mapped_column(Text)

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="deficits", lazy="joined")
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.kind.label}: {self.description[:80]}"


class PlanActivity(TimestampMixin, db.Model):
    __tablename__ = "plan_activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id"), index=True)
    kind: Mapped[ActivityKind] = enum_column(ActivityKind)
    title: Mapped[str] = mapped_column(String(500))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), nullable=True,
                                                  index=True)
    staff_member_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"),
                                                        nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_by_enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id"), nullable=True)

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="activities", lazy="joined")
    course: Mapped[Course | None] = relationship(lazy="joined")
    staff_member: Mapped[StaffMember | None] = relationship(lazy="joined")
    __audit__ = True

    def __str__(self) -> str:
        return self.title

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today: date) -> bool:
        return not self.done and self.due_date is not None and self.due_date < today
