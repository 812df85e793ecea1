"""Login, roles, CSRF and Origin checks, security headers, Chinese error pages, path traversal."""

from __future__ import annotations

import re

import pytest
from web_support import *  # noqa: F403
from web_support import PASSWORD, csrf_token_of, form_fields, login

SAMPLE_ARGS = {"name": "examples/mini.yaml", "area": "shared", "filename": "web.css", "index": 0, "page": 1}


def all_routes(app):
    """(rule, method, url) for every route of the app and every method it takes."""
    for rule in app.url_map.iter_rules():
        args = {a: SAMPLE_ARGS[a] for a in rule.arguments}
        url = rule.build(args)[1] if args else rule.rule
        for method in sorted(rule.methods - {"OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_route_refuses_anonymous_access(web_app, anon, spec_root):
    before = (spec_root / "examples" / "mini.yaml").read_bytes()
    seen = set()
    for endpoint, method, url in all_routes(web_app):
        seen.add(endpoint)
        resp = anon.open(url, method=method, data={"notice/copies": "99", "yaml": "x: 1"})
        if endpoint in ("auth.login", "static"):
            assert resp.status_code in (200, 302, 400), (method, url)
            continue
        if method in ("GET", "HEAD"):
            assert resp.status_code == 302 and "/login?next=" in resp.headers["Location"], (method, url)
        else:
            assert resp.status_code == 403, (method, url)
            assert "没有权限" in resp.get_data(as_text=True)
    assert {"batches.index", "batches.edit", "batches.download", "batches.upload", "batches.history",
            "batches.restore", "admin.index", "admin.edit", "auth.logout"} <= seen
    assert (spec_root / "examples" / "mini.yaml").read_bytes() == before


def test_login_page_and_static_are_public(anon):
    assert "登录" in anon.get("/login").get_data(as_text=True)
    assert anon.get("/static/web.css").status_code == 200


def test_wrong_password_then_lockout(web_app, anon):
    token = csrf_token_of(anon.get("/login").get_data(as_text=True))
    for _ in range(web_app.config["LOGIN_MAX_FAILURES"]):
        resp = anon.post("/login", data={"name": "clerk", "password": "wrong", "csrf_token": token})
        assert resp.status_code == 401 and "用户名或密码不对" in resp.get_data(as_text=True)
    resp = anon.post("/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 429 and "登录失败次数过多" in resp.get_data(as_text=True)
    other = web_app.test_client()  # the lock is on the name, so another session is refused too
    token = csrf_token_of(other.get("/login").get_data(as_text=True))
    assert other.post("/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": token}).status_code == 429
    login(web_app.test_client(), "clerk2")  # other users are not locked out


def test_session_cookie_flags(web_app):
    client = web_app.test_client()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": token})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    client = web_app.test_client()
    page = client.get("/login", base_url="https://office.example").get_data(as_text=True)
    resp = client.post("/login", base_url="https://office.example",
                       data={"name": "clerk", "password": PASSWORD, "csrf_token": csrf_token_of(page)},
                       headers={"Referer": "https://office.example/login"})
    assert "Secure" in resp.headers["Set-Cookie"]


def test_login_next_stays_on_site(web_app):
    client = web_app.test_client()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": token,
                                       "next": "//evil.example/x"})
    assert resp.headers["Location"] == "/"


def test_password_reset_ends_sessions(web_app, clerk):
    from web.users import UserStore

    assert clerk.get("/").status_code == 200
    UserStore(web_app.config["USERS_FILE"], "pbkdf2:sha256:1000").set_password("clerk", "another pass 2")
    assert clerk.get("/").status_code == 302


def test_clerk_cannot_open_admin_files(clerk, admin):
    for url in ("/admin/", "/admin/shared/profiles/demo-profile.yaml", "/admin/layouts/x.yaml/history"):
        resp = clerk.get(url)
        assert resp.status_code == 403 and "没有权限" in resp.get_data(as_text=True)
    assert clerk.get("/spec/profiles/demo-profile.yaml").status_code == 404  # not through the batch pages either
    assert clerk.post("/spec/profiles/demo-profile.yaml", data={"action": "yaml", "yaml": "x: 1"}).status_code == 404
    assert admin.get("/admin/shared/profiles/demo-profile.yaml").status_code == 200


