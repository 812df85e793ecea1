"""The notice as LibreOffice lays out the delivered bytes: 28 characters a line, 22 lines a page.

WPS and Word read the same grid and spacing; LibreOffice is the one a test can run. The .docx converted
here is exactly what render_notice returns (and what build writes), with no preview patching.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.pipeline import check_spec
from generator.render_notice import render_notice

HERE = Path(__file__).parent
MINI = HERE / "data" / "mini.yaml"
ARTIFACTS = HERE / "_artifacts" / "notice_layout"
# No ASCII and no punctuation inside: LibreOffice's line-start rules and Latin spacing cannot move a break.
FILLER = "财政资金分配下达通知正文测试用字样本"  # 17 characters, so paragraphs do not repeat per line


def long_body_spec(tmp_path: Path) -> tuple[Path, list[str]]:
    """mini.yaml with four long all-Chinese body paragraphs (so page 2 is body text only)."""
    paragraphs = [(FILLER * 40)[i * 7:i * 7 + 300] + "。" for i in range(4)]
    text = MINI.read_text(encoding="utf-8")
    body = "".join(f"    - {p}\n" for p in paragraphs)
    start = text.index("  body:\n") + len("  body:\n")
    end = text.index("  slots:")
    path = tmp_path / "long.yaml"
    path.write_text(text[:start] + body + text[end:], encoding="utf-8")
    return path, paragraphs


def page_lines(pdf: Path, page: int) -> list[str]:
    """Text lines of one PDF page (pdftotext, reading order), page number and empty lines left out."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    lines = ["".join(line.split()) for line in out.splitlines()]
    return [line for line in lines if line and not re.fullmatch(r"—\d+—", line)]


@pytest.fixture(scope="module")
def long_notice_pdf(tmp_path_factory):
    from generator.pdf import convert_cold, libreoffice_available

    if not libreoffice_available() or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils not installed")
    tmp = tmp_path_factory.mktemp("layout")
    spec, paragraphs = long_body_spec(tmp)
    report = check_spec(spec)
    assert report.ok, report.problems
    report.derived.notice.notice.attachments_inline = False  # the notice alone: fewer pages to convert
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    docx = ARTIFACTS / "long-body.docx"
    docx.write_bytes(render_notice(report.derived))
    [pdf] = convert_cold([docx], ARTIFACTS)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(pdf.with_suffix(""))],
                       check=True)
    return pdf, paragraphs


def test_delivered_notice_sets_28_characters_a_line(long_notice_pdf):
    pdf, paragraphs = long_notice_pdf
    lines = page_lines(pdf, 1) + page_lines(pdf, 2) + page_lines(pdf, 3)
    at = next(i for i, line in enumerate(lines) if paragraphs[0].startswith(line) and len(line) > 10)
    for para in paragraphs:  # in order, each starting on the line after the one before ended
        got = []
        while sum(map(len, got)) < len(para):
            got.append(lines[at])
            at += 1
        assert "".join(got) == para
        widths = [len(line) for line in got]
        # First line after the 2-character indent, full lines of 28, the last one whatever is left.
        assert widths[0] == 26 and set(widths[1:-1]) == {28} and widths[-1] <= 28, widths


def test_delivered_notice_sets_22_lines_a_page(long_notice_pdf):
    pdf, paragraphs = long_notice_pdf
    page2 = page_lines(pdf, 2)
    assert len(page2) == 22
    assert all(line in "".join(paragraphs) for line in page2)  # body text only, nothing else on the page


def test_signature_keeps_with_its_date_and_the_last_attachment_item_with_both():
    """GB/T 9704 7.3.5: no 落款 alone on a page. The authority keeps with the date, and the last 附件说明
    item with the 落款; no other item keeps with the next, so the list may break across pages."""
    from conftest import NS, docx_part, paragraphs, w

    report = check_spec(MINI)
    doc = docx_part(render_notice(report.derived))
    items = [p for p in paragraphs(doc) if p.find("w:pPr/w:pStyle", NS) is not None
             and p.find("w:pPr/w:pStyle", NS).get(w("val")) in ("GwAttachFirst", "GwAttachItem", "GwAttachSub")]
    keeps = [p.find("w:pPr/w:keepNext", NS) is not None for p in items]
    assert len(items) >= 3 and keeps == [False] * (len(items) - 1) + [True]
    signature, date = paragraphs(doc, "GwSignature")[:2]
    assert signature.find("w:pPr/w:keepNext", NS) is not None and date.find("w:pPr/w:keepNext", NS) is None
    body = list(doc.iter(w("p")))
    assert body.index(items[-1]) + 1 == body.index(signature)  # nothing between them to carry along
