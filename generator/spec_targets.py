"""Read `targets:`: indicator sets, defaults and the target tables, one per unit."""

from __future__ import annotations

import re
from decimal import Decimal

from .model import LEVELS, Indicator, Layout, Loc, Project, Registry, Targets, TargetTable
from .numformat import parse_number
from .reader import Obj, Reader
from .yamlsrc import YList, YMap, YNum

TARGET_KEYS = ["required_for", "exempt", "defaults", "indicator_sets", "tables"]
TABLE_KEYS = ["layout", "unit", "units", "covers", "projects", "uses", "fields", "goal", "indicators", "amount",
              "weight_total", "vars", "title"]

_PLAIN_NUMBER = re.compile(r"\d{1,6}(\.\d{1,4})?")  # a weight: 10, 2.5 (never negative, NaN or 1e3)


def read_targets(rd: Reader, top: Obj, registry: Registry | None, layouts: dict[str, Layout],
                 projects: list[Project], default_unit: str | None = None) -> Targets:
    """Expand every `tables` entry into one TargetTable per unit (`default_unit` where a table names none)."""
    obj = top.mapping("targets", TARGET_KEYS, "绩效目标（targets）")
    if obj is None:
        return Targets([])
    default_map = obj.text_map("defaults")
    defaults = {k: v for k, (v, _) in default_map.items()}
    sets = _read_sets(rd, obj, layouts)
    tables: list[TargetTable] = []
    for item, loc in obj.items("tables"):
        tables.extend(_read_table(rd, item, loc, defaults, sets, registry, layouts, projects, default_unit))
    exempt = obj.texts("exempt")
    for item, loc in obj.items("exempt"):
        uid = str(item)
        if registry and uid not in registry.by_id:
            rd.error(loc, f"单位名录中没有「{uid}」")
    required, levels = _read_required(rd, obj)
    return Targets(tables, required_for=required, required_levels=levels, exempt=exempt, loc=obj.loc(),
                   defaults={k: loc for k, (_, loc) in default_map.items()})


def _read_required(rd: Reader, obj: Obj) -> tuple[str | None, list[str]]:
    """`required_for: alloc` or `required_for: {table: alloc, levels: [province_unit, prefecture]}`."""
    if isinstance(obj.raw("required_for"), YMap):
        req = obj.mapping("required_for", ["table", "levels"], "required_for")
        levels = req.texts("levels")
        for level in levels:
            if level not in LEVELS:
                rd.error(req.loc("levels"), f"未知的层级「{level}」（可选：{'、'.join(LEVELS)}）")
        return req.text("table", required=True), levels
    return obj.text("required_for"), []


def _read_sets(rd: Reader, obj: Obj, layouts: dict[str, Layout]) -> dict[str, tuple[str, list, Loc]]:
    raw = obj.raw("indicator_sets")
    if raw is None:
        return {}
    if not isinstance(raw, YMap):
        rd.error(obj.loc("indicator_sets"), "indicator_sets 应为「名称: {goal, indicators}」的映射")
        return {}
    sets_obj = Obj(rd, raw, obj.loc("indicator_sets"), list(raw))
    out = {}
    for name in raw:
        sobj = sets_obj.mapping(name, ["goal", "indicators"], f"指标模板「{name}」")
        if sobj is not None:
            out[str(name)] = (_goal(sobj), sobj.items("indicators"), sobj.loc("goal"))
    return out


def _goal(obj: Obj) -> str:
    goals = obj.texts("goal")
    if len(goals) > 1:
        return "\n".join(f"目标{i}：{g}" for i, g in enumerate(goals, 1))
    return goals[0] if goals else ""


