"""The evaluation's documents read back: the 自评表 in its three variants and the 指标体系 in Word and Excel
(texts, merges, live 执行率 and 合计 formulas with their cached values, number formats, fonts with w:eastAsia,
repeated header rows, page setup), the report's outline, sentences and geometry, and openxml-audit on each."""

from __future__ import annotations

import io
import re
import subprocess
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
from generator.pdf import convert_cold, libreoffice_available
from generator.pipeline import render_spec

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


# ---------------------------------------------------------------- the report, through loader and derive

SPEC = """\
kind: evaluation
report:
  title: 示例自治区医疗服务与保障能力提升补助资金2023年度绩效自评报告   # 报告标题
  year: 2023                                   # 年度
  basis: 财监〔2024〕3号                        # 依据文件
  issuers: [自治区卫生健康委员会, 自治区医疗保障局]  # 报送单位
  preamble: [根据《财政部关于开展2023年度中央对地方转移支付预算执行情况绩效自评工作的通知》要求，现将自评情况报告如下。]
  score_decimals: 2                             # 得分小数位（各部分可另设）
  variant: D1                                   # 自评表样式
  file_stem: 示例2023                           # 输出文件名前缀
  region: 新疆                                  # 地区简称（新疆实际完成…）
  region_full: 新疆维吾尔自治区                  # 地区全称（D3 表题）
  province_word: 自治区                          # 本级称谓
parts:
  - no: 1
    title: （中医药事业传承与发展部分）
    fund: 医疗服务与保障能力提升补助资金（中医药事业传承与发展部分）
    central_dept: 国家中医药管理局
    local_dept: 自治区卫生健康委员会
    finance_dept: 自治区财政厅
    user_units: 自治区本级中医医疗机构及各地州卫生健康委
    variant: D1
    form_title: 中央对地方专项转移支付区域绩效自评表
    score_decimals: 1                           # 81.49% → 8.1
    central_batches:                            # 财政部下达
      - {id: c1, doc_no: 财社〔2022〕143号, date: 2022-11, amount: 700, title: 关于提前下达2023年医疗服务与保障能力提升补助资金预算的通知}
      - {id: c2, doc_no: 财社〔2023〕29号, date: 2023-04, amount: -50}
    province_batches:                           # 自治区分解下达；id 即分配表的列
      - {id: advance, doc_no: 新财社〔2022〕179号, date: 2022-12, amount: 700, label: 提前下达}
      - {id: second, doc_no: 新财社〔2023〕56号, date: 2023-06, amount: -50, label: 第二批下达}
    allocation:
      title: 资金分配表
      unit_label: 项目单位
      text: [按照因素法分配，向脱贫地区倾斜。]
      groups:
        - name: 自治区本级
          label: 本级小计
          rows:
            - {unit: 自治区中医医院, advance: 300, second: -20}
            - {unit: 自治区维吾尔医医院, advance: 100, second: -10}
          stated: {advance: 400, second: -30, total: 370}
        - name: 各地
          rows:
            - {unit: 乌鲁木齐市, advance: 200, second: -20}
            - {unit: 伊犁州, advance: 100}
      stated: {total: 650}
    execution:
      as_of: 2023-12-31                         # 截止日期
      title: 资金执行情况统计表
      unit_label: 地州
      text: [截至2023年12月31日，资金执行情况如下。]
      groups:
        - name: 自治区本级
          rows:
            - {unit: 自治区中医医院, budget: 280, spent: 250.50}
            - {unit: 自治区维吾尔医医院, budget: 90, spent: 60.20, stated_rate: 66.89}
          stated: {budget: 370, spent: 310.70, rate: 83.97}
        - name: 各地
          rows:
            - {unit: 乌鲁木齐市, budget: 180, spent: 150}
            - {unit: 伊犁州, budget: 100, spent: 95.30}
      stated: {budget: 650, spent: 556.00, rate: 85.54}
    funding:                                    # 自评表 资金投入情况；central 缺省取执行表合计
      local: {budget: 0, spent: 0}
      other: {budget: 0, spent: 0}
      stated: {budget: 650, spent: 556, rate: 85.54}
    management:                                 # 7 项资金管理情况
      allocation: 按因素法分配，分配结果经厅党组会议审定。
      timeliness: {text: 收到中央资金后30日内分解下达。, issues: 无}
      compliance: 按国库集中支付规定拨付。
      usage: 专款专用。
      accuracy: 执行数据与决算一致。
      performance: 随资金同步下达绩效目标。
      responsibility: 地方按规定落实支出责任。
    goals: [支持国家中医优势专科建设，提升中医药服务能力。]
    goal_actual: [完成3个国家中医优势专科建设，中医药服务能力显著提升。]
    indicators:
      - {category: 数量指标, name: 国家中医优势专科建设数量, target: ≥3个, actual: 3个, points: 10}
      - category: 数量指标
        name: 中医药统计信息平台建设数量
        target: ≥1个
        actual: 0个
        points: 10
        reason: 技术规范下发较晚，项目尚在招标。
        measures: 加快招标进度，2024年6月底前建成。
      - category: 数量指标
        name: 中医治疗优势病种项目建设数量
        target: ≥1个
        actual: 3个
        points: 10
        over_reason: 政策扶持力度加大，建设数量超出预期值。
      - {category: 质量指标, name: 培训考核合格率, target: ≥90%, actual: 95.40%, points: 10, stated: {completion: 106.00, deviation: 6.00}}
      - {category: 成本指标, name: 人均培训费用, target: ≤8000元, actual: 7500元, points: 10}
      - {category: 社会效益指标, name: 中医药服务能力, target: 显著提升, actual: 明显提升, met: true}
      - {category: 可持续影响指标, name: 中医药人才队伍稳定年限, target: ≥3年, actual: 3年, prev_actual: 3年}
      - {category: 服务对象满意度指标, name: 培训对象满意度, target: ≥90%, actual: [92.2%, 91%], direction: up}
    unit_tables:
      - unit: 自治区中医医院
        title: 中央对地方专项转移支付区域绩效目标表
        amount: 280
        central: 280
        goals: [完成1个国家中医优势专科建设。]
        indicators:
          - {category: 数量指标, name: 国家中医优势专科建设数量, target: ≥1个}
          - {category: 服务对象满意度指标, name: 患者满意度, target: ≥90%}
      - {unit: 自治区维吾尔医医院, amount: 90, central: 90, same_as: 自治区中医医院}
    texts:
      central_budget: [财政部分两批下达我区资金650万元。]
      central_targets: [财政部随文下达绩效目标8项。]
      province: [自治区财政厅会同卫生健康委分解下达。]
      arrival: [资金已全部到位。]
      analysis: [各项指标总体完成较好。]
      weaknesses: [个别项目招标进度偏慢。]
      improvements: [加强调度，按月通报执行进度。]
      application: [一是将自评结果作为下年度资金分配的重要依据。]
      publication: [评价结果将在门户网站公开。]
      other_issues: [中央巡视、各级审计和财政监督中未发现问题。]
      remarks: [无。]
    stated_score: {execution: 8.6, output: 40, benefit: 30, satisfaction: 10, total: 88.6, grade: 良}
  - title: （医疗保障服务能力提升部分）
    fund: 医疗服务与保障能力提升补助资金（医疗保障服务能力提升部分）
    variant: D3
    province_batches:
      - {doc_no: 新财社〔2023〕175号, date: 2023-11-20, amount: 100}
    funding:
      central: {budget: 100, spent: 80}
      other: {budget: 20, spent: 10}           # 上年结转
    indicators:
      - {category: 数量指标, name: 培训人数, target: ">=100人", actual: 120人}
      - {category: 服务对象满意度指标, name: 参保群众满意度, target: ">=90%", actual: 95%}
    system:
      title: 医疗保障服务能力提升绩效评价指标体系
      actual_labels: [2022年, 2023年]
      rows:
        - {l1: 项目决策, l2: 项目立项, name: 立项依据充分性, standard: 充分, actuals: {2022年: 充分, 2023年: 充分}, rule: 依据充分得满分, points: 10, note: 是否符合政策, score: 10}
        - {l1: 项目决策, l2: 绩效目标, name: 绩效目标明确性, standard: 明确, rule: ——, points: 8, score: 8}
        - {l1: 过程管理, l2: 资金管理, name: 预算执行率, standard: 100%, rule: 全年执行数/全年预算数*10分, points: 10, auto: execution}
        - {l1: 过程管理, l2: 组织实施, name: 管理制度健全性, standard: 健全, points: 12, score: 12}
        - {l1: 产出指标, l2: 数量指标, name: 培训人数, standard: ≥100人, actuals: {2023年: 120人}, points: 50, score: 50}
        - {l1: 满意度指标, l2: 服务对象满意度指标, name: 参保群众满意度, standard: ≥90%, actuals: {2023年: 95%}, points: 10, score: 9.5}
      stated_total: 97
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    """The example of docs/evaluation.md (two parts: D1 with every table, D3 with a 100-point system), built."""
    path = tmp_path_factory.mktemp("evaluation") / "evaluation.yaml"
    path.write_text(SPEC, encoding="utf-8")
    report, files = render_spec(path)
    assert report.ok, [str(p) for p in report.errors]
    return files


def body_paragraphs(data: bytes) -> list:
    """Paragraphs outside tables, in order."""
    root = docx_part(data)
    return [p for p in root.find("w:body", NS).iter(w("p")) if not any(a.tag == w("tbl") for a in p.iterancestors())]


def face(p) -> tuple[str, str]:
    """(eastAsia face, size) of a paragraph's first run."""
    props = p.find("w:r/w:rPr", NS)
    return props.find("w:rFonts", NS).get(w("eastAsia")), props.find("w:sz", NS).get(w("val"))


