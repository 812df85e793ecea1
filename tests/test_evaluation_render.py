"""The evaluation's documents read back: the 自评表 in its three variants and the 指标体系 in Word and Excel
(texts, merges, live 执行率 and 合计 formulas with their cached values, number formats, fonts with w:eastAsia,
repeated header rows, page setup), the report's outline, sentences and geometry, and openxml-audit on each."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from conftest import NS, docx_part, text_of, w
from openpyxl import load_workbook
from openxml_audit import OpenXmlValidator

from generator.evaluation_forms import (
    Figure,
    FormData,
    IndicatorLine,
    MoneyLine,
    SystemLine,
    selfeval_grid,
    system_grid,
)
from generator.evaluation_selfeval_docx import forms_docx
from generator.evaluation_selfeval_xlsx import grids_workbook

D = Decimal
MGMT = [("分配科学性", "按因素法分配。", "无"), ("下达及时性", "30日内下达。", "无"), ("拨付合规性", "国库集中支付。", "无"),
        ("使用规范性", "专款专用。", "无"), ("执行准确性", "与决算一致。", "无"), ("预算绩效管理情况", "同步下达目标。", "无"),
        ("支出责任履行情况", "落实支出责任。", "无")]


def fig(text: str) -> Figure:
    return Figure(text, D(text.rstrip("%")) if text else None)


def form(variant: str) -> FormData:
    """A small 自评表: two 产出 indicators under one 二级, one 满意度; a miss with its reason."""
    money = [MoneyLine("年度资金总额：", fig("6563"), fig("5347.89"), fig("81.49%")),
             MoneyLine("其中：中央财政资金", fig("6563"), fig("5347.89"), fig("81.49%")),
             MoneyLine("地方资金", Figure(), Figure(), Figure()), MoneyLine("其他资金", Figure(), Figure(), Figure())]
    indicators = [IndicatorLine("产出指标", "数量指标", "国家中医优势专科建设数量", "≥3个", "3个", prior="2个"),
                  IndicatorLine("产出指标", "数量指标", "中医药统计信息平台建设数量", "≥1个", "0个", "技术规范下发较晚。"),
                  IndicatorLine("满意度指标", "服务对象满意度指标", "培训对象满意度", "≥90%", "92.2%")]
    return FormData(variant, f"{variant}自评表", 2023, "中医药事业传承与发展", "国家中医药管理局", "自治区卫生健康委",
                    "自治区中医医院", money, MGMT, "健全中医药服务体系。", "服务体系更加健全。", indicators,
                    sheet=f"第一部分{variant}")


def system() -> tuple:
    lines = [SystemLine("项目决策(18分)", "决策依据", "立项依据充分性", "充分", ["充分", "充分"], "依据充分得满分",
                        fig("4"), "是否符合政策", fig("4")),
             SystemLine("项目决策(18分)", "决策依据", "绩效目标明确性", "明确", ["", "明确"], "——", fig("2"), "", fig("2")),
             SystemLine("过程管理（22分）", "资金管理", "预算执行率", "100%", ["", "70.52%"],
                        "全年执行数/全年预算数*10分", fig("10"), "", fig("7.05"))]
    return system_grid("医疗保障服务能力提升绩效评价指标体系", ["2022年", "2023年"], lines, fig("16"), fig("13.05"), "0.00",
                       sheet="第八部分指标体系")


@pytest.fixture(scope="module")
def grids():
    return [selfeval_grid(form("D1")), selfeval_grid(form("D2")), selfeval_grid(form("D3")), system()]


@pytest.fixture(scope="module")
def workbook(grids):
    data = grids_workbook(grids, "绩效自评表", "自治区卫生健康委", datetime(2024, 1, 1))
    return data, load_workbook(io.BytesIO(data)), load_workbook(io.BytesIO(data), data_only=True)


@pytest.fixture(scope="module")
def document(grids):
    return forms_docx([("第一部分 中医药", g) for g in grids])


def find(ws, text: str) -> tuple[int, int]:
    """(row, column) of the one cell holding exactly this text."""
    hits = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value == text]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def test_selfeval_sheet_keeps_numbers_and_computes_the_rate_live(workbook):
    _, wb, values = workbook
    assert wb.sheetnames == ["第一部分D1", "第一部分D2", "第一部分D3", "第八部分指标体系"]
    ws, vs = wb["第一部分D1"], values["第一部分D1"]
    r, c = find(ws, "年度资金总额：")
    budget, spent, rate = (ws.cell(r, c + k) for k in (3, 4, 5))
    assert (budget.value, spent.value) == (6563, 5347.89) and budget.number_format == "0.00"
    assert rate.value == f"=IFERROR({spent.coordinate}/{budget.coordinate},0)"
    assert rate.number_format == "0.00%" and vs[rate.coordinate].value == pytest.approx(0.8149)
    empty = find(ws, "地方资金")[0]
    assert ws.cell(empty, c + 3).value is None and ws.cell(empty, c + 5).value is None  # nothing typed: no formula


def test_selfeval_sheet_merges_levels_and_repeats_the_title(workbook):
    _, wb, _ = workbook
    ws = wb["第一部分D1"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    r, c = find(ws, "产出指标")
    assert f"{ws.cell(r, c).coordinate}:{ws.cell(r + 1, c).coordinate}" in merged  # 一级 over its two indicators
    r, c = find(ws, "资金管理情况")
    assert f"{ws.cell(r, c).coordinate}:{ws.cell(r + 7, c).coordinate}" in merged
    assert find(ws, "技术规范下发较晚。")
    assert ws.print_title_rows == "$1:$2" and ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"


def test_the_three_variants_print_their_own_headings(workbook):
    _, wb, _ = workbook
    d2, d3 = wb["第一部分D2"], wb["第一部分D3"]
    r, c = find(d2, "2022年实际完成值")
    assert d2.cell(r, c + 1).value == "2023年实际完成值" and find(d2, "2个")  # the prior-year column
    assert find(d2, "项目资金（万元）") and find(d2, "执行率（B/A*100%）") and find(d2, "年初设定目标")
    assert find(d3, "全年预算数") and find(d3, "预算执行率")
    with pytest.raises(AssertionError):
        find(d3, "全年预算数（A）")


def test_system_sheet_sums_points_and_scores(workbook):
    _, wb, values = workbook
    ws, vs = wb["第八部分指标体系"], values["第八部分指标体系"]
    r, c = find(ws, "合计")
    points, score = ws.cell(r, c + 7), ws.cell(r, c + 9)
    first, last = r - 3, r - 1
    assert points.value == f"=SUM({points.column_letter}{first}:{points.column_letter}{last})"
    assert vs[points.coordinate].value == 16 and vs[score.coordinate].value == pytest.approx(13.05)
    assert find(ws, "实际值(2022年)") and find(ws, "注：最后得分：13.05分")
    assert ws.print_title_rows == "$4:$4" and ws.page_setup.orientation == "landscape"
    r, c = find(ws, "项目决策(18分)")
    assert f"{ws.cell(r, c).coordinate}:{ws.cell(r + 1, c).coordinate}" in {str(m) for m in ws.merged_cells.ranges}


def tables(data: bytes):
    return docx_part(data).findall(".//w:tbl", NS)


def test_forms_docx_text_merges_and_repeating_header(document):
    root = docx_part(document)
    texts = [text_of(p) for p in root.iter(w("p"))]
    assert "D1自评表" in texts and "（2023年度）" in texts and "技术规范下发较晚。" in texts
    assert "2022年实际完成值" in texts and "注：最后得分：13.05分" in texts
    first = tables(document)[1]  # D1's indicator part: its header row repeats on every page
    head = first.find("w:tr", NS)
    assert head.find("w:trPr/w:tblHeader", NS) is not None and "一级指标" in text_of(head)
    restarts = [text_of(tc) for tc in first.iter(w("tc")) if tc.find("w:tcPr/w:vMerge", NS) is not None
                and tc.find("w:tcPr/w:vMerge", NS).get(w("val")) == "restart"]
    assert restarts[:3] == ["绩效指标", "产出指标", "数量指标"]


def test_forms_docx_every_run_names_its_east_asian_face(document):
    runs = list(docx_part(document).iter(w("r")))
    assert runs
    faces = {r.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for r in runs}
    assert None not in faces and {"仿宋_GB2312", "黑体", "宋体", "方正小标宋简体"} <= faces


def test_forms_docx_pages_portrait_and_landscape(document):
    sections = docx_part(document).findall(".//w:sectPr", NS)
    sizes = [(s.find("w:pgSz", NS).get(w("w")), s.find("w:pgSz", NS).get(w("orient"))) for s in sections]
    assert sizes == [("11906", None)] * 3 + [("16838", "landscape")]
    margins = sections[0].find("w:pgMar", NS)
    assert (margins.get(w("top")), margins.get(w("left"))) == ("2098", "1588")  # GB/T 9704: 37 mm, 28 mm


def audit(tmp_path, name: str, data: bytes) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    result = OpenXmlValidator(max_errors=0).validate(path)
    with zipfile.ZipFile(path) as zf:
        assert any(n.endswith("theme/theme1.xml") for n in zf.namelist())
    return [f"{e.part_uri} {e.node}: {e.description}" for e in result.errors]


def test_forms_pass_openxml_audit(document, workbook, tmp_path):
    assert audit(tmp_path, "forms.docx", document) == []
    assert audit(tmp_path, "forms.xlsx", workbook[0]) == []
