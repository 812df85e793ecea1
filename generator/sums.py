"""Sums of allocations up the unit hierarchy, and attachment numbering: computed once, read everywhere.

Renderers and the validator read these objects; nothing else adds money up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .model import Allocation, Attachment, Batch, Registry, Unit
from .money import ZERO

MEASURE_KEYS = ("due", "advance", "this", "perf")


@dataclass
class Figures:
    """Sums of inputs over a set of leaves, by project."""

    due: dict = field(default_factory=lambda: defaultdict(Decimal))
    advance: dict = field(default_factory=lambda: defaultdict(Decimal))
    perf: dict = field(default_factory=lambda: defaultdict(Decimal))
    parts: dict = field(default_factory=lambda: defaultdict(Decimal))  # (project, key) → amount
    unit_advance: Decimal = ZERO  # advance not split by project

    def add(self, other: Figures) -> None:
        """Add another set of figures into this one."""
        for mine, theirs in ((self.due, other.due), (self.advance, other.advance), (self.perf, other.perf),
                             (self.parts, other.parts)):
            for key, value in theirs.items():
                mine[key] += value
        self.unit_advance += other.unit_advance

    def get(self, measure: str, projects, project: str | None = None) -> Decimal:
        """A measure for one project, or the total over `projects` (unit-level advance counts in totals)."""
        if project is not None:
            return self._one(measure, project)
        total = sum((self._one(measure, p) for p in projects), ZERO)
        if measure == "advance":
            total += self.unit_advance
        elif measure == "this":
            total -= self.unit_advance
        return total

    def part(self, project: str, key: str) -> Decimal:
        """A lettered part of one project."""
        return self.parts.get((project, key), ZERO)

    def _one(self, measure: str, project: str) -> Decimal:
        if measure == "this":
            return self.due.get(project, ZERO) - self.advance.get(project, ZERO)
        return getattr(self, measure).get(project, ZERO)

    def is_zero(self, projects) -> bool:
        """True when no input under these projects is non-zero."""
        maps = (self.due, self.advance, self.perf)
        if any(m.get(p, ZERO) for m in maps for p in projects):
            return False
        if any(v for (p, _), v in self.parts.items() if p in projects):
            return False
        return not self.unit_advance


def leaf_figures(alloc: Allocation, batch: Batch) -> Figures:
    """The figures of one allocation entry: due from parts, perf from the perf part."""
    fig = Figures()
    for pid, cell in alloc.cells.items():
        project = batch.project(pid)
        if project.parts:
            for part in project.parts:
                amount = cell.parts.get(part.key) or ZERO
                fig.parts[(pid, part.key)] += amount
                fig.due[pid] += amount
                if part.perf:
                    fig.perf[pid] += amount
        else:
            fig.due[pid] += cell.due or ZERO
            fig.perf[pid] += cell.perf or ZERO
        fig.advance[pid] += cell.advance or ZERO
    fig.unit_advance = alloc.advance or ZERO
    return fig


@dataclass
class Sums:
    """Figures of every unit's subtree, of every group, and of the whole batch."""

    leaf: dict[str, Figures]
    unit: dict[str, Figures]
    group: dict[str, Figures]
    total: Figures


def derive_sums(batch: Batch) -> Sums:
    """Add allocations up the registry hierarchy, once."""
    leaf = {a.unit: leaf_figures(a, batch) for a in batch.allocations if a.unit in batch.registry.by_id}
    return Sums(leaf, *roll_up(batch.registry, leaf))


def roll_up(registry: Registry, leaf: dict[str, Figures]) -> tuple[dict[str, Figures], dict[str, Figures], Figures]:
    """From the leaves' figures: every unit's (its own and its subtree's), every group's, and the total."""
    unit: dict[str, Figures] = {}

    def visit(node: Unit) -> Figures:
        fig = Figures()
        if node.id in leaf:
            fig.add(leaf[node.id])
        for child in node.children:
            fig.add(visit(child))
        unit[node.id] = fig
        return fig

    total, group = Figures(), defaultdict(Figures)
    for root in registry.roots:
        fig = visit(root)
        total.add(fig)
        if root.group:
            group[root.group].add(fig)
    return unit, dict(group), total


@dataclass
class Numbered:
    """An attachment with its derived number (1, 1-1, …) and rendered title."""

    number: str
    title: str
    attachment: Attachment
    top: bool


def number_attachments(attachments: list[Attachment]) -> list[Numbered]:
    """附件 numbers from list position: 1, 1-1, 1-2, 2, …; titles are rendered later."""
    out = []
    for i, att in enumerate(attachments, 1):
        out.append(Numbered(str(i), att.title, att, True))
        for j, child in enumerate(att.children, 1):
            out.append(Numbered(f"{i}-{j}", child.title, child, False))
    return out
