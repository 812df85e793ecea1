"""Importing a 分配表 .xlsx: the examples' own 附件1 workbooks read back into their allocations."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from generator.import_amounts import Imported, import_amounts, project_defs, table_columns
from generator.import_xlsx import ImportXlsxError, cell_amount, read_sheet, shown_decimals
from generator.pipeline import check_spec, render_spec
from generator.spec import load_batch
from generator.spec_new import NewBatch, new_batch_text, replace_allocations
from generator.sums import leaf_figures

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "specs" / "examples"
NAMES = ["demo-2025", "heilongjiang-2023-256", "xinjiang-2024-24"]
_CACHE: dict[str, bytes] = {}


def attachment1(name: str) -> bytes:
    """The example's generated 附件1 workbook (rendered in memory through the pipeline)."""
    if name not in _CACHE:
        report, files = render_spec(EXAMPLES / f"{name}.yaml")
        assert report.ok, report.problems
        _CACHE[name] = next(data for fname, data in files.items() if fname.startswith("附件1 "))
    return _CACHE[name]


def inputs(fig) -> dict:
    """A Figures' non-zero inputs as a plain dict (parts separate)."""
    out = {}
    for measure in ("due", "advance", "perf"):
        out.update({(measure, k): v for k, v in getattr(fig, measure).items() if v})
    out.update({("part", k): v for k, v in fig.parts.items() if v})
    if fig.unit_advance:
        out["unit_advance"] = fig.unit_advance
    return out


def imported_leaves(batch, imp: Imported) -> dict[str, dict]:
    """The imported amounts as the loader would read them (through leaf_figures)."""
    from generator.model import Allocation, Cell, Loc

    loc = Loc("x", 1, 1, "")
    out = {}
    for row in imp.amounts:
        cells = {}
        for pid, values in row.cells.items():
            cell = Cell(pid, loc, due=values.get("due"), advance=values.get("advance"), perf=values.get("perf"))
            cell.parts = {k: v for k, v in values.items() if k not in ("due", "advance", "perf")}
            cells[pid] = cell
        out[row.unit] = inputs(leaf_figures(Allocation(row.unit, loc, cells, row.advance), batch))
    return out


def run_import(name: str, with_projects: bool = True, data: bytes | None = None, confirmed=None):
    batch, problems = load_batch(EXAMPLES / f"{name}.yaml")
    assert batch is not None, problems
    sheet = read_sheet(data or attachment1(name), batch.registry, batch.projects if with_projects else None,
                       confirmed)
    return batch, import_amounts(sheet, batch.registry)


@pytest.mark.parametrize("name", NAMES)
def test_every_stated_figure_of_the_examples_is_reproduced(name):
    """Each row and column of 附件1 (leaves, 小计, 合计, 总计) equals what the imported amounts derive."""
    batch, imp = run_import(name)
    assert imp.problems == []
    assert imp.mismatches == []
    unit_rows = [r for r in imp.sheet.rows if r.kind == "unit"]
    assert unit_rows and all(r.how in ("exact", "code", "context") for r in unit_rows)
    assert {r.kind for r in imp.sheet.rows} >= {"total", "unit"}


def test_xinjiang_allocations_are_reproduced_exactly():
    """One header row, per-project 应拨付, a unit-level 已提前下达, an additive 其中 row: the same leaves."""
    batch, imp = run_import("xinjiang-2024-24")
    original = {a.unit: inputs(leaf_figures(a, batch)) for a in batch.allocations}
    assert imported_leaves(batch, imp) == {k: v for k, v in original.items() if v}
    assert len(imp.amounts) == 102


