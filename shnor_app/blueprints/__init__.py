"""Blueprints, one per area of the application."""
from __future__ import annotations


def register_blueprints(app) -> None:
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .files import bp as files_bp
    from .history import bp as history_bp
    from .home import bp as home_bp
    from .registry import bp as registry_bp
    from .recommendations import bp as recommendations_bp
    from .roadmaps import bp as roadmaps_bp

    for bp in (auth_bp, home_bp, registry_bp, files_bp, history_bp, admin_bp):
        app.register_blueprint(bp)
    app.register_blueprint(roadmaps_bp)
    app.register_blueprint(recommendations_bp)
    from .courses import bp as courses_bp  # after roadmaps: the navigation keeps this order

    app.register_blueprint(courses_bp)
