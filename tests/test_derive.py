"""Derived figures of the example batches equal the seeds' own totals; title breaking; numbering."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.derive_notice import break_title, doc_number
from generator.pipeline import check_spec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "specs" / "examples"
HLJ = EXAMPLES / "heilongjiang-2023-256.yaml"
XJ = EXAMPLES / "xinjiang-2024-24.yaml"


@pytest.fixture(scope="module")
def xj():
    report = check_spec(XJ)
    assert report.ok, "\n".join(map(str, report.errors))
    return report.derived


@pytest.fixture(scope="module")
def hlj():
    if not HLJ.exists():
        pytest.skip("seed-000 example not written yet")
    report = check_spec(HLJ)
    assert report.ok, "\n".join(map(str, report.errors))
    return report.derived


def row_values(view, label: str) -> list[str]:
    row = next(r for r in view.rows if r.label == label)
    return [str(row.values[c.key]) for c in view.columns if c.kind == "money"]


def test_xinjiang_totals(xj):
    projects = [p.id for p in xj.batch.projects]
    total = xj.sums.total
    assert (total.get("due", projects), total.get("advance", projects), total.get("this", projects)) == (
        Decimal(29260), Decimal(25933), Decimal(3327))
    view = xj.tables["1"]
    assert row_values(view, "总计：") == ["26455", "500", "700", "155", "220", "1230", "29260", "25933", "3327"]
    assert row_values(view, "自治区本级合计") == ["0", "500", "200", "155", "100", "1230", "2185", "1975", "210"]
    assert row_values(view, "地州合计")[-3:] == ["27075", "23958", "3117"]


# Every prefecture subtotal of seed 004 (全年应拨付合计, 已提前下达, 此次下达), from the seed and the catalogue.
XJ_PREFECTURES = {
    "乌鲁木齐市": ("2002", "1733", "269"),
    "伊犁州": ("2695", "2392", "303"),
}


@pytest.mark.parametrize("label, expected", XJ_PREFECTURES.items())
def test_xinjiang_prefecture_subtotals(xj, label, expected):
    assert tuple(row_values(xj.tables["1"], label)[-3:]) == expected


def test_xinjiang_every_subtotal_adds_up(xj):
    view = xj.tables["1"]
    for row in view.rows:
        if row.children:
            for col in (c for c in view.columns if c.kind == "money"):
                assert row.values[col.key] == sum(view.rows[i].values[col.key] for i in row.children), (row.label, col.key)


def test_xinjiang_targets(xj):
    assert len(xj.targets) == 19
    assert all(t.weight_sum == 90 for t in xj.targets)
    amounts = sorted((t.amount for t in xj.targets), reverse=True)
    assert amounts[0] == 29260


def test_xinjiang_notice(xj):
    assert xj.notice.doc_number == "新财社〔2024〕24号"
    assert xj.notice.title == "关于下达2024年自治区基本公共卫生服务补助资金（第二批）的通知"
    assert [n for n, _ in xj.notice.attachment_list] == ["1", "2", "3"]


def test_heilongjiang_totals(hlj):
    projects = [p.id for p in hlj.batch.projects]
    total = hlj.sums.total
    assert (total.get("due", projects), total.get("advance", projects), total.get("this", projects)) == (
        Decimal(13950), Decimal(9975), Decimal(3975))
    assert hlj.notice.amount_text == "3,975"
    assert hlj.notice.doc_number == "黑财指（社）〔2023〕256号"
    assert [n for n, _ in hlj.notice.attachment_list] == ["1", "1-1", "1-2", "1-3", "2", "3", "4", "5"]


def test_heilongjiang_target_counts(hlj):
    layouts = [t.table.layout for t in hlj.targets]
    assert layouts.count("project") == 8
    assert layouts.count("region_city") + layouts.count("region_county") == 39
    assert layouts.count("region_city") == 13


def test_heilongjiang_formula_header(hlj):
    view = next(v for v in hlj.tables.values() if v.formula_row)
    labels = [c.label for c in view.columns]
    assert "绩效（-117w）" in labels
    assert [c.formula_text for c in view.columns if c.kind == "money"][-3:] == ["d=a+b+c", "e", "f=d-e"]
    assert row_values(view, "合计") == ["1280", "715", "-117", "1878", "1675", "203"]


@pytest.mark.parametrize("title, lines", [
    ("关于下达2024年自治区基本公共卫生服务补助资金（第二批）的通知",
     ["关于下达2024年自治区基本公共卫生服务", "补助资金（第二批）的通知"]),
    ("关于下达资金的通知", ["关于下达资金的通知"]),
])
def test_break_title(title, lines):
    assert break_title(title, markers=("自治区",)) == lines


def test_break_title_lines_fit():
    title = "黑龙江省财政厅关于下达2023年中央财政医疗服务与保障能力提升（医疗卫生机构能力建设）补助资金的通知"
    lines = break_title(title, markers=("中央财政",))
    assert "".join(lines) == title and len(lines) == 3
    assert all(len(line) <= 20 for line in lines)


def test_doc_number_format(xj):
    n = xj.batch.notice
    assert doc_number(n) == f"{n.doc_agency}〔{n.doc_year}〕{n.doc_seq}号"
