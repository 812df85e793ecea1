"""Serving the app: `python -m web.serve` (waitress, for an office) and `python app.py` (one clerk, this computer).

waitress rather than gunicorn: pure Python with no C build; its request-size and header limits are set here.
Generating documents is CPU-bound and holds the GIL, so one process would use one core however many threads
it has. `--workers N` (default: one per core) therefore starts N processes, each a waitress server with its
own threads, accepting on one shared listening socket; the parent only starts them, restarts one that dies,
and stops them all on SIGTERM or Ctrl-C. Everything the processes must agree on is outside them: the batches
and users (files under flock), the failed-login counts and the last builds (web/shared_state.py); what each
keeps in memory is a cache (rendered batches, check results) or its own LibreOffice preview pool.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import time
import traceback

from werkzeug.serving import WSGIRequestHandler


def default_threads() -> int:
    """Threads per process: enough for several clerks waiting on I/O, bounded by the cores."""
    return max(4, min(16, 2 * (os.cpu_count() or 1)))


def default_workers() -> int:
    """Processes: one per core, so that builds for several clerks use every core; at most 4 by default (each
    keeps its own LibreOffice for previews, about 150 MB; an office with more clerks and cores says --workers)."""
    return max(1, min(4, os.cpu_count() or 1))


# waitress's I/O thread (reading requests, flushing responses) needs the interpreter lock for moments; with Python's
# default 5 ms switch interval it waits behind a thread building a document for up to 5 ms at each step, which added
# ~10 ms to every request once several clerks shared a process (bench/README.md). Set in the serving processes only.
SWITCH_INTERVAL = 0.001


def make_server(app, host: str = "127.0.0.1", port: int = 8080, threads: int | None = None, sockets=None):
    """A waitress server for the app (port 0: a free port; `.effective_port` tells which); `sockets`: serve
    on these already listening sockets instead of binding host:port."""
    from waitress import create_server

    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    return create_server(app, threads=threads or default_threads(), ident="",
                         max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 64 * 1024,
                         clear_untrusted_proxy_headers=True, channel_timeout=120, **where)


def main(argv: list[str] | None = None) -> None:
    """`python -m web.serve [--host 0.0.0.0] [--port 8080] [--threads N] [--workers N]`."""
    from app import create_app

    parser = argparse.ArgumentParser(prog="python -m web.serve", description="Serve the web app with waitress.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: the whole network)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=default_threads(), help="threads per process")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="processes (default: one per core, at most 4)")
    args = parser.parse_args(argv)
    app = create_app()
    _require_users(app)
    sys.setswitchinterval(SWITCH_INTERVAL)  # inherited by the worker processes
    if args.workers <= 1:
        from .preview import warm_previews

        warm_previews(app)
        server = make_server(app, args.host, args.port, args.threads)
        print(f"资金下达文件生成器：http://{args.host}:{server.effective_port}/ （{args.threads} 个线程）", flush=True)
        server.run()
        return
    sock = listening_socket(args.host, args.port)
    port = sock.getsockname()[1]
    print(f"资金下达文件生成器：http://{args.host}:{port}/ （{args.workers} 个进程，每个 {args.threads} 个线程）",
          flush=True)
    Workers(sock, args.threads).run(args.workers)


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening, non-blocking TCP socket that the worker processes share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


class Workers:
    """The parent process: starts the workers, restarts one that dies (not one that dies at once, again and
    again: a broken setup is reported and the server stops), stops them all on SIGTERM or SIGINT."""

    RESTARTS = 5  # workers that die within a minute of starting, in a row, before the server gives up

    def __init__(self, sock: socket.socket, threads: int):
        self.sock, self.threads = sock, threads
        self.children: dict[int, float] = {}  # pid → when it started
        self.stopping = False

    def run(self, count: int) -> None:
        """Serve until stopped; returns when every worker has exited."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(count):
            self._spawn()
        early = 0
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = self.children.pop(pid, None)
            if self.stopping or started is None:
                continue
            early = early + 1 if time.monotonic() - started < 60 else 0
            print(f"工作进程 {pid} 意外退出（状态 {status}），{'不再重启' if early >= self.RESTARTS else '重启'}",
                  file=sys.stderr, flush=True)
            if early >= self.RESTARTS:
                self._stop()
            else:
                self._spawn()

    def _stop(self, *_):
        self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def _spawn(self) -> None:
        pid = os.fork()
        if pid:
            self.children[pid] = time.monotonic()
            return
        os._exit(_worker(self.sock, self.threads))


def _worker(sock: socket.socket, threads: int) -> int:
    """One worker process: its own app (made after the fork, so no thread or lock is inherited), served on
    the shared socket until SIGTERM; its LibreOffice preview pool is stopped before it exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides

    def terminate(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    app = None
    try:
        from app import create_app

        from .preview import warm_previews

        app = create_app()
        warm_previews(app)
        make_server(app, threads=threads, sockets=[sock]).run()
        return 0
    except SystemExit:
        return 0
    except BaseException:  # noqa: BLE001 - reported; the parent restarts the worker
        traceback.print_exc()
        return 1
    finally:
        previewer = app.extensions.get("previewer") if app is not None else None
        if previewer is not None:
            previewer.close()


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
