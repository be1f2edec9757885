"""Helpers every view uses: page-or-fragment rendering, pagination, Russian formatting."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app, make_response, render_template, request
from sqlalchemy import func, select

from .extensions import db
from .services.formatting import (  # noqa: F401 - re-exported for views
    count_words, fmt_date, fmt_date_long, fmt_datetime, plural, today,
)



def wants_fragment() -> bool:
    """True for an htmx request that is not a boosted navigation or a history restore."""
    hx = request.htmx
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render_view(page: str, fragment: str | None = None, /, *, status: int = 200, trigger=None,
                **ctx):
    """Render the whole page, or only ``fragment`` when htmx asks for it.

    The page template includes the fragment, so both renderings come from the same markup.
    ``Vary: HX-Request`` keeps caches from mixing them up.
    """
    template = fragment if (fragment and wants_fragment()) else page
    resp = make_response(render_template(template, **ctx), status)
    resp.headers.add("Vary", "HX-Request")
    if trigger:
        import json

        resp.headers["HX-Trigger"] = trigger if isinstance(trigger, str) else json.dumps(trigger)
    return resp


def render_fragment(fragment: str, /, *, status: int = 200, trigger=None, **ctx):
    """Row actions answer with their fragment, always (they are only used by htmx)."""
    resp = make_response(render_template(fragment, **ctx), status)
    resp.headers.add("Vary", "HX-Request")
    if trigger:
        import json

        resp.headers["HX-Trigger"] = trigger if isinstance(trigger, str) else json.dumps(trigger)
    return resp


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt, page: int | None = None, per_page: int | None = None) -> Page:
    per_page = per_page or current_app.config.get("PAGE_SIZE", 25)
    try:
        page = max(1, int(page or request.args.get("page", 1)))
    except ValueError:
        page = 1
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(list(items), page, per_page, total or 0)


def current_year() -> int:
    return today().year


def register_template_helpers(app) -> None:
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["date_long"] = fmt_date_long
    app.jinja_env.globals["plural"] = plural
    app.jinja_env.globals["count_words"] = count_words
    app.jinja_env.globals["current_year"] = current_year
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
