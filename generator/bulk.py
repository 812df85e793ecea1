"""Bulk builds: find batch specs under folders, build them in parallel, one line per batch."""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GeneratorError
from .limits import MAX_BYTES
from .os_errors import describe
from .writer import batch_folder_name, clean_output, prepare_output, read_manifest, write_batch
from .yamlsrc import recording_reads

SHARED_KINDS = ("profile", "registry", "target_layout", "evaluation_part")
PACKAGE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of the generator's code and templates: a new version rebuilds every batch."""
    digest = hashlib.sha256()
    files = sorted([*PACKAGE.glob("*.py"), *(PACKAGE.parent / "templates").rglob("*")])
    for path in files:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def spec_kind(path: Path) -> str:
    """The `kind:` of a YAML file without building it (batch when absent or unreadable)."""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("kind:"):
                    return line.split(":", 1)[1].split("#")[0].strip() or "batch"
    except (OSError, UnicodeDecodeError):
        pass
    return "batch"


def find_specs(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Batch specs among the paths (folders searched recursively, hidden ones such as .git not entered;
    profiles, registries, layouts and included parts skipped)."""
    found, missing = [], []
    for path in paths:
        if path.is_dir():
            for candidate in yaml_files(path):
                if spec_kind(candidate) not in SHARED_KINDS:
                    found.append(candidate)
        elif path.is_file():
            found.append(path)
        else:
            missing.append(path)
    return found, missing


def yaml_files(folder: Path) -> list[Path]:
    """Every .yaml/.yml file under a folder, sorted; hidden folders and files (.git, .DS_Store …) left out."""
    out = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        out += [Path(top) / n for n in names if n.endswith((".yaml", ".yml")) and not n.startswith(".")]
    return sorted(out)


def inputs_digest(inputs: dict[str, str]) -> str:
    """One hash of a build's inputs ({path relative to the spec's folder: sha256 of its bytes}) and the code."""
    digest = hashlib.sha256(code_hash().encode())
    for name, sha in sorted(inputs.items()):
        digest.update(f"{name}\0{sha}\0".encode())
    return digest.hexdigest()


def relative_inputs(spec: Path, read: dict[Path, str]) -> dict[str, str]:
    """The files a build read, named relative to the spec's folder (as the manifest lists them)."""
    base = spec.resolve().parent
    return {Path(os.path.relpath(path, base)).as_posix(): sha for path, sha in read.items()}


def unchanged(spec: Path, previous: dict) -> bool:
    """True when every file the previous build read (its manifest's `inputs`) still has the same bytes, and the
    code is the same. Reads regular files of allowed size only, never parses them: a path that became a device,
    a folder or a missing file means "changed", and the build reports what is wrong."""
    listed = previous.get("inputs")
    if not isinstance(listed, dict) or not listed or not isinstance(previous.get("input_sha256"), str):
        return False
    now = {}
    for name in listed:
        path = spec.resolve().parent / str(name)
        try:
            if not path.is_file() or path.stat().st_size > MAX_BYTES:
                return False
            now[str(name)] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return False
    return inputs_digest(now) == previous["input_sha256"]


@dataclass
class Outcome:
    """What happened to one batch."""

    spec: Path
    status: str  # ok | failed | skipped
    message: str
    seconds: float = 0.0
    details: list[str] = field(default_factory=list)  # each warning of a built batch, printed under its line


def build_one(spec: Path, out: Path, pdf: bool, force: bool) -> Outcome:
    """Build one batch; every failure becomes an Outcome (never an exception across processes)."""
    start = time.perf_counter()
    try:
        return _build(spec, out, pdf, force, start)
    except GeneratorError as e:
        return Outcome(spec, "failed", str(e).splitlines()[0], time.perf_counter() - start)
    except OSError as e:
        return Outcome(spec, "failed", describe(e, "无法读写"), time.perf_counter() - start)
    except RecursionError:
        return Outcome(spec, "failed", "批次文件嵌套过深，无法处理", time.perf_counter() - start)
    except MemoryError:
        return Outcome(spec, "failed", "内存不足：批次文件过大或展开后过大", time.perf_counter() - start)
    except Exception as e:  # a bug must not stop the other batches; report it for this one
        return Outcome(spec, "failed", f"内部错误（请报告）：{type(e).__name__}: {e}", time.perf_counter() - start)


