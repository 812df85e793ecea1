"""The department budget (部门预算) of the seed-002 example: every figure the catalogue verifies, derived once,
and the published document's contradictions caught with file:line when typed as it has them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.pipeline import check_spec

EXAMPLE = Path(__file__).resolve().parent.parent / "specs" / "examples" / "haigang-health-budget-2025.yaml"
D = Decimal


def load(text: str | None = None):
    """(derived budget, every problem) through the one pipeline, as `check` runs it."""
    report = check_spec(EXAMPLE, text)
    if report.derived is None:  # structural errors: the pipeline ran the arithmetic checks best-effort
        return None, report.problems
    assert report.kind is not None and report.kind.name == "budget"
    return report.derived, report.problems


def typed(replacements: list[tuple[str, str]]) -> tuple[str, list]:
    """The example with some values typed as the published document has them: (text, problems)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text, load(text)[1]


def line_of(text: str, fragment: str) -> int:
    """1-based line of the only line containing fragment."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


@pytest.fixture(scope="module")
def example():
    return load()


def test_example_has_no_errors(example):
    _, problems = example
    assert [str(p) for p in problems if p.severity == "error"] == []


def test_example_inputs_complete(example):
    d, _ = example
    assert len(d.projects) == 58
    assert sum(len(p.indicators) for p in d.projects) == 477
    assert max(len(p.indicators) for p in d.projects) == 17
    assert len(d.budget.purchases) == 15 and len(d.budget.units) == 18


def test_totals(example):
    f = example[0].figures
    assert f["income_total"] == f["spend_total"] == f["income_general"] == D("24490.91")
    assert (f["basic"], f["project"]) == (D("4658.03"), D("19832.88"))
    assert (f["personnel"], f["public"], f["running"]) == (D("4384.22"), D("273.81"), D("273.81"))
    assert f["economic_total"] == D("4658.03")
    assert (f["change_total"], f["change_basic"], f["change_project"]) == (D("-963.07"), D("-326.30"), D("-636.77"))
    assert f["change_three_public"] == D("36.97")
    assert f["projects_total"] == D("20517.12") and f["project_gap"] == D("684.24")


def test_function_rollups(example):
    rows = {r.code: r for r in example[0].function}
    top = example[0].function[0]
    assert (top.amount(), top.amount("basic"), top.amount("project")) == (D("24490.91"), D("4658.03"), D("19832.88"))
    expected = {"208": ("1060.41", "1060.41", None), "20805": ("1060.41", "1060.41", None),
                "210": ("23153.16", "3320.28", "19832.88"), "21001": ("1634.11", "997.51", "636.60"),
                "21002": ("1036.71", None, "1036.71"), "21003": ("5456.36", None, "5456.36"),
                "21004": ("9442.98", "583.46", "8859.52"), "21007": ("3828.19", None, "3828.19"),
                "21011": ("281.11", "281.11", None), "21017": ("15.50", None, "15.50"),
                "21018": ("1458.20", "1458.20", None), "221": ("277.34", "277.34", None),
                "2100403": ("603.46", "583.46", "20.00"), "2101101": ("39.81", "39.81", None)}
    for code, (all_, basic, project) in expected.items():
        row = rows[code]
        got = (row.amount(), row.amount("basic"), row.amount("project"))
        assert got == tuple(None if v is None else D(v) for v in (all_, basic, project)), code
    assert rows["2101101"].name == "行政单位医疗" and rows["21011"].name == "行政事业单位医疗"
    assert rows["210"].name == "卫生健康支出"
    assert [r.level for r in example[0].function].count(3) == 20 and len(example[0].function) == 34


def test_fixed_categories(example):
    cats = example[0].categories
    assert len(cats) == 31 and cats[0].name == "一般公共服务支出" and cats[-1].name == "人行科目"
    assert cats[23].number == "二十四" and cats[23].name == "预备费"
    filled = {c.number: c.row.amount() for c in cats if c.row is not None}
    assert filled == {"八": D("1060.41"), "十": D("23153.16"), "二十": D("277.34")}


def test_economic(example):
    rows = {r.code: r for r in example[0].economic}
    assert (rows["301"].amount, rows["302"].amount, rows["303"].amount) == (D("3675.02"), D("273.81"), D("709.20"))
    assert rows["301"].personnel and rows["303"].personnel and not rows["302"].personnel
    assert len(example[0].economic) == 28
    # function ↔ economic correspondences the catalogue found exact
    fn = {r.code: r.amount() for r in example[0].function}
    assert fn["2080505"] == rows["30108"].amount and fn["2210201"] == rows["30113"].amount
    assert fn["2101103"] == rows["30111"].amount and fn["2101101"] + fn["2101102"] == rows["30110"].amount
    assert fn["2080501"] + fn["2080502"] == rows["30302"].amount


def test_three_public(example):
    t = example[0].three_public
    assert (t["total"], t["car"], t["car_running"], t["reception"]) == (D("36.97"), D("36.05"), D("36.05"), D("0.92"))
    assert t["abroad"] is None and t["car_purchase"] is None


def test_procurement_and_assets(example):
    d = example[0]
    groups = {g.unit: g for g in d.purchases}
    assert [g.amount for g in d.purchases] == [D("8665.06"), D("35.54")]
    assert sum(g.amount for g in d.purchases) == D("8700.60")
    assert [g.sme for g in d.purchases] == [D("8621.46"), D("14.41")]
    assert "秦皇岛市海港区卫生健康局本级" in groups
    assert d.asset_total == D("28569.27")


def test_gap_caught_without_acceptance():
    text, problems = typed([("accept: {project_gap: 684.24}", "")])
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1
    assert "20517.12" in errors[0].message and "19832.88" in errors[0].message and "684.24" in errors[0].message
    assert errors[0].loc.line == line_of(text, "code: 13030225P00456110006G") and errors[0].loc.path == "projects[0]"


def test_gap_acceptance_must_match():
    text, problems = typed([("accept: {project_gap: 684.24}", "accept: {project_gap: 684.25}")])
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and "684.25" in errors[0].message
    assert errors[0].loc.line == line_of(text, "accept: {project_gap")


def test_plan_as_percent_caught():
    text, problems = typed([("plan: [null, 273.00, 546.00, 1092.00]", "plan: [null, 25.00, 50.00, 100.00]")])
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and "100.00" in errors[0].message and "1092.00" in errors[0].message
    assert errors[0].loc.line == line_of(text, "plan: [null, 25.00, 50.00, 100.00]")
    assert "全国计划生育特别扶助制度" in errors[0].message


def test_plan_as_ratio_caught():
    text, problems = typed([("plan: [3.75, 7.50, 11.25, 15.00]", "plan: [0.25, 0.50, 0.75, 1.00]")])
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and "15.00" in errors[0].message
    assert errors[0].loc.line == line_of(text, "plan: [0.25, 0.50, 0.75, 1.00]")


@pytest.mark.parametrize("old, new", [("203.77万元", "203.76万元"), ("687.74万元", "687.73万元"), ("≤4万元", "≤40万元")])
def test_cost_indicator_against_budget(old, new):
    text, problems = typed([(f", {old},", f", {new},")])
    warnings = [p for p in problems if p.severity == "warning" and new in p.message]
    assert len(warnings) == 1 and warnings[0].loc.line == line_of(text, f", {new},")


def test_three_public_against_basic_table():
    text, problems = typed([("reception: 0.92}", "reception: 0.93}")])
    found = [p for p in problems if "公务接待费" in p.message]
    assert len(found) == 1 and "0.93" in found[0].message and "30217" in found[0].message
    assert found[0].loc.line == line_of(text, "reception: 0.93}")


def test_basic_table_against_function_table():
    text, problems = typed([('{code: "30101", amount: 1010.86}', '{code: "30101", amount: 1010.96}')])
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and "4658.13" in errors[0].message and "4658.03" in errors[0].message


def test_income_against_expenditure():
    text, problems = typed([("income: {general: 24490.91}", "income: {general: 24490.19}")])
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and "24490.19" in errors[0].message and errors[0].loc.line == line_of(text, "income:")


def test_projects_over_their_function():
    text = EXAMPLE.read_text(encoding="utf-8").replace('function: "2100409"', 'function: "2100408"', 1)
    _, problems = load(text)
    errors = [p for p in problems if p.severity == "error" and "2100408" in p.message]
    assert len(errors) == 1 and "3139.00" in errors[0].message


@pytest.mark.parametrize("old, new, fragment", [
    ('{code: "2080501", basic: 391.68}', "{code: 2080501, basic: 391.68}", "须加引号"),
    ('{code: "2080501", basic: 391.68}', '{code: "2080599x", basic: 391.68}', "格式不对"),
    ('{code: "2080501", basic: 391.68}', '{code: "2089901", basic: 391.68}', "不在科目代码表中"),
    ('{code: "2080501", basic: 391.68}', '{code: "2080501", basic: "391.68"}', "应为数字"),
    ('{code: "2080501", basic: 391.68}', '{code: "2080501", basci: 391.68}', "未知的键"),
])
def test_bad_input_named_with_line(old, new, fragment):
    text, problems = typed([(old, new)])
    found = [p for p in problems if fragment in p.message]
    assert found and found[0].loc.line == line_of(text, new), [str(p) for p in problems]


MINIMAL = """kind: budget
department: {code: "001", name: 示例局}
year: 2026
income: {general: 100, fund: 20}
expenditure:
  - {code: "2100101", basic: 100}
  - {code: "2100799", project: 20, source: fund}
