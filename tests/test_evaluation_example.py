"""The 新疆 2023 绩效自评报告 example (seed 001): it checks clean, it builds through the pipeline as the CLI does,
and its figures read back from the report, the 自评表 workbook and the 执行情况 workbook; the seed's own wrong
figures, typed back into a copy, are caught at their line."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import docx_part, text_of, w
from openpyxl import load_workbook

from generator.bulk import build_all
from generator.pipeline import check_spec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "specs" / "examples" / "xinjiang-selfeval-2023.yaml"
PARTS = ["第一部分", "第二部分", "第三部分", "第四部分", "第五部分", "第六部分", "第七部分", "第八部分"]

# Per part: total, grade, 预算执行 得分 — the seed's where its arithmetic holds (93.1, 97.8, 96.05 → 96.04 with the
# transposed 15386.79 corrected), the rule set's where it does not (the spec's comments give the seed's figures).
SCORES = {1: ("93.1", "优", "8.1"), 2: ("89.14", "良", "9.14"), 3: ("97.8", "优", "7.8"), 4: ("82.59", "良", "0.45"),
          5: ("90.15", "优", "0.56"), 6: ("98.3", "优", "8.7"), 7: ("16.67", "差", "0.00"), 8: ("96.04", "优", "7.04")}


@pytest.fixture(scope="module")
def report():
    return check_spec(EXAMPLE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The example built into a fresh folder the way `python -m generator build` does."""
    out = tmp_path_factory.mktemp("selfeval")
    assert build_all([EXAMPLE], out, stream=io.StringIO(), force=True) == 0
    folder = out / EXAMPLE.stem
    assert {p.name for p in folder.iterdir()} >= {"绩效自评报告.docx", "绩效自评表.docx", "绩效自评表.xlsx",
                                                  "资金执行情况表.xlsx"}
    return folder


def test_example_checks_clean(report):
    assert report.ok, "\n".join(map(str, report.errors))
    assert not report.warnings, "\n".join(map(str, report.warnings))


def test_derived_scores_of_all_eight_parts(report):
    views = {p.part.no: p for p in report.derived.parts}
    assert sorted(views) == list(range(1, 9))
    got = {no: (str(v.score.total), v.score.grade, str(v.score.execution)) for no, v in views.items()}
    assert got == SCORES
    assert views[8].score.from_system and str(views[8].system.total) == "96.04"


def test_derived_money_and_rates(report):
    views = {p.part.no: p for p in report.derived.parts}
    p1, p3, p8 = views[1], views[3], views[8]
    assert (p1.allocation.total.values["advance"], p1.allocation.total.values["second"],
            p1.allocation.total.values["total"]) == (Decimal(7265), Decimal(-702), Decimal(6563))
    assert (p1.execution.total.values["spent"], p1.execution.total.rate) == (Decimal("5347.89"), Decimal("81.49"))
    assert (p3.execution.total.values["budget"], p3.execution.total.values["spent"], p3.execution.total.rate) == (
        Decimal(37181), Decimal("29033.07"), Decimal("78.09"))
    total = p8.funding.rows["total"]
    assert (total.values["budget"], total.values["spent"], total.rate) == (
        Decimal("21820.02"), Decimal("15368.79"), Decimal("70.43"))
    p2 = views[2].execution
    assert [str(r.values["spent"]) for r in p2.rows if r.label == "各地小计"] == ["17104.54"]


def _paragraph_texts(data: bytes) -> list[str]:
    body = docx_part(data).find(w("body"))
    return [t for t in (text_of(p) for p in body.iter(w("p"))) if t]


def _by_part(texts: list[str]) -> dict[int, list[str]]:
    """The report's paragraphs split at its 第N部分 headings (tables' cell paragraphs included)."""
    parts, current = {}, None
    for t in texts:
        for no, name in enumerate(PARTS, 1):
            if t.startswith(name + " "):
                current = no
                parts[no] = []
        if current:
            parts[current].append(t)
    return parts


@pytest.fixture(scope="module")
def report_parts(built) -> dict[int, list[str]]:
    return _by_part(_paragraph_texts((built / "绩效自评报告.docx").read_bytes()))


def test_report_prints_every_parts_score_and_grade(report_parts):
    assert sorted(report_parts) == list(range(1, 9))
    for no, (total, grade, execution) in SCORES.items():
        text = "\n".join(report_parts[no])
        assert f"得分为{total}分" in text, no
        assert f"自评结果为“{grade}”" in text, no
        if no != 8:  # part 8's score is its 指标体系's total; a zero may print as 0
            assert any(f"预算执行{x}分" in text for x in (execution, f"{Decimal(execution).normalize():f}")), no
    assert "注：最后得分：96.04分" in "\n".join(report_parts[8])


def test_report_money_figures(report_parts):
    p1, p3 = report_parts[1], report_parts[3]
    for figure in ("6563", "7265", "-702", "5347.89", "81.49%", "2007.72", "73.79%"):
        assert figure in p1, figure  # a cell of the allocation or the execution table
    for figure in ("37181", "31030", "6151", "29033.07", "78.09%"):
        assert figure in p3, figure


def test_report_indicator_sentences(report_parts):
    p3 = "\n".join(report_parts[3])
    assert re.search(r"实际完成5\.2项，完成率520%，偏差率420%", p3)  # 原文 525% / 425%
    assert re.search(r"实际完成49\.4人，完成率4940%，偏差率4840%", p3)
    p5 = "\n".join(report_parts[5])
    assert "实际完成值为7.76%，完成率86.22%，偏差率13.78%" in p5  # 原文 13.88%
    p1 = "\n".join(report_parts[1])
    assert "财政部下达的绩效目标未设定时效指标。" in p1
    assert "完成率300%，偏差率200%" in p1


