"""Word attachment tables: allocation tables and target tables, read back with python-docx.

Each fragment is wrapped in a document on the attachment template's page and with its styles
(docx_package.fragment_docx) and read back with python-docx: cell texts row by row (a merged cell
once), merges, repeated header rows, cantSplit, East Asian fonts (through the cell styles), widths
that fit the page. The seed comparisons use the two example batches.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import NS, Styles, docx_part, w
from docx.oxml.ns import qn
from lxml import etree

from generator import ooxml
from generator.derive_targets import build_target
from generator.docx_package import fragment_docx
from generator.docx_tables import allocation_table_xml, body_texts, fit_columns, target_tables_xml
from generator.errors import RenderError
from generator.model import HeaderCell
from generator.pipeline import check_spec

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
HLJ = ROOT / "specs" / "examples" / "heilongjiang-2023-256.yaml"
XJ = ROOT / "specs" / "examples" / "xinjiang-2024-24.yaml"
ARTIFACTS = ROOT / "tests" / "_artifacts" / "docx_tables"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def derived(path: Path):
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    report = check_spec(path)
    assert report.ok, "\n".join(map(str, report.errors))
    return report.derived


@pytest.fixture(scope="module")
def mini():
    return derived(MINI)


@pytest.fixture(scope="module")
def xj():
    return derived(XJ)


@pytest.fixture(scope="module")
def hlj():
    return derived(HLJ)


def sized_styles(body_xml: str) -> ooxml.TableStyles:
    """The sized cell styles a fragment uses (GwCellFigure-18 …), as the renderer records them."""
    styles = ooxml.TableStyles()
    for base, size in set(re.findall(r'w:pStyle w:val="(\w+)-(\d+)"', body_xml)):
        styles(base, int(size))
    return styles


def docx_bytes(body_xml: str, landscape: bool = False) -> bytes:
    """The fragment alone in a .docx: the attachment template's page (turned if landscape) and styles."""
    return fragment_docx(body_xml, sized_styles(body_xml), landscape)


def read_back(body_xml: str, landscape: bool = False):
    """The python-docx Document of a fragment, after a save/open round trip."""
    return docx.Document(io.BytesIO(docx_bytes(body_xml, landscape)))


