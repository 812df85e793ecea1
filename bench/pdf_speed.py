"""Seconds per document for DOCX → PDF: cold (one soffice per file) against the warm pool.

    python bench/pdf_speed.py            # 10 notices; cold, warm ×1 and warm ×2
    python bench/pdf_speed.py --quick    # 3 notices; cold and warm ×1

The notices are three-page python-docx documents in the 公文 fonts (title, body, headings,
a 20×4 table), written to bench/out/pdf_speed/.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pdf import WarmConverter, convert_cold

OUT = ROOT / "bench" / "out" / "pdf_speed"
LINES = [
    ("方正小标宋简体", 22, "关于下达2025年中央财政资金预算的通知"),
    (
        "仿宋_GB2312",
        16,
        "各市、县财政局：现将资金下达给你们，请按规定用途使用，专款专用。",
    ),
    ("黑体", 16, "一、资金用途"),
    ("楷体_GB2312", 16, "（一）绩效目标管理"),
]


def styled(run, font: str, size: int) -> None:
    """Set font (East Asian too) and size on a run."""
    run.font.name = font
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().rFonts.set(qn("w:eastAsia"), font)


def write_notice(path: Path, n: int) -> Path:
    """A three-page notice numbered n."""
    doc = Document()
    for i in range(5):
        for font, size, text in LINES:
            styled(doc.add_paragraph().add_run(f"{text}（第{n}号，{i}）"), font, size)
    table = doc.add_table(rows=20, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            styled(
                cell.paragraphs[0].add_run(f"单位{r}-{c} {r * c}万元"),
                "仿宋_GB2312",
                10,
            )
    doc.save(path)
    return path


def time_warm(size: int, files: list[Path]) -> str:
    """One line: start-up, then per-document seconds for two batches and one at a time."""
    t0 = time.perf_counter()
    with WarmConverter(size=size) as converter:
        t1 = time.perf_counter()
        converter.convert(files, OUT / f"warm{size}-a")
        t2 = time.perf_counter()
        converter.convert(files, OUT / f"warm{size}-b")
        t3 = time.perf_counter()
        single = []
        for f in files:
            s = time.perf_counter()
            converter.convert([f], OUT / f"warm{size}-c")
            single.append(time.perf_counter() - s)
    n = len(files)
    return (
        f"warm ×{size}: start {t1 - t0:.2f} s; batch {(t2 - t1) / n:.3f} and "
        f"{(t3 - t2) / n:.3f} s/doc; one call per doc {statistics.median(single):.3f} s/doc; "
        f"first batch incl. start {(t2 - t0) / n:.3f} s/doc"
    )


def main() -> None:
    """Write the notices, time each way, print one line per way."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 notices, fewer ways")
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "src").mkdir(parents=True)
    count = 3 if args.quick else 10
    files = [
        write_notice(OUT / "src" / f"notice_{n:02d}.docx", n) for n in range(count)
    ]
    t = time.perf_counter()
    convert_cold(files, OUT / "cold")
    print(f"cold: {(time.perf_counter() - t) / count:.3f} s/doc ({count} docs)")
    for size in (1,) if args.quick else (1, 2):
        print(time_warm(size, files))


if __name__ == "__main__":
    main()
