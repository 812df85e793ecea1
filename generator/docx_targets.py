"""Performance target tables (绩效目标表) as WordprocessingML text, laid out entirely by their layout file.

A layout's header block (cells with span/rowspan), its indicator header (one or more rows, spans
allowed) and its grid columns (roles, spans, formats) decide every cell; a province that adds a layout
file needs no change here. 一级 and 二级 cells (and columns marked `merge`), and the leading 绩效指标
label column, are merged vertically (w:vMerge) over the indicators they head. With `repeat_header`
(the default) the indicator grid is its own table right under the header block, so that its header
rows (w:tblHeader) repeat on every page the table breaks across: Word repeats only a table's first rows.
Fonts, alignment and borders are the template's styles (表格-文字, 表格-表头, 绩效目标表-标题, …) at the
size chosen here; the tables come out one at a time, so thousands of them are never one string.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from .cell_grid import Misfit, Slot, place_cells
from .derive_targets import IndicatorRow, TargetView
from .errors import RenderError
from .model import HeaderCell, Layout, TitleLine
from .ooxml import (
    CELL,
    CELL_FIGURE,
    CELL_HEAD,
    CELL_JUSTIFY,
    JOIN,
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
VERTICAL = 28  # top and bottom cell margins, twips (0.5 mm): wrapped lines keep off the borders
CENTRED_ROLES = {"label", "l1", "l2", "value", "basis", "prev", "weight", "rule", "evidence"}


Placed = Slot  # a header cell at its grid column (cell None: continues a rowspan from the row above)


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
    paras: dict[str, str] = field(default_factory=dict)  # alignment (or "head") → paragraph start (w:p and w:pPr)
    table_open: str = ""
    tr_open: str = ""
    tr_head: str = ""  # a row that repeats on every page (w:tblHeader)
    fixed: dict[tuple[int, int], str] = field(default_factory=dict)  # (header row, col) → finished cell
    indicator_header: tuple[str, str] = ("", "")  # without / with indicator rows below
    shells: list[list[str]] = field(default_factory=list)  # per grid role
    restarts: list[list[str]] = field(default_factory=list)
    continued: list[str] = field(default_factory=list)
    column_paras: list[str] = field(default_factory=list)  # per grid role: its paragraph start

    def build(self, styles: TableStyles) -> Frame:
        """Prebuild the constant XML pieces of this frame, in the template's cell styles at its size."""
        widths = self.widths
        centre, left = styled_p(styles(CELL, self.size)), styled_p(styles(CELL_JUSTIFY, self.size))
        self.paras = {"center": centre, "left": left, "both": left, "right": styled_p(styles(CELL_FIGURE, self.size)),
                      "head": styled_p(styles(CELL_HEAD, self.size))}
        self.table_open = table_open(widths, self.margin, styles.borders, vertical=VERTICAL)
        self.tr_open = row("", height=self.height)[: -len("</w:tr>")]
        self.tr_head = row("", header=True, height=self.height)[: -len("</w:tr>")]
        for r, placed in enumerate(self.header):
            for pc in placed:
                w = sum(widths[pc.col:pc.col + pc.span])
                if pc.cell is None:
                    self.fixed[(r, pc.col)] = _text_cell("", w, centre, span=pc.span, vmerge=pc.vmerge)
                elif not _varies(pc.cell):
                    self.fixed[(r, pc.col)] = _text_cell(pc.cell.text or "", w, self.paras[pc.cell.align],
                                                         pc.span, pc.vmerge)
        self.indicator_header = tuple(self._indicator_header(has) for has in (False, True))
        columns = self.layout.grid_columns
        spans = [(sum(widths[c.col:c.col + c.span]), c.span) for c in columns]
        self.shells = [cell("\x00", w, span).split("\x00") for w, span in spans]
        self.restarts = [cell("\x00", w, span, vmerge="restart").split("\x00") for w, span in spans]
        self.continued = [_text_cell("", w, centre, span, vmerge="continue") for w, span in spans]
        self.column_paras = [self.paras[_column_align(c)] for c in columns]
        return self

    def _indicator_header(self, has_rows: bool) -> str:
        """The rows of column titles (they repeat on every page); the cell over the 绩效指标 label column
        starts a merge down the indicator rows."""
        layout = self.layout
        label = next((c.col for c in layout.grid_columns if c.role == "label"), None)
        placed_rows = place_rows(layout.indicator_rows, layout.width, layout, "indicator_header")
        tr = self.tr_head if layout.repeat_header else self.tr_open
        out = []
        for r, placed in enumerate(placed_rows):
            out.append(tr)
            for pc in placed:
                vmerge = pc.vmerge
                ends_here = pc.cell is None or pc.cell.rowspan == len(placed_rows) - r
                if pc.col == label and has_rows and pc.cell is not None and ends_here:
                    vmerge = "restart"
                w = sum(self.widths[pc.col:pc.col + pc.span])
                text = pc.cell.text if pc.cell is not None else ""
                out.append(_text_cell(text or "", w, self.paras["head"], pc.span, vmerge))
            out.append("</w:tr>")
        return "".join(out)


