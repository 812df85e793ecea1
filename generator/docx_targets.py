"""Performance target tables (绩效目标表) as WordprocessingML text, laid out entirely by their layout file.

A layout's header block (cells with span/rowspan), its indicator header and its grid roles decide
every cell; a province that adds a layout file needs no change here. 一级 and 二级 cells, and the
leading 绩效指标 label column, are merged vertically (w:vMerge) over the indicators they head.
Fonts, alignment and borders are the template's styles (表格-文字, 表格-表头, 绩效目标表-标题, …) at the
size chosen here; the tables come out one at a time, so thousands of them are never one string.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from .derive_targets import IndicatorRow, TargetView
from .errors import RenderError
from .model import HeaderCell, Layout
from .ooxml import (
    CELL,
    CELL_HEAD,
    CELL_JUSTIFY,
    TARGET_SUBTITLE,
    TARGET_TITLE,
    TEXT_WIDTH,
    TableStyles,
    cell,
    cjk_em,
    row,
    scale_widths,
    styled_p,
    table_open,
    text_runs,
)

SIZES = (21, 18)  # 五号 when the layout's character widths fit the text width, else 小五 (text wraps)
SLACK = 1.05  # a label exactly as wide as its cell still wraps in LibreOffice
MARGINS = (57, 28)  # cell margins: 1 mm, or 0.5 mm when the layout's widths do not fit even at 小五
ROW_HEIGHT = 1.8  # minimum row height in em: forms read better with air above and below
_ROW_TEXT = {"l1", "l2", "name", "value"}
CENTRED_ROLES = {"label", "l1", "l2", "value", "basis", "prev", "weight", "rule", "evidence"}


@dataclass
class Placed:
    """One header-block cell at its grid column: a layout cell, or the continuation of one above it."""

    col: int
    span: int
    source: HeaderCell | None  # None: continues a rowspan from the row above
    vmerge: str | None


@dataclass
class Frame:
    """What every table of one layout shares, built once: placed header cells, widths, size, and the
    XML pieces that do not depend on a table's data (cell shells, merge continuations, fixed labels)."""

    layout: Layout
    header: list[list[Placed]]
    widths: list[int]
    size: int
    margin: int
    height: int
    paras: dict[str, str] = field(default_factory=dict)  # role or alignment → paragraph start (w:p and w:pPr)
    table_open: str = ""
    tr_open: str = ""
    fixed: dict[tuple[int, int], str] = field(default_factory=dict)  # (header row, col) → finished cell
    indicator_header: tuple[str, str] = ("", "")  # without / with indicator rows below
    shells: list[list[str]] = field(default_factory=list)
    restarts: list[list[str]] = field(default_factory=list)
    continued: list[str] = field(default_factory=list)

    def build(self, styles: TableStyles) -> Frame:
        """Prebuild the constant XML pieces of this frame, in the template's cell styles at its size."""
        widths = self.widths
        centre, left = styled_p(styles(CELL, self.size)), styled_p(styles(CELL_JUSTIFY, self.size))
        self.paras = {role: centre if role in CENTRED_ROLES else left for role in self.layout.grid}
        self.paras |= {"center": centre, "both": left, "head": styled_p(styles(CELL_HEAD, self.size))}
        self.table_open = table_open(widths, self.margin, styles.borders)
        self.tr_open = row("", height=self.height)[: -len("</w:tr>")]
        for r, placed in enumerate(self.header):
            for pc in placed:
                w = sum(widths[pc.col:pc.col + pc.span])
                if pc.source is None:
                    self.fixed[(r, pc.col)] = _text_cell("", w, centre, span=pc.span, vmerge=pc.vmerge)
                elif not _varies(pc.source):
                    self.fixed[(r, pc.col)] = _text_cell(pc.source.text or "", w, self.paras[_align(pc.source)],
                                                         pc.span, pc.vmerge)
        self.indicator_header = tuple(self._indicator_header(has) for has in (False, True))
        self.shells = [cell("\x00", w).split("\x00") for w in widths]
        self.restarts = [cell("\x00", w, vmerge="restart").split("\x00") for w in widths]
        self.continued = [_text_cell("", w, centre, vmerge="continue") for w in widths]
        return self

    def _indicator_header(self, has_rows: bool) -> str:
        """The row of column titles; the 绩效指标 label cell starts a merge down the indicator rows."""
        cells = [self.tr_open]
        for j, (role, text) in enumerate(zip(self.layout.grid, self.layout.indicator_header, strict=True)):
            vmerge = "restart" if role == "label" and has_rows else None
            cells.append(_text_cell(text, self.widths[j], self.paras["head"], vmerge=vmerge))
        cells.append("</w:tr>")
        return "".join(cells)


