"""Browser tests: the app served by waitress on 127.0.0.1:<free port> in a thread, over a fresh git repository of
the specs, driven by Playwright with the system's Chromium; `screenshot()` keeps PNGs under tests/_artifacts/.

Fixtures: live_server (url, app, spec_root), browser (one Chromium per session), page (a clerk signed in),
admin_page (an administrator signed in), new_page(user) (another signed-in page in its own context).
In a test module here: `from .conftest import screenshot`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from web_support import PASSWORD, make_spec_repo, make_web_app, serve_in_thread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "_artifacts" / "browser"


@dataclass
class LiveServer:
    """A running app: its base URL, the Flask app and the specs repository it edits."""

    url: str
    app: object
    spec_root: Path


@pytest.fixture
def live_server(tmp_path):
    """The app behind waitress (the production server) on a free port, stopped after the test."""
    spec_root = make_spec_repo(tmp_path / "specs")
    app = make_web_app(tmp_path, spec_root, TESTING=False)
    with serve_in_thread(app) as port:
        yield LiveServer(f"http://127.0.0.1:{port}", app, spec_root)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (skipped when Playwright or /usr/bin/chromium is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements.txt (playwright)")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (scripts/setup.sh installs it)")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def signed_in_page(browser, live_server, name: str):
    """A page in a fresh browser context, signed in through the login form."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.csp_errors = []  # console messages about CSP violations: a test can assert there are none
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text))
    page.goto("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def new_page(browser, live_server):
    """Make more signed-in pages (each in its own context, like another clerk's browser)."""
    pages = []

    def make(name: str = "clerk"):
        pages.append(signed_in_page(browser, live_server, name))
        return pages[-1]

    yield make
    for p in pages:
        p.context.close()


@pytest.fixture
def page(new_page):
    """A clerk signed in, on the batch list."""
    return new_page("clerk")


@pytest.fixture
def admin_page(new_page):
    """An administrator signed in, on the batch list."""
    return new_page("admin")


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG as tests/_artifacts/browser/<name>.png (look at it) and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def clear_artifacts() -> None:
    """Remove old screenshots (not called automatically: several test files write there)."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
