"""Excel attachments: read every workbook back (formulas and cached values) and compare with the derived views."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from generator.model import NumberFormat
from generator.money import excel_number_format
from generator.pipeline import check_spec
from generator.render import document_name
from generator.render_xlsx import place_header, render_workbooks, sheet_names, sum_template
from generator.xlsx_styles import DEFAULT_STYLES, TEMPLATE, load_styles

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts" / "xlsx"
FEEDBACK_HEADER = ["序号", "收到的财政专项资金名称", "文号", "资金金额", "实际支出金额", "资金支出方向", "未支出金额",
                   "实际支出进度", "未按计划或预算执行要求支出的原因", "整改措施及整改时间"]


def _passing_specs() -> list[Path]:
    reports = [check_spec(p) for p in sorted((ROOT / "specs" / "examples").glob("*.yaml"))]
    examples = [r.spec for r in reports if r.ok and r.kind.name == "batch"]  # other kinds have their own tests
    return [MINI, *examples]


SPECS = _passing_specs()


@cache
def rendered(spec: Path):
    """(derived, {file name: bytes}) for a spec that passes check."""
    report = check_spec(spec)
    assert report.ok, report.problems
    return report.derived, render_workbooks(report.derived)


def books(data: bytes):
    """The workbook twice: with formulas, and with the cached values."""
    return (openpyxl.load_workbook(io.BytesIO(data)),
            openpyxl.load_workbook(io.BytesIO(data), data_only=True))


def tricky_spec(tmp_path: Path) -> Path:
    """mini.yaml with text that looks like formulas, a feedback form and continuous target tables."""
    s = MINI.read_text(encoding="utf-8")
    s = s.replace("乙县财政局", "'=HYPERLINK(\"x\")'")
    s = s.replace("goal: 提升职业病防治能力。", "goal: +提升职业病防治能力。")
    s = s.replace("[数量指标, 实验室数量, 1个]", '[数量指标, 实验室数量, "=1个"]')
    s = s.replace("local_dept: 甲市卫生健康委", 'local_dept: "-甲市卫生健康委"')
    s = s.replace("    layouts: [region_county]\n", "    layouts: [region_county]\n    flow: continuous\n")
    s = s.replace("    rows: 5\n", "    rows: 5\n  - kind: feedback_form\n    title: 示例资金使用情况跟踪反馈表\n"
                  "    header_left: 市（单位）名称：\n    rows: 4\n"
                  '    notes: ["=说明：不是公式", "2、第二条说明。"]\n')
    path = tmp_path / "tricky.yaml"
    path.write_text(s, encoding="utf-8")
    return path


@pytest.fixture
def tricky(tmp_path):
    report = check_spec(tricky_spec(tmp_path))
    assert report.ok, report.problems
    return report.derived, render_workbooks(report.derived)


def workbook_of(derived, files, kind: str):
    """(numbered attachment, bytes) of every attachment of a kind."""
    return [(n, files[document_name(n.number, n.title, "xlsx")]) for n in derived.attachments
            if n.attachment.kind == kind]


# ---------------------------------------------------------------- formula parsing (independent of the renderer)

CELL = re.compile(r"([+-]?)\$?([A-Z]+)\$?(\d+)")


def sum_refs(formula: str) -> list[tuple[str, int]]:
    """Cells a =SUM(..)+SUM(..) formula adds, ranges expanded, in order."""
    assert re.fullmatch(r"=SUM\([A-Z0-9:,]+\)(\+SUM\([A-Z0-9:,]+\))*", formula), formula
    out = []
    for args in re.findall(r"SUM\(([^)]*)\)", formula):
        assert len(args.split(",")) <= 255
        for arg in args.split(","):
            a, _, b = arg.partition(":")
            (ca, ra), (cb, rb) = CELL.fullmatch(a).groups()[1:], CELL.fullmatch(b or a).groups()[1:]
            assert ca == cb
            out.extend((ca, r) for r in range(int(ra), int(rb) + 1))
    return out


def term_refs(formula: str) -> list[tuple[int, str, int]]:
    """(sign, column, row) of a signed same-row sum such as =E5-F5."""
    assert re.fullmatch(r"=([+-]?[A-Z]+\d+)+", formula), formula
    return [(-1 if s == "-" else 1, c, int(r)) for s, c, r in CELL.findall(formula[1:])]


def data_start(ws, col: int, label: str) -> int:
    """The sheet row (1-based) of the table's first data row."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == label)


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_one_workbook_per_excel_attachment(spec):
    derived, files = rendered(spec)
    expected = {document_name(n.number, n.title, "xlsx") for n in derived.attachments
                if n.attachment.kind in ("allocation_table", "target_tables", "feedback_form")}
    assert set(files) == expected
    for data in files.values():
        assert data[:2] == b"PK"


