"""Signing in and out, the gate that sends anonymous requests to the login page, roles, failed-login limits."""

from __future__ import annotations

import time
from functools import wraps
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from .shared_state import changed_state, read_state
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
    instance = Path(app.config.get("INSTANCE_PATH") or app.instance_path)
    app.extensions["login_throttle"] = LoginThrottle(instance / "login-failures.json")
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
    """Failed logins per user name and per client address in a sliding window; over the limit, logins wait.

    The counts live in the instance folder (login-failures.json), so every worker process of the server
    counts the same attempts: N processes do not give N times the tries."""

    def __init__(self, path: Path):
        self.path = path

    @staticmethod
    def _recent(times: list, now: float, window: float) -> list:
        return [t for t in times if isinstance(t, (int, float)) and now - window < t <= now]

    def blocked(self, name: str, address: str) -> bool:
        """True while the name or the address has used up its failures."""
        cfg, now = current_app.config, time.time()
        state, window = read_state(self.path), cfg["LOGIN_WINDOW_SECONDS"]
        return (len(self._recent(state.get(f"user:{name}", []), now, window)) >= cfg["LOGIN_MAX_FAILURES"]
                or len(self._recent(state.get(f"addr:{address}", []), now, window))
                >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])

    def failed(self, name: str, address: str) -> None:
        """Count one failed attempt (and forget every attempt older than the window)."""
        now, window = time.time(), current_app.config["LOGIN_WINDOW_SECONDS"]
        with changed_state(self.path) as state:
            for key in list(state):
                kept = self._recent(state[key], now, window) if isinstance(state[key], list) else []
                if kept:
                    state[key] = kept
                else:
                    del state[key]
            for key in (f"user:{name}", f"addr:{address}"):
                state.setdefault(key, []).append(now)

    def succeeded(self, name: str) -> None:
        """A right password clears the name's failures."""
        if f"user:{name}" in read_state(self.path):
            with changed_state(self.path) as state:
                state.pop(f"user:{name}", None)


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
