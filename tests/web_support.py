"""Web test helpers: a specs repository in a temporary folder, an app with a clerk and an administrator,
CSRF-aware logged-in test clients, and reading a page's forms the way a browser submits them.

Use from a test module:  `from web_support import *  # noqa: F403` (fixtures: spec_root, web_app, anon,
clerk, clerk2, admin; helpers: login, form_fields, csrf_token_of).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app import create_app
from web.users import UserStore

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse 1"
USERS = {"clerk": "clerk", "clerk2": "clerk", "admin": "admin"}
__all__ = ["spec_root", "layout_root", "web_app", "anon", "clerk", "clerk2", "admin", "login", "form_fields",
           "csrf_token_of", "make_spec_repo", "make_web_app", "serve_in_thread", "PASSWORD", "ROOT"]


def make_spec_repo(target: Path) -> Path:
    """A copy of specs/ (plus tests/data/mini.yaml as examples/mini.yaml) committed in a new git repository."""
    shutil.copytree(ROOT / "specs", target)
    shutil.copy(ROOT / "tests" / "data" / "mini.yaml", target / "examples" / "mini.yaml")
    env = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "test",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "PATH": "/usr/bin:/bin"}
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "start"]):
        subprocess.run(["git", "-C", str(target), *argv], check=True, env=env, capture_output=True)
    return target


def make_web_app(tmp: Path, spec_root: Path, **config):
    """An app on spec_root with users clerk, clerk2 (clerks) and admin (administrator), all with PASSWORD."""
    layout_root = tmp / "layouts"
    if not layout_root.exists():
        shutil.copytree(ROOT / "templates" / "layouts", layout_root)
    app = create_app({"SPEC_ROOT": spec_root, "LAYOUT_ROOT": layout_root, "INSTANCE_PATH": tmp / "instance",
                      "SECRET_KEY": "test-secret", "TESTING": True, **config})
    users = UserStore(app.config["USERS_FILE"], "pbkdf2:sha256:1000")  # cheap hashes: tests log in often
    for name, role in USERS.items():
        if users.get(name) is None:
            users.add(name, PASSWORD, role)
    return app


@pytest.fixture
def spec_root(tmp_path):
    """A git repository holding a copy of specs/ and examples/mini.yaml."""
    return make_spec_repo(tmp_path / "specs")


@pytest.fixture
def layout_root(tmp_path, web_app):
    """The copy of templates/layouts the app's administrators edit."""
    return Path(web_app.config["LAYOUT_ROOT"])


@pytest.fixture
def web_app(tmp_path, spec_root):
    """The app with three users (see USERS)."""
    return make_web_app(tmp_path, spec_root)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "method": a.get("method", "get"), "fields": {}})
        elif self.forms and tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif self.forms and tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data


def form_fields(html: str, having: str) -> dict[str, str]:
    """The fields (name → value) a browser would submit from the first form with a field named `having`.

    A textarea's leading newline is dropped, as browsers do."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if having in form["fields"]:
            fields = dict(form["fields"])
            for key, value in fields.items():
                if value.startswith("\n") and key in ("yaml",):
                    fields[key] = value[1:]
            return fields
    raise AssertionError(f"no form with a field {having!r}")


def csrf_token_of(html: str) -> str:
    """The CSRF token in a page's <meta name="csrf-token">."""
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def login(client, name: str, password: str = PASSWORD):
    """Sign the test client in through the login form; afterwards every request carries the CSRF header."""
    page = client.get("/login").get_data(as_text=True)
    token = csrf_token_of(page)
    resp = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    token = csrf_token_of(client.get("/account").get_data(as_text=True))
    client.environ_base["HTTP_X_CSRFTOKEN"] = token
    return client


@pytest.fixture
def anon(web_app):
    """A client that has not signed in."""
    return web_app.test_client()


@pytest.fixture
def clerk(web_app):
    """A signed-in clerk's client (sends the CSRF token with every request)."""
    return login(web_app.test_client(), "clerk")


@pytest.fixture
def clerk2(web_app):
    """A second clerk, in a session of their own."""
    return login(web_app.test_client(), "clerk2")


@pytest.fixture
def admin(web_app):
    """A signed-in administrator's client."""
    return login(web_app.test_client(), "admin")


@contextmanager
def serve_in_thread(app, threads: int = 4):
    """The app behind waitress on 127.0.0.1:<free port> in a thread; yields the port; stops cleanly."""
    from web.serve import make_server

    server = make_server(app, "127.0.0.1", 0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        def close_all():  # runs in the server's own loop, so no descriptor is closed under select()
            for channel in list(server._map.values()):
                channel.close()

        server.trigger.pull_trigger(close_all)
        thread.join(timeout=30)
        server.task_dispatcher.shutdown()
