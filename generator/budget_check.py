"""Checks of a derived budget: what the tables restate must agree, in Chinese, each at the typed value.

Identities that hold by construction (T2 = T3 = T5 row by row, T1 = T4, 合计 = 基本 + 项目) are not checked:
those tables are printed from the same derived rows. What is checked is every place where two inputs
state the same money: income against expenditure, the 基本支出表 against the 基本支出 by 功能分类, the
"三公" table against the 基本支出表, the projects against 项目支出, each project's plan against its 预算数.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .budget_derive import BudgetDerived, total, val
from .budget_model import SOURCES, THREE_PUBLIC, Project
from .errors import Problem
from .indicators import level1_of
from .money import ZERO
from .validate import check_indicators

_WAN = re.compile(r"^\s*(≤|<=|<)?\s*([0-9]+(?:\.[0-9]+)?)\s*万元\s*$")


def validate_budget(d: BudgetDerived) -> list[Problem]:
    """Every problem of a derived budget, errors and warnings."""
    out: list[Problem] = []
    _income(d, out)
    _categories(d, out)
    _basic(d, out)
    _three_public(d, out)
    _project_total(d, out)
    _project_functions(d, out)
    for p in d.projects:
        _project(p, out)
    _purchases(d, out)
    check_indicators(d.views, out)
    return out


def _f(value: Decimal | None) -> str:
    return f"{value or ZERO:.2f}"


def _income(d: BudgetDerived, out: list[Problem]) -> None:
    """收入 by source = 支出 from that source (收支总表: 收入总计 = 支出总计)."""
    b = d.budget
    top = d.function[0]
    for source, label in SOURCES.items():
        typed = b.income.get(source)
        spent = top.amount(sources=[source])
        if (val(typed) or ZERO) != (spent or ZERO):
            loc = typed.loc if typed else b.loc
            out.append(Problem(loc, f"收入「{label}」{_f(val(typed))} 与按该来源安排的支出 {_f(spent)} 不等"
                                    f"（差 {_f((val(typed) or ZERO) - (spent or ZERO))}），收支总表将不平衡"))


def _categories(d: BudgetDerived, out: list[Problem]) -> None:
    """Every 类 spent on must be one of the 收支总表's fixed rows, or its money would be missing there."""
    fixed = {code for code, _ in d.budget.codes.categories if code}
    for row in d.function:
        if row.level == 1 and row.code not in fixed:
            out.append(Problem(row.lines[0].loc, f"功能分类类「{row.code} {row.name}」不在收支总表的固定类中"
                                                 "（generator/data/budget_codes.yaml 的 categories），收支总表将漏列这笔支出"))


def _basic(d: BudgetDerived, out: list[Problem]) -> None:
    """基本支出表 (经济分类) 合计 = 一般公共预算基本支出 by 功能分类."""
    b = d.budget
    by_function = d.by_source["general"][0].amount("basic") or ZERO
    by_economic = d.figures["economic_total"] or ZERO
    if by_function != by_economic:
        loc = b.economic[0].loc if b.economic else b.loc
        out.append(Problem(loc, f"基本支出表（经济分类）合计 {_f(by_economic)} 与一般公共预算基本支出（功能分类）"
                                f" {_f(by_function)} 不等（差 {_f(by_economic - by_function)}）"))


def _three_public(d: BudgetDerived, out: list[Problem]) -> None:
    """"三公" items restate 经济分类 款 of the 基本支出表 (公务接待费 30217, 公务用车运行维护费 30231)."""
    b = d.budget
    econ = {e.code: e for e in b.economic}
    for key, code in b.codes.three_public_links.items():
        item, line = b.three_public.get(key), econ.get(code)
        if (val(item) or ZERO) != (line.amount.value if line else ZERO):
            loc = item.loc if item else line.loc if line else b.loc
            out.append(Problem(loc, f"“三公”经费「{THREE_PUBLIC[key]}」{_f(val(item))} 与基本支出表 {code}"
                                    f"「{b.codes.economic.get(code, '')}」{_f(line.amount.value if line else None)} 不等",
                               "warning"))


