"""Build the reference's docxtpl templates with python-docx: one template per document.

What a competent team writes first: a notice template, one allocation-table template per table
shape (its header rows drawn once with merged cells, its body a `{%tr for %}` loop), one template
per target-table attachment (a `{%p for %}` loop around the table; the 一级/二级 vertical merges
written as Jinja in the cell's vMerge attribute) and one each for the filing form and the letter.

    python bench/reference_docxtpl/build_templates.py [SPEC ...]

Templates go to bench/reference_docxtpl/templates/; the shapes come from the specs given (default:
every specs/examples/*.yaml, tests/data/mini.yaml, and a small synthetic batch).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.plain import Cell, DocSet, Table, Target, plain_docset  # noqa: E402

TEMPLATES = Path(__file__).resolve().parent / "templates"
FANGSONG, XBS, HEITI, KAITI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"
CENTER, RIGHT, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT


def table_signature(table: Table) -> str:
    """The shape of an allocation table: orientation, columns, header spans (not its texts)."""
    spans = "|".join(",".join(f"{c.span}x{c.rowspan}" for c in row) for row in table.header)
    raw = f"{table.landscape}:{'+'.join(table.text_columns)}:{table.money_count}:{spans}"
    return f"alloc-{len(table.text_columns) + table.money_count}c-{hashlib.sha1(raw.encode()).hexdigest()[:8]}"


def targets_signature(layouts: list[str]) -> str:
    """Template name for a target-table attachment holding these layouts."""
    return "targets-" + "+".join(layouts)


# --- python-docx helpers -------------------------------------------------------------------------

def new_document(landscape: bool = False) -> Document:
    """A4, GB/T 9704 margins, 仿宋 as the East Asian default, page number footer."""
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
        sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(28), Mm(26), Mm(37), Mm(35)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.font.name = "Times New Roman"
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), FANGSONG)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(0)
    footer = sec.footer.paragraphs[0]
    footer.alignment = CENTER
    _run(footer, "— ", SONG := "宋体", 14)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    footer._p.append(fld)
    _run(footer, " —", SONG, 14)
    return doc


def _run(paragraph, text: str, font: str = FANGSONG, size: float = 16, bold: bool = False, color=None):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.name = "Times New Roman"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if color:
        from docx.shared import RGBColor

        run.font.color.rgb = RGBColor.from_string(color)
    return run


def para(doc, text: str, font: str = FANGSONG, size: float = 16, align=None, bold=False, color=None,
         indent: bool = False):
    """One paragraph with one run (Jinja tags must stay inside one run)."""
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _run(p, text, font, size, bold, color)
    return p


def tag(doc, text: str):
    """A paragraph holding only a docxtpl control tag ({%p … %})."""
    return doc.add_paragraph(text)


def _cell_text(cell, text: str, size: float = 9, font: str = FANGSONG, align=CENTER) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    _run(p, text, font, size)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))


def _vmerge(cell, value: str | None) -> None:
    """Set a cell's vMerge (value may hold Jinja; docxtpl renders attributes too)."""
    tcpr = cell._tc.get_or_add_tcPr()
    vm = OxmlElement("w:vMerge")
    if value is not None:
        vm.set(qn("w:val"), value)
    tcpr.append(vm)


def draw_header(table, header: list[list[Cell]], name: str, size: float = 9) -> None:
    """Header cells at their grid positions, merged; text is `{{ name[r][k] }}`."""
    taken: set[tuple[int, int]] = set()
    for r, cells in enumerate(header):
        c = 0
        for k, cell in enumerate(cells):
            while (r, c) in taken:
                c += 1
            first = table.cell(r, c)
            merged = first.merge(table.cell(r + cell.rowspan - 1, c + cell.span - 1)) if (
                cell.span > 1 or cell.rowspan > 1) else first
            _cell_text(merged, f"{{{{ {name}[{r}][{k}] }}}}", size)
            for dr in range(cell.rowspan):
                for dc in range(cell.span):
                    taken.add((r + dr, c + dc))
            c += cell.span


