"""The typed model of one batch, parsed once from YAML by spec.py.

Every class here holds inputs only (leaves). Figures that can be derived
(totals, 本次下达, target amounts, attachment numbers) live in derive.py.
`Loc` records where a value came from so that problems can name file:line:col.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Loc:
    """A position in a spec file (1-based line and column) and the key path."""

    file: str
    line: int
    col: int
    path: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.path}"


# Unit levels, in the order they nest. English key → Chinese label (docs/spec.md).
LEVELS = {
    "province_unit": "省直单位",
    "prefecture": "市（地、州）",
    "city_body": "市本级",
    "district": "市辖区",
    "county": "县（市、区）",
    "institution": "机构",
}

# Measures of an allocation. English key → default Chinese column label.
MEASURES = {
    "due": "应补助资金",
    "advance": "提前下达",
    "this": "本次下达",
    "perf": "其中：绩效奖补",
}


@dataclass
class Group:
    """A top-level grouping of units such as 省直 or 地市."""

    id: str
    name: str
    loc: Loc


@dataclass
class Unit:
    """One unit of the registry; `children` nest the hierarchy."""

    id: str
    name: str
    level: str
    loc: Loc
    code: str | None = None
    short: str | None = None
    group: str | None = None
    of_which: bool = False
    parent: Unit | None = field(default=None, repr=False)
    children: list[Unit] = field(default_factory=list, repr=False)

    def ancestors(self) -> list[Unit]:
        """Parent, grandparent, … up to the top of the hierarchy."""
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def walk(self):
        """Yield this unit and all its descendants in registry order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Registry:
    """Units and groups shared by the batches of one province or region."""

    name: str
    groups: list[Group]
    roots: list[Unit]
    by_id: dict[str, Unit]
    source: Path | None = None

    def walk(self):
        """Every unit in registry order."""
        for root in self.roots:
            yield from root.walk()


@dataclass
class Part:
    """A lettered part of a project's entitlement (1-3: a, b, c)."""

    key: str
    name: str
    perf: bool
    loc: Loc


@dataclass
class Project:
    """One funding project: a column group in the allocation matrix."""

    id: str
    name: str
    loc: Loc
    parts: list[Part] = field(default_factory=list)


@dataclass
class Cell:
    """Inputs of one unit × project. `due` is None when the project has parts."""

    project: str
    loc: Loc
    due: Decimal | None = None
    advance: Decimal | None = None
    perf: Decimal | None = None
    parts: dict[str, Decimal] = field(default_factory=dict)
    locs: dict[str, Loc] = field(default_factory=dict)


@dataclass
class Allocation:
    """The inputs for one leaf unit: a cell per project, optionally a unit-level advance."""

    unit: str
    loc: Loc
    cells: dict[str, Cell]
    advance: Decimal | None = None
    advance_loc: Loc | None = None
    expect_due: Decimal | None = None
    expect_loc: Loc | None = None


@dataclass
class Expected:
    """A figure copied from elsewhere, checked against the derived one."""

    of: str  # unit id, group id, or "total"
    measure: str  # due / advance / this / perf / a part key
    value: Decimal
    loc: Loc
    project: str | None = None
    table: str | None = None  # attachment key when the figure is a table's own row


@dataclass
class NumberFormat:
    """How a table prints money."""

    decimals: int = 2
    thousands: bool = True
    zero: str = "blank"  # blank | zero | subtotals


@dataclass
class Column:
    """One column (or column group) of an allocation table."""

    kind: str  # code | unit | measure | project | part
    loc: Loc
    label: str | None = None
    measure: str | None = None
    project: str | None = None
    measures: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # per measure, for a project group
    part: str | None = None
    width: float | None = None
    zero: str | None = None  # this column's zero rule, overriding the table's
    decimals: int | None = None  # this column's decimal places, overriding the table's (Word and Excel alike)


@dataclass
class RowRules:
    """Which units become rows of an allocation table and how they are labelled."""

    total_label: str = "合计"
    groups: bool = True
    group_labels: dict[str, str] = field(default_factory=dict)
    levels: list[str] = field(default_factory=lambda: list(LEVELS))
    labels: dict[str, str] = field(default_factory=dict)
    show_empty: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    of_which: str = "additive"  # additive | non_additive
    group_override: dict[str, str] = field(default_factory=dict)
    names: str = "name"  # name | short
    order: list[str] = field(default_factory=list)  # unit ids printed first, in this order, among their siblings
    loc: Loc | None = None


