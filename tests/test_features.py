"""Spec features beyond the seeds' minimum: figures in text, row order, per-column zero rule, vars, levels."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.money import format_cell
from generator.pipeline import check_spec

MINI = (Path(__file__).parent / "data" / "mini.yaml").read_text(encoding="utf-8")


def derived_with(tmp_path, *replacements: tuple[str, str]):
    text = MINI
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    report = check_spec(path)
    assert report.ok, "\n".join(map(str, report.problems))
    return report.derived


def test_fig_and_count_in_notice_and_targets(tmp_path):
    d = derived_with(
        tmp_path,
        ("    - 现将{{ fund_name }}", "    - \"其中收回{{ fig('lab', 'this', unit='乙县财政局') }}万元，职业病绩效{{ fig('occ', part='c') }}万元，"
                               "共{{ count() }}家单位。\"\n    - 现将{{ fund_name }}"),
        ("        - [数量指标, 实验室数量, 1个]", "        - [数量指标, 实验室数量, \"{{ count('occ') }}个\"]"),
    )
    # 乙县 has 应补助 0 (its advance is clawed back), so three units receive money
    assert d.notice.body[0].text == "其中收回-20万元，职业病绩效-3万元，共3家单位。"
    city = next(t for t in d.targets if t.unit.name == "甲市财政局")
    assert city.rows[0].value == "1个"  # one receiving unit (甲市疾控中心) under the city body


def test_fig_with_unknown_unit_is_a_check_error(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(MINI.replace("    - 现将{{ fund_name }}", "    - \"{{ fig(unit='丙县') }}\"\n    - 现将{{ fund_name }}"),
                    encoding="utf-8")
    messages = [str(p) for p in check_spec(path).errors]
    assert any("丙县" in m and "正文段落" in m for m in messages), messages


def test_rows_order_puts_listed_siblings_first(tmp_path):
    d = derived_with(tmp_path, ("      labels: {prefecture: \"{name}小计\"}",
                                "      labels: {prefecture: \"{name}小计\"}\n      order: [乙县财政局, 甲县财政局]"))
    labels = [r.label for r in d.tables["1"].rows]
    assert labels.index("乙县财政局") < labels.index("甲县财政局") < labels.index("甲市财政局")


def test_column_zero_rule_overrides_the_table(tmp_path):
    d = derived_with(tmp_path, ("      - {measure: this}\n", "      - {measure: this, zero: zero}\n"))
    view = d.tables["1"]
    this, due = (next(c for c in view.columns if c.key == k) for k in ("this", "due"))
    row = next(r for r in view.rows if r.label == "甲县财政局")  # 本次 0, 应补助 60
    assert format_cell(row.values["this"], this.number_format, False) == "0.00"
    assert format_cell(row.values["lab.perf"], due.number_format, False) == ""


def test_vars_and_title_per_target_table(tmp_path):
    d = derived_with(
        tmp_path,
        ("        - [数量指标, 受支持的县级医院数量, 1家]", "        - [数量指标, 受支持的县级医院数量, \"{{ v.hospitals }}\"]"),
        ("      uses: [county]\n", "      uses: [county]\n      vars: {hospitals: 3家}\n      title: 甲县区域绩效目标表\n"),
    )
    view = next(t for t in d.targets if t.unit.name == "甲县财政局")
    assert view.rows[0].value == "3家" and view.title == "甲县区域绩效目标表"


def test_required_for_by_level(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(MINI.replace("  required_for: alloc", "  required_for: {table: alloc, levels: [prefecture]}"),
                    encoding="utf-8")
    messages = [str(p) for p in check_spec(path).errors]
    assert any("「甲市小计」" in m and "没有绩效目标表" in m for m in messages), messages
    assert not any("甲县财政局" in m for m in messages)


@pytest.mark.parametrize("blank", ['""', "null"])
def test_blank_field_on_purpose_gives_no_warning(tmp_path, blank):
    d_path = tmp_path / "f.yaml"
    d_path.write_text(MINI.replace("local_dept: 甲县卫生健康局}", f"local_dept: {blank}}}"), encoding="utf-8")
    report = check_spec(d_path)
    assert report.ok and not any("local_dept" in p.message for p in report.warnings), [str(p) for p in report.problems]


def test_unused_vars_are_reported(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(MINI.replace("      uses: [county]\n", "      uses: [county]\n      vars: {hospitalz: 3家}\n"),
                    encoding="utf-8")
    warnings = [str(p) for p in check_spec(path).warnings]
    assert any("hospitalz" in w and "没有被任何指标或表头用到" in w for w in warnings), warnings