def test_post_without_csrf_token_is_refused(web_app, spec_root):
    client = login(web_app.test_client(), "clerk")
    form = form_fields(client.get("/spec/examples/mini.yaml").get_data(as_text=True), "notice/copies")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    before = (spec_root / "examples" / "mini.yaml").read_bytes()
    form.pop("csrf_token")
    resp = client.post("/spec/examples/mini.yaml", data={**form, "notice/copies": "99"})
    assert resp.status_code == 400 and "表单已失效" in resp.get_data(as_text=True)
    resp = client.post("/spec/examples/mini.yaml", data={**form, "notice/copies": "99", "csrf_token": "forged"})
    assert resp.status_code == 400
    assert (spec_root / "examples" / "mini.yaml").read_bytes() == before


@pytest.mark.parametrize("header", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                    {"Referer": "http://evil.example/page"}])
def test_post_from_another_site_is_refused(clerk, spec_root, header):
    form = form_fields(clerk.get("/spec/examples/mini.yaml").get_data(as_text=True), "notice/copies")
    before = (spec_root / "examples" / "mini.yaml").read_bytes()
    resp = clerk.post("/spec/examples/mini.yaml", data={**form, "notice/copies": "99"}, headers=header)
    assert resp.status_code == 403 and "其他网站" in resp.get_data(as_text=True)
    assert (spec_root / "examples" / "mini.yaml").read_bytes() == before
    ok = clerk.post("/spec/examples/mini.yaml", data={**form, "notice/copies": "99"},
                    headers={"Origin": "http://localhost"})
    assert ok.status_code == 200 and "已保存" in ok.get_data(as_text=True)


def test_security_headers_on_pages_and_errors(clerk, anon):
    for resp in (clerk.get("/"), clerk.get("/nope"), anon.get("/login"), anon.get("/static/web.js")):
        h = resp.headers
        assert "script-src 'self'" in h["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
        assert "unsafe-inline" not in h["Content-Security-Policy"]
        assert h["X-Frame-Options"] == "DENY" and h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin" and "Server" not in h


def test_pages_have_no_inline_script_or_style(clerk, admin):
    pages = [clerk.get(u).get_data(as_text=True) for u in ("/", "/spec/examples/mini.yaml",
                                                           "/spec/examples/mini.yaml/history", "/account")]
    pages += [admin.get(u).get_data(as_text=True) for u in ("/admin/", "/admin/shared/profiles/demo-profile.yaml")]
    for page in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert " style=" not in page and "<style" not in page and " onclick=" not in page


@pytest.mark.parametrize("code,url,method,title", [
    (404, "/no/such/page", "GET", "找不到页面"),
    (405, "/upload", "GET", "不支持此操作"),
    (400, "/spec/examples/mini.yaml", "POST", "请求有误"),
])
def test_chinese_error_pages(clerk, code, url, method, title):
    resp = clerk.open(url, method=method, data={"action": "form"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == code and title in page and 'lang="zh-CN"' in page
    assert "Not Found" not in page and "Method Not Allowed" not in page and "Bad Request" not in page


def test_500_page_is_chinese_and_the_traceback_goes_to_the_log(web_app, clerk, caplog, monkeypatch):
    web_app.config["PROPAGATE_EXCEPTIONS"] = False
    import web.batch_list

    def boom(*_a, **_k):
        raise RuntimeError("secret detail /etc/hostname")

    monkeypatch.setattr(web.batch_list, "find_specs", boom)
    resp = clerk.get("/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 500 and "服务器内部错误" in page
    assert "Traceback" not in page and "secret detail" not in page and "RuntimeError" not in page
    assert "secret detail" in caplog.text and "Traceback" in caplog.text


def test_413_page_for_a_big_upload(web_app, clerk):
    web_app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    import io

    resp = clerk.post("/upload", data={"spec": (io.BytesIO(b"a: 1\n" * 20000), "big.yaml")},
                      content_type="multipart/form-data")
    assert resp.status_code == 413 and "文件太大" in resp.get_data(as_text=True)
    assert clerk.get("/account").status_code == 200  # still answering
