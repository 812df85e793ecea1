"""The streaming xlsx writer: valid parts in the schema's order, read back by openpyxl, and its refusals."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from generator.pipeline import check_spec
from generator.xlsx_writer import Workbook, col_name

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "specs" / "examples").glob("*.yaml"))

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# Child order of the elements we write, from the SpreadsheetML schema (ECMA-376 Part 1, sml.xsd: CT_Worksheet,
# CT_Stylesheet, CT_Workbook, CT_Border, CT_Xf, CT_SheetView); only the elements named here may appear.
SCHEMA_ORDER = {
    "worksheet": ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
                  "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
                  "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
                  "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
                  "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing"],
    "styleSheet": ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                   "tableStyles", "colors", "extLst"],
    "workbook": ["fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                 "functionGroups", "externalReferences", "definedNames", "calcPr"],
    "border": ["start", "end", "left", "right", "top", "bottom", "diagonal", "vertical", "horizontal"],
    "xf": ["alignment", "protection", "extLst"],
    "sheetView": ["pane", "selection", "pivotSelection", "extLst"],
}


def check_package(data: bytes) -> None:
    """Every part is well-formed XML, children follow the schema's order, counts match, every part is declared."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        types = etree.fromstring(z.read("[Content_Types].xml"))
        declared = {el.get("PartName").lstrip("/") for el in types if el.get("PartName")}
        assert {n for n in names if not n.endswith(".rels") and n != "[Content_Types].xml"} <= declared
        for name in names:
            root = etree.fromstring(z.read(name))
            for el in root.iter():
                tag = etree.QName(el).localname
                if tag in SCHEMA_ORDER:
                    order = [SCHEMA_ORDER[tag].index(etree.QName(k).localname) for k in el]
                    assert order == sorted(order), (name, tag, [etree.QName(k).localname for k in el])
                if "count" in el.attrib:
                    assert int(el.get("count")) == len(el), (name, tag)
            if name.startswith("xl/worksheets/"):
                rows = [int(r.get("r")) for r in root.iter(f"{NS}row")]
                assert rows == sorted(set(rows)), name
                for row in root.iter(f"{NS}row"):
                    cols = [_col_index(c.get("r")) for c in row]
                    assert cols == sorted(set(cols)), (name, row.get("r"))


