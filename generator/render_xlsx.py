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
from .derive_targets import TargetView
from .errors import RenderError
from .model import NumberFormat
from .money import ZERO, decimals_of, excel_number_format, format_amount
from .sums import Numbered
from .xlsx_styles import Palette, line_count, load_styles, merge_text, put_text, row_height, text_width
from .xlsx_writer import Workbook, col_name

MAX_ARGS = 255  # Excel's limit on a function's arguments
MAX_FORMULA = 8000  # Excel's limit is 8,192 characters
WIDE = 100  # total column width (character units) above which a sheet prints landscape
FIXED_DATE = datetime(2000, 1, 1)
FEEDBACK_COLUMNS = ["序号", "收到的财政专项资金名称", "文号", "资金金额", "实际支出金额", "资金支出方向", "未支出金额",
                    "实际支出进度", "未按计划或预算执行要求支出的原因", "整改措施及整改时间"]
FEEDBACK_WIDTHS = [5, 20, 14, 10, 11, 14, 10, 10, 20, 18]
FEEDBACK_MONEY = "#,##0.00;-#,##0.00;"  # a blank form shows no zeros
FEEDBACK_PERCENT = "0.00%"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


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


def _print_setup(ws, landscape: bool, last_row: int, last_col: int, repeat: tuple[int, int] | None) -> None:
    """A4, fit to one page wide, centred, header rows on every page, page numbers in the footer."""
    ws.set_paper(9)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_area(0, 0, last_row, last_col)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    ws.set_footer("&C第 &P 页，共 &N 页")


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
    _set_widths(ws, widths)
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
    _print_setup(ws, view.landscape or total_width > WIDE, data + len(rows) - 1, last_col, (head, data - 1))


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


# ---------------------------------------------------------------- target tables


def sheet_names(views: list[TargetView]) -> list[str]:
    """Unique, valid sheet names from the units' names: ≤ 31 characters, no []:*?/\\, de-duplicated."""
    return unique_sheet_names([view.unit.name for view in views])


def unique_sheet_names(bases: list[str], fallback: str = "绩效目标表") -> list[str]:
    """Valid sheet names from these wishes: ≤ 31 characters, no []:*?/\\, de-duplicated with (2), (3)…"""
    used: set[str] = set()
    out = []
    for wish in bases:
        base = SHEET_FORBIDDEN.sub("", wish).strip("'").strip() or fallback
        name, n = base[:31], 1
        while name.lower() in used or name.lower() == "history":
            n += 1
            suffix = f"({n})"
            name = base[:31 - len(suffix)] + suffix
        used.add(name.lower())
        out.append(name)
    return out


def write_targets(wb, pal: Palette, item: Numbered, views: list[TargetView]) -> None:
    """Target tables: one sheet per table (per_page) or all on one sheet (continuous)."""
    if not views:
        ws = add_sheet(wb, f"附件{item.number}")
        _heading(ws, pal, item.number, item.title, 4, 60, 0)
        return
    if item.attachment.flow == "continuous":
        ws = add_sheet(wb, f"附件{item.number}")
        widths = _target_widths(views)
        _set_widths(ws, widths)
        top, breaks = 0, []
        for k, view in enumerate(views):
            if k:
                breaks.append(top + 1)
                top += 1  # a blank row between tables
            top = write_target(ws, pal, view, top, item.number if k == 0 else None, widths)
        ws.set_h_pagebreaks(breaks)
        _print_setup(ws, sum(widths) > WIDE, top - 1, len(widths) - 1, None)
        return
    for k, (view, name) in enumerate(zip(views, sheet_names(views), strict=True)):
        ws = add_sheet(wb, name)
        widths = _target_widths([view])
        _set_widths(ws, widths)
        bottom = write_target(ws, pal, view, 0, item.number if k == 0 else None, widths)
        _print_setup(ws, sum(widths) > WIDE, bottom - 1, len(widths) - 1, None)


def _set_widths(ws, widths: list[float]) -> None:
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)


def _target_widths(views: list[TargetView]) -> list[float]:
    """Column widths from the layouts (characters → units), the widest per column over all tables."""
    widths = [0.0] * max(len(v.layout.grid) for v in views)
    for view in views:
        for c, w in enumerate(view.layout.widths):
            widths[c] = max(widths[c], w * 2 + 1)
    return [w or 8.0 for w in widths]


def place_header(rows) -> list[tuple[int, int, object]]:
    """(row, column, cell) for each header cell, skipping columns that a rowspan above still covers."""
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


