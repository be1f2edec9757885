"""Interviews with directors (собеседования) and meetings (совещания), recorded as protocols.

An :class:`InterviewSeries` is what a methodist plans («Собеседования по подготовке к ГИА,
март»): a topic, an authority (the organisation whose protocols these are), a commission
(:class:`CommissionMember`: chair, secretary, members — users or free-text names with positions)
and an agenda template. Each row of its schedule is a :class:`Meeting` of kind ``INTERVIEW`` with
a school, its director, a date, a time and a place or video link.

A :class:`Meeting` is also the record-and-protocol engine for совещания and заседания
координационного совета (no series, any participants). Its record is filled in place:
participants (:class:`MeetingParticipant`, who was present), agenda items
(:class:`AgendaItem`) each with «СЛУШАЛИ» (who, summary), «ВЫСТУПИЛИ» (:class:`AgendaSpeech`)
and «РЕШИЛИ» (:class:`AgendaDecision`: a decision, or a recommendation with the responsible
person at the school and a due date).

Marking a meeting held assigns its protocol number (``services.protocols``: per authority and
year, from a locked :class:`ProtocolCounter` row; the unique constraint on (authority, year,
number) is the last guard) and locks the text. Corrections after that are
:class:`ProtocolAmendment` s with their own date, printed on the protocol.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    Boolean, Date, DateTime, ForeignKey, Integer, String, Text, Time, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, SoftDeleteMixin, TimestampMixin, enum_column, owned_lines
from .registry import Organization


class MeetingKind(LabelledEnum):
    INTERVIEW = "Собеседование с руководителем"
    DIRECTORS_MEETING = "Совещание с руководителями"
    COORDINATION_COUNCIL = "Заседание координационного совета"
    OTHER = "Совещание"

    @property
    def default_heading(self) -> str:
        return {
            "INTERVIEW": "собеседования с руководителем",
            "DIRECTORS_MEETING": "совещания с руководителями общеобразовательных организаций",
            "COORDINATION_COUNCIL": "заседания координационного совета",
            "OTHER": "совещания",
        }[self.name]


class MeetingStatus(LabelledEnum):
    PLANNED = "запланировано"
    HELD = "проведено"


class CommissionRole(LabelledEnum):
    CHAIR = "Председатель"
    SECRETARY = "Секретарь"
    MEMBER = "Член комиссии"


class ParticipantRole(LabelledEnum):
    CHAIR = "Председатель"
    SECRETARY = "Секретарь"
    MEMBER = "Член комиссии"
    PARTICIPANT = "Участник"
    INVITED = "Приглашённый"

    @property
    def commission(self) -> bool:
        return self in (ParticipantRole.CHAIR, ParticipantRole.SECRETARY, ParticipantRole.MEMBER)


class InterviewSeries(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "interview_series"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    topic: Mapped[str] = mapped_column(Text)
    agenda_template: Mapped[str] = mapped_column(Text, default="")
    default_place: Mapped[str | None] = mapped_column(String(500), nullable=True)
    default_link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=40)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    authority: Mapped[Organization] = relationship(lazy="joined", foreign_keys=[authority_id])
    members: Mapped[list["CommissionMember"]] = owned_lines(
        "series", "(CommissionMember.position, CommissionMember.id)")
    __audit__ = True

    def __str__(self) -> str:
        return self.topic[:200]

    @property
    def agenda_lines(self) -> list[str]:
        return [line.strip() for line in (self.agenda_template or "").splitlines()
                if line.strip()]

    def member(self, role: CommissionRole):
        return next((m for m in self.members if m.role == role), None)

    @property
    def commission(self) -> list["CommissionMember"]:
        """Chair, secretary, then members in the order they were added."""
        order = list(CommissionRole)
        return sorted(self.members, key=lambda m: (order.index(m.role), m.position, m.id))


class CommissionMember(TimestampMixin, db.Model):
    """A commission member: a user of the system or a free-text name with a position."""

    __tablename__ = "interview_commission_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("interview_series.id"), index=True)
    role: Mapped[CommissionRole] = enum_column(CommissionRole, default=CommissionRole.MEMBER)
    position: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(300), default="")

    series: Mapped[InterviewSeries] = relationship(back_populates="members", lazy="raise_on_sql")
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.role.label}: {self.full_name}"


class Meeting(TimestampMixin, SoftDeleteMixin, db.Model):
    """An interview of a series or a meeting: its schedule data, record and protocol."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("authority_id", "protocol_year", "protocol_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = enum_column(MeetingKind, default=MeetingKind.INTERVIEW,
                                            index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("interview_series.id"),
                                                  nullable=True, index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                        nullable=True, index=True)
    director_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    meeting_date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    end_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    place: Mapped[str | None] = mapped_column(String(500), nullable=True)
    video_link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    heading: Mapped[str] = mapped_column(Text, default="")
    secretary_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    status: Mapped[MeetingStatus] = enum_column(MeetingStatus, default=MeetingStatus.PLANNED,
                                                index=True)
    held_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    protocol_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    protocol_number: Mapped[int | None] = mapped_column(Integer, nullable=True)

    authority: Mapped[Organization] = relationship(lazy="joined", foreign_keys=[authority_id])
    organization: Mapped[Organization | None] = relationship(lazy="joined",
                                                             foreign_keys=[organization_id])
    series: Mapped[InterviewSeries | None] = relationship(lazy="raise_on_sql")
    participants: Mapped[list["MeetingParticipant"]] = owned_lines(
        "meeting", "(MeetingParticipant.position, MeetingParticipant.id)", lazy="raise_on_sql")
    items: Mapped[list["AgendaItem"]] = owned_lines(
        "meeting", "(AgendaItem.position, AgendaItem.id)", lazy="raise_on_sql")
    __audit__ = True
    __audit_exclude__ = {"held_by_id"}

    def __str__(self) -> str:
        who = f" — {self.organization.short_name}" if self.organization is not None else ""
        return f"{self.kind.label} {self.meeting_date:%d.%m.%Y}{who}"

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    def uploads_open_on(self, day) -> bool:
        """May the school still upload its report and documents to this appointment on
        ``day``? Until the end of the interview's day, while it is not held."""
        return self.status == MeetingStatus.PLANNED and self.meeting_date >= day

    @property
    def number_label(self) -> str:
        return str(self.protocol_number) if self.protocol_number else ""

    @property
    def time_label(self) -> str:
        if self.start_time is None:
            return ""
        if self.end_time is None:
            return f"{self.start_time:%H:%M}"
        return f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def interval(self) -> tuple[datetime, datetime] | None:
        """(start, end) on the meeting's day; a meeting without an end lasts an hour."""
        if self.start_time is None:
            return None
        start = datetime.combine(self.meeting_date, self.start_time)
        end = datetime.combine(self.meeting_date, self.end_time) if self.end_time else \
            start + timedelta(hours=1)
        return start, max(end, start + timedelta(minutes=1))