def tc_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def rows_of(table) -> list[list[str]]:
    """Cell texts of each row, one entry per w:tc (a horizontally merged cell appears once)."""
    return [[tc_text(tc) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


class Joined:
    """A target table as one: its header block's table and its grid's table (split so that the grid's
    header rows repeat on every page) read as python-docx reads one table (`_tbl.tr_lst`)."""

    def __init__(self, *tables):
        self._tbl = type("Tbl", (), {"tr_lst": [tr for t in tables for tr in t._tbl.tr_lst]})()


def target_table(document, k: int = 0) -> Joined:
    """The k-th target table of a document whose tables are each a header block and a grid."""
    return Joined(*document.tables[2 * k:2 * k + 2])


def row_with(table, first: str, column: int = 0) -> list[str]:
    return next(r for r in rows_of(table) if r[column] == first)


def vmerge(tc) -> str | None:
    """"restart", "continue" or None."""
    found = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    if found is None:
        return None
    return found.get(qn("w:val")) or "continue"


def span(tc) -> int:
    found = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(found.get(qn("w:val"))) if found is not None else 1


def is_header(tr) -> bool:
    return tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def alloc_doc(view):
    return read_back(allocation_table_xml(view), view.landscape)


# ── allocation tables ────────────────────────────────────────────────────────────────────────────


def test_matrix_header_merges_project_names_and_repeats(mini):
    table = alloc_doc(mini.tables["1"]).tables[0]
    trs = table._tbl.tr_lst
    first, second = trs[0].tc_lst, trs[1].tc_lst
    assert [tc_text(tc) for tc in first] == ["单位编码", "拨付单位", "应补助资金", "提前下达", "本次下达",
                                             "其中：绩效奖补", "实验室建设", "职业病防治"]
    assert [span(tc) for tc in first] == [1, 1, 1, 1, 1, 1, 4, 4]
    assert [vmerge(tc) for tc in first[:6]] == ["restart"] * 6 and vmerge(first[6]) is None
    assert [vmerge(tc) for tc in second[:6]] == ["continue"] * 6
    assert [tc_text(tc) for tc in second[6:]] == ["应补助资金", "提前下达", "本次下达", "其中：绩效奖补"] * 2
    assert [is_header(tr) for tr in trs[:3]] == [True, True, False]


def test_matrix_rows_follow_the_zero_rule(mini):
    table = alloc_doc(mini.tables["1"]).tables[0]
    assert row_with(table, "总计", 1) == ["", "总计", "227.00", "150.00", "77.00", "2.00", "160.00", "120.00",
                                          "40.00", "5.00", "67.00", "30.00", "37.00", "-3.00"]
    assert row_with(table, "0019001") == ["0019001", "甲县财政局", "60.00", "60.00", "", "", "60.00", "60.00",
                                          "", "", "", "", "", ""]


def test_unit_line_precedes_the_table_right_aligned(mini):
    data = docx_bytes(allocation_table_xml(mini.tables["1"]))
    document = docx.Document(io.BytesIO(data))
    first = document.element.body[0]
    assert first.tag == qn("w:p") and document.paragraphs[0].text == "单位：万元"
    assert Styles(data).paragraph_prop(first, "w:jc").get(qn("w:val")) == "right"
    assert document.element.body[1].tag == qn("w:tbl")


def test_every_row_is_kept_whole_and_every_cell_names_its_east_asian_font(mini):
    data = docx_bytes(allocation_table_xml(mini.tables["1"]))
    body, styles = docx_part(data).find("w:body", NS), Styles(data)
    trs = body.findall(".//w:tr", NS)
    assert all(tr.find("w:trPr/w:cantSplit", NS) is not None for tr in trs)
    size = fit_columns(mini.tables["1"], body_texts(mini.tables["1"]), ooxml.TEXT_WIDTH_LANDSCAPE).size
    for p in body.findall(".//w:tc/w:p", NS):
        assert p.find("w:pPr/w:pStyle", NS) is not None  # a cell style, not direct formatting
        props = styles.run_props(p, p.find("w:r", NS) if p.find("w:r", NS) is not None else etree.Element(w("r")))
        assert props["eastAsia"] and props["ascii"] == props["eastAsia"]  # digits in the CJK face too
        assert props["size"] == str(size)
    assert not body.findall(".//w:tc//w:rPr", NS)  # the look is all in the styles


def test_summary_rows_are_heiti_and_leaf_labels_fangsong(mini):
    data = docx_bytes(allocation_table_xml(mini.tables["1"]))
    table, styles = docx.Document(io.BytesIO(data)).tables[0], Styles(data)

    def faces(label: str) -> set[str]:
        tr = next(tr for tr in table._tbl.tr_lst if tc_text(tr.tc_lst[1]) == label)
        return {styles.run_props(p, r)["eastAsia"] for p in tr.iter(qn("w:p")) for r in p.iter(qn("w:r"))}

    assert faces("总计") == {ooxml.HEITI}
    assert faces("甲市小计") == {ooxml.HEITI}
    assert faces("甲县财政局") == {ooxml.FANGSONG, ooxml.SONGTI}
    assert all(not tr.findall(f".//{qn('w:b')}") for tr in table._tbl.tr_lst)  # weight is in the face


def test_labels_indent_by_depth(mini):
    data = docx_bytes(allocation_table_xml(mini.tables["1"]))
    table, styles = docx.Document(io.BytesIO(data)).tables[0], Styles(data)

    def indent(label: str) -> int:
        tr = next(tr for tr in table._tbl.tr_lst if tc_text(tr.tc_lst[1]) == label)
        return int(styles.paragraph_prop(tr.tc_lst[1].find(qn("w:p")), "w:ind").get(qn("w:left")))

    assert indent("省直合计") == 0 < indent("省医院") < indent("甲市财政局")
    assert indent("甲市小计") == indent("省医院")


@pytest.mark.parametrize("spec", [MINI, XJ, HLJ], ids=["mini", "xinjiang", "heilongjiang"])
def test_tables_fill_the_text_width_and_every_figure_fits_its_column(spec):
    d = derived(spec)
    for view in d.tables.values():
        width = ooxml.TEXT_WIDTH_LANDSCAPE if view.landscape else ooxml.TEXT_WIDTH
        texts = body_texts(view)
        fit = fit_columns(view, texts, width)
        assert sum(fit.widths) == width
        for j, col in enumerate(view.columns):
            if col.kind != "money":
                continue
            widest = max(ooxml.cjk_em(line[j]) for line in texts)
            assert widest * fit.size * 10 <= fit.widths[j] - 2 * fit.margin, (view.number, col.key)
        xml = allocation_table_xml(view)
        assert f'<w:tblW w:w="{width}" w:type="dxa"/>' in xml


def test_a_twenty_column_matrix_takes_a_small_size_and_a_two_column_table_a_large_one(hlj):
    matrix, single = hlj.tables["1"], hlj.tables["1-2"]
    assert len(matrix.columns) == 20 and matrix.landscape
    assert fit_columns(matrix, body_texts(matrix), ooxml.TEXT_WIDTH_LANDSCAPE).size <= 16  # ≤ 8 pt
    assert fit_columns(single, body_texts(single), ooxml.TEXT_WIDTH).size == 24  # 小四
    wider = fit_columns(matrix, body_texts(matrix), ooxml.TEXT_WIDTH_LANDSCAPE + 2000)
    assert sum(wider.widths) == ooxml.TEXT_WIDTH_LANDSCAPE + 2000  # the caller may pass its own text width
    assert allocation_table_xml(matrix, ooxml.TEXT_WIDTH_LANDSCAPE + 2000).count("<w:tr>") == len(matrix.rows) + 2


def test_xinjiang_allocation_rows(xj):
    table = alloc_doc(xj.tables["1"]).tables[0]
    rows = rows_of(table)
    assert rows[0] == ["拨款单位", "原基本公共卫生项目", "国家应急队伍补充建设和运维保障项目", "医养结合和老年健康服务",
                       "健康素养行动", "中医药健康管理服务项目", "信息化及绩效考核", "全年应拨付资金合计",
                       "已提前下达", "此次下达"]
    assert rows[1] == ["总计：", "26455", "500", "700", "155", "220", "1230", "29260", "25933", "3327"]
    assert row_with(table, "乌鲁木齐市") == ["乌鲁木齐市", "1900", "0", "102", "0", "0", "0", "2002", "1733", "269"]
    assert row_with(table, "天山区") == ["天山区", "316", "", "15", "", "", "", "331", "288", "43"]
    assert row_with(table, "其中：博州人民医院") == ["其中：博州人民医院", "", "", "", "", "30", "", "30", "25", "5"]
    assert is_header(table._tbl.tr_lst[0]) and not is_header(table._tbl.tr_lst[1])


def test_heilongjiang_matrix_rows(hlj):
    table = alloc_doc(hlj.tables["1"]).tables[0]
    assert rows_of(table)[0][6:] == ["国家临床重点专科能力建设", "职业病防治能力提升", "妇幼保健机构能力建设",
                                     "县域医疗卫生机构能力建设"]
    assert [span(tc) for tc in table._tbl.tr_lst[0].tc_lst[6:]] == [2, 4, 4, 4]
    assert row_with(table, "总计", 1)[2:] == [
        "13,950.00", "9,975.00", "3,975.00", "-145.00", "4,012.00", "12.00", "1,878.00", "1,675.00", "203.00",
        "-117.00", "4,048.00", "4,100.00", "-52.00", "-52.00", "4,012.00", "4,200.00", "-188.00", "12.00"]
    assert row_with(table, "0090099001") == [
        "0090099001", "哈尔滨市小计", "1,375.00", "1,375.00", "", "", "", "", "375.00", "375.00", "", "",
        "800.00", "800.00", "", "", "200.00", "200.00", "", ""]


def test_heilongjiang_single_amount_table_with_of_which_rows(hlj):
    table = alloc_doc(hlj.tables["1-2"]).tables[0]
    rows = rows_of(table)
    assert rows[0] == ["单位名称", "资金分配"]
    assert rows[1] == ["合计", "4012"]
    # The seed prints 省直小计 2512 because its 1-2 lists 齐齐哈尔医学院附属第二医院 under 市地; the example
    # keeps 附件1's grouping in both tables (see the spec's comment), so 3012 here.
    assert row_with(table, "省直小计") == ["省直小计", "3012"]
    assert row_with(table, "其中:牡丹江市康安医院") == ["其中:牡丹江市康安医院", "500"]


def test_heilongjiang_lettered_table(hlj):
    table = alloc_doc(hlj.tables["1-3"]).tables[0]
    rows = rows_of(table)
    assert rows[0][3] == "绩效（-117w）"
    assert rows[1] == ["", "a", "b", "c", "d=a+b+c", "e", "f=d-e"]
    assert rows[2] == ["合计", "1280", "715", "-117", "1878", "1675", "203"]
    assert row_with(table, "黑龙江省第二医院") == ["黑龙江省第二医院", "", "", "", "", "320", "-320"]


# ── target tables ────────────────────────────────────────────────────────────────────────────────


def test_target_table_header_block_follows_the_layout(mini):
    document = read_back(target_tables_xml(mini.targets[:1], "per_page"))
    assert [p.text for p in document.paragraphs[:2]] == ["中央对地方转移支付区域绩效目标表", "(2024年度)"]
    table = target_table(document)
    rows = rows_of(table)
    assert rows[0] == ["项目名称", "示例能力提升补助资金"]
    assert rows[3] == ["县级财政部门", "甲县财政局", "县级主管部门", "甲县卫生健康局"]
    money = table._tbl.tr_lst[4:7]
    assert [tc_text(tc) for tc in money[0].tc_lst] == ["资金情况（万元）", "年度金额：", "60"]
    assert vmerge(money[0].tc_lst[0]) == "restart" and span(money[0].tc_lst[0]) == 2
    assert [(vmerge(tr.tc_lst[0]), span(tr.tc_lst[0])) for tr in money[1:]] == [("continue", 2)] * 2
    assert [tc_text(tc) for tc in money[1].tc_lst] == ["", "其中：中央补助", "60"]
    assert rows[7] == ["年度总体目标", "通过投入60万元，提升县级医院能力。"]
    assert all(sum(span(tc) for tc in tr.tc_lst) == 5 for tr in table._tbl.tr_lst)


def test_target_indicator_cells_merge_vertically(mini):
    table = target_table(read_back(target_tables_xml(mini.targets[:1], "per_page")))
    trs = table._tbl.tr_lst[8:]
    assert [tc_text(tc) for tc in trs[0].tc_lst] == ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]
    marks = [[vmerge(tc) for tc in tr.tc_lst[:3]] for tr in trs]
    assert marks == [
        ["restart", None, None],
        ["continue", "restart", "restart"],
        ["continue", "continue", "continue"],
        ["continue", None, None],
        ["continue", None, None],
    ]
    assert rows_of(table)[9:] == [
        ["", "产出指标", "数量指标", "指标1：受支持的县级医院数量", "1家"],
        ["", "", "", "指标2：受支持的乡镇卫生院数量", "2个"],
        ["", "效益指标", "社会效益指标", "指标1：县域就诊率", "≥60%"],
        ["", "满意度指标", "服务对象满意度指标", "指标1：患者满意度", "≥90%"],
    ]
    assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in table._tbl.tr_lst)