def test_output_is_deterministic():
    derived, files = rendered(MINI)
    assert render_workbooks(derived) == files
    props = books(next(iter(files.values())))[0].properties
    assert props.created == datetime(2024, 3, 8) and props.creator == derived.batch.notice.issuer


# ---------------------------------------------------------------- allocation tables


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_derived_cell_is_a_formula_with_the_derived_value(spec):
    derived, files = rendered(spec)
    for item, data in workbook_of(derived, files, "allocation_table"):
        view = derived.tables[item.number]
        wf, wv = books(data)
        ws, vs = wf.worksheets[0], wv.worksheets[0]
        col = {c.key: i + 1 for i, c in enumerate(view.columns)}
        letter = {k: get_column_letter(i) for k, i in col.items()}
        ucol = col.get("unit", 1)
        start = data_start(ws, ucol, view.rows[0].label)
        decimals = view.attachment.number_format.decimals
        formulas = 0
        for i, row in enumerate(view.rows):
            r = start + i
            assert ws.cell(r, ucol).value == row.label
            if "code" in col:
                assert (ws.cell(r, col["code"]).value or "") == row.code
            for c in (c for c in view.columns if c.kind == "money"):
                cell, cached = ws.cell(r, col[c.key]), vs.cell(r, col[c.key]).value
                expected = float(round(row.values.get(c.key, Decimal(0)), decimals))
                calc = view.calcs.get((i, c.key))
                if calc is None:
                    assert cell.data_type == "n" and cell.value == pytest.approx(expected), (row.label, c.key)
                    continue
                formulas += 1
                assert cell.data_type == "f", (row.label, c.key)
                assert cached == pytest.approx(expected), (row.label, c.key, cached)
                if calc.rows:
                    refs = sum_refs(cell.value)
                    assert sorted(refs) == sorted((letter[c.key], start + k) for k in calc.rows)
                    total = sum(vs[f"{cl}{rr}"].value for cl, rr in refs)
                else:
                    refs = term_refs(cell.value)
                    assert refs == [(s, letter[k], r) for s, k in calc.terms]
                    total = sum(s * vs[f"{cl}{rr}"].value for s, cl, rr in refs)
                assert total == pytest.approx(expected), (row.label, c.key, cell.value)
                assert len(cell.value) < 8000
        assert formulas == len(view.calcs)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_allocation_layout_header_panes_and_print_setup(spec):
    derived, files = rendered(spec)
    for item, data in workbook_of(derived, files, "allocation_table"):
        view = derived.tables[item.number]
        ws = books(data)[0].worksheets[0]
        last = get_column_letter(len(view.columns))
        merged = {str(m) for m in ws.merged_cells.ranges}
        assert ws["A1"].value == f"附件{item.number}"
        assert ws["A2"].value == item.title and f"A2:{last}2" in merged
        assert ws["A3"].value == view.unit_line and ws["A3"].alignment.horizontal == "right"
        head, depth = 4, 2 if view.two_row_header else 1
        for i, c in enumerate(view.columns, 1):
            x = get_column_letter(i)
            if c.group and depth == 2:
                assert ws.cell(head, i).value in (c.group, None) and ws.cell(head + 1, i).value == c.label
                run = [j + 1 for j, d in enumerate(view.columns) if d.group == c.group]
                assert f"{get_column_letter(run[0])}{head}:{get_column_letter(run[-1])}{head}" in merged
            else:
                assert ws.cell(head, i).value == c.label
                if depth == 2:
                    assert f"{x}{head}:{x}{head + 1}" in merged
            if view.formula_row:
                assert (ws.cell(head + depth, i).value or "") == (c.formula_text or "")
        data_row = head + depth + (1 if view.formula_row else 0)
        ucol = next(i for i, c in enumerate(view.columns, 1) if c.kind == "unit")
        assert ws.cell(data_row, ucol).value == view.rows[0].label
        assert ws.freeze_panes == f"{get_column_letter(ucol + 1)}{data_row}"
        assert ws.print_title_rows == f"$${head}:$${data_row - 1}".replace("$$", "$")
        assert ws.print_area == f"'{ws.title}'!$A$1:${last}${data_row + len(view.rows) - 1}"
        setup = ws.page_setup
        assert setup.paperSize == 9
        if view.landscape:
            assert setup.orientation == "landscape"
        # fit to 1 page wide (fitToWidth defaults to 1 and the writer leaves it out), any number of pages tall
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
        assert ws.print_options.horizontalCentered


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_number_formats_follow_the_zero_rule(spec):
    derived, files = rendered(spec)
    for item, data in workbook_of(derived, files, "allocation_table"):
        view = derived.tables[item.number]
        ws = books(data)[0].worksheets[0]
        ucol = next(i for i, c in enumerate(view.columns, 1) if c.kind == "unit")
        start = data_start(ws, ucol, view.rows[0].label)
        for j, c in enumerate(view.columns, 1):
            if c.kind != "money":
                continue
            nf = c.number_format  # the table's format with the column's own zero rule, if it has one
            shown = excel_number_format(NumberFormat(nf.decimals, nf.thousands, "zero"))
            blank = excel_number_format(NumberFormat(nf.decimals, nf.thousands, "blank"))
            for i, row in enumerate(view.rows):
                want = {"blank": blank, "zero": shown}.get(nf.zero) or (shown if row.is_subtotal else blank)
                assert ws.cell(start + i, j).number_format == want, (row.label, c.key)


