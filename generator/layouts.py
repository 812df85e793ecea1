"""Target-table layouts (表样): data files under templates/layouts, or a path the spec gives.

Every key is documented in docs/layouts.md. Problems name the cell's own file:line:col.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import jinja2

from .model import LINE_PLACES, CellFormat, GridColumn, HeaderCell, Layout, Loc, TitleLine
from .reader import Obj, Reader, check_width, describe
from .references import display_path, load_reference
from .yamlsrc import YList, YMap

LAYOUT_DIR = Path(__file__).resolve().parent.parent / "templates" / "layouts"
LAYOUT_KEYS = ["kind", "title", "subtitle", "grid", "widths", "fields", "header", "indicator_header",
               "indicator_fields", "numbering", "weight_total", "formats", "number_format", "repeat_header"]
GRID_ROLES = ["label", "l1", "l2", "name", "desc", "value", "basis", "prev", "weight", "rule", "evidence"]
INDICATOR_FIELDS = ["l1", "l2", "name", "desc", "value", "basis", "prev", "weight", "rule", "evidence"]
CELL_KEYS = ["text", "field", "default", "value", "span", "rowspan", "align", "format"]
GRID_KEYS = ["role", "span", "format", "align", "merge"]
FORMAT_KEYS = ["decimals", "thousands", "zero", "blank"]
ALIGNS = ["center", "left", "right"]
BUILTIN_FORMATS = {"compact": CellFormat(), "amount": CellFormat(2, True)}
_SYNTAX = jinja2.Environment()


def builtin_names() -> list[str]:
    """The layouts shipped with the project."""
    return sorted(p.stem for p in LAYOUT_DIR.glob("*.yaml"))


def load_referenced(rd: Reader, top: Obj, base: Path) -> dict[str, Layout]:
    """Load every layout named by targets.tables[].layout and attachments[].layouts."""
    names: dict[str, Loc] = {}
    targets = top.raw("targets")
    for item, loc in top.rd.items(targets.get("tables") if hasattr(targets, "get") else None,
                                  loc=dataclasses.replace(top.loc("targets"), path="targets.tables"), what="tables"):
        if hasattr(item, "get") and isinstance(item.get("layout"), str):
            f, line, col = item.val_pos.get("layout", (loc.file, loc.line, loc.col))
            names.setdefault(item["layout"], Loc(f, line, col, f"{loc.path}.layout"))
    out = {}
    for name, loc in names.items():
        layout = load_layout(rd, name, base, loc)
        if layout is not None:
            out[name] = layout
    return out


def load_layout(rd: Reader, name: str, base: Path, loc: Loc) -> Layout | None:
    """One layout by built-in name or by path relative to the spec."""
    if name.endswith((".yaml", ".yml")):
        loaded = load_reference(rd, name, base, loc, "target_layout")  # confined to the allowed roots
    elif re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", name) and (LAYOUT_DIR / f"{name}.yaml").is_file():
        loaded = load_reference(rd, f"{name}.yaml", LAYOUT_DIR, loc, "target_layout", [LAYOUT_DIR])  # built-in
    else:
        loaded = None
        rd.error(loc, f"找不到表样「{name[:60]}」（内置表样：{'、'.join(builtin_names())}；或写 .yaml 文件路径）")
    if loaded is None:
        return None
    path, data = loaded
    obj = rd.obj(data, Loc(display_path(path), 1, 1, ""), LAYOUT_KEYS, "表样")
    if obj is None:
        return None
    return read_layout(rd, obj, name)


def read_layout(rd: Reader, obj: Obj, name: str) -> Layout:
    """A layout from its opened mapping; every problem is recorded at the value's own position."""
    formats = _read_formats(rd, obj)
    columns = _read_grid(rd, obj, formats)
    width = sum(c.span for c in columns)
    fields = {k: v for k, (v, _) in obj.text_map("fields").items()}
    header, when = _read_header(rd, obj, fields, formats)
    _check_geometry(rd, header, [_row_loc(obj, "header", i) for i in range(len(header))], width, "表头")
    ind_header = _read_indicator_header(rd, obj, formats)
    rows_form = all(isinstance(item, YList) for item, _ in obj.items("indicator_header"))
    ind_locs = [_row_loc(obj, "indicator_header", i) if rows_form else obj.loc("indicator_header")
                for i in range(len(ind_header))]
    _check_geometry(rd, ind_header, ind_locs, width, "indicator_header（指标表头）")
    ind_fields = obj.texts("indicator_fields") or ["l2", "name", "value"]
    for f in ind_fields:
        if f not in INDICATOR_FIELDS:
            rd.error(obj.loc("indicator_fields"), f"指标字段「{f}」无效（可选：{'、'.join(INDICATOR_FIELDS)}）")
    widths = _read_widths(rd, obj, width)
    titles, title_locs = _lines(rd, obj, "title", required=True)
    subtitles = _subtitle_lines(rd, obj)
    return Layout(name, titles[0] if titles else "", [c.role for c in columns], widths, fields, header, ind_header,
                  ind_fields, obj.loc(), subtitles[0].text if subtitles else None,
                  obj.choice("numbering", ["none", "per_l2", "per_table"], "none"), obj.decimal("weight_total"),
                  titles, subtitles, columns, when, _format_of(rd, obj, "number_format", formats),
                  obj.boolean("repeat_header", True), title_locs)


