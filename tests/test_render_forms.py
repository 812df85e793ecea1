"""The forms and the letter: 财会监督责任人报备表, 跟踪反馈表, 函 — columns, titles, rows, notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NS, docx_part, paragraphs, text_of, w
from lxml import etree

from generator.model import Attachment, Loc
from generator.pipeline import check_spec
from generator.render_forms import (
    FEEDBACK_COLUMNS,
    FILING_COLUMNS,
    feedback_form_xml,
    filing_form_xml,
    letter_xml,
    recipients,
)
from generator.render_notice import render_notice
from generator.sums import Numbered

HERE = Path(__file__).parent
MINI = HERE / "data" / "mini.yaml"
EXAMPLES = HERE.parent / "specs" / "examples"
W_DECL = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LOC = Loc("test.yaml", 1, 1, "attachments[0]")


def fragment(xml: str):
    """A WordprocessingML fragment parsed inside a w:body."""
    return etree.fromstring(f"<w:document {W_DECL}><w:body>{xml}</w:body></w:document>")


def table_rows(root) -> list[list[str]]:
    (table,) = root.findall(".//w:tbl", NS)
    return [[text_of(c) for c in tr.findall("w:tc", NS)] for tr in table.findall("w:tr", NS)]


def lines(root) -> list[str]:
    return [text_of(p) for p in root.findall("w:body/w:p", NS)]


@pytest.fixture(scope="module")
def mini():
    report = check_spec(MINI)
    assert report.ok, report.problems
    return report.derived


def filing(mini) -> Numbered:
    return next(x for x in mini.attachments if x.attachment.kind == "filing_form")


def test_filing_form_columns_blank_rows_and_footer_lines(mini):
    item = filing(mini)
    root = fragment(filing_form_xml(mini, item))
    rows = table_rows(root)
    assert rows[0] == FILING_COLUMNS == ["序号", "部门（单位）", "姓名", "职务", "联系电话"]
    assert rows[1:] == [[""] * 5] * item.attachment.rows_count and item.attachment.rows_count == 5
    assert lines(root) == ["填报部门（公章）：", "填报人：\t填报时间：", "注：各单位此项资金财会监督责任人为本单位主要负责人。"]
    header = root.find(".//w:tr/w:trPr/w:tblHeader", NS)
    assert header is not None  # the column row repeats on every page


def test_filing_form_in_the_notice_has_its_derived_title(mini):
    doc = docx_part(render_notice(mini))
    titles = ["".join(text_of(p).split("\n")) for p in paragraphs(doc, "GwAttachTitle")]
    assert filing(mini).title == "2024年中央财政示例能力提升补助资金财会监督责任人报备表"
    assert filing(mini).title in titles
    label = [text_of(p) for p in paragraphs(doc)].index(f"附件{filing(mini).number}")
    assert text_of(paragraphs(doc)[label + 2]) == "填报部门（公章）："


def test_filing_form_prefilled_with_recipients(mini):
    item = filing(mini)
    original = item.attachment.prefill
    item.attachment.prefill = "recipients"
    try:
        rows = table_rows(fragment(filing_form_xml(mini, item)))
    finally:
        item.attachment.prefill = original
    # 省医院 (100 due, exempt from targets, still a recipient), 甲市财政局 (its 疾控中心 folds into it, and it has
    # a target table), 甲县财政局 (60); 乙县财政局 is due 0 and has no table.
    assert [r[:2] for r in rows[1:]] == [["1", "省医院"], ["2", "甲市财政局"], ["3", "甲县财政局"]]
    assert [u.name for u in recipients(mini)] == ["省医院", "甲市财政局", "甲县财政局"]


def feedback_item(**kw) -> Numbered:
    att = Attachment("feedback_form", "自治区财政资金使用情况跟踪反馈表", LOC, rows_count=3,
                     header_left="地、州、市（单位）名称：",
                     notes=["说明：1、根据实际收到财政专项资金情况自行添加行。", "2、本表统计一般公共预算支出情况。",
                            "3、请于每月月末之前反馈。"], **kw)
    return Numbered("3", att.title, att, True)


def test_feedback_form_ten_columns_total_numbered_rows_and_notes():
    root = fragment(feedback_form_xml(feedback_item()))
    rows = table_rows(root)
    assert rows[0] == FEEDBACK_COLUMNS and len(FEEDBACK_COLUMNS) == 10
    assert [r[0] for r in rows[1:]] == ["合计", "1", "2", "3"]
    assert all(cell == "" for r in rows[1:] for cell in r[1:])
    assert lines(root)[0] == "地、州、市（单位）名称：\t单位：万元"
    assert lines(root)[1:] == feedback_item().attachment.notes
    tab = root.find("w:body/w:p/w:pPr/w:tabs/w:tab", NS)
    assert tab.get(w("val")) == "right" and tab.get(w("pos")) == "12756"  # 单位：万元 flush right, landscape


def test_feedback_notes_hang_under_the_first_number():
    root = fragment(feedback_form_xml(feedback_item()))
    notes = root.findall("w:body/w:p", NS)[1:]
    first, second = (p.find("w:pPr/w:ind", NS) for p in notes[:2])
    assert first.get(w("left")) == first.get(w("hanging")) == second.get(w("left")) == str(3 * 240)  # 说明：


def test_seed_004_feedback_form_in_the_notice():
    report = check_spec(EXAMPLES / "xinjiang-2024-24.yaml")
    assert report.ok, report.problems
    doc = docx_part(render_notice(report.derived))
    body = [text_of(p) for p in paragraphs(doc)]
    at = body.index("附件3")
    assert body[at + 1] == "自治区财政资金使用情况跟踪反馈表"
    assert body[at + 2] == "地、州、市（单位）名称：\t单位：万元"
    assert "说明：1、地、州、市（单位）根据实际收到财政专项资金情况自行添加行（勿修改表格格式）。" in body


LETTER = """  - kind: letter
    key: letter
    title: 关于调整项目资金情况说明的函
    addressee: 省卫生健康委
    body:
{body}
    signature: 示例省财政厅
    sign_date: 2024-03-07
"""


def with_letter(tmp_path, body: list[str]):
    """mini.yaml with a letter attachment appended; returns the check report."""
    text = MINI.read_text(encoding="utf-8")
    lines_ = "\n".join(f'      - "{b}"' for b in body)
    text = text.replace("targets:\n", LETTER.format(body=lines_) + "targets:\n", 1)
    path = tmp_path / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    return check_spec(path)


def test_letter_body_slots_filled_and_signature(tmp_path):
    report = with_letter(tmp_path, ["现将{{ year }}年{{ program }}资金{{ fig() }}万元调整情况说明如下：", "特此函告。"])
    assert report.ok, [str(p) for p in report.errors]
    item = next(x for x in report.derived.attachments if x.attachment.kind == "letter")
    root = fragment(letter_xml(report.derived, item))
    assert lines(root) == ["省卫生健康委：", "现将2024年示例能力提升资金227万元调整情况说明如下：", "特此函告。", "示例省财政厅",
                           "2024年3月7日"]
    styles = [p.find("w:pPr/w:pStyle", NS).get(w("val")) for p in root.findall("w:body/w:p", NS)]
    # a body paragraph ending in "：" stays a body paragraph; only `addressee` is flush left
    assert styles == ["GwAddressee", "GwBody", "GwBody", "GwSignature", "GwSignature"]


def test_letter_with_an_unknown_slot_is_a_check_error(tmp_path):
    report = with_letter(tmp_path, ["{{ nope }}"])
    assert not report.ok
    assert any("函正文" in p.message and "nope" in p.message for p in report.errors)
