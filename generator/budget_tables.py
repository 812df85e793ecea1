"""The nine tables of a department budget as grids of cells, built once from the derived figures.

Both writers (budget_xlsx.py, budget_docx.py) print these grids: the header rows and the 栏次 row, the
data rows with their values, and for each derived cell the cells it adds up (`refs`), which Excel
writes as a live formula. Values are read from budget_derive, never added up here; a cell no input
reaches is None and prints empty, as in the published tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .budget_derive import BudgetDerived, FunctionRow, total
from .budget_model import FISCAL

INCOME_T1 = [("一、一般公共预算拨款收入", ("general",)), ("二、政府性基金预算拨款收入", ("fund",)),
             ("三、国有资本经营预算拨款收入", ("state_capital",)), ("四、财政专户管理资金收入", ("special_account",)),
             ("五、单位资金", ("business", "operating", "superior", "affiliated", "other"))]
INCOME_T4 = [("一、一般公共预算拨款", "general"), ("二、政府性基金预算拨款", "fund"),
             ("三、国有资本经营预算拨款", "state_capital")]
T2_SOURCES = [("财政拨款收入", FISCAL), ("财政专户收入", ("special_account",)), ("事业收入", ("business",)),
              ("经营收入", ("operating",)), ("上级补助收入", ("superior",)), ("附属单位上缴收入", ("affiliated",)),
              ("其他收入", ("other",))]
BLANK_NOTES = {"general": "注：无一般公共预算财政拨款预算，空表列示。",
               "fund": "注：无政府性基金预算财政拨款预算，空表列示。",
               "state_capital": "注：无国有资本经营预算财政拨款预算，空表列示。"}


@dataclass
class HCell:
    """A header cell: text over `span` columns and `rowspan` rows."""

    text: str
    span: int = 1
    rowspan: int = 1


@dataclass
class TCell:
    """A body cell: text, code or money; `refs` are the (row, column) cells of the body it adds up."""

    value: Decimal | str | None = None
    kind: str = "text"  # seq | code | text | money
    refs: list[tuple[int, int]] | None = None


@dataclass
class TRow:
    """A body row; `strong` rows (合计, 类) print in the total style."""

    cells: list[TCell]
    strong: bool = False


@dataclass
class BudgetTable:
    """One of the nine tables, ready to print."""

    key: str
    title: str
    header: list[list[HCell]]
    rows: list[TRow]
    widths: list[float]
    note: str | None = None
    block: tuple[str, ...] = field(default_factory=tuple)  # the title block row: department, year, unit


def money(value: Decimal | None, refs: list[tuple[int, int]] | None = None) -> TCell:
    """A money cell; an empty value has no formula either (it prints empty)."""
    return TCell(value, "money", refs if value is not None else None)


def seq(n: int) -> TCell:
    """A 序号 cell."""
    return TCell(str(n), "seq")


def numbers_row(width: int) -> list[HCell]:
    """栏次 | 1 | 2 | …: every column after 序号 is numbered, 科目编码 and 科目名称 included."""
    return [HCell("栏次"), *(HCell(str(i)) for i in range(1, width))]


def build_tables(d: BudgetDerived) -> list[BudgetTable]:
    """The nine tables in the published order."""
    b = d.budget
    block = (f"{b.dept_code}{b.dept_name}", f"预算年度：{b.year}", "单位：万元")
    tables = [summary(d), income(d), expenditure(d), fiscal_summary(d),
              by_function(d, "general", "部门预算一般公共预算财政拨款支出表"), basic_economic(d),
              by_function(d, "fund", "部门预算政府性基金预算财政拨款支出表"),
              by_function(d, "state_capital", "部门预算国有资本经营预算财政拨款支出表"), three_public(d)]
    for i, t in enumerate(tables, 1):
        t.key, t.block = f"T{i}", block
    return tables


def _tree_refs(rows: list[FunctionRow], i: int, col: int) -> list[tuple[int, int]]:
    """The body rows of row i's children (the body starts at 0 with 合计)."""
    index = {id(r): k for k, r in enumerate(rows)}
    return [(index[id(c)], col) for c in rows[i].children]


def _function_body(rows: list[FunctionRow], values, first: int, width: int) -> list[TRow]:
    """合计/类/款/项 rows: codes and names, then `values(row)` per money column from `first`, where parents
    add up their children and the columns in `values`' row-sum spec add up across."""
    out = []
    for i, row in enumerate(rows):
        cells = [seq(i + 1), TCell(row.code, "code"), TCell(row.name)]
        for j, (value, across) in enumerate(values(row)):
            col = first + j
            if across:
                refs = [(i, c) for c in across]
            else:
                refs = _tree_refs(rows, i, col) if row.level < 3 else None
            cells.append(money(value, refs))
        out.append(TRow(cells + [TCell()] * (width - len(cells)), strong=row.level < 2))
    return out


def _function_header(first: list[HCell], second: list[HCell], width: int) -> list[list[HCell]]:
    return [[HCell("序号", rowspan=2), HCell("功能分类科目", span=2), *first],
            [HCell("科目编码"), HCell("科目名称"), *second], numbers_row(width)]


