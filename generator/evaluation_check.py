"""Check a derived self-evaluation: stated figures against derived ones, tables against each other, words.

Every problem names the typed value's file:line:col. A stated figure that differs from the derived one is an
error naming both (预算执行得分原文为 91.44，按规则应为 9.14). All problems are returned at once.
"""

from __future__ import annotations

from decimal import Decimal

from .errors import Problem
from .evaluation_model import CATEGORY_L2, CATEGORY_POINTS, PartView, ReportView, Stated, UnitTable
from .evaluation_rules import OVERSHOOT_FROM, ZERO
from .evaluation_values import bracketed_baseline
from .indicators import level1_of
from .model import Loc

SCORE_NAMES = {"execution": "预算执行得分", "output": "产出指标得分", "benefit": "效益指标得分",
               "satisfaction": "满意度指标得分", "total": "总得分"}
CATEGORY_KEYS = {"output": "产出指标", "benefit": "效益指标", "satisfaction": "满意度指标"}
KNOWN_L2 = [l2 for l2s in CATEGORY_L2.values() for l2 in l2s]


def validate_evaluation(view: ReportView) -> list[Problem]:
    """Every error and warning of a derived report."""
    problems: list[Problem] = []
    for part in view.parts:
        for check in (_allocation, _execution, _funding, _indicators, _points, _unit_tables, _system, _score,
                      _empty):
            check(part, problems)
    _across_parts(view, problems)
    return problems


def _empty(part: PartView, problems: list[Problem]) -> None:
    """A part with nothing to score, or no 执行率, is probably unfinished: said, not refused."""
    if not part.indicators and part.system is None:
        problems.append(Problem(part.part.loc, f"{part.heading}：没有绩效指标（indicators）也没有指标体系（system）："
                                               "产出、效益、满意度按满分计", "warning"))
    if part.execution_rate is None:
        problems.append(Problem(part.part.loc, f"{part.heading}：年度资金总额全年预算数为 0，没有执行率：预算执行得 0 分",
                                "warning"))


def _across_parts(view: ReportView, problems: list[Problem]) -> None:
    """Two parts with the same 第N, or one notice's money in two parts (the seed copied 新财社〔2023〕128号 so)."""
    numbers: dict[int, Loc] = {}
    docs: dict[str, str] = {}
    for part in view.parts:
        if part.part.no in numbers:
            problems.append(Problem(part.part.loc, f"{part.heading}与第 {numbers[part.part.no].line} 行的部分序号相同"))
        numbers.setdefault(part.part.no, part.part.loc)
        for batch in (*part.part.central, *part.part.province):
            if batch.doc_no in docs and docs[batch.doc_no] != part.heading:
                problems.append(Problem(batch.loc, f"文件 {batch.doc_no} 已在{docs[batch.doc_no]}中列出：同一笔资金"
                                                   "不应计入两个部分（是否从其他部分复制而来？）", "warning"))
            docs.setdefault(batch.doc_no, part.heading)


def _fmt(value: Decimal | str) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def compare(stated: Stated | None, derived: Decimal | str | None, what: str, problems: list[Problem],
            why: str = "") -> None:
    """A stated figure that differs from the derived one: an error at the stated value naming both."""
    if stated is None or derived is None or stated.value == derived:
        return
    problems.append(Problem(stated.loc, f"{what}原文为 {_fmt(stated.value)}，按规则应为 {_fmt(derived)}{why}"))


def _table_stated(part: PartView, table, source, keys: dict[str, str], problems: list[Problem]) -> None:
    """Stated subtotals (per group) and totals of a money table against its derived rows."""
    subtotals = iter(r for r in table.rows if r.kind == "subtotal")
    for group in source.groups:
        if not group.name:
            continue
        row = next(subtotals)
        for key, name in keys.items():
            derived = row.rate if key == "rate" else row.values.get(key)
            compare(group.stated.get(key), derived, f"{group.label}{name}", problems)
    for key, name in keys.items():
        derived = table.total.rate if key == "rate" else table.total.values.get(key)
        compare(source.stated.get(key), derived, f"{source.total_label}{name}", problems)