def test_target_flow_per_page_and_continuous(mini):
    per_page = read_back(target_tables_xml(mini.targets, "per_page"))
    titles = [p for p in per_page.paragraphs if p.text == "中央对地方转移支付区域绩效目标表"]
    assert [p.paragraph_format.page_break_before for p in titles] == [None, True]
    continuous = read_back(target_tables_xml(mini.targets, "continuous"))
    body = list(continuous.element.body)
    second = [i for i, el in enumerate(body) if el.tag == qn("w:tbl")][1] + 1  # after the first grid
    assert body[second].tag == qn("w:p") and not "".join(body[second].itertext())  # a blank line
    assert not any(p.paragraph_format.page_break_before for p in continuous.paragraphs)
    assert len(continuous.tables) == 4  # two target tables, each a header block and a grid


def test_xinjiang_target_table_with_weights_and_rules(xj):
    table = target_table(read_back(target_tables_xml(xj.targets[:1], "per_page")))
    rows = rows_of(table)
    assert rows[0] == ["项目名称", "自治区基本公共卫生服务项目"]
    assert rows[1] == ["预算单位", "自治区卫生健康委", "项目负责人", "苏晓川等"]
    assert rows[2] == ["项目资金（万元）", "年度预算总额：29260"]
    assert rows[3] == ["", "其中：财政拨款 29260"]
    assert rows[5] == ["年度总体目标"]
    assert rows[7] == ["一级指标", "二级指标", "三级指标", "指标值", "指标值设置依据", "上年完成值", "指标分值权重",
                       "指标赋分规则", "佐证资料"]
    assert rows[8] == ["产出指标", "数量指标", "65岁及以上老年人2次医养结合服务完成人数", "≥125000人", "计划标准", "/",
                       "3", "按照完成比例赋分", "工作资料"]
    assert len(rows) == 8 + len(xj.targets[0].rows)


