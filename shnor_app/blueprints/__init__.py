"""Blueprints, one per area of the application.

Each area's package registers its blueprint here and, in its own ``__init__.py``, contributes
what it adds to the others (``areas.contribute``: menu entries, start-page panels, sources of
recommendations and indicator figures, …). The order here is the order of the main navigation.
"""
from __future__ import annotations

from importlib import import_module

AREAS = (
    "auth", "home", "registry", "monitoring", "roadmaps", "visits", "interviews",
    "recommendations", "partnerships", "mentoring", "courses", "practices", "outcomes", "reports",
    "files", "history", "admin", "notifications",
)


def register_blueprints(app) -> None:
    for name in AREAS:
        app.register_blueprint(import_module(f"{__name__}.{name}").bp)
