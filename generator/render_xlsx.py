"""Excel attachments: one workbook per allocation table, target-table attachment and feedback form.

Written with xlsx_writer (our own small writer with XlsxWriter's API: each sheet is streamed into the zip
when the next one begins). Every derived figure is a live formula that also stores the derived value,
so a sheet shows numbers in any viewer and recomputes when a clerk edits an input. Spec text is always written as a string.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from .derive import Derived
from .derive_tables import TableView
from .errors import RenderError
from .model import NumberFormat
from .money import ZERO, excel_number_format, format_amount
from .sums import Numbered
from .xlsx_styles import Palette, line_count, load_styles, merge_text, print_setup, put_text, row_height, text_width
from .xlsx_targets import WIDE, place_header, set_widths, sheet_names, unique_sheet_names, write_targets
from .xlsx_writer import Workbook, col_name

MAX_ARGS = 255  # Excel's limit on a function's arguments
MAX_FORMULA = 8000  # Excel's limit is 8,192 characters
FIXED_DATE = datetime(2000, 1, 1)
FEEDBACK_COLUMNS = ["序号", "收到的财政专项资金名称", "文号", "资金金额", "实际支出金额", "资金支出方向", "未支出金额",
                    "实际支出进度", "未按计划或预算执行要求支出的原因", "整改措施及整改时间"]
FEEDBACK_WIDTHS = [5, 20, 14, 10, 11, 14, 10, 10, 20, 18]
FEEDBACK_MONEY = "#,##0.00;-#,##0.00;"  # a blank form shows no zeros
FEEDBACK_PERCENT = "0.00%"
CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


__all__ = ["place_header", "render_workbooks", "sheet_names", "unique_sheet_names"]  # re-exported


def add_sheet(wb, name: str):
    """A new worksheet after the others (the previous one is finished: sheets are filled one at a time)."""
    return wb.add_worksheet(name)


def render_workbooks(derived: Derived, styles: dict[str, dict] | None = None) -> dict[str, bytes]:
    """Every Excel attachment of a batch: file name → .xlsx bytes (the filing form and letters are Word-only)."""
    from .render import document_name

    styles = styles if styles is not None else load_styles()
    created = _created(derived)
    files: dict[str, bytes] = {}
    for item in derived.attachments:
        writer = WRITERS.get(item.attachment.kind)
        if writer is None:
            continue
        buf = io.BytesIO()
        wb = Workbook(buf)
        wb.set_properties({"title": f"附件{item.number} {item.title}", "author": derived.batch.notice.issuer,
                           "created": created})
        writer(wb, Palette(wb, styles), derived, item)
        wb.close()
        files[document_name(item.number, item.title, "xlsx")] = buf.getvalue()
    return files


def _created(derived: Derived) -> datetime:
    """A fixed document date (the print date, 2024年3月8日) so that identical batches give identical files."""
    text = str(derived.batch.notice.print_date)
    found = CHINESE_DATE.fullmatch(text.strip())
    try:
        return datetime(*map(int, found.groups())) if found else datetime.fromisoformat(text)
    except ValueError:
        return FIXED_DATE


def _heading(ws, pal: Palette, number: str | None, title: str, last_col: int, width: float, top: int) -> int:
    """附件N label, then the title merged across the table; returns the next free row."""
    if number is not None:
        put_text(ws, pal, top, 0, f"附件{number}", pal.get("attachment_label"))
        ws.set_row(top, row_height(1, pal.size("attachment_label")))
        top += 1
    merge_text(ws, pal, top, 0, top, last_col, title, pal.get("title"))
    size = pal.size("title")
    ws.set_row(top, row_height(line_count(title, width, size), size, minimum=size * 2))
    return top + 1


# ---------------------------------------------------------------- allocation tables


def sum_template(rows: list[int]) -> str:
    """=SUM over sheet rows (1-based) with contiguous runs collapsed; "§" stands for the column letter."""
    args, start, prev = [], None, None
    for r in sorted(rows):
        if start is not None and r == prev + 1:
            prev = r
            continue
        if start is not None:
            args.append(f"§{start}:§{prev}" if prev != start else f"§{start}")
        start = prev = r
    if start is not None:
        args.append(f"§{start}:§{prev}" if prev != start else f"§{start}")
    chunks = [",".join(args[i:i + MAX_ARGS]) for i in range(0, len(args), MAX_ARGS)]
    return "=" + "+".join(f"SUM({c})" for c in chunks)


def terms_template(terms: list[tuple[int, str]], letters: dict[str, str]) -> str:
    """=E#-F# for signed same-row terms; "#" stands for the row number."""
    out = []
    for i, (sign, key) in enumerate(terms):
        op = "-" if sign < 0 else ("+" if i else "")
        out.append(f"{op}{letters[key]}#")
    return "=" + "".join(out)


