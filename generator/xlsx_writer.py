"""A small streaming .xlsx writer: the part of XlsxWriter's Workbook/Worksheet/Format API that we use.

Why not XlsxWriter: its per-cell machinery cost six times what writing the same sheet XML as strings
costs, and its sheet-name check is quadratic in the number of sheets (6,500 target-table sheets at
10,000 units). Here a cell is one f-string; a sheet is kept as {row: {column: cell XML}} only until
the next sheet is added, then streamed into the zip, so memory stays flat however many sheets there are.
Sheets must therefore be filled one after another: writing to a finished sheet is an error.

Methods keep XlsxWriter's names, zero-based (row, column) arguments and format property names, so
render_xlsx reads as it did. Text is always a string cell (never turned into a formula, number or URL).
Strings go into the shared-string table: measured against inline strings on the seed-000 set, 5% faster
and files a quarter smaller (target tables repeat their labels on every sheet).
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from functools import lru_cache

from .office_parts import with_theme_and_app

MAX_ROWS, MAX_COLS = 1_048_576, 16_384
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so identical input gives identical bytes
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CHUNK_ROWS = 2048  # rows joined and compressed at a time


# ---------------------------------------------------------------- text


_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9A-Fa-f]{4}_")


def _escape_special(match: re.Match) -> str:
    s = match.group()
    return f"_x{ord(s):04X}_" if len(s) == 1 else "_x005F" + s


def escape(text: str) -> str:
    """Text as XML element content; control characters as Excel's _xHHHH_ (a literal _xHHHH_ kept literal)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "_x" not in text and text.isprintable():  # the usual case, and a fast scan of long formulas
        return text
    return _SPECIAL.sub(_escape_special, text) if _SPECIAL.search(text) else text


def _attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def col_name(col: int) -> str:
    """Column letters of a zero-based column index: 0 → A, 27 → AB."""
    return COLUMNS[col]


class _ColumnNames(dict):
    """Column index → letters, computed on first use (a dict lookup on the hot path)."""

    def __missing__(self, col: int) -> str:
        if not 0 <= col < MAX_COLS:
            raise ValueError(f"column {col} is outside the sheet")
        name, n = "", col + 1
        while n:
            n, rem = divmod(n - 1, 26)
            name = chr(65 + rem) + name
        self[col] = name
        return name


COLUMNS = _ColumnNames()


def number_text(value) -> str:
    """A finite number as <v> text: the shortest repr, integers without '.0'."""
    text = repr(float(value))
    if text[-2:] == ".0":
        return text[:-2]
    if text[-1] in "fn":  # inf, nan
        raise ValueError(f"not a finite number: {value!r}")
    return text


def quote_sheet(name: str) -> str:
    """A sheet name as it appears in a reference: always quoted (valid for every name)."""
    return "'" + name.replace("'", "''") + "'"


# ---------------------------------------------------------------- formats and styles.xml

_FORMAT_KEYS = {"font_name", "font_size", "bold", "italic", "underline", "font_color", "pattern", "bg_color",
                "border", "left", "right", "top", "bottom", "border_color", "left_color", "right_color",
                "top_color", "bottom_color", "align", "valign", "text_wrap", "indent", "num_format", "quote_prefix"}
_BORDER = {1: "thin", 2: "medium", 3: "dashed", 4: "dotted", 5: "thick", 6: "double", 7: "hair", 8: "mediumDashed",
           9: "dashDot", 10: "mediumDashDot", 11: "dashDotDot", 12: "mediumDashDotDot", 13: "slantDashDot"}
_ALIGN = {"left": "left", "center": "center", "centre": "center", "right": "right", "fill": "fill",
          "justify": "justify", "center_across": "centerContinuous", "centre_across": "centerContinuous",
          "distributed": "distributed"}
_VALIGN = {"top": "top", "vcenter": "center", "vcentre": "center", "bottom": "bottom", "vjustify": "justify",
           "vdistributed": "distributed"}
_UNDERLINE = {1: "", 2: ' val="double"', 33: ' val="singleAccounting"', 34: ' val="doubleAccounting"'}
BUILTIN_NUM_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
                       "0.00E+00": 11, "@": 49}


