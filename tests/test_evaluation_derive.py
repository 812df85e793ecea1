"""Derived figures of a self-evaluation: the rule set, the tables, scores, batch-spec references, included parts."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from generator.evaluation_model import Actual, Indicator, Target
from generator.evaluation_rules import completion, deviation, execution_score, grade, percent, rounded
from generator.evaluation_values import parse_actual, parse_target
from generator.model import Loc
from generator.pipeline import check_spec

ROOT = Path(__file__).resolve().parent.parent
HERE = Loc("t.yaml", 1, 1, "x")
D = Decimal


def indicator(target: str, *actuals: str, **kw) -> Indicator:
    return Indicator("数量指标", "指标", parse_target(target, HERE), [parse_actual(a, HERE) for a in actuals], HERE, **kw)


def test_rounding_is_half_up_never_truncation():
    assert rounded(D("117.647"), 2) == D("117.65")  # the seed truncated this one to 117.64
    assert rounded(D("81.485"), 2) == D("81.49") and rounded(D("8.15"), 1) == D("8.2")
    assert percent(D("5347.89"), D("6563")) == D("81.49")
    assert percent(D("1"), D("0")) is None


@pytest.mark.parametrize("rate, places, score", [
    ("81.49", 1, "8.1"), ("78.09", 1, "7.8"), ("4.50", 2, "0.45"), ("5.55", 2, "0.56"), ("87.07", 1, "8.7"),
    ("70.52", 2, "7.05"), ("91.44", 2, "9.14"), ("100.00", 2, "10.00"), ("123.00", 2, "10.00")])
def test_execution_score_is_capped_rate_times_ten(rate, places, score):
    assert execution_score(D(rate), places) == D(score)


def test_completion_higher_lower_and_text():
    assert completion(indicator("≥3个", "3个"))[0] == D("100.00")
    assert completion(indicator("≧1个", "3个"))[0] == D("300.00")
    assert completion(indicator("≤8天", "8.3天"))[:2] == (D("96.39"), "down")  # 8 / 8.3
    assert completion(indicator("<=320", "349.10"))[0] == D("91.66")  # a failing lower-is-better: 目标/实际
    assert completion(indicator("≥90％", "95.40%"))[0] == D("106.00")  # ％ and % are one unit
    assert completion(indicator("120元∕人∕天", "120元/人/天"))[0] == D("100.00")
    assert completion(indicator("显著提升", "显著提升"))[:2] == (D("100.00"), "text")
    assert completion(indicator("显著提升", "有所提升", met=False))[0] == D("0.00")
    assert completion(indicator("显著提升", "有所提升"))[2].startswith("文字指标值「显著提升」与实际完成值「有所提升」不同")
    assert completion(indicator("≥90%", "88%", "91%"))[0] == D("97.78")  # the lowest of the cell's values
    assert completion(indicator("≥90%", "95个"))[2].startswith("实际完成值「95个」的单位「个」")


def test_completion_against_the_prior_year_and_zero_cases():
    prev = parse_actual("30.45%", HERE)
    assert completion(indicator("较上年提高", "32.55%", prev_actual=prev))[0] == D("106.90")
    assert completion(indicator("较上年降低", "11.49", prev_actual=parse_actual("13.21", HERE)))[0] == D("114.97")
    assert completion(indicator("≤5%", "0%"))[0] == D("100.00")  # lower is better, actual 0
    assert completion(indicator("≤0起", "1起"))[0] == D("0.00")  # target 0, something happened
    assert completion(indicator("≥0个", "0个"))[0] == D("100.00")
    assert completion(indicator("≥1个", "1个", direction="down"))[1] == "down"


def test_deviation_and_grades():
    assert deviation(D("86.22")) == D("13.78") and deviation(D("114.97")) == D("14.97")
    assert [grade(D(x)) for x in ("90", "89.99", "80", "79.9", "60", "59.99")] == ["优", "良", "良", "中", "中", "差"]


def test_values_are_parsed_with_their_units():
    t = parse_target("≥2台(套)", HERE)
    assert (t.op, t.number, t.unit) == ("≥", D("2"), "台(套)")
    assert parse_target("2023年11月30日", HERE).number is None  # a date is a text target
    assert parse_target("较上年提高（≥30.45%）", HERE).number is None
    assert parse_target("0.69", HERE) == Target("0.69", None, D("0.69"), "", HERE)
    assert parse_actual("≥95%", HERE).number is None  # an actual with a comparator is a text
    assert parse_actual("95.40％", HERE) == Actual("95.40％", D("95.40"), "%", HERE)


SPEC = """\
kind: evaluation
report: {title: 测试绩效自评报告, year: 2023}
parts:
  - title: （测试）
    fund: 测试资金
    score_decimals: 1
    funding:
      central: {budget: 200, spent: 163}
      local: {budget: 50, spent: 50}
    indicators:
      - {category: 数量指标, name: 甲, target: ≥10个, actual: 10个}
      - {category: 数量指标, name: 乙, target: ≥10个, actual: 5个, reason: 进度慢。}
      - {category: 时效指标, name: 丙, target: 2023年11月30日, actual: 2023年11月30日}
      - {category: 服务对象满意度指标, name: 丁, target: ≥90%, actual: 95%}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_equal_split_missing_category_and_funding(tmp_path):
    report = check_spec(write(tmp_path / "e.yaml", SPEC))
    assert report.ok, [str(p) for p in report.problems]
    part = report.derived.parts[0]
    total = part.funding.rows["total"]
    assert total.values == {"budget": D("250"), "spent": D("213")} and total.rate == D("85.20")
    assert [v.points for v in part.indicators[:3]] == [D(50) / 3] * 3
    assert [v.number for v in part.indicators] == [1, 2, 3, 4]
    # 产出 50/3 × (1 + 0.5 + 1) = 41.666… → 41.7; 效益 missing → full 30 (and said so); 满意度 10
    assert part.score.categories == {"产出指标": D("41.7"), "效益指标": D("30.0"), "满意度指标": D("10.0")}
    assert part.score.missing_categories == ["效益指标"]
    assert part.score.execution == D("8.5") and part.score.total == D("90.2") and part.score.grade == "优"
    assert [v.source.name for v in part.shortfalls] == ["乙"] and part.overshoots == []
    assert "质量指标" in part.missing_l2 and "时效指标" not in part.missing_l2
    assert part.heading == "第一部分（测试）"