def test_the_example_builds_the_four_documents(built):
    assert sorted(built) == ["示例2023绩效自评报告.docx", "示例2023绩效自评表.docx", "示例2023绩效自评表.xlsx",
                             "示例2023资金执行情况表.xlsx"]


def test_report_skeleton_and_heading_faces(built):
    paras = body_paragraphs(built["示例2023绩效自评报告.docx"])
    texts = [text_of(p) for p in paras]
    order = ["第一部分", "一、绩效目标分解下达情况", "（一）中央下达", "（二）自治区资金安排、分解下达预算和绩效目标情况",
             "二、绩效目标完成情况分析", "（二）项目资金管理情况分析", "（四）绩效指标完成情况分析。",
             "三、偏离绩效目标的原因和下一步改进措施", "四、绩效自评结果及拟应用和公开情况", "五、其他需要说明的问题", "附："]
    at = [next(i for i, t in enumerate(texts) if t.startswith(o)) for o in order]
    assert at == sorted(at)
    by_text = dict(zip(texts, paras, strict=False))
    assert face(by_text["一、绩效目标分解下达情况"]) == ("黑体", "32")
    assert face(by_text["（二）项目资金管理情况分析"]) == ("楷体_GB2312", "32")
    assert face(by_text["中央巡视、各级审计和财政监督中未发现问题。"]) == ("仿宋_GB2312", "32")
    items = [t for t in texts if t[:2] in {f"{i}、" for i in range(1, 8)} and t[2:] in
             ("分配科学性", "下达及时性", "拨付合规性", "使用规范性", "执行准确性", "预算绩效管理情况", "支出责任履行情况")]
    assert len(items) == 14  # the seven items in each of the two parts


