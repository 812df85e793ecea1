"""Administrators' pages: shared YAML files and layouts, and the Word/Excel templates (download, checked upload,
commit, history, restore); clerks are refused everywhere here."""

from __future__ import annotations

import io
import subprocess
import zipfile

from web_support import *  # noqa: F403
from web_support import _Forms, form_fields


def git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def forms_of(html: str, having: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if having in f["fields"]]


def rezipped(data: bytes, extra: tuple[str, bytes] | None = None) -> bytes:
    """The same document stored again (other bytes, same parts), optionally with one more part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        if extra:
            dst.writestr(*extra)
    return out.getvalue()


def test_admin_index_lists_shared_files_layouts_and_templates(admin):
    page = admin.get("/admin/").get_data(as_text=True)
    assert "profiles/demo-profile.yaml" in page and "registries/xinjiang.yaml" in page
    assert "examples/mini.yaml" not in page  # batches are the clerks' pages
    page = admin.get("/admin/templates/").get_data(as_text=True)
    assert "docx/notice.docx" in page and "xlsx/styles.xlsx" in page and "make_templates.py" not in page


def test_admin_edits_a_layout(admin, layout_root):
    name = sorted(p.name for p in layout_root.glob("*.yaml"))[0]
    form = form_fields(admin.get(f"/admin/layouts/{name}").get_data(as_text=True), "yaml")
    assert admin.post(f"/admin/layouts/{name}", data={**form, "yaml": form["yaml"] + "# 备注\n"}).status_code == 200
    assert git(layout_root, "log", "-1", "--format=%an|%s").startswith(f"admin|{name}：")


def test_template_replaced_by_a_checked_upload(web_app, admin):
    root = web_app.config["TEMPLATE_ROOT"]
    original = (root / "docx" / "notice.docx").read_bytes()
    download = admin.get("/admin/templates/docx/notice.docx")
    assert download.status_code == 200 and download.data == original
    form = next(f for f in forms_of(admin.get("/admin/templates/").get_data(as_text=True), "version")
                if f["action"].endswith("/docx/notice.docx"))["fields"]
    new = rezipped(original)
    resp = admin.post("/admin/templates/docx/notice.docx", content_type="multipart/form-data",
                      data={**form, "template": (io.BytesIO(new), "通知模板.docx")})
    assert resp.status_code == 302
    assert (root / "docx" / "notice.docx").read_bytes() == new
    assert git(root, "log", "-1", "--format=%an|%s") == "admin|docx/notice.docx：替换模板\n"
    # the same form again is stale (its version is the old one): refused, nothing written
    resp = admin.post("/admin/templates/docx/notice.docx", content_type="multipart/form-data",
                      data={**form, "template": (io.BytesIO(original), "old.docx")})
    assert resp.status_code == 409 and "未保存" in resp.get_data(as_text=True)
    # history, and restoring the first version
    page = admin.get("/admin/templates/docx/notice.docx/history").get_data(as_text=True)
    restore = forms_of(page, "commit")[-1]["fields"]
    assert admin.post("/admin/templates/docx/notice.docx/restore", data=restore).status_code == 302
    assert (root / "docx" / "notice.docx").read_bytes() == original


def test_bad_template_uploads_are_refused(web_app, admin):
    root = web_app.config["TEMPLATE_ROOT"]
    before = (root / "docx" / "notice.docx").read_bytes()
    xlsx = (root / "xlsx" / "styles.xlsx").read_bytes()
    form = next(f for f in forms_of(admin.get("/admin/templates/").get_data(as_text=True), "version")
                if f["action"].endswith("/docx/notice.docx"))["fields"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<a/>")
        zf.writestr("word/document.xml", b"<a>" + b" " * (120 * 1024 * 1024) + b"</a>")
    cases = {
        "not a zip": (b"plain text", "不是有效的压缩包"),
        "an Excel file": (xlsx, "缺少 word/document.xml"),
        "a zip bomb": (bomb.getvalue(), "解压后过大"),
        "bad XML": (rezipped(before, ("word/extra.xml", b"<a><b></a>")), "XML 有错误"),
        "an entity bomb": (rezipped(before, ("word/x.xml", b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;&e;</a>')),
                           "DOCTYPE"),
    }
    for label, (data, message) in cases.items():
        resp = admin.post("/admin/templates/docx/notice.docx", content_type="multipart/form-data",
                          data={**form, "template": (io.BytesIO(data), "t.docx")})
        assert resp.status_code == 422 and message in resp.get_data(as_text=True), label
        assert (root / "docx" / "notice.docx").read_bytes() == before


def test_clerk_cannot_touch_templates(clerk):
    for method, url in (("GET", "/admin/templates/"), ("GET", "/admin/templates/docx/notice.docx"),
                        ("POST", "/admin/templates/docx/notice.docx"), ("GET", "/admin/templates/docx/notice.docx/history"),
                        ("POST", "/admin/templates/docx/notice.docx/restore")):
        assert clerk.open(url, method=method).status_code == 403, url


def test_template_traversal(admin):
    for name in ("../app.py", "docx/../../app.py", "docx/%2e%2e/%2e%2e/app.py", "layouts/x.yaml", "docx/make_templates.py",
                 "docx\\..\\notice.docx", "/etc/passwd"):
        assert admin.get(f"/admin/templates/{name}").status_code == 404, name
