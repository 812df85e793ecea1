"""The build-time family of the corpus: what goes wrong while the documents are written, not in the spec.

Each case starts from a good build of a batch (the previous output), then sets up one fault of the operating
system or of an earlier run (a file where the folder goes, no permission, a full or read-only disk, a build
killed half way, two builds at once) and runs `build` again. The rules are #8's: exit 1 with a Chinese message
naming the path (or exit 0 where the fault is one the build must get past, like a long name or the leftovers
of a killed run), no traceback, the previous output intact or the new one complete, never a hidden work folder
left behind, under 2 s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest

from corpus.harness import ROOT, TIME_LIMIT, TOTALS, Case, example, replace_once, workspace

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
MINI = example("mini")


@dataclass
class BuildCase(Case):
    """A build-time fault: `prepare` sets it up after a good first build, the second build is judged."""

    family: str = "build"
    text: str | bytes | None = MINI
    output: Callable[[Path], Path] = lambda tmp: tmp / "out"  # the -o of the judged build
    named: Callable[[Path], Path] | None = None  # the path the message must name (None: exit 0 expected)
    fault: Callable[[], contextlib.AbstractContextManager] | None = None  # patched in during the judged build
    killed: tuple[str, int, bool] | None = None  # (step, n-th call, two-rename swap): a build killed first
    together: int = 0  # this many builds at once instead of one
    changed: bool = True  # the spec changes after the first build, so the judged build really writes
    needs: str | None = None  # "root" or "non-root": skipped elsewhere
    cleanup: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self):
        self.located = False  # build-time faults name a path, not a line of the spec


@dataclass
class BuildOutcome:
    """What the judged build did."""

    case: BuildCase
    exit: int
    output: str
    seconds: float
    batch: Path
    previous: object  # state_of the batch folder before the judged build (after the fault was set up)
    now: object  # state_of it after (None: no complete batch folder)
    hidden: list[str]


def batch_of(tmp: Path) -> Path:
    return tmp / "out" / "batch"


def manifest_of(folder: Path) -> dict | None:
    """The manifest of a complete batch folder (every file it lists present with its hash), else None."""
    try:
        meta = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for entry in meta["files"]:
            if hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest() != entry["sha256"]:
                return None
        return meta if (folder / f"{folder.name}.zip").is_file() else None
    except (OSError, ValueError, KeyError):
        return None


def state_of(path: Path):
    """A batch folder's manifest if complete; for a file or link in its place, what it is; else None."""
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_file():
        return ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return manifest_of(path)


def _build(spec: Path, out: Path) -> tuple[int, str, float]:
    from generator.cli import main

    buffer = io.StringIO()
    start = time.process_time()  # CPU time, as the harness measures: not how busy the machine is
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            code = main(["build", str(spec), "-o", str(out), "-j", "1"])
        except BaseException:  # noqa: BLE001 - a traceback is what the corpus counts
            traceback.print_exc(file=buffer)
            code = -1
    return code, buffer.getvalue(), time.process_time() - start


# A child that runs the CLI and SIGKILLs itself at the n-th call of one step of the write.
KILLER = r"""
import os, signal, sys
import generator.writer as w
step, n, renames = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "renames"
if renames:
    w.exchange = lambda a, b: False
calls = [0]
def at_nth(orig):
    def wrapped(*a, **k):
        calls[0] += 1
        if calls[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return orig(*a, **k)
    return wrapped
targets = {"write": (w, "write_file"), "swap": (w, "_swap"), "remove": (w, "remove_tree"),
           "rename": (os, "rename"), "unlink": (os, "unlink")}
module, name = targets[step]
setattr(module, name, at_nth(getattr(module, name)))
from generator.cli import main
sys.exit(main(sys.argv[4:]))
"""


