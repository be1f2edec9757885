"""Mentoring (наставничество): pairs and their plans of steps.

A :class:`MentoringPair` is one of three kinds (:class:`PairKind`):

* teacher ↔ teacher — a staff member of the registry mentors a teacher of a supported school;
  ``mentor_org_id`` is the mentor's organisation, ``mentee_org_id`` the mentee's school;
* tutor school ↔ school — the tutor school (``mentor_org_id``) supports the school as a whole;
* curator ↔ management team — a curator (a user, usually a municipal methodist) works with the
  director and deputies of the school; ``mentor_org_id`` is the curator's organisation (the
  municipal authority or the institute) when there is one.

The pair has goals, a period, a status and, when it ends, a closing result. Its plan is a list
of :class:`MentoringStep` s with due dates; a step is done when ``done_on`` is set.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, SoftDeleteMixin, TimestampMixin, enum_column
from .registry import Organization, StaffMember


class PairKind(LabelledEnum):
    TEACHER = "Педагог — педагог"
    SCHOOL = "Школа-тьютор — школа"
    MANAGEMENT = "Куратор — управленческая команда"


class PairStatus(LabelledEnum):
    PLANNED = "планируется"
    ACTIVE = "действует"
    COMPLETED = "завершено"
    TERMINATED = "прекращено досрочно"

    @property
    def closed(self) -> bool:
        return self in (PairStatus.COMPLETED, PairStatus.TERMINATED)


class MentoringPair(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "mentoring_pairs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PairKind] = enum_column(PairKind, index=True)
    mentor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                      nullable=True, index=True)
    mentee_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    mentor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"),
                                                        nullable=True)
    mentee_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"),
                                                        nullable=True)
    curator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True,
                                                   index=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[PairStatus] = enum_column(PairStatus, default=PairStatus.ACTIVE, index=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)

    mentor_org: Mapped[Organization | None] = relationship(lazy="joined",
                                                           foreign_keys=[mentor_org_id])
    mentee_org: Mapped[Organization] = relationship(lazy="joined", foreign_keys=[mentee_org_id])
    mentor_staff: Mapped[StaffMember | None] = relationship(lazy="joined",
                                                            foreign_keys=[mentor_staff_id])
    mentee_staff: Mapped[StaffMember | None] = relationship(lazy="joined",
                                                            foreign_keys=[mentee_staff_id])
    curator = relationship("User", lazy="joined", foreign_keys=[curator_id])
    steps: Mapped[list["MentoringStep"]] = relationship(
        back_populates="pair", lazy="raise_on_sql",
        order_by="(MentoringStep.position, MentoringStep.id)")
    __audit__ = True

    @property
    def mentor_label(self) -> str:
        if self.kind == PairKind.TEACHER and self.mentor_staff is not None:
            org = f" ({self.mentor_org.short_name})" if self.mentor_org else ""
            return f"{self.mentor_staff.full_name}{org}"
        if self.kind == PairKind.MANAGEMENT and self.curator is not None:
            return f"{self.curator.full_name}, куратор"
        return self.mentor_org.short_name if self.mentor_org else "—"

    @property
    def mentee_label(self) -> str:
        school = self.mentee_org.short_name if self.mentee_org else "—"
        if self.kind == PairKind.TEACHER and self.mentee_staff is not None:
            return f"{self.mentee_staff.full_name} ({school})"
        if self.kind == PairKind.MANAGEMENT:
            return f"Управленческая команда {school}"
        return school

    def __str__(self) -> str:
        return f"{self.kind.label}: {self.mentor_label} → {self.mentee_label}"[:300]


class MentoringStep(TimestampMixin, SoftDeleteMixin, db.Model):
    """A step of a pair's plan: what, by when, and when it was done (with a note)."""

    __tablename__ = "mentoring_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentoring_pairs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    pair: Mapped[MentoringPair] = relationship(back_populates="steps", lazy="raise_on_sql")
    __audit__ = True
    __audit_exclude__ = {"position"}

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today: date) -> bool:
        return bool(self.due_date and self.due_date < today and self.done_on is None)

    def __str__(self) -> str:
        return f"Шаг плана наставничества: {self.text}"[:300]
