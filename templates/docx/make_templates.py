"""Regenerate notice.docx and attachment.docx, the Word templates of the notice and of a separate attachment.

Run `python templates/docx/make_templates.py`. The templates carry every font, size, indent and fixed
wording (附件：, 抄送：, 印发, 共印…份) in named styles (公文-正文, 公文-标题, …) and docxtpl tags
({{ … }}, {%p … %}, {%r … %}, {%tr … %}), so a clerk can adjust them in Word or WPS. A clerk's edits are
lost if this script is run again: change the script as well, or stop running it.

Geometry (GB/T 9704-2012): A4, top 37 mm, left 28 mm, text block 156 × 225 mm, 22 lines × 28 characters.

Tables (allocation tables, target tables, forms) are generated, but their look is here, in styles a
clerk can change in Word (开始 → 样式, or 表格设计 for the table style):

  表格 (GwTable, table style)      borders (single, 0.5 pt, inside lines too); the generator copies them
                                   into every table rather than referencing the style, because LibreOffice
                                   lays out tables that reference a table style about 40 % slower
  表格-文字 (GwCell)               every table cell's paragraph: 仿宋 for Chinese and digits, centred, single
                                   spacing, no grid, no indent; the cell styles below are based on it
  表格-文字左对齐 (GwCellLeft)      unit names in allocation tables (indented 1 character per level)
  表格-文字两端对齐 (GwCellJustify)  left-aligned texts of target tables
  表格-表头 (GwCellHead)            header cells: 黑体
  表格-合计 (GwCellTotal)           总计/合计/小计 rows: 黑体, centred (labels of the total row, codes)
  表格-合计左对齐 (GwCellTotalLeft)  小计 labels
  表格-合计金额 (GwCellTotalFigure)  figures of 总计/合计/小计 rows: 黑体, right
  表格-金额 (GwCellFigure)          other figures: 宋体, right
  表格-编码 (GwCellCode)            unit codes: 宋体, centred
  表单-文字 (GwFormCell), 表单-文字左对齐 (GwFormCellLeft), 表单-表头 (GwFormHead)
                                   the 报备表 and 反馈表 cells: 仿宋 / 黑体 with Times New Roman digits
  表格-单位行 (GwTableUnit)         单位：万元 above an allocation table, right-aligned
  绩效目标表-标题 (GwTargetTitle), 绩效目标表-副标题 (GwTargetSubtitle)

The code picks each table's font size so that it fits the page (from 小四 down to 小六 for a wide
allocation table), so a generated document holds each cell style once more per size used, e.g.
"表格-金额 9磅" (GwCellFigure-18): based on 表格-金额 and setting only the size. Change fonts,
alignment and spacing in the styles above; sizes set in them are overridden. Column widths and cell
margins are computed from the text (digits measured in the CJK face), so a much wider face may wrap.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from generator import ooxml  # noqa: E402
from generator.ooxml import A4_H, A4_W, FANGSONG, HEITI, KAITI, LATIN, MARGINS, SONGTI, TEXT_WIDTH, XIAOBIAOSONG  # noqa: E402

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LINE = 579  # 225 mm / 22 lines, twips
CHAR = 320  # one 3号 character, twips
CHAR4 = 280  # one 4号 character (版记, page numbers)
RED = "FF0000"
THICK, THIN = 8, 6  # 版记 rules in eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.26 mm (7.4.1: 0.35 / 0.25)
# 28 characters of 3号 (16 pt = 320 twips) need 8960 twips, the text block is 8844 wide: each character is
# condensed by the least whole twips that makes 28 fit (320 − 5 = 315; 28 × 315 = 8820, 29 × 315 > 8844).
# A character grid with a negative w:charSpace would do the same in Word, but LibreOffice gives every
# character wider than the grid pitch two cells (13–14 a line): condensing lays out alike in Word, WPS
# and LibreOffice, and the line grid keeps 22 lines.
CONDENSE = -(-(28 * CHAR - TEXT_WIDTH) // 28)
# An item of the 附件 list keeps its own lines together, nothing more: GB/T 9704 asks no keep-with-next
# there, and chaining the items to what follows moved the whole list to the next page.
KEEP = "<w:keepLines/>"
NO_GRID = '<w:snapToGrid w:val="0"/>'  # big titles and 4号 lines keep their own pitch, not the 16 pt grid
FOOTER = 1429  # 25.2 mm: the middle of "— 1 —" (a 16 pt line) sits 7 mm below the text block

STAMP = (2024, 1, 1, 0, 0, 0)


def fonts(east: str, latin: str = LATIN) -> str:
    """rFonts with the East Asian face (w:eastAsia) and a Latin face for digits."""
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>'


def size(half_points: int) -> str:
    """w:sz and w:szCs."""
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def spacing(before: int = 0, after: int = 0, line: int | None = LINE) -> str:
    """Spacing with an exact line height (or single spacing when line is None)."""
    rule = f' w:line="{line}" w:lineRule="exact"' if line else ' w:line="240" w:lineRule="auto"'
    return f'<w:spacing w:before="{before}" w:after="{after}"{rule}/>'


def style(sid: str, name: str, ppr: str = "", rpr: str = "", kind: str = "paragraph",
          based: str | None = "Normal") -> str:
    """One w:style; every style names its East Asian face in its rPr."""
    based_xml = f'<w:basedOn w:val="{based}"/>' if based else ""
    next_xml = f'<w:next w:val="{sid}"/>' if kind == "paragraph" else ""
    ppr_xml = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    return (f'<w:style w:type="{kind}" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
            f'{based_xml}{next_xml}<w:qFormat/>{ppr_xml}<w:rPr>{rpr}</w:rPr></w:style>')


def border(edge: str, sz: int, color: str = "000000", space: int = 0) -> str:
    """One border edge."""
    return f'<w:{edge} w:val="single" w:sz="{sz}" w:space="{space}" w:color="{color}"/>'


def styles_xml() -> str:
    """styles.xml: docDefaults and the 公文 styles."""
    defaults = (f'<w:docDefaults><w:rPrDefault><w:rPr>{fonts(FANGSONG)}<w:kern w:val="2"/>{size(32)}'
                '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
                '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:spacing w:after="0" w:line="240" '
                'w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>')
    body = fonts(FANGSONG) + size(32)
    text = fonts(FANGSONG) + f'<w:spacing w:val="-{CONDENSE}"/>' + size(32)  # 28 a line (see CONDENSE)
    s = [
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr><w:rPr>{body}</w:rPr></w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr></w:style>',
        style("GwMark", "公文-发文机关标志", NO_GRID + spacing(1945, 0, 1060) + '<w:jc w:val="center"/>',
              fonts(XIAOBIAOSONG) + f'<w:color w:val="{RED}"/>' + size(96)),
        style("GwDocNumber", "公文-发文字号",
              f'<w:pBdr>{border("bottom", 12, RED, 4)}</w:pBdr>' + spacing(2 * LINE) + '<w:jc w:val="center"/>',
              text),
        style("GwTitle", "公文-标题", NO_GRID + spacing(2 * LINE, LINE, 700) + '<w:jc w:val="center"/>',
              fonts(XIAOBIAOSONG) + size(44)),
        style("GwAddressee", "公文-主送机关", spacing() + '<w:jc w:val="left"/>', text),
        style("GwBody", "公文-正文", spacing() + '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
              '<w:jc w:val="both"/>', text),
        style("GwAttachFirst", "公文-附件说明首项",
              KEEP + spacing(LINE) + f'<w:ind w:left="{2 * CHAR + 4 * CHAR}" w:hanging="{4 * CHAR}"/>', text),
        style("GwAttachItem", "公文-附件说明",
              KEEP + spacing() + f'<w:ind w:left="{2 * CHAR + 4 * CHAR}" w:hanging="{CHAR}"/>', text),
        style("GwAttachSub", "公文-附件说明子项",
              KEEP + spacing() + f'<w:ind w:left="{2 * CHAR + 5 * CHAR}" w:hanging="{2 * CHAR}"/>', text),
        style("GwSignature", "公文-落款", spacing() + '<w:jc w:val="right"/>', text),
        style("GwNote", "公文-附注", spacing() + f'<w:ind w:firstLine="{2 * CHAR}"/>', text),
        style("GwDisclosure", "公文-信息公开选项", spacing() + '<w:jc w:val="left"/>', text),
        style("GwImprintCc", "公文-版记抄送",
              NO_GRID + spacing(0, 0, 560) + f'<w:ind w:left="{4 * CHAR4}" w:right="{CHAR4}" w:hanging="{3 * CHAR4}"/>',
              fonts(FANGSONG) + size(28)),
        style("GwImprintLeft", "公文-版记印发机关",
              NO_GRID + spacing(0, 0, 560) + f'<w:ind w:left="{CHAR4}"/><w:jc w:val="left"/>', fonts(FANGSONG) + size(28)),
        style("GwImprintRight", "公文-版记印发日期",
              NO_GRID + spacing(0, 0, 560) + f'<w:ind w:right="{CHAR4}"/><w:jc w:val="right"/>',
              fonts(FANGSONG) + size(28)),
        style("GwTag", "模板标记（生成时删除）", NO_GRID + spacing(0, 0, None), fonts(FANGSONG) + '<w:color w:val="808080"/>'
              + size(18)),
        style("GwSpacer", "公文-占位", NO_GRID + spacing(0, 0, 20), size(2)),
        style("GwPageOdd", "公文-页码（单页）", NO_GRID + spacing(0, 0, 320)
              + f'<w:ind w:right="{CHAR4}"/><w:jc w:val="right"/>', fonts(SONGTI, SONGTI) + size(28)),
        style("GwPageEven", "公文-页码（双页）", NO_GRID + spacing(0, 0, 320)
              + f'<w:ind w:left="{CHAR4}"/><w:jc w:val="left"/>', fonts(SONGTI, SONGTI) + size(28)),
        style("GwAttachLabel", "公文-附件标识", spacing() + '<w:jc w:val="left"/>', fonts(HEITI) + size(32)),
        style("GwAttachTitle", "公文-附件标题", NO_GRID + spacing(LINE, LINE // 2, 700) + '<w:jc w:val="center"/>',
              fonts(XIAOBIAOSONG) + size(44)),
        style("GwFormText", "公文-表单文字", NO_GRID + spacing(120, 120, None)
              + '<w:jc w:val="left"/>', fonts(FANGSONG) + size(28)),
        style("GwFormNote", "公文-表单说明", NO_GRID + spacing(0, 0, None)
              + '<w:jc w:val="both"/>', fonts(FANGSONG) + size(24)),
        style("GwHeading1", "公文-一级标题", rpr=fonts(HEITI), kind="character", based="DefaultParagraphFont"),
        style("GwHeading2", "公文-二级标题", rpr=fonts(KAITI), kind="character", based="DefaultParagraphFont"),
        style("GwHeading3", "公文-三四级标题", rpr=fonts(FANGSONG), kind="character", based="DefaultParagraphFont"),
    ]
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W_NS}">'
            + defaults + "".join(s + table_styles()) + "</w:styles>")


def table_style() -> str:
    """表格: the borders of every generated table (copied into each; widths, cell margins and vertical
    alignment are set per table by the code)."""
    return (f'<w:style w:type="table" w:customStyle="1" w:styleId="{ooxml.TABLE}"><w:name w:val="表格"/>'
            f'<w:basedOn w:val="TableNormal"/><w:qFormat/><w:tblPr>{ooxml.BORDERS}</w:tblPr></w:style>')


def table_styles() -> list[str]:
    """The table style and the paragraph styles of table cells, unit lines and target-table titles."""
    centre, left, right, both = (f'<w:jc w:val="{a}"/>' for a in ("center", "left", "right", "both"))
    cell = NO_GRID + spacing(0, 0, None) + '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
    hei, song = fonts(HEITI, HEITI), fonts(SONGTI, SONGTI)
    o = ooxml
    return [
        table_style(),
        style(o.CELL, "表格-文字", cell + centre, fonts(FANGSONG, FANGSONG) + size(21)),
        style(o.CELL_LEFT, "表格-文字左对齐", left, based=o.CELL),
        style(o.CELL_JUSTIFY, "表格-文字两端对齐", both, based=o.CELL),
        style(o.CELL_HEAD, "表格-表头", rpr=hei, based=o.CELL),
        style(o.CELL_TOTAL, "表格-合计", rpr=hei, based=o.CELL),
        style(o.CELL_TOTAL_LEFT, "表格-合计左对齐", left, hei, based=o.CELL),
        style(o.CELL_TOTAL_FIGURE, "表格-合计金额", right, hei, based=o.CELL),
        style(o.CELL_FIGURE, "表格-金额", right, song, based=o.CELL),
        style(o.CELL_CODE, "表格-编码", rpr=song, based=o.CELL),
        style(o.FORM_CELL, "表单-文字", rpr=fonts(FANGSONG) + size(28), based=o.CELL),
        style(o.FORM_CELL_LEFT, "表单-文字左对齐", left, based=o.FORM_CELL),
        style(o.FORM_HEAD, "表单-表头", rpr=fonts(HEITI), based=o.FORM_CELL),
        style(o.TABLE_UNIT, "表格-单位行", "<w:keepNext/>" + NO_GRID + spacing(0, 0, None) + right,
              fonts(FANGSONG) + size(21)),
        style(o.TARGET_TITLE, "绩效目标表-标题", "<w:keepNext/>" + NO_GRID + spacing(0, 120, None) + centre,
              fonts(XIAOBIAOSONG) + size(36)),
        style(o.TARGET_SUBTITLE, "绩效目标表-副标题", "<w:keepNext/>" + NO_GRID + spacing(0, 120, None) + centre,
              fonts(FANGSONG) + size(32)),
    ]


def section_xml() -> str:
    """The final section: A4 portrait, GB/T 9704 margins, odd/even page-number footers, a grid of 22 lines.

    It is continuous so that, after inline attachments, the 版记 can share the last attachment's page.
    """
    m = MARGINS
    return ('<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
            '<w:footerReference w:type="even" r:id="rIdFooterEven"/><w:type w:val="continuous"/>'
            f'<w:pgSz w:w="{A4_W}" w:h="{A4_H}"/>'
            f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" w:left="{m["left"]}" '
            f'w:header="851" w:footer="{FOOTER}" w:gutter="0"/><w:cols w:space="425"/>'
            f'<w:docGrid w:type="lines" w:linePitch="{LINE}"/></w:sectPr>')


def t(text: str) -> str:
    """A run of plain text (docxtpl tags included as typed)."""
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def rs(text: str, rstyle: str) -> str:
    """A run in a character style."""
    return f'<w:r><w:rPr><w:rStyle w:val="{rstyle}"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def p(pstyle: str, *runs: str) -> str:
    """A paragraph in a paragraph style."""
    return f'<w:p><w:pPr><w:pStyle w:val="{pstyle}"/></w:pPr>{"".join(runs)}</w:p>'


def p_keep(pstyle: str, *runs: str) -> str:
    """A paragraph in a paragraph style that keeps with the next one."""
    return f'<w:p><w:pPr><w:pStyle w:val="{pstyle}"/><w:keepNext/></w:pPr>{"".join(runs)}</w:p>'


def tag(text: str) -> str:
    """A paragraph that holds only a docxtpl paragraph or row tag (removed when rendering)."""
    return p("GwTag", t(text))


TAB = "<w:r><w:tab/></w:r>"
BR = "<w:r><w:br/></w:r>"


def title_runs(lines: str) -> list[str]:
    """Runs printing a list of title lines with a line break between them."""
    return [t(f"{{%r for line in {lines} %}}"), t("{{ line }}"), t("{%r if not loop.last %}"), BR, t("{%r endif %}"),
            t("{%r endfor %}")]


def imprint_cell(width: int, content: str, span: int = 1, edges: str = "") -> str:
    """A 版记 table cell; `edges` overrides its borders (the rules are table and cell borders)."""
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    edge = f"<w:tcBorders>{edges}</w:tcBorders>" if edges else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span_xml}{edge}<w:vAlign w:val="center"/>'
            f"</w:tcPr>{content}</w:tc>")


def imprint_table() -> str:
    """版记: floats to the bottom of the last page; thick rules first and last, thin between (7.4.1).
    共印N份 follows the 印发 line as in the originals, under the last rule, so that the rule directly
    under 印发机关 and 印发日期 stays the last, thick one.

    Placed from the page's left edge: LibreOffice keeps a full-width table anchored to the margin in the
    text flow, but floats one anchored to the page."""
    half = TEXT_WIDTH // 2
    borders = f'<w:tblBorders><w:top w:val="nil"/>{border("bottom", THICK)}{border("insideH", THIN)}</w:tblBorders>'
    props = ('<w:tblPr><w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" '
             f'w:bottomFromText="0" w:vertAnchor="margin" w:horzAnchor="page" w:tblpX="{MARGINS["left"]}" '
             'w:tblpYSpec="bottom"/><w:tblOverlap w:val="never"/>'
             f'<w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:jc w:val="center"/>{borders}'
             '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
             '<w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>')
    grid = f'<w:tblGrid><w:gridCol w:w="{half}"/><w:gridCol w:w="{TEXT_WIDTH - half}"/></w:tblGrid>'
    thick_below = border("bottom", THICK)
    rows = [
        imprint_cell(TEXT_WIDTH, p("GwDisclosure", t("{{ disclosure_before_cc }}")), 2, thick_below),
        imprint_cell(TEXT_WIDTH, p("GwTag", t("{%tr if cc_text %}")), 2),
        imprint_cell(TEXT_WIDTH, p("GwImprintCc", t("抄送：{{ cc_text }}")), 2),
        imprint_cell(TEXT_WIDTH, p("GwTag", t("{%tr endif %}")), 2),
        imprint_cell(half, p("GwImprintLeft", t("{{ printer }}")), edges=thick_below)
        + imprint_cell(TEXT_WIDTH - half, p("GwImprintRight", t("{{ print_date }}印发")), edges=thick_below),
        imprint_cell(TEXT_WIDTH, p("GwTag", t("{%tr if copies %}")), 2),
        imprint_cell(TEXT_WIDTH, p("GwImprintRight", t("共印{{ copies }}份。")), 2,
                     border("top", THICK) + '<w:bottom w:val="nil"/>'),
        imprint_cell(TEXT_WIDTH, p("GwTag", t("{%tr endif %}")), 2),
    ]
    body = "".join(f'<w:tr><w:trPr><w:cantSplit/></w:trPr>{r}</w:tr>' for r in rows)
    return f"<w:tbl>{props}{grid}{body}</w:tbl>"


def notice_body() -> str:
    """The notice: every element in order, then inline attachments, then the 版记."""
    heading = (t("{%r if para.level == 1 %}") + rs("{{ para.heading }}", "GwHeading1")
               + t("{%r elif para.level == 2 %}") + rs("{{ para.heading }}", "GwHeading2")
               + t("{%r elif para.heading %}") + rs("{{ para.heading }}", "GwHeading3") + t("{%r endif %}"))
    parts = [
        p("GwMark", t("{{r mark_runs }}")),
        p("GwDocNumber", t("{{ doc_number }}")),
        p("GwTitle", *title_runs("title_lines")),
        p("GwAddressee", t("{{ addressees }}")),
        tag("{%p for para in body %}"),
        p("GwBody", heading, t("{{ para.text }}")),
        tag("{%p endfor %}"),
        tag("{%p for item in attachment_list %}"),
        tag("{%p if loop.first %}"),
        p("GwAttachFirst", t("附件：{{ item.number }}."), TAB, t("{{ item.title }}")),
        # The last item keeps with the 落款 after it: GB/T 9704 7.3.5 lets no 落款 stand alone on a page.
        tag("{%p elif item.sub and loop.last and signature_block %}"),
        p_keep("GwAttachSub", t("{{ item.number }}."), TAB, t("{{ item.title }}")),
        tag("{%p elif item.sub %}"),
        p("GwAttachSub", t("{{ item.number }}."), TAB, t("{{ item.title }}")),
        tag("{%p elif loop.last and signature_block %}"),
        p_keep("GwAttachItem", t("{{ item.number }}."), TAB, t("{{ item.title }}")),
        tag("{%p else %}"),
        p("GwAttachItem", t("{{ item.number }}."), TAB, t("{{ item.title }}")),
        tag("{%p endif %}"),
        tag("{%p endfor %}"),
        tag("{{p signature_block }}"),
        tag("{%p if disclosure_after_date %}"),
        p("GwNote", t("{{ disclosure_after_date }}")),
        tag("{%p endif %}"),
        tag("{%p for att in attachments %}"),
        tag("{{p att.opening }}"),
        p("GwAttachLabel", t("附件{{ att.number }}")),
        tag("{%p if att.show_title %}"),
        p("GwAttachTitle", *title_runs("att.title_lines")),
        tag("{%p endif %}"),
        tag("{{p att.content }}"),
        tag("{%p endfor %}"),
        tag("{{p closing }}"),
        p("GwSpacer"),
        imprint_table(),
        p("GwSpacer"),
    ]
    return "".join(parts)


def attachment_body() -> str:
    """An attachment printed on its own: 发文字号 and 附件N top left (GB/T 9704 7.3.7), title, content."""
    return "".join([
        p("GwAttachLabel", t("{{ doc_number }}附件{{ number }}")),
        tag("{%p if show_title %}"),
        p("GwAttachTitle", *title_runs("title_lines")),
        tag("{%p endif %}"),
        tag("{{p content }}"),
    ])


def document_xml(body: str) -> str:
    """document.xml around a body, ending with the final section."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}" '
            f'xmlns:r="{R_NS}"><w:body>{body}{section_xml()}</w:body></w:document>')