def _allocation(part: PartView, problems: list[Problem]) -> None:
    if part.allocation is None:
        return
    source, table = part.part.allocation, part.allocation
    labels = dict(table.columns)
    _table_stated(part, table, source, {k: f"（{v}）" for k, v in labels.items()}, problems)
    for batch in part.part.province:
        column = table.total.values.get(batch.id, ZERO)
        if column != batch.amount:
            problems.append(Problem(batch.loc, f"分配表「{labels[batch.id]}」列合计 {_fmt(column)} 与该批次"
                                               f"（{batch.doc_no}）下达金额 {_fmt(batch.amount)} 不一致"))
    if part.part.central and part.part.province and part.central_total != part.province_total:
        problems.append(Problem(part.part.central[0].loc, f"中央下达合计 {_fmt(part.central_total)} 与自治区分解下达"
                                                          f"合计 {_fmt(part.province_total)} 不一致（自治区另有资金时可忽略）",
                                "warning"))


def _execution(part: PartView, problems: list[Problem]) -> None:
    if part.execution is None:
        return
    source, table = part.part.execution, part.execution
    _table_stated(part, table, source, {"budget": "预算数", "spent": "执行数", "rate": "执行率"}, problems)
    for row in table.rows:
        if row.kind == "leaf" and row.values["spent"] > row.values["budget"]:
            problems.append(Problem(row.loc, f"「{row.label}」执行数 {_fmt(row.values['spent'])} 大于预算数 "
                                             f"{_fmt(row.values['budget'])}", "warning"))
    for group in source.groups:
        for row in group.rows:
            derived = next(r.rate for r in table.rows if r.kind == "leaf" and r.loc == row.loc)
            compare(row.stated_rate, derived, f"「{row.unit}」执行率", problems)
    budget = table.total.values["budget"]
    if part.allocation is not None:
        expected, whose = part.allocation.total.values["total"], "分配表合计"
        _unit_budgets(part, problems)
    elif part.part.central:
        expected, whose = part.central_total, "中央下达合计"
    else:
        return
    if budget != expected:
        problems.append(Problem(source.loc, f"执行情况表预算数合计 {_fmt(budget)} 与{whose} {_fmt(expected)} 不一致"))


def _unit_budgets(part: PartView, problems: list[Problem]) -> None:
    """A unit in both tables: its 预算数 equals its 分配表 合计."""
    allotted = {r.label: r.values["total"] for r in part.allocation.rows if r.kind == "leaf"}
    for row in part.execution.rows:
        if row.kind == "leaf" and row.label in allotted and allotted[row.label] != row.values["budget"]:
            problems.append(Problem(row.loc, f"「{row.label}」执行情况表预算数 {_fmt(row.values['budget'])} 与分配表"
                                             f"合计 {_fmt(allotted[row.label])} 不一致"))


def _funding(part: PartView, problems: list[Problem]) -> None:
    total = part.funding.rows["total"]
    stated = part.part.funding_stated
    compare(stated.get("budget"), total.values["budget"], "年度资金总额全年预算数", problems)
    compare(stated.get("spent"), total.values["spent"], "年度资金总额全年执行数", problems, "（中央 + 地方 + 其他）")
    compare(stated.get("rate"), total.rate, "年度资金总额预算执行率", problems)
    line = part.part.funding.get("central")
    if line is None or part.execution is None:
        return
    for key, num, name in (("budget", line.budget, "全年预算数"), ("spent", line.spent, "全年执行数")):
        derived = part.execution.total.values[key]
        if num is not None and num.value != derived:
            problems.append(Problem(num.loc, f"中央财政资金{name} {_fmt(num.value)} 与执行情况表合计 {_fmt(derived)} 不一致"))


