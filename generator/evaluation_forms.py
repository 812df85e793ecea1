"""The evaluation's forms as Grids, from plain row data: the 自评表 in its three variants (D1 区域绩效自评表,
D2 区域（项目）绩效目标自评表 with the prior year's column, D3 the 医保 form), the 100-point 指标体系 (E),
and the allocation and execution tables.

Nothing is computed here: every figure arrives with its printed text and its value (evaluation_render.py
reads both from the derived model); the only formulas are Excel's own (执行率 = 执行数/预算数, 合计 = SUM),
stored with the derived value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .evaluation_grid import HEAD, LABEL, LEFT, NUMBER, SUBTOTAL, TEXT, TOTAL, TOTAL_NUMBER, GCell, Grid

MONEY = "0.00"
PERCENT = "0.00%"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Figure:
    """A derived figure: the text the documents print and the number Excel stores (None: an empty cell)."""

    text: str = ""
    value: Decimal | None = None


@dataclass(frozen=True)
class MoneyLine:
    """One 资金投入 row of a 自评表: 全年预算数, 全年执行数, 预算执行率 (value as a percentage: 81.49)."""

    label: str
    budget: Figure
    spent: Figure
    rate: Figure


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of a 自评表: levels, name, target, actual (and the prior year's for D2), reason."""

    level1: str
    level2: str
    name: str
    target: str
    actual: str
    reason: str = ""
    prior: str = ""


@dataclass(frozen=True)
class FormData:
    """What a 自评表 prints, every figure already derived."""

    variant: str  # D1, D2 or D3
    title: str
    year: int
    name: str  # 转移支付（项目）名称
    central_dept: str
    local_dept: str
    user_units: str  # 资金使用单位
    money: Sequence[MoneyLine]
    management: Sequence[tuple[str, str, str]]  # (item, 情况说明, 存在问题和改进措施), the seven fixed items
    goal: str
    goal_actual: str
    indicators: Sequence[IndicatorLine]
    remark: str = "无。"
    sheet: str = ""
    money_format: str = MONEY  # Excel's format of the 资金投入 amounts (as many decimals as the figures print)


def money_cells(line: MoneyLine, r: int, rate_span: int, total: bool = False, fmt: str = MONEY) -> list[GCell]:
    """预算数 (column 4), 执行数 (5) and 执行率 (6…) of one row; the rate is a live ratio in Excel."""
    number = TOTAL_NUMBER if total else NUMBER
    rate = line.rate.value / HUNDRED if line.rate.value is not None else None
    ratio = ((r, 5), (r, 4)) if rate is not None else None  # no rate derived (预算数 0): no formula either
    return [GCell(line.budget.text, number, value=line.budget.value, num_format=fmt),
            GCell(line.spent.text, number, value=line.spent.value, num_format=fmt),
            GCell(line.rate.text, number, span=rate_span, value=rate, num_format=PERCENT, ratio=ratio)]