def target_tables_xml(views: list[TargetView], flow: str, text_width: int | None = None,
                      styles: TableStyles | None = None) -> str:
    """Every target table with its title and subtitle; per_page starts each on a new page,
    continuous separates them with a blank line. `styles` records the sized cell styles used."""
    return "".join(target_tables_pieces(views, flow, styles or TableStyles(), text_width))


def target_tables_pieces(views: list[TargetView], flow: str, styles: TableStyles,
                         text_width: int | None = None) -> Iterator[str]:
    """target_tables_xml in pieces, one table (with its titles) at a time."""
    width = text_width or TEXT_WIDTH
    frames: dict[int, Frame] = {}
    for view in views:
        if id(view.layout) not in frames:
            same = [v for v in views if v.layout is view.layout]
            frames[id(view.layout)] = layout_frame(view.layout, width, same, styles)
    gap = '<w:p><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0"/></w:pPr></w:p>'
    for i, view in enumerate(views):
        frame = frames[id(view.layout)]
        out: list[str] = []
        if i and flow == "continuous":
            out.append(gap)
        out.append(_title(view.title, TARGET_TITLE, page_break=bool(i) and flow == "per_page",
                          close=not view.subtitle))
        if view.subtitle:
            out.append(_title(view.subtitle, TARGET_SUBTITLE))
        out.append(frame.table_open)
        _header_block(view, frame, out)
        out.append(frame.indicator_header[bool(view.rows)])
        _indicator_rows(view.rows, frame, out)
        out.append("</w:tbl>")
        yield "".join(out)


def _title(text: str, style: str, page_break: bool = False, close: bool = True) -> str:
    """A title line in its style; the space after it is the subtitle's when one follows (close=False)."""
    props = f'<w:pStyle w:val="{style}"/>' + ("<w:pageBreakBefore/>" if page_break else "")
    if not close:
        props += '<w:spacing w:after="0"/>'
    return f"<w:p><w:pPr>{props}</w:pPr>{text_runs(text)}</w:p>"


def layout_frame(layout: Layout, width: int, views: list[TargetView], styles: TableStyles) -> Frame:
    """Place a layout's header cells and size its table: 五号 when the layout's widths (characters) fit,
    else 小五. Columns keep the layout's proportions but widen so that their labels stay on one line,
    or where that would squeeze the others, break at most once."""
    header = place_header(layout)
    one, two = (label_widths(layout, header, views, lines) for lines in (1, 2))
    chars = sum(max(w, n) for w, n in zip(layout.widths, two, strict=True))
    fits = [s for s in SIZES if chars * s * 10 + len(two) * 2 * MARGINS[0] <= width]
    size, margin = (fits[0], MARGINS[0]) if fits else (SIZES[-1], MARGINS[1])
    base = [float(w) for w in scale_widths(list(layout.widths), width)]
    widths = base
    for need in (one, two):
        floor = [n * size * 10 * SLACK + 2 * margin for n in need]
        raised = _raise_to(base, floor)
        if raised:
            widths = raised
            break
    height = int(size * 10 * ROW_HEIGHT)
    return Frame(layout, header, scale_widths(widths, width), size, margin, height).build(styles)


def _raise_to(widths: list[float], floor: list[float]) -> list[float] | None:
    """Widths raised to their floors, paid for by the columns above theirs; None if that would leave
    any column under 60 % of its own width."""
    short = sum(max(f - w, 0.0) for f, w in zip(floor, widths, strict=True))
    room = sum(max(w - f, 0.0) for f, w in zip(floor, widths, strict=True))
    if room <= short:
        return None
    out = [f if w <= f else w - (w - f) * short / room for f, w in zip(floor, widths, strict=True)]
    return out if all(o >= 0.6 * w for o, w in zip(out, widths, strict=True)) else None


def label_widths(layout: Layout, header: list[list[Placed]], views: list[TargetView], lines: int) -> list[float]:
    """Per grid column, the em width its labels need on `lines` lines (1 or 2): the indicator header,
    the layout's literal one-column header texts, and the 一级/二级 names of these views."""
    width = cjk_em if lines == 1 else _two_lines
    need = [0.0] * len(layout.grid)
    for j, text in enumerate(layout.indicator_header[:len(need)]):
        need[j] = width(text)
    for placed in header:
        for pc in placed:
            hc = pc.source
            if hc and pc.span == 1 and hc.text and "{" not in hc.text:
                need[pc.col] = max(need[pc.col], width(hc.text))
    for j, role in enumerate(layout.grid):
        if role in ("l1", "l2"):
            names = {getattr(r, role) for v in views for r in v.rows}
            need[j] = max([need[j], *(width(t) for t in names)])
    return need