BATCH = ROOT / "specs" / "examples" / "xinjiang-2024-24.yaml"


def referencing(tmp_path: Path, extra: str = "") -> str:
    ref = os.path.relpath(BATCH, tmp_path)
    return f"""\
kind: evaluation
report: {{title: 引用测试, year: 2024}}
parts:
  - title: （基本公共卫生服务）
    fund: 基本公共卫生服务补助资金
    province_batches:
      - {{id: second, spec: {ref}, label: 第二批}}
    funding:
      central: {{budget: 3327, spent: 3000}}
{extra}"""


def test_a_batch_spec_supplies_header_allocation_and_target_tables(tmp_path):
    report = check_spec(write(tmp_path / "e.yaml", referencing(tmp_path)))
    assert report.ok, [str(p) for p in report.problems]
    part = report.derived.parts[0]
    batch = part.part.province[0]
    assert (batch.doc_no, batch.date, batch.amount) == ("新财社〔2024〕24号", "2024年4月28日", D("3327"))
    rows = {r.label: r for r in part.allocation.rows}
    assert rows["合计"].values == {"second": D("3327"), "total": D("3327")}
    assert rows["自治区本级小计"].values["total"] == D("210") and rows["自治区人民医院"].values["second"] == D("50")
    assert part.allocation.columns == [("second", "第二批"), ("total", "合计")]
    tables = part.part.unit_tables
    assert len(tables) == 19 and tables[0].unit == "自治区卫生健康委" and tables[0].source == BATCH
    first = tables[0].indicators[0]
    assert (first.l2, first.target.op, first.target.number, first.target.unit) == ("数量指标", "≥", D("125000"), "人")


def test_a_batch_amount_typed_again_is_an_error(tmp_path):
    extra = "    allocation:\n      rows:\n        - {unit: 自治区人民医院, second: 50}\n"
    text = referencing(tmp_path, extra)
    report = check_spec(write(tmp_path / "e.yaml", text))
    line = text.splitlines().index("        - {unit: 自治区人民医院, second: 50}") + 1
    assert any("「自治区人民医院」在批次「second」的金额已由引用的批次描述文件给出（50）" in p.message and p.loc.line == line
               for p in report.errors), [str(p) for p in report.problems]


