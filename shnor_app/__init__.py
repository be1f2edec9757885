"""ШНОР: support of schools with low educational results.

``create_app`` wires configuration, extensions, blueprints, CLI and error handlers — nothing
else lives here.
"""
from __future__ import annotations

from flask import Flask

from .config import Config


def create_app(config: Config | type[Config] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Config.INSTANCE_DIR), instance_relative_config=False)
    cfg = config() if isinstance(config, type) else (config or Config())
    app.config.from_object(cfg)
    if hasattr(cfg, "SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.SECRET_KEY

    from . import security, transactions
    from .extensions import babel, csrf, db, htmx, login_manager
    from .services import audit, data_cache
    from .web import register_template_helpers

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, default_locale="ru", default_timezone="Europe/Moscow")
    htmx.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        security.configure_engine(db.engine)
    from sqlalchemy.orm import Session

    audit.install(Session)
    data_cache.install(Session)
    transactions.install(app, db)
    security.init_app(app)
    register_template_helpers(app)
    from . import navigation

    navigation.init_app(app)

    from .blueprints import register_blueprints

    register_blueprints(app)

    from .cli import register_cli

    register_cli(app)
    return app
