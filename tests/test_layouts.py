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