def test_report_prints_the_province_target_tables(report_parts):
    """Parts 1 and 3 in full: 32 and 22 区域绩效目标表, the 维研所's under its own name (the seed printed it under the
    第八附属医院's title and repeated that hospital's table as the 维研所's)."""
    def titles(no):
        return [t for t in report_parts[no] if re.match(r"^中央对地方专项转移支付.*目标(申报)?表.*（.+）$", t.replace("\n", ""))]
    p1, p3 = titles(1), titles(3)
    assert len(p1) == 32 and len(p3) == 22, (len(p1), len(p3))
    assert sum("（自治区维吾尔医药研究所）" in t for t in p1) == 1
    assert sum("（新疆医科大学第八附属医院）" in t for t in p1) == 1
    assert not any("维研所" in t for t in p1)


def _overshoot_list(paragraphs: list[str]) -> list[str]:
    """The 指标 lines under （2）完成率超出30%及以上指标 of section 三."""
    start = paragraphs.index("（2）完成率超出30%及以上指标")
    out = []
    for t in paragraphs[start + 1:]:
        if not t.startswith("指标"):
            break
        out.append(t)
    return out


def test_overshoot_lists(report_parts):
    p1 = _overshoot_list(report_parts[1])
    assert [t.split("指标，")[0] for t in p1] == [
        "指标1：中医治疗优势病种项目(临床循证能力提升)建设数量", "指标2：重点科室(老年病科、康复科、中西医协同科室)建设数量"]
    p3 = _overshoot_list(report_parts[3])
    assert len(p3) == 4 and all("完成率" in t and "超出原因" in t for t in p3)
    assert not any("硬件设施设备" in t for t in p3)  # 125%: the seed listed it, the rule does not
    assert any("5.2" in t or "520%" in t for t in p3)


def test_selfeval_workbook(built):
    wb = load_workbook(built / "绩效自评表.xlsx")
    assert wb.sheetnames == PARTS + ["第八部分指标体系"]
    p1 = wb["第一部分"]
    assert (p1["B8"].value, p1["E8"].value, p1["F8"].value) == ("年度资金总额：", 6563, 5347.89)
    assert p1["G8"].value == "=IFERROR(F8/E8,0)"  # 执行率 as a live formula
    p8 = wb["第八部分"]
    rows = {p8.cell(r, 2).value: (p8.cell(r, 5).value, p8.cell(r, 6).value) for r in range(8, 12)}
    assert rows["年度资金总额："] == (21820.02, 15368.79)  # 原文 15386.79
    assert rows["其中：中央财政拨款"] == (11878, 5673.16)
    assert rows["其他资金"] == (9942.02, 9695.63)
    system = wb["第八部分指标体系"]
    found = {system.cell(r, 3).value: system.cell(r, 10).value for r in range(5, system.max_row + 1)}
    assert found["预算执行率"] == 7.04
    notes = [system.cell(r, 1).value for r in range(1, system.max_row + 1)]
    assert "注：最后得分：96.04分" in notes


def test_execution_workbook(built):
    wb = load_workbook(built / "资金执行情况表.xlsx")
    assert wb.sheetnames == [f"{p}执行情况" for p in PARTS[:7]]  # part 8 has no execution table
    for sheet, figures in (("第一部分执行情况", {6563, 5347.89}), ("第三部分执行情况", {37181, 29033.07}),
                           ("第二部分执行情况", {17104.54, 18822})):
        values = {c.value for row in wb[sheet].iter_rows() for c in row if isinstance(c.value, (int, float))}
        formulas = [c.value for row in wb[sheet].iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")]
        assert figures <= values or formulas, sheet  # totals typed or summed live
        assert any("/" in f for f in formulas), sheet  # 执行率 live


# ------------------------------------------------------------------ the seed's errors typed back in

def _typed_back(tmp_path: Path, old: str, new: str) -> tuple[list[str], int]:
    """A copy of the example with one figure as the seed printed it; its errors and that line's number."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    line = text[:text.index(old)].count("\n") + 1
    copy = tmp_path / EXAMPLE.name
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return [str(p) for p in check_spec(copy).errors], line


@pytest.mark.parametrize("old, new, seed, derived", [
    ("stated: {budget: 18822, spent: 17104.54", "stated: {budget: 18822, spent: 17104.52", "17104.52", "17104.54"),
    ("stated: {budget: 21820.02, spent: 15368.79", "stated: {budget: 21820.02, spent: 15386.79", "15386.79",
     "15368.79"),
    ("stated_score: {execution: 9.14,", "stated_score: {execution: 91.44,", "91.44", "9.14"),
    ("{completion: 520, deviation: 420}", "{completion: 525, deviation: 425}", "525", "520"),
    ("{completion: 86.22, deviation: 13.78}", "{completion: 86.22, deviation: 13.88}", "13.88", "13.78"),
    ("stated_total: 96.04", "stated_total: 96.05", "96.05", "96.04"),
])
def test_seed_figures_are_caught_at_their_line(tmp_path, old, new, seed, derived):
    errors, line = _typed_back(tmp_path, old, new)
    hits = [e for e in errors if f":{line}:" in e and seed in e and derived in e]
    assert hits, errors