def test_mini_two_row_header_merges():
    derived, files = rendered(MINI)
    item, data = workbook_of(derived, files, "allocation_table")[0]
    merged = {str(m) for m in books(data)[0].worksheets[0].merged_cells.ranges}
    # 单位编码, 拨付单位 and the four total columns stand over both header rows; each project spans four columns
    assert {"A4:A5", "B4:B5", "C4:C5", "F4:F5", "G4:J4", "K4:N4", "A2:N2", "A3:N3"} <= merged


# ---------------------------------------------------------------- text stays text


def test_formula_like_spec_text_is_written_as_strings(tricky):
    derived, files = tricky
    texts = []
    for _, data in files.items():
        wf, _ = books(data)
        for ws in wf.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value and cell.value[0] in "=+-@":
                        texts.append((cell.value, cell.data_type, cell.quotePrefix))
    strings = {t for t, kind, _ in texts if kind == "s"}
    assert {'=HYPERLINK("x")', "+提升职业病防治能力。", "=1个", "-甲市卫生健康委", "=说明：不是公式"} <= strings
    for value, kind, quoted in texts:
        if kind == "s":
            assert quoted, value  # Excel keeps it text when a clerk edits the cell
        else:
            assert kind == "f" and not any(t in value for t in ("HYPERLINK", "说明", "提升", "卫生", "1个")), value


# ---------------------------------------------------------------- target tables