class MeetingParticipant(TimestampMixin, db.Model):
    __tablename__ = "meeting_participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    role: Mapped[ParticipantRole] = enum_column(ParticipantRole,
                                                default=ParticipantRole.PARTICIPANT)
    position: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True,
                                                index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(300), default="")
    present: Mapped[bool] = mapped_column(Boolean, default=True)

    meeting: Mapped[Meeting] = relationship(back_populates="participants", lazy="raise_on_sql")
    __audit__ = True

    def __str__(self) -> str:
        return self.full_name


class AgendaItem(TimestampMixin, db.Model):
    __tablename__ = "meeting_agenda_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    heard_who: Mapped[str] = mapped_column(Text, default="")
    heard_summary: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="items", lazy="raise_on_sql")
    speeches: Mapped[list["AgendaSpeech"]] = owned_lines(
        "item", "(AgendaSpeech.position, AgendaSpeech.id)")
    decisions: Mapped[list["AgendaDecision"]] = owned_lines(
        "item", "(AgendaDecision.position, AgendaDecision.id)")
    __audit__ = True

    def __str__(self) -> str:
        return self.title[:200]


class _AgendaLine(TimestampMixin):
    """A line of an agenda item (a speech, a decision) in the item's order; its text, the
    first 200 characters of ``LABEL``, names it in the history."""

    LABEL: str
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("meeting_agenda_items.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    __audit__ = True

    def __str__(self) -> str:
        return getattr(self, self.LABEL)[:200]


class AgendaSpeech(_AgendaLine, db.Model):
    """«ВЫСТУПИЛИ»: who spoke on an agenda item, and what they said."""

    __tablename__ = "meeting_agenda_speeches"
    LABEL = "who"
    who: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[AgendaItem] = relationship(back_populates="speeches", lazy="raise_on_sql")


class AgendaDecision(_AgendaLine, db.Model):
    """«РЕШИЛИ»: a decision; with a responsible person or a due date it is a recommendation."""

    __tablename__ = "meeting_agenda_decisions"
    LABEL = "text"
    text: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(300), default="")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    item: Mapped[AgendaItem] = relationship(back_populates="decisions", lazy="raise_on_sql")

    @property
    def is_recommendation(self) -> bool:
        return bool(self.responsible or self.due_date)


class ProtocolCounter(db.Model):
    """The last protocol number given by an authority in a year; locked while numbering."""

    __tablename__ = "protocol_counters"
    __table_args__ = (UniqueConstraint("authority_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class ProtocolAmendment(TimestampMixin, db.Model):
    """A correction of a held protocol: its own date and text; the locked text is untouched."""

    __tablename__ = "protocol_amendments"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    amended_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    author = relationship("User", lazy="joined", foreign_keys=[author_id])
    __audit__ = True

    def __str__(self) -> str:
        return f"Изменение от {self.amended_on:%d.%m.%Y}"
