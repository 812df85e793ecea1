"""The benchmark: ours against a docxtpl/openpyxl reference and a string-building floor, and PDF speed.

    python bench/run.py            # full: 100, 1,000, 10,000 units; references at every size (long)
    python bench/run.py --quick    # under 5 minutes on 2 cores: references at seed 000, 100 and 1,000 only

Writes bench/results.json (see bench/README.md for what each number means). Every measurement runs in
a fresh process (bench/measure.py), one after another, so ru_maxrss is that job's peak memory and the
jobs do not compete for the two cores.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = ROOT / "specs/examples/heilongjiang-2023-256.yaml"
FALLBACK = ROOT / "tests/data/mini.yaml"
RESULTS = ROOT / "bench/results.json"
KINDS = ("ours", "reference", "floor")
TARGETS = {"ratio_vs_reference": ("<=", 0.5), "ratio_vs_floor": ("<=", 3.0), "scaling_exponent": ("<=", 1.15),
           "peak_mb_10000": ("<=", 500.0), "pdf_speedup": (">=", 5.0)}
LIBRARIES = ("docxtpl", "python-docx", "openpyxl", "lxml", "Jinja2", "PyYAML",
             "unoserver")


def run_job(kind: str, spec: Path, repeats: int, timeout: float) -> dict:
    """One measurement in a fresh process; a timeout or crash is recorded, never raised."""
    cmd = [sys.executable, str(ROOT / "bench/measure.py"), kind, str(spec), "--repeats", str(repeats)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"kind": kind, "spec": str(spec), "timeout_s": timeout}
    if proc.returncode != 0:
        return {"kind": kind, "spec": str(spec), "error": proc.stderr.strip()[-2000:]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - start, 2)
    return result


def medians(job: dict) -> dict[str, float] | None:
    """Median seconds per phase, plus docx+xlsx (the generation the targets are about)."""
    if "times" not in job:
        return None
    out = {phase: statistics.median(ts) for phase, ts in job["times"].items()}
    out["generate"] = out["docx"] + out["xlsx"]
    return out


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of log y against log x."""
    if len(xs) < 2:
        return None
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / den if den else None


