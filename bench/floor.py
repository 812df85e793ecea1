"""The floor: the same documents as the reference, written as XML strings and zipped, no library between.

This is about as fast as Python can produce the document set: f-strings, list appends, one join per
part, zipfile. It carries the same text, merges, fonts and formulas as the reference (plus cached
formula values in the workbooks), with the smallest valid package around them.
"""

from __future__ import annotations

import io
import zipfile

from bench.plain import Cell, DocSet, Table, Target, TargetDoc
from bench.reference_docxtpl.render import sheet_names
from generator.money import excel_number_format, format_cell

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
FANG, XBS, HEI = "仿宋_GB2312", "方正小标宋简体", "黑体"


def esc(text: str) -> str:
    """XML-escape text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rpr(font: str, size: int, color: str = "") -> str:
    """Run properties (East Asian font set explicitly); size in half-points."""
    col = f'<w:color w:val="{color}"/>' if color else ""
    return (f'<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{font}"/>'
            f'{col}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>')


def p(text: str, props: str, jc: str = "", indent: bool = False) -> str:
    """A one-run paragraph."""
    ppr = ""
    if jc or indent:
        ppr = "<w:pPr>" + ('<w:ind w:firstLine="640"/>' if indent else "") + (
            f'<w:jc w:val="{jc}"/>' if jc else "") + "</w:pPr>"
    return f'<w:p>{ppr}<w:r>{props}<w:t xml:space="preserve">{esc(text)}</w:t></w:r></w:p>'


R_BODY, R_HEAD, R_MARK = rpr(FANG, 32), rpr(HEI, 32), rpr(XBS, 72, "FF0000")
R_TITLE, R_TITLE18, R_SMALL = rpr(XBS, 44), rpr(XBS, 36), rpr(FANG, 28)
R_CELL9, R_CELL105, R_UNIT, R_FORM = rpr(FANG, 18), rpr(FANG, 21), rpr(FANG, 21), rpr(FANG, 24)
PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
TBL_PR = ('<w:tblPr><w:jc w:val="center"/><w:tblBorders>'
          + "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                    for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
          + '</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>')


def tc(text: str, width: int, props: str, span: int = 1, vmerge: str = "", jc: str = "center") -> str:
    """A table cell."""
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge:
        pr += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
    body = f'<w:r>{props}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>' if text else ""
    return f'<w:tc><w:tcPr>{pr}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:jc w:val="{jc}"/></w:pPr>{body}</w:p></w:tc>'


def twips(widths: list[float], total: int) -> list[int]:
    """Column widths in twips, proportional to weights."""
    whole = sum(widths)
    return [int(total * w / whole) for w in widths]


def header_rows(header: list[list[Cell]], widths: list[int], props: str, repeat: bool) -> list[str]:
    """Header rows with gridSpan and vMerge (a rowspan cell continues in the rows below)."""
    out, below = [], {}  # below: (row, col) → span of a vMerge continuation
    tr = "<w:tr><w:trPr><w:tblHeader/></w:trPr>" if repeat else "<w:tr>"
    for r, cells in enumerate(header):
        parts, c, queue = [tr], 0, list(cells)
        while queue or (r, c) in below:
            if (r, c) in below:
                span = below[(r, c)]
                parts.append(tc("", sum(widths[c:c + span]), props, span, "continue"))
                c += span
                continue
            cell = queue.pop(0)
            vm = "restart" if cell.rowspan > 1 else ""
            for k in range(1, cell.rowspan):
                below[(r + k, c)] = cell.span
            parts.append(tc(cell.text, sum(widths[c:c + cell.span]), props, cell.span, vm))
            c += cell.span
        parts.append("</w:tr>")
        out.append("".join(parts))
    return out


def table_xml(table: Table, total: int) -> str:
    """An allocation table."""
    widths = twips(table.widths, total)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = ["<w:tbl>", TBL_PR, f"<w:tblGrid>{grid}</w:tblGrid>"]
    out.extend(header_rows(table.header, widths, R_CELL9, True))
    formats, ntext, kinds = table.formats, len(table.text_columns), table.text_columns
    for row in table.rows:
        cells = ["<w:tr>"]
        for k, kind in enumerate(kinds):
            cells.append(tc(row.code if kind == "code" else row.label, widths[k], R_CELL9,
                            jc="center" if kind == "code" else "left"))
        sub = row.subtotal
        for j, value in enumerate(row.values):
            cells.append(tc(format_cell(value, formats[j], sub), widths[ntext + j], R_CELL9, jc="right"))
        cells.append("</w:tr>")
        out.append("".join(cells))
    out.append("</w:tbl>")
    return "".join(out)


def target_xml(t: Target) -> str:
    """A target table: header block, indicator header, indicator rows with vertical merges."""
    widths = twips(t.widths, 8844)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = ["<w:tbl>", TBL_PR, f"<w:tblGrid>{grid}</w:tblGrid>"]
    out.extend(header_rows(t.header, widths, R_CELL105, False))
    grid = t.grid
    head = [tc(text, widths[i], R_CELL105, vmerge="restart" if grid[i] == "label" else "")
            for i, text in enumerate(t.indicator_header)]
    out.append("<w:tr>" + "".join(head) + "</w:tr>")
    for ind in t.indicators:
        cells = ["<w:tr>"]
        for i, role in enumerate(grid):
            if role == "label":
                cells.append(tc("", widths[i], R_CELL105, vmerge="continue"))
            elif role in ("l1", "l2"):
                span = ind.l1_span if role == "l1" else ind.l2_span
                cells.append(tc(ind.cells[i], widths[i], R_CELL105, vmerge="restart" if span else "continue"))
            else:
                cells.append(tc(ind.cells[i], widths[i], R_CELL105, jc="left" if role == "name" else "center"))
        cells.append("</w:tr>")
        out.append("".join(cells))
    out.append("</w:tbl>")
    return "".join(out)


def sect(landscape: bool) -> str:
    """Section properties: A4, GB/T 9704 margins, page-number footer."""
    size = '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' if landscape else \
        '<w:pgSz w:w="11906" w:h="16838"/>'
    mar = ('<w:pgMar w:top="1588" w:right="1984" w:bottom="1474" w:left="2098" w:header="851" w:footer="992"/>'
           if landscape else
           '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992"/>')
    return f'<w:sectPr><w:footerReference w:type="default" r:id="rIdF"/>{size}{mar}</w:sectPr>'


def notice_body(ds: DocSet) -> str:
    """The notice's paragraphs."""
    n = ds.notice
    out = [p(n.mark, R_MARK, "center"), p(n.doc_number, R_BODY, "center")]
    out += [p(line, R_TITLE, "center") for line in n.title_lines]
    out.append(p(n.addressees, R_BODY))
    for heading, text, _ in n.body:
        out.append('<w:p><w:pPr><w:ind w:firstLine="640"/></w:pPr>'
                   f'<w:r>{R_HEAD}<w:t xml:space="preserve">{esc(heading or "")}</w:t></w:r>'
                   f'<w:r>{R_BODY}<w:t xml:space="preserve">{esc(text)}</w:t></w:r></w:p>')
    for i, (num, title) in enumerate(n.attachments):
        out.append(p(f"{'附件：' if i == 0 else '　　　'}{num}.{title}", R_BODY, indent=True))
    out += [p(line, R_BODY, "right") for line in (n.signature, n.sign_date) if line]
    out += [p(n.disclosure or "", R_BODY, indent=True), p(f"抄送：{n.cc}", R_SMALL),
            p(f"{n.printer}\t{n.print_date}", R_SMALL), p(n.copies or "", R_SMALL)]
    return "".join(out)


