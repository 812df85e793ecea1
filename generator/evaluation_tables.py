"""The derived evaluation views as Grids: the 区域绩效目标表 (central and per unit), the allocation and
execution tables, the 自评表 (D1/D2/D3) and the 指标体系 (E). Reads the derived model, never computes."""

from __future__ import annotations

from decimal import Decimal

from .evaluation_forms import (
    AmountRow,
    Figure,
    FormData,
    IndicatorLine,
    MoneyLine,
    SystemLine,
    amount_grid,
    selfeval_grid,
    system_grid,
)
from .evaluation_grid import HEAD, LABEL, LEFT, NUMBER, GCell, Grid
from .evaluation_model import (
    CATEGORY_L2,
    FUNDING_ROWS,
    MGMT_ITEMS,
    TEXT_KEYS,
    MoneyRow,
    PartView,
    ReportView,
    TableView,
)
from .evaluation_words import amount, excel_decimals, percent, score

FORM_TITLES = {"D1": "中央对地方专项转移支付区域绩效自评表", "D2": "中央转移支付区域（项目）绩效目标自评表"}
D3_ROWS = {"central": "其中：中央财政拨款", "local": "地方财政资金", "other": "其他资金"}
L1_OF = {l2: l1 for l1, l2s in CATEGORY_L2.items() for l2 in l2s}


def form_title(view: ReportView, pv: PartView) -> str:
    """The 自评表's title: the variant's standard title; D3 names the region and the fund."""
    part = pv.part
    if part.form_title:
        return part.form_title
    if part.variant == "D3":
        return f"{view.report.region_full or view.report.region}（{part.fund}）绩效自评表"
    return FORM_TITLES[part.variant]


def money(row: MoneyRow | None, label: str, places: int) -> MoneyLine:
    """A 资金投入 row from a derived money row (empty cells where the row is absent)."""
    if row is None:
        return MoneyLine(label, Figure(), Figure(), Figure())
    budget, spent = row.values.get("budget"), row.values.get("spent")
    return MoneyLine(label, Figure(fixed(budget, places), budget), Figure(fixed(spent, places), spent),
                     Figure(percent(row.rate), row.rate))


def selfeval(view: ReportView, pv: PartView) -> Grid:
    """The part's 自评表 in its variant."""
    part, rows = pv.part, pv.funding.rows
    labels = D3_ROWS if part.variant == "D3" else {k: ("其中：" if k == "central" else "") + v
                                                   for k, v in FUNDING_ROWS.items()}
    places = decimals_of(rows.values(), ("budget", "spent"))
    lines = [money(rows.get("total"), "年度资金总额：", places)] + [money(rows.get(k), label, places)
                                                                for k, label in labels.items()]
    indicators = [IndicatorLine(iv.l1, iv.source.l2, iv.source.name, iv.source.target.text, iv.actual_text,
                                _reason(iv), iv.source.prev_actual.text if iv.source.prev_actual else "")
                  for iv in pv.indicators]
    form = FormData(part.variant, form_title(view, pv), view.report.year, part.fund, part.central_dept,
                    part.local_dept, part.user_units, lines,
                    [(MGMT_ITEMS[m.key], m.text, m.issues) for m in pv.mgmt],
                    "\n".join(part.goals), "\n".join(part.goal_actual), indicators,
                    "\n".join(part.texts.get("remarks") or TEXT_KEYS["remarks"][1]) or "无。", sheet=_sheet(pv),
                    money_format=excel_decimals(places))
    return selfeval_grid(form)


def _reason(iv) -> str:
    """The 未完成原因和改进措施 cell: the reason and measures of a miss, the 超出原因 of an overshoot."""
    src = iv.source
    if iv.shortfall:
        return "\n".join(t for t in (src.reason, src.measures and f"改进措施：{src.measures}") if t)
    if iv.overshoot:
        return src.over_reason
    return ""


