"""Batches page, new batch (form, copy, .xlsx import with confirmation) and preview downloads, as a clerk."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from web_support import *  # noqa: F403
from web_support import ROOT

from generator.pipeline import check_spec, render_spec

XINJIANG = "examples/xinjiang-2024-24.yaml"


def git_author(spec_root, rel: str) -> str:
    return subprocess.run(["git", "-C", str(spec_root), "log", "-1", "--format=%an", "--", rel], capture_output=True,
                          text=True, check=True).stdout.strip()


def attachment1(name: str) -> bytes:
    _, files = render_spec(ROOT / "specs" / "examples" / f"{name}.yaml")
    return next(data for fname, data in files.items() if fname.startswith("附件1 "))


def test_batches_page_shows_number_fund_year_status_and_last_change(clerk):
    page = clerk.get("/batches").get_data(as_text=True)
    assert "黑财指（社）〔2023〕256号" in page and "新财社〔2024〕24号" in page
    assert "2024年自治区基本公共卫生服务补助资金（第二批）" in page
    assert "可生成" in page or "有警告" in page
    assert "尚未生成" in page and ">test<" in page  # make_spec_repo's author
    assert "profiles/" not in page


def test_batches_page_searches_and_filters(clerk):
    page = clerk.get("/batches?year=2024").get_data(as_text=True)
    assert "新财社〔2024〕24号" in page and "黑财指（社）〔2023〕256号" not in page
    page = clerk.get("/batches?q=黑财指").get_data(as_text=True)
    assert "黑财指（社）〔2023〕256号" in page and "新财社〔2024〕24号" not in page
    page = clerk.get("/batches?issuer=新疆维吾尔自治区财政厅").get_data(as_text=True)
    assert "新财社〔2024〕24号" in page and "黑财指" not in page
    page = clerk.get("/batches?q=没有这样的批次").get_data(as_text=True)
    assert "没有符合条件的批次" in page


def test_a_spec_that_cannot_load_is_a_row_with_errors(clerk, spec_root):
    (spec_root / "examples" / "broken.yaml").write_text("kind: batch\nnotice: [unclosed\n", encoding="utf-8")
    resp = clerk.get("/batches")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    row = page[page.index("examples/broken.yaml"):][:600]
    assert "有错误" in row and "未提交" in row


def test_copy_as_next_batch_keeps_amounts_and_commits_as_the_clerk(clerk, spec_root):
    resp = clerk.post("/new/copy", data={"source": "examples/demo-2025.yaml", "seq": "99", "year": "2026",
                                         "print_date": "2026-07-01", "keep_amounts": "1",
                                         "name": "2026/demo-next"})
    assert resp.status_code == 302 and "created=2026/demo-next.yaml" in resp.headers["Location"]
    path = spec_root / "2026" / "demo-next.yaml"
    text = path.read_text(encoding="utf-8")
    assert "profile: ../profiles/demo-profile.yaml" in text and "seq: 99" in text
    assert check_spec(path).errors == []
    assert git_author(spec_root, "2026/demo-next.yaml") == "clerk"
    page = clerk.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已新建并保存「2026/demo-next.yaml」" in page and "示财社〔2026〕99号" in page


def test_copy_with_amounts_cleared_says_how_many_are_to_fill(clerk, spec_root):
    resp = clerk.post("/new/copy", data={"source": XINJIANG, "seq": "5", "name": "xj-next.yaml"})
    assert resp.status_code == 302
    page = clerk.get(resp.headers["Location"]).get_data(as_text=True)
    assert re.search(r"还有 \d+ 处金额待填", page)
    assert "有错误" in page  # the blank amounts are errors until filled


@pytest.mark.parametrize("name, message", [("examples/demo-2025.yaml", "已存在"), ("../x.yaml", "文件名只能用"),
                                           (".hidden.yaml", "文件名只能用")])
def test_bad_file_names_are_refused(clerk, name, message):
    resp = clerk.post("/new/copy", data={"source": "examples/demo-2025.yaml", "seq": "1", "name": name})
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)


def test_new_batch_from_the_form(clerk, spec_root):
    resp = clerk.post("/new/form", data={"profile": "profiles/demo-profile.yaml",
                                         "registry": "registries/demo-registry.yaml", "year": "2026", "seq": "3",
                                         "program": "测试资金", "print_date": "2026-02-01",
                                         "projects": "项目甲\r\n项目乙\r\n", "name": "new/test-2026-3"})
    assert resp.status_code == 302
    path = spec_root / "new" / "test-2026-3.yaml"
    assert check_spec(path).errors == []
    assert "{id: p2, name: 项目乙}" in path.read_text(encoding="utf-8")
    resp = clerk.post("/new/form", data={"profile": "profiles/demo-profile.yaml",
                                         "registry": "registries/demo-registry.yaml", "year": "2026", "seq": "3",
                                         "program": "", "print_date": "2026-02-01", "projects": "", "name": "x"})
    assert resp.status_code == 422 and "至少填写一个项目名称" in resp.get_data(as_text=True)


def upload(clerk, data: bytes, **fields):
    values = {"base": XINJIANG, "seq": "30", "year": "2025", "print_date": "2025-04-01", "name": "xj-imported",
              **fields}
    return clerk.post("/new/import", data={**values, "xlsx": (io.BytesIO(data), "分配表.xlsx")},
                      content_type="multipart/form-data")


def confirm_fields(html: str) -> dict:
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    for name, value in re.findall(r'<select name="(row-\d+)"[^>]*>\s*<option value="([^"]*)"', html):
        fields[name] = value  # the first choice, as a browser submits an untouched select
    return fields


def test_import_shows_matches_then_saves_into_a_copy_of_the_base(clerk, spec_root):
    resp = upload(clerk, attachment1("xinjiang-2024-24"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "尚未保存" in page
    assert "项目「原基本公共卫生项目」" in page and "合计列·提前下达（核对用）" in page
    assert "所有行都按编码或名称与单位名录一一对应" in page and "（0 处不符）" in page
    assert not (spec_root / "xj-imported.yaml").exists()
    resp = clerk.post("/new/import/confirm", data={**confirm_fields(page), "action": "save"})
    assert resp.status_code == 302
    path = spec_root / "xj-imported.yaml"
    report = check_spec(path)
    assert report.errors == [] and report.derived.batch.notice.doc_seq == 30
    assert "{unit: 天山区, basic: 316, elderly: 15, advance: 288}" in path.read_text(encoding="utf-8")


def test_import_with_a_close_name_and_a_bad_total_asks_before_saving(clerk, spec_root):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(attachment1("xinjiang-2024-24")), data_only=True)
    sheet = book.worksheets[0]
    sheet["A13"] = "天山区卫健委"
    sheet["B14"] = 367  # 沙依巴克区 原基本公共卫生 366 → 367, totals unchanged
    out = io.BytesIO()
    book.save(out)
    page = upload(clerk, out.getvalue()).get_data(as_text=True)
    assert "天山区卫健委" in page and "天山区（相近名称）" in page
    assert "第 14 行" not in page or "沙依巴克区" in page
    assert re.search(r"（[1-9]\d* 处不符）", page)
    fields = confirm_fields(page)
    assert fields["row-13"] == "?"  # nothing is taken for confirmed until the clerk chooses
    resp = clerk.post("/new/import/confirm", data={**fields, "action": "save"})
    assert resp.status_code == 422 and "未保存" in resp.get_data(as_text=True)
    resp = clerk.post("/new/import/confirm", data={**fields, "row-13": "天山区", "action": "save"})
    assert resp.status_code == 302  # mismatches are shown, not blocking: the rows are the figures of record


def test_preview_page_lists_documents_and_downloads(clerk, spec_root):
    page = clerk.get("/preview/examples/demo-2025.yaml").get_data(as_text=True)
    assert "/preview/examples/demo-2025.yaml/page/0/1" in page and "生成并下载全部文件（zip）" in page
    doc = clerk.get("/preview/examples/demo-2025.yaml/file/0")
    assert doc.status_code == 200 and doc.data.startswith(b"PK") and ".docx" in doc.headers["Content-Disposition"]
    resp = clerk.post("/preview/examples/demo-2025.yaml/zip")
    names = zipfile.ZipFile(io.BytesIO(resp.data)).namelist()
    assert any(n.endswith(".docx") for n in names) and sum(n.endswith(".xlsx") for n in names) == 4
    assert "（clerk）" in clerk.get("/batches").get_data(as_text=True)  # the last build


def test_preview_of_a_batch_with_errors_says_why(clerk, spec_root):
    path = spec_root / "examples" / "demo-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{unit: 甲市第一人民医院, equip: 200}", '{unit: 甲市第一人民医院, equip: "200"}'), encoding="utf-8")
    resp = clerk.get("/preview/examples/demo-2025.yaml")
    assert resp.status_code == 422 and "改正后才能预览和生成" in resp.get_data(as_text=True)
    assert clerk.post("/preview/examples/demo-2025.yaml/zip").status_code == 422
    assert clerk.get("/preview/examples/demo-2025.yaml/file/0").status_code == 404


def test_only_notice_batches_are_offered_for_copying(clerk):
    html = clerk.get("/new").get_data(as_text=True)
    assert 'value="examples/heilongjiang-2023-256.yaml"' in html
    for other in ("agri-dept-2025-book", "haigang-health-budget-2025", "xinjiang-selfeval-2023"):
        assert f'value="examples/{other}.yaml"' not in html, other