def _zero_rule_formats(nf: NumberFormat) -> tuple[str, str]:
    """(format for total/subtotal rows, format for leaf rows) under the table's zero rule."""
    if nf.zero == "subtotals":
        return (excel_number_format(NumberFormat(nf.decimals, nf.thousands, "zero")),
                excel_number_format(NumberFormat(nf.decimals, nf.thousands, "blank")))
    fmt = excel_number_format(nf)
    return fmt, fmt


def _allocation_widths(view: TableView) -> list[float]:
    """Column widths in character units: CJK counts 2; headers wrap, so they count only up to a cap."""
    nf = view.attachment.number_format
    widths = []
    for col in view.columns:
        if col.width:
            widths.append(col.width * 2 + 1)
        elif col.kind == "unit":
            longest = max((text_width(r.label) + 2 * max(r.depth - 1, 0) for r in view.rows), default=8)
            widths.append(min(max(longest, text_width(col.label), 12), 40) + 2)
        elif col.kind == "code":
            longest = max((len(r.code) for r in view.rows), default=4)
            widths.append(max(longest + 2, min(text_width(col.label), 10) + 2))
        else:
            big = max((abs(r.values.get(col.key, ZERO)) for r in view.rows), default=ZERO)
            digits = len(format_amount(big, nf.decimals, nf.thousands)) + 2
            widths.append(max(digits, min(text_width(col.label), 12), 8) + 2)
    return widths


def write_allocation(wb, pal: Palette, view: TableView, number: str) -> None:
    """One allocation table on one sheet: merged two-row header, live formulas with cached values."""
    ws = add_sheet(wb, f"附件{number}")
    ws.set_default_row(18)
    cols, rows = view.columns, view.rows
    last_col = len(cols) - 1
    widths = _allocation_widths(view)
    set_widths(ws, widths)
    total_width = sum(widths)
    top = _heading(ws, pal, number, view.title, last_col, total_width, 0)
    merge_text(ws, pal, top, 0, top, last_col, view.unit_line, pal.get("unit_line"))
    head = top + 1
    data = _allocation_header(ws, pal, view, head, widths)
    _allocation_body(ws, pal, view, data, widths)
    unit_col = next((c for c, col in enumerate(cols) if col.kind == "unit"), 0)
    ws.freeze_panes(data, unit_col + 1)
    codes = [c for c, col in enumerate(cols) if col.kind == "code"]
    for c in codes:
        ws.ignore_errors({"number_stored_as_text": f"{col_name(c)}{data + 1}:{col_name(c)}"
                                                   f"{data + len(rows)}"})
    print_setup(ws, view.landscape or total_width > WIDE, data + len(rows) - 1, last_col, (head, data - 1))


