"""Computed pages kept between requests, checked against the tables they are computed from.

A region-wide page (the identification of every school, the partnership map) reads thousands of
rows to show fifty; most requests find the same rows as the one before. :func:`cached` keeps
the computed value together with the *generation tokens* of the tables it was computed from
(``models.TableGeneration``): a random token per table, replaced in the same transaction as any
change to that table's rows. A request reads the tokens of its tables (one small query); the
same tokens mean the same rows, so the kept value is served; a changed token means a new key
and the value is computed again (the old entry ages out of the LRU).

How the tokens follow the data: every flush that inserts, updates or deletes an object of a
watched table, and every ``session.execute(insert/update/delete(...))`` on one, marks the table
in the session; on commit the marked tables get new tokens — before the data is visible to
anyone, in the same transaction, so a reader never sees new rows with an old token. A rolled
back transaction changes nothing. The tokens are in the database, so every server sharing it
sees the same change. Tables are watched when a cache declares them (:func:`watch`, at import).

A value about one record and what hangs under it (one roadmap: its sections, items, executors
and reports) would go stale with every change of those tables anywhere in the region if it were
checked against the tables' tokens. Such tables are *partitioned* instead (:func:`partition`):
an ORM change of a row renews the token of its partition only (``roadmap#17``), so the other
roadmaps' values stand; a bulk statement on one of the tables, which names no partition, renews
the family's own token (``roadmap#*``), which every partition's stamp includes. A partition that
was never changed has no row of its own: its family token alone stands for it.

What it does not see: rows changed outside the application (psql, a restored dump). The
``flask --app wsgi cache reset`` command (and the ``DATA_CACHE_SECONDS`` age limit, 10 minutes
by default) cover that. A value kept here is shared by threads and requests: it must be plain,
immutable data (no ORM objects) and must not depend on who asks — what the user may see is
decided by the key (the scope's SQL) and by the rows it names.
"""
from __future__ import annotations

import secrets
import threading
from typing import Callable, Iterable

from flask import current_app
from sqlalchemy import Table, event, select
from sqlalchemy.sql import visitors

from ..extensions import db
from ..models import TableGeneration

WATCHED: set[str] = set()
_TOUCHED = "shnor_touched_tables"
# table name → (family, function(session, obj) → the partition keys a changed row belongs to)
PARTITIONED: dict[str, tuple[str, Callable]] = {}
FAMILIES: set[str] = set()


def watch(*tables: str) -> tuple[str, ...]:
    """Keep the generation tokens of ``tables`` (names) up to date; returns them sorted."""
    WATCHED.update(tables)
    return tuple(sorted(set(tables)))


def partition(family: str, owners: dict) -> None:
    """Partition tables by the record they hang under: ``owners`` maps a model to a function
    ``(session, obj) -> keys`` giving the partition(s) of a changed row (its old and new owner
    when it moved). Called at import, next to the value that is kept per partition."""
    FAMILIES.add(family)
    for model, keys in owners.items():
        PARTITIONED[model.__tablename__] = (family, keys)


def family_token(family: str) -> str:
    return f"{family}#*"


def _partition_token(family: str, key) -> str:
    return f"{family}#{key}"


def part(family: str, key) -> tuple[str, str]:
    """The token names a value about partition ``key`` of ``family`` is checked against."""
    return (family_token(family), _partition_token(family, key))


def column_keys(column: str) -> Callable:
    """Partition keys of a row from one of its own columns: the value now and, when the row
    moved, the value it had."""
    from sqlalchemy import inspect

    def keys(session, obj):
        history = inspect(obj).attrs[column].history
        found = {*history.added, *history.unchanged, *history.deleted}
        if not found:
            found = {getattr(obj, column)}
        return {k for k in found if k is not None}

    return keys


# --------------------------------------------------------------------------- the tokens follow


def _mark(session, name: str | None, *, bulk: bool = False, obj=None) -> None:
    """Mark what a change of a row of table ``name`` renews: the table's token when it is
    watched; for a partitioned table, the row's partitions — or the family, for a bulk
    statement, which names no row."""
    names = {name} if name in WATCHED else set()
    partitioned = PARTITIONED.get(name)
    if partitioned is not None:
        family, keys = partitioned
        names |= {family_token(family)} if bulk else \
            {_partition_token(family, k) for k in keys(session, obj)}
    if names:
        session.info.setdefault(_TOUCHED, set()).update(names)


def _after_flush(session, flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(obj), "__table__", None)
        _mark(session, getattr(table, "name", None), obj=obj)


def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _mark(state.session, getattr(getattr(state.statement, "table", None), "name", None),
              bulk=True)


def _before_commit(session) -> None:
    session.flush()  # what commit would flush next may touch a watched table
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        renew(sorted(touched), connection=session.connection())


def _forget(session, *args) -> None:
    session.info.pop(_TOUCHED, None)