@dataclass
class Attachment:
    """One entry of the 附件 list, in notice order; children are numbered N-1, N-2, …"""

    kind: str  # allocation_table | target_tables | filing_form | feedback_form | letter
    title: str
    loc: Loc
    key: str | None = None
    expect_no: str | None = None
    children: list[Attachment] = field(default_factory=list)
    # allocation_table
    projects: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: RowRules | None = None
    number_format: NumberFormat = field(default_factory=NumberFormat)
    unit_line: str = "单位：万元"
    formula_row: bool = False
    orientation: str | None = None  # portrait | landscape | None = by width
    # target_tables
    layouts: list[str] = field(default_factory=list)
    flow: str = "per_page"  # per_page | continuous
    # forms and letters
    rows_count: int = 0
    prefill: str | None = None  # recipients (filing form)
    note: str | None = None
    notes: list[str] = field(default_factory=list)
    header_left: str | None = None
    body: list[str] = field(default_factory=list)
    options: dict[str, object] = field(default_factory=dict)


@dataclass
class Indicator:
    """One 三级 indicator row; 一级 and 指标N are derived."""

    l2: str
    name: str
    value: str
    loc: Loc
    extra: dict[str, str] = field(default_factory=dict)  # basis, prev, weight, rule, evidence
    weight: Decimal | None = None
    numbers: dict[str, Decimal] = field(default_factory=dict)  # values typed as YAML numbers, by role


@dataclass
class TargetTable:
    """The inputs of one performance target table (one unit, one layout)."""

    layout: str
    unit: str
    loc: Loc
    fields: dict[str, str]
    goal: str
    indicators: list[Indicator]
    covers: str = "unit"  # unit | batch
    projects: list[str] = field(default_factory=list)
    stated_amount: Decimal | None = None
    stated_amount_loc: Loc | None = None
    weight_total: Decimal | None = None
    goal_loc: Loc | None = None
    field_locs: dict[str, Loc] = field(default_factory=dict)
    vars: dict[str, str] = field(default_factory=dict)  # per-table values for shared indicator sets ({{ v.x }})
    title: str | None = None  # overrides the layout's title for this table


@dataclass
class Paragraph:
    """A body paragraph: an optional heading run (一、…) and a Jinja text template."""

    text: str
    loc: Loc
    heading: str | None = None


@dataclass
class Notice:
    """The notice's own inputs, after merging the issuer profile under the batch."""

    issuer: str
    mark: str
    doc_agency: str
    doc_year: int
    doc_seq: int
    year: int
    fund_level: str
    program: str
    addressees: str
    body: list[Paragraph]
    printer: str
    print_date: str
    loc: Loc
    batch_label: str | None = None
    title: str | None = None
    title_with_issuer: bool = False
    title_lines: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    cc_end: str = "。"
    disclosure: str | None = None
    disclosure_position: str = "before_cc"  # before_cc | after_date | note
    copies: int | None = None
    signature: str | None = None
    sign_date: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    attachments_inline: bool = True
    amount_measure: str = "this"
    locs: dict[str, Loc] = field(default_factory=dict)


@dataclass
class Targets:
    """Batch-wide rules for target tables."""

    tables: list[TargetTable]
    required_for: str | None = None  # attachment key whose positive leaf rows need a table
    required_levels: list[str] = field(default_factory=list)  # or: rows of these levels need one
    exempt: list[str] = field(default_factory=list)
    loc: Loc | None = None
    defaults: dict[str, Loc] = field(default_factory=dict)  # header field → where targets.defaults sets it


@dataclass
class Batch:
    """One funding batch: the whole spec, parsed."""

    source: Path
    notice: Notice
    registry: Registry
    projects: list[Project]
    allocations: list[Allocation]
    attachments: list[Attachment]
    targets: Targets
    expected: list[Expected]
    money_decimals: int = 2
    layouts: dict[str, object] = field(default_factory=dict)

    def project(self, pid: str) -> Project:
        """The project with this id."""
        return next(p for p in self.projects if p.id == pid)


@dataclass
class CellFormat:
    """How a number prints in a target-table cell; Excel gets the number with the matching number format."""

    decimals: int | None = None  # None: as many as the value carries (4000, 56.5)
    thousands: bool = False  # 1,234.00
    zero: str | None = None  # text printed for zero ("-", ""); None: the number itself
    blank: str = ""  # text printed where the table gives no value


LINE_PLACES = ("left", "center", "right")  # where the parts of a sub-title line stand, in reading order


