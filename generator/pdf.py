"""DOCX/XLSX → PDF through LibreOffice: one soffice per file (cold) or a warm pool of them.

Both ways give LibreOffice its own profile directory and a fontconfig file that adds our
公文 font aliases (fonts/fontconfig/60-gongwen-aliases.conf), so 仿宋_GB2312 and friends
render with the closest Debian substitutes instead of a 黑体. PDFs made with substitutes
are previews: character widths differ from the licensed 方正/中易 fonts.

The warm pool drives each soffice through its UNO listener, using a small helper
(pdf_worker.py) run by the Python that has LibreOffice's `uno` module.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Self
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
    """Whether soffice can be found, for callers and tests that want to skip rather than fail."""
    try:
        find_soffice()
    except PdfError:
        return False
    return True


@cache
def find_uno_python() -> str:
    """A Python that can `import uno` ($UNO_PYTHON first); PdfError in Chinese if none can."""
    candidates = (
        [os.environ["UNO_PYTHON"]]
        if os.environ.get("UNO_PYTHON")
        else list(UNO_PYTHONS)
    )
    for exe in candidates:
        if not os.access(exe, os.X_OK):
            continue
        probe = subprocess.run(
            [exe, "-c", "import uno"], check=False, capture_output=True, timeout=30
        )
        if probe.returncode == 0:
            return exe
    raise PdfError(
        f"未找到带 LibreOffice UNO 模块（python3-uno）的 Python（试过：{'、'.join(candidates)}），"
        f"无法启动常驻转换进程。{INSTALL_HINT}"
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


def _plan_outputs(paths, out_dir: Path) -> list[tuple[Path, Path]]:
    """(source, target PDF) pairs; every missing file and clashing name reported at once."""
    pairs = [
        (Path(p).resolve(), Path(out_dir).resolve() / (Path(p).stem + ".pdf"))
        for p in paths
    ]
    problems = [f"{src}: 文件不存在" for src, _ in pairs if not src.is_file()]
    seen: dict[Path, Path] = {}
    for src, dst in pairs:
        if dst in seen:
            problems.append(f"{src}: 与 {seen[dst]} 同名，都会输出为 {dst.name}")
        seen.setdefault(dst, src)
    if problems:
        raise PdfError("无法转换为 PDF：\n" + "\n".join(problems))
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    return pairs


def _raise_failures(failures: list[str], done: int) -> None:
    """Raise one PdfError naming every file that failed, if any did."""
    if failures:
        raise PdfError(
            f"{len(failures)} 个文件未能转换为 PDF（{done} 个已完成）：\n"
            + "\n".join(failures)
        )


def _kill_group(proc: subprocess.Popen | None, sig: int = signal.SIGKILL) -> None:
    """Signal the process group proc leads (soffice forks soffice.bin under oosplash)."""
    if proc is None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def convert_cold(paths, out_dir, timeout: float = 120.0) -> list[Path]:
    """Convert each file with its own `soffice --convert-to pdf` and fresh profile (slow baseline)."""
    soffice = find_soffice()
    pairs = _plan_outputs(paths, out_dir)
    done, failures = [], []
    with tempfile.TemporaryDirectory(prefix="gongwen-pdf-") as root:
        env = dict(os.environ, FONTCONFIG_FILE=str(write_fontconfig(Path(root))))
        for src, dst in pairs:
            # Convert into a private folder beside dst, so that the final rename is atomic.
            stage = Path(tempfile.mkdtemp(prefix=".pdf-", dir=dst.parent))
            profile = Path(tempfile.mkdtemp(prefix="profile-", dir=root))
            cmd = [
                soffice,
                *SOFFICE_FLAGS,
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(stage),
                str(src),
            ]
            try:
                proc = subprocess.Popen(
                    cmd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                try:
                    log = proc.communicate(timeout=timeout)[0].decode(errors="replace")
                except subprocess.TimeoutExpired:
                    _kill_group(proc)
                    proc.communicate()
                    failures.append(
                        f"{src}: LibreOffice 超过 {timeout:g} 秒未完成，已终止"
                    )
                    continue
                produced = stage / dst.name
                if produced.is_file():
                    os.replace(produced, dst)
                    done.append(dst)
                else:
                    failures.append(
                        f"{src}: LibreOffice 未生成 PDF（退出码 {proc.returncode}）：{log.strip()[-300:]}"
                    )
            finally:
                shutil.rmtree(stage, ignore_errors=True)
                shutil.rmtree(profile, ignore_errors=True)
    _raise_failures(failures, len(done))
    return done


class _WorkerBroken(Exception):
    """The soffice or its helper died, hung or could not start; restart it."""


class _Worker:
    """One soffice with its own profile and UNO pipe, plus the helper that drives it."""

    def __init__(self, root: Path, env: dict, start_timeout: float):
        self.root, self.env, self.start_timeout = root, env, start_timeout
        self.soffice: subprocess.Popen | None = None
        self.helper: subprocess.Popen | None = None
        self.profile: Path | None = None
        self.pipe = ""
        self.starts = 0
        self._buffer = b""

    def running(self) -> bool:
        """Whether both processes are alive (a hang is found only by a request timing out)."""
        return all(
            p is not None and p.poll() is None for p in (self.soffice, self.helper)
        )

    def start(self) -> None:
        """Start soffice on a fresh profile and pipe, then the helper; wait until connected."""
        self.stop()
        self.starts += 1
        self.profile = Path(tempfile.mkdtemp(prefix="profile-", dir=self.root))
        self.pipe = pipe = f"gongwen_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        log = open(self.profile.with_suffix(".log"), "ab")  # noqa: SIM115 - children keep it open
        with log:
            self.soffice = subprocess.Popen(
                [
                    find_soffice(),
                    *SOFFICE_FLAGS,
                    f"-env:UserInstallation={self.profile.as_uri()}",
                    f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
                ],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
            self.helper = subprocess.Popen(
                [find_uno_python(), str(WORKER_SCRIPT), pipe, str(self.start_timeout)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        self._buffer = b""
        reply = self._read_reply(self.start_timeout + 10)
        if not reply.get("ready"):
            raise _WorkerBroken(f"LibreOffice 未能启动：{reply.get('error', reply)}")

    def request(self, src: Path, dst: Path, timeout: float) -> dict:
        """Ask the helper to convert src to dst; _WorkerBroken if it dies or takes too long."""
        line = json.dumps({"src": str(src), "dst": str(dst)}, ensure_ascii=False) + "\n"
        try:
            self.helper.stdin.write(line.encode())
            self.helper.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise _WorkerBroken(f"转换进程已退出：{e}") from e
        return self._read_reply(timeout)

    def _read_reply(self, timeout: float) -> dict:
        """One JSON line from the helper, waiting at most timeout seconds."""
        fd = self.helper.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _WorkerBroken(f"LibreOffice 超过 {timeout:g} 秒无响应")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise _WorkerBroken("LibreOffice 转换进程意外退出")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def stop(self, graceful: bool = False) -> None:
        """End both processes (politely first if graceful) and delete the profile."""
        if graceful and self.running():
            self.helper.stdin.close()  # the helper then closes LibreOffice itself
            for proc in (self.helper, self.soffice):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        for proc in (self.helper, self.soffice):
            if proc is not None and proc.poll() is None:
                _kill_group(proc)
            if proc is not None:
                proc.wait()
                for stream in (proc.stdin, proc.stdout):
                    if stream and not stream.closed:
                        try:
                            stream.close()
                        except OSError:
                            pass
        _kill_group(self.soffice)  # soffice.bin may outlive oosplash
        self.soffice = self.helper = None
        if self.pipe:  # a killed soffice leaves its socket behind (always in /tmp)
            Path(f"/tmp/OSL_PIPE_{os.getuid()}_{self.pipe}").unlink(missing_ok=True)
            self.pipe = ""
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile.with_suffix(".log").unlink(missing_ok=True)
            self.profile = None


def _stop_all(workers: list[_Worker], root: Path) -> None:
    """Stop every worker and delete the converter's temp dir (also run by the finalizer)."""
    with ThreadPoolExecutor(max(1, len(workers))) as pool:
        list(pool.map(lambda w: w.stop(graceful=True), workers))
    shutil.rmtree(root, ignore_errors=True)


