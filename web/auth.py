"""Signing in and out, the gate that sends anonymous requests to the login page, roles, failed-login limits."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from functools import wraps

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from .users import user_store

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.session_protection = "basic"
# Endpoints anyone may reach: the login page and the static files (CSS, JS).
PUBLIC_ENDPOINTS = {"auth.login", "static"}


@login_manager.user_loader
def _load_user(user_id: str):
    return user_store().load(user_id)


def init_auth(app) -> None:
    """Sessions (flask-login), the login gate before every view, and the failed-login throttle."""
    login_manager.init_app(app)
    app.extensions["login_throttle"] = LoginThrottle()
    app.before_request(_require_login)


def _require_login():
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.method in ("GET", "HEAD"):
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
    abort(403)


def admin_required(view):
    """Only administrators may use the view (others get the 403 page)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403, description="只有管理员可以修改发文机关配置、单位名册、版式和模板。")
        return view(*args, **kwargs)

    return wrapped


class LoginThrottle:
    """Failed logins per user name and per client address in a sliding window; over the limit, logins wait."""

    def __init__(self):
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], deque] = defaultdict(deque)

    def _recent(self, key, now: float, window: float) -> deque:
        times = self._failures[key]
        while times and times[0] <= now - window:
            times.popleft()
        return times

    def blocked(self, name: str, address: str) -> bool:
        """True while the name or the address has used up its failures."""
        cfg, now = current_app.config, time.monotonic()
        with self._lock:
            window = cfg["LOGIN_WINDOW_SECONDS"]
            return (len(self._recent(("user", name), now, window)) >= cfg["LOGIN_MAX_FAILURES"]
                    or len(self._recent(("addr", address), now, window)) >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])

    def failed(self, name: str, address: str) -> None:
        """Count one failed attempt."""
        now = time.monotonic()
        with self._lock:
            self._failures[("user", name)].append(now)
            self._failures[("addr", address)].append(now)

    def succeeded(self, name: str) -> None:
        """A right password clears the name's failures."""
        with self._lock:
            self._failures.pop(("user", name), None)


def _safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site only (no scheme, no host, no //)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return url_for("batches.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a wrong name or password says so without telling which."""
    if request.method != "POST":
        if current_user.is_authenticated:
            return redirect(url_for("batches.index"))
        return render_template("login.html", next=request.args.get("next", ""))
    throttle: LoginThrottle = current_app.extensions["login_throttle"]
    name, password = request.form.get("name", "").strip(), request.form.get("password", "")
    address = request.remote_addr or "?"
    if throttle.blocked(name, address):
        minutes = current_app.config["LOGIN_WINDOW_SECONDS"] // 60
        current_app.logger.warning("login throttled: name=%r address=%s", name, address)
        return render_template("login.html", next=request.form.get("next", ""), name=name,
                               message=f"登录失败次数过多，请 {minutes} 分钟后再试。"), 429
    user = user_store().authenticate(name, password)
    if user is None:
        throttle.failed(name, address)
        current_app.logger.warning("login failed: name=%r address=%s", name, address)
        return render_template("login.html", next=request.form.get("next", ""), name=name,
                               message="用户名或密码不对。"), 401
    throttle.succeeded(name)
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    session.permanent = True
    login_user(user)
    current_app.logger.info("login: %s", name)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token, so another site cannot sign a clerk out)."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/account")
def account():
    """Who is signed in, with which role."""
    return render_template("account.html")