def _child(args: list[str], killed: tuple[str, int, bool]) -> subprocess.Popen:
    step, nth, renames = killed
    return subprocess.Popen([sys.executable, "-c", KILLER, step, str(nth), "renames" if renames else "exchange",
                             *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def run_build_case(case: BuildCase, tmp: Path) -> BuildOutcome:
    """Good first build, the fault, then the judged build (or builds, at once); judged before any undoing."""
    spec = workspace(tmp, dataclasses.replace(case, prepare=None))
    code, text, _ = _build(spec, tmp / "out")
    assert code == 0, f"{case}: the first, good build failed:\n{text}"
    if case.changed:
        spec.write_text(replace_once(spec.read_text(encoding="utf-8"), "copies: 10", "copies: 11"), encoding="utf-8")
    try:
        if case.prepare:
            case.prepare(tmp)
        previous = state_of(batch_of(tmp))  # what a failed build must leave as it is
        if case.killed:
            died = _child(["build", str(spec), "-o", str(tmp / "out"), "-j", "1"], case.killed)
            died.communicate(timeout=120)
            assert died.returncode == -signal.SIGKILL, f"{case}: the build was not killed where planned"
        if case.together:
            code, text, seconds = _together(case, spec, tmp / "out")
        else:
            with case.fault() if case.fault else contextlib.nullcontext():
                code, text, seconds = _build(spec, case.output(tmp))
        return BuildOutcome(case, code, text, seconds, batch_of(tmp), previous, state_of(batch_of(tmp)),
                            _hidden(tmp / "out"))
    finally:
        for undo in reversed(case.cleanup):
            undo()


# a build in a child Python, timed from after its imports (start-up is not the case's time)
TIMED = ("import atexit, sys, time\nimport generator.bulk, generator.pipeline, generator.render\n"
         "t0 = time.process_time()\n"
         "atexit.register(lambda: print(f'\\nSECONDS={time.process_time() - t0:.3f}'))\n"
         "from generator.cli import main\nsys.exit(main(sys.argv[1:]))\n")


def _together(case: BuildCase, spec: Path, out: Path) -> tuple[int, str, float]:
    """case.together builds of one batch into one folder, started at once."""
    args = ["build", str(spec), "-o", str(out), "-j", "1", "--force"]
    children = [subprocess.Popen([sys.executable, "-c", TIMED, *args], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT) for _ in range(case.together)]
    outputs = [c.communicate(timeout=120)[0].decode("utf-8", "replace") for c in children]
    times = [float(m.group(1)) for m in (re.search(r"SECONDS=([\d.]+)", o) for o in outputs) if m]
    seconds = max(times) if len(times) == len(outputs) else float("inf")
    return max(c.returncode for c in children), "\n".join(outputs), seconds


def _hidden(out: Path) -> list[str]:
    try:
        return sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    except OSError:
        return []


def judge_build(outcome: BuildOutcome) -> list[str]:
    """Every way a build-time outcome falls short of #8's rules; tallied in the corpus TOTALS."""
    case, faults, text = outcome.case, [], outcome.output
    TOTALS["cases"] += 1
    expect = 1 if case.named else 0
    if "Traceback" in text or "内部错误" in text:
        TOTALS["tracebacks"] += 1
        faults.append("traceback or internal error")
    if outcome.exit != expect:
        TOTALS["wrong exits"] += 1
        faults.append(f"exit status {outcome.exit}, expected {expect}")
    if case.named and str(case.named(outcome.batch.parent.parent)) not in text:
        TOTALS["missing locations"] += 1
        faults.append(f"the message does not name {case.named(outcome.batch.parent.parent)}")
    now = outcome.now
    intact = now == outcome.previous if expect else isinstance(now, dict) and (not case.changed or now != outcome.previous)
    if outcome.hidden or not intact:
        TOTALS["partial outputs"] += 1
        faults.append(f"left behind: hidden {outcome.hidden}, batch folder {'ok' if intact else 'wrong or incomplete'}")
    if outcome.seconds > TIME_LIMIT:
        TOTALS["slow"] += 1
        faults.append(f"took {outcome.seconds:.2f} s (limit {TIME_LIMIT} s)")
    missing = [f for f in case.fragments if f not in text]
    if missing:
        faults.append(f"missing fragments {missing}")
    if expect and not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        faults.append("no Chinese message")
    return faults


def assert_build_case(case: BuildCase, tmp: Path) -> BuildOutcome:
    """Run a build-time case and assert #8's rules for it."""
    outcome = run_build_case(case, tmp)
    faults = judge_build(outcome)
    assert not faults, f"{case}: " + "; ".join(faults) + f"\n--- build (exit {outcome.exit}):\n{outcome.output[-2500:]}"
    if case.verify:
        case.verify(outcome)
    return outcome


# ---------------------------------------------------------------- the faults


def _error_at(step: str, code: int, nth: int = 1) -> Callable[[], contextlib.AbstractContextManager]:
    """During the judged build, the n-th call of writer.write_file (or os.mkdir of the work folder) fails."""
    import generator.writer as w

    def patched():
        real = w.write_file if step == "write" else os.mkdir
        calls = []

        def failing(path, *args, **kw):
            if step == "mkdir" and not Path(path).name.startswith(".gw-tmp-"):
                return real(path, *args, **kw)
            calls.append(path)
            if len(calls) == nth:
                raise OSError(code, os.strerror(code), str(path))
            return real(path, *args, **kw)

        return mock.patch.object(w if step == "write" else os, "write_file" if step == "write" else "mkdir", failing)

    return patched


def _file_at_batch(tmp: Path) -> None:
    shutil.rmtree(batch_of(tmp))
    batch_of(tmp).write_text("a colleague's notes", encoding="utf-8")


def _link_at_batch(target: str) -> Callable[[Path], None]:
    def prepare(tmp: Path) -> None:
        shutil.rmtree(batch_of(tmp))
        batch_of(tmp).symlink_to(target if target.startswith("/") else tmp / target)
        (tmp / "elsewhere").mkdir(exist_ok=True)

    return prepare


def _mount(case: BuildCase, options: str, free: int = 0) -> Callable[[Path], None]:
    """The output folder on a small tmpfs (root only) holding the first build's output; `free` bytes left free,
    or remounted read-only."""

    def prepare(tmp: Path) -> None:
        shutil.copytree(tmp / "out", tmp / "kept", symlinks=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(tmp / "out")],
                              capture_output=True, check=False) if shutil.which("mount") else None
        if done is None or done.returncode:
            pytest.skip("cannot mount a tmpfs here")
        case.cleanup.append(lambda: subprocess.run(["umount", "-l", str(tmp / "out")], check=False))
        shutil.copytree(tmp / "kept" / "batch", tmp / "out" / "batch")
        if free:
            (tmp / "out" / "filler").write_bytes(b"\0" * max(0, shutil.disk_usage(tmp / "out").free - free))
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(tmp / "out")], check=True)

    return prepare