def targets_body(doc: TargetDoc) -> str:
    """附件N and its target tables, a page each."""
    out = [p(f"附件{doc.number}", R_HEAD)]
    for i, t in enumerate(doc.tables):
        if i:
            out.append(PAGE_BREAK)
        out += [p(t.title, R_TITLE18, "center"), p(t.subtitle, R_SMALL, "center"), target_xml(t)]
    return "".join(out)


def table_body(table: Table) -> str:
    """附件N, title, unit line, the table."""
    return (p(f"附件{table.number}", R_HEAD) + p(table.title, R_TITLE18, "center")
            + p(table.unit_line, R_UNIT, "right") + table_xml(table, 13406 if table.landscape else 8844))


def form_body(form) -> str:
    """A form (filing or feedback) or a letter."""
    out = [p(f"附件{form.number}", R_HEAD), p(form.title, R_TITLE18 if form.columns else R_TITLE, "center")]
    if form.columns:
        total = 13406 if len(form.columns) > 5 else 8844
        widths = [total // len(form.columns)] * len(form.columns)
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        rows = ["<w:tr>" + "".join(tc(c, w, R_FORM) for c, w in zip(form.columns, widths, strict=True)) + "</w:tr>"]
        for cells in form.rows:
            rows.append("<w:tr>" + "".join(tc(c, w, R_FORM, jc="left" if i == 1 else "center")
                                           for i, (c, w) in enumerate(zip(cells, widths, strict=True))) + "</w:tr>")
        above, below = form.lines
        out += [p(above, R_SMALL), f"<w:tbl>{TBL_PR}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>",
                p(below, R_SMALL)]
        out += [p(note, R_SMALL) for note in form.notes]
    out += [p(text, R_BODY, indent=True) for text in form.paragraphs]
    return "".join(out)


DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
              'wordprocessingml.document.main+xml"/>'
              '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
              'wordprocessingml.styles+xml"/>'
              '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
              'wordprocessingml.footer+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'officeDocument" Target="{target}"/></Relationships>')
DOC_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/>'
            '<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" '
            'Target="footer1.xml"/></Relationships>')
STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W_NS}><w:docDefaults><w:rPrDefault>'
          f'<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{FANG}"/>'
          '<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>'
          '<w:pPrDefault><w:pPr><w:spacing w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>'
          '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>')
FOOTER = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {W_NS}><w:p><w:pPr><w:jc w:val="center"/>'
          f'</w:pPr><w:r>{rpr("宋体", 28)}<w:t xml:space="preserve">— </w:t></w:r><w:fldSimple w:instr="PAGE"/>'
          f'<w:r>{rpr("宋体", 28)}<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>')


def docx(body: str, landscape: bool = False) -> bytes:
    """A .docx package around a body."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>{body}'
                f'{sect(landscape)}</w:body></w:document>')
    return _zip({"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": ROOT_RELS.format(target="word/document.xml"),
                 "word/_rels/document.xml.rels": DOC_RELS, "word/styles.xml": STYLES, "word/footer1.xml": FOOTER,
                 "word/document.xml": document})


def _zip(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def _name(number: str, title: str, ext: str) -> str:
    return f"附件{number} {title}.{ext}"


def render_docx(ds: DocSet) -> dict[str, bytes]:
    """The reference's .docx files, as strings."""
    files = {f"{ds.notice.doc_number}.docx": docx(notice_body(ds))}
    for table in ds.tables:
        files[_name(table.number, table.title, "docx")] = docx(table_body(table), table.landscape)
    for doc in ds.targets:
        files[_name(doc.number, doc.title, "docx")] = docx(targets_body(doc))
    for form in ds.forms:
        files[_name(form.number, form.title, "docx")] = docx(form_body(form), len(form.columns) > 5)
    return files


# --- workbooks ---------------------------------------------------------------------------------------

def col_letter(i: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while i:
        i, rem = divmod(i - 1, 26)
        out = chr(65 + rem) + out
    return out


LETTERS = [""] + [col_letter(i) for i in range(1, 200)]
XF_HEAD, XF_TEXT, XF_NUM, XF_TITLE, XF_RIGHT = 1, 2, 3, 4, 5


def xstyles(number_formats: list[str]) -> str:
    """Fonts, a thin box border, six fixed cell formats, then one per number format (ids 6, 7, …)."""
    fmts = "".join(f'<numFmt numFmtId="{164 + k}" formatCode="{esc(f)}"/>' for k, f in enumerate(number_formats))
    xfs = "".join(f'<xf numFmtId="{164 + k}" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1"/>'
                  for k in range(len(number_formats)))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + (f'<numFmts count="{len(number_formats)}">{fmts}</numFmts>' if number_formats else "") +
            f'<fonts count="3"><font><sz val="10"/><name val="{FANG}"/></font><font><sz val="10"/><name val="{HEI}"/>'
            f'</font><font><sz val="16"/><name val="{XBS}"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            '</fill></fills><borders count="2"><border/><border><left style="thin"/><right style="thin"/>'
            '<top style="thin"/><bottom style="thin"/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{6 + len(number_formats)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyAlignment="1"><alignment '
            'horizontal="center" vertical="center" wrapText="1"/></xf>'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0"/>'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0"/>'
            '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment '
            'horizontal="center" vertical="center"/></xf>'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment '
            f'horizontal="right"/></xf>{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def s(ref: str, text: str, xf: int) -> str:
    """An inline-string cell."""
    return f'<c r="{ref}" s="{xf}" t="inlineStr"><is><t>{esc(text)}</t></is></c>'


def xheader(header: list[list[Cell]], top: int, xf: int, merges: list[str]) -> list[str]:
    """Header rows: each cell at its grid position, merged areas recorded."""
    rows, taken = [], set()
    for r, cells in enumerate(header):
        row, c, parts = top + r, 0, []
        for cell in cells:
            while (r, c) in taken:
                c += 1
            ref = f"{LETTERS[c + 1]}{row}"
            parts.append(f'<c r="{ref}" s="{xf}"><v>{cell.number}</v></c>' if cell.number is not None
                         else s(ref, cell.text, xf))
            if cell.span > 1 or cell.rowspan > 1:
                merges.append(f"{LETTERS[c + 1]}{row}:{LETTERS[c + cell.span]}{row + cell.rowspan - 1}")
            for dr in range(cell.rowspan):
                for dc in range(cell.span):
                    taken.add((r + dr, c + dc))
            c += cell.span
        rows.append(f'<row r="{row}">{"".join(parts)}</row>')
    return rows


def sheet(rows: list[str], merges: list[str], cols: str = "", pane: str = "") -> str:
    """A worksheet part."""
    merged = f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + \
        "</mergeCells>" if merges else ""
    views = f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'{views}{cols}<sheetData>{"".join(rows)}</sheetData>{merged}</worksheet>')


