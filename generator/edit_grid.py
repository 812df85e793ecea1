"""The allocation grid of the web editor: every project and lettered part of `allocations`, one row per entry.

Reading builds the columns a clerk types (应补助, 提前下达, 其中：绩效, or a project's parts a/b/c…); writing
splices only the changed cells into the spec (spec_edit.SpecText). A bad cell is reported at its cell and the
other cells of the same submit are still written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import yaml

from .model import Registry
from .spec_edit import EditError, FlowMap, SpecText, parse_amount

MEASURE_LABELS = {"due": "应补助", "advance": "提前下达", "perf": "其中：绩效"}
UNIT_ADVANCE = "advance"  # allocations[].advance: the unit's advance, not split by project


@dataclass
class GridColumn:
    """One typed column: a project's measure or part, or the unit-level advance (project None)."""

    project: str | None
    key: str
    label: str
    used: bool
    role: str  # due | advance | perf | part | perf_part (a perf part is due and 其中：绩效 at once)


@dataclass
class GridProject:
    """A project's column group, with the lettered parts whose sum is its 应补助 (d = a + b + c)."""

    id: str
    name: str
    columns: list[GridColumn]
    parts: list[str] = field(default_factory=list)


@dataclass
class GridRow:
    """One allocation entry: its unit and the text of each cell, by cell name."""

    index: int
    unit: str
    name: str
    group: str
    top: str
    cells: dict[str, str]


def cell_name(index: int, project: str | None, key: str) -> str:
    """The form name of one cell: g/<row>/<project>/<key>, or g/<row>/advance for the unit's advance."""
    return f"g/{index}/{key}" if project is None else f"g/{index}/{project}/{key}"


def money_decimals(spec: SpecText) -> int:
    """The most decimals an amount of this batch may carry (money.decimals, default 2)."""
    text = spec.get(("money", "decimals"))
    return int(text) if text and text.isdigit() else 2


def read_grid(spec: SpecText, registry: Registry | None = None) -> tuple[list[GridProject], list[GridColumn],
                                                                        list[GridRow]]:
    """The project column groups, the unit-level columns, and one row per allocation entry."""
    n_rows = spec.length(("allocations",))
    projects = []
    for i in range(spec.length(("projects",))):
        pid = spec.get(("projects", i, "id")) or ""
        if not pid:
            continue
        parts = [(spec.get(("projects", i, "parts", k, "key")) or "", spec.get(("projects", i, "parts", k, "name")) or "",
                  (spec.get(("projects", i, "parts", k, "perf")) or "").lower() == "true")
                 for k in range(spec.length(("projects", i, "parts")))]
        if parts:
            keys = [(key, f"{key} {name}", "perf_part" if perf else "part") for key, name, perf in parts] + \
                   [("advance", MEASURE_LABELS["advance"], "advance")]
        else:
            keys = [(k, label, k) for k, label in MEASURE_LABELS.items()]
        columns = [GridColumn(pid, key, label, _used(spec, n_rows, pid, key), role) for key, label, role in keys]
        if not parts:
            columns[0].used = True
        projects.append(GridProject(pid, spec.get(("projects", i, "name")) or pid, columns,
                                    [key for key, _, _ in parts]))
    unit_cols = [GridColumn(None, UNIT_ADVANCE, "已提前下达（不分项目）",
                            any(spec.get(("allocations", j, "advance")) for j in range(n_rows)), "advance")]
    rows = [_row(spec, j, projects, unit_cols, registry) for j in range(n_rows)]
    return projects, unit_cols, rows


def _used(spec: SpecText, n_rows: int, pid: str, key: str) -> bool:
    return any(spec.get(("allocations", j, pid, key)) is not None for j in range(n_rows))


def _row(spec: SpecText, j: int, projects: list[GridProject], unit_cols, registry: Registry | None) -> GridRow:
    uid = spec.get(("allocations", j, "unit")) or ""
    unit = registry.by_id.get(uid) if registry else None
    top = unit.ancestors()[-1] if unit and unit.parent else None
    groups = {g.id: g.name for g in registry.groups} if registry else {}
    cells = {}
    for project in projects:
        bare = spec.get(("allocations", j, project.id))
        for col in project.columns:
            text = bare if (bare is not None and col.key == "due") else spec.get(("allocations", j, project.id, col.key))
            cells[cell_name(j, project.id, col.key)] = text or ""
    for col in unit_cols:
        cells[cell_name(j, None, col.key)] = spec.get(("allocations", j, col.key)) or ""
    return GridRow(j, uid, unit.name if unit else uid, groups.get(unit.group, "") if unit else "",
                   top.name if top else "", cells)


def apply_grid(spec: SpecText, form, registry: Registry | None = None) -> dict[str, str]:
    """Write the changed cells of the form into allocations[]; returns {cell name: problem} for bad cells."""
    projects, unit_cols, rows = read_grid(spec, registry)
    decimals = money_decimals(spec)
    errors: dict[str, str] = {}
    changes: list[tuple[int, str | None, str, Decimal | None]] = []
    cols = [(p.id, c) for p in projects for c in p.columns] + [(None, c) for c in unit_cols]
    for row in rows:
        for pid, col in cols:
            name = cell_name(row.index, pid, col.key)
            if name not in form:
                continue
            try:
                amount = parse_amount(form[name], decimals)
            except EditError as e:
                errors[name] = str(e)
                continue
            if _same(amount, row.cells[name]):
                continue
            changes.append((row.index, pid, col.key, amount))
    write_cells(spec, changes)
    return errors


def _same(amount: Decimal | None, current: str) -> bool:
    if amount is None or not current:
        return amount is None and not current
    try:
        return Decimal(current) == amount
    except ArithmeticError:
        return False


def write_cells(spec: SpecText, changes: list[tuple[int, str | None, str, Decimal | None]]) -> None:
    """Write cells: values that replace an existing number in one pass, the rest (new keys, blanks) one by one."""
    simple, other = [], []
    for j, pid, key, amount in changes:
        path = ("allocations", j, key) if pid is None else ("allocations", j, pid, key)
        node = spec.node(path)
        bare = spec.node(("allocations", j, pid)) if pid else None
        if amount is not None and isinstance(node, yaml.ScalarNode):
            simple.append((path, amount))
        elif amount is not None and key == "due" and isinstance(bare, yaml.ScalarNode):
            simple.append((("allocations", j, pid), amount))
        else:
            other.append((j, pid, key, amount))
    if simple:
        spec.replace_many(simple)
    for j, pid, key, amount in other:
        if pid is None:
            spec.set(("allocations", j, key), amount)
        else:
            set_cell(spec, j, pid, key, amount)


def set_cell(spec: SpecText, j: int, pid: str, key: str, amount: Decimal | None) -> None:
    """One amount of a cell, written as a bare number (due alone) or into its {due, advance, perf, a…} mapping."""
    cell = spec.node(("allocations", j, pid))
    if isinstance(cell, yaml.ScalarNode):
        if key == "due":
            spec.set(("allocations", j, pid), amount)
            return
        spec.set(("allocations", j, pid), FlowMap({"due": Decimal(cell.value)}))
    if amount is None and cell is None:
        return
    spec.set(("allocations", j, pid, key), amount)
    remaining = spec.node(("allocations", j, pid))
    if isinstance(remaining, yaml.MappingNode) and not remaining.value:
        spec.set(("allocations", j, pid), None)
