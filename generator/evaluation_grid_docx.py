"""A Grid (evaluation_grid.py) as a Word table: title, year line, unit line, the table, its note.

Cells name the template's cell styles (表格-文字, 表格-表头, …) at the size chosen here, and every run also
carries its own fonts with w:eastAsia (仿宋_GB2312 text, 黑体 headers and totals, 宋体 figures), so the
faces hold even where a reader ignores the styles. Header rows repeat on every page (w:tblHeader);
merged cells are w:gridSpan across and w:vMerge down.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from .evaluation_grid import HEAD, LABEL, LEFT, NUMBER, SUBTOTAL, TOTAL, TOTAL_NUMBER, Grid, Placed, place
from .ooxml import (
    CELL,
    CELL_FIGURE,
    CELL_HEAD,
    CELL_JUSTIFY,
    CELL_LEFT,
    CELL_TOTAL,
    CELL_TOTAL_FIGURE,
    CELL_TOTAL_LEFT,
    FANGSONG,
    HEITI,
    JOIN,
    SONGTI,
    TABLE_UNIT,
    TARGET_SUBTITLE,
    TARGET_TITLE,
    TEXT_WIDTH,
    TEXT_WIDTH_LANDSCAPE,
    XIAOBIAOSONG,
    TableStyles,
    cell,
    cjk_em,
    esc,
    row,
    rpr,
    scale_widths,
    table_open,
)
from .title_breaks import break_title

BODY_SIZE = 21  # 五号 in the table
TITLE_SIZE = 36  # 小二 title
TITLE_CHARS, TITLE_CHARS_LANDSCAPE = 23, 33  # 小二 characters a title line holds in portrait and landscape
MARGIN = 57  # 1 mm cell margins left and right
VERTICAL = 28  # 0.5 mm above and below: wrapped text keeps off the borders

_STYLE = {HEAD: CELL_HEAD, LABEL: CELL, LEFT: CELL_LEFT, NUMBER: CELL_FIGURE, TOTAL: CELL_TOTAL,
          TOTAL_NUMBER: CELL_TOTAL_FIGURE, SUBTOTAL: CELL_TOTAL_LEFT}
_FONT = {HEAD: HEITI, TOTAL: HEITI, TOTAL_NUMBER: HEITI, SUBTOTAL: HEITI, NUMBER: SONGTI}


def runs(text: str, font: str, size: int) -> str:
    """Runs with explicit fonts (w:eastAsia) and size; line breaks become w:br."""
    if not text:
        return ""
    props = rpr(font, size, latin=font if font != FANGSONG else "Times New Roman")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{esc(t)}</w:t>' for t in text.split("\n"))
    return f"<w:r>{props}{body}</w:r>"


def paragraph(style: str, text: str, font: str, size: int, keep_next: bool = False) -> str:
    """A paragraph in a template style with runs in the given face (kept with the next one if asked)."""
    keep = "<w:keepNext/>" if keep_next else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>{runs(text, font, size)}</w:p>'


def grid_pieces(grid: Grid, styles: TableStyles, size: int = BODY_SIZE) -> Iterator[str]:
    """The grid's title block, table and note as WordprocessingML pieces."""
    if grid.title:
        chars = TITLE_CHARS_LANDSCAPE if grid.landscape else TITLE_CHARS
        yield paragraph(TARGET_TITLE, "\n".join(break_title(grid.title, chars)), XIAOBIAOSONG, TITLE_SIZE)
    if grid.subtitle:
        yield paragraph(TARGET_SUBTITLE, grid.subtitle, FANGSONG, 32)
    if grid.unit:
        yield paragraph(TABLE_UNIT, grid.unit, FANGSONG, size)
    yield "".join(table_xml(grid, styles, size))
    if grid.note:
        yield paragraph(styles(CELL_JUSTIFY, size), grid.note, FANGSONG, size)


def table_xml(grid: Grid, styles: TableStyles, size: int = BODY_SIZE) -> Iterator[str]:
    """The w:tbl of a grid, fitted to the page width of its orientation."""
    page = TEXT_WIDTH_LANDSCAPE if grid.landscape else TEXT_WIDTH
    widths = fit_widths(grid, page, size)
    opening = table_open(widths, MARGIN, styles.borders, vertical=VERTICAL)
    height = size * 10 * 3 // 2
    yield opening
    for r, placed in enumerate(place(grid)):
        if r == grid.split and r:
            yield "</w:tbl>" + JOIN + opening  # Word repeats only a table's first rows
        keep = grid.keep and r < grid.split  # a short header block stays with the indicator grid under it
        cells = "".join(_cell(p, widths, styles, size, keep) for p in placed)
        yield row(cells, header=grid.split <= r < grid.split + grid.header_rows, height=height)
    yield "</w:tbl>"


def fit_widths(grid: Grid, page: int, size: int) -> list[int]:
    """Column widths in twips from the grid's weights, widened where a figure would not fit on one line
    (a figure never wraps); the other columns give up the room in proportion to what they can spare."""
    twips = size * 10 * 1.1  # per em, with LibreOffice's wider stand-in digits
    need = [0.0] * len(grid.widths)
    for placed in place(grid):
        for p in placed:
            if p.cell is not None and p.span == 1 and p.cell.role in (NUMBER, TOTAL_NUMBER):
                need[p.col] = max(need[p.col], cjk_em(p.cell.text) * twips + 2 * MARGIN + 20)
    widths = scale_widths(grid.widths, page)
    lack = {j: math.ceil(need[j] - w) for j, w in enumerate(widths) if w < need[j]}
    spare = {j: w - max(need[j], w * 0.6) for j, w in enumerate(widths) if j not in lack}
    room = sum(v for v in spare.values() if v > 0)
    if not lack or room <= 0:
        return widths
    share = min(1.0, room / sum(lack.values()))
    for j, more in lack.items():
        widths[j] += int(more * share)
    for j, v in spare.items():  # every other column gives up room in proportion to what it can spare
        if v > 0:
            widths[j] -= int(sum(int(m * share) for m in lack.values()) * v / room)
    widths[max(spare, key=spare.get)] += page - sum(widths)
    return widths


def _cell(p: Placed, widths: list[int], styles: TableStyles, size: int, keep: bool = False) -> str:
    width = sum(widths[p.col:p.col + p.span])
    if p.cell is None:
        return cell(paragraph(styles(CELL, size), "", FANGSONG, size, keep), width, p.span, p.vmerge)
    c = p.cell
    style = styles(_STYLE.get(c.role, CELL), size)
    content = paragraph(style, c.text, _FONT.get(c.role, FANGSONG), size, keep)
    return cell(content, width, p.span, p.vmerge)
