"""The 绩效自评报告 as a .docx in GB/T 9704 body styles: 仿宋_GB2312 三号 text on the notice's page (A4,
37/35/28/26 mm margins, 22 lines of 28 characters), 黑体 一、 headings, 楷体 （一） headings, 仿宋 1、 headings.

Paragraphs use the attachment template's styles (公文-正文: line height, indent, character pitch) and every
run names its own faces with w:eastAsia, so the faces hold in any reader. Tables are the report's Grids;
a table too wide for a portrait page gets a landscape section of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from .docx_package import STYLES, load_template, section_break, section_variant, sized_styles, table_styles, write_docx
from .evaluation_grid_docx import grid_pieces
from .evaluation_model import ReportView
from .evaluation_report_text import Block, report_blocks
from .ooxml import FANGSONG, HEITI, KAITI, XIAOBIAOSONG, TableStyles, esc, rpr
from .title_breaks import break_title

BODY, TITLE = "GwBody", "GwAttachTitle"
SIZE = 32  # 三号
TITLE_CHARS, PART_CHARS = 20, 26  # 二号 characters a title line holds; 三号 characters of a part's heading line
LINE = 579  # the body's line pitch: 22 lines in the 225 mm text block
PART_LINE = 640  # a part's heading: 三号 小标宋 lines a little apart, one blank line above and below
FACES = {"h1": HEITI, "h2": KAITI, "h3": FANGSONG, "body": FANGSONG}
PAGE_BREAK = f'<w:p><w:pPr><w:pStyle w:val="GwSpacer"/></w:pPr><w:r>{rpr(FANGSONG, 2)}<w:br w:type="page"/></w:r></w:p>'


def paragraph(text: str, style: str, face: str, size: int = SIZE, keep_next: bool = False,
              page_break: bool = False, line: int | None = None) -> str:
    """A paragraph in a template style whose runs carry their faces (w:eastAsia) and size; `line` sets an
    exact line height (twips) over the style's."""
    props = f'<w:pStyle w:val="{style}"/>' + ("<w:keepNext/>" if keep_next else "") + \
        ("<w:pageBreakBefore/>" if page_break else "")
    if line:
        props += f'<w:spacing w:before="{LINE}" w:after="{LINE}" w:line="{line}" w:lineRule="exact"/>'
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{esc(t)}</w:t>' for t in text.split("\n"))
    return f"<w:p><w:pPr>{props}</w:pPr><w:r>{rpr(face, size)}{runs}</w:r></w:p>"


def block_pieces(block: Block, styles: TableStyles, before_table: bool = False) -> Iterator[str]:
    """The XML of one block; `before_table`: the next block is a table (a sentence introducing it stays with it)."""
    if block.kind == "title":
        yield paragraph("\n".join(break_title(block.text, TITLE_CHARS)), TITLE, XIAOBIAOSONG, 44)
    elif block.kind == "part":
        yield paragraph("\n".join(break_title(block.text, PART_CHARS)), TITLE, XIAOBIAOSONG, SIZE, keep_next=True,
                        page_break=block.new_page, line=PART_LINE)
    elif block.kind == "grid":
        if block.new_page and not block.grid.landscape:
            yield PAGE_BREAK
        yield from grid_pieces(block.grid, styles)
    else:
        # headings, and a sentence that introduces a table (…具体如下：), stay with what follows
        yield paragraph(block.text, BODY, FACES[block.kind], keep_next=block.kind != "body" or before_table)


def report_docx(view: ReportView) -> bytes:
    """The report: portrait pages on the 22-line grid, landscape sections around wide tables."""
    package = load_template("attachment.docx")
    styles = table_styles(package)
    portrait = section_variant(package.section, grid=True)
    wide = section_variant(package.section, landscape=True, grid=False)
    pieces, current = [package.head], False
    blocks = list(report_blocks(view))
    for block, after in zip(blocks, [*blocks[1:], None], strict=True):
        landscape = block.kind == "grid" and block.grid.landscape
        if landscape != current:
            pieces.append(section_break(wide if current else portrait))
            current = landscape
        pieces.extend(block_pieces(block, styles, after is not None and after.kind == "grid"))
    pieces.extend([wide if current else portrait, "</w:body></w:document>"])
    return write_docx(package.parts, pieces, lambda: {STYLES: sized_styles(package, styles)})
