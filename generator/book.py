"""The `book` kind: a department's own book of target tables (绩效目标表册), standalone, with no notice.

A book has a cover page (optional), its own file names and one table per `targets.tables` entry; nothing
in it is an attachment, so nothing carries a 附件 label. Amounts are stated per table (`amount:`): there
is no allocation to derive them from. Loaded, derived and validated here; rendered by render_book.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import layouts
from .derive_targets import TargetView, fill_sheet_names, fill_target
from .errors import Problem
from .model import Loc, Registry, Targets, Unit
from .reader import Obj, Reader
from .registry import read_units
from .spec_targets import read_targets
from .textfill import fill
from .validate import check_fields, check_indicators

BOOK_KEYS = ["kind", "book", "groups", "units", "targets"]
DOCUMENT_KEYS = ["title", "department", "year", "date", "file_name", "sheet_name", "cover", "flow", "slots"]
COVER_KEYS = ["title_lines", "lines"]
DEFAULT_SHEET = "{{ fields.project_name if fields.project_name is defined else title }}"


@dataclass
class Cover:
    """The cover page: title lines in large type, then smaller lines (预算部门：…, the date); text with slots."""

    title_lines: list[str]
    lines: list[str]
    loc: Loc


@dataclass
class Book:
    """A standalone target-table book, parsed."""

    source: Path
    title: str
    department: str
    registry: Registry
    targets: Targets
    layouts: dict
    loc: Loc
    year: int | None = None
    date: str | None = None
    cover: Cover | None = None
    file_name: str | None = None  # a template; the title when absent
    sheet_name: str = DEFAULT_SHEET  # a template, filled per table
    flow: str = "per_page"  # per_page | continuous
    slots: dict[str, str] = field(default_factory=dict)
    locs: dict[str, Loc] = field(default_factory=dict)


@dataclass
class BookView:
    """A book ready to render: filled cover, file name, and the target tables with their sheet names."""

    book: Book
    targets: list[TargetView]
    file_name: str
    cover_titles: list[str]
    cover_lines: list[str]
    sheet_names: list[str]


def read_book(rd: Reader, top: Obj, path: Path) -> Book | None:
    """A book from its opened top-level mapping (None if unusable; problems go to `rd`)."""
    doc = top.mapping("book", DOCUMENT_KEYS, "表册信息（book）")
    if doc is None:
        rd.error(top.loc(), "缺少必填项「book」（表册信息：title、department 等）")
        return None
    title = doc.text("title", required=True) or ""
    department = doc.text("department", required=True) or ""
    registry = Registry("", [], [], {})
    if top.has("units") or top.has("groups"):
        read_units(rd, top, registry)
    if department and department not in registry.by_id:
        unit = Unit(department, department, "institution", doc.loc("department"))
        registry.roots.insert(0, unit)
        registry.by_id[department] = unit
    layout_map = layouts.load_referenced(rd, top, path.parent)
    targets = read_targets(rd, top, registry, layout_map, [], default_unit=department or None)
    if not top.has("targets"):
        rd.error(top.loc(), "缺少必填项「targets」（表册中的绩效目标表）")
    cover = None
    if doc.has("cover"):
        cobj = doc.mapping("cover", COVER_KEYS, "封面（cover）")
        if cobj is not None:
            cover = Cover(cobj.texts("title_lines") or [title], cobj.texts("lines"), cobj.loc())
    return Book(path, title, department, registry, targets, layout_map, doc.loc(), year=doc.integer("year"),
                date=doc.date("date"), cover=cover, file_name=doc.text("file_name"),
                sheet_name=doc.text("sheet_name") or DEFAULT_SHEET,
                flow=doc.choice("flow", ["per_page", "continuous"], "per_page"),
                slots={k: v for k, (v, _) in doc.text_map("slots").items()},
                locs={k: doc.loc(k) for k in doc.data})


def book_context(book: Book) -> dict:
    """The names a book's text may use: department, title, year, date and the book's own slots."""
    context = {"department": book.department, "title": book.title, **book.slots}
    if book.year is not None:
        context["year"] = book.year
    if book.date is not None:
        context["date"] = book.date
    return context


def derive_book(book: Book) -> tuple[BookView, list[Problem]]:
    """Fill every table, the cover, the file name and the sheet names, once."""
    problems: list[Problem] = []
    context = book_context(book)
    views = []
    for table in book.targets.tables:
        layout, unit = book.layouts.get(table.layout), book.registry.by_id.get(table.unit)
        if layout is None or unit is None:
            continue
        amount = table.stated_amount
        ctx = {**context, "amount": format_amount_text(amount, layout)}
        views.append(fill_target(layout, unit, table, amount, ctx, problems))
    locs = book.locs
    name = fill(book.file_name, context, locs.get("file_name"), problems, "文件名") if book.file_name else book.title
    cover = book.cover
    titles = [fill(t, context, cover.loc, problems, "封面标题") for t in cover.title_lines] if cover else []
    lines = [fill(t, context, cover.loc, problems, "封面") for t in cover.lines] if cover else []
    sheets = fill_sheet_names(book.sheet_name, views, context, locs.get("sheet_name", book.loc), problems)
    return BookView(book, views, name, titles, lines, sheets), problems


def format_amount_text(amount: Decimal | None, layout) -> str:
    """An amount as `{{ amount }}` prints it in this layout's text ("" when the table states none)."""
    from .money import format_compact

    return "" if amount is None else format_compact(amount, False)


def validate_book(view: BookView) -> list[Problem]:
    """Indicators and weights, header fields, stated amounts where the layout prints one, a file name."""
    out: list[Problem] = []
    check_indicators(view.targets, out)
    check_fields(view.targets, view.book.targets.defaults, out)
    for t in view.targets:
        if t.amount is None and _prints_amount(t.layout):
            out.append(Problem(t.table.loc, f"表样「{t.layout.name}」印有年度金额，此表应写 amount（金额，如 1234.50）"))
    if not view.book.targets.tables and view.book.targets.loc is not None:
        out.append(Problem(view.book.targets.loc, "表册中没有任何绩效目标表（targets.tables）"))
    if not view.file_name.strip():
        out.append(Problem(view.book.locs.get("file_name", view.book.loc), "文件名为空"))
    return out


def _prints_amount(layout) -> bool:
    """Whether a layout shows the table's amount (a `value: amount` cell or `{{ amount }}` in a text)."""
    cells = [c for row in layout.header for c in row]
    return any(c.value == "amount" or "amount" in (c.text or "") for c in cells)
