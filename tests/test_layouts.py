"""A province's own layout (docs/examples/region-with-notes.yaml) works without Python changes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from generator.pipeline import check_spec

ROOT = Path(__file__).resolve().parent.parent
MINI = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
LAYOUT = ROOT / "docs" / "examples" / "region-with-notes.yaml"
CUSTOM = """    - layout: region-with-notes.yaml
      unit: 乙县财政局
      fields: {project_name: 示例能力提升补助资金, local_finance: 乙县财政局}
      goal: 提升县级医院能力。
      indicators:
        - [数量指标, 受支持的县级医院数量, 1家, 以验收报告为准]
        - [服务对象满意度指标, 患者满意度, ≥90%, 问卷调查]
"""


@pytest.fixture
def custom_batch(tmp_path):
    # a layout file beside the spec: references resolve inside the spec's own folder tree (generator/references.py)
    (tmp_path / "region-with-notes.yaml").write_bytes(LAYOUT.read_bytes())
    text = MINI.replace("    layouts: [region_county]", "    layouts: [region_county, region-with-notes.yaml]")
    path = tmp_path / "custom.yaml"
    path.write_text(text + CUSTOM, encoding="utf-8")
    return path


def test_custom_layout_derives(custom_batch):
    report = check_spec(custom_batch)
    assert report.ok, "\n".join(map(str, report.problems))
    view = report.derived.targets[-1]
    assert view.layout.title == "区域绩效目标表"
    assert view.layout.grid == ["l1", "l2", "name", "value", "evidence"]
    assert [(r.l1, r.name, r.extra["evidence"]) for r in view.rows] == [
        ("产出指标", "受支持的县级医院数量", "以验收报告为准"), ("满意度指标", "患者满意度", "问卷调查")]


def test_custom_layout_header_that_does_not_fill_the_grid_is_reported(tmp_path, custom_batch):
    layout = (ROOT / "docs" / "examples" / "region-with-notes.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(layout.replace("{field: project_name, span: 4}", "{field: project_name, span: 3}"), encoding="utf-8")
    text = custom_batch.read_text(encoding="utf-8").replace("region-with-notes.yaml", "broken.yaml")
    custom_batch.write_text(text, encoding="utf-8")
    messages = [str(p) for p in check_spec(custom_batch).problems]
    assert any("表头第 1 行占 4 列" in m and "共 5 列" in m for m in messages), messages


def test_custom_layout_renders_in_word_and_excel(custom_batch):
    pytest.importorskip("generator.render_notice")
    pytest.importorskip("generator.render_xlsx")
    from generator.pipeline import render_spec

    report, files = render_spec(custom_batch)
    assert report.ok
    docx = next(b for n, b in files.items() if n.endswith(".docx"))
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    assert "指标解释" in document and "以验收报告为准" in document
    xlsx = [b for n, b in files.items() if n.endswith(".xlsx")]
    assert any("以验收报告为准".encode() in zipfile.ZipFile(io.BytesIO(b)).read("xl/sharedStrings.xml")
               for b in xlsx if "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(b)).namelist())


# ── validation of a layout file: every problem at the value's own file:line:col ────────────────────

GOOD = """\
kind: target_layout
title: 区域绩效目标表
grid: [l1, l2, name, value, evidence]
widths: [4, 6, 16, 6, 8]
fields: {project_name: 项目名称, local_finance: 县级财政部门}
header:
  - [{text: 项目名称}, {field: project_name, span: 4}]
  - [{text: 县级财政部门}, {field: local_finance, span: 4}]
  - [{text: 年度资金（万元）}, {value: amount, span: 4}]
  - [{text: 年度目标}, {value: goal, span: 4}]
