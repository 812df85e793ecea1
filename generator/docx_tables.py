"""Allocation tables (分配表) as WordprocessingML text, sized to their page from their content.

Everything comes from the TableView: column groups become a merged two-row header, lettered
columns a formula row, row kinds the cell style. Tables are XML text (shared/domain anchors §8),
produced a row at a time so that a document of thousands of rows is never one string. A cell is
its width, merges, style and text: typefaces, alignment and borders are in the template's styles
(templates/docx/make_templates.py) at the size fitted here. Typefaces: header rows and whole
总计/合计/小计 rows in 黑体, never bold; other labels in 仿宋_GB2312, other figures in 宋体.
Digits use the CJK face too (not Times New Roman): half-width digits measure the same in Word
and in LibreOffice's Noto stand-ins, so widths computed here hold in both. Labels indent 1 em
per level below the total.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from .derive_tables import TableColumn, TableView
from .docx_targets import target_tables_pieces, target_tables_xml
from .money import format_cell
from .ooxml import (
    CELL,
    CELL_CODE,
    CELL_FIGURE,
    CELL_HEAD,
    CELL_LEFT,
    CELL_TOTAL,
    CELL_TOTAL_FIGURE,
    CELL_TOTAL_LEFT,
    TABLE_UNIT,
    TEXT_WIDTH,
    TEXT_WIDTH_LANDSCAPE,
    TableStyles,
    cell,
    cjk_em,
    esc,
    row,
    scale_widths,
    styled_p,
    table_open,
    text_runs,
)
from .title_breaks import break_title

__all__ = ["allocation_table_pieces", "allocation_table_xml", "body_texts", "fit_columns", "target_tables_pieces",
           "target_tables_xml"]

# Font sizes tried, largest first, as (half-points, unit labels may wrap onto two lines).
# 小四 12 pt … 8 pt on one line; then 9–7 pt with wrapped labels; 小六 6.5 pt as the last resort.
FITS = [(24, False), (21, False), (20, False), (18, False), (16, False),
        (18, True), (16, True), (15, True), (14, True), (13, False), (13, True)]
MARGINS = (57, 28)  # cell margins tried per size, twips (1 mm, 0.5 mm)
HEADER_LINES = 4  # a money column's header may wrap onto this many lines
SLACK = 1.02  # cjk_em is an upper bound already; a little room for rounding
ROW_HEIGHT = 1.5  # minimum row height in em, so rows in different faces line up
VERTICAL = 28  # top and bottom cell margins, twips (0.5 mm): wrapped lines keep off the borders


@dataclass
class Fit:
    """The chosen font size, cell margin and column widths (twips) of one table."""

    size: int
    margin: int
    widths: list[int]


def allocation_table_xml(view: TableView, text_width: int | None = None, styles: TableStyles | None = None) -> str:
    """The unit line (right-aligned) and the w:tbl of one allocation table, fitted to the text width;
    `styles` records the sized cell styles it uses."""
    return "".join(allocation_table_pieces(view, styles or TableStyles(), text_width))


def allocation_table_pieces(view: TableView, styles: TableStyles, text_width: int | None = None) -> Iterator[str]:
    """allocation_table_xml in pieces: the unit line and the table's start, then a row at a time."""
    width = text_width or (TEXT_WIDTH_LANDSCAPE if view.landscape else TEXT_WIDTH)
    texts = body_texts(view)
    fit = fit_columns(view, texts, width)
    if view.unit_line:
        yield styled_p(styles(TABLE_UNIT, max(fit.size, 21))) + text_runs(view.unit_line) + "</w:p>"
    yield table_open(fit.widths, fit.margin, styles.borders, vertical=VERTICAL)
    yield from _header_rows(view, fit, styles)
    yield from _body_rows(view, texts, fit, styles)
    yield "</w:tbl>"


def body_texts(view: TableView) -> list[list[str]]:
    """The printed text of every body cell, row by row (zero rule applied by money.format_cell)."""
    keys = [(c.kind, c.key, c.number_format) for c in view.columns]
    out = []
    for r in view.rows:
        sub = r.is_subtotal
        out.append([format_cell(r.values.get(key), fmt, sub) if kind == "money" else
                    (r.code if kind == "code" else r.label) for kind, key, fmt in keys])
    return out


def _indent(depth: int) -> int:
    """Indent of a label in em: the total and top-level rows sit flush, each level below adds 1."""
    return max(depth - 1, 0)


