"""The main navigation: the entries the areas contribute (``areas.contribute(menu=…)``),
each shown to the users its question lets see it."""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from . import areas


# How the menu arranges the areas' entries: the work with schools under one heading, so the
# menu stays one line at 1366 px however many areas there are. An entry whose prefix is not
# named here stands on its own.
GROUPS = {
    "Сопровождение": ("/visits", "/recommendations", "/mentoring", "/partnerships", "/practices",
                      "/outcomes"),
    "Система": ("/admin/users", "/admin/audit"),
}


def items() -> list[dict]:
    """The entries the user sees, in order; the entries of a group gathered into one item
    ``{"label": group, "children": [...], "active": …}`` where its first entry stood."""
    if not current_user.is_authenticated:
        return []
    path = request.path
    out, groups = [], {}
    for item in areas.menu():
        if not item.visible(current_user):
            continue
        active = path == "/" if item.prefix == "/" else path.startswith(item.prefix)
        entry = {"label": item.label, "url": url_for(item.endpoint), "active": active}
        group = next((g for g, prefixes in GROUPS.items() if item.prefix in prefixes), None)
        if group is None:
            out.append(entry)
            continue
        if group not in groups:
            groups[group] = {"label": group, "children": [], "active": False}
            out.append(groups[group])
        groups[group]["children"].append(entry)
        groups[group]["active"] |= active
    # a group of one entry is that entry
    return [g["children"][0] if g.get("children") and len(g["children"]) == 1 else g
            for g in out]


def init_app(app) -> None:
    # The function, not its result: only the page layout calls it, so an htmx fragment (a table
    # row after a status change) does not build a dozen menu URLs it never shows.
    app.context_processor(lambda: {"nav_items": items})
