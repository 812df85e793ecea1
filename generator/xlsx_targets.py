"""Performance target tables (绩效目标表) on Excel sheets, laid out entirely by their layout file.

The same layout that docx_targets.py follows: title and sub-title lines, the header block (spans and
rowspans, optional rows), the indicator header (one or more rows, spans) and the grid (roles spanning
columns, vertical merges). Numbers (the amount, formatted fields and grid columns) are stored as numbers
with the Excel number format that prints what Word prints; the indicator header rows are print titles.
"""

from __future__ import annotations

from .derive_targets import TargetView
from .model import HeaderCell
from .numformat import excel_format
from .xlsx_styles import Palette, line_count, merge_text, print_setup, put_text, row_height

WIDE = 100  # total column width (character units) above which a sheet prints landscape
SHEET_FORBIDDEN = "[]:*?/\\"


def sheet_names(views: list[TargetView]) -> list[str]:
    """Unique, valid sheet names from the units' names: ≤ 31 characters, no []:*?/\\, de-duplicated."""
    return unique_sheet_names([view.unit.name for view in views])


def unique_sheet_names(wishes: list[str], fallback: str = "绩效目标表") -> list[str]:
    """Valid sheet names from these wishes: ≤ 31 characters, no []:*?/\\, de-duplicated with (2), (3)…"""
    used: set[str] = set()
    out = []
    for wish in wishes:
        base = "".join(ch for ch in wish if ch not in SHEET_FORBIDDEN).strip("'").strip() or fallback
        name, n = base[:31], 1
        while name.lower() in used or name.lower() == "history":
            n += 1
            suffix = f"({n})"
            name = base[:31 - len(suffix)] + suffix
        used.add(name.lower())
        out.append(name)
    return out


def write_targets(wb, pal: Palette, number: str | None, title: str, views: list[TargetView], flow: str,
                  names: list[str] | None = None) -> None:
    """Target tables: one sheet per table (per_page; sheets named `names`, else after the units) or all on
    one sheet (continuous). `number` labels the first table 附件N (None: a standalone document)."""
    label = f"附件{number}" if number is not None else title
    if not views:
        ws = wb.add_worksheet(unique_sheet_names([label])[0])
        merge_text(ws, pal, 0, 0, 0, 4, title, pal.get("title"))
        return
    if flow == "continuous":
        ws = wb.add_worksheet(unique_sheet_names([label])[0])
        widths = target_widths(views)
        set_widths(ws, widths)
        top, breaks = 0, []
        for k, view in enumerate(views):
            if k:
                breaks.append(top + 1)
                top += 1  # a blank row between tables
            top, _ = write_target(ws, pal, view, top, number if k == 0 else None, widths)
        ws.set_h_pagebreaks(breaks)
        print_setup(ws, sum(widths) > WIDE, top - 1, len(widths) - 1, None)
        return
    for k, (view, name) in enumerate(zip(views, unique_sheet_names(names or [v.unit.name for v in views]),
                                         strict=True)):
        ws = wb.add_worksheet(name)
        widths = target_widths([view])
        set_widths(ws, widths)
        bottom, head = write_target(ws, pal, view, 0, number if k == 0 else None, widths)
        print_setup(ws, sum(widths) > WIDE, bottom - 1, len(widths) - 1, head if view.layout.repeat_header else None)


def set_widths(ws, widths: list[float]) -> None:
    """Column widths in Excel's character units."""
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)


def target_widths(views: list[TargetView]) -> list[float]:
    """Column widths from the layouts (characters → units), the widest per column over all tables."""
    widths = [0.0] * max(v.layout.width for v in views)
    for view in views:
        for c, w in enumerate(view.layout.widths):
            widths[c] = max(widths[c], w * 2 + 1)
    return [w or 8.0 for w in widths]