def fit_columns(view: TableView, texts: list[list[str]], width: int) -> Fit:
    """Pick the largest size at which every column's widest cell fits, then share out the spare width."""
    cols = view.columns
    body = [0.0] * len(cols)
    wrapped = [0.0] * len(cols)
    for j, col in enumerate(cols):
        if col.kind == "unit":
            for r, line in zip(view.rows, texts, strict=True):
                label = cjk_em(line[j])
                body[j] = max(body[j], _indent(r.depth) + label)
                # two lines of whole characters, and a little more than the ⅕ em wrap_lines keeps in hand
                wrapped[j] = max(wrapped[j], _indent(r.depth) + math.ceil(label / 2) + 0.25)
        else:
            body[j] = max((cjk_em(t) for t in {line[j] for line in texts}), default=0.0)
            wrapped[j] = body[j]
    head = [cjk_em(c.label) for c in cols]
    formula = [cjk_em(c.formula_text or "") if view.formula_row else 0.0 for c in cols]
    for size, wrap in FITS:
        need = [_min_em(cols[j], wrapped[j] if wrap else body[j], head[j], formula[j]) for j in range(len(cols))]
        _widen_groups(cols, need)
        for margin in MARGINS:
            twips_per_em = size * 10 * SLACK
            if sum(need) * twips_per_em + 2 * margin * len(cols) <= width:
                return Fit(size, margin, _share(need, body, head, twips_per_em, 2 * margin, width))
    size, margin = FITS[-1][0], MARGINS[-1]
    need = [_min_em(c, wrapped[j], head[j], formula[j]) for j, c in enumerate(cols)]
    return Fit(size, margin, scale_widths(need, width))


def _min_em(col: TableColumn, body: float, head: float, formula: float) -> float:
    """The narrowest a column may be: its body on one line, its header on a few lines."""
    if col.width:
        return float(col.width)
    lines = 2 if col.kind != "money" else HEADER_LINES
    return max(body, formula, min(head, max(head / lines, 2.0, unbreakable_em(col.label))), 1.0)


OPENING, CLOSING = "（《“‘〔【", "）》”’〕】，。、：；！？"


def unbreakable_em(text: str) -> float:
    """The widest piece of text a line cannot break inside: a run of Latin characters and digits,
    with the full-width brackets and punctuation that may not be parted from it (绩效（-117w）→ （-117w）)."""
    widest, piece, glue = 0.0, "", False
    for ch in text:
        if ch < "\u2000":
            piece += ch
        elif ch in CLOSING:
            piece += ch
        elif glue:
            piece += ch
        else:
            widest = max(widest, cjk_em(piece))
            piece = ch
        glue = ch in OPENING
    return max(widest, cjk_em(piece))


def _widen_groups(cols: list[TableColumn], need: list[float]) -> None:
    """A project name over its measures must fit on two lines across the merged cell."""
    j = 0
    while j < len(cols):
        k = j
        while k < len(cols) and cols[j].group and cols[k].group == cols[j].group:
            k += 1
        if k > j:
            label = cjk_em(cols[j].group) / 2
            have = sum(need[j:k])
            if have < label:
                for i in range(j, k):
                    need[i] *= label / have
            j = k
        else:
            j += 1


def _share(need: list[float], body: list[float], head: list[float], twips_per_em: float, pad: int,
           width: int) -> list[int]:
    """Widths in twips from minimum widths in em: headers first wrap onto as few lines as the width
    allows, evenly across columns; then wrapped unit labels unwrap; what is left is shared equally,
    so figure columns get air too. `pad` is the two cell margins of a column."""
    room = (width - pad * len(need)) / twips_per_em

    def at(lines: float) -> list[float]:
        return [max(n, h / lines) for n, h in zip(need, head, strict=True)]

    lo, hi = 1.0, float(HEADER_LINES)
    if sum(at(lo)) <= room:
        hi = lo
    else:
        for _ in range(20):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if sum(at(mid)) <= room else (mid, hi)
    ems = at(hi)
    gaps = [max(b - e, 0.0) for b, e in zip(body, ems, strict=True)]
    spare = room - sum(ems)
    if sum(gaps) > 0 and spare > 0:
        take = min(1.0, spare / sum(gaps))
        ems = [e + g * take for e, g in zip(ems, gaps, strict=True)]
    extra = max(room - sum(ems), 0.0) / len(ems)
    return scale_widths([(e + extra) * twips_per_em + pad for e in ems], width)