def _indicators(part: PartView, problems: list[Problem]) -> None:
    for v in part.indicators:
        ind = v.source
        if not v.l1:
            problems.append(Problem(ind.loc, f"指标「{ind.name}」的二级指标「{ind.l2}」不是可用的类别（可用：{'、'.join(KNOWN_L2)}）"))
        name = f"指标{v.number}「{ind.name}」"
        if v.completion is not None:
            compare(ind.stated.get("completion"), v.completion, f"{name}完成率", problems)
            compare(ind.stated.get("deviation"), v.deviation, f"{name}偏差率", problems, "（|完成率 − 100%|）")
        compare(ind.stated.get("score"), v.score, f"{name}得分", problems)
        quoted = bracketed_baseline(ind.target.text) if ind.target.number is None else None
        if quoted is not None and ind.prev_actual and ind.prev_actual.number is not None \
                and quoted != ind.prev_actual.number:
            problems.append(Problem(ind.prev_actual.loc, f"{name}的指标值「{ind.target.text}」引用上年数 {_fmt(quoted)}，"
                                                         f"与上年实际完成值 {ind.prev_actual.text} 不一致"))
        if v.shortfall and not ind.reason:
            problems.append(Problem(ind.loc, f"{name}完成率 {_fmt(v.completion)}% 低于 100%，须写未完成原因（reason）"))
        if v.overshoot and not ind.over_reason:
            problems.append(Problem(ind.loc, f"{name}完成率 {_fmt(v.completion)}% 超出 {OVERSHOOT_FROM - 100}% 及以上，"
                                             "须写超出原因（over_reason）"))


def _points(part: PartView, problems: list[Problem]) -> None:
    """`points` on all or none of a category's indicators, adding up to the category's points."""
    for l1, full in CATEGORY_POINTS.items():
        members = [v.source for v in part.indicators if v.l1 == l1]
        typed = [ind for ind in members if ind.points is not None]
        if not typed:
            continue
        if len(typed) < len(members):
            lacking = next(ind for ind in members if ind.points is None)
            problems.append(Problem(lacking.loc, f"{l1}的指标须都写分值（points）或都不写：「{lacking.name}」没有写"))
        elif (total := sum((ind.points.value for ind in typed), ZERO)) != full:
            problems.append(Problem(typed[0].points.loc, f"{l1}各指标分值合计 {_fmt(total)}，应为 {_fmt(full)}"))


def _unit_tables(part: PartView, problems: list[Problem]) -> None:
    tables = part.part.unit_tables
    allotted = {r.label: r.values["total"] for r in part.allocation.rows if r.kind == "leaf"} if part.allocation else {}
    printed = {t.unit for t in tables if not t.same_as}
    for table in tables:
        if table.same_as and table.same_as not in printed:
            problems.append(Problem(table.loc, f"same_as「{table.same_as}」没有对应的（列出指标的）目标表"))
        _unit_table_amount(table, allotted, problems)
        for ind in table.indicators:
            if ind.l2 not in KNOWN_L2 and not level1_of(ind.l2):
                problems.append(Problem(ind.loc, f"二级指标「{ind.l2}」不是可用的类别（可用：{'、'.join(KNOWN_L2)}）"))


def _unit_table_amount(table: UnitTable, allotted: dict[str, Decimal], problems: list[Problem]) -> None:
    """A typed table's 年度金额 against the unit's 分配表 合计 (a batch spec's tables were checked by that spec:
    their amount is the year's 应补助, not one batch's column)."""
    if table.source is None and table.amount is not None and table.unit in allotted and table.amount.value != allotted[table.unit]:
        problems.append(Problem(table.amount.loc, f"「{table.unit}」目标表年度金额 {_fmt(table.amount.value)} 与分配表合计 "
                                                  f"{_fmt(allotted[table.unit])} 不一致"))


def _system(part: PartView, problems: list[Problem]) -> None:
    system = part.system
    if system is None:
        return
    if system.points != 100:
        problems.append(Problem(system.source.loc, f"绩效评价指标体系分值合计 {_fmt(system.points)}，应为 100"))
    for row in system.rows:
        if row.score > row.source.points.value:
            loc: Loc = row.source.score.loc if row.source.score else row.source.loc
            problems.append(Problem(loc, f"「{row.source.name}」得分 {_fmt(row.score)} 大于分值 {_fmt(row.source.points.value)}"))
    compare(system.source.stated_total, system.total, "绩效评价指标体系最后得分", problems)


def _score(part: PartView, problems: list[Problem]) -> None:
    score, stated = part.score, part.part.stated_score
    rate = part.execution_rate
    why = f"（执行率 {_fmt(rate)}% × 10）" if rate is not None else ""
    compare(stated.get("execution"), score.execution, SCORE_NAMES["execution"], problems, why)
    for key, l1 in CATEGORY_KEYS.items():
        compare(stated.get(key), score.categories[l1], SCORE_NAMES[key], problems)
    compare(stated.get("total"), score.total, SCORE_NAMES["total"], problems)
    compare(stated.get("grade"), score.grade, "自评结果", problems)