def _build(spec: Path, out: Path, pdf: bool, force: bool, start: float) -> Outcome:
    from .pipeline import render_spec

    target = out / batch_folder_name(spec)
    try:
        data = spec.read_bytes()
    except OSError as e:
        return Outcome(spec, "failed", describe(e, "无法读取批次文件", spec))
    spec_hash = hashlib.sha256(data).hexdigest()
    previous = read_manifest(target)
    if not force and previous and previous.get("pdf", False) >= pdf and unchanged(spec, previous):
        return Outcome(spec, "skipped", "未改动，跳过")
    with recording_reads() as read:
        report, files = render_spec(spec)
    if not report.ok:
        first = "；".join(str(p) for p in report.errors[:3])
        more = f"（共 {len(report.errors)} 个错误）" if len(report.errors) > 3 else ""
        return Outcome(spec, "failed", first + more, time.perf_counter() - start)
    if pdf:
        files.update(convert_to_pdf(files))
    inputs = relative_inputs(spec, read)
    write_batch(files, target, spec, inputs_digest(inputs), spec_hash, inputs)
    warn = f"，{len(report.warnings)} 个警告" if report.warnings else ""
    return Outcome(spec, "ok", f"{len(files)} 个文件{warn}", time.perf_counter() - start,
                   [str(w) for w in report.warnings])


_CONVERTER = None  # one warm LibreOffice per process, started on the first batch that wants PDFs


def _converter():
    """This process's warm converter (closed by close_converter, or when a worker process exits)."""
    global _CONVERTER
    if _CONVERTER is None:
        from multiprocessing import util

        from .pdf import WarmConverter

        _CONVERTER = WarmConverter()
        _CONVERTER.__enter__()
        # pool workers leave through multiprocessing's exit, which skips atexit but runs these finalizers
        util.Finalize(None, close_converter, exitpriority=10)
    return _CONVERTER


def close_converter() -> None:
    """Stop this process's LibreOffice and delete its temp folder (safe to call when none was started)."""
    global _CONVERTER
    if _CONVERTER is not None:
        _CONVERTER.close()
        _CONVERTER = None


def convert_to_pdf(files: dict[str, bytes]) -> dict[str, bytes]:
    """PDF previews of the .docx documents through this process's warm LibreOffice."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        paths = []
        for name, data in files.items():
            if name.endswith(".docx"):
                (src / name).write_bytes(data)  # the bytes as delivered
                paths.append(src / name)
        pdfs = _converter().convert(paths, Path(tmp) / "pdf")
        return {f"pdf/{p.name}": p.read_bytes() for p in pdfs}


def build_all(paths: list[Path], out: Path, jobs: int = 1, pdf: bool = False, force: bool = False,
              stream=sys.stdout) -> int:
    """Build every batch found under paths; print a line each and a summary; 1 if any failed."""
    specs, missing = find_specs(paths)
    try:
        prepare_output(out)
    except GeneratorError as e:
        print(f"错误：{e}", file=stream)
        return 1
    for name in clean_output(out):
        print(f"注意：{out / name} 上次生成时被中断，已恢复为中断前的内容", file=stream)
    outcomes = [Outcome(p, "failed", "找不到文件或文件夹") for p in missing]
    for o in outcomes:
        print(f"✗ {o.spec}: {o.message}", file=stream)
    progress = Progress(len(specs))
    if jobs <= 1 or len(specs) <= 1:
        try:
            for spec in specs:
                outcomes.append(_report(build_one(spec, out, pdf, force), stream, progress))
        finally:
            close_converter()  # before the summary, so nothing of LibreOffice's prints after it
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(build_one, spec, out, pdf, force): spec for spec in specs}
            for future in as_completed(futures):
                outcomes.append(_report(_result(future, futures[future]), stream, progress))
    progress.done()
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ok", "skipped", "failed")}
    print(f"共 {len(outcomes)} 个批次：成功 {counts['ok']}，跳过 {counts['skipped']}，失败 {counts['failed']}。"
          f"输出目录：{out}", file=stream)
    return 1 if counts["failed"] else 0


def _result(future, spec: Path) -> Outcome:
    """A worker's Outcome; a worker that died (killed, out of memory) fails its batch instead of the run."""
    try:
        return future.result()
    except Exception as e:  # BrokenProcessPool and the like: the batch failed, the others carry on
        return Outcome(spec, "failed", f"生成进程意外退出（{type(e).__name__}），未写入任何文件")


def _report(outcome: Outcome, stream, progress: Progress) -> Outcome:
    mark = {"ok": "✓", "skipped": "–", "failed": "✗"}[outcome.status]
    timing = f"（{outcome.seconds:.1f} 秒）" if outcome.seconds else ""
    progress.clear()
    print(f"{mark} {outcome.spec}: {outcome.message}{timing}", file=stream, flush=True)
    for line in outcome.details:
        print(f"    {line}", file=stream, flush=True)
    progress.step()
    return outcome


class Progress:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int):
        self.total, self.count = total, 0
        self.live = sys.stderr.isatty() and total > 1

    def step(self) -> None:
        self.count += 1
        if self.live:
            filled = int(30 * self.count / self.total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.count}/{self.total}")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.live:
            sys.stderr.write("\r" + " " * 50 + "\r")

    def done(self) -> None:
        if self.live:
            sys.stderr.write("\n")
