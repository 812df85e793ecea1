"""The 项目绩效目标表 of a budget in Excel: the views budget_derive made, one sheet each, written by the
layouts engine (xlsx_targets.write_targets); Word prints the same views with docx_targets."""

from __future__ import annotations

import io
from datetime import datetime

from .derive_targets import TargetView
from .docx_package import STYLES, load_template, section_variant, sized_styles, table_styles, write_docx
from .docx_targets import target_tables_pieces
from .xlsx_styles import Palette, load_styles
from .xlsx_targets import write_targets
from .xlsx_writer import Workbook


def targets_workbook(views: list[TargetView], title: str, created: datetime, styles: dict | None = None) -> bytes:
    """The target tables as one workbook, a sheet per table named N、<项目名称> (unique, ≤ 31 characters)."""
    buf = io.BytesIO()
    wb = Workbook(buf)
    wb.set_properties({"title": title, "author": views[0].unit.name if views else "", "created": created})
    pal = Palette(wb, styles if styles is not None else load_styles())
    if views:  # a sheet per table, named N、<项目名称> (unique, ≤ 31 characters)
        names = [f"{n}、{view.fields['project_name']}" for n, view in enumerate(views, 1)]
        write_targets(wb, pal, None, title, views, "per_page", names)
    else:
        wb.add_worksheet("绩效目标表")
    wb.close()
    return buf.getvalue()


def targets_docx(views: list[TargetView]) -> bytes:
    """The target tables as one Word document, a page each."""
    package = load_template("attachment.docx")
    styles = table_styles(package)
    body = section_variant(package.section, grid=False)
    pieces = [package.head, *target_tables_pieces(views, "per_page", styles), "<w:p/>", body, "</w:body></w:document>"]
    return write_docx(package.parts, pieces, lambda: {STYLES: sized_styles(package, styles)})