def table_sheet(table: Table, distinct: list[str]) -> str:
    """Title, unit line, merged header, values, SUM and leaf formulas with cached values."""
    ntext, nmoney = len(table.text_columns), table.money_count
    last = LETTERS[ntext + nmoney]
    merges = [f"A2:{last}2"]
    rows = [f'<row r="1">{s("A1", f"附件{table.number}", XF_HEAD)}</row>',
            f'<row r="2">{s("A2", table.title, XF_TITLE)}</row>',
            f'<row r="3">{s(f"{last}3", table.unit_line, XF_RIGHT)}</row>']
    rows += xheader(table.header, 4, XF_HEAD, merges)
    first = 4 + len(table.header)
    money_letters = [LETTERS[ntext + j + 1] for j in range(nmoney)]
    xf = [6 + distinct.index(excel_number_format(f)) for f in table.formats]
    for i, row in enumerate(table.rows):
        r = first + i
        parts = [f'<row r="{r}">']
        for k, kind in enumerate(table.text_columns):
            parts.append(s(f"{LETTERS[k + 1]}{r}", row.code if kind == "code" else row.label, XF_TEXT))
        for j, value in enumerate(row.values):
            ref = f"{money_letters[j]}{r}"
            if row.sum_rows:
                refs = ",".join(f"{money_letters[j]}{first + x}" for x in row.sum_rows)
                parts.append(f'<c r="{ref}" s="{xf[j]}"><f>SUM({refs})</f><v>{value}</v></c>')
            elif row.terms[j]:
                expr = "".join(f"{'+' if sg > 0 else '-'}{money_letters[c]}{r}" for sg, c in row.terms[j]).lstrip("+")
                parts.append(f'<c r="{ref}" s="{xf[j]}"><f>{expr}</f><v>{value}</v></c>')
            else:
                parts.append(f'<c r="{ref}" s="{xf[j]}"><v>{value}</v></c>')
        parts.append("</row>")
        rows.append("".join(parts))
    cols = "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w * 1.6:.2f}" customWidth="1"/>'
                              for i, w in enumerate(table.widths, 1)) + "</cols>"
    top_left = f"{LETTERS[ntext + 1]}{first}"
    pane = (f'<pane xSplit="{ntext}" ySplit="{first - 1}" topLeftCell="{top_left}" activePane="bottomRight" '
            'state="frozen"/>')
    return sheet(rows, merges, cols, pane)


def target_rows(t: Target, r: int, rows: list[str], merges: list[str]) -> int:
    """One target table from row r; returns the row after it."""
    last = LETTERS[t.columns]
    rows.append(f'<row r="{r}">{s(f"A{r}", t.title, XF_TITLE)}</row>')
    rows.append(f'<row r="{r + 1}">{s(f"A{r + 1}", t.subtitle, XF_TEXT)}</row>')
    merges += [f"A{r}:{last}{r}", f"A{r + 1}:{last}{r + 1}"]
    rows += xheader(t.header, r + 2, XF_TEXT, merges)
    ih = r + 2 + len(t.header)
    rows.append(f'<row r="{ih}">' + "".join(s(f"{LETTERS[i]}{ih}", text, XF_HEAD)
                                            for i, text in enumerate(t.indicator_header, 1)) + "</row>")
    grid = t.grid
    if "label" in grid:
        col = LETTERS[grid.index("label") + 1]
        merges.append(f"{col}{ih}:{col}{ih + len(t.indicators)}")
    for i, ind in enumerate(t.indicators):
        row = ih + 1 + i
        parts = [f'<row r="{row}">']
        for c, role in enumerate(grid):
            ref = f"{LETTERS[c + 1]}{row}"
            if role == "label":
                continue
            if role in ("l1", "l2"):
                span = ind.l1_span if role == "l1" else ind.l2_span
                if not span:
                    continue
                if span > 1:
                    merges.append(f"{ref}:{LETTERS[c + 1]}{row + span - 1}")
            if role == "weight" and ind.weight is not None:
                parts.append(f'<c r="{ref}" s="{XF_TEXT}"><v>{ind.weight}</v></c>')
            else:
                parts.append(s(ref, ind.cells[c], XF_TEXT))
        parts.append("</row>")
        rows.append("".join(parts))
    return ih + len(t.indicators) + 1