def renew(tables: Iterable[str], *, connection=None) -> None:
    """New tokens for ``tables`` (sorted, so that two transactions lock them in one order)."""
    rows = [{"table_name": name, "token": secrets.randbits(62)} for name in sorted(tables)]
    if not rows:
        return
    conn = connection if connection is not None else db.session.connection()
    conn.execute(_upsert(conn.dialect.name), rows)


_UPSERTS: dict[str, object] = {}


def _upsert(dialect: str):
    """The token upsert of ``dialect``, built once (every write of a watched table runs it)."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(TableGeneration.__table__)
        stmt = _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=["table_name"], set_={"token": stmt.excluded.token})
    return stmt


def renew_all(*, connection=None) -> int:
    """New tokens for every table of the schema (``flask cache reset``; a database filled or
    emptied outside the application). Returns how many tables."""
    names = [n for n in db.metadata.tables if n != TableGeneration.__tablename__]
    names += [family_token(f) for f in FAMILIES]
    renew(names, connection=connection)
    return len(names)


def install(session_cls) -> None:
    for name, fn in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                     ("before_commit", _before_commit), ("after_rollback", _forget)):
        if not event.contains(session_cls, name, fn):
            event.listen(session_cls, name, fn)


# --------------------------------------------------------------------------- the cache


def tokens(tables: tuple[str, ...]) -> tuple | None:
    """The tokens of ``tables`` (and partitions, :func:`part`) in their order; None when a table
    or a family has none yet (nothing is then kept: a table filled outside the application gets
    its token from ``cache reset``). A partition never changed has no token: 0 stands for it."""
    found = dict(db.session.execute(select(TableGeneration.table_name, TableGeneration.token)
                                    .where(TableGeneration.table_name.in_(tables))).all())
    out = []
    for name in tables:
        token = found.get(name)
        if token is None:
            if "#" not in name or name.endswith("#*"):
                return None
            token = 0
        out.append(token)
    return tuple(out)


class Key:
    """A key whose hash is computed once (a cached page's key is used again for its rows)."""
    __slots__ = ("value", "_hash")

    def __init__(self, value: tuple):
        self.value, self._hash = value, hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return self is other or (isinstance(other, Key) and other._hash == self._hash
                                 and other.value == self.value)

    def __repr__(self) -> str:
        return f"Key({self.value!r})"


class _Store:
    def __init__(self, size: int, seconds: float):
        from cachetools import TTLCache

        self.enabled = size > 0 and seconds > 0
        self.lru = TTLCache(maxsize=max(1, size), ttl=max(seconds, 0.001))
        self.lock = threading.Lock()


def _store() -> _Store:
    ext = current_app.extensions
    store = ext.get("shnor_data_cache")
    if store is None:
        store = ext.setdefault("shnor_data_cache", _Store(
            current_app.config.get("DATA_CACHE_SIZE", 256),
            current_app.config.get("DATA_CACHE_SECONDS", 600)))
    return store


def cached(name: str, tables: tuple[str, ...], key: tuple,
           compute: Callable[[Key | None], object], *, scope=None):
    """The value ``compute(key)`` for ``key`` at the tables' present tokens: kept from an
    earlier request when they have not changed. ``scope``, a select naming the rows the value is
    computed over (whose rows a user sees), is part of the key (:func:`statement_key`); a scope
    that cannot be keyed keeps nothing. ``compute`` gets the full key (None when nothing can
    be kept) to label what it builds, e.g. a fragment cache key for its rows."""
    store = _store()
    if scope is not None and store.enabled:
        scope_key = statement_key(scope)
        key = None if scope_key is None else (scope_key, *key)
    stamp = tokens(tables) if store.enabled and key is not None else None
    if stamp is None:
        return compute(None)
    full = Key((name, key, stamp))
    with store.lock:
        value = store.lru.get(full)
    if value is None:
        value = compute(full)
        with store.lock:
            store.lru[full] = value
    return value


def clear() -> None:
    store = current_app.extensions.get("shnor_data_cache")
    if store is not None:
        with store.lock:
            store.lru.clear()


def statement_key(stmt) -> tuple | None:
    """A select as a key: SQLAlchemy's own cache key of its structure (what its compiled SQL is
    cached under, built in microseconds) and the values of its parameters — what rows it names,
    for whom. None when SQLAlchemy cannot key the statement, or when the statement reads a
    table nobody watches (a school's or a tutor's scope may follow partnerships or pairs):
    nothing is kept then, for a value kept past a change of such a table could show rows the
    user no longer sees."""
    if not tables_of(stmt) <= WATCHED:
        return None
    ck = stmt._generate_cache_key()
    if ck is None:
        return None
    return (ck.key, tuple(repr(p.effective_value) for p in ck.bindparams))


def tables_of(stmt) -> set[str]:
    """The names of every table ``stmt`` reads, in sub-selects too."""
    return {e.name for e in visitors.iterate(stmt) if isinstance(e, Table)}
