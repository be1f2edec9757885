"""Blocks of the start page, contributed by each area.

An area registers a panel with the template that draws it and a function that computes its
context for the current user (or returns ``None`` when the panel has nothing to say to that
user). The start page renders the panels in ``order``; the home blueprint knows none of them.

    home_panels.add("roadmap-due", "roadmaps/_home_due.html", roadmap_due_context, order=20)

Inside the panel template the computed context is available as ``panel`` (a dict).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable  # (user, today) -> dict | None
    order: int = 100


PANELS: list[Panel] = []


def add(name: str, template: str, context: Callable, order: int = 100) -> None:
    """Register a start-page panel once (re-registering a name replaces it)."""
    PANELS[:] = [p for p in PANELS if p.name != name]
    PANELS.append(Panel(name, template, context, order))
    PANELS.sort(key=lambda p: (p.order, p.name))


def render_for(user, today) -> list[tuple[str, dict]]:
    """(template, context) of every panel that has something for ``user``."""
    out = []
    for panel in PANELS:
        ctx = panel.context(user, today)
        if ctx:
            out.append((panel.template, ctx))
    return out
