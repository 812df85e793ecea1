"""The standalone example book (specs/examples/agri-dept-2025-book.yaml) read back from .docx and .xlsx:
no notice and no 附件 label, titles and three sub-title lines, a two-column 三级指标 cell, number formats
(Word text, Excel numbers with the matching format), optional rows, repeated header rows, sheet names."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from conftest import NS, docx_part, paragraphs, text_of, w

from generator.pipeline import render_spec

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "examples" / "agri-dept-2025-book.yaml"
NAME = "示例县农业农村局2025年度项目支出绩效目标表"
MONEY = '#,##0.00;-#,##0.00;"-"'


@cache
def built() -> tuple:
    report, files = render_spec(SPEC)
    assert report.ok, [str(p) for p in report.problems]
    return report, files


def document():
    return docx_part(built()[1][f"{NAME}.docx"])


def workbook():
    return openpyxl.load_workbook(io.BytesIO(built()[1][f"{NAME}.xlsx"]))


def rows_of(tbl) -> list[list[str]]:
    return [[text_of(tc) for tc in tr.findall("w:tc", NS)] for tr in tbl.findall("w:tr", NS)]


def grid_span(tc) -> int:
    found = tc.find("w:tcPr/w:gridSpan", NS)
    return int(found.get(w("val"))) if found is not None else 1


def tables() -> list:
    """Body tables in order: each target table is a header-block table followed by its grid's table."""
    return document().findall("w:body/w:tbl", NS)


def test_the_book_is_its_kind_with_seven_tables():
    report, files = built()
    assert report.kind.name == "book" and not report.warnings
    assert sorted(files) == [f"{NAME}.docx", f"{NAME}.xlsx"]
    assert len(report.derived.targets) == 7 and len({t.layout.name for t in report.derived.targets}) == 2