def _sheet(pv: PartView) -> str:
    """第一部分: the part's sheet name (its heading is too long for Excel's 31 characters)."""
    return f"第{numeral(pv.part.no)}部分"


def numeral(n: int) -> str:
    """Chinese numerals for 1–99: 一, 十, 十一, 二十三."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else "一二三四五六七八九"[tens - 1] + "十")
    return head + ("一二三四五六七八九"[ones - 1] if ones else "")


def system(pv: PartView) -> Grid | None:
    """The 100-point 指标体系 of a part that has one."""
    sv = pv.system
    if sv is None:
        return None
    fmt = "General"  # 分值 and 得分 as the report prints them: 4, 7.05, 97
    labels = sv.source.actual_labels
    lines = [SystemLine(r.l1_label, r.source.l2, r.source.name, r.source.standard,
                        [r.source.actuals.get(label, "") for label in labels], r.source.rule, Figure(score(r.source.points.value), r.source.points.value), r.source.note,
                        Figure(score(r.score), r.score)) for r in sv.rows]
    return system_grid(sv.source.title, labels, lines, Figure(score(sv.points), sv.points),
                       Figure(score(sv.total), sv.total), fmt, sheet=f"{_sheet(pv)}指标体系")


def table(tv: TableView, rate_of: tuple[int, int] | None, first: str, sheet: str = "") -> Grid:
    """An allocation (no rate) or execution table (执行率 as a live ratio of 执行数 over 预算数)."""
    keys = [k for k, _ in tv.columns if k != "rate"]
    heads = [first, *(label for k, label in tv.columns if k != "rate")]
    if rate_of:
        heads.append(next((label for k, label in tv.columns if k == "rate"), "执行率"))
    places = decimals_of(tv.rows, keys)
    rows = []
    for r, parts in zip(tv.rows, sum_parts(tv, keys), strict=True):
        figures = [Figure(fixed(r.values.get(k), places), r.values.get(k)) for k in keys]
        if rate_of:
            figures.append(Figure(percent(r.rate), r.rate))
        rows.append(AmountRow(r.label, figures, strong=r.kind != "leaf", total=r.kind == "total", parts=parts))
    return amount_grid(tv.title, heads, rows, rate_of=rate_of, sheet=sheet or tv.title, money=excel_decimals(places))


def decimals_of(rows, keys) -> int:
    """The most decimals any of these rows' figures under these keys carries."""
    places = 0
    for r in rows:
        for k in keys:
            value = r.values.get(k)
            if value is not None and value.as_tuple().exponent < 0:
                places = max(places, -value.as_tuple().exponent)
    return places


def fixed(value: Decimal | None, places: int) -> str:
    """An amount with a table's decimals."""
    return "" if value is None else f"{value:.{places}f}"


def sum_parts(tv: TableView, keys: list[str]) -> list[tuple[int, ...]]:
    """For each row, the rows Excel's SUM adds up: a subtotal its leaves, the total its subtotals and the
    leaves outside any group (print order: total, then each subtotal with its leaves). A SUM is written only
    where the parts' derived figures add up to the row's in every column (a table that lists some groups
    without their units keeps plain numbers)."""
    out: list[tuple[int, ...]] = [()] * len(tv.rows)
    top: list[int] = []
    group: int | None = None
    for i, r in enumerate(tv.rows):
        if r.kind == "subtotal":
            group = i
            top.append(i)
        elif r.kind == "leaf":
            if group is None:
                top.append(i)
            else:
                out[group] += (i,)
    for i, r in enumerate(tv.rows):
        if r.kind == "total":
            out[i] = tuple(top)
    return [parts if parts and _adds_up(tv, i, parts, keys) else () for i, parts in enumerate(out)]


def _adds_up(tv: TableView, i: int, parts: tuple[int, ...], keys: list[str]) -> bool:
    row = tv.rows[i]
    return all(row.values.get(k) == sum((tv.rows[p].values.get(k) or 0 for p in parts), Decimal(0)) for k in keys)


