"""The benchmark's own parts: synthetic specs pass check; the reference and the floor print our figures."""

from __future__ import annotations

import io
import math
from pathlib import Path

import docx
import openpyxl
import pytest

from bench import compare, floor
from bench.measure import measure
from bench.plain import plain_docset
from bench.reference_docxtpl import render as reference
from bench.reference_docxtpl.build_templates import TEMPLATES, table_signature, targets_signature
from bench.run import slope, verdicts
from bench.synthetic import write_synthetic
from generator.pipeline import check_spec, require_ok
from generator.render import render_batch

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("bench"), 100)


@pytest.mark.parametrize("units", [30, 100, 250])
def test_synthetic_specs_pass_check(tmp_path, units):
    report = check_spec(write_synthetic(tmp_path, units))
    assert report.ok, [str(p) for p in report.errors[:5]]
    assert not report.warnings
    batch = report.derived.batch
    assert len(batch.registry.by_id) == units
    assert len(report.derived.targets) > units // 2  # target tables grow with the batch


def test_synthetic_codes_keep_leading_zeros(synthetic):
    registry = (synthetic.parent / "registry-100.yaml").read_text(encoding="utf-8")
    assert "code: '0090000001'" in registry


def _specs(synthetic: Path) -> list[Path]:
    """Every example batch (kind: batch; a book has no notice to compare), the test batch and a synthetic one."""
    from generator.bulk import spec_kind

    batches = [p for p in sorted((ROOT / "specs/examples").glob("*.yaml")) if spec_kind(p) == "batch"]
    return [*batches, MINI, synthetic]


def test_templates_exist_for_every_shape(synthetic):
    for spec in _specs(synthetic):
        ds = plain_docset(require_ok(check_spec(spec)))
        names = [table_signature(t) for t in ds.tables]
        names += [targets_signature(list(dict.fromkeys(t.layout for t in d.tables))) for d in ds.targets]
        missing = [n for n in names if not (TEMPLATES / f"{n}.docx").is_file()]
        assert not missing, f"run python bench/reference_docxtpl/build_templates.py (missing {missing})"


@pytest.mark.parametrize("implementation", [reference, floor], ids=["reference", "floor"])
def test_same_figures_and_texts_as_ours(synthetic, implementation):
    for spec in _specs(synthetic):
        derived = require_ok(check_spec(spec))
        ours = render_batch(derived)
        ds = plain_docset(derived)
        theirs = {**implementation.render_docx(ds), **implementation.render_xlsx(ds)}
        diff = compare.compare_sets(ours, theirs)
        assert diff["docx_figure_count"][0] > 0
        assert diff["docx_figure_count"][0] == diff["docx_figure_count"][1], (spec, diff)
        for key in ("docx_figures_only_ours", "docx_figures_only_theirs", "docx_texts_missing_in_theirs",
                    "docx_texts_missing_in_ours", "xlsx_inputs_only_ours", "xlsx_inputs_only_theirs"):
            assert not diff[key], (spec.name, key, diff[key])
        assert diff["xlsx_formulas"][0] == diff["xlsx_formulas"][1], (spec.name, diff["xlsx_formulas"])
        assert {n for n in ours if n.endswith(".xlsx")} == {n for n in theirs if n.endswith(".xlsx")}


@pytest.mark.parametrize("implementation", [reference, floor], ids=["reference", "floor"])
def test_documents_open_in_python_docx_and_openpyxl(synthetic, implementation):
    ds = plain_docset(require_ok(check_spec(synthetic)))
    for name, data in implementation.render_docx(ds).items():
        document = docx.Document(io.BytesIO(data))
        assert document.paragraphs, name
    matrix = next(t for t in ds.tables if t.number == "1")
    for name, data in implementation.render_xlsx(ds).items():
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb.worksheets, name
        if name.startswith("附件1 "):
            ws = wb.worksheets[0]
            first = 4 + len(matrix.header)
            assert str(ws.cell(first, 3).value).startswith("=SUM(")  # 总计 应补助: a live total
            assert ws.merged_cells.ranges  # merged header cells


def test_measure_reports_phases_and_memory():
    result = measure("floor", MINI, 1)
    assert set(result["times"]) == {"check", "docx", "xlsx", "plain"}
    assert result["peak_rss_mb"] >= result["rss_after_imports_mb"] > 0
    assert result["files"] > 0


def test_slope_and_verdicts():
    assert math.isclose(slope([100, 1000, 10000], [0.1, 1.0, 10.0]), 1.0)
    assert math.isclose(slope([100, 10000], [1.0, 100.0 ** 1.2]), 1.2)
    assert slope([100], [1.0]) is None
    v = verdicts({"ratio_vs_reference": 0.4, "ratio_vs_floor": 3.5, "pdf_speedup": None})
    assert v["ratio_vs_reference"]["met"] is True
    assert v["ratio_vs_floor"]["met"] is False
    assert v["pdf_speedup"]["met"] is None
