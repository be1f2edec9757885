"""Network partnerships (сетевое партнёрство), joint events, the practice bank, school terms.

A :class:`Partnership` links a supported school (ШНОР, ШНСУ or risk-zone school — any school
may be chosen) with a partner organisation: a tutor school, a college (СПО), an institute or
another organisation. It carries the agreement (number, date, term, subject; the scan is an
attachment), the responsible people of both sides (:class:`PartnershipPerson`: a staff member
of the organisation or a free-text name with a position) and its status.

The partner (or the methodist) logs :class:`JointEvent` s: date, kind, where it took place
(«на базе школы» counts for indicator 4.4 of the Slavyansky system), participants of each side
(counts and optionally named staff, :class:`JointEventParticipant`), result.

The practice bank keeps :class:`Practice` s; any record (a partnership, later a visit) links the
practices it used through the generic :class:`PracticeLink` (object_type, object_id).

:class:`SchoolTerm` holds the school «четверти» of an academic year per region: the quarters
of indicators follow them when the user picks the academic year (services/quarters.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import (
    LabelledEnum, SearchableMixin, SoftDeleteMixin, TimestampMixin, enum_column, owned_lines,
)
from .registry import OrgKind, Organization, StaffMember


class PartnerKind(LabelledEnum):
    SCHOOL = "Школа-тьютор / школа-партнёр"
    COLLEGE = "Колледж (СПО)"
    INSTITUTE = "Институт / ЦНППМ"
    OTHER = "Другая организация"

    @property
    def short(self) -> str:
        return {"SCHOOL": "школа", "COLLEGE": "СПО", "INSTITUTE": "ИРО / ЦНППМ",
                "OTHER": "другая"}[self.name]

    @classmethod
    def for_org_kind(cls, kind: OrgKind) -> "PartnerKind":
        return {OrgKind.SCHOOL: cls.SCHOOL, OrgKind.COLLEGE: cls.COLLEGE,
                OrgKind.INSTITUTE: cls.INSTITUTE}.get(kind, cls.OTHER)


class PartnershipStatus(LabelledEnum):
    ACTIVE = "действует"
    SUSPENDED = "приостановлено"
    FINISHED = "завершено"

    @property
    def css(self) -> str:
        return {"ACTIVE": "done", "SUSPENDED": "warn", "FINISHED": "inactive"}[self.name]


class PartnershipSide(LabelledEnum):
    SCHOOL = "Со стороны школы"
    PARTNER = "Со стороны партнёра"


class Partnership(SearchableMixin, TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "partnerships"
    __search_fields__ = ("agreement_number", "subject", "school_name", "partner_name")
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    partner_kind: Mapped[PartnerKind] = enum_column(PartnerKind, index=True)
    status: Mapped[PartnershipStatus] = enum_column(
        PartnershipStatus, default=PartnershipStatus.ACTIVE, index=True)
    agreement_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    agreement_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Names of both sides copied at save, so that the list can be searched in one LIKE.
    school_name: Mapped[str] = mapped_column(String(200), default="")
    partner_name: Mapped[str] = mapped_column(String(200), default="")

    school: Mapped[Organization] = relationship(lazy="joined", foreign_keys=[school_id])
    partner: Mapped[Organization] = relationship(lazy="joined", foreign_keys=[partner_id])
    people: Mapped[list["PartnershipPerson"]] = owned_lines(
        "partnership", "(PartnershipPerson.side, PartnershipPerson.position_no)")
    __audit__ = True
    __audit_exclude__ = {"search_text", "school_name", "partner_name"}

    def __str__(self) -> str:
        return f"{self.school_name or self.school_id} — {self.partner_name or self.partner_id}"

    @property
    def agreement(self) -> str:
        """«Соглашение № 12 от 01.09.2025» (or an empty string)."""
        from ..formatting import fmt_date

        parts = []
        if self.agreement_number:
            parts.append(f"№ {self.agreement_number}")
        if self.agreement_date:
            parts.append(f"от {fmt_date(self.agreement_date)}")
        return ("Соглашение " + " ".join(parts)) if parts else ""


class PartnershipPerson(TimestampMixin, db.Model):
    """A responsible person of one side: a staff member, or a name with a position."""

    __tablename__ = "partnership_people"
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    side: Mapped[PartnershipSide] = enum_column(PartnershipSide)
    position_no: Mapped[int] = mapped_column(Integer, default=0)
    staff_member_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"),
                                                        nullable=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200), nullable=True)

    partnership: Mapped[Partnership] = relationship(back_populates="people", lazy="raise_on_sql")
    staff_member: Mapped[StaffMember | None] = relationship(lazy="raise_on_sql")
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.full_name}{', ' + self.job_title if self.job_title else ''}"


class EventKind(LabelledEnum):
    SEMINAR = "семинар"
    OPEN_LESSON = "открытый урок"
    MASTER_CLASS = "мастер-класс"
    CONSULTATION = "консультация"
    TEACHERS_COUNCIL = "педагогический совет"
    OPEN_DAY = "день открытых дверей"
    OTHER = "другое"


class EventVenue(LabelledEnum):
    SCHOOL = "на базе школы"
    PARTNER = "на базе партнёра"
    ONLINE = "дистанционно"
    OTHER = "другое место"


class JointEvent(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "joint_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    event_date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[EventKind] = enum_column(EventKind, index=True)
    venue: Mapped[EventVenue] = enum_column(EventVenue, default=EventVenue.SCHOOL)
    topic: Mapped[str] = mapped_column(Text)
    school_participants: Mapped[int] = mapped_column(Integer, default=0)
    partner_participants: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)

    partnership: Mapped[Partnership] = relationship(lazy="raise_on_sql")
    participants: Mapped[list["JointEventParticipant"]] = owned_lines("event")
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.kind.label}: {self.topic[:150]}"

    @property
    def staff_ids(self) -> set[int]:
        return {p.staff_member_id for p in self.participants}


class JointEventParticipant(db.Model):
    """A named staff member (of either side) who took part in a joint event."""

    __tablename__ = "joint_event_participants"
    __table_args__ = (UniqueConstraint("event_id", "staff_member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("joint_events.id"), index=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)

    event: Mapped[JointEvent] = relationship(back_populates="participants", lazy="raise_on_sql")
    staff_member: Mapped[StaffMember] = relationship(lazy="joined")


class PracticeProblem(LabelledEnum):
    LOW_MOTIVATION = "Низкая учебная мотивация обучающихся"
    WEAK_READING = "Низкий уровень читательской грамотности"
    EXAM_PREPARATION = "Подготовка к ГИА (ОГЭ, ЕГЭ)"
    LOW_ACHIEVERS = "Работа с неуспевающими и слабоуспевающими"
    FUNCTIONAL_LITERACY = "Функциональная грамотность"
    TEACHER_SKILLS = "Профессиональные дефициты педагогов"
    MANAGEMENT = "Эффективность управления, ВСОКО"
    PARENTS = "Взаимодействие с родителями"
    SOCIAL_CONDITIONS = "Сложные социальные условия"
    SPECIAL_NEEDS = "Обучающиеся с ОВЗ, с неродным русским языком"
    CAREER_GUIDANCE = "Профориентация"
    OTHER = "Другое"


class Practice(SearchableMixin, TimestampMixin, SoftDeleteMixin, db.Model):
    """An effective practice published to the bank by a tutor school or a methodist."""

    __tablename__ = "practices"
    __search_fields__ = ("title", "topic", "authors", "description", "results", "org_name")
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    author_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    authors: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(300), default="")
    problem: Mapped[PracticeProblem] = enum_column(PracticeProblem, index=True)
    description: Mapped[str] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text, nullable=True)
    org_name: Mapped[str] = mapped_column(String(200), default="")

    author_org: Mapped[Organization] = relationship(lazy="joined")
    __audit__ = True
    __audit_exclude__ = {"search_text", "org_name"}

    def __str__(self) -> str:
        return self.title[:200]


class PracticeLink(TimestampMixin, db.Model):
    """A practice used by some record: ("partnerships", 12), later ("visits", 7) …"""

    __tablename__ = "practice_links"
    __table_args__ = (UniqueConstraint("practice_id", "object_type", "object_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[int] = mapped_column(Integer, index=True)

    practice: Mapped[Practice] = relationship(lazy="joined")
    __audit__ = True

    def __str__(self) -> str:
        return f"Практика «{self.practice.title[:150]}»" if self.practice else "Практика"


class SchoolTerm(TimestampMixin, db.Model):
    """One school «четверть» of an academic year in a region (dates of study, not holidays)."""

    __tablename__ = "school_terms"
    __table_args__ = (UniqueConstraint("region_id", "academic_year", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    academic_year: Mapped[int] = mapped_column(Integer)  # 2025 for «2025/2026 учебный год»
    number: Mapped[int] = mapped_column(Integer)  # 1..4
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.number} четверть {self.academic_year}/{self.academic_year + 1}"