def write_target(ws, pal: Palette, view: TargetView, top: int, number: str | None, widths: list[float]) -> int:
    """One target table from `top`: title, header block, indicator grid; returns the next free row."""
    layout = view.layout
    last_col = len(layout.grid) - 1
    top = _heading(ws, pal, number, view.title, last_col, sum(widths[:last_col + 1]), top)
    if view.subtitle:
        merge_text(ws, pal, top, 0, top, last_col, view.subtitle, pal.get("subtitle"))
        ws.set_row(top, row_height(1, pal.size("subtitle")))
        top += 1
    lines = [1] * len(layout.header)
    size = pal.size("target_field")
    amount_fmt = pal.get("target_number", num_format=_amount_format(view.amount))
    for r, c, cell in place_header(layout.header):
        r0, c1, r1 = top + r, c + cell.span - 1, top + r + cell.rowspan - 1
        if cell.value == "amount":
            if cell.span > 1 or cell.rowspan > 1:
                ws.merge_range(r0, c, r1, c1, "", amount_fmt)
            ws.write_number(r0, c, float(view.amount), amount_fmt)
            continue
        text = view.header_text(cell)
        role = "target_field" if cell.field or cell.value == "goal" else "target_label"
        fmt = pal.get(role, align="left") if cell.align == "left" else pal.get(role)
        merge_text(ws, pal, r0, c, r1, c1, text, fmt)
        if cell.rowspan == 1:
            lines[r] = max(lines[r], line_count(text, sum(widths[c:c1 + 1]), size))
    for r, n in enumerate(lines):
        ws.set_row(top + r, row_height(n, size, minimum=22))
    return _indicator_grid(ws, pal, view, top + len(layout.header), widths)


def _amount_format(amount: Decimal) -> str:
    decimals = decimals_of(amount.normalize()) if amount != amount.to_integral_value() else 0
    return "0." + "0" * decimals if decimals else "0"


def _runs(keys: list) -> list[tuple[int, int]]:
    """(first, last) index of each run of equal consecutive keys."""
    out, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            out.append((start, i - 1))
            start = i
    return out


def _indicator_grid(ws, pal: Palette, view: TargetView, top: int, widths: list[float]) -> int:
    """Indicator header row and rows; 绩效指标, 一级 and 二级 merged vertically."""
    layout, rows = view.layout, view.rows
    grid = layout.grid
    head_fmt = pal.get("indicator_header")
    size = pal.size("indicator")
    last = top + len(rows)
    head_lines = 1
    for c, role in enumerate(grid):
        text = layout.indicator_header[c] if c < len(layout.indicator_header) else ""
        if role == "label":
            merge_text(ws, pal, top, c, last, c, text, head_fmt)
        else:
            put_text(ws, pal, top, c, text, head_fmt)
            head_lines = max(head_lines, line_count(text, widths[c], size))
    ws.set_row(top, row_height(head_lines, size, minimum=22))
    level = pal.get("indicator_level")
    lines = [1] * len(rows)
    for c, role in enumerate(grid):
        if role in ("l1", "l2"):
            keys = [r.l1 for r in rows] if role == "l1" else [(r.l1, r.l2) for r in rows]
            for a, b in _runs(keys):
                text = rows[a].l1 if role == "l1" else rows[a].l2
                merge_text(ws, pal, top + 1 + a, c, top + 1 + b, c, text, level)
                if a == b:
                    lines[a] = max(lines[a], line_count(text, widths[c], size))
        elif role != "label":
            _indicator_column(ws, pal, rows, role, c, top + 1, widths[c], lines)
    for i, n in enumerate(lines):
        ws.set_row(top + 1 + i, row_height(n, size))
    return last + 1


def _indicator_column(ws, pal: Palette, rows, role: str, c: int, top: int, width: float, lines: list[int]) -> None:
    fmt = pal.get("indicator" if role == "name" else "indicator_value")
    size = pal.size("indicator")
    for i, row in enumerate(rows):
        if role == "weight" and row.source.weight is not None:
            ws.write_number(top + i, c, float(row.source.weight), fmt)
            continue
        text = row.name if role == "name" else row.value if role == "value" else row.extra.get(role, "")
        put_text(ws, pal, top + i, c, text, fmt)
        lines[i] = max(lines[i], line_count(text, width, size))


# ---------------------------------------------------------------- feedback form


def write_feedback(wb, pal: Palette, item: Numbered) -> None:
    """跟踪反馈表: header, a 合计 row and numbered blank rows with live formulas, then the notes."""
    att = item.attachment
    ws = add_sheet(wb, f"附件{item.number}")
    last_col = len(FEEDBACK_COLUMNS) - 1
    _set_widths(ws, FEEDBACK_WIDTHS)
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
    _print_setup(ws, True, r - 1, last_col, (head, head))


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
    "target_tables": lambda wb, pal, derived, item: write_targets(wb, pal, item, derived.targets_for(item)),
    "feedback_form": lambda wb, pal, derived, item: write_feedback(wb, pal, item),
}