def place_header(rows: list[list[HeaderCell]]) -> list[tuple[int, int, HeaderCell]]:
    """(row, column, cell) for each cell, skipping columns that a rowspan above still covers."""
    taken: set[tuple[int, int]] = set()  # cells covered from a row above (a row's own cells never collide)
    out = []
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            for dr in range(1, cell.rowspan):
                for dc in range(cell.span):
                    taken.add((r + dr, c + dc))
            out.append((r, c, cell))
            c += cell.span
    return out


def _titles(ws, pal: Palette, view: TargetView, number: str | None, widths: list[float], top: int) -> int:
    """附件N (in a notice's attachment), then every title and sub-title line merged across the table; a
    sub-title line in parts (left … right) gives each part its share of the columns and its alignment."""
    if number is not None:
        put_text(ws, pal, top, 0, f"附件{number}", pal.get("attachment_label"))
        ws.set_row(top, row_height(1, pal.size("attachment_label")))
        top += 1
    last_col = len(widths) - 1
    size = pal.size("title")
    for text in view.title_lines:
        merge_text(ws, pal, top, 0, top, last_col, text, pal.get("title"))
        ws.set_row(top, row_height(line_count(text, sum(widths), size), size, minimum=size * 2))
        top += 1
    size = pal.size("subtitle")
    for line in view.subtitle_lines:
        lines = 1
        parts = line.parts if len(line.parts) <= len(widths) else (("center", line.text),)  # a 1-column table
        for (align, text), (first, last) in zip(parts, _shares(widths, len(parts)), strict=True):
            merge_text(ws, pal, top, first, top, last, text, pal.get("subtitle", align=align))
            lines = max(lines, line_count(text, sum(widths[first:last + 1]), size))
        ws.set_row(top, row_height(lines, size, minimum=18))
        top += 1
    return top


def _shares(widths: list[float], parts: int) -> list[tuple[int, int]]:
    """(first, last) columns for each of `parts` texts on one line: consecutive runs of at least one column
    each, cut where the running width passes 1/parts, 2/parts … of the table's width."""
    total, runs, first, acc = sum(widths), [], 0, 0.0
    for k in range(1, parts):
        cut, acc = first + 1, acc + widths[first]
        while cut < len(widths) - (parts - k) and acc + widths[cut] / 2 < total * k / parts:
            acc += widths[cut]
            cut += 1
        runs.append((first, cut - 1))
        first = cut
    runs.append((first, len(widths) - 1))
    return runs


def write_target(ws, pal: Palette, view: TargetView, top: int, number: str | None,
                 widths: list[float]) -> tuple[int, tuple[int, int]]:
    """One target table from `top`: titles, header block, indicator grid; returns the next free row and
    the (first, last) rows of its indicator header (the sheet's print titles)."""
    layout = view.layout
    last_col = layout.width - 1
    top = _titles(ws, pal, view, number, widths[:last_col + 1], top)
    rows = view.header_rows
    lines = [1] * len(rows)
    size = pal.size("target_field")
    for r, c, cell in place_header(rows):
        r0, c1, r1 = top + r, c + cell.span - 1, top + r + cell.rowspan - 1
        text = view.header_text(cell)
        number_cell = view.header_number(cell)
        if number_cell is not None and number_cell[0] is not None:
            value, fmt = number_cell
            style = pal.get("target_number", num_format=excel_format(value, fmt), align=cell.align)
            if cell.span > 1 or cell.rowspan > 1:
                ws.merge_range(r0, c, r1, c1, "", style)
            ws.write_number(r0, c, value, style)  # the Decimal as a number; the format prints it
            continue
        role = "target_field" if cell.field or cell.value else "target_label"
        merge_text(ws, pal, r0, c, r1, c1, text, pal.get(role, align=cell.align) if cell.align != "center"
                   else pal.get(role))
        if cell.rowspan == 1:
            lines[r] = max(lines[r], line_count(text, sum(widths[c:c1 + 1]), size))
    for r, n in enumerate(lines):
        ws.set_row(top + r, row_height(n, size, minimum=22))
    return _indicator_grid(ws, pal, view, top + len(rows), widths)