def target_tables_xml(views: list[TargetView], flow: str, text_width: int | None = None,
                      styles: TableStyles | None = None) -> str:
    """Every target table with its title and subtitle; per_page starts each on a new page,
    continuous separates them with a blank line. `styles` records the sized cell styles used."""
    return "".join(target_tables_pieces(views, flow, styles or TableStyles(), text_width))


def target_tables_pieces(views: list[TargetView], flow: str, styles: TableStyles,
                         text_width: int | None = None) -> Iterator[str]:
    """target_tables_xml in pieces, one table (with its titles) at a time."""
    width = text_width or TEXT_WIDTH
    frames: dict[tuple, Frame] = {}
    for view in views:
        key = (id(view.layout), view.omitted)
        if key not in frames:
            same = [v for v in views if v.layout is view.layout]
            frames[key] = layout_frame(view.layout, width, same, styles, view.header_rows)
    gap = '<w:p><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0"/></w:pPr></w:p>'
    for i, view in enumerate(views):
        frame = frames[(id(view.layout), view.omitted)]
        out: list[str] = []
        if i and flow == "continuous":
            out.append(gap)
        lines = [(t, TARGET_TITLE) for t in view.title_lines] + [(t, TARGET_SUBTITLE) for t in view.subtitle_lines]
        for k, (text, style) in enumerate(lines):
            out.append(_title(text, style, page_break=not k and bool(i) and flow == "per_page",
                              close=k == len(lines) - 1, width=width))
        out.append(frame.table_open)
        _header_block(view, frame, out)
        if frame.header and frame.layout.repeat_header and view.rows:
            out.append("</w:tbl>" + JOIN + frame.table_open)  # the grid's own table: its header rows can repeat
        out.append(frame.indicator_header[bool(view.rows)])
        _indicator_rows(view.rows, frame, out)
        out.append("</w:tbl>")
        yield "".join(out)


def _title(text: str | TitleLine, style: str, page_break: bool = False, close: bool = True,
           width: int = TEXT_WIDTH) -> str:
    """A title or sub-title line in its style; the space after it belongs to the last line (close=False:
    no space). A sub-title line placed left or right, or in parts, gets its own alignment and tab stops."""
    props = f'<w:pStyle w:val="{style}"/>' + ("<w:pageBreakBefore/>" if page_break else "")
    if not close:
        props += '<w:spacing w:after="0"/>'
    if isinstance(text, TitleLine):
        aligned, runs = _aligned(text, width)
        return f"<w:p><w:pPr>{props}{aligned}</w:pPr>{runs}</w:p>"
    return f"<w:p><w:pPr>{props}</w:pPr>{text_runs(text)}</w:p>"


def _aligned(line: TitleLine, width: int) -> tuple[str, str]:
    """(paragraph properties, runs) for a sub-title line: one part is aligned by w:jc; several parts
    share the line through a centre tab at the middle and a right tab at the table's right edge."""
    if line.parts == (("center", line.parts[0][1]),):
        return "", text_runs(line.parts[0][1])
    flat = '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
    if len(line.parts) == 1:
        align, text = line.parts[0]
        return f'{flat}<w:jc w:val="{align}"/>', text_runs(text)
    places = dict(line.parts)
    stops = [f'<w:tab w:val="center" w:pos="{width // 2}"/>'] if "center" in places else []
    stops += [f'<w:tab w:val="right" w:pos="{width}"/>'] if "right" in places else []
    runs = text_runs(places.get("left", ""))
    for align in ("center", "right"):
        if align in places:
            runs += "<w:r><w:tab/></w:r>" + text_runs(places[align])
    return f'<w:tabs>{"".join(stops)}</w:tabs>{flat}<w:jc w:val="left"/>', runs