def test_demo_allocations_are_reproduced_except_the_split_of_parts_the_table_does_not_show():
    """Two header rows, codes, a non-additive 其中 row whose parent's rest goes to 市直 (甲市直)."""
    batch, imp = run_import("demo-2025")
    original = {a.unit: inputs(leaf_figures(a, batch)) for a in batch.allocations}
    got = imported_leaves(batch, imp)
    assert set(got) == set(original)
    for unit, figures in original.items():
        without_parts = {k: v for k, v in figures.items() if k[0] != "part"}
        assert {k: v for k, v in got[unit].items() if k[0] != "part"} == without_parts, unit
    # 附件1 prints 公共卫生 as one 应补助 with 其中：绩效: a and b cannot be told apart, and the clerk is told so
    assert got["示例省疾病预防控制中心"][("part", ("pubhealth", "a"))] == Decimal(520)
    assert any("分项在表中没有分列" in n for n in imp.notes)
    assert any("甲市直" in n for n in imp.notes)


def test_heilongjiang_city_rows_fold_into_their_own_leaf_and_every_row_still_adds_up():
    """附件1 prints 市本级 as one row; its money goes to 市直 and the subtree sums equal the original's."""
    batch, imp = run_import("heilongjiang-2023-256")
    from generator.derive import derive_batch

    derived, _ = derive_batch(batch)
    got = imported_leaves(batch, imp)
    assert ("due", "fuyou") in got["哈尔滨市直"]
    for row in (r for r in imp.sheet.rows if r.kind == "unit"):
        unit = batch.registry.by_id[row.unit]
        mine = {}
        for node in unit.walk():
            for key, value in got.get(node.id, {}).items():
                if key[0] != "part":
                    mine[key] = mine.get(key, 0) + value
        theirs = {k: v for k, v in inputs(derived.sums.unit[row.unit]).items() if k[0] != "part"}
        assert {k: v for k, v in mine.items() if v} == theirs, row.label


def test_without_a_base_batch_columns_become_projects_named_as_in_the_header():
    batch, imp = run_import("xinjiang-2024-24", with_projects=False)
    names = {pid: name for pid, name, _ in project_defs(imp)}
    assert sorted(names.values()) == sorted(p.name for p in batch.projects)
    by_name = {p.name: p.id for p in batch.projects}
    tianshan = next(a for a in imp.amounts if a.unit == "天山区")
    assert {names[pid]: v["due"] for pid, v in tianshan.cells.items()} == {"原基本公共卫生项目": 316,
                                                                         "医养结合和老年健康服务": 15}
    assert tianshan.advance == 288 and by_name


def test_imported_spec_text_checks_clean(tmp_path):
    """Into the earlier batch (allocations replaced) and as a new batch from the form: check accepts both."""
    batch, imp = run_import("xinjiang-2024-24")
    text = (EXAMPLES / "xinjiang-2024-24.yaml").read_text(encoding="utf-8")
    spec = EXAMPLES / "xinjiang-2024-24.yaml"
    assert check_spec(spec, replace_allocations(text, imp.amounts)).errors == []
    _, imp = run_import("xinjiang-2024-24", with_projects=False)
    form = NewBatch(ROOT / "specs/profiles/xinjiang-czt-shebao.yaml", ROOT / "specs/registries/xinjiang.yaml",
                    2025, 7, "基本公共卫生服务", "2025-03-01")
    new = EXAMPLES / "new-from-xlsx.yaml"
    text = new_batch_text(form, new, project_defs(imp), imp.amounts, table_columns(imp))
    report = check_spec(new, text)
    assert report.errors == []
    assert "{unit: 天山区, p1: 316, p3: 15, advance: 288}" in text


def _edited(name: str, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(attachment1(name)))
    edit(book.worksheets[0])
    out = io.BytesIO()
    book.save(out)  # openpyxl drops cached formula values: totals are then "not stated" (blank)
    return out.getvalue()


