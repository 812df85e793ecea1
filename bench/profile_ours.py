"""Where our time and memory go: cProfile and tracemalloc of each phase on a synthetic batch.

    python bench/profile_ours.py 10000            # writes bench/out/profile-10000.txt, prints the top lines
    python bench/profile_ours.py 1000 --top 40

Phases as in bench/measure.py: check (load, validate, derive), docx, xlsx. Time: cProfile, sorted
by own time (tottime) and by cumulative time. Memory: tracemalloc's peak per phase (Python
allocations only, so below ru_maxrss) and the biggest allocation sites still alive after the phase.
Both tools slow the code down; use bench/run.py for the timings themselves.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"


def _phases():
    from generator.pipeline import check_spec, require_ok
    from generator.render_notice import render_notice_documents
    from generator.render_xlsx import render_workbooks

    return [("check", lambda spec, _: require_ok(check_spec(spec))),
            ("docx", lambda _, derived: render_notice_documents(derived)),
            ("xlsx", lambda _, derived: render_workbooks(derived))]


def profile_time(spec: Path, top: int) -> str:
    """cProfile of each phase: top functions by own time and by cumulative time."""
    out, derived = [], None
    for name, fn in _phases():
        prof = cProfile.Profile()
        prof.enable()
        result = fn(spec, derived)
        prof.disable()
        if name == "check":
            derived = result
        for order in ("tottime", "cumulative"):
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(order).print_stats(top)
            out.append(f"===== {name}: by {order} =====\n" + buf.getvalue().split("\n", 4)[-1])
    return "\n".join(out)


def profile_memory(spec: Path, top: int) -> str:
    """tracemalloc per phase: peak, and the biggest live allocation sites afterwards."""
    out, derived, keep = [], None, []
    tracemalloc.start(5)
    for name, fn in _phases():
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = fn(spec, derived)
        current, peak = tracemalloc.get_traced_memory()
        if name == "check":
            derived = result
        keep.append(result)
        snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        lines = [f"===== {name}: peak {(peak - before) / 2**20:.0f} MB above the {before / 2**20:.0f} MB before; "
                 f"{(current - before) / 2**20:.0f} MB kept ====="]
        lines += [str(stat) for stat in snap.statistics("lineno")[:top]]
        out.append("\n".join(lines))
    tracemalloc.stop()
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Profile one size; write the report under bench/out/."""
    from bench.synthetic import write_synthetic

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("units", type=int, nargs="?", default=10000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--spec", type=Path, help="profile this spec instead of a synthetic batch")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        spec = args.spec or write_synthetic(Path(tmp), args.units)
        report = profile_time(spec, args.top) + "\n\n" + profile_memory(spec, max(args.top // 2, 10))
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"profile-{args.spec.stem if args.spec else args.units}.txt"
    target.write_text(report, encoding="utf-8")
    print(report)
    print(f"\n(written to {target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
