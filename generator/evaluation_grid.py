"""A form as plain rows of cells (text, numbers, merges, formulas): the one shape that both the Word and the
Excel renderings of the evaluation's tables read.

The 自评表 (D1/D2/D3), the 指标体系 (E), the allocation and the execution tables are built as a Grid by
evaluation_forms.py; evaluation_grid_docx.py prints a Grid as a Word table and evaluation_grid_xlsx.py
writes it to a sheet. A row lists only the cells that start in it, left to right; positions covered by
a cell above (rowspan) or to the left (span) are skipped, as in HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .cell_grid import Misfit, Slot, place_cells

Ref = tuple[int, int]  # (grid row, grid column) of a cell, for formulas

# Cell roles: how a cell prints (font, alignment) in Word and which palette role it takes in Excel.
HEAD, LABEL, TEXT, LEFT, NUMBER, TOTAL, TOTAL_NUMBER = "head", "label", "text", "left", "number", "total", "total_number"
SUBTOTAL = "subtotal"  # a 小计 label: 黑体, left-aligned


@dataclass(frozen=True)
class GCell:
    """One cell: its printed text, or a number with its Excel format; merges; an optional live formula."""

    text: str = ""  # what Word prints (numbers too: the derived figure's text, never recomputed here)
    role: str = TEXT
    span: int = 1  # columns it covers
    rowspan: int = 1  # rows it covers
    value: Decimal | None = None  # a number: Excel stores it as a number (percentages as fractions: 0.8149)
    num_format: str = "0.00"  # Excel's format for `value`
    ratio: tuple[Ref, Ref] | None = None  # Excel: =IFERROR(numerator/denominator,0), cached `value`
    sums: tuple[Ref, ...] = ()  # Excel: =SUM(...) over these cells, cached `value`


@dataclass
class Grid:
    """A titled form: column widths (in em of body text), rows of cells, and how many header rows repeat."""

    title: str
    widths: list[float]
    rows: list[list[GCell]] = field(default_factory=list)
    subtitle: str = ""  # （2023年度）
    unit: str = ""  # 单位：万元, printed right-aligned above the table
    header_rows: int = 0  # rows from `split` on printed again on every page (Word), at the top (Excel)
    split: int = 0  # Word: the rows above start a table of their own, so that the header rows after them repeat
    note: str = ""  # printed under the table
    sheet: str = ""  # Excel sheet name (the renderer makes it unique)
    landscape: bool = False
    keep: bool = False  # Word: keep the rows above `split` on the page of the rows after (short header blocks)

    def add(self, *cells: GCell) -> int:
        """Append one row; returns its grid row index (for formula references)."""
        self.rows.append(list(cells))
        return len(self.rows) - 1


Placed = Slot  # a cell at its grid position (cell None: a rowspan from above continues)


def place(grid: Grid) -> list[list[Placed]]:
    """Every row's cells at their columns, with the continuations of vertical merges filled in."""
    try:
        return place_cells(grid.rows, len(grid.widths))
    except Misfit as e:
        raise ValueError(f"{grid.title}: {e}") from e
