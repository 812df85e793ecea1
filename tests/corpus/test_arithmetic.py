"""Arithmetic and single values the structure accepts but a document cannot use: amounts that are not plain
decimals, figures that do not add up, 文号 parts, counts, widths, dates, title lines."""

from __future__ import annotations

import pytest

from corpus.harness import Case, assert_refused, example, line_of, replace_once

MINI = example("mini")
DEMO = example("demo-2025")
CELL = "  - {unit: 省医院, lab: {due: 100, advance: 40, perf: 5}}"


def mutate(case_id: str, old: str, new: str, field: str | None, *fragments: str, base: str = MINI,
           at: str | None = None) -> Case:
    text = replace_once(base, old, new)
    return Case(case_id, "arithmetic", text, field=field, line=line_of(text, at or new.strip().splitlines()[0]),
                fragments=fragments)


AMOUNTS = {
    "nan": (".nan", "不是有效的金额"),
    "NaN-word": ("NaN", "不是有效的金额"),
    "inf": (".inf", "不是有效的金额"),
    "minus-inf": ("-.inf", "不是有效的金额"),
    "exponent": ("1.0e+3", "科学计数法"),
    "exponent-huge": ("1.0e+30", "科学计数法"),
    "exponent-bare": ("1e3", "科学计数法"),
    "quoted": ('"500"', "去掉引号"),
    "word": ("abc", "应为数字"),
    "too-many-decimals": ("1.1234567", "小数位过多"),
    "thousands": ("1,000", ""),
    "huge": ("12345678901234567890", "数值过大"),
    "hex": ("0x1F", "应为数字"),
    "sexagesimal": ("1:30", "应为数字"),
    "bool": ("true", "应为数字"),
    "list": ("[1, 2]", "应为数字"),
}


def amount_cases() -> list[Case]:
    cases = []
    for name, (value, fragment) in AMOUNTS.items():
        if name != "thousands":  # a comma inside { } separates keys: that case is below, in block style
            cases.append(mutate(f"due-{name}", CELL, CELL.replace("due: 100", f"due: {value}"),
                                "allocations[0].lab.due", fragment))
        cases.append(mutate(f"expected-{name}", "  - {of: total, measure: due, value: 227}",
                            f"  - of: total\n    measure: due\n    value: {value}", "expected[0].value", fragment,
                            at=f"value: {value}"))
    for name in ("nan", "exponent-huge", "quoted", "word", "too-many-decimals"):
        value, fragment = AMOUNTS[name]
        cases.append(mutate(f"advance-{name}", CELL, CELL.replace("advance: 40", f"advance: {value}"),
                            "allocations[0].lab.advance", fragment))
        cases.append(mutate(f"part-{name}", "occ: {a: 50,", f"occ: {{a: {value},", "allocations[1].occ.a", fragment))
        cases.append(mutate(f"plain-cell-{name}", "{unit: 甲县财政局, lab: {due: 60, advance: 60}}",
                            f"{{unit: 甲县财政局, lab: {value}}}", "allocations[2].lab", fragment))
    cases.append(mutate("target-amount-word", "      amount: 67", "      amount: 六十七", "targets.tables[1].amount",
                        "应为数字"))
    return cases