def _widths(table, widths: list[float], total_mm: float) -> None:
    whole = sum(widths)
    for i, w in enumerate(widths):
        for cell in table.columns[i].cells:
            cell.width = Mm(total_mm * w / whole)


# --- the templates ------------------------------------------------------------------------------

def build_notice() -> Document:
    """发文机关标志, 发文字号, title lines, 主送, body, 附件 list, 公开选项, 抄送, 印发."""
    doc = new_document()
    para(doc, "{{ n.mark }}", XBS, 36, CENTER, color="FF0000")
    para(doc, "{{ n.doc_number }}", FANGSONG, 16, CENTER)
    tag(doc, "{%p for line in n.title_lines %}")
    para(doc, "{{ line }}", XBS, 22, CENTER)
    tag(doc, "{%p endfor %}")
    para(doc, "{{ n.addressees }}")
    tag(doc, "{%p for b in body %}")
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    _run(p, "{{ b.heading }}", HEITI)
    _run(p, "{{ b.text }}", FANGSONG)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for num, title in n.attachments %}")
    para(doc, "{{ '附件：' if loop.first else '　　　' }}{{ num }}.{{ title }}", indent=True)
    tag(doc, "{%p endfor %}")
    para(doc, "{{ n.signature or '' }}", align=RIGHT)
    para(doc, "{{ n.sign_date or '' }}", align=RIGHT)
    para(doc, "{{ n.disclosure or '' }}", indent=True)
    para(doc, "抄送：{{ n.cc }}", size=14)
    p = doc.add_paragraph()
    _run(p, "{{ n.printer }}", size=14)
    _run(p, "\t{{ n.print_date }}", size=14)
    para(doc, "{{ n.copies or '' }}", size=14)
    return doc