def test_a_batch_reference_outside_the_roots_is_refused(tmp_path):
    outside = write(tmp_path / "elsewhere" / "b.yaml", BATCH.read_text(encoding="utf-8"))
    text = referencing(tmp_path / "specs").replace(os.path.relpath(BATCH, tmp_path / "specs"),
                                                  os.path.relpath(outside, tmp_path / "specs"))
    report = check_spec(write(tmp_path / "specs" / "e.yaml", text))
    assert any("批次描述文件" in p.message and "指向允许的文件夹之外" in p.message for p in report.errors)


def test_a_part_may_stand_in_its_own_file(tmp_path):
    part = "kind: evaluation_part\n" + "\n".join(line[4:] for line in SPEC.splitlines()[3:]) + "\n"
    part = part.replace("actual: 5个, reason: 进度慢。", "actual: 5个")
    write(tmp_path / "parts" / "p1.yaml", part)
    top = "kind: evaluation\nreport: {title: 测试, year: 2023}\nparts:\n  - include: parts/p1.yaml\n"
    report = check_spec(write(tmp_path / "e.yaml", top))
    (problem,) = report.errors
    line = next(i for i, text in enumerate(part.splitlines(), 1) if "name: 乙" in text)
    assert problem.loc.file.endswith("parts/p1.yaml") and problem.loc.line == line
    assert "须写未完成原因" in problem.message
    assert report.derived.parts[0].part.fund == "测试资金"


def test_several_targets_negative_baselines_and_qualified_units():
    two = Indicator("服务对象满意度指标", "满意度", parse_target("≥87%，≥91%", HERE),
                    [parse_actual("88%", HERE), parse_actual("91%", HERE)], HERE,
                    targets=(parse_target("≥87%", HERE), parse_target("≥91%", HERE)))
    assert completion(two)[0] == D("100.00")  # 91/91 is the lower of 101.15 and 100
    worse = indicator("较上年降低", "-1.60%", prev_actual=parse_actual("-7.38%", HERE))
    better = indicator("较上年降低", "-9%", prev_actual=parse_actual("-7.38%", HERE))
    assert completion(worse)[0] == D("0.00") and completion(better)[0] == D("100.00")
    assert completion(indicator("较上年降低", "13.35%", prev_actual=parse_actual("-3.29%", HERE)))[0] == D("0.00")
    assert completion(indicator("较上年提高", "1%", prev_actual=parse_actual("2%", HERE), met=True))[0] == D("100.00")
    assert completion(indicator("80%及以上", "85%"))[0] == D("106.25")
    assert parse_target("80%及以上达到推荐标准", HERE).number is None  # a sentence, not a unit
    assert completion(indicator("80%及以上达到推荐标准", "0%", met=False))[0] == D("0.00")


def test_target_list_and_unnamed_groups_and_year_dates(tmp_path):
    text = SPEC.replace("target: ≥90%, actual: 95%", "target: [≥87%, ≥91%], actual: [88%, 95%]").replace(
        "    funding:", "    province_batches:\n      - {doc_no: 新财社〔2023〕175号, date: 2023, amount: 200}\n"
                       "    execution:\n      as_of: 2023-12-31\n      unit_label: 地州\n      groups:\n"
                       "        - rows: [{unit: 自治区本级小计, budget: 150, spent: 120}]\n"
                       "        - name: 各地\n          rows: [{unit: 乌鲁木齐, budget: 50, spent: 43}]\n"
                       "    funding:")
    report = check_spec(write(tmp_path / "e.yaml", text))
    assert report.ok, [str(p) for p in report.problems]
    part = report.derived.parts[0]
    assert part.part.province[0].date == "2023年" and part.part.execution.unit_label == "地州"
    assert [(r.label, r.kind) for r in part.execution.rows] == [
        ("合计", "total"), ("自治区本级小计", "leaf"), ("各地小计", "subtotal"), ("乌鲁木齐", "leaf")]
    last = part.indicators[-1]
    assert last.source.target.text == "≥87%，≥91%" and last.actual_text == "88%，95%"
    assert last.completion == D("101.15")  # min(88/87, 95/91) = min(101.15, 104.40)


def test_a_spec_reference_to_itself_or_another_kind_is_refused(tmp_path):
    text = referencing(tmp_path).replace(os.path.relpath(BATCH, tmp_path), "e.yaml")
    report = check_spec(write(tmp_path / "e.yaml", text))
    assert any("「e.yaml」不是批次描述文件（应为 kind: batch）" in p.message for p in report.errors)
