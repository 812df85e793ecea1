"""Both example batches pass check; the two contradictions of the originals are caught when typed in."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import check_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "specs" / "examples"


@pytest.mark.parametrize("name", ["heilongjiang-2023-256.yaml", "xinjiang-2024-24.yaml", "xinjiang-selfeval-2023.yaml"])
def test_example_passes_check(name):
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{name} not written yet")
    report = check_spec(path)
    assert report.ok, "\n".join(map(str, report.errors))


def typed_as_original(tmp_path: Path, name: str, replacements: list[tuple[str, str]]) -> list[str]:
    """The example with the original's figures typed in, checked; returns the error messages."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = EXAMPLES / f".tmp-{tmp_path.name}-{name}"  # beside the example, so profile/registry paths resolve
    try:
        path.write_text(text, encoding="utf-8")
        return [str(p) for p in check_spec(path).errors]
    finally:
        path.unlink()


def test_xinjiang_kashgar_tcm_as_in_original(tmp_path):
    """Seed 004: 喀什 其中 row with 合计 30 but a blank 中医药 cell; 喀什 中医药 printed 0; 地州合计 中医药 120."""
    errors = typed_as_original(tmp_path, "xinjiang-2024-24.yaml", [
        ("- {unit: 喀什地区第一人民医院, tcm: 30, advance: 25}", "- {unit: 喀什地区第一人民医院, advance: 25, expect_due: 30}"),
        ("{of: 喀什地区, table: alloc, project: tcm, measure: due, value: 30}",
         "{of: 喀什地区, table: alloc, project: tcm, measure: due, value: 0}"),
    ])
    assert any("喀什地区第一人民医院" in e and "声明应补助合计 30" in e and "推算为 0" in e for e in errors), errors
    assert any("声明为 120，推算为 90" in e for e in errors), errors  # 地州合计 中医药
    assert any("「喀什地区」" in e and "声明为 7674，推算为 7644" in e for e in errors), errors


def test_heilongjiang_grouping_as_in_original(tmp_path):
    """Seed 000: 齐医附二 under 省直 in 附件1 but under 市地 in 附件1-2 (3012/1000 against 2512/1500)."""
    text = (EXAMPLES / "heilongjiang-2023-256.yaml").read_text(encoding="utf-8")
    old = "          of_which: non_additive                 # 其中 rows"
    new = "          group_override: {齐齐哈尔医学院附属第二医院: cities}\n" + old
    assert text.count(old) == 1
    path = EXAMPLES / f".tmp-{tmp_path.name}-hlj.yaml"
    try:
        path.write_text(text.replace(old, new), encoding="utf-8")
        report = check_spec(path)
    finally:
        path.unlink()
    warnings = [str(p) for p in report.warnings]
    assert any("齐齐哈尔医学院附属第二医院" in w and "「地市」" in w and "附件1" in w and "「省直」" in w and "500" in w
               for w in warnings), warnings
    view = report.derived.tables["1-2"]
    subtotals = {r.label: str(r.values["due"]) for r in view.rows if r.kind == "group"}
    assert subtotals == {"省直小计": "2512", "市地小计": "1500"}  # as the original printed them
    assert {r.label: str(r.values["clinic.this"]) for r in report.derived.tables["1"].rows if r.kind == "group"} == {
        "省直合计": "3012", "地市合计": "1000"}