def target_sheets(doc: TargetDoc) -> list[tuple[str, str]]:
    """A sheet per table (per_page, named by unit as the reference) or all tables on one sheet."""
    if doc.per_page:
        out = []
        for t, name in zip(doc.tables, sheet_names(doc.tables), strict=True):
            rows, merges = [], []
            target_rows(t, 1, rows, merges)
            out.append((name, sheet(rows, merges)))
        return out
    rows, merges, r = [], [], 1
    for t in doc.tables:
        r = target_rows(t, r, rows, merges) + 2
    return [(f"附件{doc.number}", sheet(rows, merges))]


XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def xlsx(sheets: list[tuple[str, str]], number_formats: list[str] | None = None) -> bytes:
    """A workbook package around named sheets."""
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_MAIN}.sheet.main+xml"/>'
             f'<Override PartName="/xl/styles.xml" ContentType="{XLSX_MAIN}.styles+xml"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{XLSX_MAIN}.worksheet+xml"/>'
                       for i in range(1, len(sheets) + 1)) + "</Types>")
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    wb_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                         for i in range(1, len(sheets) + 1))
               + f'<Relationship Id="rIdS" Type="{rel}/styles" Target="styles.xml"/></Relationships>')
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{rel}">'
                '<sheets>' + "".join(f'<sheet name="{esc(name)}" sheetId="{i}" r:id="rId{i}"/>'
                                     for i, (name, _) in enumerate(sheets, 1))
                + '</sheets><calcPr fullCalcOnLoad="1"/></workbook>')
    parts = {"[Content_Types].xml": types, "_rels/.rels": ROOT_RELS.format(target="xl/workbook.xml"),
             "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": wb_rels, "xl/styles.xml": xstyles(number_formats or [])}
    for i, (_, xml) in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    return _zip(parts)


def render_xlsx(ds: DocSet) -> dict[str, bytes]:
    """The reference's workbooks, as strings."""
    files = {}
    for table in ds.tables:
        distinct = list(dict.fromkeys(excel_number_format(f) for f in table.formats))
        files[_name(table.number, table.title, "xlsx")] = xlsx([(f"附件{table.number}", table_sheet(table, distinct))],
                                                               distinct)
    for doc in ds.targets:
        files[_name(doc.number, doc.title, "xlsx")] = xlsx(target_sheets(doc))
    for form in ds.forms:
        if form.kind == "feedback_form":
            files[_name(form.number, form.title, "xlsx")] = xlsx([(f"附件{form.number}", feedback_sheet(form))])
    return files


def feedback_sheet(form) -> str:
    """跟踪反馈表 with the reference's formulas (cached values: the form is blank, so 0 or empty)."""
    from bench.reference_docxtpl.render import feedback_formulas

    n = len(form.columns)
    left, unit = form.lines[0].split("\t")
    rows = [f'<row r="1">{s("A1", f"附件{form.number}", XF_HEAD)}</row>',
            f'<row r="2">{s("A2", form.title, XF_TITLE)}</row>',
            f'<row r="3">{s("A3", left, XF_TEXT)}{s(f"{LETTERS[n]}3", unit, XF_RIGHT)}</row>',
            '<row r="4">' + "".join(s(f"{LETTERS[c]}4", t, XF_HEAD) for c, t in enumerate(form.columns, 1)) + "</row>"]
    first, last = 6, 4 + len(form.rows)
    for i, cells in enumerate(form.rows):
        r = 5 + i
        parts = [f'<row r="{r}">', s(f"A{r}", cells[0], XF_TEXT) if i == 0 else f'<c r="A{r}" s="{XF_TEXT}"><v>{cells[0]}</v></c>']
        for c, formula in feedback_formulas(r, first, last, i == 0).items():
            parts.append(f'<c r="{LETTERS[c]}{r}" s="{XF_TEXT}"><f>{esc(formula[1:])}</f></c>')
        parts.append("</row>")
        rows.append("".join(parts))
    rows += [f'<row r="{last + 1 + k}">{s(f"A{last + 1 + k}", note, XF_TEXT)}</row>' for k, note in enumerate(form.notes)]
    return sheet(rows, [f"A2:{LETTERS[n]}2"])