class Format:
    """A cell format: XlsxWriter's property names; fixed once made (its cell style index is `index`)."""

    __slots__ = ("index", "props", "attr")

    def __init__(self, index: int, props: dict):
        self.index, self.props = index, props
        self.attr = f' s="{index}"'  # as written in each cell


def _rgb(value: str) -> str:
    """ARGB for a #RRGGBB colour (the only form the style template gives)."""
    if not (isinstance(value, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", value)):
        raise ValueError(f"colour must be #RRGGBB: {value!r}")
    return "FF" + value[1:].upper()


AUTO_COLOR = '<color auto="1"/>'


def _font_xml(p: dict) -> str:
    out = ["<font>", "<b/>" if p.get("bold") else "", "<i/>" if p.get("italic") else ""]
    if p.get("underline"):
        out.append(f"<u{_UNDERLINE[p['underline']]}/>")
    out.append(f'<sz val="{number_text(p.get("font_size", 11))}"/>')
    if p.get("font_color"):
        out.append(f'<color rgb="{_rgb(p["font_color"])}"/>')
    out.append(f'<name val="{_attr(p.get("font_name", "Calibri"))}"/><family val="2"/></font>')
    return "".join(out)


def _fill_xml(p: dict) -> str | None:
    """A solid fill (pattern 1, or a background colour alone); None for no fill."""
    pattern = p.get("pattern", 1 if p.get("bg_color") else 0)
    if pattern not in (0, 1):
        raise ValueError(f"only solid fills are supported, not pattern {pattern}")
    if not pattern or not p.get("bg_color"):
        return None
    return (f'<fill><patternFill patternType="solid"><fgColor rgb="{_rgb(p["bg_color"])}"/>'
            '<bgColor indexed="64"/></patternFill></fill>')


def _border_xml(p: dict) -> str | None:
    """The four edges (border sets all, left/right/top/bottom override); None for no border."""
    sides, any_edge = [], False
    for side in ("left", "right", "top", "bottom"):
        style = p.get(side, p.get("border", 0))
        if not style:
            sides.append(f"<{side}/>")
            continue
        any_edge = True
        color = p.get(f"{side}_color", p.get("border_color"))
        color_xml = f'<color rgb="{_rgb(color)}"/>' if color else AUTO_COLOR
        sides.append(f'<{side} style="{_BORDER[style]}">{color_xml}</{side}>')
    return "<border>" + "".join(sides) + "<diagonal/></border>" if any_edge else None


def _alignment_xml(p: dict) -> str:
    attrs = []
    if p.get("align"):
        attrs.append(f'horizontal="{_ALIGN[p["align"]]}"')
    if p.get("valign"):
        attrs.append(f'vertical="{_VALIGN[p["valign"]]}"')
    if p.get("indent"):
        attrs.append(f'indent="{int(p["indent"])}"')
    if p.get("text_wrap"):
        attrs.append('wrapText="1"')
    return f"<alignment {' '.join(attrs)}/>" if attrs else ""


class _Styles:
    """The distinct fonts, fills, borders and number formats of a workbook's formats, as styles.xml."""

    def __init__(self):
        self.fonts = {_font_xml({}): 0}
        self.fills = {'<fill><patternFill patternType="none"/></fill>': 0,
                      '<fill><patternFill patternType="gray125"/></fill>': 1}
        self.borders = {"<border><left/><right/><top/><bottom/><diagonal/></border>": 0}
        self.num_formats: dict[str, int] = {}
        self.xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']

    def add(self, p: dict) -> int:
        """The cellXfs index of a format's properties (a new entry each call: callers deduplicate)."""
        unknown = set(p) - _FORMAT_KEYS
        if unknown:
            raise ValueError(f"unsupported format properties: {sorted(unknown)}")
        for key, table in (("align", _ALIGN), ("valign", _VALIGN), ("underline", _UNDERLINE)):
            if p.get(key) and p[key] not in table:
                raise ValueError(f"unsupported {key}: {p[key]!r}")
        for key in ("border", "left", "right", "top", "bottom"):
            if p.get(key) and p[key] not in _BORDER:
                raise ValueError(f"unsupported border style: {p[key]!r}")
        font = self.fonts.setdefault(_font_xml(p), len(self.fonts))
        fill_xml, border_xml = _fill_xml(p), _border_xml(p)
        fill = self.fills.setdefault(fill_xml, len(self.fills)) if fill_xml else 0
        border = self.borders.setdefault(border_xml, len(self.borders)) if border_xml else 0
        code = p.get("num_format") or "General"
        num = BUILTIN_NUM_FORMATS.get(code)
        if num is None:
            num = self.num_formats.setdefault(code, 164 + len(self.num_formats))
        align = _alignment_xml(p)
        attrs = [f'numFmtId="{num}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"']
        attrs += [name for name, on in (('quotePrefix="1"', p.get("quote_prefix")), ('applyNumberFormat="1"', num),
                                        ('applyFont="1"', font), ('applyFill="1"', fill),
                                        ('applyBorder="1"', border), ('applyAlignment="1"', align)) if on]
        self.xfs.append(f"<xf {' '.join(attrs)}>{align}</xf>" if align else f"<xf {' '.join(attrs)}/>")
        return len(self.xfs) - 1

    def xml(self) -> str:
        """The styles part."""
        def block(tag: str, items) -> str:
            items = list(items)
            return f'<{tag} count="{len(items)}">{"".join(items)}</{tag}>'

        num_fmts = block("numFmts", (f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>'
                                     for code, i in self.num_formats.items())) if self.num_formats else ""
        return (f'{XML}<styleSheet xmlns="{MAIN}">{num_fmts}{block("fonts", self.fonts)}{block("fills", self.fills)}'
                f'{block("borders", self.borders)}'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'{block("cellXfs", self.xfs)}'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                "</styleSheet>")


# ---------------------------------------------------------------- worksheets


_HEIGHTS: dict[float, str] = {}


def _height_text(points: float) -> str:
    """A row height rounded to whole pixels, as Excel stores it (XlsxWriter does the same)."""
    text = _HEIGHTS.get(points)
    if text is None:
        text = _HEIGHTS[points] = number_text(int(points * 4 / 3 + 0.5) * 0.75)
    return text


class _Finished(dict):
    """Stands for a finished sheet's cells: any further write fails, saying why."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def get(self, *_):
        raise RuntimeError(f"sheet {self.name!r} is finished: fill sheets one after another")


class Worksheet:
    """One sheet: cells kept as XML by row and column until the sheet is finished and streamed out.

    A cell's column is checked by COLUMNS (it raises outside A..XFD), its row when the row is first used.
    """

    def __init__(self, book: Workbook, name: str, index: int):
        self.book, self.name, self.index = book, name, index
        self._strings = book.strings
        self._rows: dict[int, dict[int, str]] = {}
        self._heights: dict[int, str] = {}
        self._default_height: str | None = None
        self._widths: dict[int, float] = {}
        self._merges: list[str] = []
        self._merged: set[int] = set()  # cells inside merged ranges, as row·2¹⁴ + column
        self._pane: tuple[int, int] | None = None
        self._page: dict = {}
        self._margins = (0.7, 0.7, 0.75, 0.75)
        self._footer = ""
        self._breaks: list[int] = []
        self._ignored: list[tuple[str, str]] = []

    # ---- cells

    def _new_row(self, row: int) -> dict[int, str]:
        if not 0 <= row < MAX_ROWS:
            raise ValueError(f"row {row} is outside the sheet")
        cells = self._rows[row] = {}
        return cells

    def write_string(self, row: int, col: int, text: str, fmt: Format | None = None) -> None:
        """A text cell (shared string), whatever the text looks like."""
        index = self._strings.get(text)
        if index is None:
            index = self.book.add_string(text)
        xml = f'<c r="{COLUMNS[col]}{row + 1}"{fmt.attr if fmt else ""} t="s"><v>{index}</v></c>'
        cells = self._rows.get(row)
        (self._new_row(row) if cells is None else cells)[col] = xml

    def write_number(self, row: int, col: int, number, fmt: Format | None = None) -> None:
        """A number cell."""
        xml = f'<c r="{COLUMNS[col]}{row + 1}"{fmt.attr if fmt else ""}><v>{number_text(number)}</v></c>'
        cells = self._rows.get(row)
        (self._new_row(row) if cells is None else cells)[col] = xml

    def write_formula(self, row: int, col: int, formula: str, fmt: Format | None = None, value=None) -> None:
        """A formula ('=' optional) with its computed value: a number, a string, or None to leave it to the reader."""
        f = escape(formula[1:] if formula[:1] == "=" else formula)
        head = f'<c r="{COLUMNS[col]}{row + 1}"{fmt.attr if fmt else ""}'
        if value is None:
            xml = f"{head}><f>{f}</f></c>"
        elif isinstance(value, str):
            xml = f'{head} t="str"><f>{f}</f><v>{escape(value)}</v></c>'
        else:
            xml = f"{head}><f>{f}</f><v>{number_text(value)}</v></c>"
        cells = self._rows.get(row)
        (self._new_row(row) if cells is None else cells)[col] = xml

    def write_blank(self, row: int, col: int, blank=None, fmt: Format | None = None) -> None:
        """An empty cell that carries a format (without one, nothing is written, as in XlsxWriter)."""
        if fmt is not None:
            xml = f'<c r="{COLUMNS[col]}{row + 1}"{fmt.attr}/>'
            cells = self._rows.get(row)
            (self._new_row(row) if cells is None else cells)[col] = xml

    def merge_range(self, first_row: int, first_col: int, last_row: int, last_col: int, data,
                    fmt: Format | None = None) -> None:
        """Merge a range, put `data` (text, number or "") in its first cell and the format in all of them."""
        if first_row > last_row or first_col > last_col or (first_row == last_row and first_col == last_col):
            raise ValueError(f"not a range of two or more cells: {(first_row, first_col, last_row, last_col)}")
        ref = f"{COLUMNS[first_col]}{first_row + 1}:{COLUMNS[last_col]}{last_row + 1}"
        # the range's cells as arithmetic ranges of keys (row·2¹⁴ + column): one per row, or per column if tall
        top, bottom = first_row << 14, last_row << 14
        if first_row == last_row:
            spans = (range(top + first_col, top + last_col + 1),)
        elif first_col == last_col:
            spans = (range(top + first_col, bottom + first_col + 1, 1 << 14),)
        else:
            spans = tuple(range(top + c, bottom + c + 1, 1 << 14) for c in range(first_col, last_col + 1))
        merged = self._merged
        for span in spans:
            if not merged.isdisjoint(span):
                raise ValueError(f"merged range {ref} overlaps another")
            merged.update(span)
        self._merges.append(ref)
        if fmt is not None:
            self._fill(first_row, first_col, last_row, last_col, fmt.attr)
        if isinstance(data, str) and data:
            self.write_string(first_row, first_col, data, fmt)
        elif isinstance(data, (int, float)) and not isinstance(data, bool):
            self.write_number(first_row, first_col, data, fmt)
        elif data not in ("", None):
            raise TypeError(f"merge_range data must be text or a number, not {type(data).__name__}")

    def _fill(self, first_row: int, first_col: int, last_row: int, last_col: int, attr: str) -> None:
        """Formatted empty cells over a range (a merged range's borders are drawn from each of its cells)."""
        rows = self._rows
        for r in range(first_row, last_row + 1):
            cells = rows.get(r)
            if cells is None:
                cells = self._new_row(r)
            tail = f'{r + 1}"{attr}/>'
            for c in range(first_col, last_col + 1):
                cells[c] = '<c r="' + COLUMNS[c] + tail

    @staticmethod
    def _ref(first_row: int, first_col: int, last_row: int, last_col: int, absolute: bool = False) -> str:
        d = "$" if absolute else ""
        return f"{d}{COLUMNS[first_col]}{d}{first_row + 1}:{d}{COLUMNS[last_col]}{d}{last_row + 1}"

    # ---- rows, columns, view

    def set_row(self, row: int, height: float) -> None:
        """A row's height in points."""
        self._heights[row] = _height_text(height)

    def set_default_row(self, height: float) -> None:
        """The height in points of rows not given their own."""
        text = _height_text(height)
        self._default_height = None if text == "15" else text

    def set_column(self, first_col: int, last_col: int, width: float) -> None:
        """Column widths in character units."""
        for c in range(first_col, last_col + 1):
            self._widths[c] = width

    def freeze_panes(self, row: int, col: int) -> None:
        """Keep the rows above `row` and the columns left of `col` in view."""
        self._pane = (row, col) if row or col else None

    # ---- printing

    def set_paper(self, size: int) -> None:
        """Paper size by Excel's index (9 = A4)."""
        self._page["paperSize"] = size

    def set_landscape(self) -> None:
        """Print across the long side."""
        self._page["orientation"] = "landscape"

    def set_portrait(self) -> None:
        """Print upright."""
        self._page["orientation"] = "portrait"

    def fit_to_pages(self, width: int, height: int) -> None:
        """Scale to `width` pages wide and `height` tall (0: as many as needed)."""
        self._page["fit"] = (width, height)

    def center_horizontally(self) -> None:
        """Centre the printed table on the page."""
        self._page["center"] = True

    def set_margins(self, left: float = 0.7, right: float = 0.7, top: float = 0.75, bottom: float = 0.75) -> None:
        """Page margins in inches."""
        self._margins = (left, right, top, bottom)

    def print_area(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """The printed range."""
        self.book.define_name("_xlnm.Print_Area", self.index, f"{quote_sheet(self.name)}!"
                              f"{self._ref(first_row, first_col, last_row, last_col, absolute=True)}")

    def repeat_rows(self, first_row: int, last_row: int | None = None) -> None:
        """Rows printed at the top of every page."""
        last_row = first_row if last_row is None else last_row
        self.book.define_name("_xlnm.Print_Titles", self.index,
                              f"{quote_sheet(self.name)}!${first_row + 1}:${last_row + 1}")

    def set_footer(self, text: str) -> None:
        """The page footer, in Excel's &-code syntax."""
        self._footer = text

    def set_h_pagebreaks(self, breaks: list[int]) -> None:
        """Manual page breaks above the given (zero-based) rows."""
        self._breaks = sorted(set(breaks))

    def ignore_errors(self, options: dict[str, str]) -> None:
        """Turn off Excel's green-triangle checks, e.g. {"number_stored_as_text": "A6:A13"} (adds up over calls)."""
        for kind, sqref in options.items():
            self._ignored.append((re.sub(r"_(\w)", lambda m: m.group(1).upper(), kind), sqref))

    # ---- output

    def _finish(self, write) -> None:
        """Stream the sheet's XML through write(str) and drop its cells."""
        rows, heights = self._rows, self._heights
        default_ht = f' ht="{self._default_height}" customHeight="1"' if self._default_height else ""
        keys = sorted(rows.keys() | heights.keys()) if heights else sorted(rows)
        out = [self._head(), "<sheetData>"]
        for n, r in enumerate(keys, 1):
            ht = heights.get(r)
            attrs = f' ht="{ht}" customHeight="1"' if ht else default_ht
            cells = rows.get(r)
            if cells:
                out.append(f'<row r="{r + 1}"{attrs}>{"".join(map(cells.__getitem__, sorted(cells)))}</row>')
            else:
                out.append(f'<row r="{r + 1}"{attrs}/>')
            if n % CHUNK_ROWS == 0:
                write("".join(out))
                out.clear()
        out.append("</sheetData>")
        out.append(self._tail())
        write("".join(out))
        self._rows, self._merged = _Finished(self.name), set()

    def _head(self) -> str:
        fit = self._page.get("fit")
        out = [XML, f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">']
        if fit:
            out.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        rows = self._rows
        if rows:
            first_col = min(map(min, rows.values()))
            last_col = max(map(max, rows.values()))
            out.append(f'<dimension ref="{self._ref(min(rows), first_col, max(rows), last_col)}"/>')
        else:
            out.append('<dimension ref="A1"/>')
        selected = ' tabSelected="1"' if self.index == 0 else ""
        if self._pane:
            row, col = self._pane
            active = "bottomRight" if row and col else "bottomLeft" if row else "topRight"
            split = (f' xSplit="{col}"' if col else "") + (f' ySplit="{row}"' if row else "")
            out.append(f'<sheetViews><sheetView{selected} workbookViewId="0"><pane{split} topLeftCell='
                       f'"{col_name(col)}{row + 1}" activePane="{active}" state="frozen"/>'
                       f'<selection pane="{active}"/></sheetView></sheetViews>')
        else:
            out.append(f'<sheetViews><sheetView{selected} workbookViewId="0"/></sheetViews>')
        if self._default_height:
            out.append(f'<sheetFormatPr defaultRowHeight="{self._default_height}" customHeight="1"/>')
        else:
            out.append('<sheetFormatPr defaultRowHeight="15"/>')
        if self._widths:
            runs: list[list] = []  # [first, last, width]: neighbours of equal width share one <col>
            for c in sorted(self._widths):
                width = _column_width(self._widths[c])
                if runs and runs[-1][1] == c - 1 and runs[-1][2] == width:
                    runs[-1][1] = c
                else:
                    runs.append([c, c, width])
            out.append("<cols>")
            out.extend(f'<col min="{a + 1}" max="{b + 1}" width="{w}" customWidth="1"/>' for a, b, w in runs)
            out.append("</cols>")
        return "".join(out)

    def _tail(self) -> str:
        out = []
        if self._merges:
            out.append(f'<mergeCells count="{len(self._merges)}">')
            out.extend(f'<mergeCell ref="{ref}"/>' for ref in self._merges)
            out.append("</mergeCells>")
        page = self._page
        if page.get("center"):
            out.append('<printOptions horizontalCentered="1"/>')
        left, right, top, bottom = self._margins
        out.append(f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" header="0.3" '
                   'footer="0.3"/>')
        attrs = [f'paperSize="{page["paperSize"]}"'] if "paperSize" in page else []
        width, height = page.get("fit", (1, 1))
        attrs += [f'fitToWidth="{width}"'] if width != 1 else []
        attrs += [f'fitToHeight="{height}"'] if height != 1 else []
        attrs += [f'orientation="{page["orientation"]}"'] if "orientation" in page else []
        if attrs:
            out.append(f"<pageSetup {' '.join(attrs)}/>")
        if self._footer:
            out.append(f"<headerFooter><oddFooter>{escape(self._footer)}</oddFooter></headerFooter>")
        if self._breaks:
            n = len(self._breaks)
            out.append(f'<rowBreaks count="{n}" manualBreakCount="{n}">')
            out.extend(f'<brk id="{b}" max="16383" man="1"/>' for b in self._breaks)
            out.append("</rowBreaks>")
        if self._ignored:
            out.append("<ignoredErrors>")
            out.extend(f'<ignoredError sqref="{sqref}" {kind}="1"/>' for kind, sqref in self._ignored)
            out.append("</ignoredErrors>")
        out.append("</worksheet>")
        return "".join(out)


@lru_cache(maxsize=1024)
def _column_width(width: float) -> str:
    """Character units as Excel stores them: via whole pixels of the default font (Calibri 11, 7 px a digit)."""
    pixels = int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5
    return number_text(pixels * 256 // 7 / 256)


# ---------------------------------------------------------------- the workbook


class Workbook:
    """An .xlsx package written into `file` (a path or a binary file object); close() completes it."""

    def __init__(self, file):
        self._zip = zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED)
        self._styles = _Styles()
        self._formats: dict[tuple, Format] = {}
        self.strings: dict[str, int] = {}  # shared-string table: text → index
        self._sheets: list[str] = []
        self._lower_names: set[str] = set()
        self._names: dict[tuple[int, str], str] = {}  # (sheet index, name) → formula
        self._properties: dict = {}
        self._current: Worksheet | None = None

    def add_format(self, properties: dict | None = None) -> Format:
        """A cell format from XlsxWriter-style properties (font_name, bold, border, align, num_format …)."""
        props = dict(properties or {})
        key = tuple(sorted(props.items()))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = Format(self._styles.add(props), props)
        return fmt

    def add_worksheet(self, name: str) -> Worksheet:
        """A new sheet after the others; the previous one is finished and written out."""
        lower = name.lower()
        if not 0 < len(name) <= 31 or SHEET_FORBIDDEN.search(name) or name[0] == "'" or name[-1] == "'":
            raise ValueError(f"invalid sheet name: {name!r}")
        if lower in self._lower_names or lower == "history":
            raise ValueError(f"sheet name already used or reserved: {name!r}")
        self._finish_sheet()
        self._lower_names.add(lower)
        self._sheets.append(name)
        self._current = Worksheet(self, name, len(self._sheets) - 1)
        return self._current

    def set_properties(self, properties: dict) -> None:
        """Document properties: title, author, created (a datetime)."""
        unknown = set(properties) - {"title", "author", "created"}
        if unknown:
            raise ValueError(f"unsupported document properties: {sorted(unknown)}")
        self._properties.update(properties)

    def add_string(self, text: str) -> int:
        """The shared-string index of a text not yet in the table."""
        index = self.strings[text] = len(self.strings)
        return index

    def define_name(self, name: str, sheet: int, formula: str) -> None:
        """A sheet-local defined name such as _xlnm.Print_Area (one of each per sheet)."""
        self._names[(sheet, name)] = formula

    def _part(self, name: str):
        info = zipfile.ZipInfo(name, ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return self._zip.open(info, "w")

    def _write_part(self, name: str, text: str) -> None:
        with self._part(name) as fh:
            fh.write(text.encode("utf-8"))

    def _finish_sheet(self) -> None:
        sheet, self._current = self._current, None
        if sheet is not None:
            with self._part(f"xl/worksheets/sheet{sheet.index + 1}.xml") as fh:
                sheet._finish(lambda text: fh.write(text.encode("utf-8")))

    def close(self) -> None:
        """Finish the last sheet and write the workbook, styles, strings, relationships and properties."""
        if not self._sheets:
            self.add_worksheet("Sheet1")
        self._finish_sheet()
        n = len(self._sheets)
        self._write_part("xl/sharedStrings.xml", self._shared_strings())
        self._write_part("xl/styles.xml", self._styles.xml())
        self._write_part("xl/workbook.xml", self._workbook_xml())
        rels = [(f"rId{i}", f"{REL}/worksheet", f"worksheets/sheet{i}.xml") for i in range(1, n + 1)]
        rels += [(f"rId{n + 1}", f"{REL}/styles", "styles.xml"), (f"rId{n + 2}", f"{REL}/sharedStrings",
                                                                  "sharedStrings.xml")]
        self._write_part("docProps/core.xml", self._core_xml())
        package = with_theme_and_app({  # the theme and app.xml Excel expects (see office_parts)
            "xl/_rels/workbook.xml.rels": _relationships(rels).encode("utf-8"),
            "_rels/.rels": _relationships([("rId1", f"{REL}/officeDocument", "xl/workbook.xml"),
                                           ("rId2", f"{PKG_REL}/metadata/core-properties",
                                            "docProps/core.xml")]).encode("utf-8"),
            "[Content_Types].xml": self._content_types().encode("utf-8")}, "xl")
        for name, data in package.items():
            with self._part(name) as fh:
                fh.write(data)
        self._zip.close()

    def _shared_strings(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' if t != t.strip()
                        else f"<si><t>{escape(t)}</t></si>" for t in self.strings)
        return (f'{XML}<sst xmlns="{MAIN}" uniqueCount="{len(self.strings)}">'
                f"{items}</sst>")

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(self._sheets, 1))
        names = "".join(f'<definedName name="{name}" localSheetId="{sheet}">{escape(formula)}</definedName>'
                        for (sheet, name), formula in sorted(self._names.items()))
        return (f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/>'
                f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
                f'{f"<definedNames>{names}</definedNames>" if names else ""}'
                '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')

    def _core_xml(self) -> str:
        props = self._properties
        created = props.get("created") or datetime.now(UTC).replace(tzinfo=None)
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        title = f"<dc:title>{escape(props['title'])}</dc:title>" if props.get("title") else ""
        author = (f"<dc:creator>{escape(props['author'])}</dc:creator>"
                  f"<cp:lastModifiedBy>{escape(props['author'])}</cp:lastModifiedBy>") if props.get("author") else ""
        return (f'{XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
                'terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/'
                f'XMLSchema-instance">{title}{author}<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}'
                f'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                "</cp:coreProperties>")

    def _content_types(self) -> str:
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.worksheet+xml"/>'
                         for i in range(1, len(self._sheets) + 1))
        return (f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>{sheets}'
                f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')


def _relationships(rels: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return f'{XML}<Relationships xmlns="{PKG_REL}">{items}</Relationships>'
