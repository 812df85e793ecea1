"""Cell styles for the Excel attachments: read from templates/xlsx/styles.xlsx, built into xlsx_writer formats.

The template is a sample sheet a clerk can open and adjust: column A names a style role, column C
carries the fonts, fills, borders and alignment the renderer copies. It is read once per process
with openpyxl (reading only; writing is xlsx_writer's job). Format properties keep XlsxWriter's names
(font_name, bold, border, align, valign, text_wrap …). Number formats never come from the template:
they follow each table's own format in the spec.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "xlsx" / "styles.xlsx"
SHEET = "样式"

SONG, HEI, TITLE_FONT = "宋体", "黑体", "方正小标宋简体"
_CELL = {"font_name": SONG, "font_size": 11, "valign": "vcenter", "border": 1}
_TEXT = {**_CELL, "text_wrap": True}

# role → (what the sample cell shows, what it styles, built-in default)
ROLES: dict[str, tuple[str, str, dict]] = {
    "attachment_label": ("附件1", "左上角附件编号", {"font_name": HEI, "font_size": 14}),
    "title": ("2024年示例补助资金分配表", "表格标题（合并居中）",
              {"font_name": TITLE_FONT, "font_size": 16, "align": "center", "valign": "vcenter",
               "text_wrap": True}),
    "subtitle": ("(2024年度)", "副标题（绩效目标表）",
                 {"font_name": SONG, "font_size": 12, "align": "center", "valign": "vcenter"}),
    "unit_line": ("单位：万元", "单位行（右对齐）",
                  {"font_name": SONG, "font_size": 11, "align": "right", "valign": "vcenter"}),
    "header_left": ("地、州、市（单位）名称：", "表头左侧填写栏（跟踪反馈表）",
                    {"font_name": SONG, "font_size": 11, "align": "left", "valign": "vcenter"}),
    "header": ("应补助资金", "列标题", {**_TEXT, "font_name": HEI, "align": "center"}),
    "formula_row": ("d=a+b+c", "公式行（列字母）", {**_CELL, "font_size": 10, "align": "center"}),
    "total_label": ("总计", "合计/总计行：名称", {**_TEXT, "font_name": HEI, "align": "center"}),
    "total_number": ("13950.00", "合计/总计行：金额", {**_CELL, "bold": True, "align": "right"}),
    "subtotal_label": ("哈尔滨市小计", "小计行：名称", {**_TEXT, "bold": True, "align": "left"}),
    "subtotal_number": ("1175.00", "小计行：金额", {**_CELL, "bold": True, "align": "right"}),
    "leaf_label": ("哈尔滨市财政局", "明细行：单位名称", {**_TEXT, "align": "left"}),
    "leaf_number": ("500.00", "明细行：金额（数字单元格）", {**_CELL, "align": "right"}),
    "code": ("00900990011", "单位编码、序号", {**_CELL, "font_size": 10, "align": "center"}),
    "text": ("（填写）", "文字单元格（反馈表空白栏等）", {**_TEXT, "align": "left"}),
    "note": ("说明：1、……", "表下说明", {"font_name": SONG, "font_size": 10, "align": "left",
                                     "valign": "top", "text_wrap": True}),
    "target_label": ("项目名称", "绩效目标表：表头标签", {**_TEXT, "align": "center"}),
    "target_field": ("自治区卫生健康委", "绩效目标表：表头填写内容", {**_TEXT, "align": "center"}),
    "target_number": ("29260", "绩效目标表：金额", {**_CELL, "align": "center"}),
    "indicator_header": ("一级指标", "绩效目标表：指标列标题", {**_TEXT, "font_name": HEI, "align": "center"}),
    "indicator_level": ("产出指标", "绩效目标表：一级/二级指标（纵向合并）", {**_TEXT, "align": "center"}),
    "indicator": ("指标1：受支持的县级医院数量", "绩效目标表：三级指标", {**_TEXT, "align": "left"}),
    "indicator_value": ("≥90%", "绩效目标表：指标值及其他栏", {**_TEXT, "align": "center"}),
}

DEFAULT_STYLES: dict[str, dict] = {role: dict(props) for role, (_, _, props) in ROLES.items()}

_BORDER_STYLES = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6, "hair": 7,
                  "mediumDashed": 8, "dashDot": 9, "mediumDashDot": 10, "dashDotDot": 11,
                  "mediumDashDotDot": 12, "slantDashDot": 13}
_VALIGN = {"top": "top", "center": "vcenter", "bottom": "bottom", "justify": "vjustify",
           "distributed": "vdistributed"}


def load_styles(path: Path | None = None) -> dict[str, dict]:
    """Style role → format properties, from the template (built-in defaults if it is missing)."""
    path = Path(path) if path is not None else TEMPLATE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {role: dict(props) for role, props in DEFAULT_STYLES.items()}
    return {role: dict(props) for role, props in _read_template(str(path), stamp).items()}


@lru_cache(maxsize=8)
def _read_template(path: str, stamp: int) -> dict[str, dict]:
    """Read the sample sheet once per (file, modification time)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    styles = {role: dict(props) for role, props in DEFAULT_STYLES.items()}
    for row in ws.iter_rows(min_row=1, max_col=3):
        role = row[0].value
        if isinstance(role, str) and role.strip() in styles and len(row) >= 3:
            styles[role.strip()] = cell_properties(row[2])
    wb.close()
    return styles


