"""DOCX/XLSX → PDF through LibreOffice: one soffice per file (cold) or a warm pool of them.

Both ways render with our 公文 font aliases (see soffice.write_fontconfig), so 仿宋_GB2312
and friends come out in the closest Debian substitutes rather than a 黑体. A PDF made with
substitutes is a preview: character widths differ from the licensed 方正/中易 fonts, so
line breaks and page counts can differ from Word.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import tempfile
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Self

from .errors import PdfError
from .soffice import (
    SOFFICE_FLAGS,
    Office,
    OfficeBroken,
    find_soffice,
    find_uno_python,
    install_file,
    kill_group,
    libreoffice_available,
    office_env,
    remove_sockets,
    write_fontconfig,
)

__all__ = [
    "WarmConverter",
    "convert_cold",
    "find_soffice",
    "libreoffice_available",
    "write_fontconfig",
]


def _plan_outputs(paths, out_dir) -> list[tuple[Path, Path]]:
    """(source, target PDF) pairs; every missing file and clashing name reported at once."""
    out = Path(out_dir).resolve()
    pairs = [(Path(p).resolve(), out / (Path(p).stem + ".pdf")) for p in paths]
    problems = [f"{src}: 文件不存在" for src, _ in pairs if not src.is_file()]
    seen: dict[Path, Path] = {}
    for src, dst in pairs:
        if dst in seen:
            problems.append(f"{src}: 与 {seen[dst]} 同名，都会输出为 {dst.name}")
        seen.setdefault(dst, src)
    if problems:
        raise PdfError("无法转换为 PDF：\n" + "\n".join(problems))
    out.mkdir(parents=True, exist_ok=True)
    return pairs


def _raise_failures(failures: list[str], done: int) -> None:
    """Raise one PdfError naming every file that failed, if any did."""
    if failures:
        head = f"{len(failures)} 个文件未能转换为 PDF（{done} 个已完成）：\n"
        raise PdfError(head + "\n".join(failures))


def _convert_cold_one(soffice: str, env: dict, root: Path, src: Path, timeout: float):
    """Run one `soffice --convert-to pdf` on a fresh profile; the PDF's Path or an error line."""
    work = Path(tempfile.mkdtemp(prefix="cold-", dir=root))
    profile = work / "profile"
    cmd = [soffice, *SOFFICE_FLAGS, f"-env:UserInstallation={profile.as_uri()}"]
    cmd += ["--convert-to", "pdf", "--outdir", str(work / "out"), str(src)]
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
        kill_group(proc)
        proc.communicate()
        remove_sockets(profile)
        return f"{src}: LibreOffice 超过 {timeout:g} 秒未完成，已终止"
    pdf = work / "out" / (src.stem + ".pdf")
    if pdf.is_file():
        return pdf
    return f"{src}: LibreOffice 未生成 PDF（退出码 {proc.returncode}）：{log.strip()[-300:]}"


def convert_cold(paths, out_dir, timeout: float = 120.0) -> list[Path]:
    """Convert each file with its own `soffice --convert-to pdf` and profile (slow baseline)."""
    soffice = find_soffice()
    pairs = _plan_outputs(paths, out_dir)
    done, failures = [], []
    with tempfile.TemporaryDirectory(prefix="gongwen-pdf-") as tmp:
        root = Path(tmp)
        env = office_env(root)
        for src, dst in pairs:
            result = _convert_cold_one(soffice, env, root, src, timeout)
            if isinstance(result, Path):
                install_file(result, dst)
                done.append(dst)
            else:
                failures.append(result)
    _raise_failures(failures, len(done))
    return done


def _stop_all(offices: list[Office], root: Path) -> None:
    """Stop every Office and delete the converter's temp dir (also run by the finalizer).

    No threads: this also runs at interpreter exit, when no new thread or future may start. Every Office is
    asked to quit first, so they wind down together, then each is waited for (and killed if it lingers).
    """
    for office in offices:
        office.ask_to_quit()
    for office in offices:
        office.stop(graceful=True)
    shutil.rmtree(root, ignore_errors=True)


class WarmConverter:
    """A pool of `size` persistent LibreOffice processes converting files to PDF.

    Use as a context manager. Each document gets `timeout` seconds; an Office that dies
    or hangs is killed, restarted on a fresh profile, and the document tried again.
    Thread-safe: concurrent convert() calls share the pool.
    """

    def __init__(
        self, size: int = 1, timeout: float = 120.0, start_timeout: float = 60.0
    ):
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size, self.timeout, self.start_timeout = size, timeout, start_timeout
        self._offices: list[Office] = []
        self._idle: queue.Queue[Office] = queue.Queue()
        self._finalizer: weakref.finalize | None = None

    def __enter__(self) -> Self:
        find_soffice()
        find_uno_python()
        root = Path(tempfile.mkdtemp(prefix="gongwen-pdf-"))
        env = office_env(root)
        self._offices = [
            Office(root, env, self.start_timeout) for _ in range(self.size)
        ]
        self._finalizer = weakref.finalize(self, _stop_all, self._offices, root)
        with ThreadPoolExecutor(self.size) as pool:
            futures = [pool.submit(office.start) for office in self._offices]
            errors = [e for e in (f.exception() for f in futures) if e is not None]
        if errors:
            self.close()
            raise PdfError(f"LibreOffice 常驻进程启动失败：{errors[0]}") from errors[0]
        for office in self._offices:
            self._idle.put(office)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop all LibreOffice processes and remove their files; safe to call twice."""
        if self._finalizer is not None:
            self._finalizer()

    def pids(self) -> list[int]:
        """The process-group ids of the running soffice processes, one per Office."""
        return [o.soffice.pid for o in self._offices if o.soffice is not None]

    def restarts(self) -> int:
        """How many times Offices were started beyond the first start of each."""
        return sum(o.starts for o in self._offices) - len(self._offices)

    def convert(self, paths, out_dir) -> list[Path]:
        """Convert every file to out_dir/<stem>.pdf; PdfError listing all failures at the end."""
        if self._finalizer is None or not self._finalizer.alive:
            raise PdfError(
                "WarmConverter 未启动或已关闭：请在 with WarmConverter() as c: 中使用"
            )
        pairs = _plan_outputs(paths, out_dir)
        with ThreadPoolExecutor(self.size) as pool:
            results = list(pool.map(lambda pair: self._convert_one(*pair), pairs))
        done = [r for r in results if isinstance(r, Path)]
        _raise_failures([r for r in results if isinstance(r, str)], len(done))
        return done

    def _convert_one(self, src: Path, dst: Path) -> Path | str:
        """dst once converted, else a line saying why not.

        Up to two tries per kind of failure. A broken Office is restarted. A document
        LibreOffice refused is tried once more, because a soffice killed while exporting
        can report an export error before its death is visible.
        """
        office = self._idle.get()
        failures = {"doc": 0, "worker": 0}
        problem = ""
        try:
            while max(failures.values()) < 2:
                try:
                    if not office.running():
                        office.start()
                    reply = office.request(src, self.timeout)
                except OfficeBroken as e:
                    reply = {"ok": False, "kind": "worker", "error": str(e)}
                if reply.get("ok"):
                    install_file(reply["pdf"], dst)
                    reply["pdf"].unlink()
                    return dst
                kind = "doc" if reply.get("kind") == "doc" else "worker"
                failures[kind] += 1
                problem = reply.get("error", "未知错误")
                if kind == "worker":
                    office.stop()
            return f"{src}: {problem}"
        finally:
            self._idle.put(office)
