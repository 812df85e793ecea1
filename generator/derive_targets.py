"""Target tables ready to render: amounts from the allocation, 一级 from 二级, 指标N numbering."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from .derive_notice import fund_name
from .errors import Problem
from .figures import figure_functions, unit_slots
from .indicators import level1_of
from .model import Batch, CellFormat, HeaderCell, Indicator, Layout, TargetTable, TitledLines, TitleLine, Unit
from .money import ZERO, format_compact
from .numformat import format_number, parse_number
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
    numbers: dict[str, Decimal] = field(default_factory=dict)  # role → number where the grid formats one

    def text(self, role: str) -> str:
        """What this row prints in a grid column of this role."""
        return getattr(self, role) if role in ("l1", "l2", "name", "value") else self.extra.get(role, "")


@dataclass
class TargetView(TitledLines):
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
    titles: list[str] = field(default_factory=list)  # every title line (title is the first)
    subtitles: list[TitleLine] = field(default_factory=list)
    header_numbers: dict[int, tuple[Decimal | None, CellFormat | None]] = field(default_factory=dict)
    omitted: tuple[int, ...] = ()  # header rows not printed (their `when` field is empty in this table)
    shown_rows: list[list[HeaderCell]] = field(default_factory=list)  # the header rows printed, when some are omitted

    def header_text(self, cell) -> str:
        """The text of one header cell of this table's layout (field, amount, goal or filled layout text)."""
        return self.header_texts.get(id(cell), "")

    def header_number(self, cell) -> tuple[Decimal | None, CellFormat | None] | None:
        """(number, format) where a header cell prints a number (the amount, a formatted field); else None."""
        return self.header_numbers.get(id(cell))

    @property
    def header_rows(self) -> list[list[HeaderCell]]:
        """The header block as printed for this table: the layout's rows less the omitted optional ones."""
        return self.shown_rows if self.omitted else self.layout.header

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
    derive 一级, the numbering, the optional header rows and the formatted numbers. `amount` is None where
    the document states no amount."""
    if layout.number_format is not None:
        context = {**context, "amount": format_number(amount, layout.number_format)}
    context = {**context, "unit": unit_slots(unit), "v": UsedVars(table.vars)}  # plain values for the sandbox
    fields = {k: fill(v, context, table.field_locs.get(k, table.loc), problems, f"表头字段 {k}")
              for k, v in table.fields.items()}
    goal = fill(table.goal, context, table.goal_loc or table.loc, problems, "年度总体目标")
    locs = layout.title_locs or [layout.loc]
    titles = ([fill(table.title, context, table.loc, problems, "表题")] if table.title else
              [fill(t, context, locs[min(i, len(locs) - 1)], problems, "表题") for i, t in enumerate(layout.title_lines)])
    subtitles = [line.filled(lambda text, loc: fill(text, context, loc or layout.loc, problems, "副标题"))
                 for line in layout.subtitle_lines]
    rows = _indicator_rows(layout, table, context, problems)
    omitted = tuple(i for i, key in enumerate(layout.header_when) if key and not fields.get(key, table.vars.get(key)))
    shown = layout.shown.setdefault((omitted, id(layout.header)), shown_header(layout.header, omitted))
    texts, numbers = _header_cells(layout, table, shown, {**context, "fields": fields, **fields}, amount, goal,
                                   problems)
    unused = sorted(set(table.vars) - context["v"].used)
    if unused:
        problems.append(Problem(table.loc, f"「{unit.name}」绩效目标表的 vars 中「{'、'.join(unused)}」没有被任何指标或表头用到"
                                           f"（是否拼错了 {{{{ v.… }}}} 的名字？）", "warning"))
    return TargetView(table, layout, unit, amount, fields, goal, titles[0] if titles else "",
                      subtitles[0].text if subtitles else None, rows, texts, titles, subtitles, numbers, omitted,
                      shown if omitted else [])


def shown_header(header: list[list[HeaderCell]], omitted: tuple[int, ...]) -> list[list[HeaderCell]]:
    """The header rows less the omitted ones; a cell spanning rows from above shrinks by the rows omitted."""
    if not omitted:
        return header
    out = []
    for r, row in enumerate(header):
        if r in omitted:
            continue
        out.append([replace(c, rowspan=c.rowspan - sum(1 for k in omitted if r < k < r + c.rowspan)) for c in row])
    return out


def _header_cells(layout: Layout, table: TargetTable, rows: list[list[HeaderCell]], context: dict,
                  amount: Decimal | None, goal: str, problems: list) -> tuple[dict, dict]:
    """Each header cell's text, and (number, format) for the cells that print a number."""
    texts, numbers = {}, {}
    fields = context["fields"]
    for row in rows:
        for cell in row:
            key = id(cell)
            if cell.value == "amount":
                fmt = cell.format or layout.number_format
                numbers[key] = (amount, fmt)
                # without a format, the amount prints as the document's context spells it ({{ amount }})
                texts[key] = format_number(amount, fmt) if fmt or "amount" not in context else str(context["amount"])
            elif cell.value == "goal":
                texts[key] = goal
            elif cell.field:
                texts[key] = fields[cell.field] if cell.field in fields else fill(cell.text or "", context, cell.loc,
                                                                                   problems, "表头默认文字")
                if cell.format is not None and cell.field in fields:
                    number = parse_number(texts[key]) if texts[key].strip() else None
                    if number is None and texts[key].strip():
                        problems.append(Problem(table.field_locs.get(cell.field, table.loc),
                                                f"表头字段「{cell.field}」按数字格式印，应写数字（如 1234.5），实际是「{texts[key]}」"))
                    else:
                        numbers[key] = (number, cell.format)
                        texts[key] = format_number(number, cell.format)
            else:
                texts[key] = fill(cell.text or "", context, cell.loc or layout.loc, problems, "表样表头")
    return texts, numbers


def _indicator_rows(layout: Layout, table: TargetTable, context: dict, problems: list) -> list[IndicatorRow]:
    """Indicator rows with slots filled; numbers in formatted grid columns printed in their format."""
    rows = number_indicators(table.indicators, layout.numbering)
    formats = {c.role: c.format for c in layout.grid_columns if c.format is not None}
    for row in rows:
        row.value = fill(row.value, context, row.source.loc, problems, "指标值")
        row.name = fill(row.name, context, row.source.loc, problems, "三级指标")
        for role, fmt in formats.items():
            if role in row.source.numbers:
                number = row.source.numbers[role]
                row.numbers[role] = number
                text = format_number(number, fmt)
                if role in ("name", "value"):
                    setattr(row, role, text)
                else:
                    row.extra[role] = text
    return rows


def fill_sheet_names(template: str, views: list[TargetView], context: dict, loc, problems: list) -> list[str]:
    """One Excel sheet name per table from a template: index (1, 2, …), title, unit, fields, v."""
    return [fill(template, {**context, "unit": unit_slots(v.unit), "fields": v.fields, "title": v.title, "index": i,
                            "v": v.table.vars}, loc, problems, "工作表名")
            for i, v in enumerate(views, 1)]


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
