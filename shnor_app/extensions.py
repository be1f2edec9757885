"""Flask extensions, created here and bound to the app in ``create_app``.

Flask-Migrate is the exception: it imports Alembic (with Mako and Pygments, about 11 MB in
every server worker, which never migrates anything), so it is bound by :func:`init_migrations`
only where migrations run — the ``flask db`` commands (cli.py) and bench/gen.
"""
from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData, bindparam, inspect, select
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
# Russian for everything the libraries say themselves (WTForms' validation messages).
babel = Babel()


def init_migrations(app) -> None:
    """Bind Flask-Migrate (``migrations/``) to ``app``, once; ``flask_migrate.upgrade()`` and
    the ``flask db`` commands need it."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from .config import BASE_DIR

    Migrate(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True,
            compare_type=True)


_BY_ID: dict[tuple, object] = {}
_BY_ID_LIMIT = 500  # models × the option tuples of their rules: a few dozen


def load_by_id(model: type, ident, options: tuple = ()):
    """``db.session.get(model, ident, options=options)``, with the SELECT built once per model.

    ``session.get`` builds its query again on every call that misses the session's identity
    map — and with loader options, their cache key too. Every request loads its user and the
    record its URL names this way (measured on a status change: 0.36 → 0.27 ms for an item
    with its roadmap). An object already in the identity map is answered as ``session.get``
    answers it (expired attributes reloaded, a deleted one not returned)."""
    session = db.session()
    mapper = inspect(model)
    if len(mapper.primary_key) != 1:
        return session.get(model, ident, options=options)
    if mapper.identity_key_from_primary_key((ident,)) in session.identity_map:
        return session.get(model, ident)
    key = (model, options)  # loader options compare by identity: pass a tuple made once
    stmt = _BY_ID.get(key)
    if stmt is None:
        stmt = select(model).options(*options).where(mapper.primary_key[0] == bindparam("ident"))
        if len(_BY_ID) < _BY_ID_LIMIT:  # options made anew on each call are not kept
            _BY_ID[key] = stmt
    return session.execute(stmt, {"ident": ident}).scalars().first()