def test_heilongjiang_project_table_has_label_column(hlj):
    view = next(t for t in hlj.targets if t.layout.name == "project")
    table = target_table(read_back(target_tables_xml([view], "per_page")))
    trs = table._tbl.tr_lst
    head = next(i for i, tr in enumerate(trs) if tc_text(tr.tc_lst[0]) == "绩效指标")
    assert vmerge(trs[head].tc_lst[0]) == "restart"
    assert all(vmerge(tr.tc_lst[0]) == "continue" for tr in trs[head + 1:])
    assert len(trs) - head - 1 == len(view.rows)


def test_a_new_layout_needs_no_code(mini):
    """A province's own layout: other roles, a rowspan in the middle, a field and an amount in text."""
    view = mini.targets[0]
    layout = dataclasses.replace(
        view.layout, name="province_x", grid=["l1", "l2", "name", "value", "weight"], widths=[4, 5, 12, 5, 3],
        header=[
            [HeaderCell(text="项目名称"), HeaderCell(field="project_name", span=4)],
            [HeaderCell(text="资金", rowspan=2), HeaderCell(text="合计{{ amount }}万元", span=2),
             HeaderCell(text="备注", rowspan=2, span=2)],
            [HeaderCell(text="其中：{{ local_dept }}", span=2)],
        ],
        indicator_header=["一级", "二级", "指标", "目标值", "分值"])
    batch = dataclasses.replace(mini.batch, layouts={**mini.batch.layouts, view.table.layout: layout})
    view = build_target(batch, mini.sums, view.table, [])  # the layout is data: derive with it, no code change
    rows = [dataclasses.replace(r, extra={"weight": str(i)}) for i, r in enumerate(view.rows, 1)]
    table = target_table(read_back(target_tables_xml([dataclasses.replace(view, rows=rows)], "per_page")))
    got = rows_of(table)
    assert got[:4] == [["项目名称", "示例能力提升补助资金"], ["资金", "合计60万元", "备注"],
                       ["", "其中：甲县卫生健康局", ""], ["一级", "二级", "指标", "目标值", "分值"]]
    assert got[4] == ["产出指标", "数量指标", "指标1：受支持的县级医院数量", "1家", "1"]
    assert all(sum(span(tc) for tc in tr.tc_lst) == 5 for tr in table._tbl.tr_lst)


