"""docs/evaluation.md: its YAML example loads and checks clean with the figures the text says; every key the
reader accepts is documented; the rounding rule is stated; spec.md and the README point to it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from generator import evaluation_spec, evaluation_spec_tables, evaluation_targets
from generator.evaluation_model import MGMT_ITEMS, TEXT_KEYS
from generator.pipeline import check_spec

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
D = Decimal


def example() -> str:
    """The YAML block under "## Example"."""
    section = DOC.split("\n## Example\n", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_the_example_checks_clean_with_the_figures_the_docs_state(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(example(), encoding="utf-8")
    report = check_spec(path)
    assert report.ok and not report.warnings, [str(p) for p in report.problems]
    first, second = report.derived.parts
    assert first.allocation.total.values == {"advance": D(700), "second": D(-50), "total": D(650)}
    assert first.execution.total.values["spent"] == D("556.00") and first.execution_rate == D("85.54")
    score = first.score
    assert (score.execution, score.total, score.grade) == (D("8.6"), D("88.6"), "良")
    assert score.categories == {"产出指标": D("40.0"), "效益指标": D("30.0"), "满意度指标": D("10.0")}
    assert [v.source.name for v in first.shortfalls] == ["中医药统计信息平台建设数量"]
    assert [v.source.name for v in first.overshoots] == ["中医治疗优势病种项目建设数量"]
    assert first.indicators[-1].completion == D("101.11") and first.missing_l2 == ["时效指标", "经济效益指标", "生态效益指标"]
    assert second.funding.rows["total"].rate == D("75.00")
    assert [r.l1_label for r in second.system.rows][::2] == ["项目决策(18分)", "过程管理(22分)", "产出指标(50分)"]
    assert (second.score.total, second.score.grade, second.score.from_system) == (D("97.00"), "优", True)
    for figure in ("85.54%", "8.6", "88.6 → 良", "101.11%", "75.00%", "= 97 → 优"):
        assert figure in DOC


def test_every_key_the_reader_accepts_is_documented_and_used_in_the_example():
    keys = {*evaluation_spec.EVALUATION_KEYS, *evaluation_spec.REPORT_KEYS, *evaluation_spec.PART_KEYS,
            *evaluation_spec.BATCH_KEYS, *evaluation_spec.SCORE_KEYS, *evaluation_spec_tables.GROUP_KEYS,
            *evaluation_spec_tables.EXECUTION_ROW_KEYS, *evaluation_targets.INDICATOR_KEYS,
            *evaluation_targets.UNIT_TABLE_KEYS, *evaluation_targets.SYSTEM_KEYS,
            *evaluation_targets.SYSTEM_ROW_KEYS, *MGMT_ITEMS, *TEXT_KEYS}
    undocumented = sorted(k for k in keys if f"`{k}`" not in DOC)
    assert not undocumented
    text = example()
    # `spec`/`measure` (a batch spec reference) and `include` need other files; every other key is in the example
    unused = sorted(k for k in keys - {"spec", "measure"} if not re.search(rf"(^|[\s{{,]){k}:", text, re.M))
    assert not unused


def test_the_rounding_rule_is_stated_once():
    rules = DOC.split("## The rules", 1)[1].split("\n## ", 1)[0]
    assert "**half up**" in rules and "never truncated" in rules
    assert "percentages with 2 decimals" in rules and "`score_decimals`" in rules
    assert DOC.count("**half up**") == 1
    for rule in ("实际 ÷ 目标 × 100", "目标 ÷ 实际 × 100", "349.10 against ≤320 is 320 ÷ 349.10 = 91.66%",
                 "优 ≥ 90, 良 80 to < 90, 中 60 to < 80, 差 < 60", "min(年度资金总额执行率, 100%) × 10",
                 "产出指标 50, 效益指标 30, 满意度指标 10", "完成率 ≥ 130"):
        assert rule in rules


def test_spec_md_and_readme_point_to_the_evaluation_docs():
    spec = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    kinds = spec.split("## Document kinds", 1)[1].split("\n## ", 1)[0]
    assert "| `evaluation` | 绩效自评报告 |" in kinds and "[evaluation.md](evaluation.md)" in kinds
    assert "[docs/evaluation.md](docs/evaluation.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
