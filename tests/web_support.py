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
           "csrf_token_of", "make_spec_repo", "make_web_app", "serve_in_thread", "serve_in_subprocess", "HttpSession", "PASSWORD", "ROOT"]


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
    template_root = tmp / "templates"
    for sub in ("docx", "xlsx"):
        if not (template_root / sub).exists():
            shutil.copytree(ROOT / "templates" / sub, template_root / sub)
    app = create_app({"SPEC_ROOT": spec_root, "LAYOUT_ROOT": layout_root, "TEMPLATE_ROOT": template_root,
                      "INSTANCE_PATH": tmp / "instance",
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


class HttpSession:
    """A browser-like client over real HTTP: cookies, the CSRF token from each page, Origin on POSTs."""

    def __init__(self, base: str, timeout: float = 60):
        import http.cookiejar
        import urllib.request

        self.base, self.timeout, self.token = base, timeout, None
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        """(status, headers, text) of one request; HTTP errors are returned, not raised."""
        import urllib.error
        import urllib.request

        req = urllib.request.Request(self.base + path, data=body, method=method)
        if content_type:
            req.add_header("Content-Type", content_type)
        if method == "POST":
            req.add_header("Origin", self.base)
            if self.token:
                req.add_header("X-CSRFToken", self.token)
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                status, headers, data = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, headers, data = e.code, e.headers, e.read()
        text = data.decode("utf-8", "replace")
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return status, headers, text

    def get(self, path: str):
        """GET a page."""
        return self.request("GET", path)

    def post(self, path: str, fields: dict, files: dict | None = None):
        """POST a form (multipart when `files` maps a field to (file name, bytes))."""
        import urllib.parse

        if not files:
            return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                                "application/x-www-form-urlencoded")
        boundary = "----web-test-boundary-7d3f"
        parts = []
        for key, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        for key, (filename, data) in files.items():
            head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                    f"Content-Type: application/octet-stream\r\n\r\n")
            parts.append(head.encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def login_status(self, name: str, password: str) -> int:
        """The status of one login attempt through the form (302: signed in)."""
        self.get("/login")
        return self.request_no_redirect("/login", {"name": name, "password": password})

    def request_no_redirect(self, path: str, fields: dict) -> int:
        """POST a form and return its status without following a redirect."""
        import urllib.error
        import urllib.parse
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect, *[h for h in self.opener.handlers
                                                          if isinstance(h, urllib.request.HTTPCookieProcessor)])
        req = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(fields).encode(), method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        req.add_header("Origin", self.base)
        if self.token:
            req.add_header("X-CSRFToken", self.token)
        try:
            with opener.open(req, timeout=self.timeout) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            return e.code

    def login(self, name: str, password: str = PASSWORD) -> HttpSession:
        """Sign in through the login form."""
        self.get("/login")
        status, _, _ = self.post("/login", {"name": name, "password": password})
        assert status in (200, 302), status
        assert self.get("/account")[0] == 200
        return self


@contextmanager
def serve_in_subprocess(tmp: Path, spec_root: Path, workers: int = 1):
    """The documented server command (`python -m web.serve --port 0`) in its own process(es), configured through
    FLASK_* variables; yields (base URL, process). Users are those of make_web_app. LibreOffice is not started
    ahead (FLASK_PREVIEW_WARM=false): these tests preview nothing."""
    import os
    import sys

    make_web_app(tmp, spec_root)  # the users file and the layouts copy
    env = {**os.environ, "FLASK_SPEC_ROOT": str(spec_root), "FLASK_LAYOUT_ROOT": str(tmp / "layouts"),
           "FLASK_TEMPLATE_ROOT": str(tmp / "templates"),
           "FLASK_USERS_FILE": str(tmp / "instance" / "users.json"), "FLASK_SECRET_KEY": "subprocess-secret",
           "FLASK_INSTANCE_PATH": str(tmp / "instance"), "FLASK_PREVIEW_WARM": "false", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "web.serve", "--host", "127.0.0.1", "--port", "0", "--threads", "4",
                             "--workers", str(workers)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        while line and "http://" not in line:
            line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, f"server did not start: {line!r}"
        threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain the log so it never blocks
        yield f"http://127.0.0.1:{found.group(1)}", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
