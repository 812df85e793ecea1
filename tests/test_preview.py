"""Page previews: first section cut, PNG pages through the warm pool, the cache, the substitute-font note."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from generator.errors import PdfError
from generator.pdf import libreoffice_available
from generator.pipeline import render_spec
from generator.preview import LICENSED_FONTS, Previewer, content_key, first_section, font_substitutes, substitute_note

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
needs_office = pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装")


@pytest.fixture(scope="module")
def notice() -> tuple[str, bytes]:
    report, files = render_spec(ROOT / "specs/examples/heilongjiang-2023-256.yaml")
    assert report.ok
    name = next(n for n in files if n.endswith(".docx"))
    return name, files[name]


def document_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def test_first_section_is_the_notice_without_its_attachments(notice):
    name, data = notice
    head = first_section(data)
    text, full = document_text(head), document_text(data)
    assert len(head) < len(data) / 5
    assert "经省政府同意" in text and "附件：" in text
    assert "哈尔滨市小计" in full and "哈尔滨市小计" not in text  # the 附件1 table is cut
    assert text.count("<w:sectPr") == 1 and text.endswith("</w:sectPr></w:body></w:document>")
    from lxml import etree

    etree.fromstring(text.encode())  # well-formed


def test_first_section_of_a_document_without_sections_is_the_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><w:body><w:p/></w:body></w:document>")
    assert first_section(out.getvalue()) == out.getvalue()


@needs_office
def test_pages_come_as_png_once_per_content(tmp_path, notice, monkeypatch):
    name, data = notice
    previewer = Previewer(tmp_path)
    try:
        first = previewer.first_page_png(name, data)
        assert first.startswith(b"\x89PNG")
        count = previewer.page_count(name, data)
        assert count > 10  # the notice with its inline attachment tables
        assert previewer.page_png(name, data, 1) == first  # the first section gives the same page 1
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "preview-heilongjiang-notice-p1.png").write_bytes(first)
        calls = []
        monkeypatch.setattr(previewer, "_converter", lambda: calls.append(1))
        assert previewer.page_png(name, data, 2).startswith(b"\x89PNG")
        assert previewer.page_count(name, data) == count and calls == []  # from the cache
        with pytest.raises(PdfError, match=f"共 {count} 页，没有第 {count + 1} 页"):
            previewer.page_png(name, data, count + 1)
        assert (tmp_path / content_key(data)[:2] / content_key(data) / "doc.pdf").is_file()
    finally:
        previewer.close()


def test_only_word_and_excel_files_are_previewed(tmp_path):
    with pytest.raises(PdfError, match="不是 Word 或 Excel 文件"):
        Previewer(tmp_path).pdf("x.zip", b"PK")


def test_substitute_font_note_names_each_missing_font():
    subs = dict(font_substitutes())
    note = substitute_note()
    assert set(subs) <= set(LICENSED_FONTS)
    if subs:
        assert note.startswith("本机未安装公文字体") and all(f"{font} → {used}" in note for font, used in subs.items())
    else:
        assert note == ""
