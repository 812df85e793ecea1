"""The nine budget tables as Word tables in one .docx (landscape A4), each under its title and title block.

Header cells merge as in the published tables (w:gridSpan across, w:vMerge down), the 栏次 row numbers the
columns, 合计 and 类 rows print in the total style, and empty cells are empty. A blank table (no
政府性基金 budget, say) prints its header, one empty row and its 注. Styles are the Word template's.
"""

from __future__ import annotations

from collections.abc import Iterator

from .budget_derive import amount_text as money_text
from .budget_tables import BudgetTable, HCell, TCell
from .cell_grid import place_cells
from .docx_package import (
    STYLES,
    load_template,
    section_break,
    section_variant,
    sized_styles,
    table_styles,
    write_docx,
)
from .ooxml import (
    CELL,
    CELL_CODE,
    CELL_FIGURE,
    CELL_HEAD,
    CELL_LEFT,
    CELL_TOTAL_FIGURE,
    CELL_TOTAL_LEFT,
    JOIN,
    TARGET_TITLE,
    TEXT_WIDTH,
    TEXT_WIDTH_LANDSCAPE,
    TableStyles,
    cell,
    cjk_em,
    ppr,
    row,
    scale_widths,
    styled_p,
    table_open,
    text_runs,
)

SIZES = (21, 18, 16, 15)  # 五号, 小五, 8 pt, 小六: the largest at which a table fits its page
WRAP = 12.0  # em: a longer name wraps rather than widening its column past this
SLACK = 1.2  # LibreOffice's stand-in faces set digits wider than cjk_em's estimate; a figure must never wrap
NO_BORDERS = "<w:tblBorders>" + "".join(f'<w:{e} w:val="nil"/>' for e in
                                        ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"


def place(header: list[list[HCell]], width: int) -> list[list[tuple[int, int, HCell | None, str | None]]]:
    """Header rows as (column, span, cell or None for a continued merge, vMerge mark)."""
    return [[(s.col, s.span, s.cell, s.vmerge) for s in row] for row in place_cells(header, width, strict=False)]


def column_widths(table: BudgetTable, size: int) -> list[float]:
    """Twips each column needs at `size`: its widest body text on one line, its header on up to three lines."""
    em = size * 10
    need = [2.0] * len(table.widths)
    for r in table.rows:
        for j, c in enumerate(r.cells):
            text = money_text(c.value) if c.kind == "money" else str(c.value or "")
            # figures and codes never wrap; names may, onto lines of WRAP em
            need[j] = max(need[j], cjk_em(text) if c.kind != "text" else min(cjk_em(text), WRAP))
    for placed in place(table.header, len(need)):
        for col, span, hc, _ in placed:
            if hc is not None and span == 1:
                need[col] = max(need[col], min(cjk_em(hc.text), max(2.5, cjk_em(hc.text) / 3 + 0.5)))
    return [n * em * SLACK + 2 * 57 for n in need]


def fitted(table: BudgetTable) -> tuple[list[int], bool, int]:
    """Column widths filling the page, whether the table needs a landscape page, and its font size:
    portrait at 8 pt or larger where it fits, else landscape at the largest size that fits."""
    for size in SIZES[:3]:
        need = column_widths(table, size)
        if sum(need) <= TEXT_WIDTH:
            return _grow(table, need, TEXT_WIDTH), False, size
    for size in SIZES:
        need = column_widths(table, size)
        if sum(need) <= TEXT_WIDTH_LANDSCAPE or size == SIZES[-1]:
            return _grow(table, need, TEXT_WIDTH_LANDSCAPE), True, size
    raise AssertionError("unreachable")


def _grow(table: BudgetTable, need: list[float], page: int) -> list[int]:
    """The needed widths, with the room left over given to the name columns; when they do not fit, the
    columns of names give up width (wrapping onto more lines) and figures and codes keep theirs."""
    extra = page - sum(need)
    if extra < 0:
        names = [j for j in range(len(need)) if _is_text_column(table, j)]
        room = sum(need[j] for j in names)
        if names and room > -extra:
            return scale_widths([w * (1 + extra / room) if j in names else w for j, w in enumerate(need)], page)
        return scale_widths(need, page)
    texts = [j for j, w in enumerate(table.widths) if w >= 16] or list(range(len(need)))
    grown = [w + (extra / len(texts) if j in texts else 0) for j, w in enumerate(need)]
    return scale_widths(grown, page)


def _is_text_column(table: BudgetTable, col: int) -> bool:
    """Whether a column holds names (text cells) rather than figures or codes."""
    kinds = {r.cells[col].kind for r in table.rows if col < len(r.cells) and r.cells[col].value not in (None, "")}
    return kinds == {"text"}


def table_pieces(table: BudgetTable, styles: TableStyles, widths: list[int], size: int) -> Iterator[str]:
    """One table with its title, title block and note."""
    yield f'<w:p><w:pPr><w:pStyle w:val="{TARGET_TITLE}"/></w:pPr>{text_runs(table.title)}</w:p>'
    block = _title_block(table, styles, sum(widths), size)
    yield block + (JOIN if block else "")  # not merged with the table below: its header rows repeat on each page
    head = styled_p(styles(CELL_HEAD, size))
    out = [table_open(widths, 57, styles.borders)]
    for placed in place(table.header, len(widths)):
        cells = "".join(cell(f"{head}{text_runs(hc.text if hc else '')}</w:p>", sum(widths[c:c + s]), s, mark)
                        for c, s, hc, mark in placed)
        out.append(row(cells, header=True))
    for r in table.rows:
        out.append(row("".join(_body_cell(c, widths[j], r.strong, styles, size) for j, c in enumerate(r.cells)),
                       height=size * 10 * 3 // 2))
    out.append("</w:tbl>")
    yield "".join(out)
    if table.note:
        yield f"<w:p>{ppr(before=120)}{text_runs(table.note)}</w:p>"


def _title_block(table: BudgetTable, styles: TableStyles, width: int, size: int) -> str:
    """The borderless row under the title: department (left), 预算年度 (centre), 单位 (right)."""
    if not table.block:
        return ""
    widths = scale_widths([2] + [1] * (len(table.block) - 1), width)
    aligns = ["left", *["center"] * (len(table.block) - 2), "right"]
    cells = "".join(cell(f'<w:p><w:pPr><w:pStyle w:val="{styles(CELL, size + 3)}"/><w:jc w:val="{a}"/></w:pPr>'
                         f"{text_runs(t)}</w:p>", w) for t, w, a in zip(table.block, widths, aligns, strict=True))
    return table_open(widths, 0, NO_BORDERS) + row(cells) + "</w:tbl>"


def _body_cell(c: TCell, width: int, strong: bool, styles: TableStyles, size: int) -> str:
    if c.kind == "money":
        style, text = (CELL_TOTAL_FIGURE if strong else CELL_FIGURE), money_text(c.value)
    elif c.kind in ("seq", "code"):
        style, text = CELL_CODE, c.value or ""
    else:
        style, text = (CELL_TOTAL_LEFT if strong else CELL_LEFT), c.value or ""
    return cell(f"{styled_p(styles(style, size))}{text_runs(str(text))}</w:p>", width)


def tables_docx(tables: list[BudgetTable]) -> bytes:
    """All tables in one .docx, each in a section of its own: portrait where it fits, landscape where not."""
    package = load_template("attachment.docx")
    styles = table_styles(package)
    pieces = [package.head]
    for i, table in enumerate(tables):
        widths, landscape, size = fitted(table)
        pieces.extend(table_pieces(table, styles, widths, size))
        section = section_variant(package.section, landscape=landscape, grid=False)
        pieces.append(section_break(section) if i < len(tables) - 1 else section)
    pieces.append("</w:body></w:document>")
    return write_docx(package.parts, pieces, lambda: {STYLES: sized_styles(package, styles)})
