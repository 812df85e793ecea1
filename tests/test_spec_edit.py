"""Web edits splice the spec's text: every untouched byte, comment and line break stays."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.spec_edit import EditError, SpecText, apply_allocation_grid, apply_notice_form, scalar_text

ROOT = Path(__file__).resolve().parent.parent

TEXT = """# a comment that must survive
notice:
  year: 2024          # trailing comment
  program: 示例
  doc_number: {agency: 示财社, year: 2024,
               seq: 7}
allocations:
  - {unit: 甲县, lab: 60, advance: 20}
  # a comment between items
  - {unit: 乙县, lab: {due: 10, perf: -2}}
"""


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]


def test_replace_keeps_everything_else():
    spec = SpecText(TEXT)
    spec.set(("notice", "year"), 2025)
    spec.set(("notice", "doc_number", "seq"), 8)
    assert changed_lines(TEXT, spec.text) == [("  year: 2024          # trailing comment", "  year: 2025          # trailing comment"),
                                              ("               seq: 7}", "               seq: 8}")]


def test_add_and_remove_in_flow_and_block_mappings():
    spec = SpecText(TEXT)
    spec.set(("notice", "copies"), 20)
    spec.set(("allocations", 0, "lab"), None)
    spec.set(("allocations", 1, "lab", "advance"), Decimal("10"))
    spec.set(("notice", "disclosure"), "依申请公开")
    assert "  program: 示例\n" in spec.text and "  copies: 20\n  disclosure: 依申请公开\n" in spec.text
    assert "  - {unit: 甲县, advance: 20}\n  # a comment between items\n" in spec.text
    assert "{unit: 乙县, lab: {due: 10, perf: -2, advance: 10}}" in spec.text
    spec.set(("notice", "copies"), None)
    assert "copies" not in spec.text and spec.text.startswith("# a comment that must survive\n")


def test_nested_mapping_created_when_missing():
    spec = SpecText(TEXT)
    spec.set(("allocations", 0, "occ", "due"), Decimal("5"))
    assert "{unit: 甲县, lab: 60, advance: 20, occ: {due: 5}}" in spec.text


@pytest.mark.parametrize("value, text", [("依申请公开", "依申请公开"), ("a: b", '"a: b"'), ("true", '"true"'),
                                         ("2024", '"2024"'), ("#1", '"#1"'), (Decimal("-52.5"), "-52.5")])
def test_scalar_text_quotes_what_yaml_would_misread(value, text):
    assert scalar_text(value) == text


def test_notice_form_and_grid_on_a_real_example():
    path = ROOT / "specs" / "examples" / "xinjiang-2024-24.yaml"
    before = path.read_text(encoding="utf-8")
    spec = SpecText(before)
    apply_notice_form(spec, {"notice/copies": "30"})
    apply_allocation_grid(spec, {"alloc-4-basic-due": "317", "alloc-4-elderly-due": "15"})
    lines = changed_lines(before, spec.text.replace("  copies: 30\n", "", 1))
    assert lines == [("  - {unit: 天山区, basic: 316, elderly: 15, advance: 288}",
                      "  - {unit: 天山区, basic: 317, elderly: 15, advance: 288}")]


def test_not_yaml_is_refused():
    with pytest.raises(EditError):
        SpecText("a: [1, 2")
