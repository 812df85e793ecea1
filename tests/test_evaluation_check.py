"""`check` on self-evaluation specs: the seed's planted errors are caught, with their message and file:line."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from generator.pipeline import check_spec

ROOT = Path(__file__).resolve().parent.parent

# 第二部分 of the seed, cut down: 20054 = 17854 + 2200, executed 18336.52 (91.44%). Stated figures as printed.
P2 = """\
kind: evaluation
report: {title: 测试绩效自评报告, year: 2023}
parts:
  - title: （公立医院综合改革）
    fund: 医疗服务与保障能力提升补助资金（公立医院综合改革）
    central_batches:
      - {doc_no: 财社〔2022〕134号, date: 2022-11, amount: 17854}
      - {doc_no: 财社〔2023〕40号, date: 2023-05, amount: 2200}
    province_batches:
      - {id: first, doc_no: 新财社〔2022〕181号, date: 2022-12, amount: 17854}
      - {id: second, doc_no: 新财社〔2023〕6号, date: 2023-06, amount: 2200}
    allocation:
      rows:
        - {unit: 自治区本级, first: 2000, second: 200}
        - {unit: 各地州, first: 15854, second: 2000}
    execution:
      as_of: 2023-12-31
      groups:
        - name: 自治区本级
          rows:
            - {unit: 自治区本级, budget: 2949.46, spent: 2800}
        - name: 各地
          rows:
            - {unit: 乌鲁木齐, budget: 8000.27, spent: 7536.52}
            - {unit: 伊犁, budget: 9104.27, spent: 8000}
          stated: {budget: 17104.52}          # SUBTOTAL: the rows add up to 17104.54
    indicators:
      - {category: 数量指标, name: 公立医院数量, target: ≥10个, actual: 10个}
      - category: 质量指标
        name: 平均住院日
        target: 较上年降低
        prev_actual: 13.21
        actual: 11.49
        stated: {completion: 114.50}        # COMPLETION: 13.21 / 11.49 = 114.97%
      - category: 社会效益指标
        name: 每千人口执业医师数
        target: ≥9人
        actual: 7.76人
        reason: 人才引进困难。
        stated: {completion: 86.22, deviation: 13.88}   # DEVIATION: |86.22 − 100| = 13.78
      - {category: 服务对象满意度指标, name: 患者满意度, target: ≥85%, actual: 90%}
    stated_score: {execution: 91.44, total: 94.38}      # SCORE: 9.144 + … only adds up with 9.14
"""

# 第一部分, cut down: 6563 = 7265 − 702, executed 5347.89 (81.49% → 8.1 with one decimal).
P1 = """\
kind: evaluation
report: {title: 测试绩效自评报告, year: 2023, score_decimals: 1}
parts:
  - title: （中医药事业传承与发展部分）
    fund: 医疗服务与保障能力提升补助资金（中医药事业传承与发展部分）
    province_batches:
      - {id: advance, doc_no: 新财社〔2022〕179号, date: 2022-12, amount: 7265}
      - {id: second, doc_no: 新财社〔2023〕56号, date: 2023-06, amount: -702}
    allocation:
      groups:
        - name: 自治区本级
          rows:
            - {unit: 自治区中医医院, advance: 2873, second: -152}
        - name: 各地
          rows:
            - {unit: 乌鲁木齐, advance: 140}
            - {unit: 伊犁, advance: 4252, second: -550}
    execution:
      as_of: 2023-12-31
      groups:
        - name: 自治区本级
          rows:
            - {unit: 自治区中医医院, budget: 2721, spent: 2007.72}
        - name: 各地
          rows:
            - {unit: 乌鲁木齐, budget: 140, spent: 107.72}
            - {unit: 伊犁, budget: 3702, spent: 3232.45}
    indicators:
      - {category: 数量指标, name: 国家中医优势专科建设数量, target: ≥3个, actual: 3个}
"""

# 第八部分: the 自评表's 年度资金总额 执行数 with transposed digits (15386.79 for 15368.79).
P8 = """\
kind: evaluation
report: {title: 测试绩效自评报告, year: 2023}
parts:
  - title: （医疗保障服务能力提升部分）
    fund: 医疗服务与保障能力提升补助资金（医疗保障服务能力提升部分）
    funding:
      central: {budget: 11878, spent: 5673.16}
      other: {budget: 9942.02, spent: 9695.63}
      stated: {budget: 21820.02, spent: 15386.79}   # TRANSPOSED
    indicators:
      - {category: 数量指标, name: 培训人次, target: ">=2次", actual: 2次}
