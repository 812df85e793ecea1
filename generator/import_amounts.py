"""Turn the matched rows of an imported 分配表 into leaf amounts, and compare every stated figure with the
figure those amounts derive (a 小计 or 合计 that does not add up, a 本次下达 ≠ 应补助 − 提前下达, …).

Rows are read as the tables print them: a row whose unit has children (市本级) is the sum of its subtree;
money that no printed child row shows goes to the unit's own leaf (its 市直), as docs/spec.md §3 asks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .import_xlsx import ColumnMatch, RowMatch, Sheet
from .model import Project, Registry, Unit
from .money import ZERO
from .spec_new import Amounts
from .sums import Figures, roll_up

OWN_LEAF_NAMES = ("市直", "本级", "市本级", "县直")


@dataclass
class Mismatch:
    """A stated figure that differs from the derived one."""

    row: int
    label: str
    column: str
    stated: Decimal
    derived: Decimal

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.label}」{self.column}：表中为 {self.stated}，按各行推算为 {self.derived}"


@dataclass
class Imported:
    """The amounts an import produces, what did not add up, and what the clerk should know."""

    sheet: Sheet
    amounts: list[Amounts]
    mismatches: list[Mismatch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def close_rows(self) -> list[RowMatch]:
        """Rows matched by a close (not exact) name, to be confirmed."""
        return [r for r in self.sheet.rows if r.how == "close"]

    @property
    def projects(self) -> list[str]:
        """Ids of the projects the sheet's columns hold, in column order."""
        return list(dict.fromkeys(c.project for c in self.sheet.columns if c.kind == "money" and c.project))


def import_amounts(sheet: Sheet, registry: Registry) -> Imported:
    """Leaf amounts from the matched rows, then each stated figure compared with its derived value."""
    out = Imported(sheet, [], problems=list(sheet.problems), notes=list(sheet.notes))
    reader = _RowReader(sheet, out.notes)
    rows = _unit_rows(sheet, registry, out.problems)
    leaves: dict[str, Figures] = defaultdict(Figures)
    for row in rows.values():
        unit = registry.by_id[row.unit]
        fig = reader.figures(row)
        kids = [rows[u] for u in _printed_children(unit, rows)]
        if kids:
            for kid in kids:
                fig = _minus(fig, reader.figures(kid))
            if fig.is_zero(reader.projects):
                continue
        own = own_leaf(unit)
        if own is None or (kids and own.id in rows):
            if not kids:
                out.problems.append(f"第 {row.number} 行「{row.label}」有下级单位且没有「市直」之类的本级单位，"
                                    "金额无法记到末级单位：请在单位名录中为它加一个本级单位，或在表中列出下级单位")
            continue
        if own is not unit:
            out.notes.append(f"第 {row.number} 行「{row.label}」中不属于表中下级行的金额记在「{own.name}」（{own.id}）")
        leaves[own.id].add(fig)
    out.amounts = _amounts(registry, leaves, sheet)
    out.mismatches = _compare(sheet, registry, leaves, reader)
    return out


def own_leaf(unit: Unit) -> Unit | None:
    """Where a unit's own money goes: itself when a leaf, else its 市直-like leaf child, else its only leaf."""
    if not unit.children:
        return unit
    for child in unit.children:
        if not child.children and (child.name in OWN_LEAF_NAMES or child.id.endswith(OWN_LEAF_NAMES)):
            return child
    leaves = [u for u in unit.walk() if not u.children]
    return leaves[0] if len(leaves) == 1 else None


def _unit_rows(sheet: Sheet, registry: Registry, problems: list[str]) -> dict[str, RowMatch]:
    rows: dict[str, RowMatch] = {}
    for row in sheet.rows:
        if row.kind == "unit" and row.unit in registry.by_id:
            if row.unit in rows:
                problems.append(f"第 {row.number} 行与第 {rows[row.unit].number} 行都对应「{row.unit}」，后一行未导入")
                continue
            rows[row.unit] = row
        elif row.kind in ("unmatched", "unit") and any(row.values.values()):
            problems.append(f"第 {row.number} 行「{row.label}」在单位名录中找不到，未导入（请选择对应单位或先在名录中添加）")
    return rows


def _printed_children(unit: Unit, rows: dict[str, RowMatch]) -> list[str]:
    """Units with a row whose nearest printed ancestor is `unit`."""
    out = []
    for child in unit.children:
        if child.id in rows:
            out.append(child.id)
        else:
            out.extend(_printed_children(child, rows))
    return out


def _minus(a: Figures, b: Figures) -> Figures:
    neg = Figures()
    neg.add(b)
    for mapping in (neg.due, neg.advance, neg.perf, neg.parts):
        for key in mapping:
            mapping[key] = -mapping[key]
    neg.unit_advance = -neg.unit_advance
    out = Figures()
    out.add(a)
    out.add(neg)
    return out