OTHERS = [
    mutate("negative-due", CELL, CELL.replace("due: 100", "due: -5"), "allocations[0].lab.due", "不能为负数"),
    mutate("negative-advance", CELL, CELL.replace("advance: 40", "advance: -40"), "allocations[0].lab.advance",
           "不能为负数"),
    mutate("decimals-beyond-table", "{unit: 甲县财政局, lab: {due: 60, advance: 60}}",
           "{unit: 甲县财政局, lab: {due: 60.123, advance: 60}}", "allocations[2].lab.due", "位小数"),
    mutate("expected-mismatch", "value: 227}", "value: 228}", "expected[0]", "声明为 228"),
    mutate("expected-this-mismatch", "value: 77}", "value: 70}", "expected[1]", "声明为 70"),
    mutate("expect-due-mismatch", CELL, CELL.replace("}}", "}, expect_due: 99}"), "allocations[0].expect_due",
           "声明应补助合计 99"),
    mutate("perf-on-parts-project", "occ: {a: 50, b: 20, c: -3, advance: 30}",
           "occ: {a: 50, b: 20, c: -3, advance: 30, perf: 2}", "allocations[1].occ.perf", "不能另填 perf"),
    mutate("number-for-parts-project", "occ: {a: 50, b: 20, c: -3, advance: 30}", "occ: 70", "allocations[1].occ",
           "按分项"),
    mutate("seq-negative", "seq: 7}", "seq: -5}", "notice.doc_number.seq", "应从 1 起"),
    mutate("seq-zero", "seq: 7}", "seq: 0}", "notice.doc_number.seq", "应从 1 起"),
    mutate("seq-word", "seq: 7}", "seq: 七}", "notice.doc_number.seq", "整数"),
    mutate("seq-huge", "seq: 7}", "seq: 99999999999999}", "notice.doc_number.seq", "过大"),
    mutate("agency-empty", "{agency: 示财社,", '{agency: "",', "notice.doc_number.agency", "不能为空"),
    mutate("agency-with-number", "{agency: 示财社,", "{agency: 示财社〔2023〕256号,", "notice.doc_number.agency",
           "印两遍"),
    mutate("agency-with-hao", "{agency: 示财社,", "{agency: 示财社256号,", "notice.doc_number.agency", "印两遍"),
    mutate("doc-year-wrong", "year: 2024, seq: 7}", "year: 20245, seq: 7}", "notice.doc_number.year", "不合理"),
    mutate("notice-year-wrong", "  year: 2024\n", "  year: 1066\n", "notice.year", "不合理"),
    mutate("copies-zero", "  copies: 10", "  copies: 0", "notice.copies", "应从 1 起"),
    mutate("copies-negative", "  copies: 10", "  copies: -3", "notice.copies", "应从 1 起"),
    mutate("copies-decimal", "  copies: 10", "  copies: 2.5", "notice.copies", "整数"),
    mutate("impossible-date", "print_date: 2024-03-08", "print_date: 2023-02-30", "notice.print_date", "日期"),
    mutate("date-words", "print_date: 2024-03-08", "print_date: 明天", "notice.print_date", "日期"),
    mutate("title-lines-not-title", "  copies: 10", "  copies: 10\n  title_lines: [关于下达, 别的资金的通知]",
           "notice.title_lines", "title_lines", at="title_lines:"),
    mutate("width-negative", "{measure: due, label: 应补助资金}", "{measure: due, label: 应补助资金, width: -5}",
           "attachments[0].columns[2].width", "正数"),
    mutate("width-word", "{measure: due, label: 应补助资金}", "{measure: due, label: 应补助资金, width: abc}",
           "attachments[0].columns[2].width", "正数"),
    mutate("width-zero", "{measure: due, label: 应补助资金}", "{measure: due, label: 应补助资金, width: 0}",
           "attachments[0].columns[2].width", "正数"),
    mutate("width-huge", "{measure: due, label: 应补助资金}", "{measure: due, label: 应补助资金, width: 1.0e+9}",
           "attachments[0].columns[2].width", "正数"),
    mutate("decimals-word", "format: {decimals: 0, thousands: false}", "format: {decimals: 零, thousands: false}",
           "attachments[0].children[0].format.decimals", "整数"),
    mutate("program-too-long", "program: 示例能力提升", "program: " + "长" * 1000, "notice.program", "文字过长"),
    mutate("title-too-long", "  copies: 10", "  copies: 10\n  title: " + "关于下达资金的通知" * 100, "notice.title",
           "文字过长", at="  title:"),
    mutate("issuer-too-long", "issuer: 示例省财政厅", "issuer: " + "示" * 300, "notice.issuer", "文字过长"),
    mutate("demo-expected-group", "{of: province, measure: this, value: 520}", "{of: province, measure: this, value: 521}",
           "expected[1]", "声明为 521", base=DEMO),
    mutate("demo-amount-quoted", "{unit: 甲市第一人民医院, equip: 200}", '{unit: 甲市第一人民医院, equip: "200"}',
           "allocations[3].equip", "去掉引号", base=DEMO),
]
_THOUSANDS = replace_once(MINI, CELL, "  - unit: 省医院\n    lab:\n      due: 1,000\n      advance: 40")
OTHERS.append(Case("due-thousands-block", "arithmetic", _THOUSANDS, field="allocations[0].lab.due",
                   line=line_of(_THOUSANDS, "due: 1,000"), fragments=("千分位",)))


def _layout_widths(width: str):
    """A custom layout with a bad width, beside the spec."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "templates" / "layouts" / "region_county.yaml").read_text(
        encoding="utf-8")
    import re

    bad = re.sub(r"widths: \[([^,\]]+)", f"widths: [{width}", source, count=1)

    def prepare(tmp):
        (tmp / "specs" / "batches" / "custom.yaml").write_text(bad, encoding="utf-8")

    return prepare, bad


def layout_width_cases() -> list[Case]:
    cases = []
    for name, width in (("word", "abc"), ("negative", "-5"), ("zero", "0")):
        prepare, layout = _layout_widths(width)
        text = replace_once(MINI, "    - layout: region_county\n      units: [甲县财政局]",
                            "    - layout: custom.yaml\n      units: [甲县财政局]").replace(
            "layouts: [region_county]", "layouts: [region_county, custom.yaml]")
        case = Case(f"layout-width-{name}", "arithmetic", text, fragments=("正数",), prepare=prepare)
        case.line = line_of(layout, "widths:")
        case.located = False  # the error stands in custom.yaml, checked below
        case.verify = lambda o, line=case.line: _in_layout(o, line)
        cases.append(case)
    return cases


def _in_layout(outcome, line: int) -> None:
    assert f"custom.yaml:{line}:" in outcome.output, outcome.output


CASES = amount_cases() + OTHERS + layout_width_cases()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_arithmetic(case, tmp_path):
    assert_refused(case, tmp_path)
