"""Read document sets back and compare their figures: ours, the reference's and the floor's.

A figure is a money amount as printed (13,950.00, -52, 1201.5) in a .docx, or a number stored in an
.xlsx cell (a formula's cached value where the file has one). Texts are compared too: every table
cell text and paragraph text of one set must appear in the other.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from decimal import Decimal, InvalidOperation

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
AMOUNT = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$")


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph of the main document (table cells included), in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    out = []
    for p in root.iter(f"{W}p"):
        out.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return out


def docx_cells(data: bytes) -> list[str]:
    """The text of every table cell, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in root.iter(f"{W}tc")]


def docx_figures(files: dict[str, bytes]) -> Counter:
    """Money amounts printed in table cells of every .docx of a set (as Decimals)."""
    out: Counter = Counter()
    for name, data in files.items():
        if name.endswith(".docx"):
            for text in docx_cells(data):
                text = text.strip()
                if AMOUNT.match(text):
                    out[Decimal(text.replace(",", ""))] += 1
    return out


def docx_texts(files: dict[str, bytes]) -> set[str]:
    """Every non-empty paragraph text of every .docx of a set."""
    return {t.strip() for name, data in files.items() if name.endswith(".docx")
            for t in docx_paragraphs(data) if t.strip()}


def xlsx_numbers(data: bytes) -> Counter:
    """Numbers stored in the cells of a workbook (cached values of formulas where present)."""
    out: Counter = Counter()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                for _, c in etree.iterparse(io.BytesIO(zf.read(name)), tag=f"{S}c"):
                    v = c.find(f"{S}v")
                    if v is not None and c.get("t") in (None, "n") and v.text:
                        try:
                            out[Decimal(v.text).normalize()] += 1
                        except InvalidOperation:
                            pass
                    c.clear()
    return out


def xlsx_formula_count(data: bytes) -> int:
    """How many cells of a workbook hold a formula."""
    count = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                count += zf.read(name).count(b"<f>") + zf.read(name).count(b"<f ")
    return count


def xlsx_inputs(files: dict[str, bytes]) -> Counter:
    """Numbers stored as plain values (not formulas) in the allocation workbooks of a set."""
    out: Counter = Counter()
    for name, data in files.items():
        if not name.endswith(".xlsx"):
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for part in zf.namelist():
                if part.startswith("xl/worksheets/sheet") and part.endswith(".xml"):
                    for _, c in etree.iterparse(io.BytesIO(zf.read(part)), tag=f"{S}c"):
                        v = c.find(f"{S}v")
                        if v is not None and c.find(f"{S}f") is None and c.get("t") in (None, "n") and v.text:
                            value = Decimal(v.text).normalize()
                            if value:
                                out[value] += 1
                        c.clear()
    return out


def missing_texts(ours: dict[str, bytes], theirs: dict[str, bytes]) -> list[str]:
    """Paragraph texts of `ours` not found in `theirs` (whitespace ignored; a title may be split in lines)."""
    joined = re.sub(r"\s+", "", "".join(t for name, data in sorted(theirs.items()) if name.endswith(".docx")
                                         for t in docx_paragraphs(data)))
    return sorted(t for t in docx_texts(ours) if re.sub(r"\s+", "", t) not in joined)


def compare_sets(ours: dict[str, bytes], theirs: dict[str, bytes]) -> dict:
    """Differences between two document sets: docx figures, docx texts, xlsx plain inputs."""
    fa, fb = docx_figures(ours), docx_figures(theirs)
    xa, xb = xlsx_inputs(ours), xlsx_inputs(theirs)
    return {
        "docx_figures_only_ours": {str(k): v for k, v in (fa - fb).most_common(10)},
        "docx_figures_only_theirs": {str(k): v for k, v in (fb - fa).most_common(10)},
        "docx_figure_count": (sum(fa.values()), sum(fb.values())),
        "docx_texts_missing_in_theirs": missing_texts(ours, theirs)[:10],
        "docx_texts_missing_in_ours": missing_texts(theirs, ours)[:10],
        "xlsx_inputs_only_ours": {str(k): v for k, v in (xa - xb).most_common(10)},
        "xlsx_inputs_only_theirs": {str(k): v for k, v in (xb - xa).most_common(10)},
        "xlsx_formulas": (sum(xlsx_formula_count(d) for n, d in ours.items() if n.endswith(".xlsx")),
                          sum(xlsx_formula_count(d) for n, d in theirs.items() if n.endswith(".xlsx"))),
    }
