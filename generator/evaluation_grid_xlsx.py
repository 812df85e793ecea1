"""A Grid (evaluation_grid.py) on an Excel sheet: merged cells, numbers as numbers, live formulas.

Numbers are written as numbers with their format (金额 0.00, 执行率 0.00%); a cell with `ratio` becomes
=IFERROR(C5/B5,0) and one with `sums` =SUM(...), each stored with the derived value so that any viewer
shows the figure the report prints. Spec text is always written as text (never as a formula). The
header rows repeat on every printed page; the sheet prints on A4, one page wide.
"""

from __future__ import annotations

from .evaluation_grid import HEAD, LABEL, LEFT, NUMBER, SUBTOTAL, TOTAL, TOTAL_NUMBER, GCell, Grid, Ref, place
from .xlsx_styles import Palette, line_count, merge_text, print_setup, row_height
from .xlsx_writer import col_name

EM = 2.2  # Excel character units per em of body text (a CJK character is 2 units, plus padding)
TOP = 3  # sheet rows above the table: title, year line, unit line

_ROLE = {HEAD: "indicator_header", LABEL: "target_label", LEFT: "indicator", NUMBER: "leaf_number",
         TOTAL: "total_label", TOTAL_NUMBER: "total_number", SUBTOTAL: "subtotal_label"}


def grid_widths(grid: Grid) -> list[float]:
    """Excel column widths from the grid's widths in em."""
    return [max(6.0, w * EM) for w in grid.widths]


def write_grid(ws, pal: Palette, grid: Grid) -> int:
    """Write the whole grid from the top of the sheet; returns the last row used."""
    widths = grid_widths(grid)
    last = len(widths) - 1
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    merge_text(ws, pal, 0, 0, 0, last, grid.title, pal.get("title"))
    ws.set_row(0, row_height(1, pal.size("title"), minimum=30))
    merge_text(ws, pal, 1, 0, 1, last, grid.subtitle, pal.get("subtitle"))
    merge_text(ws, pal, 2, 0, 2, last, grid.unit, pal.get("unit_line"))
    lines = [1] * len(grid.rows)
    for placed in place(grid):
        for p in placed:
            if p.cell is None:
                continue
            r = TOP + p.row
            _write_cell(ws, pal, r, p.col, p.cell)
            width = sum(widths[p.col:p.col + p.span])
            need = line_count(p.cell.text, width) if p.cell.value is None else 1
            lines[p.row] = max(lines[p.row], -(-need // p.cell.rowspan))
    for i, n in enumerate(lines):
        ws.set_row(TOP + i, row_height(n, 11, minimum=20))
    bottom = TOP + len(grid.rows)
    if grid.note:
        merge_text(ws, pal, bottom, 0, bottom, last, grid.note, pal.get("note"))
        bottom += 1
    repeat = (TOP, TOP + grid.header_rows - 1) if grid.header_rows and not grid.split else (0, 1)
    print_setup(ws, grid.landscape, bottom - 1, last, repeat)
    return bottom - 1


def a1(ref: Ref) -> str:
    """The A1 address of a grid cell on the sheet."""
    return f"{col_name(ref[1])}{TOP + ref[0] + 1}"


def formula(c: GCell) -> str | None:
    """The live formula of a cell, or None."""
    if c.ratio:
        top, bottom = c.ratio
        return f"=IFERROR({a1(top)}/{a1(bottom)},0)"
    if c.sums:
        return "=SUM(" + ",".join(_ranges(c.sums)) + ")"
    return None


def _ranges(refs) -> list[str]:
    """Cells as ranges: runs down one column collapse to H5:H7."""
    out, cells = [], sorted(set(refs), key=lambda rc: (rc[1], rc[0]))
    i = 0
    while i < len(cells):
        j = i
        while j + 1 < len(cells) and cells[j + 1] == (cells[j][0] + 1, cells[j][1]):
            j += 1
        out.append(a1(cells[i]) if i == j else f"{a1(cells[i])}:{a1(cells[j])}")
        i = j + 1
    return out


def _write_cell(ws, pal: Palette, r: int, col: int, c: GCell) -> None:
    role = _ROLE.get(c.role, "indicator_value")
    last_row, last_col = r + c.rowspan - 1, col + c.span - 1
    numeric = c.value is not None or c.ratio or c.sums
    fmt = pal.get(role, num_format=c.num_format) if numeric else pal.get(role)
    if not numeric:
        merge_text(ws, pal, r, col, last_row, last_col, c.text, fmt)
        return
    if last_row != r or last_col != col:
        ws.merge_range(r, col, last_row, last_col, "", fmt)
    live = formula(c)
    value = float(c.value) if c.value is not None else None
    if live:
        ws.write_formula(r, col, live, fmt, value)
    else:
        ws.write_number(r, col, value, fmt)
