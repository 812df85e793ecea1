"""Project the unit hierarchy onto one allocation table: its rows, columns and cell formulas.

A TableView is everything a Word or Excel renderer needs: labels, values, and for
each derived cell how it is computed from other cells (so Excel gets live formulas).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .model import MEASURES, Attachment, Batch, Column, NumberFormat, Unit
from .money import ZERO, format_compact
from .sums import Figures, Sums
from .textfill import fill

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class TableColumn:
    """One printed column: what it holds and how a leaf row computes it."""

    key: str  # "unit", "code", "due", "occ.due", "occ.a"
    kind: str  # unit | code | money
    label: str
    group: str | None = None  # project name above a two-row header
    measure: str | None = None
    project: str | None = None
    part: str | None = None
    letter: str | None = None
    formula_text: str | None = None  # "d=a+b+c" for the formula row
    width: float | None = None
    is_perf: bool = False  # the lettered part that is also 其中：绩效奖补
    number_format: NumberFormat | None = None  # the table's format with this column's zero rule


@dataclass
class TableRow:
    """One printed row. `children` are the rows it sums (additive ones only)."""

    label: str
    kind: str  # total | group | subtotal | leaf
    depth: int
    values: dict[str, Decimal]
    code: str = ""
    unit: str | None = None
    of_which: bool = False
    group: str | None = None  # the group id of a group row
    children: list[int] = field(default_factory=list)
    of_which_children: list[int] = field(default_factory=list)  # non-additive 其中 rows under this one
    absorbed: Decimal = ZERO  # money in folded units that no printed child shows (must be zero)

    @property
    def is_subtotal(self) -> bool:
        """Total, group and subtotal rows (they print 0 under the `subtotals` zero rule)."""
        return self.kind in ("total", "group", "subtotal")


@dataclass
class Calc:
    """How a cell is computed: a sum of rows (same column) or signed terms of the same row."""

    rows: list[int] = field(default_factory=list)
    terms: list[tuple[int, str]] = field(default_factory=list)  # (+1/-1, column key)


@dataclass
class TableView:
    """A rendered-ready allocation table."""

    number: str
    title: str
    unit_line: str
    columns: list[TableColumn]
    rows: list[TableRow]
    calcs: dict[tuple[int, str], Calc]
    attachment: Attachment
    two_row_header: bool
    formula_row: bool
    landscape: bool


def build_table(batch: Batch, sums: Sums, att: Attachment, number: str, title: str,
                problems: list | None = None) -> TableView:
    """Rows, columns and formulas of one allocation table; unknown slots in labels go to `problems`."""
    projects = att.projects
    columns = _columns(batch, att)
    rows = _rows(batch, sums, att, columns)
    _fill_labels(batch, att, columns, rows, problems if problems is not None else [])
    calcs = _calcs(rows, columns, projects, sums)
    width = sum(c.width or (14 if c.kind == "unit" else 8) for c in columns)
    landscape = att.orientation == "landscape" or (att.orientation is None and (len(columns) > 6 or width > 60))
    two_rows = any(c.group for c in columns)
    return TableView(number, title, att.unit_line, columns, rows, calcs, att, two_rows, att.formula_row, landscape)


def _columns(batch: Batch, att: Attachment) -> list[TableColumn]:
    out: list[TableColumn] = []
    table = att.number_format
    for col in att.columns:
        for expanded in _expand(batch, col):
            if expanded.kind == "money":
                decimals = table.decimals if col.decimals is None else col.decimals  # one rule per column
                expanded.number_format = NumberFormat(decimals, table.thousands, col.zero or table.zero)
            out.append(expanded)
    if att.formula_row:
        _assign_letters(out)
    return out


def _expand(batch: Batch, col: Column) -> list[TableColumn]:
    if col.kind in ("unit", "code"):
        return [TableColumn(col.kind, col.kind, col.label or "", width=col.width)]
    if col.kind == "measure":
        return [TableColumn(col.measure, "money", col.label or MEASURES[col.measure], measure=col.measure,
                            width=col.width)]
    project = batch.project(col.project)
    if col.kind == "part":
        part = next(p for p in project.parts if p.key == col.part)
        return [TableColumn(f"{project.id}.{part.key}", "money", col.label or part.name, project=project.id,
                            part=part.key, letter=part.key, width=col.width, is_perf=part.perf)]
    name = col.label or project.name
    if len(col.measures) == 1:
        m = col.measures[0]
        return [TableColumn(f"{project.id}.{m}", "money", name, measure=m, project=project.id, width=col.width)]
    labels = col.labels or [MEASURES[m] for m in col.measures]
    return [TableColumn(f"{project.id}.{m}", "money", label, group=name, measure=m, project=project.id,
                        width=col.width) for m, label in zip(col.measures, labels, strict=True)]


def _assign_letters(columns: list[TableColumn]) -> None:
    """Letters for the formula row: parts keep theirs; other money columns take the next ones."""
    used = {c.letter for c in columns if c.letter}
    free = (ch for ch in LETTERS if ch not in used)
    for col in columns:
        if col.kind == "money" and not col.letter:
            col.letter = next(free)
    parts = [c.letter for c in columns if c.part]
    by_measure = {c.measure: c.letter for c in columns if c.measure and not c.part}
    for col in columns:
        if col.part or col.kind != "money":
            col.formula_text = col.letter
        elif col.measure == "due" and parts:
            col.formula_text = f"{col.letter}={'+'.join(parts)}"
        elif col.measure == "this" and "due" in by_measure and "advance" in by_measure:
            col.formula_text = f"{col.letter}={by_measure['due']}-{by_measure['advance']}"
        else:
            col.formula_text = col.letter


def column_value(fig: Figures, col: TableColumn, projects) -> Decimal:
    """The value of one money column for a set of figures."""
    if col.part:
        return fig.part(col.project, col.part)
    return fig.get(col.measure, projects, col.project)


class _RowBuilder:
    """Walks the registry and emits the rows a table's row rules select."""

    def __init__(self, batch: Batch, sums: Sums, att: Attachment, columns: list[TableColumn]):
        self.batch, self.sums, self.att, self.columns = batch, sums, att, columns
        self.rules = att.rows
        self.projects = att.projects
        self.rows: list[TableRow] = []
        self.rank = {uid: i for i, uid in enumerate(self.rules.order)}

    def ordered(self, units: list[Unit]) -> list[Unit]:
        """Siblings in rows.order first (in that order), the rest in registry order."""
        if not self.rank:
            return units
        return sorted(units, key=lambda u: self.rank.get(u.id, len(self.rank)))

    def values(self, fig: Figures) -> dict[str, Decimal]:
        return {c.key: column_value(fig, c, self.projects) for c in self.columns if c.kind == "money"}

    def group_of(self, unit: Unit) -> str | None:
        for node in [unit, *unit.ancestors()]:
            if node.id in self.rules.group_override:
                return self.rules.group_override[node.id]
        return unit.group

    def subtree(self, unit: Unit, group: str | None) -> Figures:
        """Figures of a unit's leaves that stay in `group` (a group override moves leaves out)."""
        fig = Figures()
        for node in unit.walk():
            if node.id in self.sums.leaf and (not self.rules.group_override or self.group_of(node) == group):
                fig.add(self.sums.leaf[node.id])
        return fig

    def selected(self, unit: Unit, fig: Figures) -> bool:
        r = self.rules
        if unit.level not in r.levels or unit.id in r.exclude:
            return False
        return unit.id in r.include or unit.level in r.show_empty or not fig.is_zero(self.projects)

    def label(self, unit: Unit) -> str:
        r = self.rules
        name = (unit.short or unit.name) if r.names == "short" else unit.name
        pattern = r.labels.get(unit.id) or r.labels.get(unit.level) or "{name}"
        text = pattern.replace("{name}", name).replace("{short}", unit.short or unit.name)
        return f"其中：{text}" if unit.of_which and not text.startswith("其中") else text

    def add(self, row: TableRow) -> int:
        self.rows.append(row)
        return len(self.rows) - 1

    def emit(self, unit: Unit, parent: int, depth: int, group: str | None) -> None:
        """Emit `unit` (if selected) and its descendants under printed row `parent`."""
        if self.rules.group_override and self.group_of(unit) != group:
            return
        fig = self.subtree(unit, group)
        if self.selected(unit, fig):
            idx = self.add(TableRow(self.label(unit), "leaf", depth, self.values(fig), unit.code or "", unit.id,
                                    unit.of_which))
            additive = not unit.of_which or self.rules.of_which == "additive"
            (self.rows[parent].children if additive else self.rows[parent].of_which_children).append(idx)
            for child in self.ordered(unit.children):
                self.emit(child, idx, depth + 1, group)
        else:
            for child in self.ordered(unit.children):
                self.emit(child, parent, depth, group)