indicator_header: [一级指标, 二级指标, 三级指标, 指标值, 指标解释]
indicator_fields: [l2, name, value, evidence]
"""


def layout_problems(tmp_path, custom_batch, layout_text: str) -> list[str]:
    """The problems of the custom batch when its own layout file holds this text."""
    path = tmp_path / "my-layout.yaml"
    path.write_text(layout_text, encoding="utf-8")
    text = custom_batch.read_text(encoding="utf-8").replace("region-with-notes.yaml", path.name)
    custom_batch.write_text(text, encoding="utf-8")
    return [str(p) for p in check_spec(custom_batch).errors]


def test_the_good_layout_has_no_problems(tmp_path, custom_batch):
    assert layout_problems(tmp_path, custom_batch, GOOD) == []


@pytest.mark.parametrize("old, new, where, message", [
    # a repeated role would print the same text twice: reported at the second one
    ("grid: [l1, l2, name, value, evidence]", "grid: [l1, l2, name, name, evidence]", ":3:22: grid[3]",
     "grid 中「name」重复出现（第 3 项和第 4 项）"),
    # 4 items, one spanning two columns, fill 5 columns: no problem; 4 single items do not
    ("indicator_header: [一级指标, 二级指标, 三级指标, 指标值, 指标解释]", "indicator_header: [一级指标, 二级指标, 三级指标, 指标值]",
     ":11:19: indicator_header", "indicator_header（指标表头）第 1 行占 4 列（含 span 和上方跨行单元格），grid 共 5 列"),
    ("widths: [4, 6, 16, 6, 8]", "widths: [4, 6, 16, 6]", ":4:9: widths", "widths 有 4 项，grid 共 5 列"),
    # a slot's syntax error at the cell's own position
    ("- [{text: 年度目标}, {value: goal, span: 4}]", '- [{text: "年度{{ year }目标"}, {value: goal, span: 4}]',
     ":10:13: header[3][0].text", "填空写法有误"),
    ("title: 区域绩效目标表", 'title: ["区域绩效目标表", "{{ year"]', ":2:20: title[1]", "填空写法有误"),
    ("[{text: 项目名称}, {field: project_name, span: 4}]", "[{text: 项目名称, align: middle}, {field: project_name, span: 4}]",
     ":7:26: header[0][0].align", "「align」的值「middle」无效，可选：center、left、right"),
    ("{value: amount, span: 4}]\n  - [{text: 年度目标}",
     "{value: amount, span: 4, format: money}]\n  - [{text: 年度目标}", ":9:57: header[2][1].format",
     "没有名为「money」的数字格式（可选：compact、amount；或在 formats 中定义）"),
    ("  - [{text: 县级财政部门}, {field: local_finance, span: 4}]",
     "  - {when: local_finance, cells: [{text: 县级财政部门, rowspan: 2}, {field: local_finance, span: 4}]}",
     ":8:34: header[1].cells", "带 when 的可选表头行不能有跨行（rowspan）单元格"),
    ("{text: 项目名称}, {field", "{text: 项目名称, default: 名称}, {field", ":7:28: header[0][0].default",
     "default 只用于 field 单元格"),
    # sub-title lines placed per line: every mistake at the line or the key
    ("title: 区域绩效目标表\n", "title: 区域绩效目标表\nsubtitle: [{left: 单位, align: left}]\n", ":3:12: subtitle[0]",
     "要么写 text 和 align，要么写 left/center/right，不能混用"),
    ("title: 区域绩效目标表\n", "title: 区域绩效目标表\nsubtitle: [{}]\n", ":3:12: subtitle[0]", "这一行没有文字"),
    ("title: 区域绩效目标表\n", "title: 区域绩效目标表\nsubtitle: [{lefft: 单位}]\n", ":3:13: subtitle[0].lefft",
     "未知的键「lefft」，您是不是想写「left」？"),
    ("title: 区域绩效目标表\n", "title: 区域绩效目标表\nsubtitle: [{text: 单位, align: top}]\n", ":3:30: subtitle[0].align",
     "「align」的值「top」无效"),
    ("title: 区域绩效目标表\n", 'title: 区域绩效目标表\nsubtitle: [{right: "{{ year }"}]\n', ":3:20: subtitle[0].right",
     "填空写法有误"),
    ("title: 区域绩效目标表\n", "title: 区域绩效目标表\nsubtitle: [[单位]]\n", ":3:12: subtitle[0]", "每一行应为文字"),
])
def test_layout_problems_name_the_value(tmp_path, custom_batch, old, new, where, message):
    assert old in GOOD
    found = layout_problems(tmp_path, custom_batch, GOOD.replace(old, new))
    assert any(f"my-layout.yaml{where}" in m and message in m for m in found), found


def test_indicator_header_with_a_spanning_item_counts_its_columns(tmp_path, custom_batch):
    text = GOOD.replace("grid: [l1, l2, name, value, evidence]", "grid: [l1, l2, {role: name, span: 2}, value, evidence]")
    text = text.replace("indicator_header: [一级指标, 二级指标, 三级指标, 指标值, 指标解释]",
                        "indicator_header: [一级指标, 二级指标, {text: 三级指标, span: 2}, 指标值, 指标解释]")
    text = text.replace("span: 4", "span: 5")
    assert layout_problems(tmp_path, custom_batch, text.replace("widths: [4, 6, 16, 6, 8]", "widths: [4, 6, 8, 8, 6, 8]")) == []
    assert any("grid 共 6 列" in m for m in layout_problems(tmp_path, custom_batch, text))  # widths: 5 of 6


def test_an_unknown_slot_in_a_header_cell_is_reported_at_the_cell(tmp_path, custom_batch):
    text = GOOD.replace("- [{text: 年度目标}, {value: goal, span: 4}]", '- [{text: "{{ nosuch }}目标"}, {value: goal, span: 4}]')
    found = layout_problems(tmp_path, custom_batch, text)
    assert any("my-layout.yaml:10:6: header[3][0]" in m and "nosuch" in m for m in found), found


def test_sheet_names_of_a_notice_attachment_from_a_template(custom_batch):
    import openpyxl

    from generator.pipeline import render_spec

    text = custom_batch.read_text(encoding="utf-8").replace(
        "    title: 中央对地方转移支付区域绩效目标表\n",
        '    title: 中央对地方转移支付区域绩效目标表\n    sheet_name: "{{ index }}-{{ unit.name }}{{ fields.project_name }}"\n')
    custom_batch.write_text(text, encoding="utf-8")
    report, files = render_spec(custom_batch)
    assert report.ok, [str(p) for p in report.problems]
    data = next(b for n, b in files.items() if n.endswith(".xlsx") and "绩效目标表" in n)
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert names == [f"{i}-{v.unit.name}{v.fields['project_name']}"[:31] for i, v in enumerate(report.derived.targets, 1)]
    broken = text.replace("{{ index }}-", "{{ nosuch }}-")
    custom_batch.write_text(broken, encoding="utf-8")
    found = [str(p) for p in check_spec(custom_batch).errors]
    assert any("custom.yaml:" in m and ".sheet_name" in m and "nosuch" in m for m in found), found