def machine() -> dict:
    """CPU model, cores, RAM, Python, library and LibreOffice versions."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    libs = {}
    for name in LIBRARIES:
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libs[name] = None
    try:
        from generator.soffice import find_soffice

        office = subprocess.run([find_soffice(), "--version"], capture_output=True, text=True,
                                timeout=60).stdout.strip()
    except Exception as e:  # LibreOffice missing: say so, the rest of the benchmark still runs
        office = f"unavailable ({type(e).__name__})"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "generator", "templates"], capture_output=True,
                           text=True, cwd=ROOT).stdout.strip()
    commit += " (generator/ or templates/ modified)" if dirty else ""
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(), "libraries": libs,
            "libreoffice": office, "git_commit": commit}


def verdicts(summary: dict) -> dict:
    """Each target: the measured value, the target and whether it is met (None when not measured)."""
    out = {}
    for key, (op, bound) in TARGETS.items():
        value = summary.get(key)
        met = None if value is None else (value <= bound if op == "<=" else value >= bound)
        out[key] = {"value": value, "target": f"{op} {bound:g}", "met": met}
    return out


def say(text: str) -> None:
    """Progress on stderr."""
    print(text, file=sys.stderr, flush=True)


def run(quick: bool, sizes: list[int], pdf: bool, out: Path) -> dict:
    """Every measurement, then the summary; writes `out`."""
    from bench.synthetic import write_synthetic

    seed = SEED if SEED.is_file() else FALLBACK
    small = 3 if quick else 5
    ref_sizes = [n for n in sizes if n <= 1000] if quick else sizes
    result: dict = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                    "mode": "quick" if quick else "full", "machine": machine(),
                    "method": {"timer": "time.perf_counter per phase, in a fresh process per job",
                               "memory": "ru_maxrss of that process (peak resident set, MB)",
                               "repeats_small": small, "repeats_10000": 1,
                               "reference_sizes": ref_sizes}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        say(f"seed 000 set: {seed.relative_to(ROOT)}")
        seed_jobs = {k: run_job(k, seed, small, 900) for k in KINDS}
        result["seed000"] = {"spec": str(seed.relative_to(ROOT)), "jobs": seed_jobs,
                             "medians": {k: medians(j) for k, j in seed_jobs.items()}}
        result["sizes"] = {}
        for n in sizes:
            spec = write_synthetic(Path(tmp), n)
            repeats = small if n <= 1000 else 1
            jobs = {}
            for kind in KINDS:
                if kind == "reference" and n not in ref_sizes:
                    continue
                say(f"{n} units: {kind}")
                jobs[kind] = run_job(kind, spec, repeats, 3600)
            result["sizes"][str(n)] = {"jobs": jobs, "medians": {k: medians(j) for k, j in jobs.items()}}
    if pdf:
        say("PDF: cold against warm")
        from bench.pdf_bench import run_pdf

        result["pdf"] = run_pdf(seed, (1,) if quick else (1, 2), cold_rounds=1 if quick else 2)
    result["scaling"] = scaling(result["sizes"])
    result["summary"] = summarise(result)
    result["targets"] = verdicts(result["summary"])
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return result


def scaling(sizes: dict) -> dict:
    """Log-log slopes of time against units, per implementation and phase, over the sizes that ran."""
    out = {}
    for kind in KINDS:
        per_phase = {}
        for phase in ("check", "docx", "xlsx", "generate"):
            xs, ys = [], []
            for n, entry in sizes.items():
                m = (entry["medians"].get(kind) or {})
                if m.get(phase):
                    xs.append(float(n))
                    ys.append(m[phase])
            per_phase[phase] = slope(xs, ys)
            per_phase[f"{phase}_sizes"] = [int(x) for x in xs]
        out[kind] = per_phase
    return out


def summarise(result: dict) -> dict:
    """The headline numbers."""
    seed = result["seed000"]["medians"]
    ours, ref, floor = seed.get("ours"), seed.get("reference"), seed.get("floor")
    summary: dict = {
        "ratio_vs_reference": ours["generate"] / ref["generate"] if ours and ref else None,
        "ratio_vs_floor": ours["generate"] / floor["generate"] if ours and floor else None,
        "scaling_exponent": result["scaling"]["ours"]["generate"],
        "scaling_exponent_with_check": None,
    }
    xs, ys = [], []
    for n, entry in result["sizes"].items():
        m = entry["medians"].get("ours")
        if m:
            xs.append(float(n))
            ys.append(m["generate"] + m["check"])
    summary["scaling_exponent_with_check"] = slope(xs, ys)
    big = result["sizes"].get("10000", {}).get("jobs", {}).get("ours", {})
    summary["peak_mb_10000"] = big.get("peak_rss_mb")
    pdf = result.get("pdf") or {}
    summary["pdf_speedup"] = pdf.get("pdf_speedup")
    summary["pdf_speedup_incl_startup"] = pdf.get("pdf_speedup_incl_startup")
    if ours:
        summary["seed000_seconds"] = {"ours": ours, "reference": ref, "floor": floor}
    return summary


def run_web(out: Path, rounds: int) -> dict | None:
    """The web numbers (bench/web_bench.py, its own process) merged into `out`; None if it failed."""
    say("web: editor page, preview, 8 concurrent downloads")
    proc = subprocess.run([sys.executable, str(ROOT / "bench/web_bench.py"), "--out", str(out), "--rounds",
                           str(rounds)], capture_output=True, text=True, cwd=ROOT, timeout=3600)
    if proc.returncode != 0:
        say(f"web benchmark failed: {proc.stderr.strip()[-2000:]}")
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="references only up to 1,000 units, 3 repeats")
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated unit counts")
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice measurements")
    parser.add_argument("--no-web", action="store_true", help="skip the web app's numbers (bench/web_bench.py)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default bench/results.json)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    start = time.perf_counter()
    result = run(args.quick, sizes, not args.no_pdf, args.out)
    if not args.no_web:
        result = run_web(args.out, 10 if args.quick else 20) or result
    for key, v in result["targets"].items():
        value = "not measured" if v["value"] is None else f"{v['value']:.3g}"
        mark = {True: "met", False: "MISSED", None: "-"}[v["met"]]
        print(f"{key:20s} {value:>14s}  target {v['target']:8s} {mark}")
    print(f"({time.perf_counter() - start:.0f} s; details in {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
