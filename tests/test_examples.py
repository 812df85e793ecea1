"""Both example batches pass check; the two contradictions of the originals are caught when typed in."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import check_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "specs" / "examples"


@pytest.mark.parametrize("name", ["heilongjiang-2023-256.yaml", "xinjiang-2024-24.yaml"])
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