def test_no_notice_and_no_attachment_label_anywhere():
    texts = [text_of(p) for p in paragraphs(document())]
    assert not any("附件" in t or "〔" in t or "印发" in t or "通知" in t for t in texts)
    cells = [str(c.value) for ws in workbook() for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("附件" in c for c in cells)


def test_cover_then_titles_with_three_subtitle_lines():
    texts = [text_of(p) for p in paragraphs(document()) if text_of(p)]
    assert texts[:4] == ["示例县农业农村局", "2025年度项目支出绩效目标表", "预算部门：示例县农业农村局（盖章）",
                         "编报日期：2025年1月20日"]
    assert texts[4:8] == ["项目支出绩效目标表", "（2025年度）", "预算部门：示例县农业农村局", "金额单位：万元"]
    subtitles = [text_of(p) for p in paragraphs(document(), "GwTargetSubtitle")]
    assert subtitles[2:5] == ["（2025年度）", "预算部门：示例县农业农村局", "金额单位：万元"]  # after the cover's two
    assert ["示例县农业农村局", "重点项目绩效目标表"] == [text_of(p) for p in paragraphs(document(), "GwTargetTitle")][4:6]
    ws = workbook()["1.高标准农田建设项目"]
    assert [ws.cell(r, 1).value for r in range(1, 5)] == ["项目支出绩效目标表", "（2025年度）", "预算部门：示例县农业农村局",
                                                         "金额单位：万元"]
    assert {"A1:F1", "A2:F2", "A3:F3", "A4:F4"} <= {str(m) for m in ws.merged_cells.ranges}


def test_three_level_indicator_cell_spans_two_grid_columns():
    grid = rows_of(tables()[1])
    assert grid[0] == ["一级指标", "二级指标", "三级指标", "指标值", "分值"]
    head = tables()[1].find("w:tr", NS).findall("w:tc", NS)
    assert [grid_span(tc) for tc in head] == [1, 1, 2, 1, 1]
    first = tables()[1].findall("w:tr", NS)[1].findall("w:tc", NS)
    assert [grid_span(tc) for tc in first] == [1, 1, 2, 1, 1]  # every indicator row's 三级指标 spans two as well
    ws = workbook()["1.高标准农田建设项目"]
    assert ws["C11"].value == "三级指标" and "C11:D11" in {str(m) for m in ws.merged_cells.ranges}
    assert ws["C12"].value == "指标1：新建高标准农田面积" and "C12:D12" in {str(m) for m in ws.merged_cells.ranges}


def test_amounts_print_with_two_decimals_and_thousands_in_word():
    block = rows_of(tables()[0])
    assert block[2] == ["项目资金（万元）", "年度资金总额", "12,345.60"]
    assert block[3] == ["", "其中：财政拨款", "12,000.00"]
    assert block[4] == ["", "县级配套资金", "345.60"]  # the optional row, its label from the table's data
    zero = rows_of(tables()[6])  # 4th table: amount 0 and 财政拨款 0 print "-"
    assert zero[2][-1] == "-" and zero[3][-1] == "-"
    output = rows_of(tables()[9])  # 5th table (dept-output): numbers typed in the value and prev columns
    assert output[2] == ["", "产出指标", "数量指标", "补贴发放金额（万元）", "3,456.78", "3,301.50"]
    assert output[3][-2:] == ["41250户", "40880户"]  # text stays text


def test_amounts_are_numbers_with_the_matching_format_in_excel():
    ws = workbook()["1.高标准农田建设项目"]
    for ref, value in (("D7", Decimal("12345.6")), ("D8", Decimal("12000")), ("D9", Decimal("345.6"))):
        assert isinstance(ws[ref].value, (int, float)) and Decimal(str(ws[ref].value)) == value
        assert ws[ref].number_format == MONEY
    assert ws["F12"].value == 30 and ws["F12"].number_format == "0"
    zero = workbook()["4.农业技术推广体系改革与建设补助（当年无资金，仅列目标）"]
    assert zero["D7"].value == 0 and zero["D7"].number_format == MONEY
    out = workbook()["5.种粮农民一次性补贴发放"]
    assert out["E10"].value == pytest.approx(3456.78) and out["E10"].number_format == "#,##0.00"
    assert out["F10"].value == pytest.approx(3301.5) and out["F10"].number_format == "#,##0.00"
    assert out["C6"].value == pytest.approx(3456.78) and out["C6"].number_format == "#,##0.00"


def test_optional_row_only_where_the_table_fills_it():
    assert len(rows_of(tables()[0])) == 6 and len(rows_of(tables()[2])) == 5  # 2nd table: no 其他资金 row
    assert rows_of(tables()[2])[2:4] == [["项目资金（万元）", "年度资金总额", "486.25"], ["", "其中：财政拨款", "486.25"]]
    restart = tables()[2].findall("w:tr", NS)[2].find("w:tc/w:tcPr/w:vMerge", NS)
    assert restart.get(w("val")) == "restart"
    assert tables()[2].findall("w:tr", NS)[3].find("w:tc/w:tcPr/w:vMerge", NS) is not None  # spans 2 rows, not 3
    ws = workbook()["2.动物疫病防控项目"]
    assert "A7:A8" in {str(m) for m in ws.merged_cells.ranges} and ws["A9"].value == "年度总体目标"


def test_two_row_indicator_header_with_label_column():
    grid = tables()[9].findall("w:tr", NS)
    assert rows_of(tables()[9])[:2] == [["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
                                        ["", "", "", "", "本年目标值", "上年实际值"]]
    label = [tr.find("w:tc/w:tcPr/w:vMerge", NS) for tr in grid]
    assert label[0].get(w("val")) == "restart" and all(m is not None and m.get(w("val")) is None for m in label[1:])
    ws = workbook()["5.种粮农民一次性补贴发放"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "E8:F8" in merged and "A8:A13" in merged and ws["E9"].value == "本年目标值"


def test_indicator_header_rows_repeat_on_every_page():
    for k in range(0, len(tables()), 2):
        block, grid = tables()[k], tables()[k + 1]
        assert not block.findall("w:tr/w:trPr/w:tblHeader", NS)
        repeat = [tr.find("w:trPr/w:tblHeader", NS) is not None for tr in grid.findall("w:tr", NS)]
        heads = 2 if k == 8 or k == 10 else 1
        assert repeat[:heads] == [True] * heads and not any(repeat[heads:])
    wb = workbook()
    assert wb["1.高标准农田建设项目"].print_title_rows == "$11:$11"
    assert wb["5.种粮农民一次性补贴发放"].print_title_rows == "$8:$9"


def test_sheet_names_come_from_the_template():
    assert workbook().sheetnames == ["封面", "1.高标准农田建设项目", "2.动物疫病防控项目", "3.农村人居环境整治项目",
                                     "4.农业技术推广体系改革与建设补助（当年无资金，仅列目标）", "5.种粮农民一次性补贴发放",
                                     "6.农机购置与应用补贴", "7.巩固拓展脱贫攻坚成果同乡村振兴有效衔接项目"]


def test_the_workbook_is_a_valid_package():
    from test_xlsx_writer import check_package

    check_package(built()[1][f"{NAME}.xlsx"])


def jc(p) -> str | None:
    """A paragraph's own alignment (None: the style's, centred for sub-titles)."""
    found = p.find("w:pPr/w:jc", NS)
    return None if found is None else found.get(w("val"))


def test_subtitle_lines_aligned_per_line_in_word_and_excel():
    subtitles = paragraphs(document(), "GwTargetSubtitle")[2:5]  # the first table's three lines
    assert [(text_of(p), jc(p)) for p in subtitles] == [
        ("（2025年度）", None), ("预算部门：示例县农业农村局", "left"), ("金额单位：万元", "right")]
    ind = subtitles[1].find("w:pPr/w:ind", NS)  # flush left: no first-line indent inherited from the body
    assert ind is not None and ind.get(w("firstLine")) == "0" and ind.get(w("left")) == "0"
    ws = workbook()["1.高标准农田建设项目"]
    assert [ws.cell(r, 1).alignment.horizontal for r in range(2, 5)] == ["center", "left", "right"]


TRIAL = ROOT / "specs" / "examples" / "trial-layout" / "trial-book.yaml"


@cache
def trial_built() -> dict:
    report, files = render_spec(TRIAL)
    assert report.ok, [str(p) for p in report.problems]
    return files


def test_two_texts_at_the_two_ends_of_one_subtitle_line():
    from generator.ooxml import TEXT_WIDTH

    files = trial_built()
    root = docx_part(next(b for n, b in files.items() if n.endswith(".docx")))
    line = paragraphs(root, "GwTargetSubtitle")[0]
    assert text_of(line) == "单位：示例市文化和旅游局\t年度：2026年"  # one paragraph, a tab between the ends
    stops = [(t.get(w("val")), int(t.get(w("pos")))) for t in line.findall("w:pPr/w:tabs/w:tab", NS)]
    assert stops == [("right", TEXT_WIDTH)] and jc(line) == "left"
    wb = openpyxl.load_workbook(io.BytesIO(next(b for n, b in files.items() if n.endswith(".xlsx"))))
    ws = wb.worksheets[0]
    assert (ws["A3"].value, ws["A3"].alignment.horizontal) == ("单位：示例市文化和旅游局", "left")
    assert (ws["D3"].value, ws["D3"].alignment.horizontal) == ("年度：2026年", "right")
    assert {"A3:C3", "D3:F3"} <= {str(m) for m in ws.merged_cells.ranges}


def test_target_table_cells_keep_wrapped_lines_off_the_borders():
    for tbl in tables():
        margins = tbl.find("w:tblPr/w:tblCellMar", NS)
        assert all(int(margins.find(f"w:{side}", NS).get(w("w"))) >= 28 for side in ("top", "bottom", "left", "right"))


def test_the_excel_cover_has_no_page_number_and_the_tables_do():
    wb = workbook()
    assert not wb["封面"].oddFooter.center.text
    assert wb["1.高标准农田建设项目"].oddFooter.center.text == "第 &P 页，共 &N 页"