def _check_target_block(ws, view, top: int) -> int:
    """Check one target table starting at title row `top`; return the row after it."""
    layout = view.layout
    merged = {str(m) for m in ws.merged_cells.ranges}
    ncol = len(layout.grid)
    last = get_column_letter(ncol)
    assert ws.cell(top, 1).value == view.title and f"A{top}:{last}{top}" in merged
    r = top + 1
    if view.subtitle:
        assert ws.cell(r, 1).value == view.subtitle
        r += 1
    for hr, hc, cell in place_header(layout.header):
        row, col = r + hr, hc + 1
        if cell.span > 1 or cell.rowspan > 1:
            rng = f"{get_column_letter(col)}{row}:{get_column_letter(col + cell.span - 1)}{row + cell.rowspan - 1}"
            assert rng in merged, rng
        value = ws.cell(row, col).value
        if cell.value == "amount":
            assert value == pytest.approx(float(view.amount))
        elif cell.value == "goal":
            assert value == view.goal
        elif cell.field:
            assert (value or "") == view.fields.get(cell.field, "")
        else:
            assert (value or "") == re.sub(r"\{\{\s*amount\s*\}\}", format(view.amount.normalize(), "f"),
                                           cell.text or "")
    head = r + len(layout.header)
    assert [ws.cell(head, c).value for c in range(1, ncol + 1)] == layout.indicator_texts
    first = head + 1
    grid = layout.grid
    for c, role in enumerate(grid, 1):
        x = get_column_letter(c)
        if role == "label":
            assert f"{x}{head}:{x}{first + len(view.rows) - 1}" in merged
        for i, ind in enumerate(view.rows):
            value = ws.cell(first + i, c).value
            if role == "l1" and (i == 0 or view.rows[i - 1].l1 != ind.l1):
                assert value == ind.l1
            elif role == "l2" and (i == 0 or (view.rows[i - 1].l1, view.rows[i - 1].l2) != (ind.l1, ind.l2)):
                assert value == ind.l2
            elif role == "name":
                assert value == ind.name
            elif role == "value":
                assert value == ind.value
            elif role == "weight" and ind.source.weight is not None:
                assert value == pytest.approx(float(ind.source.weight))
            elif role in ("basis", "prev", "rule", "evidence"):
                assert (value or "") == ind.extra.get(role, "")
    for role in ("l1", "l2"):
        if role in grid:
            x = get_column_letter(grid.index(role) + 1)
            keys = [(v.l1, v.l2 if role == "l2" else "") for v in view.rows]
            i = 0
            while i < len(keys):
                j = i
                while j + 1 < len(keys) and keys[j + 1] == keys[i]:
                    j += 1
                if j > i:
                    assert f"{x}{first + i}:{x}{first + j}" in merged
                i = j + 1
    return first + len(view.rows)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_target_tables_one_sheet_per_table(spec):
    derived, files = rendered(spec)
    for item, data in workbook_of(derived, files, "target_tables"):
        views = derived.targets_for(item)
        ws_list = books(data)[0].worksheets
        assert len(ws_list) == len(views)
        names = [ws.title for ws in ws_list]
        assert len({n.lower() for n in names}) == len(names)
        for k, (ws, view) in enumerate(zip(ws_list, views, strict=True)):
            assert len(ws.title) <= 31 and not re.search(r"[\[\]:*?/\\]", ws.title)
            top = 2 if k == 0 else 1
            if k == 0:
                assert ws["A1"].value == f"附件{item.number}"
            _check_target_block(ws, view, top)
            assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_target_tables_continuous_on_one_sheet(tricky):
    derived, files = tricky
    (item, data), = workbook_of(derived, files, "target_tables")
    views = derived.targets_for(item)
    assert len(views) == 2
    ws = books(data)[0].worksheets[0]
    assert len(books(data)[0].worksheets) == 1
    top, breaks = 2, []
    for k, view in enumerate(views):
        if k:
            assert all(ws.cell(top, c).value is None for c in range(1, 6))  # the blank row between tables
            top += 1
            breaks.append(top - 1)
        top = _check_target_block(ws, view, top)
    assert [b.id for b in ws.row_breaks.brk] == breaks


def test_sheet_names_are_valid_and_unique():
    class V:
        def __init__(self, name):
            self.unit = type("U", (), {"name": name})()

    names = sheet_names([V("自治区卫生健康委"), V("自治区卫生健康委"), V("a[b]:c*d?e/f\\g"), V("长" * 40),
                         V("长" * 40), V("History")])
    assert names[:3] == ["自治区卫生健康委", "自治区卫生健康委(2)", "abcdefg"]
    assert names[3] == "长" * 31 and names[4] == "长" * 28 + "(2)" and names[5] == "History(2)"


# ---------------------------------------------------------------- feedback form


def _feedback(derived, files):
    (item, data), = workbook_of(derived, files, "feedback_form")
    return item, *books(data)


