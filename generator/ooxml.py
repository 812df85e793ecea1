"""WordprocessingML fragments as strings: runs with East Asian fonts, paragraphs, table cells.

Big tables are built as XML text (about 8× faster than python-docx's object API, see
shared/domain anchors §8). Every text goes through `esc`, so spec text can never break the XML.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# GB/T 9704 sizes in half-points (w:sz): 2号 22pt, 3号 16pt, 4号 14pt, 小4 12pt, 5号 10.5pt, 小5 9pt
SIZE = {"二号": 44, "三号": 32, "四号": 28, "小四": 24, "五号": 21, "小五": 18, "六号": 15}

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"

# Twips: 1 mm = 56.6929 twips
A4_W, A4_H = 11906, 16838
MARGINS = {"top": 2098, "bottom": 1984, "left": 1588, "right": 1474}  # 37 / 35 / 28 / 26 mm
TEXT_WIDTH = A4_W - MARGINS["left"] - MARGINS["right"]  # 8844 ≈ 156 mm
TEXT_WIDTH_LANDSCAPE = A4_H - MARGINS["top"] - MARGINS["bottom"]  # landscape: the long side minus top/bottom


# Styles of templates/docx that tables use (defined in make_templates.py, where their look is described).
TABLE = "GwTable"  # 表格: the borders of every table
CELL = "GwCell"  # 表格-文字: 仿宋, centred; every cell style below is based on it
CELL_LEFT = "GwCellLeft"  # 表格-文字左对齐: unit names in allocation tables
CELL_JUSTIFY = "GwCellJustify"  # 表格-文字两端对齐: left-aligned target-table texts
CELL_HEAD = "GwCellHead"  # 表格-表头: 黑体, centred
CELL_TOTAL = "GwCellTotal"  # 表格-合计: 黑体, centred (总计/合计/小计 rows)
CELL_TOTAL_LEFT = "GwCellTotalLeft"  # 表格-合计左对齐: 小计 labels
CELL_TOTAL_FIGURE = "GwCellTotalFigure"  # 表格-合计金额: 黑体, right
CELL_FIGURE = "GwCellFigure"  # 表格-金额: 宋体, right
CELL_CODE = "GwCellCode"  # 表格-编码: 宋体, centred
FORM_CELL = "GwFormCell"  # 表单-文字: 仿宋 with Times New Roman digits, centred
FORM_CELL_LEFT = "GwFormCellLeft"  # 表单-文字左对齐
FORM_HEAD = "GwFormHead"  # 表单-表头: 黑体 with Times New Roman digits
TABLE_UNIT = "GwTableUnit"  # 表格-单位行: 单位：万元 above an allocation table, right-aligned
TARGET_TITLE = "GwTargetTitle"  # 绩效目标表-标题: 小标宋 小二, centred
TARGET_SUBTITLE = "GwTargetSubtitle"  # 绩效目标表-副标题: 仿宋 三号, centred

BORDERS = ("<w:tblBorders>" + "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                                      for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
           + "</w:tblBorders>")  # 表格's borders as make_templates.py writes them: single 0.5 pt, inside too


class TableStyles:
    """The template's styles as generated tables use them. Cell paragraphs name a cell style at the size
    the code chose for the table (it fits each table to the page): ("GwCellFigure", 18) is the style
    "GwCellFigure-18", based on the template's GwCellFigure and setting only w:sz; every one asked for is
    recorded, and the .docx writer adds them to styles.xml. `borders` are the tblBorders of the template's
    表格 style, which every table repeats rather than referencing the style (w:tblStyle): LibreOffice lays
    out tables that reference a table style about 40 % slower (seed 000: 2.0 s against 1.45 s)."""

    def __init__(self, borders: str = BORDERS) -> None:
        self.used: dict[str, tuple[str, int]] = {}
        self.borders = borders

    def __call__(self, base: str, size: int) -> str:
        """The id of `base` at `size` half-points."""
        sid = f"{base}-{size}"
        self.used[sid] = (base, size)
        return sid


def styled_p(style: str) -> str:
    """The start of a paragraph in a paragraph style (its w:p and w:pPr), to be followed by runs and </w:p>."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'


def text_runs(text: str) -> str:
    """Runs without properties (the paragraph style's apply); line breaks become w:br, empty text no run."""
    if not text:
        return ""
    escaped = esc(text)
    if "\n" in escaped:
        return "<w:r>" + "<w:br/>".join(_t(t) for t in escaped.split("\n")) + "</w:r>"
    return f"<w:r>{_t(escaped)}</w:r>"


def _t(escaped: str) -> str:
    """A w:t; spaces are kept (xml:space) only where a text has any."""
    return f'<w:t xml:space="preserve">{escaped}</w:t>' if " " in escaped or "\t" in escaped else f"<w:t>{escaped}</w:t>"


def esc(text: object) -> str:
    """XML-escape text and drop characters XML 1.0 cannot hold."""
    return escape(_ILLEGAL.sub("", str(text)), {'"': "&quot;"})


