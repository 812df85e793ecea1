"""Every section of a batch edited through the form fields: the diff holds only the edited values and `check`
accepts the result; bad values are refused at their field while the other edits of the submit are kept."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from generator.edit_fields import SECTIONS, apply_fields, batch_fields, field_name
from generator.edit_grid import apply_grid, read_grid
from generator.pipeline import check_spec
from generator.spec_edit import SpecText

EXAMPLES = Path(__file__).resolve().parent.parent / "specs" / "examples"
HLJ, XJ, DEMO = (EXAMPLES / f"{n}.yaml" for n in ("heilongjiang-2023-256", "xinjiang-2024-24", "demo-2025"))


def diff(before: str, after: str) -> list[str]:
    """The changed lines, as +/- lines of a zero-context unified diff."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def edit(path: Path, changes: dict[tuple, str]) -> tuple[str, str, dict]:
    """Submit the whole form of a batch with `changes` (by key path) typed in; returns before, after, errors."""
    before = path.read_text(encoding="utf-8")
    spec = SpecText(before)
    fields = batch_fields(spec)
    form = {f.name: f.value for f in fields}
    for key_path, text in changes.items():
        assert field_name(key_path) in form, key_path
        form[field_name(key_path)] = text
    errors = apply_fields(spec, form, fields)
    return before, spec.text, errors


def assert_checks(path: Path, text: str) -> None:
    report = check_spec(path, text)
    assert report.errors == [], [str(p) for p in report.errors]


CASES = [
    ("通知: 落款, 成文日期, a heading, a slot", DEMO,
     {("notice", "signature"): "示例省财政厅办公室", ("notice", "sign_date"): "2025-07-13",
      ("notice", "body", 1, "heading"): "一、资金用途。", ("notice", "slots", "revenue_code"): "1100250"},
     ["-  signature: 示例省财政厅", "+  signature: 示例省财政厅办公室", "-  sign_date: 2025-07-14",
      "+  sign_date: 2025-07-13", "-    - heading: 一、资金使用范围。", "+    - heading: 一、资金用途。",
      '-    revenue_code: "1100249"', '+    revenue_code: "1100250"']),
    ("通知: a 落款 the batch did not have is added under notice, its 成文日期 changed", HLJ,
     {("notice", "signature"): "黑龙江省财政厅", ("notice", "sign_date"): "2023-06-28"},
     ["+  signature: 黑龙江省财政厅", "-  sign_date: 2023-06-29", "+  sign_date: 2023-06-28"]),
    ("通知: attachment title", XJ, {("attachments", 2, "title"): "自治区财政资金使用跟踪反馈表"},
     ["-    title: 自治区财政资金使用情况跟踪反馈表", "+    title: 自治区财政资金使用跟踪反馈表"]),
    ("项目: a project's name and a lettered part's name", DEMO,
     {("projects", 0, "name"): "医疗设备购置", ("projects", 1, "parts", 1, "name"): "实验室能力提升"},
     ["-  - {id: equip, name: 医疗设备更新}", "+  - {id: equip, name: 医疗设备购置}",
      "-      - {key: b, name: 实验室检测能力提升}", "+      - {key: b, name: 实验室能力提升}"]),
    ("项目: the formula row (d=a+b+c) of an allocation table", DEMO,
     {("attachments", 0, "children", 1, "formula_row"): "false"},
     ["-        formula_row: true", "+        formula_row: false"]),
    ("绩效目标: an indicator value and a header field", DEMO,
     {("targets", "tables", 0, "indicators", 1, 2): "2025年11月底前",
      ("targets", "tables", 2, "fields", "project_name"): "基层医疗卫生服务能力提升资金"},
     ["-        - [时效指标, 设备采购完成时间, 2025年12月底前]", "+        - [时效指标, 设备采购完成时间, 2025年11月底前]",
      "-        project_name: 基层医疗卫生服务能力提升补助资金", "+        project_name: 基层医疗卫生服务能力提升资金"]),
    ("绩效目标: an indicator set's value in seed 000", HLJ,
     {("targets", "indicator_sets", "county", "indicators", 12, 2): "≥95%"},
     ["-        - [服务对象满意度指标, 医务人员满意度, ≥90%]", "+        - [服务对象满意度指标, 医务人员满意度, ≥95%]"]),
    ("报备表: note and blank rows", DEMO,
     {("attachments", 2, "note"): "请于收文后10日内报送。"},
     ["-    note: 请于收文后15日内报送，电子版发送至示例邮箱。", "+    note: 请于收文后10日内报送。"]),
    ("报备表: rows added to seed 000's form", HLJ, {("attachments", 3, "rows"): "12"}, ['+    rows: 12']),
    ("跟踪反馈表: header and one note", XJ,
     {("attachments", 2, "header_left"): "地、州、市名称：",
      ("attachments", 2, "notes"): "说明：1、自行添加行。\n2、本表统计财政部门下达的一般公共预算和政府性基金支出情况，资金支出金额以国库集中支付数据为准。\n"
                                   "3、请各地、州、市（单位）于每月月末之前，将当月财政资金使用情况反馈至自治区财政厅社会保障处。"},
     ["-    header_left: 地、州、市（单位）名称：", "+    header_left: 地、州、市名称：",
      "-      - 说明：1、地、州、市（单位）根据实际收到财政专项资金情况自行添加行（勿修改表格格式）。", "+      - 说明：1、自行添加行。"]),
    ("函: signature, date and a paragraph", DEMO,
     {("attachments", 3, "signature"): "示例省财政厅", ("attachments", 3, "body", 1): "如有问题，请联系社会保障处。"},
     ["-      - 如有问题，请与示例省财政厅社会保障处联系（电话：0000-0000000）。", "+      - 如有问题，请联系社会保障处。",
      "-    signature: 示例省财政厅社会保障处", "+    signature: 示例省财政厅"]),
]