def _col_index(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def sample_workbook() -> bytes:
    """A workbook that uses every method render_xlsx uses."""
    buf = io.BytesIO()
    wb = Workbook(buf)
    wb.set_properties({"title": "样例", "author": "示例省财政厅", "created": datetime(2024, 3, 8)})
    head = wb.add_format({"font_name": "黑体", "font_size": 11, "border": 1, "align": "center", "valign": "vcenter",
                          "text_wrap": True})
    money = wb.add_format({"font_name": "宋体", "bold": True, "border": 1, "num_format": "#,##0.00;-#,##0.00;",
                           "align": "right", "pattern": 1, "bg_color": "#FFEE00", "left": 2, "left_color": "#FF0000"})
    label = wb.add_format({"font_name": "宋体", "italic": True, "underline": 1, "font_color": "#0000FF", "indent": 2,
                           "align": "left"})
    pct = wb.add_format({"num_format": "0.00%"})
    ws = wb.add_worksheet("附件1")
    ws.set_default_row(18)
    ws.set_column(0, 0, 10)
    ws.set_column(1, 3, 14)
    ws.merge_range(0, 0, 0, 3, "标题", head)
    ws.merge_range(1, 0, 2, 0, "", head)
    ws.write_string(1, 0, "单位", head)
    for c, text in enumerate(["A&B", "<x>", "=1+1"], 1):
        ws.write_string(1, c, text, head)
    ws.write_number(3, 1, 12.5, money)
    ws.write_number(4, 1, 7, money)
    ws.write_formula(5, 1, "=SUM(B4:B5)", money, 19.5)
    ws.write_formula(5, 2, '=IF(B6="","",B6)', pct, "")
    ws.write_formula(5, 3, "=B6*2", None)
    ws.write_string(6, 0, "  缩进 ", label)
    ws.write_blank(7, 0, None, head)
    ws.write_blank(8, 0, None, None)
    ws.set_row(0, 22.9)
    ws.freeze_panes(3, 1)
    ws.ignore_errors({"number_stored_as_text": "A4:A8"})
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_area(0, 0, 7, 3)
    ws.repeat_rows(1, 2)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.set_h_pagebreaks([5, 3])
    ws2 = wb.add_worksheet("O'Brien (2)")
    ws2.set_portrait()
    ws2.write_string(0, 0, "第二页", head)
    ws2.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def test_package_is_valid_and_ordered():
    check_package(sample_workbook())


@pytest.mark.parametrize("spec", [ROOT / "tests" / "data" / "mini.yaml", *EXAMPLES], ids=lambda p: p.stem)
def test_rendered_workbooks_are_valid_and_ordered(spec):
    report = check_spec(spec)
    if not report.ok:
        pytest.skip(f"{spec.name} does not pass check")
    files = report.kind.render(report.derived)  # every document kind's workbooks, budget tables included
    for data in [data for name, data in files.items() if name.endswith(".xlsx")]:
        check_package(data)


def test_reads_back_with_openpyxl():
    data = sample_workbook()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wv = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    ws, vs = wb["附件1"], wv["附件1"]
    assert wb.properties.title == "样例" and wb.properties.creator == "示例省财政厅"
    assert wb.properties.created == datetime(2024, 3, 8)
    assert ws["A1"].value == "标题" and ws["A2"].value == "单位"
    assert [ws.cell(2, c).value for c in (2, 3, 4)] == ["A&B", "<x>", "=1+1"]
    assert ws["D2"].data_type == "s"  # text that looks like a formula stays text
    assert ws["B4"].value == 12.5 and ws["B5"].value == 7
    assert ws["B6"].value == "=SUM(B4:B5)" and vs["B6"].value == 19.5
    assert ws["C6"].value == '=IF(B6="","",B6)' and vs["C6"].value in ("", None)
    assert ws["D6"].value == "=B6*2" and vs["D6"].value is None
    assert ws["A7"].value == "  缩进 "
    assert {str(m) for m in ws.merged_cells.ranges} == {"A1:D1", "A2:A3"}
    assert ws["D1"].border.right.style == "thin"  # cells inside a merge carry its format (its borders print)
    assert ws.freeze_panes == "B4" and wb["O'Brien (2)"].freeze_panes == "A2"
    assert ws.print_title_rows == "$2:$3"
    assert ws.print_area == "'附件1'!$A$1:$D$8"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_options.horizontalCentered
    assert (ws.page_margins.left, ws.page_margins.top) == (0.4, 0.6)
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert [b.id for b in ws.row_breaks.brk] == [3, 5]
    assert wb["O'Brien (2)"].page_setup.orientation == "portrait"
    # XlsxWriter's conversions: widths and heights through whole pixels
    assert ws.column_dimensions["A"].width == 10.7109375 and ws.column_dimensions["B"].width == 14.7109375
    assert ws.row_dimensions[1].height == 23.25 and ws.row_dimensions[5].height == 18
    b4 = ws["B4"]
    assert b4.number_format == "#,##0.00;-#,##0.00;" and b4.font.b and b4.font.name == "宋体"
    assert b4.fill.fill_type == "solid" and b4.fill.fgColor.rgb == "FFFFEE00"
    assert b4.border.left.style == "medium" and b4.border.left.color.rgb == "FFFF0000"
    assert b4.border.top.style == "thin" and b4.alignment.horizontal == "right"
    a7 = ws["A7"]
    assert a7.font.i and a7.font.u == "single" and a7.font.color.rgb == "FF0000FF" and a7.alignment.indent == 2
    assert ws["A2"].alignment.wrap_text and ws["A2"].alignment.vertical == "center"
    assert ws["C6"].number_format == "0.00%"


def test_text_is_escaped_as_excel_expects():
    buf = io.BytesIO()
    wb = Workbook(buf)
    ws = wb.add_worksheet("a")
    for i, text in enumerate(["a&b<c>\"d'", "x\x01y", "_x0041_", " lead", "cr\rx"]):
        ws.write_string(i, 0, text)
    wb.close()
    sst = zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("xl/sharedStrings.xml").decode()
    assert "<t>a&amp;b&lt;c&gt;\"d'</t>" in sst
    assert "<t>x_x0001_y</t>" in sst and "<t>cr_x000D_x</t>" in sst  # control characters as Excel writes them
    assert "<t>_x005F_x0041_</t>" in sst  # a literal _xHHHH_ stays literal
    assert '<t xml:space="preserve"> lead</t>' in sst


def test_output_is_deterministic():
    assert sample_workbook() == sample_workbook()


@pytest.mark.parametrize("name", ["", "a" * 32, "a[b", "a:b", "a*b", "a?b", "a/b", "a\\b", "'ab", "ab'", "History"])
def test_invalid_sheet_names_are_refused(name):
    wb = Workbook(io.BytesIO())
    with pytest.raises(ValueError):
        wb.add_worksheet(name)
    wb.close()


def test_sheet_names_are_unique_ignoring_case():
    wb = Workbook(io.BytesIO())
    wb.add_worksheet("附件A")
    with pytest.raises(ValueError, match="already used"):
        wb.add_worksheet("附件a")
    wb.close()


def test_a_finished_sheet_refuses_writes():
    wb = Workbook(io.BytesIO())
    first = wb.add_worksheet("one")
    first.write_string(0, 0, "x")
    wb.add_worksheet("two")
    with pytest.raises(RuntimeError, match="finished"):
        first.write_string(1, 0, "y")
    wb.close()


def test_bad_merges_cells_and_values_are_refused():
    wb = Workbook(io.BytesIO())
    ws = wb.add_worksheet("a")
    ws.merge_range(0, 0, 2, 1, "")
    with pytest.raises(ValueError, match="overlaps"):
        ws.merge_range(2, 1, 2, 3, "")
    with pytest.raises(ValueError, match="overlaps"):
        ws.merge_range(1, 1, 4, 1, "")
    with pytest.raises(ValueError, match="two or more"):
        ws.merge_range(5, 5, 5, 5, "")
    ws.merge_range(3, 0, 3, 1, "")  # touching is fine
    with pytest.raises(ValueError):
        ws.write_string(-1, 0, "x")
    with pytest.raises(ValueError):
        ws.write_number(0, 16384, 1)
    with pytest.raises(ValueError):
        ws.write_number(0, 0, float("inf"))
    with pytest.raises(ValueError, match="unsupported"):
        wb.add_format({"shrink": True})
    with pytest.raises(ValueError, match="#RRGGBB"):
        wb.add_format({"font_color": "red"})
    with pytest.raises(ValueError, match="align"):
        wb.add_format({"align": "middle"})
    with pytest.raises(ValueError, match="border"):
        wb.add_format({"border": 14})
    wb.close()


def test_column_names():
    assert [col_name(c) for c in (0, 25, 26, 27, 701, 702, 16383)] == ["A", "Z", "AA", "AB", "ZZ", "AAA", "XFD"]


def _peak_writing(path, sheets: int) -> int:
    """tracemalloc's peak while writing `sheets` sheets of 100 rows × 4 cells (about 40 KB of cells each)."""
    tracemalloc.start()
    wb = Workbook(path)
    fmt = wb.add_format({"border": 1})
    for k in range(sheets):
        ws = wb.add_worksheet(f"表{k}")
        ws.merge_range(0, 0, 0, 3, f"单位{k}", fmt)
        for r in range(1, 100):
            ws.write_string(r, 0, "指标", fmt)
            ws.write_number(r, 1, r * 1.5, fmt)
            ws.write_formula(r, 2, f"=B{r + 1}*2", fmt, r * 3.0)
            ws.write_blank(r, 3, None, fmt)
        ws.print_area(0, 0, 99, 3)
    wb.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_stays_flat_with_many_sheets(tmp_path):
    # sheets are streamed out one by one: what stays per sheet is its name, print area and zip directory entry
    # (under 2 KB), not its cells
    small, large = _peak_writing(tmp_path / "a.xlsx", 100), _peak_writing(tmp_path / "b.xlsx", 1000)
    assert (large - small) / 900 < 4000, (small, large)
    check_package((tmp_path / "b.xlsx").read_bytes())