def summary(d: BudgetDerived) -> BudgetTable:
    """部门预算收支总表: 5 income sources, the 31 fixed 类, 本年合计, 结转, 总计."""
    f = d.figures
    rows = []
    n = len(d.categories)
    for i, cat in enumerate(d.categories):
        name, income_value = (INCOME_T1[i][0], total(f[f"income_{s}"] for s in INCOME_T1[i][1])) \
            if i < len(INCOME_T1) else ("", None)
        rows.append(TRow([seq(i + 1), TCell(name), money(income_value), TCell(f"{cat.number}、{cat.name}"),
                          money(cat.row.amount() if cat.row else None)]))
    rows.append(TRow([seq(n + 1), TCell("本年收入合计"), money(f["income_year"], [(k, 2) for k in range(n)]),
                      TCell("本年支出合计"), money(f["spend_total"], [(k, 4) for k in range(n)])], True))
    rows.append(TRow([seq(n + 2), TCell("上年结转结余"), money(f["income_carryover"]), TCell("年终结转结余"),
                      money(None)]))
    rows.append(TRow([seq(n + 3), TCell("收入总计"), money(f["income_total"], [(n, 2), (n + 1, 2)]),
                      TCell("支出总计"), money(f["spend_total"], [(n, 4), (n + 1, 4)])], True))
    header = [[HCell("序号", rowspan=2), HCell("收入", span=2), HCell("支出", span=2)],
              [HCell("项  目"), HCell("预算数"), HCell("项  目"), HCell("预算数")], numbers_row(5)]
    return BudgetTable("", "部门预算收支总表", header, rows, [4, 24, 10, 24, 10])


def income(d: BudgetDerived) -> BudgetTable:
    """部门预算收入总表: by 功能分类, 合计 = 本年收入小计 + 上年结转, 小计 = Σ sources."""
    def values(row: FunctionRow):
        sources = [(row.amount(sources=srcs), None) for _, srcs in T2_SOURCES]
        year = total(v for v, _ in sources)
        carry = row.amount(sources=["carryover"])
        return [(total([year, carry]), [4, 12]), (year, list(range(5, 12))), *sources, (carry, None)]
    header = _function_header([HCell("合计", rowspan=2), HCell("本年收入", span=8), HCell("上年结转", rowspan=2)],
                              [HCell("小计"), *(HCell(label) for label, _ in T2_SOURCES)], 13)
    body = _function_body(d.function, values, 3, 13)
    return BudgetTable("", "部门预算收入总表", header, body, [4, 7, 16, *[7] * 10])


def expenditure(d: BudgetDerived) -> BudgetTable:
    """部门预算支出总表: by 功能分类, 合计 = 基本 + 项目 (+ 经营, 上解, 对附属单位, which no input reaches)."""
    def values(row: FunctionRow):
        return [(row.amount(), [4, 5, 6, 7, 8]), (row.amount("basic"), None), (row.amount("project"), None),
                (None, None), (None, None), (None, None)]
    header = _function_header([HCell("合计", rowspan=2), HCell("基本支出", rowspan=2), HCell("项目支出", rowspan=2),
                               HCell("经营支出", rowspan=2), HCell("上解上级支出", rowspan=2),
                               HCell("对附属单位补助支出", rowspan=2)], [], 9)
    body = _function_body(d.function, values, 3, 9)
    return BudgetTable("", "部门预算支出总表", header, body, [4, 8, 20, 9, 9, 9, 8, 8, 9])


def by_function(d: BudgetDerived, source: str, title: str) -> BudgetTable:
    """One funding source's expenditure by 功能分类 (合计 = 基本 + 项目); a blank table when it has none."""
    rows = d.by_source[source]
    header = _function_header([HCell("合计", rowspan=2), HCell("基本支出", rowspan=2),
                               HCell("项目支出", rowspan=2)], [], 6)
    widths = [4, 10, 26, 10, 10, 10]
    if len(rows) == 1:
        return BudgetTable("", title, header, [TRow([TCell() for _ in range(6)])], widths, BLANK_NOTES.get(source))

    def values(row: FunctionRow):
        return [(row.amount(), [4, 5]), (row.amount("basic"), None), (row.amount("project"), None)]
    return BudgetTable("", title, header, _function_body(rows, values, 3, 6), widths)


