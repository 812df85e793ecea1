"""A new batch from a profile and a registry, and 下一批 copied from an earlier batch."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from generator.pipeline import check_spec, render_spec
from generator.spec_new import (
    Amounts,
    NewBatch,
    NewBatchError,
    NextBatch,
    blank_amounts,
    new_batch_text,
    next_batch_text,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "specs" / "examples"
NAMES = ["demo-2025", "heilongjiang-2023-256", "xinjiang-2024-24"]


def demo_form(**changes) -> NewBatch:
    values = dict(profile=ROOT / "specs/profiles/demo-profile.yaml", registry=ROOT / "specs/registries/demo-registry.yaml",
                  year=2026, seq=15, program="基层卫生人才培养", print_date="2026-03-02",
                  projects=["人才培训", "设备购置", "人才培训", " "], batch_label="第一批")
    values.update(changes)
    return NewBatch(**values)


def test_a_new_batch_from_the_form_checks_and_builds():
    spec = EXAMPLES / "new-2026.yaml"
    rows = [Amounts("东县财政局", {"p1": {"due": Decimal(100), "advance": Decimal(40)}}),
            Amounts("示例省人民医院", {"p2": {"due": Decimal("12.5")}})]
    text = new_batch_text(demo_form(), spec, allocations=rows)
    assert "profile: ../profiles/demo-profile.yaml" in text
    assert "  - {id: p1, name: 人才培训}\n  - {id: p2, name: 设备购置}\n" in text  # repeated and blank names dropped
    assert "{unit: 东县财政局, p1: {due: 100, advance: 40}}" in text and "p2: 12.5}" in text
    report, files = render_spec(spec, text)
    assert report.errors == [], report.problems
    notice = next(name for name in files if name.endswith(".docx"))
    assert "示财社〔2026〕15号" in notice and "基层卫生人才培养补助资金（第一批）" in notice
    assert any(name.startswith("附件1 ") for name in files)


def test_a_new_batch_without_amounts_is_valid_and_empty():
    text = new_batch_text(demo_form(), EXAMPLES / "new-2026.yaml")
    assert "allocations: []" in text
    assert check_spec(EXAMPLES / "new-2026.yaml", text).errors == []


@pytest.mark.parametrize("changes, message", [
    ({"projects": []}, "至少填写一个项目名称"),
    ({"seq": 0}, "发文字号序号应为正整数"),
    ({"program": " "}, "请填写资金名称"),
    ({"print_date": "2026/3/2"}, "印发日期应写作 2026-03-01"),
    ({"year": 20}, "年度「20」不是有效年份"),
])
def test_bad_form_values_are_refused_in_chinese(changes, message):
    with pytest.raises(NewBatchError, match=re.escape(message)):
        new_batch_text(demo_form(**changes), EXAMPLES / "x.yaml")


@pytest.mark.parametrize("name", NAMES)
def test_next_batch_keeping_amounts_and_figures_checks_clean(name):
    spec = EXAMPLES / f"{name}.yaml"
    text = next_batch_text(spec.read_text(encoding="utf-8"),
                           NextBatch(seq=301, year=2026, print_date="2026-05-06", keep_amounts=True, keep_expected=True))
    report = check_spec(spec, text)
    assert report.errors == [], report.errors
    assert "seq: 301" in text and "print_date: 2026-05-06" in text and "year: 2026" in text
    notice = report.derived.batch.notice
    assert (notice.doc_year, notice.doc_seq, notice.year, notice.print_date) == (2026, 301, 2026, "2026年5月6日")


def test_next_batch_dates_the_letter_with_the_notice():
    spec = EXAMPLES / "demo-2025.yaml"
    text = next_batch_text(spec.read_text(encoding="utf-8"), NextBatch(seq=2, sign_date="2026-01-05", keep_amounts=True))
    assert text.count("sign_date: 2026-01-05") == 2 and "2025-07-14" not in text
    assert check_spec(spec, text).errors == []


def test_next_batch_in_a_new_year_keeps_typed_title_lines_joined():
    spec = EXAMPLES / "heilongjiang-2023-256.yaml"
    text = next_batch_text(spec.read_text(encoding="utf-8"), NextBatch(seq=12, year=2024, keep_amounts=True))
    assert "- 黑龙江省财政厅关于下达2024年中央财政" in text
    assert check_spec(spec, text).errors == []


@pytest.mark.parametrize("name", NAMES)
def test_next_batch_with_figures_cleared_drops_expected_and_stated_amounts(name):
    spec = EXAMPLES / f"{name}.yaml"
    original = spec.read_text(encoding="utf-8")
    text = next_batch_text(original, NextBatch(seq=9, keep_amounts=True))
    assert "\nexpected:" not in text and "expect_due" not in text
    assert not re.search(r"^\s+amount: ", text, re.M)
    assert check_spec(spec, text).errors == []
    # everything else is untouched: the allocations block is byte-identical
    start = original.index("\nallocations:")
    assert original[start:original.index("\n", start + 200)] in text


@pytest.mark.parametrize("name", NAMES)
def test_next_batch_with_amounts_cleared_reports_each_blank_and_nothing_else(name):
    spec = EXAMPLES / f"{name}.yaml"
    text = next_batch_text(spec.read_text(encoding="utf-8"), NextBatch(seq=9, batch_label=""))
    report = check_spec(spec, text)
    blanks = blank_amounts(text)
    assert report.errors, "cleared amounts must be reported"
    blank_lines = {int(re.match(r"第 (\d+) 行", b).group(1)) for b in blanks}
    for problem in report.errors:
        assert problem.loc.line in blank_lines and "实际是空值" in problem.message, problem
    project_blanks = [b for b in blanks if "已提前下达" not in b]
    assert len(report.errors) == len(project_blanks)
    assert not re.search(r"^\s+batch_label:", text.split("projects:")[0], re.M)


def test_blank_amounts_name_unit_and_project():
    spec = EXAMPLES / "xinjiang-2024-24.yaml"
    blanks = blank_amounts(next_batch_text(spec.read_text(encoding="utf-8"), NextBatch(seq=9)))
    assert "「天山区」「原基本公共卫生项目」的金额待填" in blanks[4] or any(
        "「天山区」「原基本公共卫生项目」的金额待填" in b for b in blanks)
    assert any("「天山区」已提前下达的金额待填" in b for b in blanks)


def test_copy_into_another_folder_rewrites_profile_and_registry_paths():
    spec = EXAMPLES / "demo-2025.yaml"
    new = ROOT / "specs" / "2026" / "demo-next.yaml"
    text = next_batch_text(spec.read_text(encoding="utf-8"), NextBatch(seq=5, keep_amounts=True), spec, new)
    assert "profile: ../profiles/demo-profile.yaml" in text  # same depth: unchanged
    deeper = ROOT / "specs" / "2026" / "q1" / "demo-next.yaml"
    text = next_batch_text(spec.read_text(encoding="utf-8"), NextBatch(seq=5, keep_amounts=True), spec, deeper)
    assert "profile: ../../profiles/demo-profile.yaml" in text
    assert check_spec(deeper, text).errors == []


def test_only_a_notice_batch_is_copied_as_the_next_batch():
    from generator.spec_new import NewBatchError, NextBatch, next_batch_text

    book = (ROOT / "specs" / "examples" / "agri-dept-2025-book.yaml").read_text(encoding="utf-8")
    with pytest.raises(NewBatchError, match="只有资金下达通知批次可以复制为下一批；所选文件是 kind: book"):
        next_batch_text(book, NextBatch(9, None, "", ""))
