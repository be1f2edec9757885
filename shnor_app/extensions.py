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
from sqlalchemy import MetaData
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