economic:
  - {code: "30101", amount: 100}
"""


def test_minimal_budget_builds(tmp_path):
    """Only the required inputs: every table still prints; what nobody typed is a blank table with its note."""
    from generator.pipeline import render_spec

    spec = tmp_path / "mini-budget.yaml"
    spec.write_text(MINIMAL, encoding="utf-8")
    report, files = render_spec(spec)
    assert report.ok, [str(p) for p in report.problems]
    f = report.derived.figures
    assert (f["spend_total"], f["basic"], f["project"], f["fiscal"]) == (D(120), D(100), D(20), D(120))
    fund = next(t for t in __import__("generator.budget_tables", fromlist=["x"]).build_tables(report.derived)
                if "政府性基金" in t.title)
    assert fund.note is None and fund.rows[0].cells[2].value == "合计" and fund.rows[0].cells[3].value == D(20)
    assert sum(name.endswith(".xlsx") for name in files) == 9 and not any("绩效目标表" in n for n in files)
    import io

    from openpyxl import load_workbook

    state = load_workbook(io.BytesIO(next(v for k, v in files.items() if "国有资本" in k)), data_only=True).active
    assert "注：无国有资本经营预算财政拨款预算，空表列示。" in [r[0] for r in state.iter_rows(values_only=True)]
    three = load_workbook(io.BytesIO(next(v for k, v in files.items() if "三公" in k)), data_only=True).active
    assert all(r[2] is None for r in three.iter_rows(min_row=7, values_only=True))  # no 三公: empty, not 0.00


def test_missing_department_and_bad_kind_inputs(tmp_path):
    spec = tmp_path / "b.yaml"
    spec.write_text("kind: budget\nyear: 二〇二五\nexpenditure: {code: 1}\n", encoding="utf-8")
    problems = [str(p) for p in check_spec(spec).problems]
    assert any("department" in p and ":1:1:" in p for p in problems), problems
    assert any("「year」应为整数" in p and ":2:7:" in p for p in problems), problems
    assert any("应为列表" in p and ":3:14:" in p for p in problems), problems


def test_unit_prices_derived_as_printed(example):
    """单价 is derived from 金额 ÷ 数量 and rounds to what the document prints (1040 × 0.00 for 0.80)."""
    from generator.budget_derive import unit_price

    prices = [str(unit_price(p)) for p in example[0].budget.purchases]
    assert prices == ["0.80", "2.91", "0.00", "0.01", "3.00", "2025.74", "203.26", "42.00", "5474.00", "910.00",
                      "0.50", "10.41", "0.00", "0.01", "2.00"]


def test_category_outside_the_fixed_rows(tmp_path):
    """A 类 added under codes: but absent from the 31 fixed rows would vanish from the 收支总表: an error."""
    spec = tmp_path / "b.yaml"
    text = MINIMAL.replace("2100799", "2990101") + 'codes: {function: {"299": 测试类, "29901": 测试款, "2990101": 测试项}}\n'
    spec.write_text(text, encoding="utf-8")
    errors = [p for p in check_spec(spec).problems if p.severity == "error"]
    assert len(errors) == 1 and "299 测试类" in errors[0].message and errors[0].loc.line == line_of(text, 'code: "2990101"')


@pytest.mark.parametrize("bad, says", [(".nan", "不是有效的金额"), ("1.0e+3", "科学计数法"), ("1.1234567", "小数位过多")])
def test_plan_figures_follow_the_amount_rules(bad, says):
    text, problems = typed([("plan: [null, 1.50, 3.50, 5.00]", f"plan: [null, {bad}, 3.50, 5.00]")])
    errors = [p for p in problems if p.severity == "error" and says in p.message]
    assert errors and errors[0].loc.line == line_of(text, f"plan: [null, {bad}, 3.50, 5.00]"), problems


def test_unit_price_rounds_half_up_like_every_other_amount():
    from decimal import Decimal

    from generator.budget_derive import unit_price
    from generator.budget_model import Money, Purchase
    from generator.model import Loc

    loc = Loc("x.yaml", 1, 1, "procurement[0]")
    line = Purchase("单位", "项目", None, "品目", "A", "台", Decimal(2), Money(Decimal("0.25"), loc), None, loc)
    assert unit_price(line) == Decimal("0.13")  # 0.125 → 0.13, not the banker's 0.12
