"""Fixture data built once per test process and put back for every test that asks for it.

The access matrices alone run ~2 000 tests, each on the same world of regions, schools and
users plus a module's own records (``extra``); building them through the factories (an ORM
commit per object) was most of the suite's time. A fixture decorated with ``@snapshotted``
runs its factories the first time, then keeps *every table's rows* (and the upload folder's
files) as they are after it; the next test that asks for it gets those rows inserted back in
one statement per table — the same rows and ids — and the same value, with its ORM objects
loaded again by primary key. Each test still starts from exactly the data the fixture builds
and still ends with every table emptied (``conftest._app_context``), so a test that changes
the data (a POST of the matrix) cannot leak into the next one.

A snapshot is only used on the database state it was taken on: the state is known after the
tables are emptied, after a restore, or after a first build; any INSERT / UPDATE / DELETE
anyone runs in between (another fixture, the test itself) makes it unknown, and the fixture
then simply runs its factories again.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
from pathlib import Path

from flask import current_app
from sqlalchemy import event, inspect, select

from shnor_app.extensions import db

EMPTY = "empty"
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


@dataclasses.dataclass
class _Snapshot:
    parent: str                     # the database state it was taken on
    tables: dict                    # table name -> list of row dicts (non-empty tables only)
    changed: list                   # the tables whose rows differ from the parent's
    files: dict                     # path relative to UPLOAD_DIR -> bytes
    value: object                   # the fixture's value, ORM objects as _Ref


@dataclasses.dataclass(frozen=True)
class _Ref:
    cls: type
    pk: tuple


class _State:
    """What the database holds now, as far as snapshots know: a snapshot key, EMPTY, or None
    (unknown: somebody wrote since)."""

    current: str | None = None
    quiet = False
    snapshots: dict[str, _Snapshot] = {}
    engines: set = set()


def watch(engine) -> None:
    """Listen to ``engine`` for writes (once per engine)."""
    if engine in _State.engines:
        return
    _State.engines.add(engine)

    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(conn, cursor, statement, params, context, executemany):  # noqa: ARG001
        if not _State.quiet and statement.lstrip()[:6].upper() in _WRITE_VERBS:
            _State.current = None


def tables_emptied() -> None:
    _State.current = EMPTY


def snapshotted(fn):
    """Decorator for a fixture function (under ``@pytest.fixture``) that builds data."""
    key = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        # End the test session's transaction (a reader keeps its old view of SQLite's WAL);
        # flushing anything pending counts as a write.
        db.session.commit()
        snap = _State.snapshots.get(key)
        if snap is not None and _State.current == snap.parent:
            value = _restore(snap)
        else:
            start = _State.current
            value = fn(*args, **kwargs)
            db.session.commit()
            if snap is not None or start is None:
                _State.current = None  # not a state any snapshot knows
                return value
            _State.snapshots[key] = _take(start, value)
        _State.current = key
        return value

    return wrapper


# --------------------------------------------------------------------------- take / restore


@contextlib.contextmanager
def foreign_keys_off():
    """A connection that writes with foreign keys unchecked (users ↔ organisations is a cycle)
    and commits at the end: on PostgreSQL for its transaction, on SQLite around it (SQLite
    ignores the PRAGMA inside a transaction)."""
    with db.engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica" if postgres
                             else "PRAGMA foreign_keys=OFF")
        yield conn
        conn.commit()
        if not postgres:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _take(parent: str, value) -> _Snapshot:
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = [dict(r) for r in db.session.execute(select(table)).mappings()]
        if rows:
            tables[table.name] = rows
    root = _upload_dir()
    files = ({str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
             if root.exists() else {})
    parent_tables = _tables_of(parent)
    changed = [t for t in db.metadata.sorted_tables
               if tables.get(t.name) != parent_tables.get(t.name)]
    return _Snapshot(parent, tables, changed, files, _freeze(value))


def _tables_of(key: str) -> dict:
    snap = _State.snapshots.get(key)
    return snap.tables if snap is not None else {}  # EMPTY


def _restore(snap: _Snapshot):
    _State.quiet = True
    try:
        with foreign_keys_off() as conn:
            for table in snap.changed:
                # also when the parent had no rows known here: an emptied database still
                # holds every table's generation token (services.data_cache)
                conn.execute(table.delete())
                rows = snap.tables.get(table.name)
                if rows:
                    conn.execute(table.insert(), rows)
    finally:
        _State.quiet = False
    root = _upload_dir()
    for rel, data in snap.files.items():
        path = root / rel
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return _thaw(snap.value)


def _freeze(value):
    if hasattr(type(value), "__mapper__"):
        return _Ref(type(value), inspect(value).identity)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (_DataclassOf(type(value)),
                {f.name: _freeze(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_freeze(v) for v in value)
    return value


@dataclasses.dataclass(frozen=True)
class _DataclassOf:
    cls: type


def _thaw(value):
    if isinstance(value, _Ref):
        return db.session.get(value.cls, value.pk)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], _DataclassOf):
        return value[0].cls(**{k: _thaw(v) for k, v in value[1].items()})
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_thaw(v) for v in value)
    return value
