"""The notice as a GB/T 9704 .docx: geometry, fonts of every element, text, 附件 list, 版记, footers."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import NS, Styles, docx_part, docx_rels, paragraphs, text_of, w

from generator.docx_package import load_template, render_document_xml, section_variant
from generator.errors import RenderError
from generator.pipeline import check_spec
from generator.render import document_name
from generator.render_notice import mark_runs, notice_file_name, render_notice, render_notice_documents

HERE = Path(__file__).parent
MINI = HERE / "data" / "mini.yaml"
EXAMPLES = HERE.parent / "specs" / "examples"
HLJ_BODY = HERE / "data" / "heilongjiang-2023-256-body.txt"  # the original's body paragraphs, one a line
MM = 56.6929  # twips per mm


def derive(path: Path):
    """The derived batch of a spec that must pass check."""
    report = check_spec(path)
    assert report.ok, report.problems
    return report.derived


def mini_variant(tmp_path: Path, extra: str = "", replace: tuple[str, str] | None = None):
    """mini.yaml with extra notice lines (indented two spaces) or one text replacement."""
    text = MINI.read_text(encoding="utf-8")
    if extra:
        text = text.replace("  copies: 10\n", "  copies: 10\n" + extra)
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return derive(path)


@pytest.fixture(scope="module")
def mini():
    return derive(MINI)


@pytest.fixture(scope="module")
def mini_docx(mini) -> bytes:
    return render_notice(mini)


@pytest.fixture(scope="module")
def doc(mini_docx):
    return docx_part(mini_docx)


@pytest.fixture(scope="module")
def styles(mini_docx):
    return Styles(mini_docx)


def texts(root, style: str) -> list[str]:
    return [text_of(p) for p in paragraphs(root, style)]


def final_section(root):
    return root.find("w:body/w:sectPr", NS)


# --- geometry ---------------------------------------------------------------------------------------------

def test_page_is_a4_with_gbt9704_margins_and_text_block(doc):
    sect = final_section(doc)
    size, mar = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    top, left = int(mar.get(w("top"))), int(mar.get(w("left")))
    width = 11906 - left - int(mar.get(w("right")))
    height = 16838 - top - int(mar.get(w("bottom")))
    assert abs(top / MM - 37) <= 0.5 and abs(left / MM - 28) <= 0.5
    assert abs(width / MM - 156) <= 0.5 and abs(height / MM - 225) <= 0.5


def test_document_grid_is_22_lines_of_28_characters(doc, styles):
    grid = final_section(doc).find("w:docGrid", NS)
    assert grid.get(w("type")) == "lines" and grid.get(w("charSpace")) is None  # no character grid (see below)
    pitch = int(grid.get(w("linePitch")))
    assert pitch == 579 and 22 * pitch <= 12756 < 23 * pitch
    # 28 characters a line by condensing 3号 text (w:spacing, twips): 28 must fit in 156 mm, 29 not.
    # A negative w:charSpace grid does it in Word only: LibreOffice then sets 13–14 characters a line.
    for sid in ("GwBody", "GwAddressee", "GwAttachFirst", "GwSignature"):
        spacing = styles.by_id[sid].find("w:rPr/w:spacing", NS)
        pitch = 320 + int(spacing.get(w("val")))
        assert 28 * pitch <= 8844 < 29 * pitch, sid


def test_styles_name_east_asian_fonts_and_chinese_language(mini_docx):
    styles = Styles(mini_docx)
    fonts = styles.defaults.find("w:rFonts", NS)
    assert fonts.get(w("eastAsia")) == "仿宋_GB2312" and fonts.get(w("ascii")) == "Times New Roman"
    assert styles.defaults.find("w:lang", NS).get(w("eastAsia")) == "zh-CN"
    with_fonts = [s for s in styles.by_id.values() if s.find("w:rPr/w:rFonts", NS) is not None]
    assert len(with_fonts) >= 20
    for style in with_fonts:
        assert style.find("w:rPr/w:rFonts", NS).get(w("eastAsia")), style.get(w("styleId"))


# --- the elements, their text and their fonts ---------------------------------------------------------------

def only(root, style: str):
    found = paragraphs(root, style)
    assert len(found) == 1, style
    return found[0]


def run_props(styles, paragraph):
    runs = [r for r in paragraph.findall("w:r", NS) if text_of(r).strip()]
    assert runs
    return [styles.run_props(paragraph, r) for r in runs]


def test_issuing_mark_is_red_large_xiaobiaosong_centred(doc, styles, mini):
    mark = only(doc, "GwMark")
    assert text_of(mark) == mini.notice.notice.mark == "示例省财政厅文件"
    (props,) = run_props(styles, mark)
    assert props["eastAsia"] == "方正小标宋简体" and props["color"] == "FF0000" and int(props["size"]) >= 72
    assert styles.paragraph_prop(mark, "w:jc").get(w("val")) == "center"


def test_long_mark_is_condensed_to_the_line():
    short, long = mark_runs("示例省财政厅文件", 96), mark_runs("新疆维吾尔自治区财政厅文件", 96)
    assert "w:w " not in short
    scale = int(re.search(r'w:w w:val="(\d+)"', long).group(1))
    assert 13 * 48 * 20 * scale / 100 <= 8844 and scale >= 60


def test_document_number_centred_above_a_red_156mm_line(doc, styles):
    number = only(doc, "GwDocNumber")
    assert text_of(number) == "示财社〔2024〕7号"
    assert styles.paragraph_prop(number, "w:jc").get(w("val")) == "center"
    rule = styles.paragraph_prop(number, "w:pBdr/w:bottom")
    assert rule.get(w("color")) == "FF0000" and int(rule.get(w("sz"))) >= 8  # ≥ 1 pt ≈ 0.35 mm
    assert styles.paragraph_prop(number, "w:ind") is None  # the rule spans the whole 156 mm text block
    (props,) = run_props(styles, number)
    assert props["eastAsia"] == "仿宋_GB2312" and props["size"] == "32"


def test_title_is_erhao_xiaobiaosong_in_its_derived_lines(doc, styles, mini):
    title = only(doc, "GwTitle")
    assert text_of(title).split("\n") == mini.notice.title_lines
    assert "".join(mini.notice.title_lines) == mini.notice.title
    for props in run_props(styles, title):
        assert props["eastAsia"] == "方正小标宋简体" and props["size"] == "44"
    assert styles.paragraph_prop(title, "w:jc").get(w("val")) == "center"


def test_addressees_flush_left_with_colon(doc, styles):
    addressee = only(doc, "GwAddressee")
    assert text_of(addressee) == "各市财政局，省直有关单位："
    assert styles.paragraph_prop(addressee, "w:ind") is None


def test_body_fangsong_indented_with_heading_runs_in_their_font(doc, styles, mini):
    body = paragraphs(doc, "GwBody")
    assert [text_of(p) for p in body] == [(b.heading or "") + b.text for b in mini.notice.body]
    assert styles.paragraph_prop(body[0], "w:ind").get(w("firstLine")) == "640"  # two 3号 characters
    assert [p["eastAsia"] for p in run_props(styles, body[0])] == ["仿宋_GB2312"]
    heading, rest = run_props(styles, body[1])
    assert heading["eastAsia"] == "黑体" and rest["eastAsia"] == "仿宋_GB2312" and rest["size"] == "32"


@pytest.mark.parametrize("heading, font", [("（一）", "楷体_GB2312"), ("1.", "仿宋_GB2312"), ("（1）", "仿宋_GB2312")])
def test_lower_heading_levels_use_their_fonts(tmp_path, heading, font):
    derived = mini_variant(tmp_path, replace=("{heading: 一、报送要求。,", f"{{heading: \"{heading}报送要求。\","))
    data = render_notice(derived)
    doc, styles = docx_part(data), Styles(data)
    head, _ = run_props(styles, paragraphs(doc, "GwBody")[1])
    assert head["eastAsia"] == font


def test_amount_in_the_body_is_the_derived_total(doc, mini):
    projects = [p.id for p in mini.batch.projects]
    total = mini.sums.total.get("this", projects)
    assert total == 77  # 227 due − 150 advance, the spec's `expected`
    assert f"{mini.notice.amount_text}万元" in text_of(paragraphs(doc, "GwBody")[0])
    assert mini.notice.amount_text == "77"


def attachment_list(root) -> list[tuple[str, str]]:
    items = [p for p in paragraphs(root) if p.find("w:pPr/w:pStyle", NS) is not None
             and p.find("w:pPr/w:pStyle", NS).get(w("val")) in ("GwAttachFirst", "GwAttachItem", "GwAttachSub")]
    out = []
    for i, p in enumerate(items):
        text = text_of(p)
        if i == 0:
            assert text.startswith("附件：")
            text = text.removeprefix("附件：")
        number, title = text.split("\t")
        out.append((number.removesuffix("."), title))
    return out


def test_attachment_list_matches_the_attachments_printed(doc, mini):
    listed = attachment_list(doc)
    assert listed == [(x.number, x.title) for x in mini.attachments]
    labels = texts(doc, "GwAttachLabel")
    assert labels == [f"附件{n}" for n, _ in listed]
    titled = [t for x, t in zip(mini.attachments, listed, strict=True) if x.attachment.kind != "target_tables"]
    assert [t.replace("\n", "") for t in texts(doc, "GwAttachTitle")] == [t for _, t in titled]
    # target tables carry their own titles: the layout title follows the 附件2 label
    body_text = [text_of(p) for p in paragraphs(doc)]
    after = body_text[body_text.index("附件2") + 1:]
    assert "中央对地方转移支付区域绩效目标表" in after[:3]


def test_attachment_list_hangs_wrapped_lines_under_the_name(styles, doc):
    first = paragraphs(doc, "GwAttachFirst")[0]
    item = paragraphs(doc, "GwAttachItem")[0]
    sub = paragraphs(doc, "GwAttachSub")[0]
    for p, start in ((first, 640), (item, 640 + 3 * 320), (sub, 640 + 3 * 320)):
        ind = styles.paragraph_prop(p, "w:ind")
        assert int(ind.get(w("left"))) - int(ind.get(w("hanging"))) == start  # where the first line begins
        assert p.find("w:r/w:tab", NS) is not None  # the name starts at the hanging indent


def section_of_label(root, label: str):
    """The w:sectPr that ends the section holding the paragraph with this text."""
    seen = False
    for p in root.iter(w("p"), w("sectPr")):
        if p.tag == w("p") and text_of(p) == label:
            seen = True
        elif p.tag == w("sectPr") and seen:
            return p
    raise AssertionError(label)


def test_each_attachment_its_own_section_landscape_for_wide_tables(doc, mini):
    for x in mini.attachments:
        sect = section_of_label(doc, f"附件{x.number}")
        size = sect.find("w:pgSz", NS)
        wide = mini.tables[x.number].landscape if x.number in mini.tables else False
        assert (size.get(w("orient")) == "landscape") == wide, x.number
        assert int(size.get(w("w"))) == (16838 if wide else 11906)
        assert sect.find("w:type", NS) is None  # next page
    assert any(x.number in mini.tables and mini.tables[x.number].landscape for x in mini.attachments)
    # the 版记 comes back to portrait, continuing on the last attachment's page
    last = final_section(doc)
    assert last.find("w:type", NS).get(w("val")) == "continuous"
    assert last.find("w:pgSz", NS).get(w("orient")) is None


# --- 版记 -------------------------------------------------------------------------------------------------

def imprint(root):
    tables = [t for t in root.findall("w:body/w:tbl", NS) if t.find("w:tblPr/w:tblpPr", NS) is not None]
    assert len(tables) == 1
    return tables[0]


def test_imprint_floats_to_the_bottom_after_the_attachments(doc):
    table = imprint(doc)
    pos = table.find("w:tblPr/w:tblpPr", NS)
    assert pos.get(w("tblpYSpec")) == "bottom" and pos.get(w("vertAnchor")) == "margin"
    assert int(table.find("w:tblPr/w:tblW", NS).get(w("w"))) == 8844
    body = list(doc.find("w:body", NS))
    last_label = max(i for i, el in enumerate(body) if el.tag == w("p") and text_of(el).startswith("附件3"))
    assert body.index(table) > last_label


def test_imprint_content_and_rules(doc, mini):
    table = imprint(doc)
    rows = [[text_of(c) for c in tr.findall("w:tc", NS)] for tr in table.findall("w:tr", NS)]
    assert rows == [["信息公开选项：主动公开"], ["抄送：财政部示例监管局。"],
                    ["示例省财政厅办公室", "2024年3月8日印发"], ["共印10份。"]]
    edges = table.find("w:tblPr/w:tblBorders", NS)
    assert edges.find("w:insideH", NS).get(w("sz")) == "6"  # thin rules between, 0.25 mm
    first, cc, printed, copies = (tr.findall("w:tc/w:tcPr/w:tcBorders", NS) for tr in table.findall("w:tr", NS))
    assert first[0].find("w:bottom", NS).get(w("sz")) == "8"  # thick first rule, under the disclosure line
    assert cc == []  # the rule under 抄送 is the thin insideH
    # The last rule, thick, directly under 印发机关 and 印发日期; 共印N份 follows it, with no rule below.
    assert [b.find("w:bottom", NS).get(w("sz")) for b in printed] == ["8", "8"]
    assert copies[0].find("w:top", NS).get(w("sz")) == "8" and copies[0].find("w:bottom", NS).get(w("val")) == "nil"


def test_imprint_without_cc_and_copies(tmp_path):
    derived = mini_variant(tmp_path, replace=("  cc: [财政部示例监管局]\n", ""))
    derived.notice.notice.copies = None
    table = imprint(docx_part(render_notice(derived)))
    rows = [[text_of(c) for c in tr.findall("w:tc", NS)] for tr in table.findall("w:tr", NS)]
    assert rows == [["信息公开选项：主动公开"], ["示例省财政厅办公室", "2024年3月8日印发"]]


@pytest.mark.parametrize("position, text", [("after_date", "信息公开选项：主动公开"), ("note", "（此件主动公开）")])
def test_disclosure_after_the_date_or_as_note(tmp_path, position, text):
    derived = mini_variant(tmp_path, f"  disclosure_position: {position}\n")
    doc = docx_part(render_notice(derived))
    assert texts(doc, "GwNote") == [text]
    assert texts(doc, "GwSignature") == ["示例省财政厅", "2024年3月7日"]
    order = [text_of(p) for p in paragraphs(doc)]
    assert order.index("2024年3月7日") < order.index(text) < order.index("附件1")
    assert text_of(imprint(doc).find("w:tr", NS)) == ""


def test_signature_centred_over_the_date_four_characters_in(tmp_path):
    derived = mini_variant(tmp_path, replace=("signature: 示例省财政厅", "signature: 示例厅"))
    doc = docx_part(render_notice(derived))
    sig, date = paragraphs(doc, "GwSignature")
    assert (text_of(sig), text_of(date)) == ("示例厅", "2024年3月7日")
    right = [int(p.find("w:pPr/w:ind", NS).get(w("right"))) for p in (sig, date)]
    assert right[1] == 4 * 320
    # 2024年3月7日 is 6 em wide (digits ½ em), 示例厅 3 em: centred = 1½ em further in from the right
    assert right[0] == 4 * 320 + 480


# --- page numbers -----------------------------------------------------------------------------------------

def test_page_numbers_odd_right_even_left(mini_docx, doc):
    settings = docx_part(mini_docx, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    refs = {r.get(w("type")): r.get(f"{{{NS['r']}}}id") for r in final_section(doc).findall("w:footerReference", NS)}
    rels, styles = docx_rels(mini_docx), Styles(mini_docx)
    for kind, align in (("default", "right"), ("even", "left")):
        footer = docx_part(mini_docx, "word/" + rels[refs[kind]])
        (p,) = footer.findall("w:p", NS)
        assert text_of(p) == "— 1 —"
        assert "PAGE" in "".join(footer.itertext())
        assert styles.paragraph_prop(p, "w:jc").get(w("val")) == align
        ind = styles.paragraph_prop(p, "w:ind")
        assert int(ind.get(w("right" if align == "right" else "left"))) == 280  # one 4号 character in
        for props in run_props(styles, p):
            assert props["eastAsia"] == "宋体" and props["ascii"] == "宋体" and props["size"] == "28"


# --- files, template, escaping ------------------------------------------------------------------------------

def test_notice_alone_plus_one_file_per_attachment(tmp_path):
    derived = mini_variant(tmp_path, "  attachments_inline: false\n")
    files = render_notice_documents(derived)
    names = list(files)
    assert names[0] == "示财社〔2024〕7号 关于下达2024年中央财政示例能力提升补助资金的通知.docx"
    assert names[1:] == [document_name(x.number, x.title, "docx") for x in derived.attachments]
    notice = docx_part(files[names[0]])
    assert texts(notice, "GwAttachLabel") == [] and len(attachment_list(notice)) == len(derived.attachments)
    for x, name in zip(derived.attachments, names[1:], strict=True):
        part = docx_part(files[name])
        assert texts(part, "GwAttachLabel") == [f"示财社〔2024〕7号附件{x.number}"]
        wide = derived.tables[x.number].landscape if x.number in derived.tables else False
        assert (final_section(part).find("w:pgSz", NS).get(w("orient")) == "landscape") == wide


def test_notice_file_name_drops_illegal_characters(mini):
    view = mini.notice
    title = view.title
    try:
        view.title = 'a/b:c*d?"e<f>g|' + "很长" * 100
        name = notice_file_name(view)
    finally:
        view.title = title
    assert name.endswith(".docx") and len(name) <= 125
    assert not set('/:*?"<>|') & set(name)


def test_spec_text_is_escaped(tmp_path):
    derived = mini_variant(tmp_path, replace=("program: 示例能力提升", 'program: "示例<能力>&提升"'))
    doc = docx_part(render_notice(derived))  # parses: nothing broke the XML
    assert "示例<能力>&提升" in text_of(paragraphs(doc, "GwBody")[0])


def test_template_compiled_once_and_strict():
    package = load_template("notice.docx")
    assert load_template("notice.docx") is package
    with pytest.raises(RenderError, match="没有提供的字段"):
        render_document_xml(package, {})


def test_template_carries_docxtpl_tags_and_fixed_wording():
    with zipfile.ZipFile(HERE.parent / "templates" / "docx" / "notice.docx") as zf:
        text = "".join(docx_part_from(zf))
    for fixed in ("附件：", "抄送：", "印发", "共印", "{%p for para in body %}", "{{ doc_number }}", "{%tr if cc_text %}"):
        assert fixed in text


def docx_part_from(zf: zipfile.ZipFile):
    from lxml import etree
    return etree.fromstring(zf.read("word/document.xml")).itertext()


def test_section_variant_rotates_the_page():
    package = load_template("notice.docx")
    wide = section_variant(package.section, landscape=True, grid=False)
    assert 'w:w="16838" w:h="11906" w:orient="landscape"' in wide
    assert 'w:top="1588"' in wide and 'w:left="2098"' in wide and "linesAndChars" not in wide
    assert "continuous" not in wide and "rIdFooterEven" in wide


# --- the real batches ---------------------------------------------------------------------------------------

def seed_paragraphs() -> list[str]:
    """The body paragraphs of 黑财指（社）〔2023〕256号 as the original prints them."""
    lines = HLJ_BODY.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_heilongjiang_body_word_for_word():
    derived = derive(EXAMPLES / "heilongjiang-2023-256.yaml")
    doc = docx_part(render_notice(derived))
    notice = paragraphs(doc, "GwBody")[:len(derived.notice.body)]  # the letter (附件5) has body paragraphs too
    letter = text_of(paragraphs(doc, "GwBody")[len(derived.notice.body)])
    assert letter.startswith("2023年职业病防治能力提升项目资金按项目承担机构分配")  # its first paragraph (6b26ced)
    got = ["".join(text_of(p).split()) for p in notice]
    expected = ["".join(p.split()) for p in seed_paragraphs()]
    expected[0] = expected[0].replace("补助资金万元下达", "补助资金3,975万元下达")  # the seed left it blank
    assert got == expected
    assert text_of(only(doc, "GwDocNumber")) == "黑财指（社）〔2023〕256号"
    rows = [text_of(tr) for tr in imprint(doc).findall("w:tr", NS)]
    assert rows == ["信息公开选项：依申请公开", "抄送：财政部黑龙江省监管局，各市（地）、县（市）卫生健康委（局）。",
                    "黑龙江省财政厅办公室2023年6月29日印发", "共印20份。"]


def test_seed_004_attachment_list_and_landscape_feedback_form():
    derived = derive(EXAMPLES / "xinjiang-2024-24.yaml")
    doc = docx_part(render_notice(derived))
    assert attachment_list(doc) == [("1", "2024年自治区基本公共卫生服务补助资金（第二批）分配表"),
                                    ("2", "项目支出绩效目标表"), ("3", "自治区财政资金使用情况跟踪反馈表")]
    assert section_of_label(doc, "附件3").find("w:pgSz", NS).get(w("orient")) == "landscape"
    assert [text_of(tr) for tr in imprint(doc).findall("w:tr", NS)][1:] == [
        "抄送：自治区卫生健康委，自治区审计厅，本厅预算处、国库处、内控监督处。",  # the original lacks the 。
        "新疆维吾尔自治区财政厅2024年4月28日印发"]


# --- LibreOffice: what a clerk sees ---------------------------------------------------------------------------

ARTIFACTS = HERE / "_artifacts" / "render_notice"


def pdf_pages(pdf: Path) -> list[str]:
    """Text of each page, whitespace removed."""
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True, check=True).stdout).group(1))
    return ["".join(subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split()) for i in range(1, count + 1)]


def landscape_pages(pdf: Path) -> set[int]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    return {int(n) for n, w_pt, h_pt in re.findall(r"Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", out)
            if float(w_pt) > float(h_pt)}


@pytest.fixture(scope="module")
def previews():
    """PDFs (and PNGs of every page, for a person) of the mini notice inline and alone, and of seed 004."""
    from generator.pdf import convert_cold, libreoffice_available

    if not libreoffice_available() or not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice or poppler-utils not installed")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    mini = derive(MINI)
    alone = derive(MINI)
    alone.notice.notice.attachments_inline = False
    batches = {"mini-inline": mini, "mini-alone": alone, "xinjiang": derive(EXAMPLES / "xinjiang-2024-24.yaml")}
    sources = []
    for name, derived in batches.items():
        path = ARTIFACTS / f"{name}.docx"
        path.write_bytes(render_notice(derived))  # the bytes as delivered
        sources.append(path)
    pdfs = {p.stem: p for p in convert_cold(sources, ARTIFACTS)}
    for pdf in pdfs.values():
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(pdf.with_suffix(""))], check=True)
    return {name: (batches[name], pdfs[name]) for name in batches}


@pytest.mark.parametrize("name", ["mini-inline", "mini-alone", "xinjiang"])
def test_pdf_page_one_body_last_page_imprint_page_numbers(previews, name):
    derived, pdf = previews[name]
    pages = pdf_pages(pdf)
    view = derived.notice
    assert view.notice.mark.replace(" ", "") in pages[0] and view.doc_number in pages[0]
    assert view.addressees in pages[0] and view.body[0].text[:12] in pages[0]  # page 1 shows body text
    printed = view.print_line[1]
    assert printed in pages[-1] and "抄送" in pages[-1]
    assert not any(printed in p for p in pages[:-1])
    for i, page in enumerate(pages, 1):
        assert f"—{i}—" in page, f"page {i} has no page number"
    inline = view.notice.attachments_inline
    top_level = sum(1 for x in derived.attachments)
    assert (top_level + 1 <= len(pages) <= 60) if inline else (1 <= len(pages) <= 4)
    assert len(list(ARTIFACTS.glob(f"{name}-*.png"))) == len(pages)


def test_pdf_attachments_start_pages_landscape_for_wide_tables(previews):
    derived, pdf = previews["mini-inline"]
    pages, wide = pdf_pages(pdf), landscape_pages(pdf)
    for x in derived.attachments:
        first = next(i for i, p in enumerate(pages, 1) if p.startswith(f"附件{x.number}"))
        expected = derived.tables[x.number].landscape if x.number in derived.tables else False
        assert (first in wide) == expected, x.number
    assert len(pages) not in wide  # the 版记 page is portrait
    _, seed_pdf = previews["xinjiang"]
    seed_pages, seed_wide = pdf_pages(seed_pdf), landscape_pages(seed_pdf)
    feedback = next(i for i, p in enumerate(seed_pages, 1) if p.startswith("附件3"))
    assert feedback in seed_wide and len(seed_pages) not in seed_wide  # back to portrait for the 版记


def test_pdf_example_body_sets_28_characters_a_line(previews):
    _, pdf = previews["xinjiang"]
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "2", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    chinese = [line for line in out.splitlines() if re.fullmatch(r"[\u4e00-\u9fff，、。：；“”（）《》]+", line)]
    assert max(map(len, chinese)) == 28 and sum(len(line) == 28 for line in chinese) >= 5


def edited_template(tmp_path: Path, monkeypatch, old: str, new: str, part: str = "word/document.xml") -> None:
    """A copy of templates/docx with one text edit in notice.docx, as a clerk would save it from Word."""
    import generator.docx_package as package

    source = HERE.parent / "templates" / "docx" / "notice.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(tmp_path / "notice.docx", "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data)
    monkeypatch.setattr(package, "TEMPLATE_DIR", tmp_path)


def test_clerk_edits_wording_and_fonts_in_the_template(tmp_path, monkeypatch, mini):
    edited_template(tmp_path, monkeypatch, "抄送：", "抄报：")
    data = render_notice(mini)
    assert "抄报：财政部示例监管局。" in [text_of(tr) for tr in imprint(docx_part(data)).findall("w:tr", NS)]
    with zipfile.ZipFile(HERE.parent / "templates" / "docx" / "notice.docx") as zf:
        styles_xml = zf.read("word/styles.xml").decode()
    body_style = re.search(r'w:styleId="GwBody".*?</w:style>', styles_xml).group(0)
    changed = styles_xml.replace(body_style, body_style.replace('w:eastAsia="仿宋_GB2312"', 'w:eastAsia="仿宋"'))
    edited_template(tmp_path, monkeypatch, styles_xml, changed, "word/styles.xml")
    data = render_notice(mini)
    doc, styles = docx_part(data), Styles(data)
    assert [p["eastAsia"] for p in run_props(styles, paragraphs(doc, "GwBody")[0])] == ["仿宋"]


def template_styles() -> str:
    with zipfile.ZipFile(HERE.parent / "templates" / "docx" / "notice.docx") as zf:
        return zf.read("word/styles.xml").decode()


def style_id(p) -> str | None:
    found = p.find("w:pPr/w:pStyle", NS)
    return found.get(w("val")) if found is not None else None


def test_table_cells_take_their_look_from_the_template_styles(mini_docx, doc, styles):
    with zipfile.ZipFile(io.BytesIO(mini_docx)) as zf:
        assert b"gw-insert" not in zf.read("word/document.xml")  # every attachment's mark was replaced
    tables = [t for t in doc.findall(".//w:tbl", NS) if t.find("w:tblPr/w:tblpPr", NS) is None]  # not the 版记
    assert tables and all(t.find("w:tblPr/w:tblBorders/w:insideV", NS).get(w("sz")) == "4" for t in tables)
    cells = [p for t in tables for p in t.findall(".//w:tc/w:p", NS)]
    assert all(style_id(p) in styles.by_id for p in cells)
    assert not [p for p in cells if p.find(".//w:rPr", NS) is not None]  # no direct fonts or sizes
    figure = next(s for s in map(style_id, cells) if s.startswith("GwCellFigure-"))
    size = int(figure.split("-")[1])
    sized = styles.by_id[figure]  # added for this document: the template's 表格-金额 at the fitted size
    assert sized.find("w:basedOn", NS).get(w("val")) == "GwCellFigure"
    assert sized.find("w:name", NS).get(w("val")) == f"表格-金额 {size / 2:g}磅"
    cell = next(p for p in cells if style_id(p) == figure and text_of(p))
    props = styles.run_props(cell, cell.find("w:r", NS))
    assert props["eastAsia"] == props["ascii"] == "宋体" and props["size"] == str(size)


def test_clerk_restyles_table_figures_in_the_template(tmp_path, monkeypatch, mini):
    styles_xml = template_styles()
    figure = re.search(r'w:styleId="GwCellFigure".*?</w:style>', styles_xml).group(0)
    edited_template(tmp_path, monkeypatch, figure, figure.replace('w:eastAsia="宋体"', 'w:eastAsia="仿宋"'),
                    "word/styles.xml")
    data = render_notice(mini)
    doc, styles = docx_part(data), Styles(data)
    cell = next(p for p in paragraphs(doc) if (style_id(p) or "").startswith("GwCellFigure-") and text_of(p))
    assert styles.run_props(cell, cell.find("w:r", NS))["eastAsia"] == "仿宋"


def test_clerk_changes_table_borders_in_the_template(tmp_path, monkeypatch, mini):
    styles_xml = template_styles()
    table = re.search(r'<w:style [^>]*w:styleId="GwTable".*?</w:style>', styles_xml).group(0)
    edited_template(tmp_path, monkeypatch, table, table.replace('w:sz="4"', 'w:sz="12"'), "word/styles.xml")
    doc = docx_part(render_notice(mini))
    tables = [t for t in doc.findall(".//w:tbl", NS) if t.find("w:tblPr/w:tblpPr", NS) is None]
    assert tables and all(t.find("w:tblPr/w:tblBorders/w:top", NS).get(w("sz")) == "12" for t in tables)


def test_template_without_a_table_style_is_reported_in_chinese(tmp_path, monkeypatch, mini):
    styles_xml = template_styles()
    figure = re.search(r'<w:style [^>]*w:styleId="GwCellFigure".*?</w:style>', styles_xml).group(0)
    edited_template(tmp_path, monkeypatch, figure, "", "word/styles.xml")
    with pytest.raises(RenderError, match="缺少表格所用的样式 GwCellFigure"):
        render_notice(mini)


def test_broken_template_tag_is_reported_in_chinese(tmp_path, monkeypatch, mini):
    edited_template(tmp_path, monkeypatch, "{{ doc_number }}", "{{ doc_number ")
    with pytest.raises(RenderError, match="标记写法有误"):
        render_notice(mini)
