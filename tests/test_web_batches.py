"""The batch pages: list, edit with comments kept, bad input reported, documents downloaded (as a signed-in clerk)."""

from __future__ import annotations

import io
import zipfile

import pytest
from web_support import *  # noqa: F403
from web_support import ROOT, form_fields


def edit_form(client, name: str, having: str = "notice/copies") -> dict:
    """The edit page's form as a browser would submit it (with its version and CSRF token)."""
    return form_fields(client.get(f"/spec/{name}").get_data(as_text=True), having)


def test_index_lists_specs_not_profiles(clerk):
    page = clerk.get("/").get_data(as_text=True)
    assert "examples/xinjiang-2024-24.yaml" in page and "examples/mini.yaml" in page
    assert "profiles/" not in page and "registries/" not in page


def test_save_keeps_comments_and_order(clerk, spec_root):
    path = spec_root / "examples" / "mini.yaml"
    before = path.read_text(encoding="utf-8")
    form = {**edit_form(clerk, "examples/mini.yaml"), "notice/copies": "25"}
    page = clerk.post("/spec/examples/mini.yaml", data=form).get_data(as_text=True)
    after = path.read_text(encoding="utf-8")
    assert "已保存" in page
    assert "copies: 25" in after and "copies: 10" not in after
    assert after.splitlines()[0] == before.splitlines()[0]  # the leading comment survives
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("  copies: 10", "  copies: 25")]  # a reviewer's diff shows one line
    assert after.index("notice:") < after.index("units:") < after.index("projects:")


def test_allocation_grid_edit_changes_derived_total(clerk, spec_root):
    path = spec_root / "examples" / "mini.yaml"
    page = clerk.get("/spec/examples/mini.yaml").get_data(as_text=True)
    assert 'name="alloc-0-lab-due" value="100"' in page
    form = {**form_fields(page, "alloc-0-lab-due"), "alloc-0-lab-due": "120", "alloc-0-lab-advance": "40",
            "alloc-0-lab-perf": "5", "alloc-2-lab-due": "60", "alloc-2-lab-advance": "60", "alloc-3-lab-due": "0",
            "alloc-3-lab-advance": "20"}
    clerk.post("/spec/examples/mini.yaml", data=form)
    text = path.read_text(encoding="utf-8")
    assert "{unit: 省医院, lab: {due: 120, advance: 40, perf: 5}}" in text
    page = clerk.get("/spec/examples/mini.yaml").get_data(as_text=True)
    assert "声明为 227，推算为 247" in page  # the stated total now disagrees, and the page says so


def test_bad_number_is_refused_without_writing(clerk, spec_root):
    path = spec_root / "examples" / "mini.yaml"
    before = path.read_text(encoding="utf-8")
    form = {**edit_form(clerk, "examples/mini.yaml"), "alloc-0-lab-due": "一百", "notice/copies": "30"}
    resp = clerk.post("/spec/examples/mini.yaml", data=form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "未保存" in page and "不是数字" in page
    assert path.read_text(encoding="utf-8") == before
    # what the clerk typed is still on the page, marked as theirs
    assert 'name="alloc-0-lab-due" value="一百" inputmode="decimal" class="mine"' in page
    assert 'name="notice/copies" value="30"' in page


def test_upload_with_errors_lists_them(clerk):
    bad = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8").replace("printer:", "printr:")
    resp = clerk.post("/upload", data={"spec": (io.BytesIO(bad.encode()), "bad.yaml")},
                      content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "未知的键「printr」" in page and "bad.yaml" in page


def test_download_zip_holds_documents(clerk):
    pytest.importorskip("generator.render_notice")
    resp = clerk.post("/spec/examples/mini.yaml/download")
    assert resp.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(resp.data)).namelist()
    assert any(n.endswith(".docx") for n in names) and any(n.endswith(".xlsx") for n in names)


def test_a_download_with_errors_returns_to_the_editor_and_history_links_to_it(clerk, spec_root):
    path = spec_root / "examples" / "mini.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("printer:", "printr:"), encoding="utf-8")
    resp = clerk.post("/spec/examples/mini.yaml/download")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "有错误，未生成" in page
    assert 'id="editor-form"' in page and "printr" in page  # the tabbed editor, with the problem shown
    history = clerk.get("/spec/examples/mini.yaml/history").get_data(as_text=True)
    assert 'href="/batch/examples/mini.yaml/edit">返回编辑' in history


def test_unit_level_advance_and_inherited_hint(clerk, spec_root):
    page = clerk.get("/spec/examples/xinjiang-2024-24.yaml").get_data(as_text=True)
    assert "已提前下达" in page and 'name="alloc-0-advance" value="1245"' in page
    assert "原基本公共卫生项目" in page  # project names, not ids, head the grid
    assert 'placeholder="沿用配置：依申请公开"' in page  # the profile's value, shown where the batch sets none
    path = spec_root / "examples" / "xinjiang-2024-24.yaml"
    before = path.read_text(encoding="utf-8")
    form = {**form_fields(page, "alloc-0-advance"), "alloc-0-advance": "1240"}
    clerk.post("/spec/examples/xinjiang-2024-24.yaml", data=form)
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and "1245" in changed[0][0] and "1240" in changed[0][1]
