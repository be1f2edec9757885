"""The audit log: who changed what, when, before → after."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabelledEnum, enum_column, utcnow


class AuditAction(LabelledEnum):
    CREATE = "Создание"
    UPDATE = "Изменение"
    DELETE = "Удаление"
    LOGIN = "Вход"
    LOGIN_FAILED = "Неудачный вход"
    LOGOUT = "Выход"
    ACCESS_DENIED = "Отказ в доступе"
    DOWNLOAD = "Скачивание"
    SESSION_ENDED = "Сеанс завершён"
    SECOND_FACTOR = "Второй фактор"
    IMPORT = "Импорт"
    PERSONAL_DATA = "Просмотр персональных данных"


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    user_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[AuditAction] = enum_column(AuditAction, index=True)
    object_type: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    object_label: Mapped[str | None] = mapped_column(String(300), nullable=True)
    changes: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)

    user = relationship("User", lazy="raise_on_sql")
