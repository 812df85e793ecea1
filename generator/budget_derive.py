"""Every figure of a department budget, derived once from its inputs (budget_model.Budget).

The 功能分类 tree (合计 → 类 → 款 → 项) is built from the typed 项 rows, the 经济分类 tree from the typed 款,
the 31 fixed 类 rows of the 收支总表 from the code list, and the 说明's figures from these. Tables
(budget_tables.py), the 说明 (budget_notes.py) and the checks (budget_check.py) read them from here.
An amount nobody typed is None, not zero: the tables print it empty, as the published ones do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .budget_codes import function_parents
from .budget_model import FISCAL, SOURCES, THREE_PUBLIC, Budget, Line, Money, Project, Purchase
from .derive_targets import TargetView, fill_target
from .errors import Problem
from .model import TargetTable, Unit
from .money import ZERO, rounded


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """Σ of the amounts given; None when none was given (an empty cell stays empty)."""
    given = [v for v in values if v is not None]
    return sum(given, ZERO) if given else None


def val(money: Money | None) -> Decimal | None:
    """The amount of a typed figure, or None."""
    return money.value if money is not None else None


@dataclass
class FunctionRow:
    """A row of a table by 功能分类: 合计 (level 0), 类 (1), 款 (2) or 项 (3), over the 项 lines below it."""

    code: str
    name: str
    level: int
    lines: list[Line]
    children: list[FunctionRow] = field(default_factory=list)

    def amount(self, part: str | None = None, sources: Iterable[str] | None = None) -> Decimal | None:
        """basic, project or both (part None), from these sources (all when None)."""
        wanted = set(sources) if sources is not None else None
        parts = ("basic", "project") if part is None else (part,)
        return total(val(getattr(line, p)) for line in self.lines for p in parts
                     if wanted is None or line.source in wanted)


@dataclass
class EconomicRow:
    """A row of the 基本支出表: 合计 (level 0), 类 (1) or 款 (2); `personnel` 类 are 人员经费."""

    code: str
    name: str
    level: int
    amount: Decimal
    personnel: bool
    children: list[EconomicRow] = field(default_factory=list)


@dataclass
class Category:
    """One of the 31 fixed 类 rows of the 收支总表: its number, name and the 合计 row of its 类 (if any)."""

    number: str
    name: str
    row: FunctionRow | None


@dataclass
class PurchaseGroup:
    """The 政府采购 lines of one unit, with their 小计."""

    unit: str
    lines: list[Purchase]
    amount: Decimal
    sme: Decimal | None


@dataclass
class BudgetDerived:
    """Everything printed, derived once."""

    budget: Budget
    function: list[FunctionRow]  # every source: 收入总表, 支出总表
    by_source: dict[str, list[FunctionRow]]  # one source: 一般公共预算 / 政府性基金 / 国有资本经营 tables
    categories: list[Category]
    economic: list[EconomicRow]  # 一般公共预算基本支出 by 经济分类
    three_public: dict[str, Decimal | None]
    figures: dict[str, Decimal | None]  # the 说明's figures and the tables' totals (see derive_figures)
    projects: list[Project]
    purchases: list[PurchaseGroup]
    asset_total: Decimal | None
    views: list = field(default_factory=list)  # the projects' target tables (derive_targets.TargetView)


def function_rows(lines: list[Line], names) -> list[FunctionRow]:
    """合计, then each 类 followed by its 款 and each 款 by its 项, in code order (parents before children)."""
    top = FunctionRow("", "合计", 0, list(lines))
    nodes: dict[str, FunctionRow] = {}
    for line in sorted(lines, key=lambda ln: ln.code):
        parent = top
        for code in [*function_parents(line.code), line.code]:
            node = nodes.get(code)
            if node is None:
                node = nodes[code] = FunctionRow(code, names.get(code, ""), len(code) // 2, [])
                parent.children.append(node)
            node.lines.append(line)
            parent = node
    out: list[FunctionRow] = []

    def walk(row: FunctionRow) -> None:
        out.append(row)
        for child in row.children:
            walk(child)

    walk(top)
    return out


def economic_rows(budget: Budget) -> list[EconomicRow]:
    """合计, each 类 and its 款 of the 一般公共预算基本支出, amounts summed up from the typed 款."""
    codes = budget.codes
    top = EconomicRow("", "合计", 0, ZERO, False)
    classes: dict[str, EconomicRow] = {}
    for line in sorted(budget.economic, key=lambda e: e.code):
        head = line.code[:3]
        cls = classes.get(head)
        if cls is None:
            cls = classes[head] = EconomicRow(head, codes.economic.get(head, ""), 1, ZERO, head in codes.personnel)
            top.children.append(cls)
        item = EconomicRow(line.code, codes.economic.get(line.code, ""), 2, line.amount.value, cls.personnel)
        cls.children.append(item)
        cls.amount += item.amount
        top.amount += item.amount
    return [top, *(r for cls in top.children for r in (cls, *cls.children))]


def derive_budget(budget: Budget) -> tuple[BudgetDerived, list]:
    """Derive every table's rows and every figure of the 说明; the checks are budget_check's."""
    names = budget.codes.function
    rows = function_rows(budget.lines, names)
    by_source = {s: function_rows([ln for ln in budget.lines if ln.source == s], names) for s in FISCAL}
    by_code = {r.code: r for r in rows if r.level == 1}
    categories = [Category(_numbered(i), name, by_code.get(code) if code else None)
                  for i, (code, name) in enumerate(budget.codes.categories, 1)]
    economic = economic_rows(budget)
    three = {k: val(budget.three_public.get(k)) for k in THREE_PUBLIC}
    three["abroad"] = total([three["abroad_teaching"], three["abroad_other"]])
    three["car"] = total([three["car_purchase"], three["car_running"]])
    three["total"] = total([three["abroad"], three["car"], three["reception"]])
    derived = BudgetDerived(budget, rows, by_source, categories, economic, three, {}, budget.projects,
                            _purchase_groups(budget.purchases), total(a.value.value for a in budget.assets
                                                                      if not a.of_which))
    derived.figures = derive_figures(derived)
    problems: list = []
    derived.views = target_views(derived, problems)
    return derived, problems


def _numbered(n: int) -> str:
    from .budget_codes import chinese_number

    return chinese_number(n)


def derive_figures(d: BudgetDerived) -> dict[str, Decimal | None]:
    """The totals the tables and the 说明 print: income by source, 基本/项目, 人员/公用, 机关运行经费, changes."""
    b, top = d.budget, d.function[0]
    income = {s: val(b.income.get(s)) for s in SOURCES}
    f: dict[str, Decimal | None] = {f"income_{s}": v for s, v in income.items()}
    f["income_unit"] = total(income[s] for s in ("business", "operating", "superior", "affiliated", "other"))
    f["income_year"] = total(v for s, v in income.items() if s != "carryover")
    f["income_total"] = total(income.values())
    f["spend_total"] = top.amount()
    f["spend_year"] = top.amount(sources=[s for s in SOURCES if s != "carryover"])
    f["spend_carryover"] = top.amount(sources=["carryover"])
    f["basic"], f["project"] = top.amount("basic"), top.amount("project")
    f["fiscal"] = top.amount(sources=FISCAL)
    econ = d.economic[0]
    f["economic_total"] = econ.amount if econ.children else None
    f["personnel"] = total(r.amount for r in econ.children if r.personnel)
    f["public"] = total(r.amount for r in econ.children if not r.personnel)
    f["running"] = f["public"]  # 机关运行经费 = the 公用经费 of the 基本支出 (名词解释 10)
    f["projects_total"] = total(p.amount.value for p in d.projects)
    f["project_gap"] = (f["projects_total"] or ZERO) - (f["project"] or ZERO) if d.projects else None
    prior = {k: val(m) for k, m in b.prior.items()}
    for key, now in (("basic", f["basic"]), ("project", f["project"]), ("three_public", d.three_public["total"])):
        f[f"prior_{key}"] = prior.get(key)
        f[f"change_{key}"] = (now or ZERO) - prior[key] if prior.get(key) is not None else None
    if f["change_basic"] is not None and f["change_project"] is not None:
        f["change_total"] = f["change_basic"] + f["change_project"]
    return f


QUARTERS = ("plan_q1", "plan_q2", "plan_q3", "plan_q4")


def target_views(d: BudgetDerived, problems: list[Problem]) -> list[TargetView]:
    """A view per project: header fields from the project, 一级 from 二级, the numbered title."""
    layout = d.budget.layout
    if layout is None:
        return []
    unit = Unit(d.budget.dept_code, d.budget.dept_name, "province_unit", d.budget.loc)
    views = []
    for n, p in enumerate(d.projects, 1):
        fields = {"project_code": p.code, "project_name": p.name, "purpose": p.purpose, "other_funds": "",
                  **{q: amount_text(m.value if m else None) for q, m in zip(QUARTERS, p.plan, strict=False)}}
        table = TargetTable(layout.name, unit.id, p.loc, fields, p.goal, p.indicators)
        context = {"number": n, "amount": amount_text(p.amount.value), "year": d.budget.year, "project_name": p.name}
        views.append(fill_target(layout, unit, table, p.amount.value, context, problems))
    return views


def amount_text(value: Decimal | None) -> str:
    """24490.91 as the tables print it: two decimals, no thousands separator; None prints nothing."""
    return "" if value is None else f"{value:.2f}"


def _purchase_groups(purchases: list[Purchase]) -> list[PurchaseGroup]:
    groups: dict[str, PurchaseGroup] = {}
    for p in purchases:
        g = groups.setdefault(p.unit, PurchaseGroup(p.unit, [], ZERO, None))
        g.lines.append(p)
        g.amount += p.amount.value
        g.sme = total([g.sme, val(p.sme)])
    return list(groups.values())


def unit_price(p: Purchase) -> Decimal:
    """单价 = 金额 ÷ 数量, to 0.01 万元 as printed (the amount is the input; the price is derived)."""
    return rounded(p.amount.value / p.quantity)
