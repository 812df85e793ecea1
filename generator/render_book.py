"""A target-table book (kind: book) as one .docx and one .xlsx: an optional cover page, then the tables.

Nothing here is an attachment: no 附件 label, no 发文字号. The Word file uses attachment.docx's page and
styles (its fixed label paragraph is not used); the cover is its own section without a page number.
"""

from __future__ import annotations

import io
from datetime import datetime

from .book import BookView
from .docx_package import STYLES, load_template, section_variant, sized_styles, table_styles, write_docx
from .docx_targets import target_tables_pieces
from .ooxml import TARGET_SUBTITLE, text_runs
from .render import safe_file_name
from .render_xlsx import CHINESE_DATE, FIXED_DATE
from .xlsx_styles import Palette, load_styles, merge_text, print_setup, row_height
from .xlsx_targets import unique_sheet_names, write_targets
from .xlsx_writer import Workbook

BOOK_TEMPLATE = "attachment.docx"
COVER_TITLE = "GwTitle"  # 2号 小标宋, centred: the notice title's style
COVER_TOP = 3600  # twips of space above the cover's first title line (about a third of the text height)
COVER_GAP = 2400  # twips between the title lines and the department/date lines


def render_book(view: BookView) -> dict[str, bytes]:
    """File name → bytes: <file name>.docx and <file name>.xlsx."""
    return {safe_file_name(view.file_name, "docx"): render_book_docx(view),
            safe_file_name(view.file_name, "xlsx"): render_book_xlsx(view)}


def cover_xml(titles: list[str], lines: list[str]) -> str:
    """The cover's paragraphs: the title lines large and centred a third of the way down, then the lines."""
    out = []
    for i, text in enumerate(titles):
        space = f'<w:spacing w:before="{COVER_TOP}"/>' if i == 0 else ""
        out.append(f'<w:p><w:pPr><w:pStyle w:val="{COVER_TITLE}"/>{space}</w:pPr>{text_runs(text)}</w:p>')
    for i, text in enumerate(lines):
        space = f'<w:spacing w:before="{COVER_GAP}"/>' if i == 0 else ""
        out.append(f'<w:p><w:pPr><w:pStyle w:val="{TARGET_SUBTITLE}"/>{space}</w:pPr>{text_runs(text)}</w:p>')
    return "".join(out)


def render_book_docx(view: BookView) -> bytes:
    """The book as one Word document: the cover section (no page number) and the tables' section."""
    package = load_template(BOOK_TEMPLATE)
    styles = table_styles(package)
    body = section_variant(package.section, grid=False)
    pieces: list = [package.head]
    if view.book.cover is not None:
        cover_section = body.replace("<w:docGrid ", "<w:titlePg/><w:docGrid ", 1)  # no page number on it
        body = body.replace("<w:cols ", '<w:pgNumType w:start="1"/><w:cols ', 1)  # the tables count from 1
        pieces += [cover_xml(view.cover_titles, view.cover_lines),
                   f'<w:p><w:pPr><w:pStyle w:val="GwSpacer"/>{cover_section}</w:pPr></w:p>']
    tables = target_tables_pieces(view.targets, view.book.flow, styles)
    return write_docx(package.parts, [*pieces, *tables, "<w:p/>", body, "</w:body></w:document>"],
                      lambda: {STYLES: sized_styles(package, styles)})


def _created(view: BookView) -> datetime:
    """The book's date as the document date, so that the same book gives the same file."""
    found = CHINESE_DATE.fullmatch((view.book.date or "").strip())
    try:
        return datetime(*map(int, found.groups())) if found else FIXED_DATE
    except ValueError:
        return FIXED_DATE


def render_book_xlsx(view: BookView, styles: dict[str, dict] | None = None) -> bytes:
    """The book as one workbook: a 封面 sheet when it has a cover, then a sheet per table (named from
    book.sheet_name), or all tables on one sheet (flow: continuous)."""
    buf = io.BytesIO()
    wb = Workbook(buf)
    wb.set_properties({"title": view.file_name, "author": view.book.department, "created": _created(view)})
    pal = Palette(wb, styles if styles is not None else load_styles())
    if view.book.cover is not None:
        _cover_sheet(wb, pal, view)
    names = unique_sheet_names(["封面", *view.sheet_names])[1:] if view.book.cover else view.sheet_names
    write_targets(wb, pal, None, view.book.title, view.targets, view.book.flow, names)
    wb.close()
    return buf.getvalue()


def _cover_sheet(wb, pal: Palette, view: BookView) -> None:
    """封面: the title lines and the cover lines, merged across eight columns, centred."""
    ws = wb.add_worksheet("封面")
    for c in range(8):
        ws.set_column(c, c, 10)
    r = 6
    for text in view.cover_titles:
        merge_text(ws, pal, r, 0, r, 7, text, pal.get("title"))
        ws.set_row(r, row_height(1, pal.size("title"), minimum=pal.size("title") * 2))
        r += 1
    r += 4
    for text in view.cover_lines:
        merge_text(ws, pal, r, 0, r, 7, text, pal.get("subtitle"))
        ws.set_row(r, row_height(1, pal.size("subtitle"), minimum=pal.size("subtitle") * 2))
        r += 1
    print_setup(ws, False, r, 7, None, numbered=False)  # a cover carries no page number
