"""Read the indicator parts of a self-evaluation part: the scored indicators, unit target tables, the system.

One indicator is one mapping (`{category, name, target, actual, …}`), so a changed actual is a one-line diff.
Targets and actuals are parsed here (evaluation_values.py); the 完成率 and scores are derived later.
"""

from __future__ import annotations

from dataclasses import replace

from .evaluation_model import Indicator, Num, Stated, System, SystemRow, UnitIndicator, UnitTable
from .evaluation_values import parse_actual, parse_target
from .model import Loc
from .reader import Obj, Reader, describe
from .yamlsrc import YList, YMap

INDICATOR_KEYS = ["category", "name", "target", "actual", "prev_actual", "points", "direction", "met", "reason",
                  "measures", "over_reason", "stated"]
UNIT_TABLE_KEYS = ["unit", "title", "amount", "central", "goals", "indicators", "same_as"]
SYSTEM_KEYS = ["title", "actual_labels", "rows", "stated_total"]
SYSTEM_ROW_KEYS = ["l1", "l2", "name", "standard", "actuals", "rule", "points", "note", "score", "auto"]
MAX_VALUE = 200  # characters of a 指标值 or 实际完成值 cell


def _num(obj: Obj, key: str, required: bool = False, positive: bool = False) -> Num | None:
    value = obj.decimal(key, required)
    if value is None:
        return None
    if positive and value < 0:
        obj.rd.error(obj.loc(key), f"「{key}」不能为负数（{value}）")
        return None
    return Num(value, obj.loc(key))


def _values(rd: Reader, obj: Obj, key: str, what: str) -> list:
    """`target:` / `actual:` as one value or a list of values for one cell (≥87%，≥91% / 88%，91%)."""
    parse = parse_target if key == "target" else parse_actual
    value = obj.raw(key)
    if value is None:
        if key not in obj.misspelled:
            rd.error(obj.loc(), f"缺少必填项「{key}」（{what}）")
        return []
    if isinstance(value, YList):
        out = []
        for item, loc in obj.items(key):
            if item is None or isinstance(item, (YMap, YList, bool)):
                rd.error(loc, f"「{key}」的每一项应为一个值（如 88%），实际是{describe(item)}")
            else:
                out.append(parse(obj.check_text(str(item), loc, MAX_VALUE), loc))
        if not value:
            rd.error(obj.loc(key), f"「{key}」是空列表：请写出{what}")
        return out
    text = obj.text(key, limit=MAX_VALUE)
    return [parse(text, obj.loc(key))] if text is not None else []


def _indicator(rd: Reader, item, loc: Loc) -> Indicator | None:
    obj = rd.obj(item, loc, INDICATOR_KEYS, "绩效指标")
    if obj is None:
        return None
    from .evaluation_spec_tables import read_stated

    targets = _values(rd, obj, "target", "指标值")
    prev = obj.text("prev_actual", limit=MAX_VALUE)
    actuals = _values(rd, obj, "actual", "全年实际完成值")
    if not targets:
        return None
    if len(targets) > 1 and len(targets) != len(actuals):
        rd.error(obj.loc("target"), f"写了 {len(targets)} 个指标值，就须有同样多个实际完成值（一一对应），实际 {len(actuals)} 个")
    whole = targets[0] if len(targets) == 1 else replace(targets[0], text="，".join(t.text for t in targets))
    return Indicator(
        obj.text("category", required=True, limit=30) or "", obj.text("name", required=True, limit=300) or "",
        whole, actuals, loc,
        prev_actual=parse_actual(prev, obj.loc("prev_actual")) if prev is not None else None,
        points=_num(obj, "points", positive=True), direction=obj.choice("direction", ["up", "down"]),
        met=obj.boolean("met") if obj.has("met") else None, reason=obj.text("reason") or "",
        measures=obj.text("measures") or "", over_reason=obj.text("over_reason") or "",
        stated=read_stated(rd, obj, "stated", ["completion", "deviation", "score"]),
        targets=tuple(targets) if len(targets) > 1 else ())