def footer_xml(pstyle: str) -> str:
    """A footer with the page number as "— N —"."""
    runs = t("— ") + ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
                      'PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                      '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>') + t(" —")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W_NS}" '
            f'xmlns:r="{R_NS}">{p(pstyle, runs)}</w:ftr>')


def settings_xml() -> str:
    """settings.xml: different odd and even footers, Chinese punctuation not compressed."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings xmlns:w="{W_NS}">'
            '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>'
            '<w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>')


def font_table_xml() -> str:
    """fontTable.xml: the official faces, with the names Windows ships as alternates."""
    faces = [(FANGSONG, "仿宋"), (XIAOBIAOSONG, "华文中宋"), (HEITI, "SimHei"), (KAITI, "楷体"), (SONGTI, "SimSun")]
    items = "".join(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                    '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>' for name, alt in faces)
    items += (f'<w:font w:name="{LATIN}"><w:charset w:val="00"/><w:family w:val="roman"/>'
              '<w:pitch w:val="variable"/></w:font>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{W_NS}">'
            f"{items}</w:fonts>")


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '</Types>')

PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/></Relationships>')

DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + "".join(f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              f'relationships/{kind}" Target="{target}"/>'
              for rid, kind, target in [("rIdStyles", "styles", "styles.xml"),
                                        ("rIdSettings", "settings", "settings.xml"),
                                        ("rIdFonts", "fontTable", "fontTable.xml"),
                                        ("rIdFooterOdd", "footer", "footer1.xml"),
                                        ("rIdFooterEven", "footer", "footer2.xml")])
    + "</Relationships>")

CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>资金下达文件</dc:title>'
    '<dc:creator>资金下达文件生成器</dc:creator></cp:coreProperties>')


def package_parts(body: str) -> dict[str, str]:
    """Every part of one template package."""
    return {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "docProps/core.xml": CORE,
        "word/document.xml": document_xml(body),
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/styles.xml": styles_xml(),
        "word/settings.xml": settings_xml(),
        "word/fontTable.xml": font_table_xml(),
        "word/footer1.xml": footer_xml("GwPageOdd"),
        "word/footer2.xml": footer_xml("GwPageEven"),
    }


def write_package(path: Path, parts: dict[str, str]) -> None:
    """Write a .docx with fixed timestamps, so regenerating an unchanged template changes no bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, STAMP), text.encode("utf-8"), zipfile.ZIP_DEFLATED)


def main() -> None:
    """Write both templates beside this script."""
    write_package(HERE / "notice.docx", package_parts(notice_body()))
    write_package(HERE / "attachment.docx", package_parts(attachment_body()))
    print(f"已生成 {HERE / 'notice.docx'} 和 {HERE / 'attachment.docx'}")


if __name__ == "__main__":
    main()
