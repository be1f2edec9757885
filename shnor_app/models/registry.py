"""Registry: regions → municipalities → organisations, school statuses per year, staff."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, SearchableMixin, SoftDeleteMixin, TimestampMixin, enum_column


class OrgKind(LabelledEnum):
    SCHOOL = "Общеобразовательная организация"
    MUNICIPAL_AUTHORITY = "Муниципальный орган управления образованием"
    REGIONAL_AUTHORITY = "Региональный орган управления образованием"
    INSTITUTE = "Институт развития образования / ЦНППМ"
    ASSESSMENT_CENTRE = "Центр оценки качества образования"
    COLLEGE = "Профессиональная образовательная организация (СПО)"
    OTHER = "Другая организация"

    @property
    def short(self) -> str:
        return {
            "SCHOOL": "ОО", "MUNICIPAL_AUTHORITY": "МОУО", "REGIONAL_AUTHORITY": "Министерство",
            "INSTITUTE": "ИРО", "ASSESSMENT_CENTRE": "ЦОКО", "COLLEGE": "СПО", "OTHER": "Другое",
        }[self.name]


class SchoolStatus(LabelledEnum):
    LOW_RESULTS = "ШНОР"
    SOCIAL_RISK = "ШНСУ"
    RISK_ZONE = "Зона риска (низкий ИОР)"
    TUTOR = "Школа-тьютор"
    PROJECT_500 = "«500+»"


class OrderKind(LabelledEnum):
    ORDER = "Приказ"
    DIRECTIVE = "Распоряжение"
    RESOLUTION = "Постановление"


class QualificationCategory(LabelledEnum):
    HIGHEST = "Высшая"
    FIRST = "Первая"
    CONFORMITY = "Соответствие занимаемой должности"
    NONE = "Без категории"


class OrderBasisMixin:
    """A record resting on an order (``order_kind``, ``order_number``, ``order_date``)."""

    @property
    def basis(self) -> str:
        """The order as people write it: «Приказ № 79 от 19.01.2023»."""
        from ..formatting import fmt_order

        return fmt_order(self.order_kind, self.order_number, self.order_date)


class Region(TimestampMixin, db.Model):
    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The region's time zone (IANA name): times of its interviews in calendars and invitations.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow",
                                           server_default="Europe/Moscow")

    municipalities: Mapped[list["Municipality"]] = relationship(
        back_populates="region", order_by="Municipality.name", lazy="raise_on_sql"
    )
    __audit__ = True

    def __str__(self) -> str:
        return self.name


class Municipality(TimestampMixin, db.Model):
    __tablename__ = "municipalities"
    __table_args__ = (UniqueConstraint("region_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    # Loaded when asked (not joined): a region has one row per installation, so after the first
    # load every municipality's region is found in the session without a query, while every
    # request's user load (users → organisation → municipality) no longer joins it twice more.
    region: Mapped[Region] = relationship(back_populates="municipalities", lazy="select")
    __audit__ = True

    def __str__(self) -> str:
        return self.name


class Organization(SearchableMixin, TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "organizations"
    __search_fields__ = ("short_name", "full_name", "inn", "code", "director_name", "address",
                         "fis_oko_login")
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = enum_column(OrgKind, default=OrgKind.SCHOOL, index=True)
    full_name: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str] = mapped_column(String(200), index=True)
    # short_name as lists order it: «СОШ № 3» before «СОШ № 12» (text.natural_key), kept by
    # the flush like search_text
    sort_name: Mapped[str] = mapped_column(String(300), default="", server_default="",
                                           index=True)
    inn: Mapped[str | None] = mapped_column(String(12), nullable=True)
    code: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    director_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(60), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id"), nullable=True, index=True
    )
    # The keys other systems know the organisation by: ОГРН and КПП (a branch shares its
    # head's ИНН and has a КПП of its own), the ФИС ОКО login («edu223185»: the key of a school
    # in ВПР downloads), the ГИА code (ОГЭ/ЕГЭ reports), and its Id in the open data of the
    # accreditation registry.
    ogrn: Mapped[str | None] = mapped_column(String(15), nullable=True)
    kpp: Mapped[str | None] = mapped_column(String(9), nullable=True)
    fis_oko_login: Mapped[str | None] = mapped_column(String(9), nullable=True, index=True)
    gia_code: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    registry_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # a branch («филиал») is an organisation of its own, tied to its head
    head_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), nullable=True, index=True)

    region: Mapped[Region] = relationship(lazy="select")  # as Municipality.region
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    statuses: Mapped[list["SchoolStatusRecord"]] = relationship(
        back_populates="organization", lazy="raise_on_sql",
        order_by="(SchoolStatusRecord.year.desc(), SchoolStatusRecord.status)",
    )
    staff: Mapped[list["StaffMember"]] = relationship(
        back_populates="organization", lazy="raise_on_sql", order_by="StaffMember.full_name"
    )
    __audit__ = True

    def __str__(self) -> str:
        return self.short_name

    def refresh_search_text(self) -> None:
        from ..text import natural_key

        super().refresh_search_text()
        self.sort_name = natural_key(self.short_name)

    @property
    def is_school(self) -> bool:
        return self.kind == OrgKind.SCHOOL


class SchoolStatusRecord(OrderBasisMixin, TimestampMixin, SoftDeleteMixin, db.Model):
    """A school's status for one year, with the order that set it («приказ № 79 от 19.01.2023»)."""

    __tablename__ = "school_statuses"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[SchoolStatus] = enum_column(SchoolStatus, index=True)
    order_kind: Mapped[OrderKind | None] = enum_column(OrderKind, nullable=True)
    order_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    order_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    organization: Mapped[Organization] = relationship(back_populates="statuses", lazy="joined")
    __audit__ = True

    def __str__(self) -> str:
        return f"{self.status.label} ({self.year})"


class StaffMember(SearchableMixin, TimestampMixin, SoftDeleteMixin, db.Model):
    """A teacher or other employee of an organisation. Not necessarily a user."""

    __tablename__ = "staff_members"
    __table_args__ = (
        # The staff of a school and who is employed on a date (services/coverage.py), read
        # from the index alone.
        Index("ix_staff_members_employed", "organization_id", "deleted_at", "hired_on",
              "left_on", "id"),
    )
    __search_fields__ = ("full_name", "position", "subjects")
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="Учитель")
    subjects: Mapped[str | None] = mapped_column(String(300), nullable=True)
    category: Mapped[QualificationCategory] = enum_column(
        QualificationCategory, default=QualificationCategory.NONE
    )
    teaching_since: Mapped[int | None] = mapped_column(Integer, nullable=True)
    young_specialist: Mapped[bool] = mapped_column(Boolean, default=False)
    management: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    hired_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    left_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # personal data: 11 digits with the control number; shown masked except to those who may
    # edit the person (every unmasked view is audited), masked in the change history too
    snils: Mapped[str | None] = mapped_column(String(11), nullable=True, index=True)
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    __audit_masked__ = ("snils", "birth_date")

    organization: Mapped[Organization] = relationship(back_populates="staff", lazy="joined")
    __audit__ = True

    def __str__(self) -> str:
        return self.full_name

    def employed_on(self, day: date) -> bool:
        if self.deleted_at is not None:
            return False
        if self.hired_on and self.hired_on > day:
            return False
        return self.left_on is None or self.left_on > day
