"""Markdown tables from bench/results.json, for bench/README.md.

    python bench/report.py [bench/results.json]            # print the tables
    python bench/report.py --readme [bench/results.json]   # replace them in bench/README.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- results: written by bench/report.py --readme -->", "<!-- /results -->"
NAMES = {"ours": "ours", "reference": "reference (docxtpl + openpyxl)", "floor": "floor (strings + zipfile)"}


def _s(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if value < 10 else f"{value:.1f}"


def targets_table(result: dict) -> str:
    """Each target with its measured value."""
    lines = ["| number | measured | target | met |", "|---|---|---|---|"]
    for key, v in result["targets"].items():
        value = "not measured" if v["value"] is None else f"{v['value']:.3g}"
        met = {True: "yes", False: "**no**", None: "–"}[v["met"]]
        lines.append(f"| `{key}` | {value} | {v['target']} | {met} |")
    return "\n".join(lines)


def timings_table(result: dict) -> str:
    """Median seconds per phase, peak memory and output size, per batch and implementation."""
    lines = ["| batch | implementation | check s | docx s | xlsx s | docx+xlsx s | peak MB | .docx MB | .xlsx MB |",
             "|---|---|---|---|---|---|---|---|---|"]
    rows = [("seed 000", result["seed000"]["jobs"], result["seed000"]["medians"])]
    rows += [(f"{int(n):,} units", e["jobs"], e["medians"]) for n, e in result["sizes"].items()]
    for label, jobs, medians in rows:
        for kind, job in jobs.items():
            m = medians.get(kind)
            if m is None:
                why = "timed out" if "timeout_s" in job else "failed"
                lines.append(f"| {label} | {NAMES[kind]} | {why} | | | | | | |")
                continue
            lines.append(f"| {label} | {NAMES[kind]} | {_s(m['check'])} | {_s(m['docx'])} | {_s(m['xlsx'])} | "
                         f"{_s(m['generate'])} | {job['peak_rss_mb']:.0f} | {job['docx_bytes'] / 2**20:.2f} | "
                         f"{job['xlsx_bytes'] / 2**20:.2f} |")
    return "\n".join(lines)


def scaling_table(result: dict) -> str:
    """Log-log slopes per implementation and phase."""
    lines = ["| implementation | check | docx | xlsx | docx+xlsx | sizes |", "|---|---|---|---|---|---|"]
    for kind, s in result["scaling"].items():
        sizes = ", ".join(f"{n:,}" for n in s["generate_sizes"])
        lines.append(f"| {NAMES[kind]} | {_s(s['check'], 2)} | {_s(s['docx'], 2)} | {_s(s['xlsx'], 2)} | "
                     f"{_s(s['generate'], 2)} | {sizes} |")
    return "\n".join(lines)


def pdf_table(result: dict) -> str:
    """Cold against warm PDF conversion."""
    pdf = result.get("pdf")
    if not pdf or "skipped" in pdf:
        return "(PDF not measured)"
    w1 = pdf["warm"]["1"]
    lines = ["| | seconds |", "|---|---|",
             f"| cold, per document (mean of {pdf['documents']}; {sum(p or 0 for p in pdf['pages'])} pages) | "
             f"{pdf['cold_per_doc_mean']:.2f} |",
             f"| warm, per document (mean) | {pdf['warm_per_doc_mean']:.2f} |",
             f"| warm pool start-up (once per run) | {w1['startup']:.2f} |",
             f"| warm, the {pdf['documents']} documents in one call | {w1['set_in_one_call']:.2f} |"]
    if "2" in pdf["warm"]:
        lines.append(f"| warm pool of 2, the {pdf['documents']} documents in one call | "
                     f"{pdf['warm']['2']['set_in_one_call']:.2f} |")
    one = pdf["inline_document"]
    lines.append(f"| the single inline document ({one['pages']} pages): cold / warm | "
                 f"{one['cold']:.2f} / {one['warm']:.2f} |")
    return "\n".join(lines)


def machine_line(result: dict) -> str:
    """One line about where and when."""
    m = result["machine"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
    return (f"{result['date']}, {result['mode']} run, commit {m['git_commit']}: {m['cpu']}, {m['cores']} cores, "
            f"{m['ram_gb']} GB RAM; Python {m['python']}; {libs}; {m['libreoffice']}.")


def markdown(result: dict) -> str:
    """All tables."""
    return "\n\n".join([machine_line(result), targets_table(result), timings_table(result), scaling_table(result),
                        pdf_table(result)])


def update_readme(result: dict, readme: Path = README) -> None:
    """Replace the text between the results markers of the README."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{markdown(result)}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--readme"]
    data = json.loads((Path(args[0]) if args else RESULTS).read_text(encoding="utf-8"))
    if "--readme" in sys.argv:
        update_readme(data)
    else:
        print(markdown(data))
