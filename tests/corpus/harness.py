"""The bad-input corpus harness: a Case record, a workspace per case, the CLI run, one shared assertion.

A family module (tests/corpus/test_<family>.py) builds `Case`s from the example specs and runs each with
`run_case` + `assert_refused` (or `assert_accepted` for input that must build safely). Every outcome is
tallied in `TOTALS`, which tests/corpus/conftest.py prints at the end of the session.

Each case gets its own workspace: `<tmp>/specs/` holds copies of the project's shared profiles and
registries (so the examples' `../profiles/…` references resolve), the case's spec is written to
`<tmp>/specs/batches/batch.yaml`, and the build writes to `<tmp>/out/`.

Extending (h2's build-time faults, new families): make `Case(...)` objects; use `prepare` for anything
the workspace needs before the run (chmod, a symlink, a previous good output) and `verify` for checks of
your own after it. Name the module test_*.py so pytest collects it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "specs" / "examples"
MINI = ROOT / "tests" / "data" / "mini.yaml"
TIME_LIMIT = 2.0  # CPU seconds per command, as #8 asks (interpreter start-up not counted)
MEMORY_LIMIT_MB = 100  # growth of peak resident memory a subprocess case may cause beyond the imports
TOTALS = {"cases": 0, "tracebacks": 0, "wrong exits": 0, "missing locations": 0, "partial outputs": 0,
          "slow": 0}
_LOCATION = re.compile(r"(?P<file>[^\s:：]+\.ya?ml):(?P<line>\d+):(?P<col>\d+): (?P<path>[^\s:]*): (错误|警告)：")


def example(name: str) -> str:
    """The text of an example spec (`demo-2025`, `heilongjiang-2023-256`, `xinjiang-2024-24`) or `mini`."""
    path = MINI if name == "mini" else EXAMPLES / f"{name}.yaml"
    return path.read_text(encoding="utf-8")


@dataclass
class Case:
    """One bad (or hostile) input and what the CLI must say about it."""

    id: str
    family: str
    text: str | bytes | None  # the batch spec written to specs/batches/batch.yaml (None: prepare writes it)
    fragments: tuple[str, ...] = ()  # each must appear in the output
    absent: tuple[str, ...] = ()  # none may appear in the output (another file's content, a payload's result)
    field: str | None = None  # the key path the error must name (prefix match: "notice" matches "notice.year")
    line: int | None = None  # the line the error must point at (None: any)
    files: dict[str, str | bytes] = dataclasses.field(default_factory=dict)  # more files, relative to specs/batches/
    prepare: Callable[[Path], None] | None = None  # called with the workspace before the run
    verify: Callable[[Outcome], None] | None = None  # called with the outcome after the shared checks
    build: bool = True  # also run `build` and check that it leaves nothing behind
    subprocess: bool = False  # run in a child process (bombs: a crash or a blow-up must not take pytest down)
    located: bool = True  # the error must carry file:line:col and the field

    def __str__(self) -> str:
        return f"{self.family}:{self.id}"


@dataclass
class Outcome:
    """What one run of the CLI did."""

    case: Case
    workspace: Path
    spec: Path
    out_dir: Path
    exit: int
    output: str  # stdout and stderr together
    seconds: float
    build_exit: int | None = None
    build_output: str = ""
    build_seconds: float = 0.0
    peak_mb: float | None = None
    leftovers: list[str] = dataclasses.field(default_factory=list)


def workspace(tmp: Path, case: Case) -> Path:
    """specs/{profiles,registries} copied, the case's files and spec written."""
    specs = tmp / "specs"
    for shared in ("profiles", "registries"):
        shutil.copytree(ROOT / "specs" / shared, specs / shared)
    batches = specs / "batches"
    batches.mkdir(parents=True)
    for name, content in case.files.items():
        target = batches / name
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, content)
    if case.text is not None:
        _write(batches / "batch.yaml", case.text)
    if case.prepare:
        case.prepare(tmp)
    return batches / "batch.yaml"


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))


def _in_process(argv: list[str]) -> tuple[int, str, float]:
    from generator.cli import main

    buffer = io.StringIO()
    start = time.process_time()  # CPU time: the bound must not depend on how busy the machine is
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            code = main(argv)
        except SystemExit as e:  # argparse
            code = e.code if isinstance(e.code, int) else 2
        except BaseException:  # noqa: BLE001 - a traceback is what the corpus counts
            traceback.print_exc(file=buffer)
            code = -1
    return code, buffer.getvalue(), time.process_time() - start


_CHILD = ("import atexit, resource, runpy, sys, time\n"
          "import generator.bulk, generator.pipeline, generator.render  # imports are start-up, not the case\n"
          "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
          "t0 = time.process_time()\n"
          "atexit.register(lambda: print(f'\\nPEAK_MB={(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024:.0f}'"
          " f' SECONDS={time.process_time() - t0:.3f}'))\n"
          "sys.argv = ['generator', *sys.argv[1:]]\n"
          "runpy.run_module('generator', run_name='__main__')\n")