def test_report_indicator_sentences_in_the_seed_wording(built):
    texts = [text_of(p) for p in body_paragraphs(built["示例2023绩效自评报告.docx"])]
    assert "指标1：财政部随文下达国家中医优势专科建设数量指标，指标值为≥3个，新疆实际完成3个，完成率100%，偏差率0%。" in texts
    assert ("指标2：财政部随文下达中医药统计信息平台建设数量指标，指标值为≥1个，新疆实际完成0个，完成率0%，偏差率100%。"
            "偏差原因：技术规范下发较晚，项目尚在招标。") in texts
    for missing in ("时效指标", "经济效益指标", "生态效益指标"):
        assert f"财政部下达的绩效目标未设定{missing}。" in texts
    over = texts.index("（2）完成率超出30%及以上指标")
    assert texts[over + 1] == "指标1：中医治疗优势病种项目建设数量指标，完成率300%，超出原因：政策扶持力度加大，建设数量超出预期值。"
    short = texts.index("（1）未完成指标")
    assert texts[short + 1].startswith("a.财政部随文下达中医药统计信息平台建设数量指标")


def test_report_score_paragraph_and_grade(built):
    texts = [text_of(p) for p in body_paragraphs(built["示例2023绩效自评报告.docx"])]
    score = next(t for t in texts if t.startswith("1、按照财政部《项目支出绩效评价管理办法》"))
    assert score.endswith("资金绩效自评价得分为88.6分，其中：预算执行8.6分、产出指标40分、效益指标30分、服务对象满意度指标10分，"
                          "自评结果为“良”。")
    assert any(t.startswith("1、经自评，") and "得分为97分" in t and "“优”" in t for t in texts)  # part 2: its system


