"""Target-table layouts (表样): data files under templates/layouts, or a path the spec gives."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .model import HeaderCell, Layout, Loc
from .reader import Obj, Reader, check_width
from .references import display_path, load_reference

LAYOUT_DIR = Path(__file__).resolve().parent.parent / "templates" / "layouts"
LAYOUT_KEYS = ["kind", "title", "subtitle", "grid", "widths", "fields", "header", "indicator_header",
               "indicator_fields", "numbering", "weight_total"]
GRID_ROLES = ["label", "l1", "l2", "name", "desc", "value", "basis", "prev", "weight", "rule", "evidence"]
INDICATOR_FIELDS = ["l1", "l2", "name", "desc", "value", "basis", "prev", "weight", "rule", "evidence"]


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
    grid = obj.texts("grid")
    for role in grid:
        if role not in GRID_ROLES:
            rd.error(obj.loc("grid"), f"表样列「{role}」无效（可选：{'、'.join(GRID_ROLES)}）")
    fields = {k: v for k, (v, _) in obj.text_map("fields").items()}
    header = [_read_header_row(rd, row, rloc, fields, len(grid)) for row, rloc in obj.items("header")]
    _check_header_geometry(rd, header, [loc for _, loc in obj.items("header")], len(grid))
    ind_fields = obj.texts("indicator_fields") or ["l2", "name", "value"]
    for f in ind_fields:
        if f not in INDICATOR_FIELDS:
            rd.error(obj.loc("indicator_fields"), f"指标字段「{f}」无效（可选：{'、'.join(INDICATOR_FIELDS)}）")
    widths = [check_width(rd, w, wloc, "widths") or 1.0 for w, wloc in obj.items("widths")] or [1.0] * len(grid)
    if len(widths) != len(grid):
        rd.error(obj.loc("widths"), f"widths 有 {len(widths)} 项，grid 有 {len(grid)} 列")
        widths = [1.0] * len(grid)
    ind_header = obj.texts("indicator_header")
    if len(ind_header) != len(grid):
        rd.error(obj.loc("indicator_header"), f"indicator_header 有 {len(ind_header)} 项，grid 有 {len(grid)} 列")
    return Layout(name, obj.text("title", required=True) or "", grid, widths, fields, header, ind_header,
                  ind_fields, obj.loc(), obj.text("subtitle"),
                  obj.choice("numbering", ["none", "per_l2", "per_table"], "none"), obj.decimal("weight_total"))


def _read_header_row(rd: Reader, row, loc: Loc, fields: dict, width: int) -> list[HeaderCell]:
    cells = []
    for item, cloc in rd.items(row, loc, "表头行"):
        cobj = rd.obj(item, cloc, ["text", "field", "value", "span", "rowspan", "align"], "表头单元格")
        if cobj is None:
            continue
        cell = HeaderCell(cobj.integer("span", default=1), cobj.integer("rowspan", default=1), cobj.text("text"),
                          cobj.text("field"), cobj.choice("value", ["amount", "goal"]),
                          cobj.choice("align", ["center", "left"], "center"))
        if cell.field and cell.field not in fields:
            rd.error(cobj.loc("field"), f"表头字段「{cell.field}」未在 fields 中声明")
        cells.append(cell)
    return cells


def _check_header_geometry(rd: Reader, header: list[list[HeaderCell]], locs: list[Loc], width: int) -> None:
    """Every header row, with the rows spanned from above, must fill exactly the grid's columns."""
    carried = [0] * len(header)  # columns taken in each row by rowspans from earlier rows
    for i, row in enumerate(header):
        used = carried[i] + sum(c.span for c in row)
        if used != width:
            rd.error(locs[i], f"表头第 {i + 1} 行占 {used} 列（含上方跨行单元格），表格共 {width} 列")
        for cell in row:
            for j in range(i + 1, min(i + cell.rowspan, len(header))):
                carried[j] += cell.span
