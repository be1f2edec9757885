"""CLI commands, configuration, and the agreement of models and migrations."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from shnor_app.config import Config, normalise_database_url
from shnor_app.extensions import db
from shnor_app.models import Region, Role, User

from tests.conftest import ON_POSTGRES


def test_database_url_forms_are_normalised_to_psycopg3():
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_secret_key_comes_from_the_environment_or_is_generated_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(Config, "INSTANCE_DIR", tmp_path)
    first, second = Config().SECRET_KEY, Config().SECRET_KEY
    assert first == second and len(first) > 40 and (tmp_path / "secret_key").exists()
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert Config().SECRET_KEY == "from-env"


def test_test_config_has_security_settings(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["WTF_CSRF_ENABLED"] and app.config["MAX_CONTENT_LENGTH"] > 20 * 1024 * 1024


def test_sqlite_connections_enforce_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_users_create_with_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--login", "root", "--role", "admin",
                                 "--password-stdin"], input="очень-длинный-пароль\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.login == "root"))
    assert user.role == Role.ADMIN and user.check_password("очень-длинный-пароль")
    assert "очень-длинный-пароль" not in result.output


def test_users_create_refuses_a_methodist_without_municipality(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--login", "m", "--role",
                                                "methodist"])
    assert result.exit_code != 0 and "муниципалитет" in result.output


def test_demo_load_prints_logins_once_and_refuses_to_run_twice(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Приречный район" in first.output and "methodist" in first.output
    assert first.output.count("подключат второй фактор") == 1
    assert db.session.scalar(select(Region).where(Region.name == "Энская область"))
    assert len(db.session.scalars(select(User)).all()) == 6
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code != 0 and "уже есть данные" in second.output
    quiet = runner.invoke(args=["demo", "load", "--if-empty"])
    assert quiet.exit_code == 0


def _fresh_database_url(tmp_path):
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}", None
    base = normalise_database_url(os.environ["TEST_DATABASE_URL"])
    # One name per test database: runs against other databases of the same server do not meet.
    name = base.rsplit("/", 1)[1].split("?")[0] + "_migration_check"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return base.rsplit("/", 1)[0] + "/" + name, admin


def test_models_and_migrations_agree(tmp_path):
    url, admin = _fresh_database_url(tmp_path)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": url, "SHNOR_INSTANCE_DIR": str(tmp_path)}
    try:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                              cwd=root, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        engine = create_engine(normalise_database_url(url))
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                    db.metadata)
        engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
            admin.dispose()
