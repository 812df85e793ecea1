"""Document kinds: a spec says what it is; `check` requires only that kind's keys and says which it assumed."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import NS, docx_part, paragraphs, text_of

from generator.pipeline import check_spec, render_spec

ROOT = Path(__file__).resolve().parent.parent
BOOK = """\
kind: book
book:
  title: 示例局2025年度项目支出绩效目标表
  department: 示例局
  year: 2025
  date: 2025-01-20
  cover:
    title_lines: ["{{ department }}", "{{ year }}年度项目支出绩效目标表"]
    lines: ["预算部门：{{ department }}", "{{ date }}"]
targets:
  defaults: {budget_unit: 示例局, leader: 张三}
  tables:
    - layout: project_expenditure
      fields: {project_name: 设备更新}
      amount: 1234.5
      goal: 更新设备。
      indicators:
        - [数量指标, 更新设备数量, 20台, 计划, 18台, 90, 完成得满分, 验收单]
    - layout: project_expenditure
      fields: {project_name: 人员培训}
      amount: 56.5
      goal: 培训人员。
      indicators:
        - [数量指标, 培训人数, 100人, 计划, 90人, 90, 完成得满分, 签到表]
"""


def write(tmp_path: Path, text: str, name: str = "book.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]


def test_book_needs_no_notice_and_says_its_kind(tmp_path):
    report = check_spec(write(tmp_path, BOOK))
    assert report.ok, messages(report)
    assert report.kind.name == "book"
    assert report.kind_line == "按“绩效目标表册（独立文件）”类文件检查（kind: book）"


def test_batch_without_kind_is_checked_as_a_batch_and_says_so(tmp_path):
    text = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    assert text.startswith("kind: batch") or "kind:" not in text.split("\n", 1)[0]
    bare = "\n".join(line for line in text.splitlines() if not line.startswith("kind:"))
    report = check_spec(write(tmp_path, bare, "mini.yaml"))
    assert report.kind.name == "batch"
    assert report.kind_line == "按“资金下达通知批次”类文件检查（未写 kind，默认为 batch）"


def test_a_batch_still_requires_its_notice(tmp_path):
    report = check_spec(write(tmp_path, "kind: batch\nunits: [{name: 甲县, level: county}]\n"
                                        "projects: [{id: p, name: 项目}]\n"))
    assert any("缺少必填项「notice」" in m for m in messages(report)), messages(report)


def test_book_requires_only_its_own_keys(tmp_path):
    text = BOOK.replace("  department: 示例局\n", "")
    report = check_spec(write(tmp_path, text))
    found = messages(report)
    assert any("book.yaml:3:3: book" in m and "缺少必填项「department」" in m for m in found), found
    assert not any("notice" in m or "doc_number" in m or "printer" in m or "表册中没有" in m for m in found), found


def test_book_rejects_notice_keys_with_the_kind_label(tmp_path):
    report = check_spec(write(tmp_path, BOOK + "notice: {issuer: 示例局}\n"))
    assert any("未知的键「notice」" in m for m in messages(report)), messages(report)


def test_book_table_without_amount_where_the_layout_prints_one(tmp_path):
    report = check_spec(write(tmp_path, BOOK.replace("      amount: 56.5\n", "")))
    assert any("book.yaml:19:7: targets.tables[1]" in m and "应写 amount" in m for m in messages(report)), messages(report)


def test_unknown_and_shared_kinds_are_named(tmp_path):
    unknown = check_spec(write(tmp_path, "kind: bok\n"))
    assert any("book.yaml:1:7: kind" in m and "未知的文件类型 kind: bok" in m and "book（" in m
               for m in messages(unknown)), messages(unknown)
    shared = check_spec(write(tmp_path, "kind: registry\nunits: []\n", "reg.yaml"))
    assert any("单位名录文件" in m and "不能单独检查" in m for m in messages(shared)), messages(shared)


def test_book_renders_without_notice_or_attachment_label(tmp_path):
    report, files = render_spec(write(tmp_path, BOOK))
    assert report.ok, messages(report)
    assert sorted(files) == ["示例局2025年度项目支出绩效目标表.docx", "示例局2025年度项目支出绩效目标表.xlsx"]
    root = docx_part(files["示例局2025年度项目支出绩效目标表.docx"])
    texts = [text_of(p) for p in paragraphs(root)]
    assert texts[:4] == ["示例局", "2025年度项目支出绩效目标表", "预算部门：示例局", "2025年1月20日"]
    assert not any("附件" in t or "〔" in t or "通知" in t for t in texts), texts
    # the cover is its own section with no page number (titlePg, no first-page footer); tables count from 1
    sections = root.findall(".//w:sectPr", NS)
    assert sections[0].find("w:titlePg", NS) is not None
    assert sections[-1].find("w:pgNumType", NS).get(f"{{{NS['w']}}}start") == "1"
    assert sum(t == "项目支出绩效目标表" for t in texts) == 2
    wb = openpyxl.load_workbook(io.BytesIO(files["示例局2025年度项目支出绩效目标表.xlsx"]))
    assert wb.sheetnames == ["封面", "设备更新", "人员培训"]
    cells = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("附件" in c for c in cells), cells
    assert wb["封面"]["A7"].value == "示例局"


def test_cli_check_prints_the_kind(tmp_path):
    spec = write(tmp_path, BOOK)
    done = subprocess.run([sys.executable, "-m", "generator", "check", str(spec)], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert "按“绩效目标表册（独立文件）”类文件检查（kind: book）：通过，0 个警告" in done.stdout


def test_every_kind_has_a_label_and_four_steps():
    from generator.kinds import kinds

    assert set(kinds()) == {"batch", "book", "budget", "evaluation"}
    for kind in kinds().values():
        assert kind.label and "kind" in kind.keys
        assert all(callable(f) for f in (kind.load, kind.derive, kind.validate, kind.render, kind.summary))


@pytest.mark.parametrize("spec, number, title, year, issuer", [
    ("heilongjiang-2023-256.yaml", "黑财指（社）〔2023〕256号",
     "2023年中央财政医疗服务与保障能力提升（医疗卫生机构能力建设）补助资金", "2023", "黑龙江省财政厅"),
    ("agri-dept-2025-book.yaml", "", "示例县农业农村局2025年度项目支出绩效目标表", "2025", "示例县农业农村局"),
    ("haigang-health-budget-2025.yaml", "", "秦皇岛市海港区卫生健康局2025年部门预算", "2025", "秦皇岛市海港区卫生健康局"),
    ("xinjiang-selfeval-2023.yaml", "",
     "新疆维吾尔自治区医疗服务与保障能力提升补助资金中央专项转移支付2023年度绩效自评报告", "2023", "新疆维吾尔自治区"),
])
def test_each_kind_summarises_its_document_for_the_batches_page(spec, number, title, year, issuer):
    from generator.kinds import Summary
    from generator.pipeline import check_spec

    report = check_spec(ROOT / "specs" / "examples" / spec)
    assert report.kind.summary(report.derived) == Summary(number, title, year, issuer)


def test_bulk_build_writes_a_book_and_skips_its_layouts(tmp_path):
    from generator.bulk import build_all, find_specs

    folder = tmp_path / "specs"
    (folder / "layouts").mkdir(parents=True)
    (folder / "layouts" / "mine.yaml").write_text("kind: target_layout\ntitle: x\n", encoding="utf-8")
    write(folder, BOOK)
    assert find_specs([folder]) == ([folder / "book.yaml"], [])
    buf = io.StringIO()
    assert build_all([folder], tmp_path / "out", jobs=1, stream=buf) == 0, buf.getvalue()
    built = sorted(p.name for p in (tmp_path / "out" / "book").iterdir())
    assert "示例局2025年度项目支出绩效目标表.docx" in built and "示例局2025年度项目支出绩效目标表.xlsx" in built
