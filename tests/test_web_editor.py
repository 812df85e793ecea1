"""The batch editor through the Flask test client: every tab opens in Chinese, a save splices only the edited
values and is a commit, a bad cell keeps the other edits, problems sit at their cell, stated figures can be
updated from the page, a stale save is refused with the clerk's input kept."""

from __future__ import annotations

import re
import subprocess

import pytest
from web_support import *  # noqa: F403

from generator.edit_fields import SECTIONS

HLJ = "examples/heilongjiang-2023-256.yaml"
DEMO = "examples/demo-2025.yaml"


def page(client, name: str, tab: str = "notice") -> str:
    resp = client.get(f"/batch/{name}/edit?tab={tab}")
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def version_of(html: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]+)"', html).group(1)


def post(client, name: str, tab: str, version: str, data: dict):
    return client.post(f"/batch/{name}/edit", data={"version": version, "tab": tab, **data})


@pytest.mark.parametrize("tab", list(SECTIONS))
def test_every_tab_opens_in_chinese(clerk, tab):
    html = page(clerk, HLJ, tab)
    assert "保存" in html and "mapping" not in html
    assert "Traceback" not in html
    for label in SECTIONS.values():
        assert f">{label}" in html


@pytest.mark.parametrize("name, label", [("examples/xinjiang-selfeval-2023.yaml", "绩效自评报告"),
                                         ("examples/agri-dept-2025-book.yaml", "绩效目标表册（独立文件）"),
                                         ("examples/haigang-health-budget-2025.yaml", "部门预算公开")])
def test_a_document_of_another_kind_opens_on_its_yaml_with_no_batch_tabs(clerk, name, label):
    html = page(clerk, name, "alloc")
    assert f"这是“{label}”类文件" in html and 'data-tab="yaml"' in html
    assert not any(f'data-tab="{key}"' in html for key in SECTIONS if key != "yaml")  # no 通知/分配/… tabs
    assert 'name="yaml"' in html and "kind:" in html and 'id="grid"' not in html


def test_anonymous_is_sent_to_login(anon):
    resp = anon.get(f"/batch/{HLJ}/edit")
    assert resp.status_code in (302, 401)


def test_grid_has_the_lettered_parts_and_a_save_is_a_minimal_commit(clerk, spec_root):
    html = page(clerk, HLJ, "alloc")
    assert 'name="g/10/occ/a"' in html and 'name="g/19/occ/c"' in html
    before = (spec_root / HLJ).read_text(encoding="utf-8")
    resp = post(clerk, HLJ, "alloc", version_of(html), {"g/10/occ/a": "321", "g/11/occ/b": "1e3"})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "已保存" in text and "1 处填写有误" in text and "不能用科学计数法" in text
    after = (spec_root / HLJ).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("  - {unit: 哈尔滨市第二医院, occ: {a: 320, advance: 320}}",
                        "  - {unit: 哈尔滨市第二医院, occ: {a: 321, advance: 320}}")]
    log = subprocess.run(["git", "-C", str(spec_root), "log", "-1", "--format=%an"], capture_output=True, text=True)
    assert log.stdout.strip() == "clerk"
    # the saved batch now disagrees with its stated figures: the page offers them, and the generate button says why
    assert 'id="reconcile"' in text and "核对数：哈尔滨市「职业病防治能力提升」" in text
    assert re.search(r'<button id="generate"\s+disabled', text) and "不能生成" in text


def test_stated_figures_are_updated_from_the_page_until_the_batch_is_valid(clerk, spec_root):
    html = page(clerk, HLJ, "alloc")
    html = post(clerk, HLJ, "alloc", version_of(html), {"g/10/occ/a": "321"}).get_data(as_text=True)
    choices = {name: "update" for name in re.findall(r'<select name="(rc/[^"]+)"', html)}
    assert len(choices) == 16
    html = post(clerk, HLJ, "alloc", version_of(html), choices).get_data(as_text=True)
    assert "已处理 16 个核对数" in html and "可以生成" in html and 'id="reconcile"' not in html


def test_problem_is_marked_at_its_cell_without_paths(clerk, spec_root):
    path = spec_root / DEMO
    text = path.read_text(encoding="utf-8").replace("{unit: 甲市第一人民医院, equip: 200}",
                                                    "{unit: 甲市第一人民医院, equip: -200}")
    path.write_text(text, encoding="utf-8")
    html = page(clerk, DEMO, "alloc")
    mark = re.search(r'<span class="cellmark err" title="([^"]+)"[^>]*data-mark-for="g/3/equip/due"', html)
    assert mark and "不能为负数" in mark.group(1)
    assert "demo-2025.yaml" not in mark.group(1) and "allocations" not in mark.group(1)
    assert 'class="count">' in html  # the 分配 tab shows its error count


def test_notice_fields_and_list_operations_save(clerk, spec_root):
    html = page(clerk, DEMO, "notice")
    assert 'name="f/notice/signature"' in html and 'name="f/notice/sign_date"' in html
    html = post(clerk, DEMO, "notice", version_of(html), {"f/notice/signature": "示例省财政厅办公室",
                                                           "op": "move:attachments/2:up"}).get_data(as_text=True)
    assert "已保存" in html and "已调整顺序" in html
    text = (spec_root / DEMO).read_text(encoding="utf-8")
    assert "  signature: 示例省财政厅办公室\n" in text
    assert text.index("kind: filing_form") < text.index("kind: target_tables")


def test_stale_save_is_refused_with_the_other_diff_and_my_input_kept(clerk, clerk2, spec_root):
    first = page(clerk, DEMO, "notice")
    second = page(clerk2, DEMO, "notice")
    assert post(clerk, DEMO, "notice", version_of(first), {"f/notice/signature": "甲"}).status_code == 200
    resp = post(clerk2, DEMO, "notice", version_of(second), {"f/notice/copies": "30"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "已修改并保存" in html and "+  signature: 甲" in html
    assert re.search(r'name="f/notice/copies" id="f/notice/copies" value="30"', html)
    assert "copies: 30" not in (spec_root / DEMO).read_text(encoding="utf-8")


def test_raw_yaml_keeps_crlf_files_crlf(clerk, spec_root):
    path = spec_root / DEMO
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    subprocess.run(["git", "-C", str(spec_root), "commit", "-qam", "crlf"], check=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin"})
    html = page(clerk, DEMO, "notice")
    post(clerk, DEMO, "notice", version_of(html), {"f/notice/copies": "30"})
    data = path.read_bytes()
    assert b"  copies: 30\r\n" in data and data.count(b"\r\n") == data.count(b"\n")


