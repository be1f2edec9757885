"""End-to-end fixtures: a real server on a free loopback port and Debian's Chromium.

``live_server`` serves the session's app (same database as the test) from a werkzeug server in
a thread; ``browser_page(role)`` returns a Playwright page logged in as that user of ``world``
(with the code step for admin and region, from the test's code clock: same process).
When /usr/bin/chromium is missing the tests are skipped with a loud message — ``make test``
installs it, so CI runs them.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.conftest import CODE_CLOCK
from tests.factories.core import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def _browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        print("\n!!! Chromium is not installed: END-TO-END TESTS ARE SKIPPED !!!\n")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser, live_server, world, request):
    contexts = []

    def _page(role: str, viewport=(1366, 768)):
        ctx = _browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                   accept_downloads=True, locale="ru-RU")
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/login")
        page.fill("#login", world.users[role].login)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_url(f"{live_server}/**")
        if "/login/code" in page.url:  # admin and region have a second factor
            page.fill("#code", CODE_CLOCK.next_code())
            page.get_by_role("button", name="Войти").click()
            page.wait_for_url(lambda url: "/login" not in url)
        assert "/login" not in page.url, "login failed"
        return page

    yield _page
    for ctx in contexts:
        if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
            ARTIFACTS.mkdir(exist_ok=True)
            for i, pg in enumerate(ctx.pages):
                pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}.png"), full_page=True)
        ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.rep_call = rep
