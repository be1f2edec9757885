"""The main navigation: the entries the areas contribute (``areas.contribute(menu=…)``),
each shown to the users its question lets see it."""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from . import areas


def items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    path = request.path
    out = []
    for item in areas.menu():
        if item.visible(current_user):
            active = path == "/" if item.prefix == "/" else path.startswith(item.prefix)
            out.append({"label": item.label, "url": url_for(item.endpoint), "active": active})
    return out


def init_app(app) -> None:
    # The function, not its result: only the page layout calls it, so an htmx fragment (a table
    # row after a status change) does not build a dozen menu URLs it never shows.
    app.context_processor(lambda: {"nav_items": items})