def _two_lines(text: str) -> float:
    """Width for text on one line up to 4 em, else on two lines."""
    em = cjk_em(text)
    return em if em <= 4 else float(math.ceil(em / 2))


def place_header(layout: Layout) -> list[list[Placed]]:
    """Header rows as grid positions: a cell with rowspan N leaves a continuation in the N-1 rows below."""
    n = len(layout.grid)
    pending: dict[int, tuple[int, int]] = {}  # column → (rows still to cover, span)
    out = []
    for r, cells in enumerate(layout.header, 1):
        placed, col, queue = [], 0, list(cells)
        while col < n:
            if col in pending:
                left, span = pending.pop(col)
                if left > 1:
                    pending[col] = (left - 1, span)
                placed.append(Placed(col, span, None, "continue"))
                col += span
                continue
            if not queue:
                break
            hc = queue.pop(0)
            if hc.rowspan > 1:
                pending[col] = (hc.rowspan - 1, hc.span)
            placed.append(Placed(col, hc.span, hc, "restart" if hc.rowspan > 1 else None))
            col += hc.span
        if col != n or queue:
            what = f"多出 {len(queue)} 个单元格" if queue else f"各单元格 span 之和为 {col}"
            raise RenderError(f"{layout.loc.file}: 表样「{layout.name}」header 第 {r} 行{what}，grid 有 {n} 列")
        out.append(placed)
    if pending:
        raise RenderError(f"{layout.loc.file}: 表样「{layout.name}」header 的 rowspan 超出表头行数")
    return out


def header_text(hc: HeaderCell, view: TargetView) -> str:
    """A header cell's text, as derived for this table (derive_targets fills fields, amount, goal, slots)."""
    return view.header_text(hc)


def _varies(hc: HeaderCell) -> bool:
    """Whether a header cell's text depends on the table (a field, a value, or Jinja in its text)."""
    return bool(hc.field or hc.value or (hc.text and ("{{" in hc.text or "{%" in hc.text)))


def _align(hc: HeaderCell) -> str:
    return "both" if hc.align == "left" else "center"


def _text_cell(text: str, width: int, start: str, span: int = 1, vmerge: str | None = None) -> str:
    """A cell holding one paragraph (`start`: its w:p and w:pPr) with this text."""
    return cell(f"{start}{text_runs(text)}</w:p>", width, span, vmerge)


def _header_block(view: TargetView, frame: Frame, out: list[str]) -> None:
    """The header block rows: fixed cells come prebuilt, fields and amounts are filled in."""
    widths, fixed = frame.widths, frame.fixed
    for r, placed in enumerate(frame.header):
        out.append(frame.tr_open)
        for pc in placed:
            done = fixed.get((r, pc.col))
            if done is None:
                w = sum(widths[pc.col:pc.col + pc.span])
                done = _text_cell(header_text(pc.source, view), w, frame.paras[_align(pc.source)], pc.span,
                                  pc.vmerge)
            out.append(done)
        out.append("</w:tr>")


def merge_marks(values: list[object]) -> list[str | None]:
    """vMerge marks for a column: runs of equal consecutive values merge ("restart", "continue"…)."""
    marks: list[str | None] = []
    for i, v in enumerate(values):
        if i and values[i - 1] == v:
            marks.append("continue")
            if marks[i - 1] is None:
                marks[i - 1] = "restart"
        else:
            marks.append(None)
    return marks


def _indicator_rows(rows: list[IndicatorRow], frame: Frame, out: list[str]) -> None:
    """Indicator rows; 一级 and 二级 cells merge down over runs of equal names, the label column throughout."""
    grid = frame.layout.grid
    marks = {"l1": merge_marks([r.l1 for r in rows]), "l2": merge_marks([(r.l1, r.l2) for r in rows])}
    shells, restarts, continued, paras = frame.shells, frame.restarts, frame.continued, frame.paras
    for i, r in enumerate(rows):
        out.append(frame.tr_open)
        for j, role in enumerate(grid):
            mark = marks[role][i] if role in marks else "continue" if role == "label" else None
            if mark == "continue":
                out.append(continued[j])
                continue
            if role in _ROW_TEXT:
                text = getattr(r, role)
            else:
                text = r.extra.get(role, "")
            shell = restarts[j] if mark == "restart" else shells[j]
            out.append(f"{shell[0]}{paras[role]}{text_runs(text)}</w:p>{shell[1]}")
        out.append("</w:tr>")
