"""The web app (Flask app factory): clerks sign in, edit a batch, check it and download the documents.

`python app.py` serves one clerk on this computer (http://127.0.0.1:5000/); an office serves it with
`python -m web.serve` (README, "Deploying for an office"). The parts live in web/ (blueprints, login,
CSRF, headers, error pages, the git-backed store); the views call the same pipeline as the CLI.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from web import init_app
from web.config import default_config, load_secret_key

ROOT = Path(__file__).resolve().parent


def create_app(config: Mapping | Path | str | None = None) -> Flask:
    """The app. `config` overrides the defaults of web/config.py (a path alone is the spec root);
    FLASK_* environment variables (FLASK_SPEC_ROOT=/srv/specs) override both."""
    app = Flask(__name__, template_folder=str(ROOT / "templates" / "web"), static_folder=str(ROOT / "static"),
                instance_path=str(ROOT / "instance"))
    overrides = {"SPEC_ROOT": config} if isinstance(config, (str, Path)) else dict(config or {})
    # FLASK_INSTANCE_PATH moves the users, the key and the records (not only INSTANCE_PATH itself)
    instance = Path(overrides.get("INSTANCE_PATH") or os.environ.get("FLASK_INSTANCE_PATH") or app.instance_path)
    app.config.from_mapping(default_config(instance))
    app.config.update(overrides)
    app.config.from_prefixed_env("FLASK")
    for key in ("SPEC_ROOT", "LAYOUT_ROOT", "TEMPLATE_ROOT", "USERS_FILE", "SECRET_KEY_FILE"):
        app.config[key] = Path(app.config[key]).resolve()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.config["SECRET_KEY_FILE"])
    if not app.debug:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    init_app(app)
    return app


if __name__ == "__main__":
    from web.serve import run_local

    run_local(create_app())
