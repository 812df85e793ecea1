"""The .docx writer: document.xml streamed from pieces, insert marks replaced, sized styles added."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import NS, docx_part, w

from generator import docx_package
from generator.docx_package import fragment_docx, insert_mark, load_template, render_docx, write_docx
from generator.errors import RenderError
from generator.ooxml import CELL_FIGURE, TableStyles


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def test_pieces_are_written_as_one_document(monkeypatch):
    package = load_template("attachment.docx")
    monkeypatch.setattr(docx_package, "CHUNK", 100)  # many chunks
    body = [f"<w:p><w:r><w:t>第{i}段</w:t></w:r></w:p>" for i in range(500)]
    whole = package.head + "".join(body) + package.section + "</w:body></w:document>"
    streamed = write_docx(package.parts, iter([package.head, *body, package.section, "</w:body></w:document>"]))
    assert entries(streamed) == entries(write_docx(package.parts, whole))
    assert entries(streamed)["word/document.xml"].decode() == whole
    with zipfile.ZipFile(io.BytesIO(streamed)) as zf:
        assert zf.namelist()[:2] == ["[Content_Types].xml", "word/document.xml"]
        assert {info.date_time for info in zf.infolist()} == {docx_package.STAMP}


def test_insert_marks_are_replaced_by_their_pieces_when_written():
    package = load_template("attachment.docx")
    produced = []

    def content():
        produced.append(True)
        yield '<w:p><w:r><w:t>插入的内容</w:t></w:r></w:p>'

    fields = {"doc_number": "示财〔2024〕1号", "number": "1", "title_lines": ["标题"], "show_title": True,
              "content": insert_mark(0)}
    data = render_docx(package, fields, inserts=[content])
    assert produced == [True]
    xml = entries(data)["word/document.xml"].decode()
    assert "gw-insert" not in xml and "插入的内容" in xml
    assert xml.index("标题") < xml.index("插入的内容")


def test_sized_styles_are_added_on_the_template_style():
    styles = TableStyles()
    sid = styles(CELL_FIGURE, 21)
    data = fragment_docx(f'<w:p><w:pPr><w:pStyle w:val="{sid}"/></w:pPr></w:p>', styles)
    root = docx_part(data, "word/styles.xml")
    (style,) = [s for s in root.findall("w:style", NS) if s.get(w("styleId")) == "GwCellFigure-21"]
    assert style.find("w:name", NS).get(w("val")) == "表格-金额 10.5磅"
    assert style.find("w:basedOn", NS).get(w("val")) == CELL_FIGURE
    assert style.find("w:rPr/w:sz", NS).get(w("val")) == "21"


def test_a_sized_style_the_template_lacks_is_a_render_error():
    styles = TableStyles()
    styles("GwNoSuchStyle", 18)
    with pytest.raises(RenderError, match="缺少表格所用的样式 GwNoSuchStyle"):
        fragment_docx("<w:p/>", styles)
