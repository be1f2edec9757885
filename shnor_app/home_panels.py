"""Blocks of the start page, contributed by each area.

An area contributes a panel (``areas.contribute(panels=[Panel(…)])``) with the template that
draws it and a function that computes its context for the current user (or returns ``None``
when the panel has nothing to say to that user). The start page renders the panels in
``order``; the home blueprint knows none of them.

    Panel("roadmap-due", "roadmaps/_home_due.html", roadmap_due_context, order=20)

Inside the panel template the computed context is available as ``panel`` (a dict).

A panel whose figures cover the user's whole territory (a region user sees 900 schools) is
registered ``lazy=True``: the start page then draws only a placeholder that htmx replaces with
the panel as soon as the page has loaded (``home.panel``, one request per panel), so the page
itself does not wait for the heaviest figure. Without JavaScript the placeholder is a link to
the same panel as a page. ``shown_to`` answers cheaply — without computing the panel — whether
the panel concerns the user at all (no placeholder for a panel that would stay empty by role);
``policy.can_see_panel`` asks it for the fragment's own URL.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import areas


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable  # (user, today) -> dict | None
    order: int = 100
    lazy: bool = False
    title: str = ""
    shown_to: Callable | None = None  # (user) -> bool; None: everybody

    def concerns(self, user) -> bool:
        return self.shown_to is None or bool(self.shown_to(user))


@dataclass(frozen=True)
class Slot:
    """A panel on a user's start page: drawn now (``context``) or loaded by htmx (``lazy``)."""
    panel: Panel
    context: dict | None = None

    @property
    def lazy(self) -> bool:
        return self.panel.lazy


def get(name: str) -> Panel | None:
    return next((p for p in areas.panels() if p.name == name), None)


def render_for(user, today) -> list[Slot]:
    """The start page's panels for ``user``: lazy ones as placeholders, the others computed
    (and left out when they have nothing for the user)."""
    out = []
    for panel in areas.panels():
        if not panel.concerns(user):
            continue
        if panel.lazy:
            out.append(Slot(panel))
            continue
        ctx = panel.context(user, today)
        if ctx:
            out.append(Slot(panel, ctx))
    return out
