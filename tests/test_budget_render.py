"""The budget's documents read back: the nine tables in .xlsx (values, live formulas whose cached values are
what the formulas compute, empty cells empty) and in one .docx, the 说明's sentences and tables, and the 58
target tables in Word and Excel."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import NS, docx_part, text_of
from openpyxl import load_workbook

from generator.pdf import convert_cold, libreoffice_available
from generator.pipeline import render_spec

EXAMPLE = Path(__file__).resolve().parent.parent / "specs" / "examples" / "haigang-health-budget-2025.yaml"
PREFIX = "秦皇岛市海港区卫生健康局2025年"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    report, out = render_spec(EXAMPLE)
    assert report.ok, [str(p) for p in report.errors]
    return out


def sheet(files, number: int):
    """(formulas sheet, values sheet) of table N's workbook."""
    name = next(n for n in files if n.startswith(f"{number:02d} "))
    data = files[name]
    return load_workbook(io.BytesIO(data)).active, load_workbook(io.BytesIO(data), data_only=True).active


def rows_of(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find_row(values, label: str) -> list:
    """The one row holding this label: a body row (序号 first) or, failing that, a header row (栏次)."""
    rows = [r for r in values if str(r[0]).isdigit()] or values
    hits = [r for r in rows if label in [str(c).strip() if c is not None else None for c in r]]
    if not hits:
        hits = [r for r in values if label in [str(c).strip() if c is not None else None for c in r]]
    assert len(hits) == 1, (label, len(hits))
    return hits[0]


def evaluate(formula: str, values) -> float:
    """=SUM(A1,B2:B5,…) from the cached values of a values sheet."""
    total = 0.0
    for arg in re.fullmatch(r"=SUM\((.*)\)", formula).group(1).split(","):
        for row in values[arg] if ":" in arg else ((values[arg],),):
            for cell in row if isinstance(row, tuple) else (row,):
                total += cell.value or 0
    return total


def check_formulas(ws_f, ws_v) -> int:
    """Every formula's cached value is what it computes from the cached values; returns how many."""
    count = 0
    for row in ws_f.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                assert evaluate(cell.value, ws_v) == pytest.approx(ws_v[cell.coordinate].value, abs=1e-9), cell
                count += 1
    return count


def test_file_set(files):
    assert len([n for n in files if n.endswith(".xlsx") and n[:2].isdigit()]) == 9
    assert f"{PREFIX}部门预算公开表.docx" in files and f"{PREFIX}部门预算信息公开情况说明.docx" in files
    assert f"{PREFIX}项目绩效目标表.docx" in files and f"{PREFIX}项目绩效目标表.xlsx" in files


def test_summary_xlsx(files):
    ws_f, ws_v = sheet(files, 1)
    values = rows_of(ws_v)
    assert values[0][0] == "部门预算收支总表"
    assert values[2][0] == "361秦皇岛市海港区卫生健康局" and "单位：万元" in values[2] and "预算年度：2025" in values[2]
    assert find_row(values, "栏次") == ["栏次", "1", "2", "3", "4"]
    assert find_row(values, "一、一般公共预算拨款收入")[2] == 24490.91
    assert find_row(values, "八、社会保障和就业支出")[4] == 1060.41
    assert find_row(values, "十、卫生健康支出")[4] == 23153.16
    assert find_row(values, "二十、住房保障支出")[4] == 277.34
    assert find_row(values, "二十四、预备费")[4] is None and find_row(values, "三十一、人行科目")[4] is None
    assert find_row(values, "本年收入合计")[2] == find_row(values, "本年收入合计")[4] == 24490.91
    assert find_row(values, "收入总计")[2] == find_row(values, "收入总计")[4] == 24490.91
    assert find_row(values, "上年结转结余")[2] is None  # empty, never 0.00
    assert find_row(rows_of(ws_f), "本年收入合计")[4].startswith("=SUM(E")
    assert check_formulas(ws_f, ws_v) == 4


@pytest.mark.parametrize("number", [2, 3, 5])
def test_function_tables_xlsx(files, number):
    ws_f, ws_v = sheet(files, number)
    values = rows_of(ws_v)
    total = find_row(values, "合计")
    assert total[3] == 24490.91
    if number == 2:
        assert total[4] == total[5] == 24490.91 and total[6:] == [None] * 7
    else:
        assert (total[4], total[5]) == (4658.03, 19832.88)
    assert find_row(values, "卫生健康支出")[3] == 23153.16
    assert find_row(values, "21004")[3] == 9442.98
    assert find_row(values, "2101101")[2] == "行政单位医疗"
    assert len([r for r in values if r[0] and str(r[0]).isdigit()]) == 34
    assert check_formulas(ws_f, ws_v) > 34


def test_fiscal_summary_xlsx(files):
    ws_f, ws_v = sheet(files, 4)
    values = rows_of(ws_v)
    assert find_row(values, "十、卫生健康支出")[4:6] == [23153.16, 23153.16]
    assert find_row(values, "支出总计")[4:8] == [24490.91, 24490.91, None, None]
    assert find_row(values, "年初财政拨款结转和结余")[2] is None
    assert len([r for r in values if r[0] and str(r[0]).isdigit()]) == 37
    check_formulas(ws_f, ws_v)


def test_basic_table_xlsx(files):
    ws_f, ws_v = sheet(files, 6)
    values = rows_of(ws_v)
    assert find_row(values, "合计")[3:6] == [4658.03, 4384.22, 273.81]
    assert find_row(values, "301")[3:6] == [3675.02, 3675.02, None]
    assert find_row(values, "302")[3:6] == [273.81, None, 273.81]
    assert find_row(values, "303")[3:6] == [709.20, 709.20, None]
    assert find_row(values, "30217")[5] == 0.92 and find_row(values, "30231")[5] == 36.05
    assert check_formulas(ws_f, ws_v) > 28


@pytest.mark.parametrize("number, note", [(7, "注：无政府性基金预算财政拨款预算，空表列示。"),
                                          (8, "注：无国有资本经营预算财政拨款预算，空表列示。")])
def test_blank_tables_xlsx(files, number, note):
    ws_f, ws_v = sheet(files, number)
    values = rows_of(ws_v)
    numbers = find_row(values, "栏次")
    at = values.index(numbers)
    assert numbers == ["栏次", "1", "2", "3", "4", "5"]
    assert values[at + 1] == [None] * 6 and values[at + 2][0] == note and len(values) == at + 3


def test_three_public_xlsx(files):
    ws_f, ws_v = sheet(files, 9)
    values = rows_of(ws_v)
    assert find_row(values, "合计")[2:4] == [36.97, 36.97]
    assert find_row(values, "“三公”经费小计")[2:6] == [36.97, 36.97, None, None]
    assert find_row(values, "一、因公出国（境）费")[2] is None
    assert find_row(values, "二、公务用车购置及运维费")[2] == 36.05
    running = find_row(values, "公务用车运行维护费")
    assert running[2] == 36.05 and running[1] == "          公务用车运行维护费"  # indented as published
    assert find_row(values, "三、公务接待费")[2] == 0.92
    assert check_formulas(ws_f, ws_v) == 8  # 合计 and 合计 across, for each non-empty row but the leaves


def docx_tables(data: bytes) -> list[list[list[str]]]:
    root = docx_part(data)
    return [[[text_of(c) for c in r.findall("w:tc", NS)] for r in t.findall("w:tr", NS)]
            for t in root.iter(f"{{{NS['w']}}}tbl")]


def test_tables_docx(files):
    data = files[f"{PREFIX}部门预算公开表.docx"]
    root = docx_part(data)
    text = [text_of(p) for p in root.iter(f"{{{NS['w']}}}p")]
    grids = docx_tables(data)
    bordered = [g for g in grids if len(g) > 1]
    assert len(bordered) == 9
    summary = bordered[0]
    assert summary[2] == ["栏次", "1", "2", "3", "4"]
    assert ["1", "一、一般公共预算拨款收入", "24490.91", "一、一般公共服务支出", ""] in summary
    assert ["34", "收入总计", "24490.91", "支出总计", "24490.91"] in summary
    expenditure = bordered[2]
    assert ["1", "", "合计", "24490.91", "4658.03", "19832.88", "", "", ""] in expenditure
    assert ["18", "2100403", "妇幼保健机构", "603.46", "583.46", "20.00", "", "", ""] in expenditure
    assert ["1", "", "合计", "4658.03", "4384.22", "273.81"] in bordered[5]
    assert ["1", "合计", "36.97", "36.97", "", ""] in bordered[8]
    for blank in (bordered[6], bordered[7]):
        assert blank[-1] == [""] * 6 and len(blank) == 4
    assert "注：无政府性基金预算财政拨款预算，空表列示。" in text
    assert "注：无国有资本经营预算财政拨款预算，空表列示。" in text
    assert not any(cell == "0.00" for g in bordered for r in g for cell in r)
    assert ["361秦皇岛市海港区卫生健康局", "预算年度：2025", "单位：万元"] in [r for g in grids for r in g]


def test_notes_docx(files):
    data = files[f"{PREFIX}部门预算信息公开情况说明.docx"]
    root = docx_part(data)
    body = "".join(text_of(p) for p in root.findall("w:body/w:p", NS))
    for fragment in ["2025年预算收入24490.91万元，其中：一般公共预算收入24490.91万元，基金预算收入0.00万元",
                     "2025年支出预算24490.91万元，其中基本支出4658.03万元，包括人员经费4384.22万元和日常公用经费273.81万元；"
                     "项目支出19832.88万元，主要为其他公共卫生支出5507.52万元",
                     "较2024年预算减少963.07万元，其中：基本支出减少326.30万元",
                     "项目支出减少636.77万元", "机关运行经费共计安排273.81万元",
                     "“三公”经费预算安排36.97万元，其中因公出国（境）费0.00万元；公务用车购置及运维费36.05万元",
                     "公务接待费0.92万元。与2024年相比增加36.97万元", "上年末固定资产金额为28569.27万元",
                     "1、爱卫、创卫工作经费绩效目标表", "58、"]:
        assert fragment in body, fragment
    grids = docx_tables(data)
    cells = [c for g in grids for r in g for c in r]
    assert "秦皇岛市海港区卫生健康局本级" in cells
    for figure in ("8700.60", "8665.06", "35.54", "8635.87", "8621.46", "14.41", "28569.27", "2296.27"):
        assert figure in cells, figure


def test_target_tables(files):
    data = files[f"{PREFIX}项目绩效目标表.docx"]
    root = docx_part(data)
    titles = [text_of(p) for p in root.findall("w:body/w:p", NS) if re.match(r"\d+、", text_of(p))]
    assert len(titles) == 58 and titles[0] == "1、爱卫、创卫工作经费绩效目标表"
    assert titles[7] == "8、基层医疗机构收支差（RY）绩效目标表" and titles[8] == "9、基层医疗机构收支差（RY）绩效目标表"
    raw = docx_tables(data)  # each target table is its header block's table and its grid's (the grid's header repeats)
    grids = [block + grid for block, grid in zip(raw[::2], raw[1::2], strict=True)]
    assert len(grids) == 58
    first = grids[0]
    assert first[0] == ["项目编码", "13030225P00456110006G", "项目名称", "爱卫、创卫工作经费"]
    assert first[1][:5] == ["预算规模及资金用途", "预算数", "5.00", "其中：财政资金", "5.00"]
    assert first[6] == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    assert sum(len(g) - 7 for g in grids) == 477
    wb = load_workbook(io.BytesIO(files[f"{PREFIX}项目绩效目标表.xlsx"]))
    assert len(wb.sheetnames) == 58 and wb.sheetnames[0] == "1、爱卫、创卫工作经费"
    ws = wb.worksheets[0]
    assert ws["A1"].value == "1、爱卫、创卫工作经费绩效目标表"
    assert any(c.value == "指标值确定依据" for r in ws.iter_rows() for c in r)


@pytest.mark.skipif(not libreoffice_available() or not shutil.which("pdftotext"), reason="LibreOffice/poppler missing")
def test_tables_docx_lays_out(files, tmp_path):
    """LibreOffice lays out every table title and the totals; no figure is broken across lines."""
    path = tmp_path / "tables.docx"
    path.write_bytes(files[f"{PREFIX}部门预算公开表.docx"])
    pdf = convert_cold([path], tmp_path)[0]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for title in ("部门预算收支总表", "部门预算收入总表", "部门预算财政拨款“三公”经费支出表"):
        assert title in text
    assert text.count("24490.91") == 17  # T1 5, T2 3, T3 1, T4 7, T5 1: each on one line, unbroken


def test_tables_docx_pages(files):
    """One section per table: portrait where the table fits (收支总表, 三公), landscape for the wide ones."""
    root = docx_part(files[f"{PREFIX}部门预算公开表.docx"])
    sections = root.findall(".//w:sectPr", NS)
    assert len(sections) == 9
    orient = [s.find("w:pgSz", NS).get(f"{{{NS['w']}}}orient") == "landscape" for s in sections]
    assert orient[0] is False and orient[1] is True and orient[8] is False
    titles = [text_of(p) for p in root.iter(f"{{{NS['w']}}}p") if p.find("w:pPr/w:pStyle", NS) is not None
              and p.find("w:pPr/w:pStyle", NS).get(f"{{{NS['w']}}}val") == "GwTargetTitle"]
    assert titles[:2] == ["部门预算收支总表", "部门预算收入总表"] and len(titles) == 9
    widths = [int(g.get(f"{{{NS['w']}}}w")) for g in root.find(".//w:tbl[2]/w:tblGrid", NS)]
    assert sum(widths) <= 11906 - 1588 - 1474  # the 收支总表 within the portrait text width


def test_procurement_xlsx(files):
    data = files[f"{PREFIX}部门政府采购预算.xlsx"]
    ws_f = load_workbook(io.BytesIO(data)).active
    ws_v = load_workbook(io.BytesIO(data), data_only=True).active
    values = rows_of(ws_v)
    total = next(r for r in values if r[0] == "合  计")
    assert total[7:9] == [8700.60, 8700.60] and total[14] == 8635.87
    assert next(r for r in values if r[0] and str(r[0]).endswith("本级小计"))[7] == 8665.06
    assert check_formulas(ws_f, ws_v) > 15


def test_header_rows_open_their_own_table_so_they_repeat_on_every_page(files):
    """Word and LibreOffice join adjacent tables; the borderless 单位/年度 row above a table must stay a table of its
    own, or the table's header rows are no longer its first rows and do not repeat where it breaks."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = docx_part(files[f"{PREFIX}部门预算公开表.docx"]).find(f"{w}body")
    tables = 0
    for el in body:
        if el.tag != f"{w}tbl":
            continue
        rows = el.findall(f"{w}tr")
        heads = [r.find(f"{w}trPr/{w}tblHeader") is not None for r in rows]
        if any(heads):
            tables += 1
            assert heads[0] and heads == sorted(heads, reverse=True)  # a prefix of the table's rows
            assert el.getprevious() is not None and el.getprevious().tag == f"{w}p"  # not joined to a table above
    assert tables >= 9
