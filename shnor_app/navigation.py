"""The main navigation: each area adds its entry with the question that decides who sees it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    visible: Callable
    prefix: str  # URL prefix that marks the entry as current


NAV: list[NavItem] = []


def add(label: str, endpoint: str, visible: Callable, prefix: str) -> None:
    if all(item.endpoint != endpoint for item in NAV):
        NAV.append(NavItem(label, endpoint, visible, prefix))


def items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    path = request.path
    out = []
    for item in NAV:
        if item.visible(current_user):
            active = path == "/" if item.prefix == "/" else path.startswith(item.prefix)
            out.append({"label": item.label, "url": url_for(item.endpoint), "active": active})
    return out


def init_app(app) -> None:
    # The function, not its result: only the page layout calls it, so an htmx fragment (a table
    # row after a status change) does not build a dozen menu URLs it never shows.
    app.context_processor(lambda: {"nav_items": items})