def _rgb(color) -> str | None:
    """#RRGGBB for an explicit RGB colour; theme and indexed colours are left to the default."""
    if color is None or getattr(color, "type", None) != "rgb" or not isinstance(color.rgb, str):
        return None
    return "#" + color.rgb[-6:]


def cell_properties(cell) -> dict:
    """The format properties (XlsxWriter's names) equivalent to an openpyxl cell's font, fill, border and alignment."""
    props: dict = {}
    font = cell.font
    if font is not None:
        props.update(font_name=font.name or SONG, font_size=float(font.sz or 11))
        if font.b:
            props["bold"] = True
        if font.i:
            props["italic"] = True
        if font.u:
            props["underline"] = 1
        if _rgb(font.color):
            props["font_color"] = _rgb(font.color)
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid" and _rgb(fill.fgColor):
        props.update(pattern=1, bg_color=_rgb(fill.fgColor))
    border = cell.border
    for side in ("left", "right", "top", "bottom"):
        edge = getattr(border, side, None) if border is not None else None
        if edge is not None and edge.style in _BORDER_STYLES:
            props[side] = _BORDER_STYLES[edge.style]
            if _rgb(edge.color):
                props[f"{side}_color"] = _rgb(edge.color)
    al = cell.alignment
    if al is not None:
        if al.horizontal and al.horizontal != "general":
            props["align"] = "center_across" if al.horizontal == "centerContinuous" else al.horizontal
        if al.vertical in _VALIGN:
            props["valign"] = _VALIGN[al.vertical]
        if al.wrap_text:
            props["text_wrap"] = True
        if al.indent:
            props["indent"] = int(al.indent)
    return props


class Palette:
    """Cell formats built from the style roles, each made once per workbook."""

    def __init__(self, workbook, styles: dict[str, dict]):
        self.workbook, self.styles = workbook, styles
        self._formats: dict[str | tuple, object] = {}
        self._keys: dict[int, tuple] = {}

    def get(self, role: str, **extra):
        """The format of a role, with extra properties (num_format, align, indent …) on top."""
        if not extra:
            key = role
        elif len(extra) == 1:
            key = (role, *extra.items())
        else:
            key = (role, tuple(sorted(extra.items())))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self.workbook.add_format({**self.styles[role], **extra})
            self._formats[key] = fmt
            self._keys[id(fmt)] = (role, tuple(sorted(extra.items())))
        return fmt

    def size(self, role: str) -> float:
        """The font size of a role (for row heights)."""
        return float(self.styles[role].get("font_size", 11))

    def quoted(self, fmt):
        """The same format with Excel's quote prefix: text stays text even when a clerk edits the cell."""
        role, extra = self._keys[id(fmt)]
        return self.get(role, **dict(extra), quote_prefix=True)


# Spec text that a spreadsheet could read as a formula or a command (CSV/formula injection).
RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def put_text(ws, pal: Palette, row: int, col: int, text: str, fmt) -> None:
    """Write spec text as a string cell, never as a formula, whatever it starts with."""
    if not text:
        ws.write_blank(row, col, None, fmt)
        return
    if text.startswith(RISKY_START):
        fmt = pal.quoted(fmt)
    ws.write_string(row, col, text, fmt)


def merge_text(ws, pal: Palette, first_row: int, first_col: int, last_row: int, last_col: int, text: str,
               fmt) -> None:
    """A merged range holding spec text (merge_range's own write would guess the type, so write it after)."""
    if first_row != last_row or first_col != last_col:
        ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    put_text(ws, pal, first_row, first_col, text, fmt)


@lru_cache(maxsize=16384)
def text_width(text: str) -> int:
    """Width in Excel character units at 11 pt: CJK and full-width characters count 2."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@lru_cache(maxsize=8192)
def line_count(text: str, width: float, size: float = 11) -> int:
    """How many lines wrapped text takes in a cell `width` units wide at font `size`."""
    usable = max(width - 1.5, 1.0)
    scale = size / 11
    return sum(max(1, math.ceil(text_width(seg) * scale / usable)) for seg in text.split("\n"))


@lru_cache(maxsize=1024)
def row_height(lines: int, size: float = 11, minimum: float = 18) -> float:
    """Row height in points for `lines` lines of text at font `size`."""
    return max(minimum, round(lines * size * 1.35 + 4, 1))


def print_setup(ws, landscape: bool, last_row: int, last_col: int, repeat: tuple[int, int] | None,
                numbered: bool = True) -> None:
    """A4, fit to one page wide, centred, header rows on every page, page numbers in the footer (not on a cover:
    numbered=False)."""
    ws.set_paper(9)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_area(0, 0, last_row, last_col)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    if numbered:
        ws.set_footer("&C第 &P 页，共 &N 页")