class WarmConverter:
    """A pool of `size` persistent LibreOffice processes converting files to PDF.

    Use as a context manager. Each document gets `timeout` seconds; a worker that dies
    or hangs is killed, restarted on a fresh profile, and the document tried once more.
    Thread-safe: concurrent convert() calls share the pool.
    """

    def __init__(
        self, size: int = 1, timeout: float = 120.0, start_timeout: float = 60.0
    ):
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size, self.timeout, self.start_timeout = size, timeout, start_timeout
        self._workers: list[_Worker] = []
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._finalizer = None

    def __enter__(self) -> Self:
        find_soffice()
        find_uno_python()
        root = Path(tempfile.mkdtemp(prefix="gongwen-pdf-"))
        (root / "tmp").mkdir()  # a killed soffice leaves temp files; keep them in root
        env = dict(
            os.environ,
            FONTCONFIG_FILE=str(write_fontconfig(root)),
            TMPDIR=str(root / "tmp"),
        )
        self._workers = [
            _Worker(root, env, self.start_timeout) for _ in range(self.size)
        ]
        self._finalizer = weakref.finalize(self, _stop_all, self._workers, root)
        with ThreadPoolExecutor(self.size) as pool:
            errors = [
                f.exception() for f in [pool.submit(w.start) for w in self._workers]
            ]
        if any(errors):
            self.close()
            raise PdfError(
                f"LibreOffice 常驻进程启动失败：{next(e for e in errors if e)}"
            )
        for worker in self._workers:
            self._idle.put(worker)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop all LibreOffice processes and remove their profiles; safe to call twice."""
        if self._finalizer is not None:
            self._finalizer()

    def pids(self) -> list[int]:
        """The process-group ids of the running soffice processes, one per worker."""
        return [w.soffice.pid for w in self._workers if w.soffice is not None]

    def restarts(self) -> int:
        """How many times workers were started beyond the first start of each."""
        return sum(w.starts for w in self._workers) - len(self._workers)

    def convert(self, paths, out_dir) -> list[Path]:
        """Convert every file to out_dir/<stem>.pdf; PdfError listing all failures at the end."""
        if self._finalizer is None or not self._finalizer.alive:
            raise PdfError(
                "WarmConverter 未启动或已关闭：请在 with WarmConverter() as c: 中使用"
            )
        pairs = _plan_outputs(paths, out_dir)
        with ThreadPoolExecutor(self.size) as pool:
            results = list(pool.map(lambda pair: self._convert_one(*pair), pairs))
        _raise_failures(
            [r for r in results if isinstance(r, str)],
            sum(isinstance(r, Path) for r in results),
        )
        return results

    def _convert_one(self, src: Path, dst: Path) -> Path | str:
        """dst once converted, else a line saying why not; at most two tries."""
        worker = self._idle.get()
        part = dst.with_name(f".{dst.stem}.{uuid.uuid4().hex[:8]}.part")
        try:
            problem = ""
            for _ in range(2):
                try:
                    if not worker.running():
                        worker.start()
                    reply = worker.request(src, part, self.timeout)
                except _WorkerBroken as e:
                    worker.stop()
                    problem = str(e)
                    continue
                if reply.get("ok"):
                    os.replace(part, dst)
                    return dst
                problem = reply.get("error", "未知错误")
                if reply.get("kind") == "doc":
                    break
                worker.stop()
            return f"{src}: {problem}"
        finally:
            part.unlink(missing_ok=True)
            self._idle.put(worker)
