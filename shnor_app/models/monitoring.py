"""Monitoring: assessment results, approvals of the identified list, indicators, risk profiles.

* :class:`AssessmentResult` — one procedure of one school in one year: procedure (ВПР, ОГЭ,
  ЕГЭ) + subject + grade, with participants, share of «2» (for ОГЭ/ЕГЭ: of those who did not
  pass the minimum threshold), share of «5» and the mean score. Unique per school, year,
  procedure, subject and grade; a repeated import updates the row.
* :class:`IdentificationApproval` — a methodist's or region user's approval of the list of
  low-result schools found for ``year``; it wrote ШНОР statuses for ``status_year`` with the
  order's requisites. ``org_ids`` lists the schools that received a status by this approval.
* :class:`Indicator` — one indicator of a municipality's indicator system (data, not code):
  code «1.10», name, source (a key of ``services.indicators.SOURCES``) with its parameters,
  and the scoring — bands over the value, or points for the sign of its change between years.
* :class:`RiskFactor` (reference data: the ten federal risk factors of «500+») and
  :class:`SchoolRisk` — a school's risk for a year with its level and its anti-risk programme
  (a school-level roadmap).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, SoftDeleteMixin, TimestampMixin, enum_column
from .registry import Municipality, OrderBasisMixin, OrderKind, Organization


class Procedure(LabelledEnum):
    VPR = "ВПР"
    OGE = "ОГЭ"
    EGE = "ЕГЭ"

    @property
    def fail_label(self) -> str:
        """What «share of 2» means for this procedure."""
        return "доля «2»" if self is Procedure.VPR else "не преодолели порог"


class RiskLevel(LabelledEnum):
    HIGH = "высокий"
    MEDIUM = "средний"
    LOW = "низкий"


class IndicatorScoring(LabelledEnum):
    BANDS = "Баллы по диапазонам значения"
    DYNAMICS = "Баллы за динамику между двумя годами"


class AssessmentResult(TimestampMixin, db.Model):
    __tablename__ = "assessment_results"
    __table_args__ = (
        UniqueConstraint("organization_id", "year", "procedure", "subject", "grade"),
        # The share of «2» per procedure and year over a territory (dashboards) reads the
        # index alone, already grouped; its prefix serves lookups by procedure.
        Index("ix_assessment_results_share", "procedure", "year", "organization_id", "share_2",
              "participants"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    procedure: Mapped[Procedure] = enum_column(Procedure)
    subject: Mapped[str] = mapped_column(String(100))
    grade: Mapped[int] = mapped_column(Integer)
    participants: Mapped[int | None] = mapped_column(Integer, nullable=True)
    share_2: Mapped[float | None] = mapped_column(Float, nullable=True)
    share_5: Mapped[float | None] = mapped_column(Float, nullable=True)
    mean_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The file the figures came from (a per-pupil ФИС ОКО download or an aggregated table).
    source_file: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Per-pupil downloads without the mark: how many pupils scored each total of primary
    # points ({"17": 3, …}) — the marks follow from the mark scale, and are computed again
    # when the scale is replaced. None when the marks were in the file or the row aggregated.
    points: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    organization: Mapped[Organization] = relationship(lazy="raise_on_sql")
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.procedure.label} {self.subject}, {self.grade} кл., {self.year}"


class MarkScale(TimestampMixin, db.Model):
    """The minimum primary points for «3», «4» and «5» of one procedure's subject and grade in a
    year (ФИС ОКО publishes it every year). ``subject_key`` is the subject folded (case, «ё»,
    spaces) so «Русский язык» and «русский  язык» are one scale."""
    __tablename__ = "mark_scales"
    __table_args__ = (UniqueConstraint("year", "procedure", "subject_key", "grade"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    procedure: Mapped[Procedure] = enum_column(Procedure)
    subject: Mapped[str] = mapped_column(String(100))
    subject_key: Mapped[str] = mapped_column(String(100))
    grade: Mapped[int] = mapped_column(Integer)
    min_3: Mapped[int] = mapped_column(Integer)
    min_4: Mapped[int] = mapped_column(Integer)
    min_5: Mapped[int] = mapped_column(Integer)
    # How many task columns the year's files have (given, or learnt from the first file
    # imported): a file with another count is questioned, not guessed.
    tasks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __audit__ = True

    def __str__(self) -> str:
        return f"Шкала {self.procedure.label} {self.subject}, {self.grade} кл., {self.year}"

    def mark(self, points: float) -> int:
        if points >= self.min_5:
            return 5
        if points >= self.min_4:
            return 4
        if points >= self.min_3:
            return 3
        return 2


class IdentificationApproval(OrderBasisMixin, TimestampMixin, db.Model):
    __tablename__ = "identification_approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)          # year of the results
    status_year: Mapped[int] = mapped_column(Integer)              # year of the statuses
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"),
                                                        nullable=True, index=True)
    order_kind: Mapped[OrderKind] = enum_column(OrderKind)
    order_number: Mapped[str] = mapped_column(String(60))
    order_date: Mapped[date] = mapped_column(Date)
    org_ids: Mapped[list] = mapped_column(JSON, default=list)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    approved_by = relationship("User", lazy="joined", foreign_keys=[approved_by_id])
    __audit__ = True

    def __str__(self) -> str:
        return f"Утверждение списка ШНОР на {self.status_year} год ({self.basis})"


class Indicator(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "indicators"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    scoring: Mapped[IndicatorScoring] = enum_column(IndicatorScoring,
                                                    default=IndicatorScoring.BANDS)
    bands: Mapped[list] = mapped_column(JSON, default=list)   # [{"upto": 5, "points": 3}, …]
    dynamics: Mapped[dict] = mapped_column(JSON, default=dict)  # {"positive": 3, "zero": 3, …}

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.code} {self.name}"[:200]


class RiskFactor(TimestampMixin, db.Model):
    __tablename__ = "risk_factors"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __audit__ = True

    def __str__(self) -> str:
        return self.name


class SchoolRisk(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "school_risks"
    __table_args__ = (UniqueConstraint("organization_id", "year", "risk_factor_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    risk_factor_id: Mapped[int] = mapped_column(ForeignKey("risk_factors.id"), index=True)
    level: Mapped[RiskLevel] = enum_column(RiskLevel)
    roadmap_id: Mapped[int | None] = mapped_column(ForeignKey("roadmaps.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    organization: Mapped[Organization] = relationship(lazy="joined")
    factor: Mapped[RiskFactor] = relationship(lazy="joined")
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.factor.name if self.factor else 'Риск'} ({self.year})"[:200]