"""


def write(tmp_path: Path, text: str, name: str = "eval.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line holding `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def found(report, fragment: str):
    """The one error whose message holds `fragment`."""
    hits = [p for p in report.errors if fragment in p.message]
    assert len(hits) == 1, [str(p) for p in report.problems]
    return hits[0]


def test_the_91_44_execution_score_is_reported_against_9_14(tmp_path):
    report = check_spec(write(tmp_path, P2))
    problem = found(report, "预算执行得分原文为 91.44，按规则应为 9.14")
    assert "执行率 91.44% × 10" in problem.message
    assert problem.loc.line == line_of(P2, "# SCORE") and problem.loc.file.endswith("eval.yaml")


def test_the_total_adds_the_rounded_components(tmp_path):
    report = check_spec(write(tmp_path, P2))
    score = report.derived.parts[0].score
    # 产出 50 (both met); 效益 30 × 86.22% = 25.866 → 25.87; 满意度 10; 预算执行 9.14
    assert score.categories == {"产出指标": Decimal("50.00"), "效益指标": Decimal("25.87"), "满意度指标": Decimal("10.00")}
    assert score.total == Decimal("95.01") and score.grade == "优"
    assert found(report, "总得分原文为 94.38，按规则应为 95.01").loc.line == line_of(P2, "# SCORE")


def test_a_completion_that_does_not_divide_out(tmp_path):
    problem = found(check_spec(write(tmp_path, P2)), "完成率原文为 114.50，按规则应为 114.97")
    assert "平均住院日" in problem.message
    assert problem.loc.line == line_of(P2, "# COMPLETION")


def test_a_deviation_that_does_not_subtract_out(tmp_path):
    problem = found(check_spec(write(tmp_path, P2)), "偏差率原文为 13.88，按规则应为 13.78")
    assert problem.loc.line == line_of(P2, "# DEVIATION")
    assert not [p for p in check_spec(write(tmp_path, P2)).errors if "完成率原文为 86.22" in p.message]


def test_the_17104_54_subtotal_stated_as_17104_52(tmp_path):
    problem = found(check_spec(write(tmp_path, P2)), "各地小计预算数原文为 17104.52，按规则应为 17104.54")
    assert problem.loc.line == line_of(P2, "# SUBTOTAL")


def test_an_execution_total_that_differs_from_the_allocation(tmp_path):
    text = P1.replace("budget: 140, spent: 107.72", "budget: 142, spent: 107.72")
    report = check_spec(write(tmp_path, text))
    problem = found(report, "执行情况表预算数合计 6565 与分配表合计 6563 不一致")
    assert problem.loc.line == line_of(text, "execution:") + 1
    row = found(report, "「乌鲁木齐」执行情况表预算数 142 与分配表合计 140 不一致")
    assert row.loc.line == line_of(text, "budget: 142")


def test_the_same_part_with_consistent_tables_is_clean(tmp_path):
    report = check_spec(write(tmp_path, P1))
    assert report.ok, [str(p) for p in report.problems]
    part = report.derived.parts[0]
    assert part.execution.total.rate == Decimal("81.49") and part.score.execution == Decimal("8.1")


def test_the_transposed_15386_79(tmp_path):
    problem = found(check_spec(write(tmp_path, P8)), "年度资金总额全年执行数原文为 15386.79，按规则应为 15368.79")
    assert problem.loc.line == line_of(P8, "# TRANSPOSED")


WORDS = """\
kind: evaluation
report: {title: 测试绩效自评报告, year: 2023}
parts:
  - title: （测试）
    fund: 测试资金
    funding:
      central: {budget: 100, spent: 100}
    indicators:
      - {category: 数量指标, name: 统计平台建设数量, target: ≥1个, actual: 0个}          # SHORT
      - {category: 数量指标, name: 优势病种项目数量, target: ≥1个, actual: 3个}          # OVER
      - {category: 数量指标, name: 刚好超出三成, target: ≥10个, actual: 13个}           # EXACTLY130
      - {category: 质量指标, name: 合格率, target: ≥90%, actual: 89.99%, reason: 个别未达标。}
      - {category: 成本指标, name: 人均费用, target: ≤320元, actual: 349.10元}        # DOWNFAIL
      - {category: 安全指标, name: 事故数, target: 0起, actual: 0起}                    # UNKNOWN
      - {category: 服务对象满意度指标, name: 满意度, target: ≥90%, actual: 95个}      # UNIT