def build_alloc(table: Table) -> Document:
    """附件N, title, 单位 line, the table: literal merged header rows, then one `{%tr for %}` body row."""
    doc = new_document(table.landscape)
    para(doc, "附件{{ number }}", HEITI, 16)
    para(doc, "{{ title }}", XBS, 18, CENTER)
    para(doc, "{{ unit_line }}", FANGSONG, 10.5, RIGHT)
    ncols = len(table.text_columns) + table.money_count
    t = doc.add_table(rows=len(table.header) + 3, cols=ncols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    draw_header(t, table.header, "h")
    for r in range(len(table.header)):
        _repeat_header(t.rows[r])
    body = len(table.header)
    _cell_text(t.cell(body, 0), "{%tr for row in rows %}")
    cells = t.rows[body + 1].cells
    for i, kind in enumerate(table.text_columns):
        field = "row.code" if kind == "code" else "row.label"
        _cell_text(cells[i], f"{{{{ {field} }}}}", align=LEFT if kind == "unit" else CENTER)
    for j in range(table.money_count):
        _cell_text(cells[len(table.text_columns) + j], f"{{{{ row.v[{j}] }}}}", align=RIGHT)
    _cell_text(t.cell(body + 2, 0), "{%tr endfor %}")
    _widths(t, table.widths, 233 if table.landscape else 156)
    return doc


def build_targets(examples: dict[str, Target]) -> Document:
    """附件N, then per table: (page break), title, subtitle, header block, indicator grid with merges."""
    doc = new_document()
    para(doc, "附件{{ number }}", HEITI, 16)
    tag(doc, "{%p for t in tables %}")
    tag(doc, "{%p if not loop.first %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    tag(doc, "{%p endif %}")
    para(doc, "{{ t.title }}", XBS, 18, CENTER)
    para(doc, "{{ t.subtitle }}", FANGSONG, 14, CENTER)
    for i, (layout, target) in enumerate(examples.items()):
        tag(doc, ("{%p if " if i == 0 else "{%p elif ") + f"t.layout == '{layout}' %}}")
        _target_table(doc, target)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    return doc


def _target_table(doc, target: Target) -> None:
    ncols = target.columns
    rows = len(target.header) + 1 + 3
    t = doc.add_table(rows=rows, cols=ncols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    draw_header(t, target.header, "t.h", 10.5)
    ih = len(target.header)
    for i in range(ncols):
        _cell_text(t.cell(ih, i), f"{{{{ t.ih[{i}] }}}}", 10.5)
    _cell_text(t.cell(ih + 1, 0), "{%tr for ind in t.indicators %}")
    cells = t.rows[ih + 2].cells
    for i, role in enumerate(target.grid):
        if role == "label":  # 绩效指标: one cell down the header row and every indicator row
            _vmerge(t.cell(ih, i), "restart")
            _vmerge(cells[i], None)
            continue
        if role in ("l1", "l2"):
            _vmerge(cells[i], f"{{{{ 'restart' if ind.{role}_span else 'continue' }}}}")
        _cell_text(cells[i], f"{{{{ ind.cells[{i}] }}}}", 10.5, align=LEFT if role == "name" else CENTER)
    _cell_text(t.cell(ih + 3, 0), "{%tr endfor %}")
    _widths(t, target.widths, 156)


def build_form(columns: int, landscape: bool) -> Document:
    """附件N, title, the form: column heads, then one `{%tr for %}` row of cells, then notes.

    The filing form (5 columns) has 填报部门 above and 填报人/填报时间 below; the feedback form
    (10 columns, landscape) has its header line and 单位 line above.
    """
    doc = new_document(landscape)
    para(doc, "附件{{ number }}", HEITI, 16)
    para(doc, "{{ title }}", XBS, 18, CENTER)
    para(doc, "{{ above }}", FANGSONG, 14)
    t = doc.add_table(rows=4, cols=columns)
    t.style = "Table Grid"
    for i in range(columns):
        _cell_text(t.cell(0, i), f"{{{{ columns[{i}] }}}}", 12, HEITI)
    _cell_text(t.cell(1, 0), "{%tr for r in rows %}")
    for i in range(columns):
        _cell_text(t.cell(2, i), f"{{{{ r[{i}] }}}}", 12, align=LEFT if i == 1 else CENTER)
    _cell_text(t.cell(3, 0), "{%tr endfor %}")
    para(doc, "{{ below }}", FANGSONG, 14)
    tag(doc, "{%p for note in notes %}")
    para(doc, "{{ note }}", size=14)
    tag(doc, "{%p endfor %}")
    return doc


def build_letter() -> Document:
    """附件N, title, body paragraphs."""
    doc = new_document()
    para(doc, "附件{{ number }}", HEITI, 16)
    para(doc, "{{ title }}", XBS, 22, CENTER)
    tag(doc, "{%p for text in paragraphs %}")
    para(doc, "{{ text }}", indent=True)
    tag(doc, "{%p endfor %}")
    return doc


def build_all(docsets: list[DocSet], out: Path = TEMPLATES) -> list[Path]:
    """Write every template the doc sets need; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []

    def save(doc, name: str) -> None:
        path = out / f"{name}.docx"
        doc.save(path)
        written.append(path)

    save(build_notice(), "notice")
    save(build_form(5, False), "filing_form")
    save(build_form(10, True), "feedback_form")
    save(build_letter(), "letter")
    done = set()
    for ds in docsets:
        for table in ds.tables:
            sig = table_signature(table)
            if sig not in done:
                done.add(sig)
                save(build_alloc(table), sig)
        for doc in ds.targets:
            examples: dict[str, Target] = {}
            for t in doc.tables:
                examples.setdefault(t.layout, t)
            sig = targets_signature(list(examples))
            if sig not in done and examples:
                done.add(sig)
                save(build_targets(examples), sig)
    return written


def default_specs(tmp: Path) -> list[Path]:
    """Every example batch, the test batch and a small synthetic batch."""
    from bench.synthetic import write_synthetic

    examples = sorted((ROOT / "specs/examples").glob("*.yaml"))
    return [*examples, ROOT / "tests/data/mini.yaml", write_synthetic(tmp, 100)]


def main(argv: list[str]) -> int:
    """Build templates for the shapes in the given (or default) specs."""
    from generator.pipeline import check_spec, require_ok

    with tempfile.TemporaryDirectory() as tmp:
        specs = [Path(a) for a in argv] or default_specs(Path(tmp))
        docsets = [plain_docset(require_ok(check_spec(spec))) for spec in specs]
        for path in build_all(docsets):
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