def _rows(batch: Batch, sums: Sums, att: Attachment, columns: list[TableColumn]) -> list[TableRow]:
    b = _RowBuilder(batch, sums, att, columns)
    rules, registry = att.rows, batch.registry
    total = b.add(TableRow(rules.total_label, "total", 0, {}))
    if rules.groups and registry.groups:
        for group in registry.groups:
            label = rules.group_labels.get(group.id, f"{group.name}合计")
            gidx = b.add(TableRow(label, "group", 1, {}, group=group.id))
            b.rows[total].children.append(gidx)
            for root in b.ordered(_roots_for(registry, b, group.id)):
                b.emit(root, gidx, 2, group.id)
    else:
        for root in b.ordered(registry.roots):
            b.emit(root, total, 1, b.group_of(root) if rules.group_override else root.group)
    _sum_up(b.rows, columns)
    return b.rows


def _roots_for(registry, b: _RowBuilder, group: str) -> list[Unit]:
    """Top-level units holding any leaf of `group` (in registry order)."""
    out = []
    for root in registry.roots:
        if any(b.group_of(n) == group for n in root.walk()):
            out.append(root)
    return out


def _sum_up(rows: list[TableRow], columns: list[TableColumn]) -> None:
    """Total and group rows are the sums of their printed children; leaves keep subtree sums."""
    keys = [c.key for c in columns if c.kind == "money"]
    for idx in range(len(rows) - 1, -1, -1):
        row = rows[idx]
        kids = [rows[i] for i in row.children]
        if row.kind in ("total", "group"):
            row.values = {k: sum((r.values.get(k, ZERO) for r in kids), ZERO) for k in keys}
        elif kids:
            # a non-additive 其中 row beside additive children is part of this row's own money
            row.children = row.children + row.of_which_children
            row.kind = "subtotal"
            key = next((c.key for c in columns if c.kind == "money"), None)
            if key is not None:
                parts = [rows[i] for i in row.children]
                row.absorbed = row.values[key] - sum((r.values[key] for r in parts), ZERO)


