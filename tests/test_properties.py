"""Property tests: random valid batches render and every total re-adds in the .xlsx and the .docx; random
mutations of a spec never crash `check`. Bounded (a few examples each) so the suite stays fast."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

from conftest import NS, docx_part, text_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator.pipeline import check_spec, render_spec

MINI = (Path(__file__).parent / "data" / "mini.yaml").read_text(encoding="utf-8")
FAST = settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))

amounts = st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def batches(draw):
    """A small valid batch: 1–3 projects (the first maybe with parts), a province and 1–3 prefectures."""
    n_projects = draw(st.integers(1, 3))
    parts = draw(st.booleans())
    projects = [f"p{i}" for i in range(n_projects)]
    leaves = ["省直甲"] + [f"市{i}本级" for i in range(draw(st.integers(1, 3)))]
    counties = {leaf: [f"{leaf[:2]}县{j}" for j in range(draw(st.integers(0, 2)))] for leaf in leaves[1:]}
    rows, total = [], Decimal(0)
    for unit in leaves + [c for cs in counties.values() for c in cs]:
        cells = []
        for pid in projects:
            if not draw(st.booleans()):
                continue
            if pid == "p0" and parts:
                a, b = draw(amounts), draw(amounts)
                cells.append(f"{pid}: {{a: {a}, b: {b}}}")
                total += a + b
            else:
                due = draw(amounts)
                cells.append(f"{pid}: {{due: {due}}}")
                total += due
        if cells:
            rows.append(f"  - {{unit: {unit}, {', '.join(cells)}}}")
    if not rows:
        rows.append("  - {unit: 省直甲, p0: " + ("{a: 1, b: 2}}" if parts else "{due: 3}}"))
        total = Decimal(3)
    return _spec(projects, parts, leaves, counties, rows), total


def _spec(projects, parts, leaves, counties, rows) -> str:
    project_lines = []
    for pid in projects:
        if pid == "p0" and parts:
            project_lines.append(f"  - {{id: {pid}, name: 项目{pid}, parts: [{{key: a, name: 设备}}, {{key: b, name: 培训}}]}}")
        else:
            project_lines.append(f"  - {{id: {pid}, name: 项目{pid}}}")
    units = ["  - {name: 省直甲, level: province_unit, group: province}"]
    for i, leaf in enumerate(leaves[1:]):
        units.append(f"  - name: 市{i}\n    level: prefecture\n    group: cities\n    children:")
        units.append(f"      - {{name: {leaf}, level: city_body}}")
        units.extend(f"      - {{name: {c}, level: county}}" for c in counties[leaf])
    columns = "\n".join(f"      - {{project: {p}, measures: [due]}}" for p in projects)
    return f"""notice:
  issuer: 示例省财政厅
  doc_number: {{agency: 示财社, year: 2024, seq: 7}}
  year: 2024
  program: 随机能力提升
  addressees: 各市财政局
  body: ["现将{{{{ fund_name }}}}{{{{ amount }}}}万元下达。"]
  printer: 示例省财政厅办公室
  print_date: 2024-03-08
groups:
  - {{id: province, name: 省直}}
  - {{id: cities, name: 地市}}
units:
{chr(10).join(units)}
projects:
{chr(10).join(project_lines)}
allocations:
{chr(10).join(rows)}
attachments:
  - kind: allocation_table
    key: alloc
    title: 分配表
    columns:
      - {{unit: 单位}}
      - {{measure: due, label: 应补助资金}}
{columns}
    rows:
      total_label: 总计
      levels: [province_unit, prefecture, city_body, county]