@pytest.mark.parametrize("what, path, changes, expected", CASES, ids=[c[0] for c in CASES])
def test_section_edit_is_a_minimal_diff_and_checks(what, path, changes, expected):
    before, after, errors = edit(path, changes)
    assert errors == {}
    assert sorted(diff(before, after)) == sorted(expected)
    assert_checks(path, after)


def test_every_section_has_fields_in_every_example():
    for path in (HLJ, XJ, DEMO):
        sections = {f.section for f in batch_fields(SpecText(path.read_text(encoding="utf-8")))}
        assert sections <= set(SECTIONS)
        assert {"notice", "projects", "targets"} <= sections
    demo = {f.section for f in batch_fields(SpecText(DEMO.read_text(encoding="utf-8")))}
    assert {"filing", "letter"} <= demo


def test_untouched_form_changes_nothing():
    for path in (HLJ, XJ, DEMO):
        before, after, errors = edit(path, {})
        assert errors == {} and after == before


def test_bad_values_are_refused_at_their_field_and_the_rest_is_written():
    before, after, errors = edit(DEMO, {("notice", "sign_date"): "2025-02-30", ("notice", "copies"): "二十",
                                        ("targets", "tables", 0, "amount"): "NaN",
                                        ("notice", "signature"): "示例省财政厅办公室"})
    assert set(errors) == {"f/notice/sign_date", "f/notice/copies", "f/targets/tables/0/amount"}
    assert "不是日期" in errors["f/notice/sign_date"] and "正整数" in errors["f/notice/copies"]
    assert "不是数字" in errors["f/targets/tables/0/amount"]
    assert diff(before, after) == ["-  signature: 示例省财政厅", "+  signature: 示例省财政厅办公室"]


def test_grid_has_every_project_and_lettered_part_of_seed_000():
    spec = SpecText(HLJ.read_text(encoding="utf-8"))
    projects, _unit_cols, rows = read_grid(spec)
    occ = next(p for p in projects if p.id == "occ")
    assert [c.key for c in occ.columns] == ["a", "b", "c", "advance"] and occ.parts == ["a", "b", "c"]
    assert [p.id for p in projects] == ["clinic", "occ", "fuyou", "county"]
    row = next(r for r in rows if r.unit == "牡丹江市疾控中心")
    assert row.cells[f"g/{row.index}/occ/b"] == "55" and row.cells[f"g/{row.index}/occ/c"] == "3"


@pytest.mark.parametrize("typed, problem", [("NaN", "不是数字"), ("Infinity", "不是数字"), ("1e3", "科学计数法"),
                                            ("1.234", "3 位小数"), ("12万", "不是数字"), ("--5", "不是数字")])
def test_grid_refuses_non_amounts_at_the_cell_and_keeps_the_other_cells(typed, problem):
    before = HLJ.read_text(encoding="utf-8")
    spec = SpecText(before)
    errors = apply_grid(spec, {"g/10/occ/a": "321", "g/11/occ/b": typed, "g/1/clinic/due": "13"})
    assert list(errors) == ["g/11/occ/b"] and problem in errors["g/11/occ/b"]
    line = next(x for x in before.splitlines() if "{unit: 省卫生健康委, clinic: {due: 12, perf: 12}}" in x)
    assert diff(before, spec.text) == [
        f"-{line}", "+" + line.replace("due: 12,", "due: 13,"),  # its comment stays
        "-  - {unit: 哈尔滨市第二医院, occ: {a: 320, advance: 320}}",
        "+  - {unit: 哈尔滨市第二医院, occ: {a: 321, advance: 320}}"]


def test_grid_accepts_what_a_clerk_types_from_excel():
    spec = SpecText(DEMO.read_text(encoding="utf-8"))
    assert apply_grid(spec, {"g/0/equip/due": "1,800.50", "g/3/equip/due": "２００", "g/1/pubhealth/b": ""}) == {}
    assert "{unit: 示例省人民医院, equip: {due: 1800.50, advance: 500}}" in spec.text
    assert "{unit: 甲市第一人民医院, equip: 200}" in spec.text  # same value: untouched
    assert "{unit: 示例省疾病预防控制中心, pubhealth: {a: 400, advance: 300}}" in spec.text
