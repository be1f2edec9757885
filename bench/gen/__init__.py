"""The region-scale dataset of the benchmark, built area by area.

``build(url, scale)`` empties the database (only with ``reset=True`` when it has data), brings
it to the head migration (the app's own migrations, so the schema is the production one) and
runs the area generators of ``AREAS`` in order, in one transaction.

An area generator is a module of this package with

* ``NEEDS``: names of the models (in ``shnor_app.models``) it writes. When one of them does not
  exist — the area's branch is not merged yet — the area is *skipped* with a printed note and
  listed in the bench results as not generated.
* ``generate(ctx)``: writes its rows through ``ctx.insert`` (see ``base.Context``) and leaves
  ids for later areas in ``ctx.ids``.

A module whose models exist but that has no ``generate`` stops the run with
:class:`GeneratorMissing`: an area that has landed must be generated, or the bench would
measure its pages on empty tables.

Every area of the application has its generator (what each makes is in its docstring). A new
area: a module here with ``NEEDS`` (the real model names) and ``generate(ctx)`` following
``roadmaps.py``, its name in ``AREAS``; then ``pytest tests/unit/test_bench_harness.py`` (tiny
scale, every table the area fills must be counted) and ``make bench-quick``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from .base import BENCH_PASSWORD, BENCH_TOTP_SECRET, SCALES, Context, Scale, Timer  # noqa: F401

# Order matters: later areas read the ids earlier ones leave in ``ctx.ids``.
AREAS = ["registry", "users", "roadmaps", "partnerships", "courses", "visits", "interviews",
         "monitoring"]


class GeneratorMissing(RuntimeError):
    """An area's models exist but its generator was not written."""


class DatabaseNotEmpty(RuntimeError):
    pass


@dataclass
class Result:
    counts: dict
    skipped: dict = field(default_factory=dict)   # area → why
    seconds: float = 0.0
    ids: dict = field(default_factory=dict)


def area_modules():
    return [(name, importlib.import_module(f"{__name__}.{name}")) for name in AREAS]


def missing_models(module) -> list[str]:
    from shnor_app import models

    return [name for name in module.NEEDS if not hasattr(models, name)]


def reset_database(url: str) -> None:
    """Drop everything in the database (a SQLite file is deleted)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        from pathlib import Path

        if u.database and u.database != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                Path(u.database + suffix).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _create_postgres_database(url: str) -> None:
    """A PostgreSQL bench database that does not exist yet is created (on a fresh machine
    ``make bench`` should not stop at «database "test_bench" does not exist»)."""
    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                               {"n": u.database}):
                conn.execute(text(f'CREATE DATABASE "{u.database}"'))
    finally:
        admin.dispose()


def _has_data(url: str) -> bool:
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and not (u.database and __import__("os").path.exists(
            u.database)):
        return False
    if u.get_backend_name() == "postgresql":
        _create_postgres_database(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if "users" not in inspect(conn).get_table_names():
                return False
            return bool(conn.scalar(select(func.count()).select_from(text("users"))))
    finally:
        engine.dispose()


def build(url: str, scale: Scale | str = "full", *, reset: bool = False, year: int | None = None,
          out=print) -> Result:
    """Generate the dataset into ``url`` (SQLAlchemy URL; postgres:// forms accepted)."""
    from flask_migrate import upgrade

    from shnor_app.config import normalise_database_url
    from shnor_app.extensions import db, init_migrations

    from ..config import make_app

    scale = SCALES[scale] if isinstance(scale, str) else scale
    url = normalise_database_url(url)
    total = Timer()
    if _has_data(url):
        if not reset:
            raise DatabaseNotEmpty("В базе уже есть данные; чтобы стереть их, укажите --reset.")
    reset_database(url)
    app = make_app(url)
    result = Result(counts={})
    init_migrations(app)
    with app.app_context():
        t = Timer()
        upgrade()
        out(f"  схема (миграции): {t}")
        from ..config import bench_year

        ctx_year = year or bench_year()
        with db.engine.begin() as conn:
            ctx = Context(conn=conn, scale=scale, year=ctx_year)
            for name, module in area_modules():
                missing = missing_models(module)
                if missing:
                    why = f"модуля нет (нет моделей {', '.join(missing)})"
                    result.skipped[name] = why
                    out(f"  {name}: пропущено — {why}")
                    continue
                if not hasattr(module, "generate"):
                    raise GeneratorMissing(
                        f"Модели области «{name}» есть, а генератора нет: напишите "
                        f"generate(ctx) в bench/gen/{name}.py (см. его описание).")
                t = Timer()
                before = dict(ctx.counts)
                module.generate(ctx)
                added = {k: v - before.get(k, 0) for k, v in ctx.counts.items()
                         if v != before.get(k, 0)}
                out(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in added.items()) + f" — {t}")
            _finish(conn)
        db.engine.dispose()
    result.counts = dict(ctx.counts)
    result.ids = ctx.ids
    result.seconds = total.t0 and (__import__("time").perf_counter() - total.t0)
    out(f"  всего: {sum(result.counts.values())} строк за {total}")
    return result


def _finish(conn) -> None:
    """Gather planner statistics, as a live database has them (PostgreSQL's autovacuum within
    minutes; SQLite after the periodic ``ANALYZE`` the README asks for — without statistics
    SQLite picks the status index over the source index of recommendations, 69 ms instead of
    26); PostgreSQL: also move the id sequences past the ids we chose."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("ANALYZE"))
        return
    if conn.dialect.name != "postgresql":
        return
    for table in inspect(conn).get_table_names():
        serial = conn.scalar(text(f"SELECT pg_get_serial_sequence('{table}', 'id')")) \
            if "id" in {c["name"] for c in inspect(conn).get_columns(table)} else None
        if serial:  # tables with a text key (staged uploads) have no sequence
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))
    conn.execute(text("ANALYZE"))
