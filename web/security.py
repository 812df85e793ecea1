"""CSRF tokens, the Origin/Referer check, security headers, cookies Secure under HTTPS, the proxy rule."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# No inline script or style anywhere: templates load /static/*.js and *.css only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        """Secure if configured, or if this request is HTTPS (directly or through a trusted proxy)."""
        return bool(app.config["SESSION_COOKIE_SECURE"] or (request and request.is_secure))


def init_security(app) -> None:
    """Wire CSRF, the Origin check, the headers and (only when configured) the proxy headers into the app."""
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, **app.config["PROXY_FIX"])
    app.session_interface = SessionInterface()
    app.before_request(_check_origin)
    csrf.init_app(app)
    app.after_request(_add_headers)


def _check_origin():
    """A state-changing request must come from a page of this site: Origin, else Referer, names our host."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    source = origin if origin is not None else request.headers.get("Referer")
    if source is None:
        return  # neither sent (old clients, scripts): the CSRF token alone decides
    if source == "null" or urlsplit(source).netloc.lower() != request.host.lower():
        abort(403, description="请求来自其他网站，已拒绝。")


def _add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not request.endpoint or request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")  # pages carry batch data and tokens
    response.headers.pop("Server", None)
    return response