def _header_rows(view: TableView, fit: Fit, styles: TableStyles) -> list[str]:
    """Header rows, all repeated on every page: labels (project names merged over their measures) and
    the letters row; columns without a project name are merged down through the label rows."""
    cols, widths = view.columns, fit.widths
    label_rows = 2 if view.two_row_header else 1
    head = styled_p(styles(CELL_HEAD, fit.size))

    def text_cell(text: str, w: int, span: int = 1, vmerge: str | None = None) -> str:
        return cell(f"{head}{text_runs(wrap_lines(text, fit, w))}</w:p>", w, span, vmerge)

    rows = []
    first, second, letters = [], [], []
    j = 0
    while j < len(cols):
        col = cols[j]
        if col.group and view.two_row_header:
            k = j
            while k < len(cols) and cols[k].group == col.group:
                second.append(text_cell(cols[k].label, widths[k]))
                k += 1
            first.append(text_cell(col.group, sum(widths[j:k]), k - j))
            letters.extend(text_cell(cols[i].formula_text or "", widths[i]) for i in range(j, k))
            j = k
            continue
        lettered = col.kind == "money"
        merged = label_rows > 1 or (view.formula_row and not lettered)
        first.append(text_cell(col.label, widths[j], vmerge="restart" if merged else None))
        if label_rows > 1:
            second.append(text_cell("", widths[j], vmerge="continue"))
        if lettered:
            letters.append(text_cell(col.formula_text or "", widths[j]))
        else:
            letters.append(text_cell("", widths[j], vmerge="continue"))
        j += 1
    rows.append(row("".join(first), header=True))
    if label_rows > 1:
        rows.append(row("".join(second), header=True))
    if view.formula_row:
        rows.append(row("".join(letters), header=True))
    return rows


def wrap_lines(text: str, fit: Fit, width: int, indent: int = 0) -> str:
    """A cell text that does not fit its column on one line, broken into balanced lines between words
    ("\\n" between them), so that LibreOffice and Word do not leave a lone character on a second line;
    text that fits is returned as it is."""
    room = (width - 2 * fit.margin) / (fit.size * 10 * SLACK) - max(indent, 0)
    if not text or cjk_em(text) <= room or room < 1:
        return text
    return "\n".join(break_title(text, room - 0.2))


def _label_p(styles: TableStyles, size: int, total: bool, depth: int) -> str:
    """The paragraph start of a unit label: centred on the total row, else left and indented by depth."""
    if depth < 0:
        return styled_p(styles(CELL_TOTAL if total else CELL, size))
    style = styles(CELL_TOTAL_LEFT if total else CELL_LEFT, size)
    if not depth:
        return styled_p(style)
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:ind w:left="{depth * size * 10}"/></w:pPr>'


def _body_rows(view: TableView, texts: list[list[str]], fit: Fit, styles: TableStyles) -> Iterator[str]:
    """One w:tr per TableRow; cell shells (tcPr) and paragraph starts are built once per table."""
    size = fit.size
    tr = row("", height=int(size * 10 * ROW_HEIGHT))[: -len("</w:tr>")]
    shells = [cell("\x00", w).split("\x00") for w in fit.widths]
    kinds = [c.kind for c in view.columns]
    figure = {s: styled_p(styles(CELL_TOTAL_FIGURE if s else CELL_FIGURE, size)) for s in (False, True)}
    code = {s: styled_p(styles(CELL_TOTAL if s else CELL_CODE, size)) for s in (False, True)}
    labels: dict[tuple[bool, int], str] = {}
    for r, line in zip(view.rows, texts, strict=True):
        sub = r.is_subtotal
        depth = -1 if r.kind == "total" else _indent(r.depth)
        label = labels.get((sub, depth))
        if label is None:
            label = labels[(sub, depth)] = _label_p(styles, size, sub, depth)
        cells = [tr]
        for j, text in enumerate(line):
            kind = kinds[j]
            if kind == "money":
                start = figure[sub]  # figures are digits, commas, signs and points: nothing to escape
            elif kind == "code":
                start, text = code[sub], esc(text)
            else:
                start, text = label, "</w:t><w:br/><w:t>".join(esc(t) for t in
                                                              wrap_lines(text, fit, fit.widths[j], depth).split("\n"))
            shell = shells[j]
            if not text:
                cells.append(f"{shell[0]}{start}</w:p>{shell[1]}")
            elif " " in text:
                cells.append(f'{shell[0]}{start}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>{shell[1]}')
            else:
                cells.append(f"{shell[0]}{start}<w:r><w:t>{text}</w:t></w:r></w:p>{shell[1]}")
        cells.append("</w:tr>")
        yield "".join(cells)
