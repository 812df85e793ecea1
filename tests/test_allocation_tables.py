"""Allocation tables: one number rule per column, the same in Word and Excel; cell margins; long names
broken into balanced lines between words instead of wrapping anywhere."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import NS, docx_part, text_of

from generator.docx_tables import allocation_table_xml
from generator.pipeline import check_spec
from generator.render import document_name
from generator.render_xlsx import render_workbooks

HERE = Path(__file__).parent
SPECS = [p for p in sorted((HERE.parent / "specs" / "examples").glob("*.yaml"))  # the notice batches
         if "\nkind: batch" in p.read_text(encoding="utf-8")] + [HERE / "data" / "mini.yaml"]


def word_decimals(view) -> list[set[int]]:
    """Per column, the decimal places its printed figures show in Word."""
    root = docx_part_of_table(view)
    rows = root.findall(".//w:tr", NS)[-len(view.rows):]
    out = [set() for _ in view.columns]
    for tr in rows:
        for j, tc in enumerate(tr.findall("w:tc", NS)):
            text = text_of(tc)
            if view.columns[j].kind == "money" and re.fullmatch(r"-?[\d,]+(\.\d+)?", text):
                out[j].add(len(text.split(".")[1]) if "." in text else 0)
    return out


def docx_part_of_table(view):
    from generator.docx_package import fragment_docx
    from generator.ooxml import TableStyles

    styles = TableStyles()
    return docx_part(fragment_docx(allocation_table_xml(view, styles=styles), styles, view.landscape))


def excel_decimals(data: bytes, view) -> list[set[int]]:
    """Per column, the decimal places of the number formats of its data cells in Excel."""
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    out = [set() for _ in view.columns]
    last = ws.max_row
    for j, col in enumerate(view.columns):
        if col.kind != "money":
            continue
        for (cell,) in ws.iter_rows(min_row=last - len(view.rows) + 1, max_row=last, min_col=j + 1, max_col=j + 1):
            body = cell.number_format.split(";")[0]
            out[j].add(len(body.split(".")[1]) if "." in body else 0)
    return out


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_every_column_one_rule_in_word_and_excel(spec):
    derived = check_spec(spec).derived
    books = render_workbooks(derived)
    for number, view in derived.tables.items():
        word = word_decimals(view)
        excel = excel_decimals(books[document_name(number, view.title, "xlsx")], view)
        for j, col in enumerate(view.columns):
            if col.kind == "money":
                rule = col.number_format.decimals
                assert word[j] <= {rule} and excel[j] == {rule}, (spec.stem, number, col.label, word[j], excel[j])


def test_heilongjiang_attachment_1_prints_one_rule_per_column():
    """The original prints 附件1's 职业病 绩效 column as -117.00 on page 1 and -18 on page 2; ours keeps the
    table's 2 decimals throughout (1-3, printed in integers by the original, stays in integers)."""
    derived = check_spec(HERE.parent / "specs" / "examples" / "heilongjiang-2023-256.yaml").derived
    root = docx_part_of_table(derived.tables["1"])
    texts = [text_of(tc) for tc in root.findall(".//w:tc", NS)]
    assert "-18.00" in texts and "-117.00" in texts and "-18" not in texts
    texts_13 = [text_of(tc) for tc in docx_part_of_table(derived.tables["1-3"]).findall(".//w:tc", NS)]
    assert "-18" in texts_13 and "-117" in texts_13


def test_a_column_may_print_its_own_decimals(tmp_path):
    text = (HERE / "data" / "mini.yaml").read_text(encoding="utf-8")
    old = "      - {measure: due, label: 应补助资金}\n"
    assert old in text
    path = tmp_path / "cols.yaml"
    path.write_text(text.replace(old, "      - {measure: due, label: 应补助资金, decimals: 0}\n"), encoding="utf-8")
    derived = check_spec(path).derived
    view = next(iter(derived.tables.values()))
    due = next(j for j, c in enumerate(view.columns) if c.key == "due")
    assert word_decimals(view)[due] == {0}
    books = render_workbooks(derived)
    assert excel_decimals(books[document_name(view.number, view.title, "xlsx")], view)[due] == {0}
    other = next(j for j, c in enumerate(view.columns) if c.key == "advance")
    assert word_decimals(view)[other] == {2}


def test_column_decimals_out_of_range_is_reported(tmp_path):
    text = (HERE / "data" / "mini.yaml").read_text(encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("      - {measure: due, label: 应补助资金}\n",
                                 "      - {measure: due, label: 应补助资金, decimals: 9}\n"), encoding="utf-8")
    report = check_spec(path)
    assert not report.ok and any("decimals" in p.message and "0 到 6" in p.message for p in report.problems)


def cell_lines(root) -> list[list[str]]:
    """Per body or header cell, its lines (split at w:br)."""
    return [text_of(tc).split("\n") for tc in root.findall(".//w:tc", NS)]


@pytest.fixture(scope="module")
def matrix():
    """黑龙江 附件1: 20 columns on a landscape page, the tightest table of the examples."""
    derived = check_spec(HERE.parent / "specs" / "examples" / "heilongjiang-2023-256.yaml").derived
    return derived.tables["1"], docx_part_of_table(derived.tables["1"])


def test_cells_have_margins_on_every_side(matrix):
    _, root = matrix
    margins = root.find(".//w:tbl/w:tblPr/w:tblCellMar", NS)
    sides = {el.tag.split("}")[1]: int(el.get(f"{{{NS['w']}}}w")) for el in margins}
    assert sides["top"] > 0 and sides["bottom"] > 0 and sides["left"] > 0 and sides["right"] > 0


def test_long_unit_names_break_between_words_in_balanced_lines(matrix):
    view, root = matrix
    lines = {"".join(c): c for c in cell_lines(root)}
    assert lines["哈尔滨医科大学附属第一医院"] == ["哈尔滨医科大学", "附属第一医院"]
    assert lines["齐齐哈尔医学院附属第二医院"] == ["齐齐哈尔医学院", "附属第二医院"]
    assert lines["哈尔滨市财政局"] in (["哈尔滨市财政局"], ["哈尔滨市", "财政局"])
    names = {r.label for r in view.rows}
    wrapped = [c for c in cell_lines(root) if "".join(c) in names and len(c) > 1]
    assert wrapped, "the 20-column table wraps some names"
    for c in wrapped:
        assert len(c) == 2 and min(map(len, c)) >= 2 and abs(len(c[0]) - len(c[1])) <= 2, c


def test_header_labels_break_without_a_lone_character(matrix):
    _, root = matrix
    header = [c for c in cell_lines(root) if "".join(c) in ("应补助资金", "本次下达", "提前下达")]
    assert ["应补助", "资金"] in header and all(min(map(len, c)) >= 2 for c in header), header
    # 其中：绩效奖补 over the widest figure 12.00: where three lines fit, at its words
    assert ["其中：", "绩效", "奖补"] in cell_lines(root)
