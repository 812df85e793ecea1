"""In Chromium: copy a batch as 下一批, import an .xlsx 分配表, preview the notice's first page, generate and
download the zip and read it back. Screenshots of every step under tests/_artifacts/browser/ (1366×768)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from generator.pdf import libreoffice_available
from generator.pipeline import render_spec

from .conftest import screenshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clerk_page(page, live_server):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.set_default_timeout(180_000)  # two cores shared by the whole team: pages can take a while
    yield page
    previewer = live_server.app.extensions.get("previewer")
    if previewer is not None:
        previewer.close()


def test_copy_an_earlier_batch_as_the_next_one(clerk_page, live_server):
    page = clerk_page
    page.goto("/batches")
    assert page.locator("table.batches").is_visible()
    screenshot(page, "h6-01-batches")
    page.click("text=新建批次")
    page.wait_for_url("**/new")
    screenshot(page, "h6-02-new-batch")
    copy = page.locator("#copy")
    copy.locator("select[name=source]").select_option("examples/demo-2025.yaml")
    copy.locator("input[name=seq]").fill("101")
    copy.locator("input[name=year]").fill("2026")
    copy.locator("input[name=print_date]").fill("2026-08-01")
    copy.locator("input[name=keep_amounts]").check()
    copy.locator("input[name=name]").fill("2026/demo-2026-101")
    copy.locator("button").click()
    page.wait_for_url(lambda url: "/batches?created=" in url, timeout=120_000)
    assert "已新建并保存「2026/demo-2026-101.yaml」" in page.locator("p.created").inner_text()
    row = page.locator("tr", has_text="示财社〔2026〕101号")
    assert row.locator(".status").inner_text() in ("可生成", "有警告")
    screenshot(page, "h6-03-copied")
    assert (live_server.spec_root / "2026" / "demo-2026-101.yaml").is_file()
    assert page.csp_errors == []


def test_import_an_xlsx_allocation_table(clerk_page, live_server):
    page = clerk_page
    _, files = render_spec(ROOT / "specs/examples/xinjiang-2024-24.yaml")
    data = next(d for n, d in files.items() if n.startswith("附件1 "))
    page.goto("/new")
    form = page.locator("#import")
    form.locator("input[name=xlsx]").set_input_files({"name": "分配表.xlsx", "mimeType":
                                                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                     "buffer": data})
    form.locator("select[name=base]").select_option("examples/xinjiang-2024-24.yaml")
    form.locator("input[name=seq]").fill("31")
    form.locator("input[name=year]").fill("2025")
    form.locator("input[name=name]").fill("xinjiang-2025-31")
    screenshot(page, "h6-04-import-form")
    form.locator("button").click()
    page.wait_for_selector("text=核对导入的分配表")
    assert "（0 处不符）" in page.content()
    screenshot(page, "h6-05-import-confirm")
    page.click("button[value=save]")
    page.wait_for_url(lambda url: "/batches?created=" in url, timeout=120_000)
    screenshot(page, "h6-06-imported")
    assert page.locator("tr", has_text="新财社〔2025〕31号").count() == 1
    assert page.csp_errors == []


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装：无法生成页面预览")
def test_preview_the_notice_and_download_the_zip(clerk_page, live_server):
    page = clerk_page
    page.goto("/batches")
    page.locator("tr", has_text="黑财指（社）〔2023〕256号").locator("text=预览与下载").click()
    page.wait_for_url("**/preview/examples/heilongjiang-2023-256.yaml")
    first = page.locator(".doc img").first
    first.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle(),
                           timeout=180_000)
    assert "本机未安装公文字体" in page.locator(".fontnote").inner_text()
    screenshot(page, "h6-07-preview")
    page.locator(".doc").first.get_by_role("link", name="全部页面").click()
    page.wait_for_selector(".pages img", timeout=180_000)
    count = page.locator(".pages img").count()
    assert count > 1 and f"共 {count} 页" in page.content()
    screenshot(page, "h6-08-notice-pages")
    page.go_back()
    with page.expect_download(timeout=120_000) as info:
        page.click("#download-zip")
    data = open(info.value.path(), "rb").read()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    notice = next(n for n in names if n.endswith(".docx"))
    assert notice.startswith("黑财指（社）〔2023〕256号")
    xml = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(io.BytesIO(data)).read(notice))).read("word/document.xml")
    assert "经省政府同意".encode() in xml
    assert sum(n.endswith(".xlsx") for n in names) == 6
    page.goto("/batches")
    row = page.locator("tr", has_text="黑财指（社）〔2023〕256号")
    assert "（clerk）" in row.inner_text()
    screenshot(page, "h6-09-built")
    assert page.csp_errors == []
