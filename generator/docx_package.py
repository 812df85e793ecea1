"""Word templates as packages: document.xml cleaned by docxtpl and compiled by Jinja once per process.

A render is one Jinja render of document.xml plus one zip write; the other parts of the template
(footers, settings) are copied unchanged, and styles.xml gains the sized cell styles the tables used.
Small pre-built XML (section breaks, the 落款) is passed in as `markupsafe.Markup`; every other value is
XML-escaped by Jinja's autoescape. Big content (the attachments' tables) never goes through Jinja:
the template prints a short mark (`insert_mark`) where it goes, and the writer streams document.xml
into the zip piece by piece, the content's pieces in place of each mark, so that the whole document
is never one string.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import sandbox
from .errors import RenderError
from .office_parts import with_theme_and_app
from .ooxml import TABLE, TARGET_SUBTITLE, TARGET_TITLE, TableStyles

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "docx"
DOCUMENT = "word/document.xml"
STAMP = (2024, 1, 1, 0, 0, 0)
_EMPTY_RUN = '<w:r><w:t xml:space="preserve"></w:t></w:r>'  # left behind by docxtpl around {%r %} tags
_SECTION = re.compile(r"<w:sectPr[ >].*?</w:sectPr>", re.S)
_INSERT = re.compile(r"<!--gw-insert:(\d+)-->")  # spec text is escaped, so it can never print this
STYLES = "word/styles.xml"
UNSIZED = (TABLE, TARGET_TITLE, TARGET_SUBTITLE)  # styles tables use as the template has them
COMPRESSLEVEL = 6  # zlib level of every part (see write_docx)
CHUNK = 1 << 20  # characters of document.xml encoded and compressed at a time

Pieces = Callable[[], Iterable[str]]  # content for one insert mark: called when the document is written


@dataclass(frozen=True)
class TemplatePackage:
    """A compiled Word template: its other parts as bytes, document.xml as a Jinja template."""

    path: Path
    parts: dict[str, bytes]
    template: jinja2.Template
    section: str  # the final w:sectPr of document.xml, as written in the template
    styles: str  # word/styles.xml, for reading sizes the clerk may have changed and adding sized styles
    head: str  # document.xml up to and including <w:body>
    source: str = ""  # the cleaned document.xml Jinja compiled, for the sandbox's checks


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
    if "[Content_Types].xml" in parts and "word/_rels/document.xml.rels" in parts and "_rels/.rels" in parts:
        parts = with_theme_and_app(parts, "word")  # a theme and app.xml where the template lacks them
    if DOCUMENT not in parts:
        raise RenderError(f"Word 模板 {path} 缺少 {DOCUMENT}")
    xml = parts.pop(DOCUMENT).decode("utf-8")
    sections = _SECTION.findall(xml)
    if not sections:
        raise RenderError(f"Word 模板 {path} 的正文缺少页面设置（w:sectPr）")
    source = _clean_tags(xml)
    refusals = sandbox.analyse(source, docx=True).refusals  # the clerk-editable template runs in the sandbox too
    if refusals:
        raise RenderError(f"Word 模板 {path.name} 中的标记写法有误或不允许使用：{'；'.join(refusals)}")
    template = sandbox.DOCX_ENV.from_string(source)
    if STYLES not in parts:
        raise RenderError(f"Word 模板 {path} 缺少 {STYLES}")
    head = xml[:xml.index("<w:body>") + len("<w:body>")] if "<w:body>" in xml else ""
    return TemplatePackage(path, parts, template, sections[-1], parts[STYLES].decode("utf-8"), head, source)


def render_document_xml(package: TemplatePackage, context: dict) -> str:
    """document.xml of one render; a field the template uses but the context lacks is a RenderError."""
    refusals = sandbox.check_text(package.source, context, docx=True)
    if refusals:
        raise RenderError(f"Word 模板 {package.path.name} 用到了程序没有提供的字段：{'；'.join(refusals)}")
    try:
        return package.template.render(context)
    except jinja2.UndefinedError as e:
        raise RenderError(f"Word 模板 {package.path.name} 用到了程序没有提供的字段：{e.message}") from e
    except jinja2.TemplateError as e:
        raise RenderError(f"Word 模板 {package.path.name} 无法填写：{e}") from e


def insert_mark(slot: int) -> Markup:
    """What the template prints where content `slot` of render_docx's `inserts` goes."""
    return Markup(f"<!--gw-insert:{slot}-->")


def _spliced(xml: str, inserts: Sequence[Pieces]) -> Iterator[str]:
    """The rendered document.xml with each insert mark replaced by its content's pieces."""
    at = 0
    for m in _INSERT.finditer(xml):
        yield xml[at:m.start()]
        yield from inserts[int(m.group(1))]()
        at = m.end()
    yield xml[at:]


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, STAMP)  # fixed timestamps: the same document gives the same bytes
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = COMPRESSLEVEL  # what ZipFile.writestr sets from its compresslevel argument
    return info


