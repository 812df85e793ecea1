"""The servers send no version header; the user commands; the proxy headers count only when configured."""

from __future__ import annotations

import http.client
import threading

from flask.testing import FlaskCliRunner
from web_support import *  # noqa: F403
from web_support import PASSWORD, csrf_token_of, serve_in_thread

from web.serve import QuietHandler, default_threads
from web.users import UserStore


def _get(port: int, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def test_waitress_sends_no_server_header(web_app):
    with serve_in_thread(web_app, threads=2) as port:
        for path in ("/login", "/", "/no/such/page", "/static/web.css"):
            resp = _get(port, path)
            assert resp.getheader("Server") is None and resp.getheader("Via") is None, path
            assert resp.getheader("X-Frame-Options") == "DENY"
        assert _get(port, "/").status == 302
    assert 4 <= default_threads() <= 16


def test_development_server_sends_no_server_header(web_app):
    from werkzeug.serving import make_server as werkzeug_server

    server = werkzeug_server("127.0.0.1", 0, web_app, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        resp = _get(server.port, "/login")
        assert resp.status == 200 and resp.getheader("Server") is None
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_user_commands(web_app):
    runner = FlaskCliRunner(web_app)
    result = runner.invoke(args=["user-add", "王五", "--role", "admin", "--password-stdin"], input="long enough 1\n")
    assert result.exit_code == 0 and "已添加用户「王五」（管理员）" in result.output
    result = runner.invoke(args=["user-add", "王五", "--password-stdin"], input="long enough 1\n")
    assert result.exit_code == 1 and "已存在" in result.output
    result = runner.invoke(args=["user-add", "赵六", "--password-stdin"], input="short\n")
    assert result.exit_code == 1 and "至少 8 个字符" in result.output
    result = runner.invoke(args=["user-add", "a/b", "--password-stdin"], input="long enough 1\n")
    assert result.exit_code == 1 and "用户名" in result.output
    store = UserStore(web_app.config["USERS_FILE"])
    before = store.get("王五").stamp
    result = runner.invoke(args=["user-password", "王五", "--password-stdin"], input="another pass 2\n")
    assert result.exit_code == 0 and store.get("王五").stamp != before
    assert store.authenticate("王五", "another pass 2") and not store.authenticate("王五", "long enough 1")
    assert runner.invoke(args=["user-role", "王五", "--role", "clerk"]).exit_code == 0
    assert store.get("王五").role == "clerk"
    assert "王五\tclerk" in runner.invoke(args=["user-list"]).output
    assert runner.invoke(args=["user-remove", "王五"]).exit_code == 0 and store.get("王五") is None
    raw = web_app.config["USERS_FILE"].read_text(encoding="utf-8")
    assert "another pass" not in raw and "long enough" not in raw  # only hashes are stored
    assert oct(web_app.config["USERS_FILE"].stat().st_mode & 0o777) == "0o600"


def _login_cookie(client, **headers) -> str:
    page = client.get("/login", headers=headers).get_data(as_text=True)
    resp = client.post("/login", headers=headers,
                       data={"name": "clerk", "password": PASSWORD, "csrf_token": csrf_token_of(page)})
    assert resp.status_code == 302
    return resp.headers["Set-Cookie"]


def test_forwarded_proto_counts_only_when_configured(tmp_path, spec_root):
    from web_support import make_web_app

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "office.example"}
    plain = make_web_app(tmp_path, spec_root)
    assert "Secure" not in _login_cookie(plain.test_client(), **forwarded)
    proxied = make_web_app(tmp_path, spec_root, PROXY_FIX={"x_for": 1, "x_proto": 1, "x_host": 1})
    client = proxied.test_client()
    cookie = _login_cookie(client, **forwarded, Referer="https://office.example/login")
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert client.get("/account", headers=forwarded).headers["Strict-Transport-Security"]


def _children(pid: int) -> set[int]:
    import subprocess

    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def _wait_for(condition, seconds: float = 30) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_worker_processes_share_one_state_and_stop_together(tmp_path, spec_root):
    """`--workers 2`: two processes on one port; failed logins counted across them (the sixth try is refused
    whichever process takes it), a worker that dies is replaced,
    and SIGTERM to the server stops every worker."""
    import os
    import signal

    from web_support import HttpSession, serve_in_subprocess

    with serve_in_subprocess(tmp_path, spec_root, workers=2) as (base, proc):
        assert _wait_for(lambda: len(_children(proc.pid)) == 2)
        for _ in range(5):  # a new connection each time: the kernel hands them to either process
            assert HttpSession(base).login_status("clerk", "wrong password 9") == 401
        assert HttpSession(base).login_status("clerk", PASSWORD) == 429
        for _ in range(6):
            assert HttpSession(base).login_status("admin", PASSWORD) == 302  # another user is not blocked
        victim = min(_children(proc.pid))
        os.kill(victim, signal.SIGKILL)
        assert _wait_for(lambda: victim not in _children(proc.pid) and len(_children(proc.pid)) == 2)
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        assert _wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in workers), 10)