def _row_loc(obj: Obj, key: str, i: int) -> Loc:
    items = obj.items(key)
    return items[i][1] if i < len(items) else obj.loc(key)


def _lines(rd: Reader, obj: Obj, key: str, required: bool = False) -> tuple[list[str], list[Loc]]:
    """A text or a list of texts (one per printed line), each checked for slot syntax at its position."""
    if not obj.has(key):
        if required:
            rd.error(obj.loc(), f"缺少必填项「{key}」")
        return [], []
    texts = obj.texts(key)
    locs = [loc for _, loc in obj.items(key)] if isinstance(obj.raw(key), YList) else [obj.loc(key)] * len(texts)
    return [check_slots(rd, text, loc) for text, loc in zip(texts, locs, strict=False)], locs


def _subtitle_lines(rd: Reader, obj: Obj) -> list[TitleLine]:
    """Sub-title lines: a text (centred) or, per line, a mapping of left/center/right texts."""
    if not obj.has("subtitle"):
        return []
    raw = obj.raw("subtitle")
    items = obj.items("subtitle") if isinstance(raw, YList) else [(raw, obj.loc("subtitle"))]
    lines = []
    for item, loc in items:
        if isinstance(item, YMap):
            line = _aligned_line(rd, item, loc)
            if line is not None:
                lines.append(line)
        elif isinstance(item, YList) or item is None:
            rd.error(loc, f"「subtitle」的每一行应为文字，或写明位置的映射（如 {{left: 单位：万元}}），实际是{describe(item)}")
        else:
            lines.append(TitleLine.centred(check_slots(rd, obj.check_text(str(item), loc), loc) or "", loc))
    return lines


def _aligned_line(rd: Reader, item: YMap, loc: Loc) -> TitleLine | None:
    """One sub-title line written as {left: …, center: …, right: …} (at least one of them), or as
    {text: …, align: left|center|right} like a header cell."""
    line = Obj(rd, item, loc, [*LINE_PLACES, "text", "align"])
    if line.has("text") or line.has("align"):
        if any(line.has(a) for a in LINE_PLACES):
            rd.error(loc, "「subtitle」的这一行要么写 text 和 align，要么写 left/center/right，不能混用")
            return None
        align = line.choice("align", ALIGNS, "center")
        return TitleLine(((align or "center", check_slots(rd, line.text("text", required=True) or "",
                                                           line.loc("text")) or ""),), loc)
    if not any(line.has(a) for a in LINE_PLACES):
        rd.error(loc, "「subtitle」的这一行没有文字：写 left（居左）、center（居中）、right（居右）中的至少一项")
        return None
    parts = tuple((a, check_slots(rd, line.text(a) or "", line.loc(a)) or "") for a in LINE_PLACES if line.has(a))
    return TitleLine(parts, loc)