def _child(argv: list[str]) -> tuple[int, str, float, float | None]:
    """Run the CLI in a child Python; its own peak resident memory is printed at exit."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, *argv], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    try:
        raw, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raw, _ = proc.communicate()
        return -9, raw.decode("utf-8", "replace") + "\n(超时被终止)", time.perf_counter() - start, None
    output, seconds = raw.decode("utf-8", "replace"), time.perf_counter() - start
    peak = re.search(r"\nPEAK_MB=(\d+) SECONDS=([\d.]+)\s*$", output)
    if not peak:
        return proc.returncode, output, seconds, None
    return proc.returncode, output[:peak.start()], float(peak.group(2)), float(peak.group(1))


def run_case(case: Case, tmp: Path) -> Outcome:
    """Prepare the workspace, run `check` (and `build`), and return what happened."""
    spec = workspace(tmp, case)
    out_dir = tmp / "out"
    run = _in_process if not case.subprocess else None
    if case.subprocess:
        code, output, seconds, peak = _child(["check", str(spec)])
    else:
        code, output, seconds = run(["check", str(spec)])
        peak = None
    outcome = Outcome(case, tmp, spec, out_dir, code, output, seconds, peak_mb=peak)
    if case.build:
        argv = ["build", str(spec), "-o", str(out_dir), "-j", "1", "--force"]
        if case.subprocess:
            outcome.build_exit, outcome.build_output, outcome.build_seconds, _ = _child(argv)
        else:
            outcome.build_exit, outcome.build_output, outcome.build_seconds = run(argv)
        outcome.leftovers = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*")) if out_dir.exists() else []
    return outcome


def located_lines(output: str) -> list[re.Match]:
    """Every `file:line:col: path: 错误：` in an output."""
    return [m for m in _LOCATION.finditer(output)]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def judge(outcome: Outcome, expect_exit: int = 1) -> list[str]:
    """Every way the outcome falls short of #8's rules (empty: it meets them); tallied in TOTALS."""
    case, faults = outcome.case, []
    TOTALS["cases"] += 1
    both = outcome.output + outcome.build_output
    if "Traceback" in both or "内部错误" in both or "Fatal Python error" in both:
        TOTALS["tracebacks"] += 1
        faults.append("traceback or internal error")
    exits = [outcome.exit] + ([outcome.build_exit] if case.build else [])
    if any(e != expect_exit for e in exits):
        TOTALS["wrong exits"] += 1
        faults.append(f"exit status {exits}, expected {expect_exit}")
    if expect_exit == 1 and case.located and not _located(outcome, case):
        TOTALS["missing locations"] += 1
        faults.append(f"no error at {case.field or '(any field)'} line {case.line or '(any)'} of batch.yaml")
    if expect_exit == 1 and outcome.leftovers:
        TOTALS["partial outputs"] += 1
        faults.append(f"output left behind: {outcome.leftovers[:5]}")
    if max(outcome.seconds, outcome.build_seconds) > TIME_LIMIT:
        TOTALS["slow"] += 1
        faults.append(f"took {max(outcome.seconds, outcome.build_seconds):.2f} s (limit {TIME_LIMIT} s)")
    if outcome.peak_mb is not None and outcome.peak_mb > MEMORY_LIMIT_MB:
        TOTALS["slow"] += 1
        faults.append(f"peak memory {outcome.peak_mb:.0f} MB (limit {MEMORY_LIMIT_MB} MB)")
    if case.subprocess and outcome.peak_mb is None:
        faults.append("the child process died before exiting normally")
    missing = [f for f in case.fragments if f not in both]
    if missing:
        faults.append(f"missing fragments {missing}")
    shown = [f for f in case.absent if f in both]
    if shown:
        faults.append(f"shows what it must not: {shown}")
    if expect_exit == 1 and not _has_chinese(outcome.output):
        faults.append("no Chinese message")
    return faults


def _located(outcome: Outcome, case: Case) -> bool:
    for m in located_lines(outcome.output):
        if case.line is not None and int(m.group("line")) != case.line:
            continue
        if case.field is not None and not m.group("path").startswith(case.field):
            continue
        return True
    return False


def assert_refused(case: Case, tmp: Path) -> Outcome:
    """Run the case and assert #8's rules for bad input: exit 1, a located Chinese message naming the field,
    no traceback, nothing written, within the time limit."""
    outcome = run_case(case, tmp)
    faults = judge(outcome, 1)
    if case.verify and not faults:
        case.verify(outcome)
    assert not faults, _explain(outcome, faults)
    return outcome


def assert_accepted(case: Case, tmp: Path) -> Outcome:
    """Run the case and assert hostile-looking input builds safely: exit 0, no traceback; `verify` checks
    what was written."""
    outcome = run_case(case, tmp)
    faults = judge(outcome, 0)
    if case.verify and not faults:
        case.verify(outcome)
    assert not faults, _explain(outcome, faults)
    return outcome


def _explain(outcome: Outcome, faults: list[str]) -> str:
    return (f"{outcome.case}: " + "; ".join(faults) + f"\n--- check (exit {outcome.exit}, {outcome.seconds:.2f} s):\n"
            + outcome.output[-3000:] + f"\n--- build (exit {outcome.build_exit}):\n" + outcome.build_output[-1500:])


def replace_once(text: str, old: str, new: str) -> str:
    """text with the first `old` replaced; a missing `old` fails loudly (a case must not silently test nothing)."""
    if old not in text:
        raise AssertionError(f"corpus generator: {old!r} not in the example")
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    """The 1-based line where `needle` first appears."""
    at = text.index(needle)
    return text.count("\n", 0, at) + 1
