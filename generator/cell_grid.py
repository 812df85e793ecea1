"""Rows of cells that span columns (span) and rows (rowspan), placed on a grid of columns.

Word needs a cell in every row a merged cell covers (w:vMerge continue), so each row's placed cells include those
continuations. One algorithm for every table built from such rows: the target tables' header blocks and indicator
headers (docx_targets), the budget tables' headers (budget_docx) and the self-evaluation forms (evaluation_grid).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple


class Slot(NamedTuple):
    """One cell at its grid position; `cell` is None where a cell merged down from a row above continues."""

    row: int  # 0-based
    col: int
    span: int
    cell: Any  # the row's cell object (with .span and .rowspan), or None
    vmerge: str | None  # "restart" (a cell with rowspan > 1), "continue", or None


class Misfit(ValueError):
    """Rows that do not fill the grid: `row` (1-based) reaches `reached` columns with `extra` cells left over;
    `overhang` when a rowspan runs past the last row."""

    def __init__(self, row: int, reached: int, extra: int, overhang: bool = False):
        super().__init__(f"row {row}: cells reach {reached} columns, {extra} left over" if not overhang
                         else "a rowspan runs past the last row")
        self.row, self.reached, self.extra, self.overhang = row, reached, extra, overhang


def place_cells(rows: Sequence[Sequence[Any]], width: int, strict: bool = True) -> list[list[Slot]]:
    """Every row's cells at their columns, continuations of vertical merges included. strict: a row that does
    not fill exactly `width` columns, or a rowspan past the last row, raises Misfit; otherwise a short row ends
    where its cells end."""
    pending: dict[int, tuple[int, int]] = {}  # column → (rows still covered, span)
    out = []
    for r, cells in enumerate(rows):
        placed, col, queue = [], 0, list(cells)
        while col < width:
            if col in pending:
                left, span = pending.pop(col)
                if left > 1:
                    pending[col] = (left - 1, span)
                placed.append(Slot(r, col, span, None, "continue"))
                col += span
                continue
            if not queue:
                break
            cell = queue.pop(0)
            if cell.rowspan > 1:
                pending[col] = (cell.rowspan - 1, cell.span)
            placed.append(Slot(r, col, cell.span, cell, "restart" if cell.rowspan > 1 else None))
            col += cell.span
        if strict and (col != width or queue):
            raise Misfit(r + 1, col, len(queue))
        out.append(placed)
    if strict and pending:
        raise Misfit(len(rows), width, 0, overhang=True)
    return out