def read_indicators(rd: Reader, part: Obj) -> list[Indicator]:
    """The part's scored indicators (the central targets) with their actuals and words."""
    return [ind for item, loc in part.items("indicators") if (ind := _indicator(rd, item, loc)) is not None]


def _unit_indicators(rd: Reader, table: Obj) -> list[UnitIndicator]:
    out = []
    for item, loc in table.items("indicators"):
        obj = rd.obj(item, loc, ["category", "name", "target"], "目标表的绩效指标")
        if obj is None:
            continue
        target = obj.text("target", required=True, limit=MAX_VALUE)
        if target is not None:
            out.append(UnitIndicator(obj.text("category", required=True, limit=30) or "",
                                     obj.text("name", required=True, limit=300) or "",
                                     parse_target(target, obj.loc("target")), loc))
    return out


def read_unit_tables(rd: Reader, part: Obj) -> list[UnitTable]:
    """The province per-unit target tables typed inline (a `spec:` batch adds its own later)."""
    out = []
    for item, loc in part.items("unit_tables"):
        obj = rd.obj(item, loc, UNIT_TABLE_KEYS, "区域绩效目标表")
        if obj is None:
            continue
        same_as = obj.text("same_as", limit=80) or ""
        if same_as and (obj.has("indicators") or obj.has("goals")):
            rd.error(obj.loc("same_as"), "写了 same_as（与某表一致）的目标表不再写 goals 和 indicators")
        out.append(UnitTable(obj.text("unit", required=True, limit=80) or "", _num(obj, "amount"),
                             _num(obj, "central"), obj.texts("goals"), _unit_indicators(rd, obj), loc,
                             obj.text("title") or "", same_as))
    return out


def _system_row(rd: Reader, item, loc: Loc, labels: list[str]) -> SystemRow | None:
    obj = rd.obj(item, loc, SYSTEM_ROW_KEYS, "指标体系的行")
    if obj is None:
        return None
    actuals = obj.text_map("actuals")
    for key, (_, aloc) in actuals.items():
        if key not in labels:
            rd.error(aloc, f"实际值列「{key}」不在 actual_labels（{'、'.join(labels) or '未写'}）中")
    auto = obj.choice("auto", ["execution"])
    score = _num(obj, "score", positive=True)
    if auto and score is not None:
        rd.error(obj.loc("score"), "写了 auto（自动评分）的行不再写 score（得分由规则算出）")
    elif not auto and score is None and not obj.has("score"):
        rd.error(obj.loc(), "缺少必填项「score」（自评得分），或写 auto: execution 由预算执行率算出")
    points = _num(obj, "points", required=True, positive=True)
    if points is None:
        return None
    return SystemRow(obj.text("l1", required=True, limit=30) or "", obj.text("l2", required=True, limit=30) or "",
                     obj.text("name", required=True, limit=300) or "", obj.text("standard") or "",
                     {k: v for k, (v, _) in actuals.items()}, obj.text("rule") or "", points, obj.text("note") or "",
                     loc, score, auto)


def read_system(rd: Reader, part: Obj) -> System | None:
    """The P8-style 100-point 绩效评价指标体系, or None."""
    obj = part.mapping("system", SYSTEM_KEYS, "绩效评价指标体系")
    if obj is None:
        return None
    labels = obj.texts("actual_labels")
    rows = [r for item, loc in obj.items("rows") if (r := _system_row(rd, item, loc, labels)) is not None]
    if not obj.has("rows"):
        rd.error(obj.loc(), "缺少必填项「rows」（指标体系的各行）")
    total = obj.decimal("stated_total")
    return System(obj.text("title") or "", labels, rows, obj.loc(),
                  Stated(total, obj.loc("stated_total")) if total is not None else None)