def _project_total(d: BudgetDerived, out: list[Problem]) -> None:
    """Σ 项目绩效目标表 预算数 = 项目支出, unless the spec states exactly this gap under accept."""
    b = d.budget
    if not d.projects:
        return
    gap, accepted = d.figures["project_gap"], b.accepted_gap
    text = (f"{len(d.projects)} 个项目绩效目标表的预算数合计 {_f(d.figures['projects_total'])}，"
            f"项目支出为 {_f(d.figures['project'])}，差 {_f(gap)}")
    if accepted is not None and accepted.value == gap:
        out.append(Problem(accepted.loc, f"{text}（已在 accept.project_gap 中注明）", "warning"))
    elif gap:
        where = accepted.loc if accepted is not None else d.projects[0].loc
        stated = f"；accept.project_gap 写的是 {_f(accepted.value)}" if accepted is not None else ""
        out.append(Problem(where, f"{text}{stated}。项目的预算数之和应等于支出总表的项目支出"))
    elif accepted is not None:
        out.append(Problem(accepted.loc, f"accept.project_gap 写了 {_f(accepted.value)}，但项目合计与项目支出相等"))


def _project_functions(d: BudgetDerived, out: list[Problem]) -> None:
    """Projects charged to a 科目 cannot exceed that 科目's 项目支出."""
    rows = {r.code: r for r in d.function if r.level == 3}
    charged: dict[str, list[Project]] = {}
    for p in d.projects:
        if p.function:
            charged.setdefault(p.function, []).append(p)
    for code, projects in charged.items():
        row = rows.get(code)
        budgeted = (row.amount("project") if row else None) or ZERO
        spent = total(p.amount.value for p in projects) or ZERO
        if spent > budgeted:
            out.append(Problem(projects[-1].function_loc, f"记入科目 {code} 的 {len(projects)} 个项目预算数合计 "
                                                           f"{_f(spent)}，超过该科目的项目支出 {_f(budgeted)}"))


def _project(p: Project, out: list[Problem]) -> None:
    """One project: 财政资金 ≤ 预算数, 资金支出计划 cumulative up to 12月底 = 预算数, indicators."""
    amount = p.amount.value
    if p.finance is not None and p.finance.value > amount:
        out.append(Problem(p.finance.loc, f"项目「{p.name}」财政资金 {_f(p.finance.value)} 超过预算数 {_f(amount)}"))
    plan = [m for m in p.plan if m is not None]
    if plan and plan[-1].value != amount:
        out.append(Problem(plan[-1].loc, f"项目「{p.name}」资金支出计划 12月底累计 {_f(plan[-1].value)} 应等于预算数 "
                                         f"{_f(amount)}（计划按累计金额填写，单位万元）"))
    for a, b in zip(plan, plan[1:], strict=False):
        if b.value < a.value:
            out.append(Problem(b.loc, f"项目「{p.name}」资金支出计划是累计数，不应比上一期少（{_f(a.value)} → {_f(b.value)}）",
                               "warning"))
    _cost_indicators(p, out)
    if p.indicators and not any(level1_of(i.l2) == "满意度指标" for i in p.indicators):
        out.append(Problem(p.loc, f"项目「{p.name}」缺少满意度指标", "warning"))


def _cost_indicators(p: Project, out: list[Problem]) -> None:
    """A 成本指标 in 万元 cannot exceed the 预算数; an exact one that stands alone should equal it."""
    amount = p.amount.value
    costs = [(i, Decimal(m.group(2)), m.group(1)) for i in p.indicators
             if i.l2 == "成本指标" and (m := _WAN.match(i.value))]
    for ind, value, op in costs:
        alone = len(costs) == 1 and not op
        if value > amount or (alone and value != amount):
            out.append(Problem(ind.loc, f"项目「{p.name}」成本指标「{ind.value}」与预算数 {_f(amount)} 不符", "warning"))


def _purchases(d: BudgetDerived, out: list[Problem]) -> None:
    """中小企业份额 ≤ 金额; one 预算资金 per funding project of a unit."""
    budgets: dict[tuple[str, str], Decimal] = {}
    for p in d.budget.purchases:
        if p.sme is not None and p.sme.value > p.amount.value:
            out.append(Problem(p.sme.loc, f"采购「{p.item}」预留中小企业份额 {_f(p.sme.value)} 超过采购金额 {_f(p.amount.value)}"))
        if p.project_budget is not None:
            key = (p.unit, p.project)
            seen = budgets.setdefault(key, p.project_budget.value)
            if seen != p.project_budget.value:
                out.append(Problem(p.project_budget.loc, f"「{p.project}」的预算资金前后不一（{_f(seen)} 与 "
                                                         f"{_f(p.project_budget.value)}）"))
