"""Derive every figure of a self-evaluation once: table sums, 执行率, 完成率, 偏差率, points, scores, grade.

Pure: evaluation_model.Report in, ReportView out (with the problems met on the way, e.g. an actual that
cannot be compared with its target). The rules themselves are in evaluation_rules.py.
"""

from __future__ import annotations

from decimal import Decimal

from .budget_codes import chinese_number
from .errors import Problem
from .evaluation_model import (
    CATEGORY_L2,
    CATEGORY_POINTS,
    FUNDING_ROWS,
    Allocation,
    Batch,
    Execution,
    FundingView,
    IndicatorView,
    MoneyRow,
    Part,
    PartView,
    Report,
    ReportView,
    RowGroup,
    ScoreView,
    System,
    SystemRowView,
    SystemView,
    TableView,
)
from .evaluation_rules import (
    ZERO,
    capped_share,
    completion,
    deviation,
    execution_score,
    grade,
    needs_reason,
    overshoots,
    percent,
    rounded,
)
from .indicators import level1_of


def derive_evaluation(report: Report) -> tuple[ReportView, list[Problem]]:
    """All derived views of a report, and the problems found while deriving."""
    problems: list[Problem] = []
    return ReportView(report, [derive_part(p, problems) for p in report.parts]), problems


def derive_part(part: Part, problems: list[Problem]) -> PartView:
    """One part's derived views."""
    allocation = allocation_view(part.allocation, part.province) if part.allocation else None
    execution = execution_view(part.execution) if part.execution else None
    central_total = sum((b.amount for b in part.central), ZERO)
    funding = funding_view(part, execution, central_total, problems)
    rate = funding.rows["total"].rate
    indicators = indicator_views(part, problems)
    system = system_view(part.system, rate, part.score_decimals) if part.system else None
    present = {v.source.l2 for v in indicators}
    missing_l2 = [l2 for l2s in CATEGORY_L2.values() for l2 in l2s if l2 not in present]
    return PartView(
        part, _heading(part), central_total, sum((b.amount for b in part.province), ZERO), allocation, execution,
        funding, rate, indicators, missing_l2, [v for v in indicators if v.shortfall],
        [v for v in indicators if v.overshoot], score_view(part, rate, indicators, system), system, part.mgmt)


def _heading(part: Part) -> str:
    gap = "" if part.title.startswith(("（", "(")) else " "
    return f"第{chinese_number(part.no)}部分{gap}{part.title}"


def batch_label(batch: Batch, index: int) -> str:
    """The allocation column header of a province batch: its label, else 第N批下达."""
    return batch.label or f"第{chinese_number(index + 1)}批下达"


def _rows(groups: list[RowGroup], keys: list[str], values_of, kind_rate) -> tuple[list[MoneyRow], MoneyRow]:
    """Print-order rows (subtotal, then leaves, per group) and the total row, adding each column once."""
    body: list[MoneyRow] = []
    total = {k: ZERO for k in keys}
    for group in groups:
        leaves = [MoneyRow(row.unit, "leaf", values_of(row), kind_rate(values_of(row)), row.loc) for row in group.rows]
        sub = {k: sum((leaf.values.get(k, ZERO) for leaf in leaves), ZERO) for k in keys}
        if group.name:
            body.append(MoneyRow(group.label, "subtotal", sub, kind_rate(sub), group.loc))
        body.extend(leaves)
        total = {k: total[k] + sub[k] for k in keys}
    return body, MoneyRow("", "total", total, kind_rate(total))


def allocation_view(allocation: Allocation, province: list[Batch]) -> TableView:
    """The 资金分配表: each row's 合计 is the sum of its batch columns; subtotals and 合计 add the rows."""
    ids = [b.id for b in province]

    def values(row) -> dict[str, Decimal]:
        out = {i: row.amounts[i].value for i in ids if i in row.amounts}
        out["total"] = sum(out.values(), ZERO)
        return out

    body, total = _rows(allocation.groups, [*ids, "total"], values, lambda v: None)
    total = MoneyRow(allocation.total_label, "total", total.values, None, allocation.loc)
    columns = [(b.id, batch_label(b, i)) for i, b in enumerate(province)] + [("total", "合计")]
    return TableView(allocation.title, columns, [total, *body], total)


def execution_view(execution: Execution) -> TableView:
    """The 资金执行情况表: 预算数, 执行数 and 执行率 per row, subtotal and 合计."""
    body, total = _rows(execution.groups, ["budget", "spent"],
                        lambda row: {"budget": row.budget.value, "spent": row.spent.value},
                        lambda v: percent(v["spent"], v["budget"]))
    total = MoneyRow(execution.total_label, "total", total.values, total.rate, execution.loc)
    return TableView(execution.title, [("budget", "预算数"), ("spent", "执行数")], [total, *body], total)


