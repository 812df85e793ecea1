"""Running LibreOffice: finding it, its fontconfig, and one persistent soffice driven over UNO.

Every soffice started here gets its own profile directory, TMPDIR and the fontconfig file
from write_fontconfig(), which adds our 公文 aliases (fonts/fontconfig/60-gongwen-aliases.conf)
to the system configuration.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from .errors import PdfError

ALIASES_CONF = (
    Path(__file__).resolve().parent.parent / "fonts/fontconfig/60-gongwen-aliases.conf"
)
WORKER_SCRIPT = Path(__file__).resolve().with_name("pdf_worker.py")
UNO_PYTHONS = (
    "/usr/bin/python3",
    "/usr/lib/libreoffice/program/python",
    "/opt/libreoffice/program/python",
)
INSTALL_HINT = (
    "请安装：apt-get install --no-install-recommends libreoffice-writer-nogui "
    "libreoffice-calc-nogui python3-uno（或运行 make setup）"
)
SOFFICE_FLAGS = (
    "--headless",
    "--invisible",
    "--nocrashreport",
    "--nodefault",
    "--nologo",
    "--nofirststartwizard",
    "--norestore",
)


def find_soffice() -> str:
    """The soffice executable ($SOFFICE, else on PATH); PdfError in Chinese if there is none."""
    found = (
        os.environ.get("SOFFICE")
        or shutil.which("soffice")
        or shutil.which("libreoffice")
    )
    if not found:
        raise PdfError(f"未找到 LibreOffice（soffice），无法生成 PDF。{INSTALL_HINT}")
    return found


def libreoffice_available() -> bool:
    """Whether soffice can be found, for callers and tests that skip rather than fail."""
    try:
        find_soffice()
    except PdfError:
        return False
    return True


@cache
def find_uno_python() -> str:
    """A Python that can `import uno` ($UNO_PYTHON first); PdfError in Chinese if none can."""
    override = os.environ.get("UNO_PYTHON")
    candidates = [override] if override else list(UNO_PYTHONS)
    for exe in candidates:
        if not os.access(exe, os.X_OK):
            continue
        probe = subprocess.run(
            [exe, "-c", "import uno"], check=False, capture_output=True, timeout=30
        )
        if probe.returncode == 0:
            return exe
    raise PdfError(
        "未找到带 LibreOffice UNO 模块（python3-uno）的 Python"
        f"（试过：{'、'.join(candidates)}），无法启动常驻转换进程。{INSTALL_HINT}"
    )


def write_fontconfig(directory: Path) -> Path:
    """Write a fonts.conf that includes the system configuration plus our 公文 aliases."""
    base = os.environ.get("FONTCONFIG_FILE") or "fonts.conf"
    if not os.path.isabs(base):
        base = os.path.join(os.environ.get("FONTCONFIG_PATH") or "/etc/fonts", base)
    path = Path(directory) / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f'<fontconfig>\n  <include ignore_missing="yes">{escape(base)}</include>\n'
        f"  <include>{escape(str(ALIASES_CONF))}</include>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


def office_env(root: Path) -> dict[str, str]:
    """The environment for soffice: our fontconfig, and temp files kept under root."""
    tmp = root / "tmp"
    tmp.mkdir(exist_ok=True)
    fonts = write_fontconfig(root)
    return dict(os.environ, FONTCONFIG_FILE=str(fonts), TMPDIR=str(tmp))


def kill_group(proc: subprocess.Popen | None) -> None:
    """SIGKILL the process group proc leads (soffice runs soffice.bin under oosplash)."""
    if proc is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def remove_sockets(profile: Path, pipe: str = "") -> None:
    """Delete the sockets a killed soffice leaves in /tmp (LibreOffice hard-codes /tmp)."""
    # soffice names its single-instance pipe after the MD5 of the profile URL in UTF-16,
    # each byte in unpadded hex (desktop/source/app/officeipcthread.cxx).
    digest = hashlib.md5(
        profile.as_uri().encode("utf-16-le"), usedforsecurity=False
    ).digest()
    names = ["SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)]
    names += [pipe] if pipe else []
    for name in names:
        Path(f"/tmp/OSL_PIPE_{os.getuid()}_{name}").unlink(missing_ok=True)


def install_file(staged: Path, dst: Path) -> None:
    """Copy staged to dst atomically: a hidden part file beside dst, then a rename."""
    part = dst.with_name(f".{dst.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        shutil.copyfile(staged, part)
        os.replace(part, dst)
    finally:
        part.unlink(missing_ok=True)


class OfficeBroken(Exception):
    """An Office died, hung or could not start; stop() it and start() again."""


class Office:
    """One soffice listening on its own UNO pipe, plus the helper (pdf_worker.py) driving it.

    Everything it writes (profile, exported PDFs, LibreOffice's lock and temp files, log)
    stays in a private directory under root, deleted by stop().
    """

    def __init__(self, root: Path, env: dict[str, str], start_timeout: float):
        self.root, self.env, self.start_timeout = root, env, start_timeout
        self.soffice: subprocess.Popen | None = None
        self.helper: subprocess.Popen | None = None
        self.home: Path | None = None
        self.pipe = ""
        self.starts = 0
        self._buffer = b""

    def running(self) -> bool:
        """Whether both processes are alive (a hang shows only as a request timing out)."""
        procs = (self.soffice, self.helper)
        return all(p is not None and p.poll() is None for p in procs)

    def start(self) -> None:
        """Start soffice on a fresh profile and pipe, then the helper; wait until connected."""
        self.stop()
        self.starts += 1
        self.home = Path(tempfile.mkdtemp(prefix="office-", dir=self.root))
        (self.home / "out").mkdir()
        self.pipe = f"gongwen_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        accept = f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        profile = f"-env:UserInstallation={(self.home / 'profile').as_uri()}"
        with open(self.home / "soffice.log", "ab") as log:
            self.soffice = subprocess.Popen(
                [find_soffice(), *SOFFICE_FLAGS, profile, accept],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
            worker = [find_uno_python(), str(WORKER_SCRIPT), self.pipe]
            self.helper = subprocess.Popen(
                [*worker, str(self.start_timeout)],
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        self._buffer = b""
        reply = self._read_reply(self.start_timeout + 10)
        if not reply.get("ready"):
            raise OfficeBroken(f"LibreOffice 未能启动：{reply.get('error', reply)}")

    def request(self, src: Path, timeout: float) -> dict:
        """Convert src; the helper's reply, with "pdf" (a Path under home) on success."""
        pdf = self.home / "out" / f"{uuid.uuid4().hex}.pdf"
        line = json.dumps({"src": str(src), "dst": str(pdf)}, ensure_ascii=False)
        try:
            self.helper.stdin.write(line.encode() + b"\n")
            self.helper.stdin.flush()
        except OSError as e:
            raise OfficeBroken(f"转换进程已退出：{e}") from e
        reply = self._read_reply(timeout)
        if reply.get("ok"):
            reply["pdf"] = pdf
        return reply

    def _read_reply(self, timeout: float) -> dict:
        """One JSON line from the helper, waiting at most timeout seconds."""
        fd = self.helper.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise OfficeBroken(f"LibreOffice 超过 {timeout:g} 秒无响应")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise OfficeBroken("LibreOffice 转换进程意外退出")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def ask_to_quit(self) -> None:
        """Tell the helper to close LibreOffice and exit (stop() then waits for both)."""
        if self.helper is not None and self.helper.poll() is None:
            with contextlib.suppress(OSError):
                self.helper.stdin.close()

    def stop(self, graceful: bool = False) -> None:
        """End both processes (politely first if graceful) and delete the private directory."""
        if graceful and self.helper is not None and self.helper.poll() is None:
            self.ask_to_quit()  # the helper then closes LibreOffice itself
            for proc in (self.helper, self.soffice):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=10)
        for proc in (self.helper, self.soffice):
            if proc is None:
                continue
            kill_group(proc)  # also reaches a soffice.bin that outlived oosplash
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        self.soffice = self.helper = None
        if self.home is not None:
            remove_sockets(self.home / "profile", self.pipe)
            shutil.rmtree(self.home, ignore_errors=True)
            self.home, self.pipe = None, ""
