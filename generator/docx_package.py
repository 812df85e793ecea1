"""Word templates as packages: document.xml cleaned by docxtpl and compiled by Jinja once per process.

A render is one Jinja render of document.xml plus one zip write; the other parts of the template
(styles, footers, settings) are copied unchanged. Pre-built XML (tables, sections) is passed in as
`markupsafe.Markup`; every other value is XML-escaped by Jinja's autoescape.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from .errors import RenderError

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "docx"
DOCUMENT = "word/document.xml"
STAMP = (2024, 1, 1, 0, 0, 0)
_EMPTY_RUN = '<w:r><w:t xml:space="preserve"></w:t></w:r>'  # left behind by docxtpl around {%r %} tags
_SECTION = re.compile(r"<w:sectPr[ >].*?</w:sectPr>", re.S)


@dataclass(frozen=True)
class TemplatePackage:
    """A compiled Word template: its other parts as bytes, document.xml as a Jinja template."""

    path: Path
    parts: dict[str, bytes]
    template: jinja2.Template
    section: str  # the final w:sectPr of document.xml, as written in the template
    styles: str  # word/styles.xml, for reading sizes the clerk may have changed


def _environment() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def _clean_tags(xml: str) -> str:
    """docxtpl's own cleanup: joins tags Word split across runs and turns {%p/{%tr/{%r/{{p tags into Jinja."""
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, xml).replace(_EMPTY_RUN, "")


def load_template(name: str) -> TemplatePackage:
    """The template templates/docx/<name>, read, cleaned and compiled once per process (again only if a
    clerk saves a new version of the file while the process runs)."""
    path = TEMPLATE_DIR / name
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as e:
        raise RenderError(f"找不到 Word 模板 {path}：{e}") from e
    return _compile_template(path, stamp)


@lru_cache(maxsize=8)
def _compile_template(path: Path, stamp: int) -> TemplatePackage:
    try:
        with zipfile.ZipFile(path) as zf:
            parts = {info.filename: zf.read(info) for info in zf.infolist()}
    except (OSError, zipfile.BadZipFile) as e:
        raise RenderError(f"无法读取 Word 模板 {path}：{e}") from e
    if DOCUMENT not in parts:
        raise RenderError(f"Word 模板 {path} 缺少 {DOCUMENT}")
    xml = parts.pop(DOCUMENT).decode("utf-8")
    sections = _SECTION.findall(xml)
    if not sections:
        raise RenderError(f"Word 模板 {path} 的正文缺少页面设置（w:sectPr）")
    try:
        template = _environment().from_string(_clean_tags(xml))
    except jinja2.TemplateSyntaxError as e:
        raise RenderError(f"Word 模板 {path} 中的标记写法有误（第 {e.lineno} 行）：{e.message}") from e
    return TemplatePackage(path, parts, template, sections[-1], parts.get("word/styles.xml", b"").decode("utf-8"))


def render_document_xml(package: TemplatePackage, context: dict) -> str:
    """document.xml of one render; a field the template uses but the context lacks is a RenderError."""
    try:
        return package.template.render(context)
    except jinja2.UndefinedError as e:
        raise RenderError(f"Word 模板 {package.path.name} 用到了程序没有提供的字段：{e.message}") from e
    except jinja2.TemplateError as e:
        raise RenderError(f"Word 模板 {package.path.name} 无法填写：{e}") from e


def write_docx(parts: dict[str, bytes], document_xml: str) -> bytes:
    """A .docx from the template's parts and a rendered document.xml (fixed timestamps)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", STAMP), parts["[Content_Types].xml"],
                    zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo(DOCUMENT, STAMP), document_xml.encode("utf-8"), zipfile.ZIP_DEFLATED)
        for name, data in parts.items():
            if name != "[Content_Types].xml":
                zf.writestr(zipfile.ZipInfo(name, STAMP), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def render_docx(package: TemplatePackage, context: dict, section: str | None = None) -> bytes:
    """Render a template into .docx bytes; `section` replaces the template's final w:sectPr."""
    xml = render_document_xml(package, context)
    if section is not None:
        at = xml.rfind(package.section)
        if at < 0:
            raise RenderError(f"Word 模板 {package.path.name} 的页面设置（w:sectPr）在填写后找不到了")
        xml = xml[:at] + section + xml[at + len(package.section):]
    return write_docx(package.parts, xml)


def style_size(package: TemplatePackage, style_id: str, default: int) -> int:
    """The w:sz (half-points) a style of the template sets, or default."""
    m = re.search(rf'<w:style [^>]*w:styleId="{style_id}"[^>]*>.*?</w:style>', package.styles, re.S)
    size = re.search(r'<w:sz w:val="(\d+)"', m.group(0)) if m else None
    return int(size.group(1)) if size else default


def _attrs(section: str, element: str) -> dict[str, str]:
    m = re.search(rf"<w:{element} ([^>]*?)/>", section)
    return dict(re.findall(r'w:(\w+)="([^"]*)"', m.group(1))) if m else {}


def _element(name: str, attrs: dict[str, str]) -> str:
    return f"<w:{name} " + " ".join(f'w:{k}="{v}"' for k, v in attrs.items()) + "/>"


def section_variant(section: str, landscape: bool = False, grid: bool = True, start: str | None = None) -> str:
    """The template's section turned landscape (page and margins rotated), without the line grid,
    and starting on a new page (start=None) or as given ("continuous")."""
    out = re.sub(r"<w:type [^>]*/>", "", section)
    if start:
        out = re.sub(r"(<w:pgSz )", f'<w:type w:val="{start}"/>\\1', out, count=1)
    if landscape:
        size, margins = _attrs(section, "pgSz"), _attrs(section, "pgMar")
        width, height = sorted((int(size.get("w", 11906)), int(size.get("h", 16838))))
        out = re.sub(r"<w:pgSz [^>]*/>", _element("pgSz", {"w": str(height), "h": str(width),
                                                            "orient": "landscape"}), out)
        rotated = dict(margins, top=margins.get("left", "1588"), bottom=margins.get("right", "1474"),
                       left=margins.get("top", "2098"), right=margins.get("bottom", "1984"), footer="567")
        out = re.sub(r"<w:pgMar [^>]*/>", _element("pgMar", rotated), out)
    if not grid:
        out = re.sub(r"<w:docGrid [^>]*/>", '<w:docGrid w:linePitch="312"/>', out)
    return out


def section_break(section: str) -> str:
    """An empty, near-zero-height paragraph that ends a section with these properties."""
    return f'<w:p><w:pPr><w:pStyle w:val="GwSpacer"/>{section}</w:pPr></w:p>'


def libreoffice_preview(data: bytes) -> bytes:
    """A copy for LibreOffice previews: the 28-per-line character grid (negative w:charSpace) with pitch
    16 pt instead. Word squeezes 28 3号 characters into 156 mm; LibreOffice gives every character wider
    than the pitch two grid cells, which spaces the whole text out. The .docx itself keeps the grid."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: src.read(info) for info in src.infolist()}
    xml = re.sub(r'(<w:docGrid [^>]*w:charSpace=")-\d+"', r'\g<1>0"', parts.pop(DOCUMENT).decode("utf-8"))
    return write_docx(parts, xml)
