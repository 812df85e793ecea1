"""The nine budget tables as Excel workbooks (one .xlsx each), with live formulas and their values.

Every derived cell (合计, 小计, 类, 款, 本年收入合计 …) is a formula over the cells it adds up, stored with
the derived value, so a sheet shows the published figure in any viewer and recomputes when a clerk edits
an input. Empty cells stay empty (no 0.00). Written with the project's streaming writer.
"""

from __future__ import annotations

import io
from datetime import datetime

from .budget_tables import BudgetTable, HCell
from .xlsx_styles import Palette, load_styles, merge_text, put_text, row_height, text_width
from .xlsx_writer import Workbook, col_name

MONEY = "0.00"  # the published tables print 24490.91: two decimals, no thousands separator
TOP = 4  # sheet rows above the header: title, blank, title block (0-based: the header starts on row 3)


def formula(refs: list[tuple[int, int]], first_row: int) -> str:
    """=SUM(...) over body cells (row, column); runs down one column collapse to a range (D5:D8)."""
    cells = sorted((c, r + first_row + 1) for r, c in refs)
    args, i = [], 0
    while i < len(cells):
        j = i
        while j + 1 < len(cells) and cells[j + 1][0] == cells[i][0] and cells[j + 1][1] == cells[j][1] + 1:
            j += 1
        col = col_name(cells[i][0])
        args.append(f"{col}{cells[i][1]}" if i == j else f"{col}{cells[i][1]}:{col}{cells[j][1]}")
        i = j + 1
    rows = {r for _, r in cells}
    columns = [c for c, _ in cells]
    if len(rows) == 1 and len(cells) > 1 and columns == list(range(columns[0], columns[0] + len(columns))):
        r = rows.pop()
        return f"=SUM({col_name(columns[0])}{r}:{col_name(columns[-1])}{r})"
    return f"=SUM({','.join(args)})"


def table_workbook(table: BudgetTable, created: datetime, styles: dict | None = None) -> bytes:
    """One table as an .xlsx: title, title block, header with 栏次, body, note."""
    buf = io.BytesIO()
    wb = Workbook(buf)
    wb.set_properties({"title": table.title, "author": table.block[0] if table.block else "", "created": created})
    pal = Palette(wb, styles if styles is not None else load_styles())
    ws = wb.add_worksheet(table.title[:31])
    last = len(table.widths) - 1
    for c, w in enumerate(column_widths(table)):
        ws.set_column(c, c, w)
    merge_text(ws, pal, 0, 0, 0, last, table.title, pal.get("title"))
    ws.set_row(0, row_height(1, pal.size("title"), minimum=30))
    _title_block(ws, pal, table, 2, last)
    first = _header(ws, pal, table.header, TOP - 1)
    _body(ws, pal, table, first)
    bottom = first + len(table.rows)
    if table.note:
        merge_text(ws, pal, bottom, 0, bottom, last, table.note, pal.get("note"))
        bottom += 1
    ws.set_paper(9)
    ws.set_landscape() if sum(table.widths) > 90 else ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.print_area(0, 0, bottom - 1, last)
    ws.repeat_rows(TOP - 1, first - 1)
    wb.close()
    return buf.getvalue()


def column_widths(table: BudgetTable) -> list[float]:
    """Excel widths (character units) that hold each column's widest body text on one line (names up to 40)."""
    need = [6.0] * len(table.widths)
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            text = f"{cell.value:.2f}" if cell.kind == "money" and cell.value is not None else str(cell.value or "")
            need[c] = max(need[c], min(text_width(text) * 1.1 + 2, 40))
    return need


def _title_block(ws, pal: Palette, table: BudgetTable, r: int, last: int) -> None:
    """361秦皇岛市… | 预算年度：2025 | 单位：万元 across the table's width (the middle cell optional)."""
    if not table.block:
        return
    left, *middle, right = table.block
    right_from = last - 1 if last >= 4 else last  # two columns: 单位：万元 must not be clipped by a narrow one
    split = max(1, (last + 1) // 3) if middle else right_from
    merge_text(ws, pal, r, 0, r, split - 1, left, pal.get("unit_line", align="left"))
    if middle:
        merge_text(ws, pal, r, split, r, max(split, right_from - 1), middle[0], pal.get("unit_line", align="center"))
    merge_text(ws, pal, r, right_from, r, last, right, pal.get("unit_line"))


def _header(ws, pal: Palette, header: list[list[HCell]], top: int) -> int:
    """Header rows with merges; returns the first body row."""
    fmt = pal.get("header")
    taken: set[tuple[int, int]] = set()
    for r, cells in enumerate(header):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.span):
                    taken.add((r + dr, c + dc))
            merge_text(ws, pal, top + r, c, top + r + cell.rowspan - 1, c + cell.span - 1, cell.text, fmt)
            c += cell.span
        ws.set_row(top + r, row_height(2 if r < len(header) - 1 else 1, pal.size("header")))
    return top + len(header)


def _body(ws, pal: Palette, table: BudgetTable, first: int) -> None:
    for i, row in enumerate(table.rows):
        r = first + i
        label = pal.get("subtotal_label" if row.strong else "leaf_label")
        number = pal.get("total_number" if row.strong else "leaf_number", num_format=MONEY)
        for c, cell in enumerate(row.cells):
            if cell.kind == "money":
                if cell.value is None:
                    ws.write_blank(r, c, None, number)
                elif cell.refs:
                    ws.write_formula(r, c, formula(cell.refs, first), number, float(cell.value))
                else:
                    ws.write_number(r, c, float(cell.value), number)
            else:
                fmt = pal.get("code") if cell.kind in ("seq", "code") else label
                put_text(ws, pal, r, c, "" if cell.value is None else str(cell.value), fmt)
