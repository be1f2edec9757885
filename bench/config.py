"""How the bench builds the application: the production ``Config`` pointed at the bench database.

Nothing bench-specific reaches the app: the same ``create_app``, the same settings, only the
database URL, a fixed secret key and a throw-away instance folder (uploads) differ.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from shnor_app import create_app
from shnor_app.config import Config, normalise_database_url

BENCH_SECRET_KEY = "bench-secret-key-not-for-production"


def instance_dir() -> Path:
    path = Path(os.environ.get("BENCH_INSTANCE_DIR") or Path(tempfile.gettempdir()) /
                f"shnor-bench-{os.getuid()}")
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_env(url: str, instance: Path | None = None) -> dict:
    """Environment for a server process (gunicorn) that serves the bench database; ``instance``
    gives a server a folder of its own (two servers share nothing but the database)."""
    inst = instance or instance_dir()
    inst.mkdir(parents=True, exist_ok=True)
    return {"DATABASE_URL": normalise_database_url(url), "SECRET_KEY": BENCH_SECRET_KEY,
            "SHNOR_INSTANCE_DIR": str(inst), "SHNOR_UPLOAD_DIR": str(inst / "uploads")}


def make_app(url: str):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
        SECRET_KEY = BENCH_SECRET_KEY
        UPLOAD_DIR = instance_dir() / "uploads"

        def __init__(self) -> None:  # no key file in the worktree's instance/
            pass

    return create_app(BenchConfig)


def bench_year() -> int:
    from shnor_app.formatting import today

    return today().year
