"""The web app's settings: defaults, overridable by create_app(config) and FLASK_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_config(instance: Path) -> dict:
    """Settings for one office: where the specs and users live, limits, cookie and login rules."""
    return {
        "SPEC_ROOT": ROOT / "specs",            # the batches, profiles and registries (a git repository)
        "LAYOUT_ROOT": ROOT / "templates" / "layouts",  # target-table layouts administrators may edit
        # The Word/Excel templates administrators replace: the generator reads templates/docx and templates/xlsx
        # of the code, so this stays there (tests point it at a copy).
        "TEMPLATE_ROOT": ROOT / "templates",
        "UPLOAD_FOLDER": "examples",            # an upload's relative references resolve from here (in SPEC_ROOT)
        "USERS_FILE": instance / "users.json",  # outside specs/: never committed with the batches
        "SECRET_KEY_FILE": instance / "secret_key",
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,  # requests and uploads; larger ones get the 413 page
        "MAX_FORM_MEMORY_SIZE": 5 * 1024 * 1024,  # the raw-YAML box is a form field, not a file
        "PASSWORD_HASH_METHOD": "scrypt",       # werkzeug.security's default, memory-hard
        "LOGIN_MAX_FAILURES": 5,                # per user name, within LOGIN_WINDOW_SECONDS
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,   # per client address, within the same window
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        "PROXY_FIX": None,                      # e.g. {"x_for": 1, "x_proto": 1, "x_host": 1} behind one proxy
        "SESSION_COOKIE_NAME": "generator_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,         # also Secure whenever the request came over HTTPS
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=10),
        "WTF_CSRF_TIME_LIMIT": None,            # a token lives as long as the session: no edit lost to a timeout
        "WTF_CSRF_SSL_STRICT": True,
        "GIT": "git",
        "PREVIEW_WARM": True,                   # a server process starts its LibreOffice pool when it starts
        "HISTORY_PAGE_SIZE": 30,
    }


def load_secret_key(path: Path) -> str:
    """The session signing key kept in the instance folder, made (readable by the owner only) on first start."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key
