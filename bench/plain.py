"""Our derived model flattened to plain data (strings, Decimals, lists): what the two references render.

The references (docxtpl + openpyxl, and the string-building floor) start from this, so their documents
carry the same text and figures as ours and the benchmark compares rendering alone. Building it is not
timed: it stands for the context dictionary any template approach must assemble, and leaving it out
favours the references, never us. Number formatting is left to the renderers (it is part of their work).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generator.derive import Derived
from generator.derive_tables import TableView
from generator.derive_targets import TargetView
from generator.model import NumberFormat
from generator.render_forms import recipients
from generator.render_xlsx import FEEDBACK_COLUMNS

DEFAULT_LABELS = {"code": "单位编码", "unit": "单位名称"}
FILING_COLUMNS = ["序号", "部门（单位）", "姓名", "职务", "联系电话"]


@dataclass
class Cell:
    """A header cell: text spanning `span` columns and `rowspan` rows."""

    text: str
    span: int = 1
    rowspan: int = 1
    number: Decimal | None = None  # a figure (target tables' 年度金额), written as a number in workbooks


@dataclass
class Row:
    """A body row of an allocation table: label, code, one Decimal per money column, formulas."""

    label: str
    code: str
    values: list[Decimal]
    subtotal: bool
    depth: int
    sum_rows: list[int] = field(default_factory=list)  # row indices it adds up (its printed children)
    terms: list[list[tuple[int, int]]] = field(default_factory=list)  # per money column: (sign, column)


@dataclass
class Table:
    """One allocation table."""

    number: str
    title: str
    unit_line: str
    landscape: bool
    header: list[list[Cell]]  # header rows, merged cells given once (span/rowspan)
    text_columns: list[str]  # kinds of the leading text columns: code, unit
    money_count: int
    rows: list[Row]
    formats: list[NumberFormat]  # per money column (the table's format with the column's zero rule)
    widths: list[float]


@dataclass
class Indicator:
    """One indicator row: a text per grid column (blank under a vertical merge that continues), the spans
    of its 一级/二级 merges (> 0 on the first row of a merge, 0 on the rows it covers) and its weight."""

    cells: list[str]
    l1_span: int
    l2_span: int
    weight: Decimal | None = None


@dataclass
class Target:
    """One performance target table."""

    title: str
    subtitle: str
    header: list[list[Cell]]
    columns: int
    grid: list[str]  # column roles: label, l1, l2, name, value, basis, prev, weight, rule, evidence
    widths: list[float]
    indicator_header: list[str]
    indicators: list[Indicator]
    unit: str
    amount: Decimal
    layout: str


@dataclass
class TargetDoc:
    """A target_tables attachment: its number, title and tables."""

    number: str
    title: str
    tables: list[Target]
    per_page: bool


@dataclass
class Form:
    """A filing form, feedback form or letter: title, column heads, blank rows, notes or paragraphs."""

    number: str
    kind: str
    title: str
    columns: list[str]
    rows: list[list[str]]  # body rows, every cell (序号 and unit where prefilled, else blank)
    notes: list[str]
    paragraphs: list[str]
    lines: tuple[str, str] = ("", "")  # a line above the form and one below it


@dataclass
class Notice:
    """The notice's printed text."""

    mark: str
    doc_number: str
    title_lines: list[str]
    addressees: str
    body: list[tuple[str | None, str, int]]
    attachments: list[tuple[str, str]]
    disclosure: str | None
    cc: str | None
    printer: str
    print_date: str
    copies: str | None
    signature: str | None = None  # 落款
    sign_date: str | None = None  # 成文日期, as printed


@dataclass
class DocSet:
    """Everything a reference renders for one batch."""

    notice: Notice
    tables: list[Table]
    targets: list[TargetDoc]
    forms: list[Form]


def plain_docset(derived: Derived) -> DocSet:
    """Flatten a derived batch."""
    n = derived.notice
    notice = Notice(n.notice.mark, n.doc_number, list(n.title_lines), n.addressees,
                    [(p.heading, p.text, p.level) for p in n.body], list(n.attachment_list), n.disclosure_text,
                    n.cc_text, n.print_line[0], n.print_line[1], n.copies_text, n.notice.signature,
                    n.notice.sign_date)
    tables = [plain_table(derived.tables[x.number]) for x in derived.attachments
              if x.attachment.kind == "allocation_table"]
    targets = [TargetDoc(x.number, x.title, [plain_target(t) for t in derived.targets_for(x)],
                         x.attachment.flow == "per_page")
               for x in derived.attachments if x.attachment.kind == "target_tables"]
    forms = []
    for x in derived.attachments:
        att = x.attachment
        if att.kind == "filing_form":
            if att.prefill == "recipients":
                rows = [[str(i), u.name, "", "", ""] for i, u in enumerate(recipients(derived), 1)]
            else:
                rows = [["", "", "", "", ""] for _ in range(att.rows_count)]  # blank, as ours
            forms.append(Form(x.number, att.kind, x.title, FILING_COLUMNS, rows, [att.note] if att.note else [], [],
                              ("填报部门（公章）：", "填报人：\t填报时间：")))
        elif att.kind == "feedback_form":
            blank = [""] * (len(FEEDBACK_COLUMNS) - 1)
            rows = [["合计", *blank]] + [[str(i), *blank] for i in range(1, att.rows_count + 1)]
            forms.append(Form(x.number, att.kind, x.title, FEEDBACK_COLUMNS, rows, list(att.notes), [],
                              (f"{att.header_left or ''}\t{att.unit_line}", "")))
        elif att.kind == "letter":
            letter = derived.letters[x.number]
            tail = [t for t in (letter.signature, letter.sign_date) if t]
            head = [letter.addressee] if letter.addressee else []
            forms.append(Form(x.number, att.kind, x.title, [], [], [], [*head, *letter.body, *tail]))
    return DocSet(notice, tables, targets, forms)


