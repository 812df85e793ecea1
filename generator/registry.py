"""Read the unit registry: groups and the nested unit hierarchy."""

from __future__ import annotations

from .model import LEVELS, Group, Loc, Registry, Unit
from .reader import Obj, Reader

UNIT_KEYS = ["id", "name", "short", "level", "code", "group", "of_which", "children"]


def read_units(rd: Reader, obj: Obj, registry: Registry) -> None:
    """Add the groups and units of a registry (or a batch's `units:`) to `registry`."""
    for item, loc in obj.items("groups"):
        gobj = rd.obj(item, loc, ["id", "name"], "分组")
        if gobj is None:
            continue
        gid, name = gobj.text("id", required=True), gobj.text("name", required=True)
        if gid and any(g.id == gid for g in registry.groups):
            rd.error(gobj.loc("id"), f"分组标识「{gid}」重复")
        elif gid and name:
            registry.groups.append(Group(gid, name, loc))
    codes = {u.code: u for u in registry.by_id.values() if u.code}
    for item, loc in obj.items("units"):
        unit = _read_unit(rd, item, loc, None, registry, codes)
        if unit is not None:
            registry.roots.append(unit)


def _read_unit(rd: Reader, item, loc: Loc, parent: Unit | None, registry: Registry, codes: dict) -> Unit | None:
    uobj = rd.obj(item, loc, UNIT_KEYS, "单位")
    if uobj is None:
        return None
    name = uobj.text("name", required=True) or "?"
    uid = uobj.text("id") or name
    level = uobj.choice("level", list(LEVELS), required=True) or "institution"
    group = uobj.text("group")
    if parent is not None and group:
        rd.error(uobj.loc("group"), "只有最上层单位写 group，下级单位沿用上级的分组")
    group = group or (parent.group if parent else None)
    if group and registry.groups and group not in {g.id for g in registry.groups}:
        rd.error(uobj.loc("group"), f"没有标识为「{group}」的分组（可选：{'、'.join(g.id for g in registry.groups)}）")
    unit = Unit(uid, name, level, loc, code=uobj.text("code"), short=uobj.text("short"), group=group,
                of_which=uobj.boolean("of_which"), parent=parent)
    if uid in registry.by_id:
        first = registry.by_id[uid].loc
        rd.error(uobj.loc("name" if not uobj.has("id") else "id"),
                 f"单位标识「{uid}」重复（第一次在 {first.file} 第 {first.line} 行）；同名单位请用 id 区分")
    else:
        registry.by_id[uid] = unit
    if unit.code:
        if unit.code in codes:
            rd.error(uobj.loc("code"), f"单位编码「{unit.code}」重复（已用于「{codes[unit.code].name}」）")
        codes[unit.code] = unit
    for citem, cloc in uobj.items("children"):
        child = _read_unit(rd, citem, cloc, unit, registry, codes)
        if child is not None:
            unit.children.append(child)
    return unit
