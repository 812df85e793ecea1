"""Planted errors: each kind of bad input gives the right message at the right line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import check_spec

DATA = Path(__file__).parent / "data"
MINI = (DATA / "mini.yaml").read_text(encoding="utf-8")


def plant(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """Write mini.yaml with one substitution; return the path and the 1-based line of the change."""
    assert MINI.count(old) == 1, f"planting target not unique: {old!r}"
    text = MINI.replace(old, new)
    line = text[: text.index(new)].count("\n") + 1
    path = tmp_path / "batch.yaml"
    path.write_text(text, encoding="utf-8")
    return path, line


CASES = [
    # (id, old text, new text, severity, fragments expected in the message)
    ("type", "year: 2024\n", "year: 二〇二四\n", "error", ["notice.year", "应为整数"]),
    ("unknown-key", "  printer: 示例", "  printr: 示例", "error", ["未知的键「printr」", "printer"]),
    ("duplicate-unit", "      - {name: 乙县财政局, level: county, code: \"0019002\"}",
     "      - {name: 甲县财政局, level: county, code: \"0019002\"}", "error", ["单位标识「甲县财政局」重复"]),
    ("duplicate-code", "      - {name: 乙县财政局, level: county, code: \"0019002\"}",
     "      - {name: 乙县财政局, level: county, code: \"0019001\"}", "error", ["单位编码「0019001」重复"]),
    ("unknown-unit", "  - {unit: 甲县财政局, lab:", "  - {unit: 甲县财政厅, lab:", "error",
     ["allocations[2].unit", "单位名录中没有「甲县财政厅」", "甲县财政局"]),
    ("unknown-project", "      - {project: lab, measures:", "      - {project: labb, measures:", "error",
     ["没有标识为「labb」的项目"]),
    ("unknown-set", "      uses: [county]", "      uses: [countty]", "error", ["没有名为「countty」的指标模板"]),
    ("decimals", "{due: 60, advance: 60}", "{due: 60.125, advance: 60}", "error",
     ["allocations[2].lab.due", "3 位小数", "2 位"]),
    ("stated-total", "{of: total, measure: due, value: 227}", "{of: total, measure: due, value: 228}", "error",
     ["expected[0]", "声明为 228", "推算为 227"]),
    ("target-amount", "      amount: 67\n", "      amount: 70\n", "error", ["targets.tables[1].amount", "声明为 70", "67"]),
    ("wrong-level1", "        - [数量指标, 实验室数量, 1个]", "        - {l1: 效益指标, l2: 数量指标, name: 实验室数量, value: 1个}",
     "error", ["数量指标", "产出指标", "不应列在「效益指标」"]),
    ("unknown-level2", "        - [数量指标, 实验室数量, 1个]", "        - [可持续发展指标, 实验室数量, 1个]", "error",
     ["未知的二级指标「可持续发展指标」", "可持续影响指标"]),
    ("listed-not-produced", "    layouts: [region_county]", "    layouts: [region_city]", "error",
     ["已列入附件清单，但没有生成任何绩效目标表"]),
    ("produced-not-listed", "    - layout: region_county\n      unit: 甲市财政局", "    - layout: region_city\n      unit: 甲市财政局",
     "error", ["表样为「region_city」的绩效目标表不在任何附件中"]),
    ("missing-target", "  exempt: [省医院]", "  exempt: []", "error", ["「省医院」", "没有绩效目标表"]),
    ("negative", "{due: 100, advance: 40, perf: 5}", "{due: -100, advance: 40, perf: 5}", "error",
     ["allocations[0].lab.due", "不能为负数"]),
    ("negative-advance", "{due: 60, advance: 60}", "{due: 60, advance: -60}", "error", ["提前下达不能为负数"]),
    ("missing-slot", "请于收文{{ days }}日内", "请于收文{{ dayz }}日内", "error", ["dayz", "没有取值"]),
    ("no-signature", "  signature: 示例省财政厅\n", "  # 无落款\n", "warning", ["没有落款", "7.3.5"]),
    ("no-sign-date", "  sign_date: 2024-03-07\n", "  # 无成文日期\n", "warning", ["没有成文日期", "7.3.5"]),
    ("cc-without-full-stop", "  cc: [财政部示例监管局]\n", "  cc: [财政部示例监管局]\n  cc_end: \"\"\n", "warning",
     ["抄送", "句号", "7.4.2"]),
    ("level1-as-level2", "        - [数量指标, 实验室数量, 1个]", "        - [产出指标, 实验室数量, 1个]", "error",
     ["「产出指标」是一级指标", "数量指标"]),
    ("part-without-project", "{of: total, measure: this, value: 77}", "{of: total, measure: c, value: -3}", "error",
     ["分项「c」属于项目", "occ"]),
    ("defaults-typo", "prov_dept: 示例省卫生健康委}", "prov_dpt: 示例省卫生健康委}", "error",
     ["没有表头字段「prov_dpt」", "prov_dept"]),
    ("include-hidden-level", "      show_empty: [prefecture, city_body, county]",
     "      show_empty: [prefecture, city_body, county]\n      include: [甲市疾控中心]", "warning",
     ["rows.include", "甲市疾控中心", "不会显示"]),
    ("attachment-key-typo", "（附件{{ att.filing }}）", "（附件{{ att.filng }}）", "error",
     ["填空「filng」没有取值", "filing"]),
    ("column-label-slot", "      - {measure: advance}\n", "      - {measure: advance, label: \"{{ yaer }}年提前\"}\n", "error",
     ["列标题", "yaer"]),
    ("yaml-syntax", "  cc: [财政部示例监管局]", "  cc: [财政部示例监管局", "error", ["YAML 语法错误"]),
    ("control-char", "  printer: 示例省财政厅办公室", "  printer: 示例省财政厅\x07办公室", "error", ["控制字符"]),
    ("duplicate-key", "  copies: 10\n", "  copies: 10\n  copies: 12\n", "error", ["键「copies」重复"]),
]


@pytest.mark.parametrize("case_id, old, new, severity, fragments", CASES, ids=[c[0] for c in CASES])
def test_planted_error(tmp_path, case_id, old, new, severity, fragments):
    path, line = plant(tmp_path, old, new)
    report = check_spec(path)
    found = [p for p in report.problems if p.severity == severity and all(f in str(p) for f in fragments)]
    assert found, f"no {severity} with {fragments}; got:\n" + "\n".join(map(str, report.problems))
    problem = found[0]
    assert problem.loc is not None and problem.loc.file.endswith("batch.yaml")
    # the message points at the planted line, or (for whole-table checks) at the entry that holds it
    assert abs(problem.loc.line - line) <= 12, f"line {problem.loc.line}, planted at {line}: {problem}"
    assert not report.ok or severity == "warning"


def test_clean_spec_has_no_problems():
    report = check_spec(DATA / "mini.yaml")
    assert report.problems == []


def test_all_problems_reported_at_once(tmp_path):
    text = MINI.replace("printer:", "printr:").replace("value: 227", "value: 1").replace("uses: [county]", "uses: [x]")
    path = tmp_path / "batch.yaml"
    path.write_text(text, encoding="utf-8")
    messages = "\n".join(str(p) for p in check_spec(path).problems)
    assert "printr" in messages and "没有名为「x」的指标模板" in messages


def test_weights_must_add_to_layout_total(tmp_path):
    spec = tmp_path / "w.yaml"
    body = MINI.replace("    layouts: [region_county]", "    layouts: [region_county, project_expenditure]")
    body += """    - layout: project_expenditure
      unit: 省医院
      fields: {project_name: 示例, budget_unit: 省医院, leader: 张三}
      goal: 目标
      indicators:
        - [数量指标, 服务人数, ≥100人, 计划标准, /, 50, 按照完成比例赋分, 工作资料]
        - [服务对象满意度指标, 满意度, ≥90%, 计划标准, /, 30, 满意度赋分, 工作资料]
