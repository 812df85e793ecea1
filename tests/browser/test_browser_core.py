"""In a real browser: login, the batch list, saving an edit, a stale save refused with the other clerk's diff,
history and restore; no CSP violations on the way."""

from __future__ import annotations

import subprocess

from .conftest import screenshot


def test_login_page_and_batch_list(browser, live_server, page):
    assert page.locator("text=examples/mini.yaml").count() == 1
    assert "clerk（经办人）" in page.locator("header.top").inner_text()
    screenshot(page, "core-index")
    anon = browser.new_context(base_url=live_server.url).new_page()
    anon.goto("/spec/examples/mini.yaml")
    assert "/login" in anon.url and anon.locator("form.login").count() == 1
    screenshot(anon, "core-login")
    anon.fill("input[name=name]", "clerk")
    anon.fill("input[name=password]", "wrong password")
    anon.click("form.login button")
    assert "用户名或密码不对" in anon.content()
    anon.context.close()
    assert page.csp_errors == []


def test_edit_save_conflict_and_history(live_server, new_page):
    first, second = new_page("clerk"), new_page("clerk2")
    for p in (first, second):
        p.goto("/spec/examples/mini.yaml")
    first.fill("input[name='notice/copies']", "31")
    first.click("text=保存并检查 >> nth=0")
    assert "已保存" in first.locator("p.msg").inner_text()
    second.fill("input[name='alloc-0-lab-due']", "150")
    second.click("text=保存并检查 >> nth=0")
    message = second.locator("p.msg").inner_text()
    assert "未保存" in message and "clerk" in message
    diff = second.locator("section.conflict pre.diff").inner_text()
    assert "-  copies: 10" in diff and "+  copies: 31" in diff
    assert second.input_value("input[name='alloc-0-lab-due']") == "150"  # the second clerk's input is kept
    assert second.input_value("input[name='notice/copies']") == "31"  # the other field shows the new value
    screenshot(second, "core-conflict")
    second.click("text=保存并检查 >> nth=0")  # re-applied on the current version: accepted, nothing lost
    assert "已保存" in second.locator("p.msg").inner_text()
    text = (live_server.spec_root / "examples" / "mini.yaml").read_text(encoding="utf-8")
    assert "copies: 31" in text and "due: 150" in text
    log = subprocess.run(["git", "-C", str(live_server.spec_root), "log", "--format=%an|%s"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert log[0].startswith("clerk2|examples/mini.yaml：修改 allocations[0].lab")
    assert log[1] == "clerk|examples/mini.yaml：修改 notice.copies"
    first.goto("/spec/examples/mini.yaml/history")
    screenshot(first, "core-history")
    first.on("dialog", lambda dialog: dialog.accept())
    first.locator("form.restore button").last.click()  # the oldest version
    first.wait_for_load_state()
    text = (live_server.spec_root / "examples" / "mini.yaml").read_text(encoding="utf-8")
    assert "copies: 10" in text and "due: 150" not in text
    assert first.csp_errors == [] and second.csp_errors == []


def test_error_pages_and_admin_pages(live_server, page, admin_page):
    resp = page.goto("/spec/../../etc/passwd")
    assert resp.status == 404 and "找不到页面" in page.content()
    resp = page.goto("/admin/")
    assert resp.status == 403 and "没有权限" in page.locator("main").inner_text()
    screenshot(page, "core-error-403")
    admin_page.goto("/admin/")
    assert admin_page.locator("text=profiles/demo-profile.yaml").count() == 1
    admin_page.click("text=profiles/demo-profile.yaml")
    assert admin_page.locator("textarea[name=yaml]").input_value().startswith(
        (live_server.spec_root / "profiles" / "demo-profile.yaml").read_text(encoding="utf-8")[:20])
    screenshot(admin_page, "core-admin-profile")
    admin_page.goto("/admin/templates/")
    screenshot(admin_page, "core-admin-templates")
    assert admin_page.locator("text=docx/notice.docx").count() == 1
    assert page.csp_errors == [] and admin_page.csp_errors == []