"""


def test_missing_reasons_are_errors_at_the_indicator(tmp_path):
    report = check_spec(write(tmp_path, WORDS))
    short = found(report, "指标1「统计平台建设数量」完成率 0.00% 低于 100%，须写未完成原因（reason）")
    assert short.loc.line == line_of(WORDS, "# SHORT") and short.loc.file.endswith("eval.yaml")
    over = found(report, "指标2「优势病种项目数量」完成率 300.00% 超出 30% 及以上，须写超出原因（over_reason）")
    assert over.loc.line == line_of(WORDS, "# OVER")
    assert found(report, "刚好超出三成」完成率 130.00%").loc.line == line_of(WORDS, "# EXACTLY130")
    assert not [p for p in report.errors if "合格率" in p.message]  # 99.99% with its reason


def test_a_failing_lower_is_better_indicator_uses_target_over_actual(tmp_path):
    report = check_spec(write(tmp_path, WORDS))
    views = {v.source.name: v for v in report.derived.parts[0].indicators}
    assert views["人均费用"].completion == Decimal("91.66") and views["人均费用"].deviation == Decimal("8.34")
    assert found(report, "人均费用」完成率 91.66%").loc.line == line_of(WORDS, "# DOWNFAIL")


def test_unknown_category_and_unit_mismatch(tmp_path):
    report = check_spec(write(tmp_path, WORDS))
    assert found(report, "二级指标「安全指标」不是可用的类别").loc.line == line_of(WORDS, "# UNKNOWN")
    unit = found(report, "单位「个」与指标值「≥90%」的单位「%」不一致")
    assert unit.loc.line == line_of(WORDS, "# UNIT")


POINTS = """\
kind: evaluation
report: {title: 测试绩效自评报告, year: 2023}
parts:
  - title: （测试）
    fund: 测试资金
    province_batches:
      - {id: b1, doc_no: 新财社〔2023〕1号, date: 2023-01, amount: 100}   # BATCH
    allocation:
      rows:
        - {unit: 甲医院, b1: 60}
        - {unit: 乙医院, b1: 30}
    funding:
      central: {budget: 90, spent: 90}
    indicators:
      - {category: 数量指标, name: 甲, target: ≥1个, actual: 1个, points: 30}   # P30
      - {category: 数量指标, name: 乙, target: ≥1个, actual: 1个, points: 30}
      - {category: 社会效益指标, name: 丙, target: 显著提升, actual: 显著提升, points: 30}
      - {category: 社会效益指标, name: 丁, target: 显著提升, actual: 有所提升, met: false}  # NOPOINTS
    unit_tables:
      - {unit: 甲医院, amount: 65, central: 65}                                 # TABLE
      - {unit: 乙医院, amount: 30, same_as: 丙医院}                              # SAMEAS
    system:
      rows:
        - {l1: 项目决策, l2: 立项, name: 依据, points: 20, score: 25}            # OVERSCORE
        - {l1: 产出指标, l2: 数量指标, name: 数量, points: 70, score: 70}
