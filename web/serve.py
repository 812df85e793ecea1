"""Serving the app: `python -m web.serve` (waitress, for an office) and `python app.py` (one clerk, this computer).

waitress rather than gunicorn: pure Python with no C build and no fork model, so it also runs on the Windows
machines many finance offices have; one process with threads keeps the failed-login throttle and the save lock
exact; its request-size and header limits are set here. Generating documents is CPU-bound and holds the GIL, so
threads serve several clerks' pages and downloads concurrently rather than speeding one build up.
"""

from __future__ import annotations

import argparse
import os
import sys

from werkzeug.serving import WSGIRequestHandler


def default_threads() -> int:
    """Threads for the machine: enough for several clerks waiting on I/O, bounded by the cores."""
    return max(4, min(16, 2 * (os.cpu_count() or 1)))


def make_server(app, host: str = "127.0.0.1", port: int = 8080, threads: int | None = None):
    """A waitress server for the app (port 0: a free port; `.effective_port` tells which)."""
    from waitress import create_server

    return create_server(app, host=host, port=port, threads=threads or default_threads(), ident="",
                         max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 64 * 1024,
                         clear_untrusted_proxy_headers=True, channel_timeout=120)


def main(argv: list[str] | None = None) -> None:
    """`python -m web.serve [--host 0.0.0.0] [--port 8080] [--threads N]`."""
    from app import create_app

    parser = argparse.ArgumentParser(prog="python -m web.serve", description="Serve the web app with waitress.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: the whole network)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=default_threads())
    args = parser.parse_args(argv)
    app = create_app()
    _require_users(app)
    server = make_server(app, args.host, args.port, args.threads)
    print(f"资金下达文件生成器：http://{args.host}:{server.effective_port}/ （{args.threads} 个线程）", flush=True)
    server.run()


class QuietHandler(WSGIRequestHandler):
    """The development server's handler without the Server header (it names Werkzeug's and Python's versions)."""

    def send_response(self, code, message=None):
        """Status line and Date, but no Server header."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())


def run_local(app) -> None:
    """One clerk on this computer: the first run asks for a user name and password (an administrator)."""
    _require_users(app, interactive=sys.stdin.isatty())
    app.run(host="127.0.0.1", port=5000, debug=False, request_handler=QuietHandler)


def _require_users(app, interactive: bool = False) -> None:
    from .users import UserError, UserStore

    users = UserStore(app.config["USERS_FILE"])
    if users.names():
        return
    if not interactive:
        sys.exit("还没有用户。先添加一个管理员：flask --app app user-add 用户名 --role admin")
    import getpass

    print("还没有用户。现在添加一个管理员。")
    name = input("用户名：").strip()
    while True:
        password = getpass.getpass("密码（至少 8 个字符）：")
        if password != getpass.getpass("再输入一次："):
            print("两次输入不一样。")
            continue
        try:
            users.add(name, password, "admin")
            return
        except UserError as e:
            print(e)
            if "用户名" in str(e):
                name = input("用户名：").strip()


if __name__ == "__main__":
    main()
