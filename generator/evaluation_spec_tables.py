"""Read the money tables of a self-evaluation part: the 资金分配表 and the 资金执行情况表, and stated figures.

Both tables are groups of unit rows (自治区本级 / 各地, each with its 小计) or plain rows; every 小计, 合计 and
执行率 is derived later. A figure a source document printed goes under `stated:` and is only compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .evaluation_model import Allocation, AllocationRow, Batch, Execution, ExecutionRow, Num, RowGroup, Stated
from .model import Loc
from .reader import Obj, Reader

GROUP_KEYS = ["name", "label", "rows", "stated"]
TABLE_KEYS = ["title", "unit_label", "total_label", "text", "groups", "rows", "stated"]
EXECUTION_ROW_KEYS = ["unit", "budget", "spent", "stated_rate"]
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def read_date(rd: Reader, obj: Obj, key: str, required: bool = True) -> str:
    """A date written 2022-11-11, 2022-11 or 2022, printed 2022年11月11日 / 2022年11月 / 2022年."""
    value = obj.text(key, required=required)
    if value is None:
        return ""
    match = _DATE.fullmatch(value.strip())
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        if month is None:
            return f"{year}年"
        if 1 <= month <= 12 and (day is None or 1 <= day <= 31):
            return f"{year}年{month}月" + (f"{day}日" if day else "")
    rd.error(obj.loc(key), f"「{key}」应为日期，写作 2022-11-11、2022-11 或 2022，实际是「{value[:30]}」")
    return value


def read_stated(rd: Reader, obj: Obj | None, key: str, allowed, text_keys=()) -> dict[str, Stated]:
    """A `stated:` mapping: figures as a source document printed them, by the derived figure they name."""
    sub = obj.mapping(key, list(allowed), "原文数值（stated）") if obj is not None else None
    if sub is None:
        return {}
    out = {}
    for k in allowed:
        if sub.has(k):
            value = sub.text(k, limit=10) if k in text_keys else sub.decimal(k)
            if value is not None:
                out[k] = Stated(value, sub.loc(k))
    return out


def _groups(rd: Reader, obj: Obj, read_row: Callable, stated_keys: list[str], what: str) -> list[RowGroup]:
    """`groups: [{name, label, rows, stated}]` or plain `rows:` (one group without a 小计 row)."""
    seen: dict[str, Loc] = {}

    def rows_of(owner: Obj) -> list:
        out = []
        for item, loc in owner.items("rows"):
            row = read_row(item, loc)
            if row is None:
                continue
            if row.unit in seen:
                rd.error(loc, f"{what}中单位「{row.unit}」重复出现，首次在第 {seen[row.unit].line} 行")
                continue
            seen[row.unit] = loc
            out.append(row)
        return out

    if obj.has("groups") and obj.has("rows"):
        rd.error(obj.loc("rows"), f"{what}的 groups（分组）与 rows（不分组的行）只能写一个")
    if not obj.has("groups"):
        if not obj.has("rows"):
            rd.error(obj.loc(), f"{what}缺少 rows（各单位的行）或 groups（分组）")
        return [RowGroup("", "", rows_of(obj), obj.loc("rows"))]
    groups = []
    for item, loc in obj.items("groups"):
        g = rd.obj(item, loc, GROUP_KEYS, f"{what}的分组")
        if g is None:
            continue
        name = g.text("name", limit=60) or ""  # no name: the rows print as they are, with no 小计 row
        rows = rows_of(g)
        if not rows and g.has("rows"):
            rd.error(g.loc("rows"), f"分组「{name}」没有行")
        if not name and (g.has("label") or g.has("stated")):
            rd.error(g.loc(), "没有 name 的分组不打印小计行，不能写 label 或 stated")
        groups.append(RowGroup(name, (g.text("label", limit=60) or f"{name}小计") if name else "", rows, loc,
                               read_stated(rd, g, "stated", stated_keys) if name else {}))
    return groups


def read_allocation(rd: Reader, obj: Obj | None, province: list[Batch]) -> Allocation | None:
    """The 资金分配表: a row per unit with its amount under each province batch's id."""
    if obj is None:
        return None
    ids = [b.id for b in province]
    if not ids:
        rd.error(obj.loc(), "写了资金分配表（allocation）就须在 province_batches 中列出自治区下达批次：分配表每列对应一个批次的 id")

    def row(item, loc: Loc) -> AllocationRow | None:
        r = rd.obj(item, loc, ["unit", *ids], "分配表的行")
        if r is None:
            return None
        amounts = {i: Num(v, r.loc(i)) for i in ids if (v := r.decimal(i)) is not None}
        if not amounts and not any(i in r.data for i in ids):
            rd.error(loc, f"分配表的行须至少写一个批次的金额（{'、'.join(ids) or '批次 id'}）")
        return AllocationRow(r.text("unit", required=True, limit=80) or "", amounts, loc)

    stated_keys = [*ids, "total"]
    return Allocation(_groups(rd, obj, row, stated_keys, "资金分配表"), obj.loc(), obj.text("title") or "",
                      obj.text("total_label", limit=20) or "合计", obj.text("unit_label", limit=20) or "",
                      obj.texts("text"), read_stated(rd, obj, "stated", stated_keys))


def read_execution(rd: Reader, obj: Obj | None) -> Execution | None:
    """The 资金执行情况表: 预算数 and 执行数 per unit, measured at `as_of`."""
    if obj is None:
        return None

    def row(item, loc: Loc) -> ExecutionRow | None:
        r = rd.obj(item, loc, EXECUTION_ROW_KEYS, "执行情况表的行")
        if r is None:
            return None
        budget, spent = r.decimal("budget", required=True), r.decimal("spent", required=True)
        if budget is None or spent is None:
            return None
        rate = r.decimal("stated_rate")
        return ExecutionRow(r.text("unit", required=True, limit=80) or "", Num(budget, r.loc("budget")),
                            Num(spent, r.loc("spent")), loc,
                            Stated(rate, r.loc("stated_rate")) if rate is not None else None)

    stated_keys = ["budget", "spent", "rate"]
    return Execution(read_date(rd, obj, "as_of"), _groups(rd, obj, row, stated_keys, "资金执行情况表"), obj.loc(),
                     obj.text("title") or "", obj.text("total_label", limit=20) or "合计",
                     obj.text("unit_label", limit=20) or "", obj.texts("text"),
                     read_stated(rd, obj, "stated", stated_keys))
