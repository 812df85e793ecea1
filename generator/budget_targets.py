"""The 项目绩效目标表 of a budget: one TargetView per project, printed by the layouts engine in Word
(docx_targets) and Excel (render_xlsx.write_target), numbered N、<项目名称>绩效目标表 as published."""

from __future__ import annotations

import io
from datetime import datetime

from .budget_derive import BudgetDerived
from .budget_docx import money_text
from .derive_targets import TargetView, number_indicators
from .errors import Problem
from .model import TargetTable, Unit
from .render_xlsx import _print_setup, _set_widths, _target_widths, write_target
from .textfill import fill
from .xlsx_styles import Palette, load_styles
from .xlsx_writer import SHEET_FORBIDDEN, Workbook

QUARTERS = ("plan_q1", "plan_q2", "plan_q3", "plan_q4")


def target_views(d: BudgetDerived, problems: list[Problem]) -> list[TargetView]:
    """A view per project: header fields from the project, 一级 from 二级, the numbered title."""
    layout = d.budget.layout
    if layout is None:
        return []
    unit = Unit(d.budget.dept_code, d.budget.dept_name, "province_unit", d.budget.loc)
    views = []
    for n, p in enumerate(d.projects, 1):
        fields = {"project_code": p.code, "project_name": p.name, "purpose": p.purpose, "other_funds": "",
                  **{q: money_text(m.value if m else None) for q, m in zip(QUARTERS, p.plan, strict=False)}}
        context = {"number": n, "amount": money_text(p.amount.value), "year": d.budget.year, **fields}
        table = TargetTable(layout.name, unit.id, p.loc, fields, p.goal, p.indicators)
        texts = {}
        for header_row in layout.header:
            for cell in header_row:
                if cell.field:
                    texts[id(cell)] = fields.get(cell.field, "")
                elif cell.value == "amount":
                    texts[id(cell)] = context["amount"]
                elif cell.value == "goal":
                    texts[id(cell)] = p.goal
                else:
                    texts[id(cell)] = fill(cell.text or "", context, layout.loc, problems, "表样表头")
        title = fill(layout.title, context, layout.loc, problems, "表题")
        views.append(TargetView(table, layout, unit, p.amount.value, fields, p.goal, title, None,
                                number_indicators(p.indicators, layout.numbering), texts))
    return views


def targets_workbook(views: list[TargetView], title: str, created: datetime, styles: dict | None = None) -> bytes:
    """The target tables as one workbook, a sheet per table named N、<项目名称> (unique, ≤ 31 characters)."""
    buf = io.BytesIO()
    wb = Workbook(buf)
    wb.set_properties({"title": title, "author": views[0].unit.name if views else "", "created": created})
    pal = Palette(wb, styles if styles is not None else load_styles())
    for n, view in enumerate(views, 1):
        name = SHEET_FORBIDDEN.sub("", f"{n}、{view.fields['project_name']}")[:31].strip("'")
        ws = wb.add_worksheet(name)
        widths = _target_widths([view])
        _set_widths(ws, widths)
        bottom = write_target(ws, pal, view, 0, None, widths)
        _print_setup(ws, sum(widths) > 100, bottom - 1, len(widths) - 1, None)
    if not views:
        wb.add_worksheet("绩效目标表")
    wb.close()
    return buf.getvalue()
