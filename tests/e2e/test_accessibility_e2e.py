"""Accessibility and looks: axe-core on every main page of every role, and screenshots at
desktop and phone sizes saved as test artefacts (test-artifacts/screenshots/, not committed).

The pages are those of the navigation the role sees (so a new area is checked as soon as it
adds its menu entry) plus the detail pages a user opens most: a school card, a roadmap, a
roadmap item. Zero violations of impact «serious» or «critical» are allowed.
"""
from __future__ import annotations

import re

import pytest

from tests.factories.core import make_staff
from tests.factories.roadmaps import make_school_roadmap
from tests.e2e.conftest import ARTIFACTS

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
ROLES = ["admin", "region", "methodist", "tutor", "school", "viewer"]


def _axe():
    from axe_core_python.sync_playwright import Axe

    return Axe()


def _serious(result: dict) -> list[str]:
    out = []
    for v in result.get("violations", []):
        if v.get("impact") in ("serious", "critical"):
            targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])][:3]
            out.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return out


@pytest.fixture
def detail_pages(world):
    make_staff(world.school_a, "Иванова Анна Петровна", subjects="математика")
    rm, (item,) = make_school_roadmap(world.school_a)
    return [f"/registry/organizations/{world.school_a.id}", f"/roadmaps/{rm.id}",
            f"/roadmaps/items/{item.id}"]


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_have_no_serious_accessibility_violations(browser_page, live_server, role,
                                                              detail_pages):
    page = browser_page(role)
    links = page.eval_on_selector_all("nav.main-nav a, header nav a",
                                      "els => els.map(e => e.getAttribute('href'))")
    paths = []
    for href in links + detail_pages:
        if href and href.startswith("/") and href not in paths and "logout" not in href:
            paths.append(href)
    assert len(paths) >= 3, links
    axe, problems = _axe(), {}
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for path in paths:
        resp = page.goto(f"{live_server}{path}")
        if resp.status == 404 and path in detail_pages:
            continue  # a detail page outside this role's scope
        assert resp.status == 200, (path, resp.status)
        found = _serious(axe.run(page, options={"resultTypes": ["violations"]}))
        if found:
            problems[path] = found
        name = re.sub(r"[^a-z0-9]+", "-", path.strip("/")) or "home"
        for size, (w, h) in SIZES.items():
            page.set_viewport_size({"width": w, "height": h})
            page.screenshot(path=str(shots / f"{role}-{name}-{size}.png"), full_page=False)
        page.set_viewport_size({"width": 1366, "height": 768})
    assert not problems, problems