def layout_frame(layout: Layout, width: int, views: list[TargetView], styles: TableStyles,
                 header_rows: list[list[HeaderCell]] | None = None) -> Frame:
    """Place a layout's header cells and size its table: 五号 when the layout's widths (characters) fit,
    else 小五. Columns keep the layout's proportions but widen so that their labels stay on one line,
    or where that would squeeze the others, break at most once."""
    header = place_rows(layout.header if header_rows is None else header_rows, layout.width, layout, "header")
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
    """Per grid column, the em width its labels need on `lines` lines (1 or 2): the indicator header's and
    the layout's literal one-column header texts, and the 一级/二级 names of these views."""
    width = cjk_em if lines == 1 else _two_lines
    need = [0.0] * layout.width
    indicator = place_rows(layout.indicator_rows, layout.width, layout, "indicator_header")
    for placed in [*header, *indicator]:
        for pc in placed:
            hc = pc.cell
            if hc and pc.span == 1 and hc.text and "{" not in hc.text:
                need[pc.col] = max(need[pc.col], width(hc.text))
    for column in layout.grid_columns:
        if column.role in ("l1", "l2") and column.span == 1:
            names = {getattr(r, column.role) for v in views for r in v.rows}
            need[column.col] = max([need[column.col], *(width(t) for t in names)])
    return need


def _two_lines(text: str) -> float:
    """Width for text on one line up to 4 em, else on two lines."""
    em = cjk_em(text)
    return em if em <= 4 else float(math.ceil(em / 2))


def place_header(layout: Layout) -> list[list[Placed]]:
    """The layout's header rows as grid positions."""
    return place_rows(layout.header, layout.width, layout, "header")


def place_rows(rows: list[list[HeaderCell]], n: int, layout: Layout, what: str) -> list[list[Placed]]:
    """Rows of cells as grid positions: a cell with rowspan N leaves a continuation in the N-1 rows below."""
    try:
        return place_cells(rows, n)
    except Misfit as e:
        if e.overhang:
            raise RenderError(f"{layout.loc.file}: 表样「{layout.name}」{what} 的 rowspan 超出表头行数") from e
        found = f"多出 {e.extra} 个单元格" if e.extra else f"各单元格 span 之和为 {e.reached}"
        raise RenderError(f"{layout.loc.file}: 表样「{layout.name}」{what} 第 {e.row} 行{found}，grid 有 {n} 列") from e


def header_text(hc: HeaderCell, view: TargetView) -> str:
    """A header cell's text, as derived for this table (derive_targets fills fields, amount, goal, slots)."""
    return view.header_text(hc)


def _varies(hc: HeaderCell) -> bool:
    """Whether a header cell's text depends on the table (a field, a value, or Jinja in its text)."""
    return bool(hc.field or hc.value or (hc.text and ("{{" in hc.text or "{%" in hc.text)))


def _column_align(column) -> str:
    """A grid column's alignment: as the layout says, else centred except 三级指标 (left, justified)."""
    if column.align:
        return column.align
    return "center" if column.role in CENTRED_ROLES else "left"


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
                done = _text_cell(header_text(pc.cell, view), w, frame.paras[pc.cell.align], pc.span,
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
    """Indicator rows; 一级, 二级 and `merge` columns merge down over runs of equal values (二级 within its
    一级), the label column throughout."""
    columns = frame.layout.grid_columns
    marks = {}
    for c in columns:
        if c.role == "l1":
            marks[c.role] = merge_marks([r.l1 for r in rows])
        elif c.role == "l2":
            marks[c.role] = merge_marks([(r.l1, r.l2) for r in rows])
        elif c.merge and c.role != "label":
            marks[c.role] = merge_marks([r.text(c.role) for r in rows])
    shells, restarts, continued, paras = frame.shells, frame.restarts, frame.continued, frame.column_paras
    for i, r in enumerate(rows):
        out.append(frame.tr_open)
        for j, c in enumerate(columns):
            role = c.role
            mark = marks[role][i] if role in marks else "continue" if role == "label" else None
            if mark == "continue":
                out.append(continued[j])
                continue
            shell = restarts[j] if mark == "restart" else shells[j]
            out.append(f"{shell[0]}{paras[j]}{text_runs(r.text(role))}</w:p>{shell[1]}")
        out.append("</w:tr>")