"""


def test_points_tables_and_system(tmp_path):
    report = check_spec(write(tmp_path, POINTS))
    assert found(report, "产出指标各指标分值合计 60，应为 50").loc.line == line_of(POINTS, "# P30")
    assert found(report, "效益指标的指标须都写分值（points）或都不写：「丁」没有写").loc.line == line_of(POINTS, "# NOPOINTS")
    assert found(report, "分配表「第一批下达」列合计 90 与该批次（新财社〔2023〕1号）下达金额 100 不一致").loc.line == \
        line_of(POINTS, "# BATCH")
    assert found(report, "「甲医院」目标表年度金额 65 与分配表合计 60 不一致").loc.line == line_of(POINTS, "# TABLE")
    assert found(report, "same_as「丙医院」没有对应").loc.line == line_of(POINTS, "# SAMEAS")
    assert found(report, "绩效评价指标体系分值合计 90，应为 100")
    assert found(report, "「依据」得分 25 大于分值 20").loc.line == line_of(POINTS, "# OVERSCORE")


def test_bad_values_are_reported_all_at_once_without_traceback(tmp_path):
    text = WORDS.replace("target: ≥1个, actual: 0个", "target: [[1]], actual: {a: 1}").replace(
        "title: 测试绩效自评报告", "title: 测试绩效自评报告, score_decimals: 9")
    report = check_spec(write(tmp_path, text))
    messages = " ".join(p.message for p in report.errors)
    assert "「target」的每一项应为一个值（如 88%），实际是列表" in messages and "「actual」应为文字" in messages
    assert "score_decimals」（得分小数位）应为 0 到 4" in messages


def test_cli_check_prints_the_kind_line(tmp_path):
    spec = write(tmp_path, P1)
    done = subprocess.run([sys.executable, "-m", "generator", "check", str(spec)], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "按“绩效自评报告”类文件检查（kind: evaluation）：通过，0 个警告" in done.stdout
    bad = write(tmp_path, P2, "bad.yaml")
    done = subprocess.run([sys.executable, "-m", "generator", "check", str(bad)], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"bad.yaml:{line_of(P2, '# SCORE')}:" in done.stdout and "按规则应为 9.14" in done.stdout


def test_one_notice_in_two_parts_and_a_part_without_indicators(tmp_path):
    second = P8.split("parts:\n", 1)[1].replace("title: （医疗保障服务能力提升部分）", "title: （复制）").replace(
        "    indicators:\n      - {category: 数量指标, name: 培训人次, target: \">=2次\", actual: 2次}\n", "")
    second = second.replace("    funding:", "    province_batches:\n      - {doc_no: 新财社〔2023〕56号, date: 2023-06, "
                                           "amount: -702}   # COPIED\n    funding:")
    text = P1.rstrip("\n") + "\n" + second
    report = check_spec(write(tmp_path, text))
    copied = [p for p in report.warnings if "新财社〔2023〕56号 已在第一部分（中医药事业传承与发展部分）中列出" in p.message]
    assert len(copied) == 1 and copied[0].loc.line == line_of(text, "# COPIED")
    assert any("第二部分（复制）：没有绩效指标" in p.message for p in report.warnings)


def test_included_parts_are_confined_and_must_say_their_kind(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "p.yaml").write_text("kind: evaluation_part\ntitle: x\nfund: y\n", encoding="utf-8")
    (tmp_path / "specs" / "parts").mkdir(parents=True)
    (tmp_path / "specs" / "parts" / "batch.yaml").write_text("kind: batch\n", encoding="utf-8")
    text = ("kind: evaluation\nreport: {title: 测试, year: 2023}\nparts:\n  - include: ../outside/p.yaml\n"
            "  - include: parts/batch.yaml\n  - {include: parts/batch.yaml, title: 多写}\n")
    report = check_spec(_write_in(tmp_path / "specs", text))
    messages = [(p.loc.line, p.message) for p in report.errors]
    assert any(line == 4 and "指向允许的文件夹之外" in m for line, m in messages), messages
    assert any(line == 5 and "「parts/batch.yaml」不是绩效自评报告部分文件（该文件应写 kind: evaluation_part）" in m
               for line, m in messages), messages
    assert any(line == 6 and "写了 include 的部分不能再写其他键" in m for line, m in messages), messages


def _write_in(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write(folder, text)


def test_several_targets_need_as_many_actuals(tmp_path):
    text = WORDS.replace("target: ≥90%, actual: 95个", "target: [≥87%, ≥91%], actual: 88%")
    problem = found(check_spec(write(tmp_path, text)), "写了 2 个指标值，就须有同样多个实际完成值（一一对应），实际 1 个")
    assert problem.loc.line == line_of(text, "# UNIT")


def test_a_text_target_quoting_another_prior_year_figure(tmp_path):
    # seed L6264 / L6424: the target quotes 4.9% for the prior year, the 自评表's prior-year column says 4.96%
    text = WORDS.replace("{category: 质量指标, name: 合格率, target: ≥90%, actual: 89.99%, reason: 个别未达标。}",
                         "{category: 质量指标, name: 占比, target: 较上年提高（≥4.9%）, prev_actual: 4.96%, "
                         "actual: 44.16%}   # QUOTED")
    problem = found(check_spec(write(tmp_path, text)), "指标4「占比」的指标值「较上年提高（≥4.9%）」引用上年数 4.9，与上年实际完成值 4.96% 不一致")
    assert problem.loc.line == line_of(text, "# QUOTED")
