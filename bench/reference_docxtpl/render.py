"""The reference: docxtpl templates (one per document) and openpyxl workbooks, fed from plain data.

Short and readable on purpose, no deliberate slowness: build a context dict, render the template,
save to bytes. Workbooks: normal-mode openpyxl (write-only mode cannot merge cells), merged header
cells, SUM formulas for totals and subtotals, leaf formulas such as =C7-D7 where ours has them.
"""

from __future__ import annotations

import io
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from bench.plain import DocSet, Table, Target, TargetDoc
from bench.reference_docxtpl.build_templates import TEMPLATES, table_signature, targets_signature
from generator.money import excel_number_format, format_cell

ENV = jinja2.Environment(autoescape=True)


def _render(template: str, context: dict) -> bytes:
    tpl = DocxTemplate(TEMPLATES / f"{template}.docx")
    tpl.render(context, ENV)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _name(number: str, title: str, ext: str) -> str:
    return f"附件{number} {title}.{ext}"


def render_docx(ds: DocSet) -> dict[str, bytes]:
    """Every .docx of the document set."""
    n = ds.notice
    files = {f"{n.doc_number}.docx": _render("notice", {
        "n": n, "body": [{"heading": h or "", "text": t} for h, t, _ in n.body]})}
    for table in ds.tables:
        files[_name(table.number, table.title, "docx")] = _render(table_signature(table), alloc_context(table))
    for doc in ds.targets:
        files[_name(doc.number, doc.title, "docx")] = _render(targets_signature(_layouts(doc)), targets_context(doc))
    for form in ds.forms:
        files[_name(form.number, form.title, "docx")] = _render(form.kind, form_context(form))
    return files


def form_context(form) -> dict:
    """Texts of a form or letter."""
    above, below = form.lines
    return {"number": form.number, "title": form.title, "columns": form.columns, "rows": form.rows,
            "notes": form.notes, "paragraphs": form.paragraphs, "above": above, "below": below}


def alloc_context(table: Table) -> dict:
    """Header texts and formatted rows."""
    formats = table.formats
    rows = [{"label": r.label, "code": r.code,
             "v": [format_cell(v, f, r.subtotal) for v, f in zip(r.values, formats, strict=True)]} for r in table.rows]
    return {"number": table.number, "title": table.title, "unit_line": table.unit_line,
            "h": [[c.text for c in row] for row in table.header], "rows": rows}


def _layouts(doc: TargetDoc) -> list[str]:
    return list(dict.fromkeys(t.layout for t in doc.tables))


def targets_context(doc: TargetDoc) -> dict:
    """One entry per target table: header texts, indicator header, indicator rows."""
    tables = [{"layout": t.layout, "title": t.title, "subtitle": t.subtitle,
               "h": [[c.text for c in row] for row in t.header], "ih": t.indicator_header,
               "indicators": t.indicators} for t in doc.tables]
    return {"number": doc.number, "tables": tables}


# --- workbooks --------------------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEAD_FONT = Font(name="黑体", size=10)
BODY_FONT = Font(name="仿宋_GB2312", size=10)
TITLE_FONT = Font(name="方正小标宋简体", size=16)


def render_xlsx(ds: DocSet) -> dict[str, bytes]:
    """As ours: a workbook per allocation table and per target-table attachment (a sheet per table when
    the attachment prints a table per page, else one sheet)."""
    files = {}
    for table in ds.tables:
        wb = Workbook()
        write_table(wb.active, table)
        files[_name(table.number, table.title, "xlsx")] = _save(wb)
    for doc in ds.targets:
        wb = Workbook()
        wb.remove(wb.active)
        if doc.per_page:
            for t, name in zip(doc.tables, sheet_names(doc.tables), strict=True):
                write_target(wb.create_sheet(name), t, 1)
        else:
            write_targets(wb.create_sheet(f"附件{doc.number}"), doc)
        files[_name(doc.number, doc.title, "xlsx")] = _save(wb)
    for form in ds.forms:
        if form.kind == "feedback_form":
            wb = Workbook()
            write_feedback(wb.active, form)
            files[_name(form.number, form.title, "xlsx")] = _save(wb)
    return files


def feedback_formulas(r: int, first: int, last: int, total: bool) -> dict[int, str]:
    """Column → formula of a feedback-form row (as ours: 未支出 = 金额 − 实际, 进度 = 实际 / 金额)."""
    if total:
        return {4: f"=SUM(D{first}:D{last})", 5: f"=SUM(E{first}:E{last})", 7: f"=D{r}-E{r}",
                8: f'=IFERROR(E{r}/D{r},"")'}
    return {7: f'=IF(AND(D{r}="",E{r}=""),"",D{r}-E{r})', 8: f'=IFERROR(E{r}/D{r},"")'}


