"""What the application's caches of computed pages are checked against."""
from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class TableGeneration(db.Model):
    """A random token per table, replaced in the same transaction as any change to the table's
    rows (``services.data_cache``). A value computed from some tables and kept with their
    tokens is still right while the tokens are the same — on every server that shares the
    database, since the tokens are in it."""
    __tablename__ = "table_generations"
    table_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger)
