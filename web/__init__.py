"""The web app's parts as Flask blueprints; app.py's create_app() puts them together with init_app().

Nothing under generator/ imports Flask: views here call generator.pipeline (check, render) and
generator.spec_edit (splicing edits into a spec's text) and web.store (versions, git commits).

Adding a blueprint (batch list, new batch, editor tabs, …):
  1. Write web/<name>.py with `bp = Blueprint("<name>", __name__)` and its views. Every view is behind the
     login gate automatically (web.auth); decorate administrators' views with web.auth.admin_required.
  2. Add "web.<name>" to BLUEPRINTS below (one line, so parallel additions merge cleanly).
  3. Templates go in templates/web/ and extend base.html: blocks `title`, `head` (extra <link>s), `nav`
     (call super() to keep the default links), `content`, `scripts` (extra <script src> from static/).
     The CSP forbids inline script and inline style (no <script>…</script>, no style="…", no onclick=):
     put JavaScript in static/*.js and CSS in static/*.css.
  4. Every <form method="post"> carries `<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">`;
     fetch()/XHR sends the token from <meta name="csrf-token"> as the X-CSRFToken header.
  5. Take no folder or path from the request: resolve names with web.paths.resolve_batch/resolve_name,
     read and save specs through web.store (spec_store()), which checks the version a form was made from.
  6. Tests: tests/web_support.py has app/client fixtures with a logged-in clerk and admin and a CSRF-aware
     client; tests/browser/conftest.py gives a logged-in Playwright page on a live server.
"""

from __future__ import annotations

from importlib import import_module

from flask import current_app

from .store import SpecStore

BLUEPRINTS = (
    "web.auth",
    "web.batches",
    "web.admin",
    "web.admin_templates",
    "web.editor",
    "web.batch_list",
    "web.new_batch",
    "web.preview",
)


def init_app(app) -> None:
    """Security, login, error pages, the specs store and every blueprint, on a configured app."""
    from .auth import init_auth
    from .errors import init_errors
    from .forms import refuse_unloadable
    from .security import init_security
    from .users import COMMANDS

    app.url_map.merge_slashes = False  # `/spec//etc/passwd` is a 404 here, not a redirect to a guessed URL
    init_errors(app)
    init_auth(app)
    init_security(app)
    store = SpecStore(app.config["SPEC_ROOT"], app.config["GIT"], check=refuse_unloadable)
    store.ensure_repo()
    app.extensions["spec_store"] = store
    for dotted in BLUEPRINTS:
        app.register_blueprint(import_module(dotted).bp)
    for command in COMMANDS:
        app.cli.add_command(command)


def spec_store() -> SpecStore:
    """The running app's store of batch specs (the git repository holding SPEC_ROOT)."""
    return current_app.extensions["spec_store"]
