"""PDF generation of our seed-000 documents: one soffice per file (cold) against the warm pool.

The documents are ours: the seed-000 batch rendered as separate files (the notice and one .docx per
attachment, as `attachments_inline: false` prints them), plus the single inline document. Cold is
generator.pdf.convert_cold (a fresh soffice and profile per file, serially); warm is
generator.pdf.WarmConverter, its start-up timed apart from the conversions.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def seed_documents(spec: Path, folder: Path) -> tuple[list[Path], Path]:
    """Write the seed's documents (separate files) and its single inline notice into folder."""
    from generator.pipeline import check_spec, require_ok
    from generator.render_notice import render_notice_documents

    derived = require_ok(check_spec(spec))
    inline = render_notice_documents(derived)
    derived.batch.notice.attachments_inline = False  # the same batch printed as separate files
    separate = render_notice_documents(derived)
    sep_dir, inl_dir = folder / "separate", folder / "inline"
    sep_dir.mkdir(parents=True)
    inl_dir.mkdir(parents=True)
    paths = []
    for i, (_name, data) in enumerate(sorted(separate.items())):
        path = sep_dir / f"doc{i:02d}.docx"  # short ASCII names: the file name is not what is measured
        path.write_bytes(data)
        paths.append(path)
    (data,) = inline.values()
    single = inl_dir / "notice.docx"
    single.write_bytes(data)
    return paths, single


def page_count(pdf: Path) -> int | None:
    """Pages of a PDF (pdfinfo), or None when pdfinfo is missing."""
    try:
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def time_cold(paths: list[Path], out: Path, rounds: int = 1) -> dict:
    """convert_cold per file, `rounds` times: seconds per file per round, and the median per file."""
    from generator.pdf import convert_cold

    runs = []
    for _ in range(rounds):
        per = []
        for path in paths:
            start = time.perf_counter()
            convert_cold([path], out)
            per.append(time.perf_counter() - start)
        runs.append(per)
    median = [statistics.median(col) for col in zip(*runs, strict=True)]
    return {"rounds": runs, "per_doc": median, "total": sum(median)}


def time_warm(paths: list[Path], out: Path, size: int = 1, rounds: int = 3) -> dict:
    """WarmConverter: start-up, then every file `rounds` times (median per file), then the set in one call."""
    from generator.pdf import WarmConverter

    start = time.perf_counter()
    with WarmConverter(size=size) as conv:
        startup = time.perf_counter() - start
        runs = []
        for _ in range(rounds):
            per = []
            for path in paths:
                t = time.perf_counter()
                conv.convert([path], out)
                per.append(time.perf_counter() - t)
            runs.append(per)
        t = time.perf_counter()
        conv.convert(paths, out)
        batch = time.perf_counter() - t
    median = [statistics.median(col) for col in zip(*runs, strict=True)]
    return {"size": size, "startup": startup, "rounds": runs, "per_doc": median,
            "total": sum(median), "set_in_one_call": batch}


def run_pdf(spec: Path, pool_sizes: tuple[int, ...] = (1,), cold_rounds: int = 1, warm_rounds: int = 3) -> dict:
    """Cold and warm timings on the seed's documents.

    pdf_speedup is cold over warm seconds per document: the sums over the documents of each one's median
    seconds (so a mean per document). The warm pool's start-up is paid once per run, not per document;
    pdf_speedup_incl_startup adds it, for this run of 9 documents.
    """
    from generator.pdf import libreoffice_available

    if not libreoffice_available():
        return {"skipped": "LibreOffice not found"}
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        folder = Path(tmp)
        paths, single = seed_documents(spec, folder)
        cold = time_cold(paths, folder / "cold", cold_rounds)
        pages = [page_count(folder / "cold" / (p.stem + ".pdf")) for p in paths]
        warm = {size: time_warm(paths, folder / f"warm{size}", size, warm_rounds) for size in pool_sizes}
        single_cold = time_cold([single], folder / "cold1")
        single_warm = time_warm([single], folder / "warm1", rounds=2)
        single_pages = page_count(folder / "cold1" / "notice.pdf")
    w1 = warm[pool_sizes[0]]
    n = len(paths)
    once = w1["startup"]
    return {
        "documents": n, "pages": pages,
        "cold": cold, "warm": {str(k): v for k, v in warm.items()},
        "cold_per_doc_mean": cold["total"] / n, "warm_per_doc_mean": w1["total"] / n,
        "warm_once_per_run": once,
        "pdf_speedup": cold["total"] / w1["total"],
        "pdf_speedup_incl_startup": cold["total"] / (w1["total"] + once),
        "pdf_speedup_set": cold["total"] / w1["set_in_one_call"],
        "inline_document": {"pages": single_pages, "cold": single_cold["total"], "warm": single_warm["total"],
                            "warm_startup": single_warm["startup"]},
    }


if __name__ == "__main__":
    import json

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "specs/examples/heilongjiang-2023-256.yaml"
    print(json.dumps(run_pdf(target), indent=1))