def funding_view(part: Part, execution: TableView | None, central_total: Decimal,
                 problems: list[Problem]) -> FundingView:
    """年度资金总额 = 中央 + 地方 + 其他; 中央 defaults to the execution 合计."""
    lines: dict[str, tuple[Decimal, Decimal]] = {}
    for key in FUNDING_ROWS:
        line = part.funding.get(key)
        typed = (line.budget.value if line and line.budget else None, line.spent.value if line and line.spent else None)
        if key == "central":
            typed = _central(part, typed, execution, central_total, problems)
        if line is not None or key == "central":
            lines[key] = (typed[0] or ZERO, typed[1] or ZERO)
    budget = sum((b for b, _ in lines.values()), ZERO)
    spent = sum((s for _, s in lines.values()), ZERO)
    rows = {"total": MoneyRow("年度资金总额", "total", {"budget": budget, "spent": spent}, percent(spent, budget))}
    for key, (b, s) in lines.items():
        rows[key] = MoneyRow(FUNDING_ROWS[key], "leaf", {"budget": b, "spent": s}, percent(s, b))
    return FundingView(rows)


def _central(part: Part, typed, execution: TableView | None, central_total: Decimal, problems: list[Problem]):
    """The 中央 line: typed values first, then the execution 合计, then the central batches (budget only)."""
    budget, spent = typed
    if execution is not None:
        budget = execution.total.values["budget"] if budget is None else budget
        spent = execution.total.values["spent"] if spent is None else spent
    elif budget is None and part.central:
        budget = central_total
    if spent is None:
        problems.append(Problem(part.loc, f"{_heading(part)}：没有执行数——请写 execution（资金执行情况表）或 "
                                          "funding.central.spent（中央财政资金全年执行数）"))
    return budget, spent


def _points(part: Part) -> dict[int, Decimal]:
    """分值 per indicator (by position): typed, else the category's remaining points split equally."""
    out: dict[int, Decimal] = {}
    for l1, total in CATEGORY_POINTS.items():
        members = [i for i, ind in enumerate(part.indicators) if level1_of(ind.l2) == l1]
        typed = {i: part.indicators[i].points.value for i in members if part.indicators[i].points}
        rest = [i for i in members if i not in typed]
        left = total - sum(typed.values(), ZERO)
        share = left / len(rest) if rest and left > 0 else ZERO
        out.update(typed)
        out.update({i: share for i in rest})
    return out


def indicator_views(part: Part, problems: list[Problem]) -> list[IndicatorView]:
    """指标N, 一级, 完成率, 偏差率, 分值, 得分 and whether words are due, per indicator."""
    points = _points(part)
    out = []
    for i, ind in enumerate(part.indicators):
        value, direction, why = completion(ind)
        if why:
            problems.append(Problem(ind.loc, f"指标「{ind.name}」：{why}，无法计算完成率"))
        pts = points.get(i, ZERO)
        l1 = level1_of(ind.l2)
        out.append(IndicatorView(
            ind, i + 1, l1 if l1 in CATEGORY_POINTS else "", direction, value,
            deviation(value) if value is not None else None, pts,
            rounded(capped_share(pts, value), part.score_decimals), needs_reason(value), overshoots(value),
            "，".join(a.text for a in ind.actuals)))
    return out


def score_view(part: Part, rate: Decimal | None, indicators: list[IndicatorView],
               system: SystemView | None) -> ScoreView:
    """预算执行 + 产出 + 效益 + 满意度 (each rounded once), or the system's total; and the grade."""
    places = part.score_decimals
    execution = execution_score(rate, places)
    categories, missing = {}, []
    for l1, full in CATEGORY_POINTS.items():
        members = [v for v in indicators if v.l1 == l1]
        if not members:
            missing.append(l1)
            categories[l1] = rounded(full, places)
        else:
            categories[l1] = rounded(sum((capped_share(v.points, v.completion) for v in members), ZERO), places)
    total = rounded(execution + sum(categories.values(), ZERO), places)
    if system is not None:
        total = system.total
    return ScoreView(execution, categories, total, grade(total), places, missing, system is not None)


def system_view(system: System, rate: Decimal | None, places: int) -> SystemView:
    """The 100-point system: each 一级's points (项目决策(18分)), each row's 得分 (typed, or from 执行率), total."""
    l1_points: dict[str, Decimal] = {}
    for row in system.rows:
        l1_points[row.l1] = l1_points.get(row.l1, ZERO) + row.points.value
    rows = []
    for row in system.rows:
        if row.auto == "execution":
            score = execution_score(rate, places, row.points.value)
        else:
            score = row.score.value if row.score else ZERO
        rows.append(SystemRowView(row, f"{row.l1}({_plain(l1_points[row.l1])}分)", score))
    total = rounded(sum((r.score for r in rows), ZERO), places)
    return SystemView(system, rows, l1_points, sum(l1_points.values(), ZERO), total)


def _plain(value: Decimal) -> str:
    """18 → "18", 19.05 → "19.05" (no trailing zeros)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
