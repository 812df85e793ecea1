"""Rows of an imported 分配表 matched to the unit registry: by code, by exact name (within the current
prefecture first: 市本级 and 市直 repeat under every city), then close names offered for confirmation;
合计/小计 rows that name no unit are group rows."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from .model import Registry, Unit

if TYPE_CHECKING:
    from .import_xlsx import RowMatch

CLOSE = 0.6  # difflib ratio from which a name is offered as a close match
TOTAL_LABELS = {"总计", "合计", "总合计", "全省合计", "全区合计"}


_SPACE = re.compile(r"\s+")


def text_of(value) -> str:
    """A cell's text, whitespace removed (Chinese headers wrap with spaces and line breaks)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACE.sub("", str(value))


def match_rows(rows: list[RowMatch], registry: Registry, confirmed: dict[int, str | None]) -> None:
    """Rows to units: code, exact name in the current prefecture, anywhere, then close names; 合计 rows to groups."""
    index = _NameIndex(registry)
    context: Unit | None = None
    used: set[str] = set()
    for row in rows:
        label = row.label.rstrip("：:")
        if row.number in confirmed:
            uid = confirmed[row.number]
            row.kind, row.unit, row.how = ("unit", uid, "confirmed") if uid in registry.by_id else ("skipped", None, "")
        elif label in TOTAL_LABELS:
            row.kind = "total"
            continue
        else:
            if label.startswith("其中"):
                row.of_which, label = True, label[2:].lstrip("：:")
            unit, how = index.find(label, row.code, context)
            if unit is None and label.endswith(("合计", "小计")):
                group = index.group(label[:-2]) or next((g for g in registry.groups if g.id not in used), None)
                if group is not None:
                    row.kind, row.group = "group", group.id
                    used.add(group.id)
                    context = None
                    continue
            if unit is not None:
                row.kind, row.unit, row.how = "unit", unit.id, how
            else:
                row.candidates = index.close(label)
                if row.candidates:
                    row.kind, row.unit, row.how = "unit", row.candidates[0], "close"
        unit = registry.by_id.get(row.unit or "")
        if unit is not None and unit.children and unit.level != "city_body":
            context = unit
        elif unit is not None and unit.parent is not None and (context is None or context not in unit.ancestors()):
            context = unit.parent


class _NameIndex:
    """Registry lookups by code, name, short name and id."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.by_code = {u.code: u for u in registry.walk() if u.code}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in registry.walk():
            for name in {unit.name, unit.short, unit.id} - {None}:
                self.by_name.setdefault(text_of(name), []).append(unit)

    def find(self, label: str, code: str, context: Unit | None) -> tuple[Unit | None, str]:
        if code and code in self.by_code:
            return self.by_code[code], "code"
        if label in ("市本级", "本级") and context is not None:
            body = next((c for c in context.children if c.level == "city_body"), None)
            return (body, "context") if body else (None, "")
        for name in (label, label[:-2] if label.endswith(("小计", "合计")) else None):
            found = self.by_name.get(name or "", [])
            if context is not None:
                near = [u for u in found if context in u.ancestors() or u is context]
                if near:
                    return near[0], "exact"
            if found:
                return found[0], "exact"
        return None, ""

    def group(self, label: str):
        return next((g for g in self.registry.groups if text_of(g.name) == label), None)

    def close(self, label: str) -> list[str]:
        """Up to three unit ids whose names are close to the label, best first."""
        if not label:
            return []
        names = difflib.get_close_matches(label, list(self.by_name), n=3, cutoff=CLOSE)
        out = []
        for name in names:
            for unit in self.by_name[name]:
                if unit.id not in out:
                    out.append(unit.id)
        return out[:3]
