"""Province batches read from batch specs (`province_batches: [{spec: …}]`): nothing is typed twice.

The batch spec is loaded, derived and validated through the one pipeline (pipeline.check_spec), inside the
allowed folders (references.py). It supplies the batch's 文号, date and amount, one 分配表 row per unit it
allocates to (its 本次下达, or 应补助 with `measure: due`) and its target tables as unit target tables.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from .evaluation_model import Allocation, AllocationRow, Batch, Num, RowGroup, UnitIndicator, UnitTable
from .evaluation_values import parse_target
from .model import Loc
from .reader import Obj, Reader
from .references import resolve_reference

LOCAL_GROUP, OTHERS_GROUP = "自治区本级", "各地"  # where a spec's units go when no typed group names them
_NUMBERED = re.compile(r"^指标\d+[：:]\s*")


def batch_from_spec(rd: Reader, b: Obj, bid: str, base: Path) -> Batch | None:
    """A province batch whose figures come from a batch spec; None (with the problem recorded) if unusable."""
    from .pipeline import check_spec
    from .spec import declared_kind, read_top

    for key in ("doc_no", "date", "amount"):
        if b.has(key):
            rd.error(b.loc(key), f"写了 spec（引用批次描述文件）的批次不再写「{key}」：它取自被引用的文件")
    loc = b.loc("spec")
    target = resolve_reference(rd, b.text("spec") or "", base, loc, "批次描述文件")
    if target is None:
        return None
    _, data, _ = read_top(target)
    if data is None or declared_kind(data)[0] != "batch":  # decided before checking it: never recurse into itself
        rd.error(loc, f"「{b.text('spec')}」不是批次描述文件（应为 kind: batch）")
        return None
    report = check_spec(target)
    if not report.ok:
        first = report.errors[0]
        rd.error(loc, f"引用的批次描述文件有 {len(report.errors)} 个错误，请先检查它（第一个：{first}）")
        return None
    derived = report.derived
    measure = b.choice("measure", ["this", "due"], "this")
    notice = derived.batch.notice
    rows = _rows(derived, measure)
    amount = sum((r[2] for r in rows), Decimal(0)) if measure == "due" else derived.notice.amount
    return Batch(bid, derived.notice.doc_number, notice.sign_date or notice.print_date or "", amount, loc,
                 derived.notice.title, b.text("label") or "", target, tuple(rows), tuple(_tables(derived, target)))


def _rows(derived, measure: str) -> list[tuple[str, str, Decimal]]:
    """(unit name, group, amount) for every allocated unit, in the spec's order."""
    batch, sums = derived.batch, derived.sums
    projects = [p.id for p in batch.projects]
    out = []
    for alloc in batch.allocations:
        unit = batch.registry.by_id.get(alloc.unit)
        if unit is None:
            continue
        root = unit
        while root.parent is not None:
            root = root.parent
        group = LOCAL_GROUP if root.level == "province_unit" else OTHERS_GROUP
        out.append((unit.name, group, sums.leaf[alloc.unit].get(measure, projects)))
    return out


def _tables(derived, source: Path) -> list[UnitTable]:
    """The spec's target tables as unit target tables (指标值 already filled by the batch's derivation)."""
    out = []
    for view in derived.targets:
        tloc = view.table.loc
        indicators = [UnitIndicator(row.source.l2, _NUMBERED.sub("", row.name), parse_target(row.value, row.source.loc),
                                    row.source.loc) for row in view.rows]
        amount = Num(view.amount, tloc) if view.amount is not None else None
        out.append(UnitTable(view.unit.name, amount, None, [g for g in view.goal.split("\n") if g.strip()],
                             indicators, tloc, view.title, "", source))
    return out


def merge_batch_specs(rd: Reader, province: list[Batch], allocation: Allocation | None, tables: list[UnitTable],
                      loc: Loc) -> tuple[Allocation | None, list[UnitTable]]:
    """The allocation and unit tables with what the referenced batch specs supply added (typed rows win
    nothing: a unit amount typed and supplied for the same batch is an error)."""
    supplied = [b for b in province if b.spec is not None]
    if not supplied:
        return allocation, tables
    groups = [RowGroup(g.name, g.label, list(g.rows), g.loc, g.stated) for g in allocation.groups] if allocation \
        else []
    for batch in supplied:
        for name, group, amount in batch.supplied_rows:
            _place(rd, groups, batch, name, group, amount)
        typed = {t.unit for t in tables}
        tables = tables + [t for t in batch.supplied_tables if t.unit not in typed]
    base = allocation or Allocation([], loc)
    return replace(base, groups=groups), tables


def _place(rd: Reader, groups: list[RowGroup], batch: Batch, name: str, group: str, amount: Decimal) -> None:
    """Put a supplied amount on the unit's typed row, or on a new row in its group."""
    for g in groups:
        for i, row in enumerate(g.rows):
            if row.unit == name:
                if batch.id in row.amounts:
                    rd.error(row.amounts[batch.id].loc, f"「{name}」在批次「{batch.id}」的金额已由引用的批次描述文件"
                                                        f"给出（{amount}），此处不能再写")
                    return
                g.rows[i] = replace(row, amounts={**row.amounts, batch.id: Num(amount, batch.loc)})
                return
    home = next((g for g in groups if g.name == group), None)
    if home is None:
        home = RowGroup(group, f"{group}小计", [], batch.loc)
        groups.append(home)
    home.rows.append(AllocationRow(name, {batch.id: Num(amount, batch.loc)}, batch.loc))
