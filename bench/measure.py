"""One measurement in a fresh process: time an implementation on one spec, report JSON on stdout.

    python bench/measure.py ours|reference|floor SPEC [--repeats N]

Run by bench/run.py, one process per (implementation, spec), so that ru_maxrss — the process's
peak resident memory, a high-water mark that never goes down — belongs to that one job. Phases are
timed with perf_counter: `check` (load, validate, derive: check_spec), `docx`, `xlsx`, and for ours
`write` (writer.write_batch into a temp folder, reported apart). The references start from plain data
(bench/plain.py) built outside the timed phases (`plain`, reported apart). With N > 1 one untimed
warm-up round runs first and every phase is timed N times.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, *args):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def _renderers(kind: str):
    """(docx, xlsx) renderers of an implementation; ours take Derived, the references a DocSet."""
    if kind == "ours":
        from generator.render_notice import render_notice_documents
        from generator.render_xlsx import render_workbooks

        return render_notice_documents, render_workbooks
    if kind == "reference":
        from bench.reference_docxtpl import render

        return render.render_docx, render.render_xlsx
    from bench import floor

    return floor.render_docx, floor.render_xlsx


def measure(kind: str, spec: Path, repeats: int) -> dict:
    """Timings of every phase, output sizes and peak memory for one implementation on one spec."""
    from bench.plain import plain_docset
    from generator.pipeline import check_spec, require_ok
    from generator.writer import write_batch

    render_docx, render_xlsx = _renderers(kind)
    baseline = rss_mb()
    times: dict[str, list[float]] = {"check": [], "docx": [], "xlsx": []}
    if kind == "ours":
        times["write"] = []
    else:
        times["plain"] = []
    rounds = repeats + (1 if repeats > 1 else 0)
    for i in range(rounds):
        record = i > 0 or repeats == 1
        t_check, report = timed(check_spec, spec)
        derived = require_ok(report)
        source = derived
        if kind != "ours":
            t_plain, source = timed(plain_docset, derived)
        t_docx, docs = timed(render_docx, source)
        t_xlsx, books = timed(render_xlsx, source)
        if record:
            times["check"].append(t_check)
            times["docx"].append(t_docx)
            times["xlsx"].append(t_xlsx)
            if kind != "ours":
                times["plain"].append(t_plain)
        if kind == "ours" and record:
            with tempfile.TemporaryDirectory() as tmp:
                t_write, _ = timed(write_batch, {**docs, **books}, Path(tmp) / spec.stem, spec, "bench")
            times["write"].append(t_write)
        files = {**docs, **books}
        batch = derived.batch
        del report, derived, source, docs, books
        gc.collect()
    return {
        "kind": kind, "spec": str(spec), "repeats": repeats, "times": times,
        "units": len(batch.registry.by_id), "allocations": len(batch.allocations),
        "target_tables": len(batch.targets.tables),
        "files": len(files),
        "docx_bytes": sum(len(b) for n, b in files.items() if n.endswith(".docx")),
        "xlsx_bytes": sum(len(b) for n, b in files.items() if n.endswith(".xlsx")),
        "rss_after_imports_mb": round(baseline, 1), "peak_rss_mb": round(rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, measure, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["ours", "reference", "floor"])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    # import everything before measuring so that import time and import memory are not charged to a phase
    import bench.plain  # noqa: F401
    import generator.pipeline  # noqa: F401

    _renderers(args.kind)
    print(json.dumps(measure(args.kind, args.spec.resolve(), args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