def check_slots(rd: Reader, text: str | None, loc: Loc) -> str | None:
    """The text, or "" when its `{{ … }}` do not parse: the error is reported here, where the text stands,
    once (not again at every table that would fill it)."""
    if text and ("{{" in text or "{%" in text):
        try:
            _SYNTAX.parse(text)
        except jinja2.TemplateSyntaxError as e:
            rd.error(loc, f"填空写法有误：{e.message}（{{{{ 名称 }}}}，可用的名称见 docs/layouts.md）")
            return ""
    return text


def _read_formats(rd: Reader, obj: Obj) -> dict[str, CellFormat]:
    formats = dict(BUILTIN_FORMATS)
    raw = obj.raw("formats")
    if raw is None:
        return formats
    if not isinstance(raw, YMap):
        rd.error(obj.loc("formats"), "formats 应为「名称: {decimals, thousands, zero, blank}」的映射")
        return formats
    sub = Obj(rd, raw, obj.loc("formats"), list(raw))
    for key in raw:
        fmt = _format_mapping(rd, sub, str(key))
        if fmt is not None:
            formats[str(key)] = fmt
    return formats


def _format_mapping(rd: Reader, obj: Obj, key: str) -> CellFormat | None:
    fobj = obj.mapping(key, FORMAT_KEYS, "数字格式")
    if fobj is None:
        return None
    decimals = fobj.integer("decimals")
    if decimals is not None and not 0 <= decimals <= 6:
        rd.error(fobj.loc("decimals"), f"decimals 应在 0 到 6 之间，实际是 {decimals}")
        decimals = 2
    zero = fobj.text("zero") if fobj.has("zero") else None
    return CellFormat(decimals, fobj.boolean("thousands"), zero, fobj.text("blank", default="") or "")


def _format_of(rd: Reader, obj: Obj, key: str, formats: dict[str, CellFormat]) -> CellFormat | None:
    """A cell's `format:`: a name from `formats` (or compact / amount), or a mapping written in place."""
    raw = obj.raw(key)
    if raw is None:
        return None
    if isinstance(raw, YMap):
        return _format_mapping(rd, obj, key)
    name = obj.text(key)
    if name not in formats:
        rd.error(obj.loc(key), f"没有名为「{name}」的数字格式（可选：{'、'.join(formats)}；或在 formats 中定义）")
        return None
    return formats[name]


def _read_grid(rd: Reader, obj: Obj, formats: dict) -> list[GridColumn]:
    """The grid's roles; a role may span columns, carry a number format, an alignment, vertical merging."""
    columns: list[GridColumn] = []
    seen: dict[str, int] = {}
    col = 0
    for i, (item, loc) in enumerate(obj.items("grid")):
        if isinstance(item, YMap):
            gobj = rd.obj(item, loc, GRID_KEYS, "grid 列")
            if gobj is None:
                continue
            role = gobj.text("role", required=True) or ""
            column = GridColumn(role, col, max(gobj.integer("span", default=1) or 1, 1),
                                _format_of(rd, gobj, "format", formats), gobj.choice("align", ALIGNS),
                                gobj.boolean("merge"))
        else:
            role = str(item)
            column = GridColumn(role, col)
        if role not in GRID_ROLES:
            rd.error(loc, f"表样列「{role}」无效（可选：{'、'.join(GRID_ROLES)}）")
        if role in seen:
            rd.error(loc, f"grid 中「{role}」重复出现（第 {seen[role] + 1} 项和第 {i + 1} 项）：同一内容会印两遍；"
                          f"要让一项占两列，请写 {{role: {role}, span: 2}}")
        seen.setdefault(role, i)
        columns.append(column)
        col += column.span
    if not columns:
        rd.error(obj.loc("grid") if obj.has("grid") else obj.loc(), "缺少必填项「grid」（指标表的列）")
    return columns


def _read_widths(rd: Reader, obj: Obj, width: int) -> list[float]:
    widths = [check_width(rd, w, wloc, "widths") or 1.0 for w, wloc in obj.items("widths")]
    if not widths:
        return [1.0] * width
    if len(widths) != width:
        rd.error(obj.loc("widths"), f"widths 有 {len(widths)} 项，grid 共 {width} 列（含 span），应一一对应")
        return [1.0] * width
    return widths