"""


_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _evaluate(formula: str, values) -> Decimal:
    """A SUM/+/- formula over cells, evaluated from the cells' cached values."""
    def cell(ref: str) -> str:
        m = _REF.fullmatch(ref)
        return f"_v({_col(m.group(1))}, {m.group(2)})"

    def rng(m: re.Match) -> str:
        a, b = _REF.fullmatch(m.group(1)), _REF.fullmatch(m.group(2))
        return (f"_r({_col(a.group(1))}, {a.group(2)}, {_col(b.group(1))}, {b.group(2)})")

    expr = re.sub(r"(\$?[A-Z]{1,3}\$?\d+):(\$?[A-Z]{1,3}\$?\d+)", rng, formula.lstrip("="))
    expr = re.sub(r"\$?[A-Z]{1,3}\$?\d+", lambda m: cell(m.group()) if not m.group().startswith("_") else m.group(),
                  expr.replace("SUM(", "_sum("))
    assert re.fullmatch(r"[_a-z(),\s\d.+\-]*", expr), formula

    def v(col, row):
        value = values(row, col)
        return Decimal(str(value)) if isinstance(value, (int, float)) else Decimal(0)

    def r(c1, r1, c2, r2):
        return [v(c, rr) for rr in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def total(*args):
        return sum((sum(a) if isinstance(a, list) else a for a in args), Decimal(0))

    return eval(expr, {"__builtins__": {}}, {"_v": v, "_r": r, "_sum": total})  # noqa: S307 - checked above


def _check_workbook(data: bytes) -> tuple[int, list]:
    formulas = load_workbook(io.BytesIO(data))
    cached = load_workbook(io.BytesIO(data), data_only=True)
    checked, totals = 0, []
    for ws, wv in zip(formulas.worksheets, cached.worksheets, strict=True):
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    want = _evaluate(c.value, lambda r, col, wv=wv: wv.cell(r, col).value)
                    got = Decimal(str(wv[c.coordinate].value or 0))
                    assert abs(want - got) < Decimal("0.005"), (c.coordinate, c.value, got, want)
                    checked += 1
        for row in wv.iter_rows(values_only=True):
            if row and row[0] == "总计":
                totals = list(row)
    return checked, totals


@FAST
@given(batches())
def test_random_batches_render_and_totals_re_add(tmp_path_factory, generated):
    text, total = generated
    spec = tmp_path_factory.mktemp("p") / "b.yaml"
    spec.write_text(text, encoding="utf-8")
    report, files = render_spec(spec)
    assert report.ok, "\n".join(map(str, report.errors)) + "\n" + text
    book = next(data for name, data in files.items() if name.endswith(".xlsx"))
    checked, totals = _check_workbook(book)
    assert checked > 0 and totals, "no formulas or no 总计 row"
    assert Decimal(str(totals[1])) == total  # 应补助 total: the generated amounts, added independently
    notice = next(data for name, data in files.items() if name.endswith(".docx"))
    rows = docx_part(notice).findall(".//w:tr", NS)
    total_row = next(r for r in rows if text_of(r.find("w:tc", NS)).strip() == "总计")
    cells = [text_of(tc).replace(",", "").strip() for tc in total_row.findall("w:tc", NS)]
    assert Decimal(cells[1]) == total, cells  # the Word table prints the same total


LINES = MINI.splitlines()
JUNK = st.sampled_from(["", "- x", "x: 1", "  - []", "[1,2", "~", '"{{ }}"', "{a: b", "  foo: &a [*a]", "\t\tbad",
                        "  program: {{ cycler }}", "!!python/object:os.system x", "a: \x01", "  year: .nan",
                        "  - {unit: 省医院, lab: 1e400}", "%YAML 1.1", "---", "...", "? [a]", "  seq: -1"])


@st.composite
def mutations(draw):
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        j = draw(st.integers(0, len(lines) - 1))
        op = draw(st.integers(0, 4))
        if op == 0:
            del lines[j]
        elif op == 1:
            lines.insert(j, draw(JUNK))
        elif op == 2 and ":" in lines[j]:
            lines[j] = lines[j].split(":")[0] + ": " + draw(st.text(max_size=12))
        elif op == 3:
            cut = draw(st.integers(0, len(lines[j])))
            lines[j] = lines[j][:cut]
        else:
            lines[j] = lines[j] + draw(st.text(alphabet="[]{},:#&*!|>'\"- \t", max_size=4))
    return "\n".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations())
def test_mutated_specs_never_crash_check(tmp_path_factory, text):
    spec = tmp_path_factory.mktemp("m") / "m.yaml"
    spec.write_text(text, encoding="utf-8", errors="surrogatepass")
    report = check_spec(spec)
    for problem in report.problems:
        assert problem.message and problem.loc is not None and problem.loc.line >= 1