@pytest.mark.parametrize("header, message", [
    ([[HeaderCell(text="项目名称", span=2), HeaderCell(field="project_name", span=2)]], "第 1 行各单元格 span 之和为 4"),
    ([[HeaderCell(text="项目名称", span=4), HeaderCell(text="多", span=2)]], "span 之和为 6"),
    ([[HeaderCell(text="项目名称", span=5), HeaderCell(text="多")]], "第 1 行多出 1 个单元格"),
    ([[HeaderCell(text="资金", rowspan=3, span=5)]], "rowspan 超出"),
])
def test_a_layout_whose_spans_do_not_add_up_is_refused(mini, header, message):
    view = mini.targets[0]
    layout = dataclasses.replace(view.layout, header=header)
    with pytest.raises(RenderError, match=message):
        target_tables_xml([dataclasses.replace(view, layout=layout)], "per_page")


# ── looking at it ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler-utils not installed: cannot render the tables to look at them")
def test_tables_render_in_libreoffice_with_repeated_headers(hlj, xj):
    from generator.pdf import convert_cold

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    docs = {
        "matrix": docx_bytes(allocation_table_xml(hlj.tables["1"]), landscape=True),
        "lettered": docx_bytes(allocation_table_xml(hlj.tables["1-3"]), landscape=True),
        "targets": docx_bytes(target_tables_xml(xj.targets[:2], "per_page")),
    }
    paths = []
    for name, data in docs.items():
        (ARTIFACTS / f"{name}.docx").write_bytes(data)
        paths.append(ARTIFACTS / f"{name}.docx")
    convert_cold(paths, ARTIFACTS)

    def pages(name: str) -> list[str]:
        text = subprocess.run(["pdftotext", "-layout", str(ARTIFACTS / f"{name}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        return text.split("\f")[:-1]

    matrix = pages("matrix")
    assert len(matrix) >= 2
    assert all("单位编码" in page and "县域医疗卫生机构能力建设" in page for page in matrix)  # header repeats
    assert "13,950.00" in matrix[0]
    targets = pages("targets")
    assert sum("项目支出绩效目标表" in page for page in targets) == 2
    if shutil.which("pdftoppm"):
        for name in docs:
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)],
                           check=True)
