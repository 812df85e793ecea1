"""Figures for text: `{{ fig('occ', 'this', unit='黑龙江省第二医院') }}` and `{{ count('fuyou') }}` in any slot.

So that a letter or an indicator never types a figure the allocation already determines.
"""

from __future__ import annotations

import jinja2

from .model import MEASURES, Batch
from .money import ZERO, format_compact
from .sandbox import slot_function
from .sums import Figures, Sums


def unit_slots(unit) -> dict | None:
    """What `{{ unit.… }}` may read: id, name, short (or the name), code, level and the parent's same."""
    if unit is None:
        return None
    return {"id": unit.id, "name": unit.name, "short": unit.short or unit.name, "code": unit.code or "",
            "level": unit.level, "parent": unit_slots(unit.parent)}


def figure_functions(batch: Batch, sums: Sums, default_unit: str | None = None) -> dict:
    """`fig` and `count` bound to a batch; `default_unit` is the target table's unit (None: the whole batch)."""
    projects = [p.id for p in batch.projects]

    def figures_of(unit: str | None) -> Figures:
        key = unit if unit is not None else default_unit
        if key in (None, "total"):
            return sums.total
        if key in sums.group:
            return sums.group[key]
        if key in sums.unit:
            return sums.unit[key]
        raise jinja2.TemplateRuntimeError(f"fig/count：没有标识为「{key}」的单位或分组")

    @slot_function
    def fig(project: str | None = None, measure: str = "due", unit: str | None = None, part: str | None = None,
            sep: bool = True) -> str:
        """A derived figure as printed in text: 3,975 / -320 (sep=False: 3975)."""
        if project is not None and project not in projects:
            raise jinja2.TemplateRuntimeError(f"fig：没有标识为「{project}」的项目（可选：{'、'.join(projects)}）")
        if measure not in MEASURES and part is None:
            raise jinja2.TemplateRuntimeError(f"fig：口径「{measure}」无效（可选：{'、'.join(MEASURES)}）")
        figures = figures_of(unit)
        if part is not None:
            return format_compact(figures.part(project, part), sep)
        return format_compact(figures.get(measure, projects, project), sep)

    @slot_function
    def count(project: str | None = None, unit: str | None = None) -> int:
        """How many receiving units (leaves with 应补助 ≠ 0 in the project) lie under the unit."""
        root = unit if unit is not None else default_unit
        if root in (None, "total"):
            leaves = sums.leaf.items()
        else:
            figures_of(root)
            node = batch.registry.by_id.get(root)
            ids = {u.id for u in node.walk()} if node else set()
            leaves = [(k, v) for k, v in sums.leaf.items() if k in ids or batch.registry.by_id[k].group == root]
        chosen = [project] if project else projects
        return sum(1 for _, f in leaves if f.get("due", chosen) != ZERO)

    return {"fig": fig, "count": count}