class _RowReader:
    """Reads a row's stated cells as inputs: due, advance and perf per project (parts where shown)."""

    def __init__(self, sheet: Sheet, notes: list[str]):
        self.money = [c for c in sheet.columns if c.kind == "money"]
        self.by_project: dict[str | None, dict[str, ColumnMatch]] = defaultdict(dict)
        for col in self.money:
            self.by_project[col.project][f"part:{col.part}" if col.part else col.measure] = col
        self.projects = list(dict.fromkeys(c.project for c in self.money if c.project))
        self.defs: dict[str, Project] = {p.id: p for p in sheet.projects}
        self.project_advance = any("advance" in self.by_project[p] for p in self.projects)
        for pid in self.projects:
            project = self.defs[pid]
            if project.parts and not any(k.startswith("part:") for k in self.by_project[pid]):
                first = next((p.key for p in project.parts if not p.perf), project.parts[0].key)
                notes.append(f"项目「{project.name}」的分项在表中没有分列：应补助减绩效记在分项 {first}，"
                             "请在「分配」中按分项拆分")

    def figures(self, row: RowMatch) -> Figures:
        """The inputs a row states (a subtotal row gives its subtree's inputs)."""
        fig = Figures()
        for pid in self.projects:
            self._project(fig, pid, self.by_project[pid], row)
        totals = self.by_project.get(None, {})
        if not self.project_advance:
            if "advance" in totals:
                fig.unit_advance = _value(row, totals["advance"])
            elif "this" in totals and "due" in totals:
                fig.unit_advance = _value(row, totals["due"]) - _value(row, totals["this"])
        return fig

    def _project(self, fig: Figures, pid: str, cols: dict[str, ColumnMatch], row: RowMatch) -> None:
        project = self.defs[pid]

        def get(key):
            return _value(row, cols[key]) if key in cols else None

        due = get("due")
        if due is None:
            due = (get("this") or ZERO) + (get("advance") or ZERO)
        advance = get("advance")
        if advance is None:
            advance = due - get("this") if "due" in cols and "this" in cols else ZERO
        fig.advance[pid] += advance
        if not project.parts:
            fig.due[pid] += due
            fig.perf[pid] += get("perf") or ZERO
            return
        shown = {p.key: get(f"part:{p.key}") for p in project.parts if f"part:{p.key}" in cols}
        if not shown:
            perf_key = next((p.key for p in project.parts if p.perf), None)
            first = next((p.key for p in project.parts if not p.perf), project.parts[0].key)
            perf = get("perf") or ZERO if perf_key else ZERO
            shown = {first: due - perf, **({perf_key: perf} if perf_key else {})}
        for part in project.parts:
            amount = shown.get(part.key) or ZERO
            fig.parts[(pid, part.key)] += amount
            fig.due[pid] += amount
            if part.perf:
                fig.perf[pid] += amount


def _value(row: RowMatch, col: ColumnMatch) -> Decimal:
    return row.values.get(col.index, ZERO)


def _amounts(registry: Registry, leaves: dict[str, Figures], sheet: Sheet) -> list[Amounts]:
    """Spec amounts in registry order; zero cells and units with nothing are left out."""
    defs = {p.id: p for p in sheet.projects}
    out = []
    for unit in registry.walk():
        fig = leaves.get(unit.id)
        if fig is None:
            continue
        row = Amounts(unit.id)
        for pid, project in defs.items():
            values: dict[str, Decimal] = {}
            if project.parts:
                values = {p.key: fig.part(pid, p.key) for p in project.parts}
            else:
                values = {"due": fig.due.get(pid, ZERO), "perf": fig.perf.get(pid, ZERO)}
            values["advance"] = fig.advance.get(pid, ZERO)
            values = {k: v for k, v in values.items() if v}
            if values:
                row.cells[pid] = values
        if fig.unit_advance:
            row.advance = fig.unit_advance
        if row.cells or row.advance is not None:
            out.append(row)
    return out


def _compare(sheet: Sheet, registry: Registry, leaves: dict[str, Figures], reader: _RowReader) -> list[Mismatch]:
    """Every stated cell against the value the imported leaves give for its row."""
    subtree, groups, total = roll_up(registry, leaves)
    out = []
    for row in sheet.rows:
        fig = {"total": total, "group": groups.get(row.group), "unit": subtree.get(row.unit or "")}.get(row.kind)
        if fig is None:
            continue
        for col in reader.money:
            if col.index in row.uncached:
                continue
            derived = _column_value(fig, col, reader.projects)
            stated = row.values.get(col.index, ZERO)
            if derived != stated:
                out.append(Mismatch(row.number, row.label, col.header, stated, derived))
    return out


def _column_value(fig: Figures, col: ColumnMatch, projects: list[str]) -> Decimal:
    if col.part:
        return fig.part(col.project, col.part)
    return fig.get(col.measure, projects, col.project)


def project_defs(imported: Imported) -> list[tuple[str, str, list]]:
    """The sheet's projects as spec_new.projects_yaml takes them: (id, name, parts)."""
    used = set(imported.projects)
    return [(p.id, p.name, [(x.key, x.name, x.perf) for x in p.parts]) for p in imported.sheet.projects if p.id in used]


def table_columns(imported: Imported) -> list[str]:
    """The imported sheet's column layout as `columns:` items of an allocation table (flow style)."""
    from .spec_edit import scalar_text

    out, done = [], set()
    for col in imported.sheet.columns:
        label = col.header.split("·")[-1]
        if col.kind == "unit":
            out.append(f"{{unit: {scalar_text(col.header)}}}")
        elif col.kind == "code":
            out.append("code")
        elif col.kind == "money" and col.project is None:
            out.append(f"{{measure: {col.measure}, label: {scalar_text(label)}}}")
        elif col.kind == "money" and col.part:
            out.append(f"{{project: {col.project}, part: {col.part}}}")
        elif col.kind == "money" and col.project not in done:
            done.add(col.project)
            same = [c for c in imported.sheet.columns if c.project == col.project and not c.part]
            measures = ", ".join(c.measure for c in same)
            out.append(f"{{project: {col.project}, measures: [{measures}]}}")
    return out
