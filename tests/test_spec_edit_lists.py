"""List operations (add, remove, reorder), line endings, expected-figure reconciliation and problems placed at
their field or cell."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from generator.edit_fields import batch_fields
from generator.edit_grid import apply_grid, read_grid
from generator.edit_ops import apply_op
from generator.pipeline import check_spec
from generator.problem_map import clerk_message, place_problems
from generator.reconcile import apply_reconcile, find_mismatches
from generator.spec import load_batch
from generator.spec_edit import EditError, SpecText

EXAMPLES = Path(__file__).resolve().parent.parent / "specs" / "examples"
HLJ, XJ, DEMO = (EXAMPLES / f"{n}.yaml" for n in ("heilongjiang-2023-256", "xinjiang-2024-24", "demo-2025"))


def changed(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_crlf_file_keeps_its_line_ends_through_every_kind_of_edit():
    text = DEMO.read_text(encoding="utf-8").replace("\n", "\r\n")
    spec = SpecText(text)
    spec.set(("notice", "copies"), 20)  # a new key
    spec.set(("notice", "signature"), None)  # a removed key
    spec.insert(("projects",), 3, {"id": "lab", "name": "实验室"})  # a new block item
    spec.move(("attachments", 1), 2)  # a moved block item
    spec.remove(("allocations", 0))
    assert "\n" not in spec.text.replace("\r\n", "")
    assert "  copies: 20\r\n" in spec.text and "  - {id: lab, name: 实验室}\r\n" in spec.text
    assert check_spec(DEMO, spec.text.replace("\r\n", "\n")).problems  # still YAML the checker reads


@pytest.mark.parametrize("op, form, expected", [
    ("move:attachments/2:up", {}, None),
    ("remove:notice/body/4", {}, ["-    - heading: 四、财会监督。",
                                  "-      text: 请于收文后15日内将《{{ att_title.filing }}》（附件{{ att.filing }}）报送我厅社会保障处。"]),
    ("add:project", {"op_id": "lab", "op_name": "实验室建设"}, ["+  - {id: lab, name: 实验室建设}"]),
    ("add:part", {"op_path": "projects/1/parts", "op_key": "d", "op_name": "培训"},
     ["+      - {key: d, name: 培训}"]),
    ("add:exempt", {"op_unit": "东县财政局"}, ["-  exempt: [甲市第一人民医院]", "+  exempt: [甲市第一人民医院, 东县财政局]"]),
    ("add:extra_unit", {"op_name": "示例省职业病医院", "op_level": "province_unit", "op_group": "province"},
     ["+units: [{name: 示例省职业病医院, level: province_unit, group: province}]"]),
])
def test_list_operations_splice_only_their_item(op, form, expected):
    before = DEMO.read_text(encoding="utf-8")
    spec = SpecText(before)
    batch, _ = load_batch(DEMO)
    apply_op(spec, op, form, batch.registry)
    if expected is not None:
        assert changed(before, spec.text) == expected
    assert check_spec(DEMO, spec.text).problems is not None


def test_moving_an_attachment_moves_its_whole_block():
    before = DEMO.read_text(encoding="utf-8")
    spec = SpecText(before)
    apply_op(spec, "move:attachments/2:up", {})
    kinds = [spec.get(("attachments", i, "kind")) for i in range(spec.length(("attachments",)))]
    assert kinds == ["allocation_table", "filing_form", "target_tables", "letter"]
    assert sorted(before.splitlines()) == sorted(spec.text.splitlines())  # same lines, new order


def test_split_a_shared_target_table_for_one_unit_and_the_batch_still_checks():
    spec = SpecText(DEMO.read_text(encoding="utf-8"))
    batch, _ = load_batch(DEMO)
    apply_op(spec, "add:split_unit", {"op_table": "3", "op_unit": "乙市财政局"}, batch.registry)
    assert spec.get(("targets", "tables", 3, "unit")) == "乙市财政局"
    assert spec.get(("targets", "tables", 3, "uses", 0)) == "city"
    assert [spec.get(("targets", "tables", 2, "units", i)) for i in range(2)] == ["甲市财政局", "丙州财政局"]
    assert check_spec(DEMO, spec.text).errors == []


@pytest.mark.parametrize("op, form, message", [
    ("remove:registry/0", {}, "不支持"), ("move:../../etc:up", {}, "不支持"), ("add:eval", {}, "不支持"),
    ("add:alloc_unit", {"op_unit": "不存在的单位"}, "单位名录中没有"),
    ("add:project", {"op_id": "equip", "op_name": "x"}, "已被使用"),
    ("add:extra_unit", {"op_name": "甲市财政局", "op_level": "county"}, "已有"),
])
def test_operations_outside_the_editable_lists_are_refused(op, form, message):
    spec = SpecText(DEMO.read_text(encoding="utf-8"))
    batch, _ = load_batch(DEMO)
    with pytest.raises(EditError, match=message):
        apply_op(spec, op, form, batch.registry)


def _one_cell_plus_one(path: Path, row: int, col: str, delta: int = 1) -> SpecText:
    spec = SpecText(path.read_text(encoding="utf-8"))
    _projects, _cols, rows = read_grid(spec)
    name = f"g/{row}/{col}"
    current = rows[row].cells[name] or "0"
    assert apply_grid(spec, {name: str(int(current) + delta)}) == {}
    return spec


@pytest.mark.parametrize("path, row, col, delta", [
    (HLJ, 10, "occ/a", 1), (HLJ, 0, "fuyou/advance", 1), (HLJ, 19, "occ/c", -1), (HLJ, 2, "clinic/due", 1),
    (HLJ, 1, "clinic/perf", 1), (HLJ, 11, "occ/b", -1), (HLJ, 9, "occ/advance", -1), (HLJ, 16, "county/due", -1),
    (HLJ, 40, "county/advance", 1), (HLJ, 0, "fuyou/perf", 1), (XJ, 4, "basic/due", 1), (XJ, 0, "advance", 1),
    (XJ, 45, "tcm/due", 1), (XJ, 60, "elderly/due", 1), (XJ, 1, "emergency/due", -1), (DEMO, 2, "pubhealth/a", 1),
    (DEMO, 8, "train/due", -1)])
def test_an_amount_changed_by_one_is_fixed_by_updating_the_stated_figures(path, row, col, delta):
    spec = _one_cell_plus_one(path, row, col, delta)
    report = check_spec(path, spec.text)
    assert report.errors
    mismatches = find_mismatches(report.derived)
    assert mismatches and all(m.actual is not None for m in mismatches)
    apply_reconcile(spec, mismatches, {m.id: "update" for m in mismatches})
    assert check_spec(path, spec.text).errors == []


def test_dropping_the_stated_figures_also_fixes_the_batch():
    spec = _one_cell_plus_one(HLJ, 10, "occ/a")
    mismatches = find_mismatches(check_spec(HLJ, spec.text).derived)
    labels = [m.label for m in mismatches]
    assert "核对数：哈尔滨市「职业病防治能力提升」 应补助资金（附件1所列）" in labels
    assert "绩效目标表「哈尔滨市财政局」年度金额" in labels
    n_expected = spec.length(("expected",))
    apply_reconcile(spec, mismatches, {m.id: "drop" for m in mismatches})
    assert spec.length(("expected",)) == n_expected - 15
    assert spec.get(("targets", "tables", 8, "amount")) is None
    assert check_spec(HLJ, spec.text).errors == []


def test_problems_are_placed_at_their_cell_or_field_in_the_clerks_words():
    text = DEMO.read_text(encoding="utf-8")
    text = text.replace("{unit: 甲市第一人民医院, equip: 200}", "{unit: 甲市第一人民医院, equip: -200}")
    text = text.replace("  print_date: 2025-07-15", "  print_date: 2025-02-30")
    spec = SpecText(text)
    report = check_spec(DEMO, text)
    fields = batch_fields(spec)
    _projects, _cols, rows = read_grid(spec)
    cells = {name for row in rows for name in row.cells}
    marks = place_problems(report.problems, spec, DEMO, fields, cells)
    by_target = {m.target: m for m in marks if m.severity == "error"}
    assert "g/3/equip/due" in by_target and "不能为负数" in by_target["g/3/equip/due"].message
    assert "f/notice/print_date" in by_target
    for mark in marks:
        assert "demo-2025.yaml" not in mark.message and "allocations[" not in mark.message


@pytest.mark.parametrize("message, clerk", [
    ("请在 rows.levels 中加入其层级", "请在 「行·显示层级」 中加入其层级"),
    ("如确实不需要，请列入 targets.exempt 并注明原因", "如确实不需要，请列入 「绩效目标·免附单位」 并注明原因"),
    ("应为键值映射（mapping）", "应为键值映射"),
    ("prefill: recipients 需要 targets.required_for 指明", "「预填」: recipients 需要 「绩效目标·须附绩效目标的表」 指明"),
    ("其层级 province_unit 不在", "其层级 省直单位 不在"),
])
def test_clerk_message_drops_key_paths_and_parser_words(message, clerk):
    assert clerk_message(message) == clerk


def test_one_submit_applies_fields_cells_an_operation_and_stated_figure_fixes():
    from generator.edit_submit import apply_submit

    before = HLJ.read_text(encoding="utf-8")
    batch, _ = load_batch(HLJ)
    result = apply_submit(before, {"f/notice/copies": "25", "g/10/occ/a": "321", "g/11/occ/b": "Infinity",
                                   "op": "add:exempt", "op_exempt_unit": "省海员总医院"}, HLJ, batch.registry,
                          batch.notice)
    assert result.errors.keys() == {"g/11/occ/b"}
    assert "  copies: 25\n" in result.text and "{unit: 哈尔滨市第二医院, occ: {a: 321, advance: 320}}" in result.text
    assert "exempt: [省卫生健康委, 黑龙江省第二医院, 省海员总医院]" in result.text
    mismatches = find_mismatches(check_spec(HLJ, result.text).derived)
    fixed = apply_submit(result.text, {f"rc/{m.id}": "update" for m in mismatches}, HLJ, batch.registry)
    assert fixed.errors == {} and check_spec(HLJ, fixed.text).errors == []
    assert apply_submit(before, {"action": "yaml", "yaml": "a: 1\r\nb: 2\r\n"}, HLJ).text == "a: 1\nb: 2\n"
    with pytest.raises(EditError):
        apply_submit(before, {"action": "yaml", "yaml": "a: [1"}, HLJ)


@pytest.mark.parametrize("message, clerk", [
    ("「prefill」的值「recipientz」无效，可选：recipients", "「预填」的值「recipientz」无效，可选：recipients"),
    ("缺少必填项「name」", "缺少必填项「名称」"),
    ("未知的键「prefill」。可用的键：kind、key、title、expect_no、children", "未知的键「预填」。可用的键：类型、引用名、标题、核对编号、子附件"),
    ("表样为「project」的绩效目标表不在任何附件中", "表样为「project」的绩效目标表不在任何附件中"),  # a value stays
])
def test_clerk_message_names_quoted_keys_by_their_labels(message, clerk):
    assert clerk_message(message) == clerk


def test_deep_nesting_is_refused_before_the_parser_sees_it():
    with pytest.raises(EditError, match="嵌套层数超过"):
        SpecText("a: " + "[" * 30000 + "]" * 30000)
    with pytest.raises(EditError, match="嵌套层数超过"):
        SpecText("a: it's\nb: " + "{x: " * 200 + "1" + "}" * 200)
    SpecText("a: 'text with [[[[ brackets'\nb: x  # and a comment [[[[\n")
