"""Target tables ready to render: amounts from the allocation, 一级 from 二级, 指标N numbering."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .derive_notice import fund_name
from .errors import Problem
from .figures import figure_functions, unit_slots
from .indicators import level1_of
from .model import Batch, Indicator, Layout, TargetTable, Unit
from .money import ZERO, format_compact
from .sums import Sums
from .textfill import fill


class UsedVars(dict):
    """A table's vars that remember which names the text asked for, so unused ones can be reported."""

    def __init__(self, values: dict):
        super().__init__(values)
        self.used: set[str] = set()

    def __getitem__(self, key):
        self.used.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.used.add(key)
        return super().__contains__(key)


@dataclass
class IndicatorRow:
    """One printed indicator row."""

    l1: str
    l2: str
    name: str  # with its 指标N： prefix where the layout numbers them
    value: str
    extra: dict[str, str]
    source: Indicator


@dataclass
class TargetView:
    """One target table: header values, amount, and indicator rows grouped for vertical merges."""

    table: TargetTable
    layout: Layout
    unit: Unit
    amount: Decimal | None  # None: a standalone document that states no amount
    fields: dict[str, str]
    goal: str
    title: str
    subtitle: str | None
    rows: list[IndicatorRow]
    header_texts: dict[int, str]  # id(HeaderCell) → its text for this table, filled once here

    def header_text(self, cell) -> str:
        """The text of one header cell of this table's layout (field, amount, goal or filled layout text)."""
        return self.header_texts.get(id(cell), "")

    @property
    def weight_sum(self) -> Decimal:
        """Σ 指标分值权重 over the rows that carry a weight."""
        return sum((r.source.weight for r in self.rows if r.source.weight is not None), ZERO)


def target_amount(batch: Batch, sums: Sums, table: TargetTable) -> Decimal:
    """年度金额: the unit's 应补助 (or the batch's, with covers: batch), limited to the table's projects."""
    projects = table.projects or [p.id for p in batch.projects]
    fig = sums.total if table.covers == "batch" else sums.unit.get(table.unit)
    return fig.get("due", projects) if fig else ZERO


def build_target(batch: Batch, sums: Sums, table: TargetTable, problems: list) -> TargetView | None:
    """A notice batch's target table: the amount from the allocation, the batch's slots and figures."""
    layout = batch.layouts.get(table.layout)
    unit = batch.registry.by_id.get(table.unit)
    if layout is None or unit is None:
        return None
    amount = target_amount(batch, sums, table)
    context = {"amount": format_compact(amount, False), "year": batch.notice.year,
               "program": batch.notice.program, "issuer": batch.notice.issuer,
               "fund_name": fund_name(batch.notice), **batch.notice.slots,
               **figure_functions(batch, sums, None if table.covers == "batch" else table.unit)}
    return fill_target(layout, unit, table, amount, context, problems)


def fill_target(layout: Layout, unit: Unit, table: TargetTable, amount: Decimal | None, context: dict,
                problems: list) -> TargetView:
    """Fill one table's header fields, goal, titles and indicator texts from `context` (any document kind);
    derive 一级 and the numbering. `amount` is None where the document states no amount."""
    context = {**context, "unit": unit_slots(unit), "v": UsedVars(table.vars)}  # plain values for the sandbox
    fields = {k: fill(v, context, table.field_locs.get(k, table.loc), problems, f"表头字段 {k}")
              for k, v in table.fields.items()}
    goal = fill(table.goal, context, table.goal_loc or table.loc, problems, "年度总体目标")
    subtitle = fill(layout.subtitle, context, layout.loc, problems, "副标题") if layout.subtitle else None
    rows = number_indicators(table.indicators, layout.numbering)
    for row in rows:
        row.value = fill(row.value, context, row.source.loc, problems, "指标值")
        row.name = fill(row.name, context, row.source.loc, problems, "三级指标")
    texts, header_context = {}, {**context, **fields}
    for header_row in layout.header:
        for cell in header_row:
            if cell.field:
                texts[id(cell)] = fields.get(cell.field, "")
            elif cell.value == "amount":
                texts[id(cell)] = context.get("amount", "")
            elif cell.value == "goal":
                texts[id(cell)] = goal
            else:
                texts[id(cell)] = fill(cell.text or "", header_context, layout.loc, problems, "表样表头")
    title = fill(table.title or layout.title, context, table.loc, problems, "表题")
    unused = sorted(set(table.vars) - context["v"].used)
    if unused:
        problems.append(Problem(table.loc, f"「{unit.name}」绩效目标表的 vars 中「{'、'.join(unused)}」没有被任何指标或表头用到"
                                           f"（是否拼错了 {{{{ v.… }}}} 的名字？）", "warning"))
    return TargetView(table, layout, unit, amount, fields, goal, title, subtitle, rows, texts)


def number_indicators(indicators: list[Indicator], numbering: str) -> list[IndicatorRow]:
    """一级 from the canonical tree; 指标N： restarting per 二级 (per_l2) or running (per_table)."""
    rows, counter, last_l2 = [], 0, None
    for ind in indicators:
        if numbering == "per_l2" and ind.l2 != last_l2:
            counter = 0
        counter += 1
        last_l2 = ind.l2
        name = f"指标{counter}：{ind.name}" if numbering != "none" else ind.name
        rows.append(IndicatorRow(level1_of(ind.l2) or "", ind.l2, name, ind.value, ind.extra, ind))
    return rows
