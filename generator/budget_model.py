"""The typed model of a department budget (部门预算) spec: inputs only, parsed once by budget_spec.py.

Every 合计, 小计, 类/款 roll-up, the 31 fixed rows of the 收支总表 and the 说明's figures are derived in
budget_derive.py; nothing here is a total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .model import Indicator, Layout, Loc

# Funding sources. English key → the 收入总表 column (and the 收支总表 income row it adds to).
SOURCES = {
    "general": "一般公共预算拨款",
    "fund": "政府性基金预算拨款",
    "state_capital": "国有资本经营预算拨款",
    "special_account": "财政专户管理资金",
    "business": "事业收入",
    "operating": "经营收入",
    "superior": "上级补助收入",
    "affiliated": "附属单位上缴收入",
    "other": "其他收入",
    "carryover": "上年结转",
}
FISCAL = ("general", "fund", "state_capital")  # 财政拨款
UNIT_FUNDS = ("business", "operating", "superior", "affiliated", "other")  # 单位资金

# "三公" 经费 leaves. English key → the row of the 三公 table.
THREE_PUBLIC = {
    "abroad_teaching": "教学科研人员因公出国（境）费",
    "abroad_other": "其他因公出国（境）费",
    "car_purchase": "公务用车购置费",
    "car_running": "公务用车运行维护费",
    "reception": "公务接待费",
}


@dataclass
class Money:
    """An amount with where it was typed."""

    value: Decimal
    loc: Loc


@dataclass
class Line:
    """One 项 of 支出功能分类: its basic and project expenditure from one funding source."""

    code: str
    loc: Loc
    source: str = "general"
    basic: Money | None = None
    project: Money | None = None


@dataclass
class EconomicLine:
    """One 款 of 经济分类 in the 一般公共预算基本支出."""

    code: str
    amount: Money
    loc: Loc


@dataclass
class Project:
    """One 项目 with its 绩效目标表 (the layout's header fields, goal and indicators)."""

    code: str
    name: str
    loc: Loc
    amount: Money
    function: str | None  # the 功能分类 项 it is charged to
    function_loc: Loc | None
    source: str
    purpose: str
    plan: list[Money | None]  # 资金支出计划: cumulative 万元 at 3月底, 6月底, 10月底, 12月底
    plan_loc: Loc
    goal: str
    indicators: list[Indicator]
    finance: Money | None = None  # 其中：财政资金, when typed (it is derived otherwise)


@dataclass
class Purchase:
    """One 政府采购 line: the item, its funding project and the amount (单价 is derived)."""

    unit: str
    project: str
    project_budget: Money | None
    item: str
    catalog: str
    measure: str
    quantity: Decimal
    amount: Money
    sme: Money | None
    loc: Loc


@dataclass
class Asset:
    """One row of 部门固定资产占用情况表."""

    label: str
    quantity: str
    value: Money
    loc: Loc
    of_which: bool = False  # a 其中 row: printed, never added


@dataclass
class Section:
    """A heading of the 说明 with its typed paragraphs."""

    key: str
    paragraphs: list[str]
    loc: Loc


@dataclass
class Budget:
    """One department's budget disclosure, as typed."""

    source: object  # Path of the spec
    dept_code: str
    dept_name: str
    year: int
    loc: Loc
    income: dict[str, Money]
    lines: list[Line]
    economic: list[EconomicLine]
    three_public: dict[str, Money]
    prior: dict[str, Money]
    projects: list[Project]
    layout: Layout | None
    codes: object  # budget_codes.Codes
    purchases: list[Purchase] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    asset_date: str | None = None
    asset_purchase: Money | None = None
    units: list[list[str]] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    accepted_gap: Money | None = None  # 项目绩效目标表合计 − 项目支出, stated as known (see budget_check)