def selfeval_grid(form: FormData) -> Grid:
    """A 自评表 (D1, D2 or D3) as one grid of 7 columns (8 with D2's prior-year column)."""
    prior = form.variant == "D2"
    n = 8 if prior else 7
    widths = [4.0, 3.8, 4.0, 8.8, 4.6, 4.6, 6.2] if not prior else [3.6, 3.4, 3.4, 8.6, 4.0, 4.0, 4.0, 5.6]
    g = Grid(form.title, widths, subtitle=f"（{form.year}年度）", sheet=form.sheet)
    g.add(GCell("转移支付（项目）名称", LABEL), GCell(form.name, span=n - 1))
    g.add(GCell("中央主管部门", LABEL), GCell(form.central_dept, span=n - 1))
    g.add(GCell("地方主管部门", LABEL), GCell(form.local_dept, span=3), GCell("资金使用单位", LABEL),
          GCell(form.user_units, span=n - 5))
    _money_block(g, form, n)
    # 情况说明 is prose, 存在问题和改进措施 mostly 无: the prose gets every column but the last
    g.add(GCell("资金管理情况", LABEL, rowspan=len(form.management) + 1), GCell(""),
          GCell("情况说明", HEAD, span=n - 3), GCell("存在问题和改进措施", HEAD))
    for item, text, issue in form.management:
        g.add(GCell(item, LABEL), GCell(text, LEFT, span=n - 3), GCell(issue, LEFT))
    goal_label, set_label = ("年度总体目标", "年初设定目标") if prior else ("总体目标完成情况", "总体目标")
    g.add(GCell(goal_label, LABEL, rowspan=2), GCell(set_label, HEAD, span=3),
          GCell("全年实际完成情况", HEAD, span=n - 4))
    g.add(GCell(form.goal, LEFT, span=3), GCell(form.goal_actual, LEFT, span=n - 4))
    _indicator_block(g, form, prior)
    g.add(GCell("说明", LABEL), GCell(form.remark, LEFT, span=n - 1))
    return g


def _money_block(g: Grid, form: FormData, n: int) -> None:
    labels = {"D3": ("资金投入情况（万元）", "全年预算数", "全年执行数", "预算执行率"),
              "D2": ("项目资金（万元）", "全年预算数（A）", "全年执行数（B）", "执行率（B/A*100%）")}
    block, a, b, rate = labels.get(form.variant, ("资金投入情况（万元）", "全年预算数（A）", "全年执行数（B）",
                                                  "预算执行率（B/A×100%）"))
    g.add(GCell(block, LABEL, rowspan=len(form.money) + 1), GCell("", span=3), GCell(a, HEAD), GCell(b, HEAD),
          GCell(rate, HEAD, span=n - 6))
    for i, line in enumerate(form.money):
        r = len(g.rows)
        g.add(GCell(line.label, LEFT, span=3), *money_cells(line, r, n - 6, total=i == 0, fmt=form.money_format))


def _indicator_block(g: Grid, form: FormData, prior: bool) -> None:
    heads = ["一级指标", "二级指标", "三级指标", "指标值"]
    heads += [f"{form.year - 1}年实际完成值", f"{form.year}年实际完成值"] if prior else ["全年实际完成值"]
    heads.append("未完成原因和改进措施")
    g.split, g.header_rows = len(g.rows), 1
    g.add(GCell("绩效指标", LABEL, rowspan=len(form.indicators) + 1), *(GCell(h, HEAD) for h in heads))
    rows = list(form.indicators)
    for i, ind in enumerate(rows):
        cells = _levels(rows, i)
        cells += [GCell(ind.name, LEFT), GCell(ind.target)]
        cells += [GCell(ind.prior), GCell(ind.actual)] if prior else [GCell(ind.actual)]
        cells.append(GCell(ind.reason, LEFT))
        g.add(*cells)


def _levels(rows: Sequence, i: int) -> list[GCell]:
    """Row i's 一级 and 二级 cells where a run of equal ones starts (merged down over the run), else none."""
    cells = []
    if i == 0 or rows[i - 1].level1 != rows[i].level1:
        cells.append(GCell(rows[i].level1, TEXT, rowspan=_run(rows, i, lambda x: x.level1)))
    if i == 0 or (rows[i - 1].level1, rows[i - 1].level2) != (rows[i].level1, rows[i].level2):
        cells.append(GCell(rows[i].level2, TEXT, rowspan=_run(rows, i, lambda x: (x.level1, x.level2))))
    return cells


def _run(rows: Sequence, start: int, key) -> int:
    """How many rows from `start` share its key (the rows a merged 一级/二级 cell covers)."""
    n = 1
    while start + n < len(rows) and key(rows[start + n]) == key(rows[start]):
        n += 1
    return n