def test_feedback_form_layout_and_formulas(tricky):
    item, wf, wv = _feedback(*tricky)
    ws, vs = wf.worksheets[0], wv.worksheets[0]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert ws["A1"].value == f"附件{item.number}" and ws["A2"].value == item.title and "A2:J2" in merged
    assert ws["A3"].value == "市（单位）名称：" and ws["G3"].value == "单位：万元"
    assert [ws.cell(4, c).value for c in range(1, 11)] == FEEDBACK_HEADER
    assert ws["A5"].value == "合计"
    first, last = 6, 6 + item.attachment.rows_count - 1
    assert ws["D5"].value == f"=SUM(D{first}:D{last})" and ws["E5"].value == f"=SUM(E{first}:E{last})"
    assert ws["G5"].value == "=D5-E5" and ws["H5"].value == '=IFERROR(E5/D5,"")'
    for r in range(first, last + 1):
        assert ws.cell(r, 1).value == r - first + 1
        assert ws.cell(r, 7).value == f'=IF(AND(D{r}="",E{r}=""),"",D{r}-E{r})'
        assert ws.cell(r, 8).value == f'=IFERROR(E{r}/D{r},"")'
        assert ws.cell(r, 8).number_format == "0.00%"
        assert vs.cell(r, 7).value in ("", None) and vs.cell(r, 8).value in ("", None)
    notes = item.attachment.notes
    for k, note in enumerate(notes):
        r = last + 1 + k
        assert ws.cell(r, 1).value == note and f"A{r}:J{r}" in merged
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_feedback_form_in_examples(spec):
    derived, files = rendered(spec)
    for item, data in workbook_of(derived, files, "feedback_form"):
        ws = books(data)[0].worksheets[0]
        assert [ws.cell(4, c).value for c in range(1, 11)] == FEEDBACK_HEADER
        assert ws["A3"].value == item.attachment.header_left


# ---------------------------------------------------------------- formulas: limits


def test_sum_formula_collapses_runs_and_respects_limits():
    assert sum_template([5, 6, 7, 9, 11, 12]).replace("§", "C") == "=SUM(C5:C7,C9,C11:C12)"
    spread = list(range(10, 10 + 2 * 700, 2))  # 700 separate rows
    formula = sum_template(spread).replace("§", "AB")
    assert len(formula) < 8000
    assert sorted(r for _, r in sum_refs(formula)) == spread


# ---------------------------------------------------------------- styles template


def test_template_styles_are_read():
    styles = load_styles()
    assert TEMPLATE.exists()
    assert set(styles) == set(DEFAULT_STYLES)
    assert styles["title"]["font_size"] == DEFAULT_STYLES["title"]["font_size"]


def test_missing_template_falls_back_to_defaults(tmp_path):
    assert load_styles(tmp_path / "missing.xlsx") == DEFAULT_STYLES


def test_edited_template_changes_the_output(tmp_path):
    copy = tmp_path / "styles.xlsx"
    shutil.copy(TEMPLATE, copy)
    wb = openpyxl.load_workbook(copy)
    ws = wb["样式"]
    for row in ws.iter_rows(min_col=1, max_col=3):
        if row[0].value == "title":
            row[2].font = openpyxl.styles.Font(name="KaiTi", sz=20, bold=True)
        if row[0].value == "leaf_number":
            row[2].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFFEE00")
    wb.save(copy)
    derived, _ = rendered(MINI)
    files = render_workbooks(derived, styles=load_styles(copy))
    item, data = workbook_of(derived, files, "allocation_table")[0]
    ws = books(data)[0].worksheets[0]
    assert ws["A2"].font.name == "KaiTi" and ws["A2"].font.sz == 20 and ws["A2"].font.b
    leaf = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "甲县财政局")
    assert ws.cell(leaf, 3).fill.fgColor.rgb.endswith("FFEE00")


def test_template_script_regenerates_the_defaults(tmp_path):
    out = tmp_path / "styles.xlsx"
    subprocess.run([sys.executable, str(ROOT / "templates" / "xlsx" / "make_styles.py"), str(out)], check=True)
    regenerated = load_styles(out)
    for role, props in DEFAULT_STYLES.items():
        got = regenerated[role]
        if props.get("border"):
            props = {k: v for k, v in props.items() if k != "border"} | dict.fromkeys(
                ("left", "right", "top", "bottom"), props["border"])
        assert got == props, role


