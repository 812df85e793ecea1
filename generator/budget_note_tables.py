"""The tables inside the 说明: 部门机构设置情况, 部门政府采购预算 and 部门固定资产占用情况表, as grids for both writers."""

from __future__ import annotations

from .budget_derive import BudgetDerived, total, unit_price, val
from .budget_tables import BudgetTable, HCell, TCell, TRow, money

PURCHASE_FUNDS = ["一般公共预算拨款", "基金预算拨款", "国有资本经营预算拨款", "财政专户核拨", "单位资金", "上年结转结余"]


def units_table(d: BudgetDerived) -> BudgetTable:
    """部门机构设置情况: one row per unit, as typed."""
    header = [[HCell("单位名称"), HCell("单位性质"), HCell("单位规格"), HCell("经费保障形式")]]
    rows = [TRow([TCell(c) for c in unit]) for unit in d.budget.units]
    return BudgetTable("units", "部门机构设置情况", header, rows, [30, 8, 8, 16])


def purchase_table(d: BudgetDerived) -> BudgetTable:
    """部门政府采购预算: 合计, a 小计 per unit, its lines; 单价 = 金额 ÷ 数量, all in 一般公共预算拨款."""
    year = d.budget.year
    header = [[HCell("政府采购项目来源", span=2), HCell("采购物品名称", rowspan=2), HCell("政府采购目录序号", rowspan=2),
               HCell("计量单位", rowspan=2), HCell("数量", rowspan=2), HCell("单价", rowspan=2),
               HCell("政府采购金额（当年部门预算安排资金）", span=7), HCell(f"{year}年预留中小微企业份额", rowspan=2)],
              [HCell("项目名称"), HCell("预算资金"), HCell("合计"), *(HCell(t) for t in PURCHASE_FUNDS)]]
    rows: list[TRow] = [TRow([], True)]
    subtotals = []
    for group in d.purchases:
        at = len(rows)
        subtotals.append(at)
        rows.append(TRow([], True))
        lines = list(range(at + 1, at + 1 + len(group.lines)))
        for p in group.lines:
            rows.append(TRow([TCell(p.project), money(val(p.project_budget)), TCell(p.item), TCell(p.catalog, "code"),
                              TCell(p.measure, "code"), TCell(f"{p.quantity}", "code"), money(unit_price(p)),
                              money(p.amount.value, [(len(rows), 8)]), money(p.amount.value), *_empty(5),
                              money(val(p.sme))]))
        rows[at] = _sum_row(f"{group.unit}小计", group.amount, group.sme, lines, at)
    grand = total(g.amount for g in d.purchases)
    rows[0] = _sum_row("合  计", grand, total(g.sme for g in d.purchases), subtotals, 0)
    widths = [20, 7, 14, 10, 5, 6, 6, 8, 8, 6, 6, 6, 6, 6, 8]
    return BudgetTable("procurement", "部门政府采购预算", header, rows, widths,
                       "注：同一采购目录序号的物品，其单价会因配置规格不同而变动，均符合资产配置标准。涉密采购事项按照相关规定执行。",
                       (f"{d.budget.dept_code}{d.budget.dept_name}", "单位：万元"))


def _empty(n: int) -> list[TCell]:
    return [money(None) for _ in range(n)]


def _sum_row(label: str, amount, sme, parts: list[int], at: int) -> TRow:
    """A 合计/小计 row: its amounts add up the rows `parts` (for 合计, the 小计 rows)."""
    return TRow([TCell(label), *_empty(1), TCell(), TCell(), TCell(), TCell(), *_empty(1),
                 money(amount, [(at, 8)]), money(amount, [(k, 8) for k in parts]), *_empty(5),
                 money(sme, [(k, 14) for k in parts])], True)


def assets_table(d: BudgetDerived) -> BudgetTable:
    """部门固定资产占用情况表: 资产总额 adds up the rows that are not 其中 rows."""
    b = d.budget
    rows = [TRow([TCell("资产总额"), TCell(), money(d.asset_total, [(i + 1, 2) for i, a in enumerate(b.assets)
                                                                     if not a.of_which])], True)]
    for a in b.assets:
        label = ("\u3000\u3000" + a.label) if a.of_which else a.label
        rows.append(TRow([TCell(label), TCell(a.quantity, "code"), money(a.value.value)]))
    header = [[HCell("项   目"), HCell("数量"), HCell("价值（金额单位：万元）")]]
    return BudgetTable("assets", "部门固定资产占用情况表", header, rows, [30, 12, 16], None,
                       (f"{b.dept_code}{b.dept_name}", f"截止时间：{b.asset_date or ''}"))