def _fill_labels(batch: Batch, att: Attachment, columns: list[TableColumn], rows: list[TableRow],
                 problems: list) -> None:
    """Column labels may quote their own total (绩效（{{ total }}w） → 绩效（-117w）) and the notice's slots."""
    for col in columns:
        if "{{" in col.label or "{%" in col.label:
            total = rows[0].values.get(col.key, ZERO) if col.kind == "money" else ZERO
            context = {**batch.notice.slots, "year": batch.notice.year, "program": batch.notice.program,
                       "total": format_compact(total, False)}
            col.label = fill(col.label, context, att.loc, problems, "列标题")


def _calcs(rows: list[TableRow], columns: list[TableColumn], projects, sums: Sums) -> dict[tuple[int, str], Calc]:
    """Formulas: rows with children sum them; leaf rows derive measures from their own inputs."""
    by_key = {c.key: c for c in columns if c.kind == "money"}
    resolver = _Resolver(by_key, projects, sums)
    leaf_terms = {key: resolver.column_terms(col) for key, col in by_key.items()}
    calcs: dict[tuple[int, str], Calc] = {}
    for idx, row in enumerate(rows):
        for key in by_key:
            if row.children:
                calcs[(idx, key)] = Calc(rows=list(row.children))
            elif leaf_terms[key]:
                calcs[(idx, key)] = Calc(terms=leaf_terms[key])
    return calcs


class _Resolver:
    """Expresses a measure through the columns a table prints, using 本次 = 应补助 − 提前 and d = a+b+c.

    A measure that is zero for every leaf of the batch (a project with no advance) contributes nothing.
    """

    def __init__(self, by_key: dict[str, TableColumn], projects, sums: Sums):
        self.by_key, self.projects = by_key, list(projects)
        leaves = list(sums.leaf.values())
        self.zero = {(p, m) for p in self.projects for m in ("due", "advance", "perf")
                     if all(not f.get(m, [p], p) for f in leaves)}
        self.unit_advance = any(f.unit_advance for f in leaves)

    def column_terms(self, col: TableColumn) -> list[tuple[int, str]] | None:
        """Terms of a leaf cell, or None when the cell is an input (or cannot be expressed)."""
        if col.part:
            return None
        if col.project:
            if col.measure in ("due", "advance", "perf") and not self._parts(col.project):
                return None
            terms = self._expr(col.project, col.measure, skip=col.key)
        else:
            terms = self._total(col.measure)
        if terms is None or terms == [(1, col.key)]:
            return None
        return terms

    def _parts(self, p: str) -> list[str]:
        return [k for k, c in self.by_key.items() if c.project == p and c.part]

    def _expr(self, p: str, m: str, skip: str | None = None, depth: int = 0):
        key = f"{p}.{m}"
        if key in self.by_key and key != skip:
            return [(1, key)]
        if (p, m) in self.zero:
            return []
        if depth > 2:
            return None
        if m == "due" and self._parts(p):
            return [(1, k) for k in self._parts(p)]
        if m == "perf":
            perf = [k for k, c in self.by_key.items() if c.project == p and c.is_perf]
            return [(1, perf[0])] if perf else None
        if m == "this":
            due, adv = self._expr(p, "due", depth=depth + 1), self._expr(p, "advance", depth=depth + 1)
            return None if due is None or adv is None else due + [(-s, k) for s, k in adv]
        if m == "due":
            this, adv = self._expr(p, "this", skip=key, depth=depth + 1), self._expr(p, "advance", depth=depth + 1)
            return None if this is None or adv is None else this + adv
        return None

    def _total(self, m: str):
        if m in ("advance", "this") and self.unit_advance:
            if m == "this" and "due" in self.by_key and "advance" in self.by_key:
                return [(1, "due"), (-1, "advance")]
            return None
        terms: list[tuple[int, str]] = []
        for p in self.projects:
            part = self._expr(p, m)
            if part is None:
                break
            terms.extend(part)
        else:
            return terms
        if m == "this" and "due" in self.by_key and "advance" in self.by_key:
            return [(1, "due"), (-1, "advance")]
        return None