def _immutable(case: BuildCase, which: Callable[[Path], Path]) -> Callable[[Path], None]:
    """chattr +i (root) or chmod a-w (others): nothing can be created in, renamed or deleted from the folder."""

    def prepare(tmp: Path) -> None:
        path = which(tmp)
        if IS_ROOT:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode:
                pytest.skip("chattr +i is not allowed here")
            case.cleanup.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=False))
        else:
            path.chmod(0o555)
            case.cleanup.append(lambda: path.chmod(0o755))

    return prepare


def _read_only_previous(tmp: Path) -> None:
    for path in batch_of(tmp).iterdir():
        path.chmod(0o444)
    batch_of(tmp).chmod(0o555)


def _legacy_leftovers(tmp: Path) -> None:
    """What the old two-rename swap left when killed: the batch folder moved away, and its temp folder."""
    out = tmp / "out"
    batch_of(tmp).rename(out / ".batch.old-4242")
    (out / ".batch.k3j_x9q2").mkdir()
    (out / ".batch.k3j_x9q2" / "half.docx").write_bytes(b"PK")


def _long_program(text: str) -> str:
    return replace_once(text, "program: 示例能力提升", "program: " + "长" * 80)


def _out_file(tmp: Path) -> Path:
    """A regular file given as the output folder."""
    if not (tmp / "out.txt").exists():
        (tmp / "out.txt").write_text("keep", encoding="utf-8")
    return tmp / "out.txt"