def _read_table(rd, item, loc, defaults, sets, registry, layouts, projects, default_unit=None) -> list[TargetTable]:
    obj = rd.obj(item, loc, TABLE_KEYS, "绩效目标表")
    if obj is None:
        return []
    layout_name = obj.text("layout", required=True) or ""
    layout = layouts.get(layout_name)
    if obj.has("units"):
        units = obj.texts("units")
    else:
        units = [obj.text("unit", required=default_unit is None, default=default_unit) or ""]
    if obj.has("units") and obj.has("unit"):
        rd.error(obj.loc("unit"), "unit 与 units 只能写一个")
    for uid in units:
        if registry and uid and uid not in registry.by_id:
            from .spec import unknown_unit

            unknown_unit(rd, obj.loc("units" if obj.has("units") else "unit"), uid, registry)
    fields = dict(defaults)
    fields.update({k: v for k, (v, _) in obj.text_map("fields").items()})
    if layout:
        for key, (_, floc) in obj.text_map("fields").items():
            if key not in layout.fields:
                rd.error(floc, f"表样「{layout_name}」没有表头字段「{key}」（可选：{'、'.join(layout.fields)}）")
    goals, indicators, goal_loc = [], [], None
    for item, uloc in obj.items("uses"):
        name = str(item)
        if name not in sets:
            rd.error(uloc, f"没有名为「{name}」的指标模板（indicator_sets）")
            continue
        goal, rows, set_goal_loc = sets[name]
        goals.append(goal)
        goal_loc = goal_loc or set_goal_loc
        indicators.extend(_read_indicators(rd, rows, layout))
    own_goal = _goal(obj)
    goal = own_goal or "".join(goals)
    goal_loc = obj.loc("goal") if own_goal else goal_loc
    indicators.extend(_read_indicators(rd, obj.items("indicators"), layout))
    if not indicators and layout:
        rd.error(obj.loc(), "绩效目标表没有任何指标（indicators 或 uses）")
    pids = [p.id for p in projects]
    table_projects = obj.texts("projects")
    for pid in table_projects:
        if pid not in pids:
            rd.error(obj.loc("projects"), f"没有标识为「{pid}」的项目")
    covers = obj.choice("covers", ["unit", "batch"], "unit")
    weight_total = obj.decimal("weight_total")
    out = []
    for uid in units:
        out.append(TargetTable(layout_name, uid, loc, dict(fields), goal, list(indicators), covers,
                               table_projects, obj.decimal("amount"), obj.loc("amount") if obj.has("amount") else None,
                               weight_total, goal_loc, {k: floc for k, (_, floc) in obj.text_map("fields").items()},
                               {k: v for k, (v, _) in obj.text_map("vars").items()}, obj.text("title")))
    return out


def _read_indicators(rd: Reader, rows, layout: Layout | None) -> list[Indicator]:
    order = layout.indicator_fields if layout else ["l2", "name", "value"]
    out = []
    for row, loc in rows:
        if isinstance(row, YList):
            if len(row) != len(order):
                rd.error(loc, f"指标行应有 {len(order)} 项（{'、'.join(order)}），实际 {len(row)} 项")
                continue
            values = dict(zip(order, row, strict=True))
        elif isinstance(row, YMap):
            iobj = rd.obj(row, loc, [*order, "l1"], "指标")
            if iobj is None:
                continue
            values = dict(row)
        else:
            rd.error(loc, "指标应写成列表 [二级指标, 三级指标, 指标值, …] 或映射")
            continue
        texts = {k: "" if v is None else str(v) for k, v in values.items()}
        weight = None
        if "weight" in texts and texts["weight"] not in ("", "/"):
            if _PLAIN_NUMBER.fullmatch(texts["weight"].strip()):  # no NaN, Infinity or exponent
                weight = Decimal(texts["weight"].strip())
            else:
                rd.error(loc, f"指标分值权重「{texts['weight']}」不是数字（写作 10 或 2.5）")
        numbers = {k: n for k, v in values.items() if isinstance(v, YNum) and (n := parse_number(str(v))) is not None}
        out.append(Indicator(texts.get("l2", ""), texts.get("name", ""), texts.get("value", ""), loc,
                             {k: v for k, v in texts.items() if k not in ("l2", "name", "value")}, weight, numbers))
    return out