def write_feedback(ws, form) -> None:
    """跟踪反馈表: title, header line, column heads, 合计 and numbered rows with formulas, notes."""
    ws.title = f"附件{form.number}"
    ws.cell(1, 1, f"附件{form.number}").font = HEAD_FONT
    ws.cell(2, 1, form.title).font = TITLE_FONT
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(form.columns))
    left, unit = form.lines[0].split("\t")
    ws.cell(3, 1, left)
    ws.cell(3, len(form.columns), unit)
    for c, text in enumerate(form.columns, 1):
        cell = ws.cell(4, c, text)
        cell.font, cell.alignment, cell.border = HEAD_FONT, CENTERED, BOX
    first, last = 6, 4 + len(form.rows)
    for i, cells in enumerate(form.rows):
        r = 5 + i
        ws.cell(r, 1, cells[0] if i == 0 else int(cells[0])).border = BOX
        for c, formula in feedback_formulas(r, first, last, i == 0).items():
            ws.cell(r, c, formula).border = BOX
    for k, note in enumerate(form.notes):
        ws.cell(last + 1 + k, 1, note)


def sheet_names(tables: list[Target]) -> list[str]:
    """Sheet names from unit names: at most 31 characters, no []:*?/\\, unique."""
    used, out = set(), []
    for t in tables:
        base = "".join(ch for ch in t.unit if ch not in "[]:*?/\\")[:28] or "绩效目标表"
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = f"{base}({n})"
        used.add(name.lower())
        out.append(name)
    return out


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_header(ws, header, top: int, font=HEAD_FONT) -> None:
    """Header cells at their grid positions, value first, then merged."""
    taken: set[tuple[int, int]] = set()
    for r, cells in enumerate(header):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            row, col = top + r, c + 1
            target = ws.cell(row, col, float(cell.number) if cell.number is not None else cell.text)
            target.font, target.alignment, target.border = font, CENTERED, BOX
            if cell.span > 1 or cell.rowspan > 1:
                ws.merge_cells(start_row=row, start_column=col, end_row=row + cell.rowspan - 1,
                               end_column=col + cell.span - 1)
            for dr in range(cell.rowspan):
                for dc in range(cell.span):
                    taken.add((r + dr, c + dc))
            c += cell.span


def write_table(ws, table: Table) -> None:
    """Title, unit line, merged header, rows: inputs as numbers, totals as SUM, derived leaves as formulas."""
    ws.title = f"附件{table.number}"
    ncols = len(table.text_columns) + table.money_count
    ws.cell(1, 1, f"附件{table.number}").font = HEAD_FONT
    ws.cell(2, 1, table.title).font = TITLE_FONT
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    ws.cell(2, 1).alignment = CENTERED
    ws.cell(3, ncols, table.unit_line).alignment = Alignment(horizontal="right")
    write_header(ws, table.header, 4)
    first = 4 + len(table.header)
    ntext = len(table.text_columns)
    formats = [excel_number_format(f) for f in table.formats]
    letters = [get_column_letter(ntext + j + 1) for j in range(table.money_count)]
    for i, row in enumerate(table.rows):
        r = first + i
        for k, kind in enumerate(table.text_columns):
            cell = ws.cell(r, k + 1, row.code if kind == "code" else row.label)
            cell.font, cell.border = BODY_FONT, BOX
        for j, value in enumerate(row.values):
            if row.sum_rows:
                refs = ",".join(f"{letters[j]}{first + s}" for s in row.sum_rows)
                value = f"=SUM({refs})"
            elif row.terms[j]:
                value = "=" + "".join(f"{'+' if s > 0 else '-'}{letters[c]}{r}" for s, c in row.terms[j]).lstrip("+")
            cell = ws.cell(r, ntext + j + 1, value)
            cell.number_format, cell.font, cell.border = formats[j], BODY_FONT, BOX
    for i, w in enumerate(table.widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w * 1.6
    ws.freeze_panes = ws.cell(first, ntext + 1)


def write_targets(ws, doc: TargetDoc) -> None:
    """The attachment's target tables one under another, each with merged header and indicator cells."""
    r = 1
    for t in doc.tables:
        r = write_target(ws, t, r) + 2


def write_target(ws, t: Target, top: int) -> int:
    """One target table from row `top`; returns its last row."""
    ws.cell(top, 1, t.title).font = TITLE_FONT
    ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=t.columns)
    ws.cell(top + 1, 1, t.subtitle)
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=t.columns)
    write_header(ws, t.header, top + 2, BODY_FONT)
    ih = top + 2 + len(t.header)
    for i, text in enumerate(t.indicator_header, 1):
        cell = ws.cell(ih, i, text)
        cell.font, cell.alignment, cell.border = HEAD_FONT, CENTERED, BOX
    last = ih + len(t.indicators)
    grid = t.grid
    if "label" in grid:
        col = grid.index("label") + 1
        ws.merge_cells(start_row=ih, start_column=col, end_row=last, end_column=col)
    for i, ind in enumerate(t.indicators):
        r = ih + 1 + i
        for c, role in enumerate(grid, 1):
            span = ind.l1_span if role == "l1" else ind.l2_span if role == "l2" else 1
            if role == "label" or not span:
                continue  # inside a vertical merge: written once, on its first row
            value = float(ind.weight) if role == "weight" and ind.weight is not None else ind.cells[c - 1]
            cell = ws.cell(r, c, value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a target value such as "=100%" is text, not a formula
            cell.font, cell.border = BODY_FONT, BOX
            if span > 1:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + span - 1, end_column=c)
    return last


def write_files(files: dict[str, bytes], folder: Path) -> None:
    """Save a document set (for looking at it)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