def cases() -> list[BuildCase]:
    """The family: at least 20 build-time faults."""
    out = lambda tmp: tmp / "out"  # noqa: E731
    batch = batch_of
    listed = [
        BuildCase("output-is-a-file", output=_out_file, named=_out_file, fragments=("不是文件夹",)),
        BuildCase("output-under-a-file", output=lambda tmp: _out_file(tmp) / "sub",
                  named=lambda tmp: tmp / "out.txt" / "sub", fragments=("不是文件夹",)),
        BuildCase("output-is-dev-null", output=lambda tmp: Path("/dev/null"), named=lambda tmp: Path("/dev/null"),
                  fragments=("不是文件夹",)),
        BuildCase("output-name-too-long", output=lambda tmp: tmp / ("出" * 100), named=lambda tmp: tmp / ("出" * 100),
                  fragments=("过长",)),
        BuildCase("file-where-the-batch-folder-goes", prepare=_file_at_batch, named=batch, fragments=("未覆盖",),
                  verify=lambda o: _same_text(o.batch, "a colleague's notes")),
        BuildCase("link-where-the-batch-folder-goes", prepare=_link_at_batch("elsewhere"), named=batch,
                  fragments=("符号链接",)),
        BuildCase("dangling-link-where-the-batch-folder-goes", prepare=_link_at_batch("/nonexistent/x"),
                  named=batch, fragments=("符号链接",)),
        BuildCase("permission-refused-for-the-work-folder", fault=_error_at("mkdir", errno.EACCES), named=out,
                  fragments=("没有权限",)),
        BuildCase("disk-full-at-the-first-document", fault=_error_at("write", errno.ENOSPC), named=batch,
                  fragments=("磁盘空间已满",)),
        BuildCase("disk-full-at-the-zip", fault=_error_at("write", errno.ENOSPC, nth=5), named=batch,
                  fragments=("磁盘空间已满", "batch.zip")),  # mini: 4 documents, then the zip, then the manifest
        BuildCase("disk-full-at-the-manifest", fault=_error_at("write", errno.ENOSPC, nth=6), named=batch,
                  fragments=("磁盘空间已满", "manifest.json")),
        BuildCase("quota-exceeded", fault=_error_at("write", errno.EDQUOT, nth=2), named=batch,
                  fragments=("磁盘配额",)),
        BuildCase("disk-read-error", fault=_error_at("write", errno.EIO, nth=3), named=batch, fragments=("读写出错",)),
        BuildCase("name-too-long-from-elsewhere", fault=_error_at("write", errno.ENAMETOOLONG), named=batch,
                  fragments=("过长",)),
        # 80 characters, the most the loader allows: a notice file name of about 345 bytes (ext4 allows 255)
        BuildCase("long-program-name", text=_long_program(MINI), verify=_bounded_names),
        BuildCase("read-only-previous-output", prepare=_read_only_previous),
        BuildCase("leftovers-of-an-older-version", prepare=_legacy_leftovers, changed=False,
                  fragments=("已恢复",)),
        BuildCase("killed-while-writing-the-first-document", killed=("write", 1, False)),
        BuildCase("killed-while-writing-the-zip", killed=("write", 4, False)),
        BuildCase("killed-before-the-swap", killed=("swap", 1, False)),
        BuildCase("killed-before-the-first-rename", killed=("rename", 1, True)),
        BuildCase("killed-between-the-two-renames", killed=("rename", 2, True)),
        BuildCase("killed-after-the-swap", killed=("remove", 1, False)),
        BuildCase("killed-while-deleting-the-previous-folder", killed=("unlink", 2, False)),
        BuildCase("two-builds-at-once", together=2),
        BuildCase("three-builds-at-once", together=3),
    ]
    immutable_out = BuildCase("unwritable-output-folder", named=out, fragments=("无法",))
    immutable_out.prepare = _immutable(immutable_out, out)
    immutable_batch = BuildCase("unmovable-previous-output", named=batch, fragments=("无法替换输出文件夹",),
                                needs="root")
    immutable_batch.prepare = _immutable(immutable_batch, batch)
    read_only = BuildCase("read-only-disk", named=out, fragments=("只读",), needs="root")
    read_only.prepare = _mount(read_only, "size=1m")
    full = BuildCase("disk-full-on-a-small-disk", named=batch, fragments=("磁盘空间已满",), needs="root")
    full.prepare = _mount(full, "size=256k", free=8_000)
    return [*listed, immutable_out, immutable_batch, read_only, full]


def _same_text(path: Path, text: str) -> None:
    assert path.read_text(encoding="utf-8") == text


def _bounded_names(outcome: BuildOutcome) -> None:
    from generator.filenames import MAX_NAME_BYTES

    names = [e["name"] for e in manifest_of(outcome.batch)["files"]]
    assert any("长长长" in n for n in names) and all(len(n.encode()) <= MAX_NAME_BYTES for n in names), names
