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
    from .partnerships import bp as partnerships_bp
    from .practices import bp as practices_bp
    app.register_blueprint(partnerships_bp)
    app.register_blueprint(practices_bp)
    from .monitoring import bp as monitoring_bp

    app.register_blueprint(monitoring_bp)
    from .interviews import bp as interviews_bp; app.register_blueprint(interviews_bp)  # noqa: E702
    from .mentoring import bp as mentoring_bp
    from .visits import bp as visits_bp

    for area_bp in (mentoring_bp, visits_bp):  # mentoring and visits
        app.register_blueprint(area_bp)
