"""Workbooks of the evaluation: the 绩效自评表 (one sheet per part, the P8 指标体系 on a sheet of its own)
and the 资金执行情况表 (one sheet per part), each written through the project's streaming writer."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime

from .evaluation_grid import Grid
from .evaluation_grid_xlsx import write_grid
from .xlsx_styles import Palette, load_styles
from .xlsx_targets import unique_sheet_names
from .xlsx_writer import Workbook


def sheet_names(wishes: list[str]) -> list[str]:
    """Excel sheet names: illegal characters dropped, at most 31 characters, unique (…(2), …(3))."""
    return unique_sheet_names(wishes, fallback="Sheet")


def grids_workbook(grids: Iterable[Grid], title: str, author: str, created: datetime) -> bytes:
    """The grids as one workbook, one sheet each, named by the grid's `sheet`."""
    grids = list(grids)
    buf = io.BytesIO()
    wb = Workbook(buf)
    wb.set_properties({"title": title, "author": author, "created": created})
    pal = Palette(wb, load_styles())
    for name, grid in zip(sheet_names([g.sheet or g.title for g in grids]), grids, strict=True):
        ws = wb.add_worksheet(name)
        write_grid(ws, pal, grid)
    if not grids:
        wb.add_worksheet(title[:31] or "Sheet1")
    wb.close()
    return buf.getvalue()
