"""Render a derived budget into its document set: file name → bytes. Pure: nothing is written here.

The nine tables each as an .xlsx (as published, one table per file) and all nine in one .docx; the 说明
with its tables and the 58 target tables; the target tables again as a Word and an Excel book; the
说明's procurement and asset tables as .xlsx.
"""

from __future__ import annotations

from datetime import datetime

from .budget_derive import BudgetDerived
from .budget_docx import tables_docx
from .budget_note_tables import assets_table, purchase_table
from .budget_notes import notes_docx
from .budget_tables import build_tables
from .budget_targets import targets_docx, targets_workbook
from .budget_xlsx import table_workbook
from .render import safe_file_name


def render_budget(d: BudgetDerived) -> dict[str, bytes]:
    """Every document of the budget disclosure."""
    b = d.budget
    created = datetime(b.year, 1, 1)  # a fixed document date: the same budget gives the same bytes
    prefix = f"{b.dept_name}{b.year}年"
    tables = build_tables(d)
    files = {safe_file_name(f"{i:02d} {prefix}{t.title}", "xlsx"): table_workbook(t, created)
             for i, t in enumerate(tables, 1)}
    files[safe_file_name(f"{prefix}部门预算公开表", "docx")] = tables_docx(tables)
    files[safe_file_name(f"{prefix}部门预算信息公开情况说明", "docx")] = notes_docx(d, d.views)
    if d.views:
        title = f"{prefix}项目绩效目标表"
        files[safe_file_name(title, "docx")] = targets_docx(d.views)
        files[safe_file_name(title, "xlsx")] = targets_workbook(d.views, title, created)
    if b.purchases:
        files[safe_file_name(f"{prefix}部门政府采购预算", "xlsx")] = table_workbook(purchase_table(d), created)
    if b.assets:
        files[safe_file_name(f"{prefix}部门固定资产占用情况表", "xlsx")] = table_workbook(assets_table(d), created)
    return files
