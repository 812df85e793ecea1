"""Performance target tables (绩效目标表) as WordprocessingML text, laid out entirely by their layout file.

A layout's header block (cells with span/rowspan), its indicator header and its grid roles decide
every cell; a province that adds a layout file needs no change here. 一级 and 二级 cells, and the
leading 绩效指标 label column, are merged vertically (w:vMerge) over the indicators they head.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .derive_targets import IndicatorRow, TargetView
from .errors import Problem, RenderError
from .model import HeaderCell, Layout
from .money import format_compact
from .ooxml import (
    FANGSONG,
    HEITI,
    TEXT_WIDTH,
    XIAOBIAOSONG,
    cell,
    cell_ppr,
    cjk_em,
    esc,
    para,
    ppr,
    row,
    rpr,
    scale_widths,
    table_margins,
)
from .textfill import fill

TITLE_SIZE = 36  # 小二
SUBTITLE_SIZE = 32  # 三号
SIZES = (21, 18)  # 五号 when the layout's character widths fit the text width, else 小五 (text wraps)
SLACK = 1.05  # a label exactly as wide as its cell still wraps in LibreOffice
MARGINS = (57, 28)  # cell margins: 1 mm, or 0.5 mm when the layout's widths do not fit even at 小五
ROW_HEIGHT = 1.8  # minimum row height in em: forms read better with air above and below
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
    """What every table of one layout shares: placed header cells, widths, size and run properties."""

    layout: Layout
    header: list[list[Placed]]
    widths: list[int]
    size: int
    margin: int
    height: int
    body: str
    bold: str


def target_tables_xml(views: list[TargetView], flow: str, text_width: int | None = None) -> str:
    """Every target table with its title and subtitle; per_page starts each on a new page,
    continuous separates them with a blank line."""
    width = text_width or TEXT_WIDTH
    frames: dict[int, Frame] = {}
    for view in views:
        if id(view.layout) not in frames:
            same = [v for v in views if v.layout is view.layout]
            frames[id(view.layout)] = layout_frame(view.layout, width, same)
    out: list[str] = []
    for i, view in enumerate(views):
        frame = frames[id(view.layout)]
        if i and flow == "continuous":
            out.append(para("", ppr(snap=False)))
        out.append(para(f"<w:r>{rpr(XIAOBIAOSONG, TITLE_SIZE)}<w:t>{esc(view.title)}</w:t></w:r>",
                        ppr(align="center", keep_next=True, page_break_before=bool(i) and flow == "per_page",
                            snap=False, after=0 if view.subtitle else 120)))
        if view.subtitle:
            out.append(para(f"<w:r>{rpr(FANGSONG, SUBTITLE_SIZE)}<w:t>{esc(view.subtitle)}</w:t></w:r>",
                            ppr(align="center", keep_next=True, snap=False, after=120)))
        rows = _header_block(view, frame)
        rows.append(_indicator_header(frame, has_rows=bool(view.rows)))
        rows.extend(_indicator_rows(view.rows, frame))
        out.append(table_margins("".join(rows), frame.widths, frame.margin))
    return "".join(out)


def layout_frame(layout: Layout, width: int, views: list[TargetView]) -> Frame:
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
    return Frame(layout, header, scale_widths(widths, width), size, margin, height,
                 rpr(FANGSONG, size, latin=FANGSONG), rpr(HEITI, size, latin=HEITI))


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
            extra = "（多出单元格）" if queue else ""
            raise RenderError(f"{layout.loc.file}: 表样「{layout.name}」header 第 {r} 行占 {col} 列{extra}，grid 有 {n} 列")
        out.append(placed)
    if pending:
        raise RenderError(f"{layout.loc.file}: 表样「{layout.name}」header 的 rowspan 超出表头行数")
    return out


def header_text(hc: HeaderCell, view: TargetView) -> str:
    """A header cell's text: a spec field, the amount, the goal, or layout text with {{ amount }} filled."""
    if hc.field:
        return view.fields.get(hc.field, "")
    if hc.value == "amount":
        return format_compact(view.amount, False)
    if hc.value == "goal":
        return view.goal
    text = hc.text or ""
    if "{{" not in text and "{%" not in text:
        return text
    problems: list[Problem] = []
    context = {"amount": format_compact(view.amount, False), "unit": view.unit, **view.fields}
    filled = fill(text, context, view.layout.loc, problems, "表样表头")
    if problems:
        raise RenderError("\n".join(str(p) for p in problems))
    return filled


def _text_cell(text: str, width: int, props: str, align: str = "center", span: int = 1,
               vmerge: str | None = None) -> str:
    runs = ""
    if text:
        body = "<w:br/>".join(f'<w:t xml:space="preserve">{esc(t)}</w:t>' for t in text.split("\n"))
        runs = f"<w:r>{props}{body}</w:r>"
    return cell(f"<w:p>{cell_ppr(align, mark=props)}{runs}</w:p>", width, span, vmerge)


def _header_block(view: TargetView, frame: Frame) -> list[str]:
    widths = frame.widths
    rows = []
    for placed in frame.header:
        cells = []
        for pc in placed:
            w = sum(widths[pc.col:pc.col + pc.span])
            if pc.source is None:
                cells.append(_text_cell("", w, frame.body, span=pc.span, vmerge=pc.vmerge))
            else:
                align = "both" if pc.source.align == "left" else "center"
                cells.append(_text_cell(header_text(pc.source, view), w, frame.body, align, pc.span, pc.vmerge))
        rows.append(row("".join(cells), height=frame.height))
    return rows


def _indicator_header(frame: Frame, has_rows: bool) -> str:
    """The row of column titles; the 绩效指标 label cell starts a merge down the indicator rows."""
    cells = []
    for j, (role, text) in enumerate(zip(frame.layout.grid, frame.layout.indicator_header, strict=True)):
        vmerge = "restart" if role == "label" and has_rows else None
        cells.append(_text_cell(text, frame.widths[j], frame.bold, vmerge=vmerge))
    return row("".join(cells), height=frame.height)


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


def _indicator_rows(rows: list[IndicatorRow], frame: Frame) -> list[str]:
    grid, widths, props = frame.layout.grid, frame.widths, frame.body
    l1 = merge_marks([r.l1 for r in rows])
    l2 = merge_marks([(r.l1, r.l2) for r in rows])
    shells = [cell("\x00", w).split("\x00") for w in widths]
    centre, left = cell_ppr("center", mark=props), cell_ppr("both", mark=props)
    out = []
    for i, r in enumerate(rows):
        cells = []
        for j, role in enumerate(grid):
            if role == "label":
                cells.append(_text_cell("", widths[j], props, vmerge="continue"))
                continue
            mark = l1[i] if role == "l1" else l2[i] if role == "l2" else None
            if mark == "continue":
                cells.append(_text_cell("", widths[j], props, vmerge="continue"))
                continue
            text = {"l1": r.l1, "l2": r.l2, "name": r.name, "value": r.value}.get(role)
            if text is None:
                text = r.extra.get(role, "")
            run = f'<w:r>{props}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>' if text else ""
            pp = centre if role in CENTRED_ROLES else left
            if mark == "restart":
                cells.append(cell(f"<w:p>{pp}{run}</w:p>", widths[j], vmerge="restart"))
            else:
                cells.append(f"{shells[j][0]}<w:p>{pp}{run}</w:p>{shells[j][1]}")
        out.append(row("".join(cells), height=frame.height))
    return out
