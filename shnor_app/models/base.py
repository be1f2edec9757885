"""Shared column mixins and helpers for all models."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, Text, event
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class LabelledEnum(enum.Enum):
    """An enum stored as its name (a string) with a Russian label next to it.

    Members are declared as ``NAME = "Русская подпись"``; ``.label`` is that text.
    """

    @property
    def label(self) -> str:
        return self.value

    @property
    def code(self) -> str:
        """The name in lower case (``IN_PROGRESS`` → ``in_progress``), as URLs and forms use it."""
        return self.name.lower()

    @property
    def css(self) -> str:
        """The CSS class of the member's badge: ``IN_PROGRESS`` → ``in-progress``; an enum whose
        badges share colours maps its names itself."""
        return self.name.lower().replace("_", "-")

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.name, m.value) for m in cls]

    @classmethod
    def coerce(cls, value):
        if value is None or value == "":
            return None
        if isinstance(value, cls):
            return value
        return cls[value]


def enum_column(enum_cls: type[enum.Enum], **kw):
    """Enums are stored as strings (their member names), never as native DB enums."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, length=32, validate_strings=True), **kw
    )


def owned_lines(back: str, order_by=False, *, lazy: str = "selectin"):
    """The lines a record owns (a meeting's participants, a visit's lessons): ``back`` names
    the record on the line; loaded ``lazy``, listed in ``order_by`` order, added, saved and
    deleted with the record."""
    return relationship(back_populates=back, lazy=lazy, cascade="all, delete-orphan",
                        order_by=order_by)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("users.id", use_alter=True), nullable=True)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class SearchableMixin:
    """Keeps ``search_text``: the normalised text of ``__search_fields__`` for LIKE searches."""

    __search_fields__: tuple[str, ...] = ()
    search_text: Mapped[str] = mapped_column(Text, default="")

    def refresh_search_text(self) -> None:
        from ..text import normalize_name

        self.search_text = " | ".join(
            normalize_name(str(getattr(self, f) or "")) for f in self.__search_fields__)


@event.listens_for(SearchableMixin, "before_insert", propagate=True)
@event.listens_for(SearchableMixin, "before_update", propagate=True)
def _refresh_search_text(mapper, connection, target) -> None:
    target.refresh_search_text()