"""
    spec.write_text(body, encoding="utf-8")
    problems = [str(p) for p in check_spec(spec).problems]
    assert any("权重合计为 80" in p and "应为 90" in p for p in problems), problems


@pytest.mark.parametrize("weight", [".nan", "-5", "1.0e+1", "十"])
def test_a_weight_that_is_no_plain_number_is_refused_at_its_indicator(tmp_path, weight):
    spec = tmp_path / "w.yaml"
    body = MINI.replace("    layouts: [region_county]", "    layouts: [region_county, project_expenditure]")
    body += f"""    - layout: project_expenditure
      unit: 省医院
      fields: {{project_name: 示例, budget_unit: 省医院, leader: 张三}}
      goal: 目标
      indicators:
        - [数量指标, 服务人数, ≥100人, 计划标准, /, {weight}, 按照完成比例赋分, 工作资料]
        - [服务对象满意度指标, 满意度, ≥90%, 计划标准, /, 40, 满意度赋分, 工作资料]
"""
    spec.write_text(body, encoding="utf-8")
    line = body.splitlines().index(f"        - [数量指标, 服务人数, ≥100人, 计划标准, /, {weight}, 按照完成比例赋分, 工作资料]") + 1
    errors = [p for p in check_spec(spec).errors if "指标分值权重" in p.message]
    assert errors and errors[0].loc.line == line and "不是数字" in errors[0].message, errors


def test_set_goal_typo_reported_once_at_the_set(tmp_path):
    path, line = plant(tmp_path, "      goal: 通过投入{{ amount }}万元", "      goal: 通过投入{{ amout }}万元")
    text = path.read_text(encoding="utf-8").replace("      units: [甲县财政局]", "      units: [甲县财政局, 乙县财政局]")
    path.write_text(text, encoding="utf-8")
    hits = [p for p in check_spec(path).problems if "amout" in p.message]
    assert len(hits) == 1 and hits[0].loc.line == line, [str(p) for p in hits]


def test_errors_of_every_stage_in_one_run(tmp_path):
    """A structural error does not hide arithmetic errors: one run lists both."""
    path, _ = plant(tmp_path, "  printer: 示例", "  printr: 示例")
    text = path.read_text(encoding="utf-8").replace("value: 227}", "value: 228}")
    path.write_text(text, encoding="utf-8")
    messages = [str(p) for p in check_spec(path).problems]
    assert any("printr" in m for m in messages) and any("声明为 228" in m for m in messages), messages