def _allocation_header(ws, pal: Palette, view: TableView, head: int, widths: list[float]) -> int:
    """Header rows (group over measure, single columns merged vertically), then the formula row."""
    fmt = pal.get("header")
    size = pal.size("header")
    depth = 2 if view.two_row_header else 1
    lines = [1] * depth
    c = 0
    while c < len(view.columns):
        col = view.columns[c]
        if col.group and depth == 2:
            end = c
            while end + 1 < len(view.columns) and view.columns[end + 1].group == col.group:
                end += 1
            merge_text(ws, pal, head, c, head, end, col.group, fmt)
            lines[0] = max(lines[0], line_count(col.group, sum(widths[c:end + 1]), size))
            for k in range(c, end + 1):
                put_text(ws, pal, head + 1, k, view.columns[k].label, fmt)
                lines[1] = max(lines[1], line_count(view.columns[k].label, widths[k], size))
            c = end + 1
            continue
        merge_text(ws, pal, head, c, head + depth - 1, c, col.label, fmt)
        need = line_count(col.label, widths[c], size)
        if depth == 2 and need > lines[0] + lines[1]:
            lines[1] = need - lines[0]
        elif depth == 1:
            lines[0] = max(lines[0], need)
        c += 1
    for r, n in enumerate(lines):
        ws.set_row(head + r, row_height(n, size, minimum=24))
    data = head + depth
    if view.formula_row:
        letters = pal.get("formula_row")
        for c, col in enumerate(view.columns):
            put_text(ws, pal, data, c, col.formula_text or "", letters)
        data += 1
    return data


def _money_formats(pal: Palette, view: TableView) -> dict[str, list]:
    """Row style → the number format of each money column, under each column's zero rule."""
    rules = [_zero_rule_formats(col.number_format) for col in view.columns if col.kind == "money"]
    return {style: [pal.get(f"{style}_number", num_format=rule[1] if style == "leaf" else rule[0]) for rule in rules]
            for style in ("total", "subtotal", "leaf")}


def _allocation_body(ws, pal: Palette, view: TableView, data: int, widths: list[float]) -> None:
    """Data rows: labels, codes, and each money cell as an input number or a formula with its value."""
    money = [(c, col.key, col_name(c)) for c, col in enumerate(view.columns) if col.kind == "money"]
    money_fmts = _money_formats(pal, view)
    letters = {key: letter for _, key, letter in money}
    label_col = [c for c, col in enumerate(view.columns) if col.kind == "unit"]
    code_col = [c for c, col in enumerate(view.columns) if col.kind == "code"]
    label_size = pal.size("leaf_label")
    label_fmts: dict[tuple[str, int], object] = {}
    code_fmt = pal.get("code")
    # a formula stores the derived value rounded to the table's decimals
    quantum = Decimal(1).scaleb(-view.attachment.number_format.decimals)
    term_cache: dict[int, str] = {}
    row_calcs: dict[int, dict] = {}
    for (i, key), calc in view.calcs.items():
        row_calcs.setdefault(i, {})[key] = calc
    for i, row in enumerate(view.rows):
        r = data + i
        rn = str(r + 1)
        style = "total" if row.kind in ("total", "group") else row.kind
        indent = max(row.depth - 1, 0) if style != "total" else 0
        label_fmt = label_fmts.get((style, indent))
        if label_fmt is None:
            label_fmt = label_fmts[(style, indent)] = (pal.get(f"{style}_label", indent=indent) if indent
                                                       else pal.get(f"{style}_label"))
        for c in label_col:
            put_text(ws, pal, r, c, row.label, label_fmt)
            if text_width(row.label) + 2 * indent > widths[c] - 1.5:
                ws.set_row(r, row_height(line_count(row.label, widths[c] - 2 * indent, label_size), label_size))
        for c in code_col:
            put_text(ws, pal, r, c, row.code, code_fmt)
        values, calcs = row.values, row_calcs.get(i, {})
        sum_rows = sum_text = None  # a row's sums add the same child rows in every column: build the text once
        for (c, key, letter), num_fmt in zip(money, money_fmts[style], strict=True):
            value = values.get(key, ZERO)
            calc = calcs.get(key)
            if calc is None:
                ws.write_number(r, c, float(value), num_fmt)
                continue
            if calc.rows:
                if calc.rows != sum_rows:
                    sum_rows, sum_text = calc.rows, sum_template([data + k + 1 for k in calc.rows])
                formula = sum_text.replace("§", letter)
                if len(formula) > MAX_FORMULA:
                    raise RenderError(f"附件{view.number}「{row.label}」的合计公式超过 Excel 长度限制（{len(calc.rows)} 个下级行）")
            else:
                template = term_cache.get(id(calc.terms))
                if template is None:
                    template = term_cache[id(calc.terms)] = terms_template(calc.terms, letters)
                formula = template.replace("#", rn)
            ws.write_formula(r, c, formula, num_fmt, float(value.quantize(quantum, rounding=ROUND_HALF_UP)))


