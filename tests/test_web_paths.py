"""The web takes no folder or path from the request: traversal variants on every path-taking route are the 404
page and never show another file; uploads ignore folders and names; size limits give the Chinese 413 page."""

from __future__ import annotations

import io
import os

import pytest
from web_support import *  # noqa: F403
from web_support import ROOT

SECRET = "绝密-0xC0FFEE"
# Each variant tries to reach <tmp>/secret.yaml (beside the spec root) or a file of the system.
VARIANTS = [
    "../secret.yaml",
    "examples/../../secret.yaml",
    "..%2fsecret.yaml",
    "%2e%2e/secret.yaml",
    "%2e%2e%2fsecret.yaml",
    "%252e%252e%252fsecret.yaml",  # double-encoded
    "..%252fsecret.yaml",
    "..%5csecret.yaml",  # backslash
    "..\\secret.yaml",
    "examples\\..\\..\\secret.yaml",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "//etc/passwd",
    "SECRETPATH",  # the absolute path of the secret
    "examples/mini.yaml%00.txt",
    ".git/config",
    "examples/link.yaml",  # a symlink inside the root pointing at the secret
    "examples/../examples/mini.yaml",  # stays inside, but `..` is refused all the same
    "profiles/demo-profile.yaml",  # an administrator's file through the clerks' routes
]
BATCH_ROUTES = [("GET", "/spec/{}"), ("POST", "/spec/{}"), ("POST", "/spec/{}/download"),
                ("GET", "/spec/{}/history"), ("POST", "/spec/{}/restore")]
ADMIN_ROUTES = [("GET", "/admin/shared/{}"), ("POST", "/admin/shared/{}"), ("GET", "/admin/layouts/{}"),
                ("GET", "/admin/shared/{}/history"), ("POST", "/admin/layouts/{}/restore")]


@pytest.fixture
def secret(spec_root):
    path = spec_root.parent / "secret.yaml"
    path.write_text(f"kind: batch\nnotice: {{program: {SECRET}}}\n", encoding="utf-8")
    os.symlink(path, spec_root / "examples" / "link.yaml")
    return path


def _url(pattern: str, variant: str, secret) -> str:
    return pattern.format(variant.replace("SECRETPATH", str(secret).lstrip("/")))


@pytest.mark.parametrize("variant", VARIANTS)
def test_traversal_on_batch_routes(clerk, secret, variant):
    for method, pattern in BATCH_ROUTES:
        resp = clerk.open(_url(pattern, variant, secret), method=method,
                          data={"action": "yaml", "yaml": "x: 1", "version": "0" * 40, "commit": "HEAD"})
        body = resp.get_data(as_text=True)
        assert resp.status_code in (404, 405), (method, pattern, variant, resp.status_code)
        assert SECRET not in body and "root:" not in body and "[core]" not in body
        assert "找不到页面" in body or "不支持此操作" in body
    assert SECRET in secret.read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", VARIANTS[:-1])
def test_traversal_on_admin_routes(admin, secret, variant):
    for method, pattern in ADMIN_ROUTES:
        resp = admin.open(_url(pattern, variant, secret), method=method,
                          data={"yaml": "x: 1", "version": "0" * 40, "commit": "HEAD"})
        body = resp.get_data(as_text=True)
        assert resp.status_code in (404, 405), (method, pattern, variant, resp.status_code)
        assert SECRET not in body and "root:" not in body


def test_unknown_admin_area_is_404(admin):
    assert admin.get("/admin/etc/passwd").status_code == 404
    assert admin.get("/admin/templates/../app.py").status_code == 404


@pytest.mark.parametrize("variant", ["../app.py", "..%2fapp.py", "%2e%2e/app.py", "..%5capp.py", "/etc/passwd"])
def test_traversal_on_static(anon, variant):
    resp = anon.get(f"/static/{variant}")
    assert resp.status_code == 404 and "create_app" not in resp.get_data(as_text=True)


def test_upload_ignores_folder_and_path_in_the_file_name(clerk, secret):
    mini = (ROOT / "tests" / "data" / "mini.yaml").read_bytes()
    resp = clerk.post("/upload", data={"spec": (io.BytesIO(mini), "../../../etc/x.yaml"), "folder": "/etc"},
                      content_type="multipart/form-data")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"  # references still from examples/
    assert resp.headers["Content-Disposition"] == "attachment; filename=x.zip"
    bad = mini.replace(b"printer:", b"printr:")
    resp = clerk.post("/upload", data={"spec": (io.BytesIO(bad), "..\\..\\evil.yaml"), "folder": "../.."},
                      content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "evil.yaml" in page and "..\\" not in page


def test_upload_reference_outside_the_roots_shows_no_content(clerk, secret):
    mini = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    for reference in (str(secret), "../../secret.yaml", "/etc/passwd"):
        text = "profile: " + reference + "\n" + mini
        resp = clerk.post("/upload", data={"spec": (io.BytesIO(text.encode()), "ref.yaml")},
                          content_type="multipart/form-data")
        body = resp.get_data(as_text=True)
        assert resp.status_code == 422, reference
        assert SECRET not in body and "root:x" not in body


def test_upload_size_limit_and_the_server_keeps_answering(web_app, clerk):
    limit = web_app.config["MAX_CONTENT_LENGTH"]
    big = b"# " + b"x" * (limit + 10) + b"\n"
    resp = clerk.post("/upload", data={"spec": (io.BytesIO(big), "big.yaml")}, content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 413 and "文件太大" in page and "5 MB" in page
    assert clerk.get("/account").status_code == 200


def test_raw_yaml_box_size_limit(web_app, clerk, spec_root):
    from web_support import form_fields

    before = (spec_root / "examples" / "mini.yaml").read_bytes()
    form = form_fields(clerk.get("/spec/examples/mini.yaml").get_data(as_text=True), "yaml")
    resp = clerk.post("/spec/examples/mini.yaml", data={**form, "yaml": "#" * (web_app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert resp.status_code == 413 and "文件太大" in resp.get_data(as_text=True)
    assert (spec_root / "examples" / "mini.yaml").read_bytes() == before