@dataclass(frozen=True)
class TitleLine:
    """One sub-title line as printed: its texts by where they stand on the line (left, center, right).

    A plain text is one centred part; `单位：万元` flush left is one left part; 预算部门 at the left and
    金额单位 at the right of the same line are two parts."""

    parts: tuple[tuple[str, str], ...]  # (place, text), in LINE_PLACES order
    loc: Loc | None = None  # where the line stands in the layout file

    @classmethod
    def centred(cls, text: str, loc: Loc | None = None) -> TitleLine:
        """A line with one centred text."""
        return cls((("center", text),), loc)

    @property
    def text(self) -> str:
        """The line's texts in reading order, joined by a space (for lists and searches)."""
        return " ".join(t for _, t in self.parts if t)

    def filled(self, fill) -> TitleLine:
        """The same line with every text passed through `fill(text, loc)`."""
        return TitleLine(tuple((a, fill(t, self.loc)) for a, t in self.parts), self.loc)


@dataclass
class HeaderCell:
    """One cell of a target layout's header block or indicator header: literal text, a spec field, or a
    derived value."""

    span: int = 1
    rowspan: int = 1
    text: str | None = None  # Jinja text ({{ amount }} allowed); the default label of a field cell
    field: str | None = None  # a header field filled by the spec
    value: str | None = None  # amount | goal
    align: str = "center"  # center | left | right
    format: CellFormat | None = None  # numbers (the amount, a numeric field) print in this format
    loc: Loc | None = None  # where the cell stands in the layout file


@dataclass
class GridColumn:
    """One role of the indicator grid: which indicator value it shows, over how many grid columns."""

    role: str
    col: int  # first grid column
    span: int = 1
    format: CellFormat | None = None  # numbers typed in this column print in this format
    align: str | None = None  # center | left | right; None: the role's usual alignment
    merge: bool = False  # equal consecutive values merge vertically (always so for l1, l2)


class TitledLines:
    """The printed title and sub-title lines of a layout or a filled table: its `titles`/`subtitles` lists, or
    else its single `title`/`subtitle`."""

    title: str
    titles: list[str]
    subtitle: str | None
    subtitles: list[TitleLine]

    @property
    def title_lines(self) -> list[str]:
        """Every title line."""
        return self.titles or [self.title]

    @property
    def subtitle_lines(self) -> list[TitleLine]:
        """Every sub-title line."""
        return self.subtitles or ([TitleLine.centred(self.subtitle)] if self.subtitle else [])


@dataclass
class Layout(TitledLines):
    """A variant of 绩效目标表: header block and indicator columns, loaded from templates/layouts."""

    name: str
    title: str
    grid: list[str]  # roles, left to right (one per GridColumn)
    widths: list[float]  # one per grid column (a role spanning 2 columns has 2)
    fields: dict[str, str]
    header: list[list[HeaderCell]]
    indicator_header: list  # texts or HeaderCells (one row), or rows of HeaderCells
    indicator_fields: list[str]
    loc: Loc
    subtitle: str | None = None
    numbering: str = "none"  # none | per_l2 | per_table
    weight_total: Decimal | None = None
    titles: list[str] = field(default_factory=list)  # every title line (title is the first)
    subtitles: list[TitleLine] = field(default_factory=list)  # every sub-title line (subtitle is the first's text)
    columns: list[GridColumn] = field(default_factory=list)
    header_when: list[str | None] = field(default_factory=list)  # per header row: the field that must be filled
    number_format: CellFormat | None = None  # the amount's format where a cell names none
    repeat_header: bool = True  # the indicator header rows repeat on every page a table breaks across
    title_locs: list[Loc] = field(default_factory=list)
    # (omitted header rows, id of header) → the rows printed: built once, shared by the tables that omit them
    shown: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def grid_columns(self) -> list[GridColumn]:
        """The grid's roles with their columns and spans (one column each unless the layout says so)."""
        if [c.role for c in self.columns] == self.grid:
            return self.columns
        return [GridColumn(role, i) for i, role in enumerate(self.grid)]

    @property
    def width(self) -> int:
        """How many grid columns the table has."""
        return sum(c.span for c in self.grid_columns)

    @property
    def indicator_rows(self) -> list[list[HeaderCell]]:
        """The indicator header as rows of cells."""
        items = self.indicator_header
        if items and all(isinstance(r, list) for r in items):
            return items
        return [[HeaderCell(text=c) if isinstance(c, str) else c for c in items]]

    @property
    def indicator_texts(self) -> list[str]:
        """The indicator header's texts, row by row."""
        return [c.text or "" for row in self.indicator_rows for c in row]