def execution(pv: PartView) -> Grid | None:
    """The 资金执行情况表: 单位 | 预算数 | 执行数 | 执行率."""
    tv = pv.execution
    if tv is None:
        return None
    keys = [k for k, _ in tv.columns if k != "rate"]
    rate_of = (1 + keys.index("spent"), 1 + keys.index("budget"))
    first = (pv.part.execution.unit_label if pv.part.execution else "") or "单位"
    return table(tv, rate_of, first, sheet=f"{_sheet(pv)}执行情况")


def allocation(pv: PartView) -> Grid:
    """The 资金分配表: 项目单位 | one column per province batch | 合计."""
    first = (pv.part.allocation.unit_label if pv.part.allocation else "") or "项目单位"
    return table(pv.allocation, None, first, sheet=f"{_sheet(pv)}分配")


def targets(view: ReportView, pv: PartView, title: str, unit_amount, central_amount, goals: list[str],
            rows: list[tuple[str, str, str]], dept: tuple[str, str]) -> Grid:
    """A 区域绩效目标表: name, department, money, goals and the indicator grid (一级/二级 merged)."""
    g = Grid(title, [4.4, 3.6, 4.4, 10.0, 5.0], subtitle=f"（{view.report.year}年度）", keep=True)
    g.add(GCell("项目名称", LABEL), GCell(pv.part.fund, span=4))
    g.add(GCell(dept[0], LABEL), GCell(dept[1], span=4))
    g.add(GCell("资金情况（万元）", LABEL, rowspan=2), GCell("年度金额：", LEFT, span=2),
          GCell(amount(unit_amount), NUMBER, span=2, value=unit_amount))
    g.add(GCell("其中：中央补助", LEFT, span=2), GCell(amount(central_amount), NUMBER, span=2, value=central_amount))
    g.add(GCell("年度总体目标", LABEL), GCell("\n".join(goals), LEFT, span=4))
    g.split, g.header_rows = len(g.rows), 1
    g.add(GCell("绩效指标", LABEL, rowspan=len(rows) + 1), *(GCell(h, HEAD) for h in ("一级指标", "二级指标",
                                                                                      "三级指标", "指标值")))
    for i, (l2, name, target) in enumerate(rows):
        l1 = L1_OF.get(l2, "")
        cells = []
        if i == 0 or L1_OF.get(rows[i - 1][0], "") != l1:
            cells.append(GCell(l1, rowspan=_count(rows, i, lambda r: L1_OF.get(r[0], ""))))
        if i == 0 or rows[i - 1][0] != l2:
            cells.append(GCell(l2, rowspan=_count(rows, i, lambda r: r[0])))
        g.add(*cells, GCell(name, LEFT), GCell(target))
    return g


def _count(rows, start, key) -> int:
    n = 1
    while start + n < len(rows) and key(rows[start + n]) == key(rows[start]):
        n += 1
    return n


def central_targets(view: ReportView, pv: PartView) -> Grid:
    """The 区域绩效目标表 the 财政部 issued with the money (the targets the part is scored against)."""
    part = pv.part
    rows = [(iv.source.l2, iv.source.name, iv.source.target.text) for iv in pv.indicators]
    return targets(view, pv, f"{part.fund}区域绩效目标表", pv.central_total, pv.central_total, part.goals, rows,
                   ("中央主管部门", part.central_dept))


def unit_target(view: ReportView, pv: PartView, ut) -> Grid:
    """A province per-unit 区域绩效目标表; the unit's name closes the title."""
    title = f"{ut.title or '中央对地方专项转移支付区域绩效目标表'}（{ut.unit}）"
    rows = [(ui.l2, ui.name, ui.target.text) for ui in ut.indicators]
    return targets(view, pv, title, ut.amount.value if ut.amount else None, ut.central.value if ut.central else None,
                   ut.goals, rows, ("省级主管部门", pv.part.local_dept))