def _cached(name: str, edit) -> bytes:
    """Edit the cached values too: load values only, change, save (formulas become the stated numbers)."""
    book = openpyxl.load_workbook(io.BytesIO(attachment1(name)), data_only=True)
    edit(book.worksheets[0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_leaf_that_does_not_add_up_is_listed_with_every_total_it_breaks():
    def edit(ws):
        assert ws["A13"].value == "天山区"
        ws["B13"] = 317  # 原基本公共卫生 316 → 317, totals left as they were
    _, imp = run_import("xinjiang-2024-24", data=_cached("xinjiang-2024-24", edit))
    where = {(m.row, m.column) for m in imp.mismatches}
    assert (13, "全年应拨付资金合计") in where and (13, "此次下达") in where  # the row's own total
    assert (12, "原基本公共卫生项目") in where  # 乌鲁木齐市 subtotal
    assert (5, "原基本公共卫生项目") in where  # 总计
    mismatch = next(m for m in imp.mismatches if m.row == 12 and m.column == "原基本公共卫生项目")
    assert (mismatch.stated, mismatch.derived) == (Decimal(1900), Decimal(1901))
    assert "第 12 行「乌鲁木齐市」原基本公共卫生项目：表中为 1900，按各行推算为 1901" == str(mismatch)


def test_formulas_saved_without_results_are_not_compared_and_inputs_still_import():
    def edit(ws):
        ws["B13"] = 317  # openpyxl keeps the formulas but saves no results for them

    batch, imp = run_import("xinjiang-2024-24", data=_edited("xinjiang-2024-24", edit))
    assert imp.mismatches == [] and any("公式没有保存计算结果" in n for n in imp.notes)
    tianshan = next(a for a in imp.amounts if a.unit == "天山区")
    assert tianshan.cells["basic"] == {"due": Decimal(317)} and tianshan.advance == Decimal(288)
    assert len(imp.amounts) == 102


def test_close_names_are_offered_and_a_confirmed_choice_wins():
    def edit(ws):
        ws["A13"] = "天山区卫健委"
        ws["A14"] = "完全无关的名字"
    data = _cached("xinjiang-2024-24", edit)
    _, imp = run_import("xinjiang-2024-24", data=data)
    close = {r.number: r for r in imp.close_rows}
    assert close[13].candidates[0] == "天山区" and close[13].unit == "天山区"
    unmatched = next(r for r in imp.sheet.rows if r.number == 14)
    assert unmatched.kind == "unmatched"
    assert any("第 14 行「完全无关的名字」在单位名录中找不到" in p for p in imp.problems)
    _, imp = run_import("xinjiang-2024-24", data=data, confirmed={14: "沙依巴克区", 13: None})
    assert not any(a.unit == "天山区" for a in imp.amounts)
    assert next(a for a in imp.amounts if a.unit == "沙依巴克区").cells["basic"] == {"due": Decimal(366)}


@pytest.mark.parametrize("value, fmt, expected", [
    (800, "#,##0.00", Decimal(800)),
    (800.0, "General", Decimal(800)),
    (123.45, "#,##0.00", Decimal("123.45")),
    (0.1 + 0.2, "#,##0.00", Decimal("0.3")),  # float noise rounded to the displayed decimals
    (1878.5, "0.0", Decimal("1878.5")),
    (-52.25, "General", Decimal("-52.25")),
    (0.1 + 0.7, "General", Decimal("0.8")),
    ("1,234.50", "General", Decimal("1234.5")),
    (" 12 ", "@", Decimal(12)),
    (None, "General", None),
    ("", "General", None),
])
def test_cell_amounts_are_exact_decimals(value, fmt, expected):
    amount = cell_amount(value, fmt)
    assert amount == expected and (amount is None or isinstance(amount, Decimal))
    if amount is not None:
        assert str(amount) == str(expected)


@pytest.mark.parametrize("value", ["abc", float("nan"), float("inf"), True, "1.2.3"])
def test_non_numbers_are_refused(value):
    with pytest.raises(ValueError):
        cell_amount(value)


def test_shown_decimals():
    assert [shown_decimals(f) for f in ("General", "#,##0.00;-#,##0.00;", "0;-0;", "0.0%")] == [None, 2, 0, 1]


def test_a_file_that_is_not_xlsx_is_refused_in_chinese():
    batch, _ = load_batch(EXAMPLES / "demo-2025.yaml")
    with pytest.raises(ImportXlsxError, match="无法读取该文件"):
        read_sheet(b"not a zip", batch.registry)
    book = openpyxl.Workbook()
    book.active["A1"] = "只有一个标题"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportXlsxError, match="找不到表头"):
        read_sheet(out.getvalue(), batch.registry)