# ---------------------------------------------------------------- LibreOffice: recalculation and a look


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(files: list[Path], fmt: str, outdir: Path, work: Path) -> None:
    """soffice --convert-to with its own profile (recalculate Excel files on load) and the 公文 font aliases."""
    profile = work / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    fonts = work / "fonts.conf"
    aliases = ROOT / "fonts" / "fontconfig" / "60-gongwen-aliases.conf"
    fonts.write_text('<?xml version="1.0"?>\n<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                     f'<include ignore_missing="yes">{aliases}</include></fontconfig>\n', encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts), HOME=str(work))
    subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=240, env=env)


def strip_cached_values(data: bytes) -> bytes:
    """The workbook without any formula's stored value, so that only a recalculation can fill them."""
    out, stripped = io.BytesIO(), 0
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body, n = re.subn(rb"(</f>)<v>[^<]*</v>", rb"\1", body)
                stripped += n
            zout.writestr(info, body)
    assert stripped
    return out.getvalue()


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed: cannot recalculate")
def test_libreoffice_recalculation_matches_derived(tricky, tmp_path):
    derived, files = tricky
    inputs, expect = [], {}
    for item, data in workbook_of(derived, files, "allocation_table"):
        path = tmp_path / "in" / f"alloc{item.number}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(strip_cached_values(data))
        inputs.append(path)
        expect[path.name] = derived.tables[item.number]
    (fb_item, fb_data), = workbook_of(derived, files, "feedback_form")
    fb = openpyxl.load_workbook(io.BytesIO(fb_data))  # a clerk fills two rows; openpyxl saves without values
    fb.worksheets[0]["D6"], fb.worksheets[0]["E6"] = 200, 50
    fb.worksheets[0]["D7"] = 100
    fb.save(tmp_path / "in" / "feedback.xlsx")
    inputs.append(tmp_path / "in" / "feedback.xlsx")
    convert(inputs, "xlsx", tmp_path / "out", tmp_path)
    for name, view in expect.items():
        vs = openpyxl.load_workbook(tmp_path / "out" / name, data_only=True).worksheets[0]
        col = {c.key: i + 1 for i, c in enumerate(view.columns)}
        start = data_start(vs, col["unit"], view.rows[0].label)
        for (i, key) in view.calcs:
            got = vs.cell(start + i, col[key]).value
            assert got == pytest.approx(float(view.rows[i].values[key])), (name, view.rows[i].label, key, got)
    fs = openpyxl.load_workbook(tmp_path / "out" / "feedback.xlsx", data_only=True).worksheets[0]
    assert [fs["D5"].value, fs["E5"].value, fs["G5"].value, fs["H5"].value] == [300, 50, 250, pytest.approx(50 / 300)]
    assert [fs["G6"].value, fs["H6"].value, fs["G7"].value, fs["H7"].value] == [150, 0.25, 100, 0]
    assert fs["G8"].value in ("", None) and fs["H8"].value in ("", None)


@pytest.mark.skipif(_soffice() is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice or pdftoppm is not installed: cannot render the workbooks to look at them")
def test_workbooks_print_on_a4_with_repeated_headers(tmp_path):
    spec = SPECS[-1]
    derived, files = rendered(spec)
    paths = []
    for name, data in files.items():
        path = tmp_path / "in" / f"{spec.stem}-{name.split()[0]}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    convert(paths, "pdf", tmp_path / "pdf", tmp_path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path in paths:
        pdf = tmp_path / "pdf" / f"{path.stem}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-l", "3", str(pdf), str(ARTIFACTS / path.stem)], check=True)
    for item, _ in workbook_of(derived, files, "allocation_table"):
        view = derived.tables[item.number]
        pdf = tmp_path / "pdf" / f"{spec.stem}-附件{item.number}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        if view.landscape:
            assert "841.89 x 595.3" in info
        if pages > 1 and shutil.which("pdftotext"):
            page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout
            first_header = next(c.group or c.label for c in view.columns if c.kind == "unit")
            assert first_header.replace(" ", "") in page2.replace(" ", "")