# ---------------------------------------------------------------- feedback form


def write_feedback(wb, pal: Palette, item: Numbered) -> None:
    """跟踪反馈表: header, a 合计 row and numbered blank rows with live formulas, then the notes."""
    att = item.attachment
    ws = add_sheet(wb, f"附件{item.number}")
    last_col = len(FEEDBACK_COLUMNS) - 1
    set_widths(ws, FEEDBACK_WIDTHS)
    top = _heading(ws, pal, item.number, item.title, last_col, sum(FEEDBACK_WIDTHS), 0)
    merge_text(ws, pal, top, 0, top, 5, att.header_left or "地、州、市（单位）名称：", pal.get("header_left"))
    merge_text(ws, pal, top, 6, top, last_col, att.unit_line, pal.get("unit_line"))
    head = top + 1
    head_fmt = pal.get("header")
    size = pal.size("header")
    for c, text in enumerate(FEEDBACK_COLUMNS):
        put_text(ws, pal, head, c, text, head_fmt)
    need = max(line_count(t, w, size) for t, w in zip(FEEDBACK_COLUMNS, FEEDBACK_WIDTHS, strict=True))
    ws.set_row(head, row_height(need, size, minimum=24))
    total = head + 1
    first, count = total + 1, max(att.rows_count, 1)
    last = first + count - 1
    _feedback_row(ws, pal, total, "合计", first, last)
    ws.set_row(total, 24)
    for i in range(count):
        _feedback_row(ws, pal, first + i, i + 1, None, None)
        ws.set_row(first + i, 24)
    note_fmt = pal.get("note")
    r = last + 1
    for note in att.notes:
        merge_text(ws, pal, r, 0, r, last_col, note, note_fmt)
        ws.set_row(r, row_height(line_count(note, sum(FEEDBACK_WIDTHS), pal.size("note")), pal.size("note")))
        r += 1
    ws.freeze_panes(head + 1, 0)
    print_setup(ws, True, r - 1, last_col, (head, head))


def _feedback_row(ws, pal: Palette, r: int, label, first: int | None, last: int | None) -> None:
    """The 合计 row (label text, SUM over rows first..last) or a numbered data row (inputs left blank)."""
    is_total = first is not None
    style = "total" if is_total else "leaf"
    text_fmt = pal.get("total_label") if is_total else pal.get("text")
    money = pal.get(f"{style}_number", num_format=FEEDBACK_MONEY)
    pct = pal.get(f"{style}_number", num_format=FEEDBACK_PERCENT)
    n = r + 1
    if is_total:
        put_text(ws, pal, r, 0, label, text_fmt)
        for c in (3, 4):
            col = col_name(c)
            ws.write_formula(r, c, f"=SUM({col}{first + 1}:{col}{last + 1})", money, 0)
        ws.write_formula(r, 6, f"=D{n}-E{n}", money, 0)
    else:
        ws.write_number(r, 0, label, pal.get("code"))
        ws.write_blank(r, 3, None, money)
        ws.write_blank(r, 4, None, money)
        ws.write_formula(r, 6, f'=IF(AND(D{n}="",E{n}=""),"",D{n}-E{n})', money, "")
    ws.write_formula(r, 7, f'=IFERROR(E{n}/D{n},"")', pct, "")
    for c in (1, 2, 5, 8, 9):
        ws.write_blank(r, c, None, text_fmt)


WRITERS = {
    "allocation_table": lambda wb, pal, derived, item: write_allocation(wb, pal, derived.tables[item.number],
                                                                        item.number),
    "target_tables": lambda wb, pal, derived, item: write_targets(wb, pal, item.number, item.title,
                                                                  derived.targets_for(item), item.attachment.flow,
                                                                  derived.sheet_names.get(item.number)),
    "feedback_form": lambda wb, pal, derived, item: write_feedback(wb, pal, item),
}