def rpr(font: str = FANGSONG, size: int = 32, bold: bool = False, color: str | None = None,
        latin: str = LATIN) -> str:
    """Run properties: East Asian face via w:eastAsia (python-docx's font.name does not set it)."""
    parts = [f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{esc(font)}" w:cs="{latin}"/>']
    if bold:
        parts.append("<w:b/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def run(text: str, props: str = "") -> str:
    """One run; line breaks in text become w:br."""
    pieces = str(text).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{esc(p)}</w:t>' for p in pieces)
    return f"<w:r>{props}{body}</w:r>"


def ppr(align: str | None = None, first_line: int | None = None, left: int | None = None,
        hanging: int | None = None, line: int | None = None, before: int = 0, after: int = 0,
        keep_next: bool = False, page_break_before: bool = False, style: str | None = None,
        snap: bool = True) -> str:
    """Paragraph properties; `line` is an exact line height in twips (28.95 pt = 579)."""
    parts = []
    if style:
        parts.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if page_break_before:
        parts.append("<w:pageBreakBefore/>")
    if not snap:
        parts.append('<w:snapToGrid w:val="0"/>')
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    if line:
        spacing += f' w:line="{line}" w:lineRule="exact"'
    parts.append(spacing + "/>")
    ind = []
    if left is not None:
        ind.append(f'w:left="{left}"')
    if first_line is not None:
        ind.append(f'w:firstLine="{first_line}"')
    if hanging is not None:
        ind.append(f'w:hanging="{hanging}"')
    if ind:
        parts.append(f"<w:ind {' '.join(ind)}/>")
    if align:
        parts.append(f'<w:jc w:val="{align}"/>')
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def para(runs: str, props: str = "") -> str:
    """A paragraph from run XML and paragraph properties."""
    return f"<w:p>{props}{runs}</w:p>"


def cell(content: str, width: int, span: int = 1, vmerge: str | None = None, valign: str = "center") -> str:
    """A table cell: `vmerge` is "restart" or "continue" for vertical merges; `span` merges columns."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        props.append("<w:vMerge/>")
    props.append(f'<w:vAlign w:val="{valign}"/>')
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{content}</w:tc>"


def row(cells: str, header: bool = False, cant_split: bool = True, height: int | None = None) -> str:
    """A table row: header rows repeat on every page; rows never split across pages."""
    props = []
    if cant_split:
        props.append("<w:cantSplit/>")
    if height:
        props.append(f'<w:trHeight w:val="{height}"/>')
    if header:
        props.append("<w:tblHeader/>")
    return f"<w:tr><w:trPr>{''.join(props)}</w:trPr>{cells}</w:tr>"


# Between two tables that must not merge (Word and LibreOffice join adjacent tables into one, and a header row
# repeats only at the top of its own table): a paragraph 1 twip high, kept with the table after it.
JOIN = ('<w:p><w:pPr><w:keepNext/><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="1" '
        'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')


def table_open(widths: list[int], margin: int = 57, borders: str = BORDERS, align: str = "center",
               vertical: int = 0) -> str:
    """The start of a fixed-layout w:tbl (properties and grid): these column widths and left/right cell
    margins (twips), which the code chose when it fitted the table to the page, top/bottom margins
    (`vertical`, so that wrapped text keeps off the borders), and these borders (TableStyles.borders:
    the template's 表格 style)."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="{align}"/>{borders}'
            f'<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="{vertical}" w:type="dxa"/>'
            f'<w:left w:w="{margin}" w:type="dxa"/><w:bottom w:w="{vertical}" w:type="dxa"/>'
            f'<w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>')


def table(rows_xml: str, widths: list[int], margin: int = 57, borders: str = BORDERS) -> str:
    """A fixed-layout table (see table_open)."""
    return table_open(widths, margin, borders) + rows_xml + "</w:tbl>"


def scale_widths(weights: list[float], total: int) -> list[int]:
    """Column widths in twips proportional to weights, summing exactly to total."""
    whole = sum(weights) or 1
    widths = [int(total * w / whole) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


# Advance widths in em of the Latin face (Times New Roman) for characters narrower than a digit.
_NARROW = dict.fromkeys(",.:;'!|ijlt ()[]", 0.28) | {"-": 0.34, "/": 0.28, "%": 0.84, "m": 0.78, "w": 0.72}

# Half-width characters set in a CJK face (tables set digits in 宋体/黑体/仿宋 too): 0.5 em in Word's
# faces, up to 0.56 (digits) and 0.92 (%) in the Noto CJK stand-ins LibreOffice uses here.
_HALF = dict.fromkeys("0123456789", 0.57) | dict.fromkeys(",.:;'!|()[] -/", 0.45) | {"%": 0.92}


def _em(text: str, narrow: dict[str, float], upper: float, other: float, upper_chars: str = "") -> float:
    em = 0.0
    for ch in text:
        if ch >= "\u2000":
            em += 1.0
        elif ch in narrow:
            em += narrow[ch]
        elif ch.isupper() or ch in upper_chars:
            em += upper
        else:
            em += other
    return em


def text_em(text: str) -> float:
    """Printed width of one line of text in em: CJK and full-width characters 1, digits and Latin about ½."""
    return _em(text, _NARROW, 0.72, 0.5)


def cjk_em(text: str) -> float:
    """Like text_em, for text whose Latin characters are set in the CJK face as well (table cells):
    an upper bound over Word's faces and LibreOffice's stand-ins."""
    return _em(text, _HALF, 0.8, 0.6, "mw")
