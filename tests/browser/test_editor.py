"""The batch editor in Chromium at 1366×768: totals move as the clerk types, a block pasted from Excel fills the
grid, stated figures are fixed from the page, a planted error is marked at its cell and fixed there, two clerks
saving the same batch (the second is told), every tab fits the screen. Screenshots under tests/_artifacts/."""

from __future__ import annotations

import subprocess

import pytest

from .conftest import screenshot

HLJ = "examples/heilongjiang-2023-256.yaml"
DEMO = "examples/demo-2025.yaml"
XJ = "examples/xinjiang-2024-24.yaml"
TABS = ["notice", "projects", "units", "alloc", "targets", "filing", "feedback", "letter", "yaml"]


def open_editor(page, name: str, tab: str):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/batch/{name}/edit?tab={tab}")
    page.wait_for_selector("#editor-form")


def total(page, column: str, scope: str = "") -> str:
    return page.locator(f'#grid tfoot tr[data-scope="{scope}"] td[data-sum="{column}"]').inner_text()


def row_sum(page, row: int, what: str) -> str:
    return page.locator(f'#grid tbody tr[data-row="{row}"] td[data-sum-row="{what}"]').inner_text()


def save(page):
    with page.expect_navigation():
        page.click("#save")


def commit_file(root, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "plant"], check=True, env=env)


def test_totals_follow_typing_and_paste_then_stated_figures_are_fixed(page):
    open_editor(page, HLJ, "alloc")
    screenshot(page, "editor-01-grid-seed000")
    assert total(page, "occ/a") == "1,280" and total(page, "d:occ") == "1,878" and total(page, "due") == "13,950"
    assert total(page, "due", "地市") == "10,478"
    page.fill('input[name="g/10/occ/a"]', "330")  # 哈尔滨市第二医院 职业 a: 320 → 330
    assert total(page, "occ/a") == "1,290" and total(page, "d:occ") == "1,888" and total(page, "this") == "3,985"
    assert row_sum(page, 10, "d:occ") == "330" and row_sum(page, 10, "this") == "10"
    page.fill('input[name="g/10/occ/a"]', "320.5")
    assert total(page, "due") == "13,950.5"
    page.fill('input[name="g/10/occ/a"]', "1e3")
    assert "invalid" in page.get_attribute('input[name="g/10/occ/a"]', "class")
    page.fill('input[name="g/10/occ/a"]', "321")
    screenshot(page, "editor-02-typed")
    # a 2×2 block copied from Excel into 道里区/道外区 妇幼 应补助/提前下达
    page.click('input[name="g/12/fuyou/due"]')
    page.evaluate("""() => { const dt = new DataTransfer(); dt.setData('text/plain', '210\\t200\\r\\n190\\t200\\r\\n');
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true})); }""")
    assert page.input_value('input[name="g/12/fuyou/due"]') == "210"
    assert page.input_value('input[name="g/13/fuyou/due"]') == "190"
    assert page.input_value('input[name="g/13/fuyou/advance"]') == "200"
    assert total(page, "fuyou/due") == "4,048" and total(page, "due") == "13,951"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "g/13/fuyou/due"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.name") == "g/14/fuyou/due"
    screenshot(page, "editor-03-pasted")
    save(page)
    assert "已保存" in page.inner_text("#message")
    assert page.is_disabled("#generate") and "不能生成" in page.inner_text(".generate")
    assert page.locator("#reconcile select").count() >= 10
    screenshot(page, "editor-04-stated-figures-offered")
    page.click("#rc-all-update")
    save(page)
    assert "核对数" in page.inner_text("#message")
    assert page.locator("#reconcile").count() == 0 and page.is_enabled("#generate")
    assert "可以生成" in page.inner_text(".status")
    screenshot(page, "editor-05-valid-again")
    assert page.csp_errors == []


def test_a_planted_error_is_marked_at_its_cell_and_fixed_there(page, live_server):
    root = live_server.spec_root
    text = (root / DEMO).read_text(encoding="utf-8")
    commit_file(root, DEMO, text.replace("pubhealth: {a: 70, c: 10, advance: 60}", "pubhealth: {a: 70, c: 10, advance: -60}"))
    open_editor(page, DEMO, "alloc")
    mark = page.locator('#grid .cellmark[data-mark-for="g/7/pubhealth/advance"]')
    assert mark.count() == 1 and "不能为负数" in mark.get_attribute("title")
    assert ".yaml" not in mark.get_attribute("title")
    assert page.is_disabled("#generate") and "1 个错误" in page.inner_text(".generate")
    assert "分配" in page.inner_text(".tab.active") and page.inner_text(".tab.active .count") == "1"
    screenshot(page, "editor-06-planted-error")
    page.click("#tab-problems a")  # the problem list jumps to the cell
    assert page.evaluate("document.activeElement.name") == "g/7/pubhealth/advance"
    page.fill('input[name="g/7/pubhealth/advance"]', "60")
    save(page)
    assert page.locator('#grid .cellmark[data-mark-for="g/7/pubhealth/advance"]').count() == 0
    assert page.is_enabled("#generate")
    screenshot(page, "editor-07-fixed")


def test_two_clerks_saving_the_same_batch(new_page, live_server):
    first, second = new_page("clerk"), new_page("clerk2")
    open_editor(first, DEMO, "notice")
    open_editor(second, DEMO, "notice")
    first.fill('[name="f/notice/signature"]', "示例省财政厅办公室")
    save(first)
    assert "已保存" in first.inner_text("#message")
    second.fill('[name="f/notice/copies"]', "30")
    save(second)
    assert "已修改并保存" in second.inner_text("#message")
    assert "示例省财政厅办公室" in second.inner_text("#conflict pre")
    assert second.input_value('[name="f/notice/copies"]') == "30"  # this clerk's input kept
    screenshot(second, "editor-08-conflict")
    save(second)  # re-applied on the new version: both edits are in the file
    text = (live_server.spec_root / DEMO).read_text(encoding="utf-8")
    assert "signature: 示例省财政厅办公室" in text and "copies: 30" in text


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_fits_1366_by_768_in_chinese(page, tab):
    open_editor(page, HLJ if tab != "letter" else DEMO, tab)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366
    assert page.is_visible("#save")
    screenshot(page, f"editor-tab-{tab}")
    assert page.csp_errors == []


def test_xinjiang_grid_has_the_unit_advance_and_its_totals(page):
    open_editor(page, XJ, "alloc")
    assert total(page, "unit/advance") == "25,933" and total(page, "due") == "29,260" and total(page, "this") == "3,327"
    assert total(page, "due", "地州") == "27,075"
    page.fill('input[name="g/4/advance"]', "289")  # 天山区 已提前下达 288 → 289
    assert total(page, "this") == "3,326" and row_sum(page, 4, "this") == "42"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "editor-09-xinjiang-unit-advance")
    assert page.csp_errors == []
