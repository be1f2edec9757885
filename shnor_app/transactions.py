"""How a request's transaction ends: a request that wrote nothing ends with COMMIT.

Flask-SQLAlchemy closes the session when the application context ends, which rolls the
transaction back. With psycopg 3, a ROLLBACK also drops every statement the connection had
prepared (psycopg clears its prepared-statement cache on rollback), so no statement was ever
prepared and PostgreSQL planned each one again on every request. The ORM's joined loads (a user
with its organisation, municipality and region; an approval with its author and territory)
spent 1.5–2.6 ms in planning against 0.05 ms of execution.

A transaction that wrote nothing ends with COMMIT instead. There is nothing to persist, it costs
the same as a rollback, and the connection keeps its prepared statements (psycopg prepares a
statement after it has run ``prepare_threshold`` times, 5 by default; PostgreSQL then uses a
generic plan). On SQLite both end the same way.

"Wrote nothing" is decided conservatively:

* no pending object in the session (``new``, ``dirty``, ``deleted``): a commit would flush them;
* no statement on the transaction's connections other than a compiled SELECT since their last
  COMMIT or ROLLBACK — a flush, a bulk statement, ``text()`` of any kind all count as writes,
  so an error path that flushed and did not commit is still rolled back.

Any doubt (an exception in the request, a failing commit) leaves the rollback to
Flask-SQLAlchemy as before.
"""
from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.sql import Select

log = logging.getLogger(__name__)

_WROTE = "shnor_wrote"
_CONNECTIONS = "shnor_connections"


def _before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
    compiled = getattr(context, "compiled", None)
    if compiled is None or not isinstance(compiled.statement, Select):
        conn.info[_WROTE] = True


def _transaction_ended(conn) -> None:
    conn.info.pop(_WROTE, None)


def _after_begin(session, transaction, connection) -> None:
    session.info.setdefault(_CONNECTIONS, []).append(connection)


def _forget(session, *args) -> None:
    session.info.pop(_CONNECTIONS, None)


def wrote_nothing(session) -> bool:
    """True when ending ``session``'s transaction with COMMIT would persist nothing."""
    if session.new or session.dirty or session.deleted:
        return False
    conns = session.info.get(_CONNECTIONS, ())
    return all(not conn.closed and not conn.info.get(_WROTE) for conn in conns)


def install(app, db) -> None:
    """Watch the engine's statements and end reading requests with COMMIT."""
    from sqlalchemy.orm import Session

    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "before_cursor_execute", _before_cursor_execute):
        event.listen(engine, "before_cursor_execute", _before_cursor_execute)
        event.listen(engine, "commit", _transaction_ended)
        event.listen(engine, "rollback", _transaction_ended)
    for name, fn in (("after_begin", _after_begin), ("after_commit", _forget),
                     ("after_rollback", _forget)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)

    @app.teardown_appcontext
    def _end_reading_transaction(exc):  # runs before Flask-SQLAlchemy removes the session
        if exc is not None:
            return
        session = db.session()
        if not session.in_transaction() or not wrote_nothing(session):
            return
        try:
            session.commit()
        except Exception:  # noqa: BLE001 — the rollback that follows is the old behaviour
            log.warning("a reading transaction could not be committed", exc_info=True)
