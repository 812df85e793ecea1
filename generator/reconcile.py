"""Stated figures that an edit left behind: `expected:` entries, target tables' `amount:` and allocations'
`expect_due:` that no longer equal the derived figure. Each is offered to the clerk as "update" (write the
derived figure) or "drop" (remove the stated figure), and the choice becomes text edits of the spec.

The derived figures are the validator's own (validate._sum_figure / _table_figure), never recomputed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .derive import Derived
from .model import MEASURES, Loc
from .spec_edit import EditError, SpecText
from .validate import _sum_figure, _table_figure

_INDEX = re.compile(r"\[(\d+)\]")


@dataclass
class Mismatch:
    """One stated figure that differs from the derived one."""

    id: str  # form value: the key path of the figure, "/"-joined
    label: str  # what the figure is, in Chinese
    stated: Decimal
    actual: Decimal | None  # None: no single derived figure (the stated one can only be dropped)
    value_path: tuple  # where "update" writes
    drop_path: tuple  # what "drop" removes (a list item or a key)


def loc_path(loc: Loc | None) -> tuple:
    """A Loc's key path ("expected[3].value") as a tuple ("expected", 3, "value")."""
    if loc is None or not loc.path or loc.path.startswith("("):
        return ()
    out: list = []
    for part in loc.path.split("."):
        name = _INDEX.split(part)
        if name[0]:
            out.append(name[0])
        out += [int(n) for n in _INDEX.findall(part)]
    return tuple(out)


def find_mismatches(derived: Derived) -> list[Mismatch]:
    """Every stated figure of the batch file that an edit made wrong, with the figure it should be."""
    out = _expected(derived) + _target_amounts(derived) + _expect_due(derived)
    return [m for m in out if m.value_path]


def _expected(d: Derived) -> list[Mismatch]:
    batch = d.batch
    projects = [p.id for p in batch.projects]
    by_key = {x.attachment.key: x.number for x in d.attachments if x.attachment.key}
    groups = {g.id: g.name for g in batch.registry.groups}
    out = []
    for exp in batch.expected:
        scratch: list = []
        actual = _table_figure(d, exp, by_key, scratch) if exp.table else _sum_figure(d, exp, projects, scratch)
        if actual is None or actual == exp.value:
            continue
        path = loc_path(exp.loc)
        what = "总计" if exp.of == "total" else groups.get(exp.of) or _unit_name(batch, exp.of)
        project = f"「{batch.project(exp.project).name}」" if exp.project else ""
        measure = MEASURES.get(exp.measure) or _part_name(batch, exp.project, exp.measure)
        table = f"（附件{by_key[exp.table]}所列）" if exp.table in by_key else ""
        out.append(Mismatch("/".join(map(str, path)), f"核对数：{what}{project} {measure}{table}", exp.value, actual,
                            (*path, "value"), path))
    return out


def _part_name(batch, pid: str | None, key: str) -> str:
    parts = batch.project(pid).parts if pid else []
    name = next((p.name for p in parts if p.key == key), "")
    return f"分项 {key}（{name}）" if name else f"分项 {key}"


def _unit_name(batch, uid: str) -> str:
    unit = batch.registry.by_id.get(uid)
    return unit.name if unit else uid


def _target_amounts(d: Derived) -> list[Mismatch]:
    actuals: dict[tuple, set] = {}
    first = {}
    for view in d.targets:
        table = view.table
        if table.stated_amount is None:
            continue
        path = loc_path(table.stated_amount_loc)
        actuals.setdefault(path, set()).add(view.amount)
        first.setdefault(path, (view, table))
    out = []
    for path, amounts in actuals.items():
        view, table = first[path]
        if amounts == {table.stated_amount}:
            continue
        actual = next(iter(amounts)) if len(amounts) == 1 else None
        out.append(Mismatch("/".join(map(str, path)), f"绩效目标表「{view.unit.name}」年度金额", table.stated_amount,
                            actual, path, path))
    return out


def _expect_due(d: Derived) -> list[Mismatch]:
    out = []
    projects = [p.id for p in d.batch.projects]
    for alloc in d.batch.allocations:
        if alloc.expect_due is None:
            continue
        leaf = d.sums.leaf.get(alloc.unit)
        actual = leaf.get("due", projects) if leaf is not None else Decimal(0)
        if actual != alloc.expect_due:
            path = loc_path(alloc.expect_loc)
            out.append(Mismatch("/".join(map(str, path)), f"分配数「{_unit_name(d.batch, alloc.unit)}」应补助合计",
                                alloc.expect_due, actual, path, path))
    return out


def apply_reconcile(spec: SpecText, mismatches: list[Mismatch], choices: dict[str, str]) -> int:
    """Apply "update"/"drop" per mismatch id; returns how many were applied. Drops of list items run from the
    last index back, so the earlier ones keep their places."""
    by_id = {m.id: m for m in mismatches}
    updates = [(by_id[i].value_path, by_id[i].actual) for i, c in choices.items()
               if c == "update" and i in by_id and by_id[i].actual is not None]
    drops = sorted((by_id[i].drop_path for i, c in choices.items() if c == "drop" and i in by_id), reverse=True)
    unknown = [i for i, c in choices.items() if i not in by_id or c not in ("update", "drop")]
    if unknown:
        raise EditError("核对数已变化，请刷新页面后再选择（页面上的核对数列表已过期）")
    if updates:
        spec.replace_many(updates)
    for path in drops:
        if isinstance(path[-1], int):
            spec.remove(path)
        else:
            spec.set(path, None)
    return len(updates) + len(drops)