def _runs(keys: list) -> list[tuple[int, int]]:
    """(first, last) index of each run of equal consecutive keys."""
    out, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            out.append((start, i - 1))
            start = i
    return out


def _indicator_header(ws, pal: Palette, view: TargetView, top: int, widths: list[float]) -> int:
    """The indicator header rows; the cell over the label column merges down through the indicator rows."""
    layout, rows = view.layout, view.rows
    header = layout.indicator_rows
    label = next((c.col for c in layout.grid_columns if c.role == "label"), None)
    head_fmt, size = pal.get("indicator_header"), pal.size("indicator")
    lines = [1] * len(header)
    for r, c, cell in place_header(header):
        last_row = top + r + cell.rowspan - 1
        if c == label and r + cell.rowspan == len(header) and rows:
            last_row = top + len(header) + len(rows) - 1
        fmt = pal.get("indicator_header", align=cell.align) if cell.align != "center" else head_fmt
        merge_text(ws, pal, top + r, c, last_row, c + cell.span - 1, cell.text or "", fmt)
        if cell.rowspan == 1:
            lines[r] = max(lines[r], line_count(cell.text or "", sum(widths[c:c + cell.span]), size))
    for r, n in enumerate(lines):
        ws.set_row(top + r, row_height(n, size, minimum=22))
    return top + len(header)


def _indicator_grid(ws, pal: Palette, view: TargetView, top: int, widths: list[float]) -> tuple[int, tuple[int, int]]:
    """Indicator header and rows; 绩效指标, 一级, 二级 and `merge` columns merged vertically."""
    rows = view.rows
    first = _indicator_header(ws, pal, view, top, widths)
    level, size = pal.get("indicator_level"), pal.size("indicator")
    lines = [1] * len(rows)
    for column in view.layout.grid_columns:
        c, c1, role = column.col, column.col + column.span - 1, column.role
        width = sum(widths[c:c1 + 1])
        if role == "label":
            continue
        if role in ("l1", "l2") or column.merge:
            keys = [(r.l1, r.text(role)) if role == "l2" else r.text(role) for r in rows]
            for a, b in _runs(keys):
                text = rows[a].text(role)
                merge_text(ws, pal, first + a, c, first + b, c1, text, level if role in ("l1", "l2")
                           else _column_format(pal, column))
                if a == b:
                    lines[a] = max(lines[a], line_count(text, width, size))
            continue
        _indicator_column(ws, pal, rows, column, first, width, lines)
    for i, n in enumerate(lines):
        ws.set_row(first + i, row_height(n, size))
    return first + len(rows), (top, first - 1)


def _column_format(pal: Palette, column, num_format: str | None = None):
    role = "indicator" if column.role == "name" else "indicator_value"
    extra = {"align": column.align} if column.align else {}
    if num_format:
        extra["num_format"] = num_format
    return pal.get(role, **extra)


def _indicator_column(ws, pal: Palette, rows, column, top: int, width: float, lines: list[int]) -> None:
    """One grid column: numbers (typed as numbers where the column has a format, or weights) as numbers."""
    fmt, size = _column_format(pal, column), pal.size("indicator")
    c, c1, role = column.col, column.col + column.span - 1, column.role
    for i, row in enumerate(rows):
        number = row.numbers.get(role)
        if number is None and role == "weight" and row.source.weight is not None:
            number = row.source.weight
        if number is not None:
            style = _column_format(pal, column, excel_format(number, column.format)) if column.format else fmt
            if c1 > c:
                ws.merge_range(top + i, c, top + i, c1, "", style)
            ws.write_number(top + i, c, number, style)
            continue
        text = row.text(role)
        if c1 > c:
            merge_text(ws, pal, top + i, c, top + i, c1, text, fmt)
        else:
            put_text(ws, pal, top + i, c, text, fmt)
        lines[i] = max(lines[i], line_count(text, width, size))