def test_report_tables_print_the_derived_figures(built):
    root = docx_part(built["示例2023绩效自评报告.docx"])
    rows = [[text_of(tc) for tc in tr.findall("w:tc", NS)] for tr in root.iter(w("tr"))]
    assert ["合计", "650.00", "556.00", "85.54%"] in rows  # the execution table: one number of decimals a column
    assert ["本级小计", "400", "-30", "370"] in rows  # the allocation table
    assert any(r[-4:] == ["年度资金总额：", "650.00", "556.00", "85.54%"] for r in rows)  # the 自评表 in the report


def test_report_page_geometry_and_faces(built):
    data = built["示例2023绩效自评报告.docx"]
    root = docx_part(data)
    final = root.find("w:body/w:sectPr", NS)
    size, margins = final.find("w:pgSz", NS), final.find("w:pgMar", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    assert [margins.get(w(k)) for k in ("top", "bottom", "left", "right")] == ["2098", "1984", "1588", "1474"]
    body_sections = [s for s in root.iter(w("sectPr")) if s.find("w:docGrid", NS).get(w("type")) == "lines"]
    assert body_sections and all(s.find("w:docGrid", NS).get(w("linePitch")) == "579" for s in body_sections)
    styles = docx_part(data, "word/styles.xml")
    body = next(s for s in styles.iter(w("style")) if s.get(w("styleId")) == "GwBody")
    assert body.find("w:pPr/w:spacing", NS).get(w("line")) == "579"  # 22 lines of 28.95 pt
    runs = list(root.iter(w("r")))
    assert all(r.find("w:rPr/w:rFonts", NS) is not None and r.find("w:rPr/w:rFonts", NS).get(w("eastAsia"))
               for r in runs)


def test_execution_workbook_formulas(built):
    data = built["示例2023资金执行情况表.xlsx"]
    ws = load_workbook(io.BytesIO(data))["第一部分执行情况"]
    values = load_workbook(io.BytesIO(data), data_only=True)["第一部分执行情况"]
    r, c = find(ws, "合计")
    budget, spent, rate = (ws.cell(r, c + k) for k in (1, 2, 3))
    assert budget.value.startswith("=SUM(") and values[budget.coordinate].value == 650
    assert rate.value == f"=IFERROR({spent.coordinate}/{budget.coordinate},0)" and rate.number_format == "0.00%"
    assert values[rate.coordinate].value == pytest.approx(0.8554)


def test_selfeval_workbook_of_the_example(built):
    wb = load_workbook(io.BytesIO(built["示例2023绩效自评表.xlsx"]))
    assert wb.sheetnames == ["第一部分", "第二部分", "第二部分指标体系"]
    assert find(wb["第二部分"], "全年预算数") and find(wb["第二部分指标体系"], "合计")
    ws = wb["第一部分"]
    r, c = find(ws, "地方资金")
    assert ws.cell(r, c + 3).value == 0 and ws.cell(r, c + 5).value is None  # 预算数 0: no 执行率, no formula
    r, c = find(ws, "年度资金总额：")
    assert ws.cell(r, c + 5).value.startswith("=IFERROR(")
    assert ws.cell(r, c + 4).value == 556 and ws.cell(r, c + 4).number_format == "0.00"  # 556.00 as typed
    system = wb["第二部分指标体系"]
    r, c = find(system, "合计")
    assert system.cell(r, c + 7).number_format == "General"  # 分值 print as the report writes them: 10, 7.5


def test_every_document_of_the_example_passes_openxml_audit(built, tmp_path):
    for name, data in built.items():
        assert audit(tmp_path, name, data) == [], name


def test_a_figure_never_wraps_in_the_narrowest_form():
    """D2's eight columns: the money columns are widened to hold 21820.02 on one line at 五号."""
    from dataclasses import replace

    from generator.evaluation_grid_docx import fit_widths
    from generator.ooxml import TEXT_WIDTH, cjk_em

    wide = replace(form("D2"), money=[MoneyLine("年度资金总额：", fig("21820.02"), fig("15386.79"), fig("70.52%"))])
    grid = selfeval_grid(wide)
    widths = fit_widths(grid, TEXT_WIDTH, 21)
    assert sum(widths) == TEXT_WIDTH
    assert min(widths[4], widths[5]) >= cjk_em("21820.02") * 210 + 2 * 57
    plain = selfeval_grid(replace(wide, money=[MoneyLine("年度资金总额：", fig("1"), fig("1"), fig("100.00%"))]))
    assert fit_widths(plain, TEXT_WIDTH, 21)[4] < widths[4]  # the widening follows the figures


def test_a_fund_named_with_its_money_is_not_doubled():
    from generator.evaluation_report_text import money_of

    assert money_of("医疗服务与保障能力提升（公立医院综合改革）补助资金") == "医疗服务与保障能力提升（公立医院综合改革）补助资金"
    assert money_of("医疗服务与保障能力提升补助资金（中医药部分）") == "医疗服务与保障能力提升补助资金（中医药部分）资金"


def test_region_words_come_from_the_spec(built, tmp_path):
    texts = [text_of(p) for p in body_paragraphs(built["示例2023绩效自评报告.docx"])]
    assert "财政部随文下达新疆区域绩效目标，具体为：" in texts
    assert "（二）自治区资金安排、分解下达预算和绩效目标情况" in texts
    assert "2、一是将自评结果作为下年度资金分配的重要依据。" in texts  # 四、2 the application, then 3 公开
    forms = [text_of(p) for p in docx_part(built["示例2023绩效自评表.docx"]).iter(w("p"))]
    assert "新疆维吾尔自治区（医疗服务与保障能力提升补助资金（医疗保障服务能力提升部分））绩效自评表" in "".join(forms).replace("\n", "")
    other = SPEC.replace("region: 新疆 ", "region: 龙江 ").replace("region_full: 新疆维吾尔自治区", "region_full: 黑龙江省") \
                .replace("province_word: 自治区", "province_word: 省")
    path = tmp_path / "other.yaml"
    path.write_text(other, encoding="utf-8")
    report, files = render_spec(path)
    assert report.ok, [str(p) for p in report.errors]
    texts = [text_of(p) for p in body_paragraphs(files["示例2023绩效自评报告.docx"])]
    assert "财政部随文下达龙江区域绩效目标，具体为：" in texts and "（二）省资金安排、分解下达预算和绩效目标情况" in texts
    assert not any("新疆" in t for t in texts if t.startswith("指标"))


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
def test_libreoffice_lays_out_the_report(built, tmp_path):
    """The report as LibreOffice prints it: A4 pages, the 指标体系 on a landscape page, figures unbroken."""
    path = tmp_path / "report.docx"
    path.write_bytes(built["示例2023绩效自评报告.docx"])
    pdf = convert_cold([path], tmp_path)[0]
    info = subprocess.run(["pdfinfo", "-l", "99", str(pdf)], check=True, capture_output=True, text=True).stdout
    sizes = {(round(float(w)), round(float(h))) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)}
    assert sizes == {(595, 842), (842, 595)}  # A4 portrait, and landscape for the 指标体系
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "85.54%" in text and "88.6" in text and "医疗保障服务能力提升绩效评价指标体系" in text.replace(" ", "")


def test_the_same_spec_gives_the_same_bytes(built, tmp_path):
    path = tmp_path / "again.yaml"
    path.write_text(SPEC, encoding="utf-8")
    report, again = render_spec(path)
    assert report.ok and again == built
