"""No lost edits, every edit recorded: versions on every form, stale saves refused with the other person's diff,
one git commit per save by the clerk naming the fields, history with diffs, restore as a new commit, line endings
and BOM kept, saves of a folder outside any repository (git init)."""

from __future__ import annotations

import shutil
import subprocess

from web_support import *  # noqa: F403
from web_support import ROOT, form_fields, login, make_web_app

MINI = "examples/mini.yaml"


def git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def page_form(client, having="notice/copies", name=MINI) -> dict:
    return form_fields(client.get(f"/spec/{name}").get_data(as_text=True), having)


def test_save_is_one_commit_by_the_clerk_naming_the_fields(clerk, spec_root):
    head = git(spec_root, "rev-parse", "HEAD").strip()
    resp = clerk.post(f"/spec/{MINI}", data={**page_form(clerk), "notice/copies": "25", "alloc-0-lab-due": "101"})
    assert resp.status_code == 200 and "已保存" in resp.get_data(as_text=True)
    assert git(spec_root, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    author, subject = git(spec_root, "log", "-1", "--format=%an%n%s").splitlines()
    assert author == "clerk"
    assert subject == "examples/mini.yaml：修改 notice.copies、allocations[0].lab.due"
    assert git(spec_root, "show", "--format=", "--name-only", "HEAD").split() == ["examples/mini.yaml"]
    diff = git(spec_root, "show", "--format=", "HEAD")
    assert "-  copies: 10\n+  copies: 25" in diff
    assert "+  - {unit: 省医院, lab: {due: 101, advance: 40, perf: 5}}" in diff
    assert git(spec_root, "status", "--porcelain") == ""  # nothing left uncommitted


def test_unchanged_submit_makes_no_commit(clerk, spec_root):
    head = git(spec_root, "rev-parse", "HEAD")
    page = clerk.post(f"/spec/{MINI}", data=page_form(clerk)).get_data(as_text=True)
    assert "没有改动" in page and git(spec_root, "rev-parse", "HEAD") == head


def test_stale_save_is_refused_with_the_other_clerks_diff(clerk, clerk2, spec_root):
    path = spec_root / MINI
    mine = page_form(clerk)  # clerk opens the page …
    theirs = page_form(clerk2)  # … so does clerk2, who saves first
    assert clerk2.post(f"/spec/{MINI}", data={**theirs, "notice/copies": "25"}).status_code == 200
    after_theirs = path.read_bytes()
    resp = clerk.post(f"/spec/{MINI}", data={**mine, "alloc-0-lab-due": "150"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "未保存" in page and "clerk2 已修改并保存了这个文件" in page
    assert '<span class="dd">-  copies: 10</span>' in page and '<span class="da">+  copies: 25</span>' in page
    assert path.read_bytes() == after_theirs  # nothing written
    # the clerk's input stays (marked), the other field shows the other clerk's value, the version is the new one
    again = form_fields(page, "notice/copies")
    assert again["alloc-0-lab-due"] == "150" and again["notice/copies"] == "25"
    assert 'value="150" inputmode="decimal" class="mine"' in page
    assert clerk.post(f"/spec/{MINI}", data=again).status_code == 200  # re-applied: both changes kept
    text = path.read_text(encoding="utf-8")
    assert "copies: 25" in text and "lab: {due: 150, advance: 40, perf: 5}" in text
    assert [line.split("|")[0] for line in git(spec_root, "log", "-3", "--format=%an|%s").splitlines()] == [
        "clerk", "clerk2", "test"]


def test_stale_raw_yaml_keeps_the_clerks_text(clerk, clerk2, spec_root):
    mine = page_form(clerk, "yaml")
    clerk2.post(f"/spec/{MINI}", data={**page_form(clerk2), "notice/copies": "26"})
    typed = mine["yaml"].replace("program: 示例能力提升", "program: 示例能力提升二期")
    resp = clerk.post(f"/spec/{MINI}", data={**mine, "yaml": typed})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "+  copies: 26" in page
    assert form_fields(page, "yaml")["yaml"] == typed  # the whole text as typed, to re-apply
    assert "二期" not in (spec_root / MINI).read_text(encoding="utf-8")


def test_raw_yaml_box_keeps_crlf_line_endings_and_bom(clerk, spec_root):
    path = spec_root / MINI
    original = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(original)
    git(spec_root, "commit", "-qam", "CRLF and BOM")
    form = page_form(clerk, "yaml")
    assert "\r" not in form["yaml"] and not form["yaml"].startswith("\ufeff")
    browser_text = form["yaml"].replace("copies: 10", "copies: 12").replace("\n", "\r\n")  # textareas send CRLF
    assert clerk.post(f"/spec/{MINI}", data={**form, "yaml": browser_text}).status_code == 200
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == original.count(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF, no doubled CR
    assert data == original.replace(b"copies: 10", b"copies: 12")
    assert git(spec_root, "show", "--format=", "--numstat", "HEAD").split()[:2] == ["1", "1"]


def test_form_save_keeps_crlf_line_endings(clerk, spec_root):
    path = spec_root / MINI
    original = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(original)
    git(spec_root, "commit", "-qam", "CRLF")
    assert clerk.post(f"/spec/{MINI}", data={**page_form(clerk), "notice/copies": "11"}).status_code == 200
    assert path.read_bytes() == original.replace(b"copies: 10", b"copies: 11")


def test_history_shows_versions_and_restores_an_older_one(clerk, clerk2, spec_root):
    path = spec_root / MINI
    original = path.read_bytes()
    clerk.post(f"/spec/{MINI}", data={**page_form(clerk), "notice/copies": "21"})
    clerk2.post(f"/spec/{MINI}", data={**page_form(clerk2), "notice/copies": "22"})
    page = clerk.get(f"/spec/{MINI}/history").get_data(as_text=True)
    assert page.index("· clerk2</h3>") < page.index("· clerk</h3>") < page.index("· test</h3>")  # newest first
    assert '<span class="dd">-  copies: 21</span>' in page and '<span class="da">+  copies: 22</span>' in page
    assert "examples/mini.yaml：修改 notice.copies" in page
    first = git(spec_root, "log", "--format=%H", "--", MINI).split()[-1]
    restore = next(f for f in _forms(page, "commit") if f["commit"] == first)
    resp = clerk.post(f"/spec/{MINI}/restore", data=restore)
    assert resp.status_code == 302
    assert path.read_bytes() == original
    author, subject = git(spec_root, "log", "-1", "--format=%an%n%s").splitlines()
    assert author == "clerk" and subject == f"examples/mini.yaml：恢复为 {first[:10]} 的版本"
    assert git(spec_root, "rev-list", "--count", "HEAD").strip() == "4"  # start, 21, 22, restore: nothing rewritten
    # the same restore form again is stale now (the file moved on): refused, nothing written
    resp = clerk.post(f"/spec/{MINI}/restore", data={**restore, "commit": git(spec_root, "rev-parse", "HEAD~1").strip()})
    assert resp.status_code == 409 and path.read_bytes() == original


def _forms(html: str, having: str) -> list[dict]:
    from web_support import _Forms

    parser = _Forms()
    parser.feed(html)
    return [f["fields"] for f in parser.forms if having in f["fields"]]


def test_restore_of_an_unknown_version_is_404(clerk, spec_root):
    version = page_form(clerk)["version"]
    for commit in ("0" * 40, "HEAD", "--all", "../x"):
        assert clerk.post(f"/spec/{MINI}/restore", data={"commit": commit, "version": version}).status_code == 404


def test_spec_root_outside_any_repository_is_made_one(tmp_path):
    root = tmp_path / "plain"
    shutil.copytree(ROOT / "specs", root)
    app = make_web_app(tmp_path, root)
    assert "初始版本" in git(root, "log", "--format=%s")
    assert git(root, "ls-files").count(".yaml") >= 9 and git(root, "status", "--porcelain") == ""
    client = login(app.test_client(), "clerk")
    name = "examples/demo-2025.yaml"
    form = form_fields(client.get(f"/spec/{name}").get_data(as_text=True), "notice/copies")
    assert client.post(f"/spec/{name}", data={**form, "notice/copies": "3"}).status_code == 200
    assert git(root, "log", "-1", "--format=%an").strip() == "clerk"


def test_admin_edits_a_profile_as_a_commit(admin, spec_root):
    name = "profiles/demo-profile.yaml"
    form = form_fields(admin.get(f"/admin/shared/{name}").get_data(as_text=True), "yaml")
    changed = form["yaml"] + "# 管理员的注释\n"
    assert admin.post(f"/admin/shared/{name}", data={**form, "yaml": changed}).status_code == 200
    assert (spec_root / name).read_text(encoding="utf-8").endswith("# 管理员的注释\n")
    assert git(spec_root, "log", "-1", "--format=%an|%s") == f"admin|{name}：修改 YAML 文本（管理员）\n"
    page = admin.get(f"/admin/shared/{name}/history").get_data(as_text=True)
    assert "+# 管理员的注释" in page


def test_not_yaml_is_refused_without_writing(clerk, spec_root):
    before = (spec_root / MINI).read_bytes()
    resp = clerk.post(f"/spec/{MINI}", data={**page_form(clerk, "yaml"), "yaml": "a: [1, 2\nb: }"})
    assert resp.status_code == 422 and "未保存" in resp.get_data(as_text=True)
    assert (spec_root / MINI).read_bytes() == before


def test_non_utf8_spec_is_a_failed_row_and_a_chinese_page(clerk, spec_root):
    bad = spec_root / "examples" / "gbk.yaml"
    bad.write_bytes((ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8").encode("gb18030"))
    page = clerk.get("/").get_data(as_text=True)
    assert "examples/gbk.yaml" in page and "examples/mini.yaml" in page
    resp = clerk.get("/spec/examples/gbk.yaml")
    assert resp.status_code == 422 and "不是 UTF-8 编码" in resp.get_data(as_text=True)


def test_one_crashing_spec_does_not_take_the_listing_down(web_app, clerk, monkeypatch, caplog):
    import web.batch_list
    import web.batches
    from generator.pipeline import check_spec

    def crashing(path, *args):
        if path.name == "demo-2025.yaml":
            raise RecursionError("maximum recursion depth exceeded")
        return check_spec(path, *args)

    monkeypatch.setattr(web.batch_list, "check_spec", crashing)
    monkeypatch.setattr(web.batches, "check_spec", crashing)
    resp = clerk.get("/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    row = page[page.index("examples/demo-2025.yaml"):][:400]
    assert "无法检查" in row and "RecursionError" not in page
    assert "可生成" in page[page.index("examples/mini.yaml"):][:600] or "个错误" in page
    assert "RecursionError" in caplog.text
    resp = clerk.get("/spec/examples/demo-2025.yaml")  # the batch's own page opens, so it can be fixed
    assert resp.status_code == 200 and "无法检查这个批次" in resp.get_data(as_text=True)