def _read_header(rd: Reader, obj: Obj, fields: dict, formats: dict) -> tuple[list[list[HeaderCell]], list]:
    """Header rows: a list of cells, or {when: field, cells: [...]} printed only where the table fills field."""
    rows, when = [], []
    for row, rloc in obj.items("header"):
        condition = None
        if isinstance(row, YMap):
            robj = rd.obj(row, rloc, ["when", "cells"], "表头行")
            condition = robj.text("when", required=True)
            if condition and condition not in fields:
                rd.error(robj.loc("when"), f"when 应为 fields 中声明的表头字段（可选：{'、'.join(fields)}）")
            row, rloc = robj.raw("cells"), robj.loc("cells")
        cells = _read_cells(rd, row, rloc, fields, formats, "表头行")
        if condition and any(c.rowspan > 1 for c in cells):
            rd.error(rloc, "带 when 的可选表头行不能有跨行（rowspan）单元格：该行不印时，跨行单元格无处可放")
        rows.append(cells)
        when.append(condition)
    return rows, when


def _read_indicator_header(rd: Reader, obj: Obj, formats: dict) -> list[list[HeaderCell]]:
    """One row (`[一级指标, {text: 三级指标, span: 2}, …]`) or several rows (a list of such lists)."""
    items = obj.items("indicator_header")
    if not items:
        rd.error(obj.loc(), "缺少必填项「indicator_header」（指标表头）")
        return []
    if all(isinstance(item, YList) for item, _ in items):
        return [_read_cells(rd, row, loc, None, formats, "indicator_header 行") for row, loc in items]
    return [_read_cells(rd, obj.raw("indicator_header"), obj.loc("indicator_header"), None, formats,
                        "indicator_header")]


def _read_cells(rd: Reader, row, loc: Loc, fields: dict | None, formats: dict, what: str) -> list[HeaderCell]:
    """Cells of one row; `fields` is None in the indicator header (no fields or values there)."""
    cells = []
    for item, cloc in rd.items(row, loc, what):
        if isinstance(item, str):
            cells.append(HeaderCell(text=check_slots(rd, item, cloc), loc=cloc))
            continue
        cobj = rd.obj(item, cloc, CELL_KEYS if fields is not None else ["text", "span", "rowspan", "align"], "单元格")
        if cobj is None:
            continue
        key = "default" if cobj.has("default") else "text"
        text = check_slots(rd, cobj.text(key), cobj.loc(key))
        cell = HeaderCell(max(cobj.integer("span", default=1) or 1, 1), max(cobj.integer("rowspan", default=1) or 1, 1),
                          text, cobj.text("field"), cobj.choice("value", ["amount", "goal"]),
                          cobj.choice("align", ALIGNS, "center"), _format_of(rd, cobj, "format", formats), cloc)
        if cell.field and cell.field not in (fields or {}):
            rd.error(cobj.loc("field"), f"表头字段「{cell.field}」未在 fields 中声明")
        if cobj.has("default") and not cell.field:
            rd.error(cobj.loc("default"), "default 只用于 field 单元格（表未填该字段时印的文字）")
        cells.append(cell)
    return cells


def _check_geometry(rd: Reader, rows: list[list[HeaderCell]], locs: list[Loc], width: int, what: str) -> None:
    """Every row, with the columns spanned from rows above, must fill exactly the grid's columns."""
    carried = [0] * len(rows)  # columns taken in each row by rowspans from earlier rows
    for i, row in enumerate(rows):
        used = carried[i] + sum(c.span for c in row)
        if used != width:
            rd.error(locs[i], f"{what}第 {i + 1} 行占 {used} 列（含 span 和上方跨行单元格），grid 共 {width} 列")
        for cell in row:
            if i + cell.rowspan > len(rows):
                rd.error(cell.loc or locs[i], f"{what}第 {i + 1} 行的单元格 rowspan: {cell.rowspan} 超出了最后一行")
            for j in range(i + 1, min(i + cell.rowspan, len(rows))):
                carried[j] += cell.span