def write_docx(parts: dict[str, bytes], document: str | Iterable[str],
               late: Callable[[], dict[str, bytes]] | None = None) -> bytes:
    """A .docx from the template's parts and document.xml, as a string or as pieces written as they come
    (a megabyte at a time); `late` gives parts that depend on the document (styles.xml with the sizes
    its tables used), asked for once document.xml is written. Deflate level 6 (zlib's default): at
    10,000 units (113 MB of document.xml) it takes 0.28 s against 0.15 s at level 1, for a file of
    1.3 MB instead of 3.6 MB; levels above 6 cost more time than they save bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_info("[Content_Types].xml"), parts["[Content_Types].xml"])
        with zf.open(_info(DOCUMENT), "w") as out:
            if isinstance(document, str):
                out.write(document.encode("utf-8"))
            else:
                pending: list[str] = []
                size = 0
                for piece in document:
                    pending.append(piece)
                    size += len(piece)
                    if size >= CHUNK:
                        out.write("".join(pending).encode("utf-8"))
                        pending.clear()
                        size = 0
                out.write("".join(pending).encode("utf-8"))
        final = parts | (late() if late else {})
        for name, data in final.items():
            if name not in ("[Content_Types].xml", DOCUMENT):
                zf.writestr(_info(name), data)
    return buf.getvalue()


def render_docx(package: TemplatePackage, context: dict, section: str | None = None,
                inserts: Sequence[Pieces] = (), styles: TableStyles | None = None) -> bytes:
    """Render a template into .docx bytes: `section` replaces the template's final w:sectPr, `inserts[i]`
    gives the pieces printed where the context put insert_mark(i), and `styles` (filled while they are
    produced) the sized styles to add to styles.xml."""
    xml = render_document_xml(package, context)
    if section is not None:
        at = xml.rfind(package.section)
        if at < 0:
            raise RenderError(f"Word 模板 {package.path.name} 的页面设置（w:sectPr）在填写后找不到了")
        xml = xml[:at] + section + xml[at + len(package.section):]
    late = (lambda: {STYLES: sized_styles(package, styles)}) if styles is not None else None
    return write_docx(package.parts, _spliced(xml, inserts), late)


def table_styles(package: TemplatePackage) -> TableStyles:
    """A record of the styles a document's tables use, with the borders of the template's 表格 style."""
    m = re.search(rf'<w:style [^>]*w:styleId="{TABLE}".*?</w:style>', package.styles, re.S)
    if m is None:
        return TableStyles()  # sized_styles reports the missing style once the tables are written
    borders = re.search(r"<w:tblBorders>.*?</w:tblBorders>", m.group(0), re.S)
    return TableStyles(borders.group(0) if borders else "")  # a clerk may have removed them


def sized_styles(package: TemplatePackage, styles: TableStyles) -> bytes:
    """The template's styles.xml with every sized style used: based on the template's style of that
    role, named after it with the size in points (表格-金额 9磅), setting only w:sz. A template that lacks
    a style the tables use (a clerk deleted or renamed it) is a RenderError, not a table without borders."""
    if not styles.used:
        return package.parts[STYLES]
    names = dict(re.findall(r'<w:style [^>]*w:styleId="([^"]+)"[^>]*>\s*<w:name w:val="([^"]*)"', package.styles))
    wanted = {base for base, _ in styles.used.values()} | set(UNSIZED)
    missing = sorted(wanted - names.keys())
    if missing:
        raise RenderError(f"Word 模板 {package.path.name} 缺少表格所用的样式 {'、'.join(missing)}"
                          "（样式名见 templates/docx/make_templates.py，可运行该脚本重新生成模板）")
    added = "".join(
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{names[base]} '
        f'{size / 2:g}磅"/><w:basedOn w:val="{base}"/><w:next w:val="{sid}"/><w:rPr><w:sz w:val="{size}"/>'
        f'<w:szCs w:val="{size}"/></w:rPr></w:style>'
        for sid, (base, size) in sorted(styles.used.items()))
    at = package.styles.rindex("</w:styles>")
    return (package.styles[:at] + added + package.styles[at:]).encode("utf-8")


def fragment_docx(xml: str | Iterable[str], styles: TableStyles, landscape: bool = False,
                  template: str = "attachment.docx") -> bytes:
    """A .docx holding only this body XML (a table, say), on the template's page (landscape: turned) and
    with its styles: to look at a fragment, or read it back in a test."""
    package = load_template(template)
    section = section_variant(package.section, landscape=landscape, grid=False)
    body = [xml] if isinstance(xml, str) else xml
    pieces = [package.head, *body, "<w:p/>", section, "</w:body></w:document>"]
    return write_docx(package.parts, pieces, lambda: {STYLES: sized_styles(package, styles)})


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