@dataclass(frozen=True)
class SystemLine:
    """One row of the 100-point 指标体系 (E)."""

    level1: str  # 项目决策(18分)
    level2: str
    name: str
    standard: str  # 标准值
    actuals: Sequence[str]  # 实际值, one per actual column (上年, 本年)
    rule: str  # 评分标准
    points: Figure  # 分值
    note: str  # 指标说明
    score: Figure  # 自评得分


def system_grid(title: str, actual_heads: Sequence[str], lines: Sequence[SystemLine], points: Figure,
                score: Figure, fmt: str, sheet: str = "") -> Grid:
    """The 指标体系: header repeated on every page, 一级/二级 merged, 合计 as SUM formulas, the final score."""
    k = len(actual_heads)
    g = Grid(title, [4.2, 4.0, 6.0, 5.0, *[4.6] * k, 9.0, 2.6, 7.0, 3.4], sheet=sheet, landscape=True,
             header_rows=1, note=f"注：最后得分：{score.text}分")
    heads = [h if h.startswith("实际值") else f"实际值({h})" for h in actual_heads]
    g.add(*(GCell(h, HEAD) for h in ("一级指标", "二级指标", "三级指标", "标准值", *heads, "评分标准", "分值",
                                      "指标说明", "自评得分")))
    rows = list(lines)
    for i, ln in enumerate(rows):
        cells = _levels(rows, i)
        cells += [GCell(ln.name, LEFT), GCell(ln.standard, LEFT), *(GCell(a, LEFT) for a in ln.actuals),
                  GCell(ln.rule, LEFT), GCell(ln.points.text, value=ln.points.value, num_format=fmt),
                  GCell(ln.note, LEFT), GCell(ln.score.text, value=ln.score.value, num_format=fmt)]
        g.add(*cells)
    body = range(1, len(rows) + 1)
    g.add(GCell("合计", TOTAL, span=5 + k),
          GCell(points.text, TOTAL_NUMBER, value=points.value, num_format=fmt, sums=tuple((r, 5 + k) for r in body)),
          GCell("", TOTAL),
          GCell(score.text, TOTAL_NUMBER, value=score.value, num_format=fmt, sums=tuple((r, 7 + k) for r in body)))
    return g


@dataclass(frozen=True)
class AmountRow:
    """One row of an allocation or execution table: label, figures, whether it is a 合计/小计 row, and
    the rows (indices into the table's rows) it adds up, for Excel's SUM."""

    label: str
    figures: Sequence[Figure]
    strong: bool = False
    total: bool = False  # the 合计 row (centred label); other strong rows are 小计 (label left)
    parts: Sequence[int] = ()


def amount_grid(title: str, heads: Sequence[str], rows: Sequence[AmountRow], unit: str = "单位：万元",
                rate_of: tuple[int, int] | None = None, sheet: str = "", money: str = MONEY) -> Grid:
    """An allocation or execution table; with `rate_of` = (执行数 column, 预算数 column) the last column is
    the 执行率, a live ratio. Sum rows add up their parts column by column."""
    width = len(heads)
    g = Grid(title, [8.0] + [5.0] * (width - 1), unit=unit, sheet=sheet or title, header_rows=1)
    g.add(*(GCell(h, HEAD) for h in heads))
    for row in rows:
        r = len(g.rows)
        cells = [GCell(row.label, TOTAL if row.total else SUBTOTAL if row.strong else LEFT)]
        for j, fig in enumerate(row.figures, 1):
            role = TOTAL_NUMBER if row.strong else NUMBER
            if rate_of and j == width - 1:
                value = fig.value / HUNDRED if fig.value is not None else None
                ratio = ((r, rate_of[0]), (r, rate_of[1])) if value is not None else None
                cells.append(GCell(fig.text, role, value=value, num_format=PERCENT, ratio=ratio))
            else:
                sums = tuple((1 + p, j) for p in row.parts) if fig.value is not None else ()
                cells.append(GCell(fig.text, role, value=fig.value, num_format=money, sums=sums))
        g.add(*cells)
    return g