def plain_table(view: TableView) -> Table:
    """Header cells, rows of Decimals and the formulas of one allocation table."""
    cols = view.columns
    money = [c for c in cols if c.kind == "money"]
    index = {c.key: i for i, c in enumerate(money)}
    header = _table_header(view)
    rows = []
    for r, row in enumerate(view.rows):
        values = [row.values.get(c.key, Decimal(0)) for c in money]
        terms = []
        for c in money:
            calc = view.calcs.get((r, c.key))
            terms.append([(s, index[k]) for s, k in calc.terms] if calc and calc.terms else [])
        label = row.label
        rows.append(Row(label, row.code, values, row.is_subtotal, row.depth, list(row.children), terms))
    widths = [c.width or (14 if c.kind == "unit" else 10 if c.kind == "code" else 8) for c in cols]
    text_columns = [c.kind for c in cols if c.kind != "money"]
    formats = [c.number_format or view.attachment.number_format for c in money]
    return Table(view.number, view.title, view.unit_line, view.landscape, header, text_columns, len(money),
                 rows, formats, widths)


def _table_header(view: TableView) -> list[list[Cell]]:
    """Label row(s), project names merged over their measures, then the letters row; a column with
    neither a project name nor a letter is one cell merged down through all header rows (as ours)."""
    cols = view.columns
    label = [c.label or DEFAULT_LABELS.get(c.kind, "") for c in cols]
    label_rows = 2 if view.two_row_header else 1
    top, bottom, letters, i = [], [], [], 0
    while i < len(cols):
        group = cols[i].group if view.two_row_header else None
        if group:
            j = i
            while j < len(cols) and cols[j].group == group:
                bottom.append(Cell(label[j]))
                letters.append(Cell(cols[j].formula_text or ""))
                j += 1
            top.append(Cell(group, span=j - i))
            i = j
            continue
        lettered = cols[i].kind == "money"
        down = label_rows + (1 if view.formula_row and not lettered else 0)
        top.append(Cell(label[i], rowspan=down))
        if lettered:
            letters.append(Cell(cols[i].formula_text or ""))
        i += 1
    header = [top, bottom] if label_rows == 2 else [top]
    if view.formula_row:
        header.append(letters)
    return header


def plain_target(view: TargetView) -> Target:
    """Header block and indicator rows (with their vertical merges) of one target table."""
    layout = view.layout
    header = [[Cell(view.header_text(c), c.span, c.rowspan, view.amount if c.value == "amount" else None)
               for c in cells] for cells in layout.header]
    rows = view.rows
    indicators = []
    for i, row in enumerate(rows):
        l1_span = _run(rows, i, lambda r: r.l1)
        l2_span = _run(rows, i, lambda r: (r.l1, r.l2))
        spans = {"l1": l1_span, "l2": l2_span}
        cells = ["" if spans.get(role, 1) == 0 else _indicator_text(row, role) for role in layout.grid]
        indicators.append(Indicator(cells, l1_span, l2_span, row.source.weight))
    header_names = list(layout.indicator_texts) + [""] * (len(layout.grid) - len(layout.indicator_texts))
    return Target(view.title, view.subtitle or "", header, len(layout.grid), list(layout.grid), list(layout.widths),
                  header_names, indicators, view.unit.name, view.amount, view.table.layout)


def _indicator_text(row, role: str) -> str:
    if role == "label":
        return ""
    if role in ("l1", "l2", "name", "value"):
        return getattr(row, role)
    return row.extra.get(role, "")


def _run(rows, i: int, key) -> int:
    """Length of the run of equal keys starting at i, or 0 when row i continues a run."""
    if i and key(rows[i - 1]) == key(rows[i]):
        return 0
    j = i + 1
    while j < len(rows) and key(rows[j]) == key(rows[i]):
        j += 1
    return j - i
