"""Render a derived self-evaluation report into its documents: file name → bytes. Pure: writer.py writes.

绩效自评报告.docx (the report, each part with its tables and its 自评表), 绩效自评表.docx and 绩效自评表.xlsx
(every part's 自评表, and the 指标体系 of a part that has one; one sheet each), and 资金执行情况表.xlsx
(every part's execution table, 执行率 as live formulas) when any part has one.
"""

from __future__ import annotations

from datetime import datetime

from . import evaluation_tables as tables
from .evaluation_grid import Grid
from .evaluation_model import ReportView
from .evaluation_report_docx import report_docx
from .evaluation_selfeval_docx import forms_docx
from .evaluation_selfeval_xlsx import grids_workbook
from .render import safe_file_name


def forms(view: ReportView) -> list[tuple[str, Grid]]:
    """(part heading, form) for every part: its 自评表, then its 指标体系 where it has one."""
    out = []
    for pv in view.parts:
        out.append((pv.heading, tables.selfeval(view, pv)))
        system = tables.system(pv)
        if system is not None:
            out.append((pv.heading, system))
    return out


def render_evaluation(view: ReportView) -> dict[str, bytes]:
    """Every document of the self-evaluation report."""
    r = view.report
    created = datetime(r.year + 1, 1, 1)  # a fixed document date: the same spec gives the same bytes
    author = "、".join(r.issuers)
    stem = r.file_stem
    pairs = forms(view)
    files = {
        safe_file_name(f"{stem}绩效自评报告", "docx"): report_docx(view),
        safe_file_name(f"{stem}绩效自评表", "docx"): forms_docx(pairs),
        safe_file_name(f"{stem}绩效自评表", "xlsx"): grids_workbook([g for _, g in pairs], f"{stem}绩效自评表",
                                                                    author, created),
    }
    executions = [g for g in (tables.execution(pv) for pv in view.parts) if g is not None]
    if executions:
        files[safe_file_name(f"{stem}资金执行情况表", "xlsx")] = grids_workbook(executions, f"{stem}资金执行情况表",
                                                                            author, created)
    return files
