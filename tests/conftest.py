"""Shared test helpers: read the XML parts of a generated .docx and resolve what a run looks like."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}


def w(name: str) -> str:
    """Clark name of a w: attribute or element ("jc" → "{…main}jc")."""
    return f"{{{W}}}{name}"


def docx_part(data: bytes, name: str = "word/document.xml") -> etree._Element:
    """One XML part of a .docx, parsed (fails the test if it is not well-formed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def docx_rels(data: bytes) -> dict[str, str]:
    """Relationship id → target of word/document.xml."""
    root = docx_part(data, "word/_rels/document.xml.rels")
    return {rel.get("Id"): rel.get("Target") for rel in root}


def text_of(el: etree._Element) -> str:
    """Text of a paragraph (or any element): w:t joined, w:tab as a tab, w:br as a newline."""
    out = []
    for node in el.iter(w("t"), w("tab"), w("br")):
        if node.tag == w("t"):
            out.append(node.text or "")
        elif node.tag == w("tab") and node.getparent().tag == w("r"):
            out.append("\t")
        elif node.tag == w("br"):
            out.append("\n")
    return "".join(out)


def paragraphs(root: etree._Element, style: str | None = None) -> list[etree._Element]:
    """Body paragraphs in document order (table cells included), optionally only those in one style."""
    found = root.findall(".//w:body//w:p", NS)
    if style is None:
        return found
    return [p for p in found if p.find("w:pPr/w:pStyle", NS) is not None
            and p.find("w:pPr/w:pStyle", NS).get(w("val")) == style]


class Styles:
    """The styles part of a .docx, to resolve a run's East Asian font, size and colour through its styles."""

    def __init__(self, data: bytes):
        self.root = docx_part(data, "word/styles.xml")
        self.by_id = {s.get(w("styleId")): s for s in self.root.findall("w:style", NS)}
        self.defaults = self.root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        out = []
        while style_id and style_id in self.by_id:
            style = self.by_id[style_id]
            out.append(style)
            based = style.find("w:basedOn", NS)
            style_id = based.get(w("val")) if based is not None else None
        return out

    def run_props(self, paragraph: etree._Element, run: etree._Element) -> dict[str, str | None]:
        """eastAsia font, ascii font, size (half-points) and colour that apply to a run."""
        layers = [run.find("w:rPr", NS)]
        rstyle = run.find("w:rPr/w:rStyle", NS)
        if rstyle is not None:
            layers += [s.find("w:rPr", NS) for s in self._chain(rstyle.get(w("val")))]
        pstyle = paragraph.find("w:pPr/w:pStyle", NS)
        layers += [s.find("w:rPr", NS) for s in self._chain(pstyle.get(w("val")) if pstyle is not None
                                                              else "Normal")]
        layers.append(self.defaults)
        found: dict[str, str | None] = {"eastAsia": None, "ascii": None, "size": None, "color": None}
        for layer in (x for x in layers if x is not None):
            fonts, size, color = layer.find("w:rFonts", NS), layer.find("w:sz", NS), layer.find("w:color", NS)
            if fonts is not None:
                found["eastAsia"] = found["eastAsia"] or fonts.get(w("eastAsia"))
                found["ascii"] = found["ascii"] or fonts.get(w("ascii"))
            if size is not None and found["size"] is None:
                found["size"] = size.get(w("val"))
            if color is not None and found["color"] is None:
                found["color"] = color.get(w("val"))
        return found

    def paragraph_prop(self, paragraph: etree._Element, path: str) -> etree._Element | None:
        """The first element at `path` under pPr (e.g. "w:jc"), from the paragraph or its style chain."""
        direct = paragraph.find(f"w:pPr/{path}", NS)
        if direct is not None:
            return direct
        pstyle = paragraph.find("w:pPr/w:pStyle", NS)
        for style in self._chain(pstyle.get(w("val")) if pstyle is not None else "Normal"):
            found = style.find(f"w:pPr/{path}", NS)
            if found is not None:
                return found
        return None