def fiscal_summary(d: BudgetDerived) -> BudgetTable:
    """部门预算财政拨款收支总表: the 财政拨款 part of the 收支总表, split by the three budgets."""
    f, n = d.figures, len(d.categories)
    trees = {s: {r.code: r for r in d.by_source[s] if r.level == 1} for s in FISCAL}
    rows = []
    for i, cat in enumerate(d.categories):
        name, value = (INCOME_T4[i][0], f[f"income_{INCOME_T4[i][1]}"]) if i < len(INCOME_T4) else ("", None)
        parts = [trees[s][cat.row.code].amount() if cat.row and cat.row.code in trees[s] else None for s in FISCAL]
        rows.append(TRow([seq(i + 1), TCell(name), money(value), TCell(f"{cat.number}、{cat.name}"),
                          money(total(parts), [(i, 5), (i, 6), (i, 7)]), *(money(p) for p in parts)]))
    fiscal = [d.function[0].amount(sources=[s]) for s in FISCAL]
    income_year = total(f[f"income_{s}"] for s in FISCAL)
    rows.append(TRow([seq(n + 1), TCell("本年收入合计"), money(income_year, [(k, 2) for k in range(n)]),
                      TCell("本年支出合计"), money(total(fiscal), [(n, 5), (n, 6), (n, 7)]),
                      *(money(v, [(k, 5 + j) for k in range(n)]) for j, v in enumerate(fiscal))], True))
    rows.append(TRow([seq(n + 2), TCell("年初财政拨款结转和结余"), money(None), TCell("年末财政拨款结转和结余"),
                      *(money(None) for _ in range(4))]))
    for k, (name, _) in enumerate(INCOME_T4):
        rows.append(TRow([seq(n + 3 + k), TCell(name), money(None), TCell(""), *(money(None) for _ in range(4))]))
    last = n + 3 + len(INCOME_T4)
    rows.append(TRow([seq(last), TCell("收入总计"), money(income_year, [(n, 2), (n + 1, 2)]), TCell("支出总计"),
                      money(total(fiscal), [(n, 4), (n + 1, 4)]),
                      *(money(v, [(n, 5 + j), (n + 1, 5 + j)]) for j, v in enumerate(fiscal))], True))
    header = [[HCell("序号", rowspan=2), HCell("收入", span=2), HCell("支出", span=4)],
              [HCell("项  目"), HCell("金额"), HCell("项  目"), HCell("合计"), HCell("一般公共预算财政拨款"),
               HCell("政府性基金预算财政拨款"), HCell("国有资本经营预算财政拨款")], numbers_row(8)]
    return BudgetTable("", "部门预算财政拨款收支总表", header, rows, [4, 20, 9, 22, 9, 9, 9, 9])


def basic_economic(d: BudgetDerived) -> BudgetTable:
    """部门预算一般公共预算财政拨款基本支出表: by 经济分类, 301/303 in 人员经费, 302 in 公用经费."""
    rows = d.economic
    header = [[HCell("序号", rowspan=2), HCell("支出部门经济分类科目", span=2), HCell("一般公共预算基本支出", span=3)],
              [HCell("科目编码"), HCell("科目名称"), HCell("合计"), HCell("人员经费"), HCell("公用经费")],
              numbers_row(6)]
    title, widths = "部门预算一般公共预算财政拨款基本支出表", [4, 9, 26, 10, 10, 10]
    if not rows[0].children:
        return BudgetTable("", title, header, [TRow([TCell() for _ in range(6)])], widths,
                           "注：无一般公共预算基本支出预算，空表列示。")
    index = {id(r): k for k, r in enumerate(rows)}
    body = []
    for i, row in enumerate(rows):
        kids = [index[id(c)] for c in row.children]
        people = row.amount if row.personnel or (row.level == 0 and any(c.personnel for c in row.children)) else None
        public = row.amount if not row.personnel and row.level > 0 else None
        if row.level == 0:
            people = total(c.amount for c in row.children if c.personnel)
            public = total(c.amount for c in row.children if not c.personnel)
        body.append(TRow([seq(i + 1), TCell(row.code, "code"), TCell(row.name), money(row.amount, [(i, 4), (i, 5)]),
                          money(people, [(k, 4) for k in kids] or None), money(public, [(k, 5) for k in kids] or None)],
                         strong=row.level < 2))
    return BudgetTable("", title, header, body, widths)


def three_public(d: BudgetDerived) -> BudgetTable:
    """部门预算财政拨款“三公”经费支出表: 合计 = 小计 = 出国 + 车 + 接待; 车 = 购置 + 运维."""
    t = d.three_public
    spec = [("合计", "total", [1]), ("“三公”经费小计", "total", [2, 5, 8]), ("一、因公出国（境）费", "abroad", [3, 4]),
            ("    其中：教学科研人员因公出国（境）费", "abroad_teaching", None),
            ("          其他因公出国（境）费", "abroad_other", None), ("二、公务用车购置及运维费", "car", [6, 7]),
            ("    其中：公务用车购置费", "car_purchase", None), ("          公务用车运行维护费", "car_running", None),
            ("三、公务接待费", "reception", None)]
    body = []
    for i, (label, key, kids) in enumerate(spec):
        value = t[key]
        body.append(TRow([seq(i + 1), TCell(label), money(value, [(i, 3), (i, 4), (i, 5)]),
                          money(value, [(k, 3) for k in kids] if kids else None), money(None), money(None)],
                         strong=i < 2))
    header = [[HCell("序号", rowspan=2), HCell("项  目", rowspan=2), HCell("资 金 性 质", span=4)],
              [HCell("合计"), HCell("一般公共预算财政拨款"), HCell("政府性基金预算拨款"), HCell("国有资本经营预算财政拨款")],
              numbers_row(6)]
    return BudgetTable("", "部门预算财政拨款“三公”经费支出表", header, body, [4, 34, 10, 12, 12, 12])
