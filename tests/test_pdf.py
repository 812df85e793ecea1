"""PDF conversion through LibreOffice (cold and warm), restarts, and the 公文 font aliases."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from generator.errors import PdfError
from generator.pdf import (
    WarmConverter,
    convert_cold,
    find_soffice,
    libreoffice_available,
    write_fontconfig,
)
from generator.soffice import find_uno_python


def _uno_python_found() -> bool:
    try:
        find_uno_python()
    except PdfError:
        return False
    return True


needs_soffice = pytest.mark.skipif(
    not libreoffice_available() or not shutil.which("pdftotext"),
    reason="LibreOffice (soffice) or poppler-utils (pdftotext) not installed",
)
needs_warm = pytest.mark.skipif(
    not libreoffice_available()
    or not shutil.which("pdftotext")
    or not _uno_python_found(),
    reason="LibreOffice, poppler-utils or python3-uno (a Python with `uno`) not installed",
)

# Requested family → the family our alias config must give, per fc-match.
FONT_MAP = {
    "仿宋_GB2312": "AR PL SungtiL GB",
    "仿宋": "AR PL SungtiL GB",
    "FangSong": "AR PL SungtiL GB",
    "方正小标宋简体": "Noto Serif CJK SC",
    "小标宋": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "SimHei": "Noto Sans CJK SC",
    "楷体_GB2312": "AR PL KaitiM GB",
    "楷体": "AR PL KaitiM GB",
    "KaiTi": "AR PL KaitiM GB",
    "宋体": "Noto Serif CJK SC",
    "SimSun": "Noto Serif CJK SC",
}
# Family used in the test document → what pdffonts shows for its substitute.
EMBEDDED = {
    "方正小标宋简体": "NotoSerifCJK",
    "仿宋_GB2312": "BousungEG-Light-GB",
    "黑体": "NotoSansCJK",
    "楷体_GB2312": "GBZenKai-Medium",
}


def make_docx(path: Path, lines: list[tuple[str, str]]) -> Path:
    """A .docx with one paragraph per (font, text), the font set for East Asian text too."""
    doc = Document()
    for font, text in lines:
        run = doc.add_paragraph().add_run(text)
        run.font.name = font
        run.font.size = Pt(16)
        run._element.get_or_add_rPr().rFonts.set(qn("w:eastAsia"), font)
    doc.save(path)
    return path


def pdf_text(path: Path) -> str:
    """The text of a PDF, whitespace removed (pdftotext breaks lines where it likes)."""
    out = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return "".join(out.split())


def notices(folder: Path, count: int) -> list[Path]:
    """count small notices with distinct Chinese text."""
    return [
        make_docx(
            folder / f"通知{n}.docx",
            [("仿宋_GB2312", f"关于下达第{n}批财政资金的通知：资金达费骨次底")],
        )
        for n in range(count)
    ]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def warm():
    with WarmConverter(size=1, timeout=60) as converter:
        yield converter


@needs_warm
def test_warm_converts_docx_with_chinese_text(warm, tmp_path):
    sources = notices(tmp_path, 2)
    pdfs = warm.convert(sources, tmp_path / "out")
    assert [p.name for p in pdfs] == ["通知0.pdf", "通知1.pdf"]
    for n, pdf in enumerate(pdfs):
        assert f"关于下达第{n}批财政资金的通知" in pdf_text(pdf)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "通知0.pdf",
        "通知1.pdf",
    ]


@needs_warm
def test_warm_converts_xlsx_and_computes_formulas(warm, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位", "本次下达"])
    sheet.append(["甲县", 1200])
    sheet.append(["乙县", 34])
    sheet.append(["合计", "=SUM(B2:B3)"])  # openpyxl stores no cached value
    book.save(tmp_path / "分配表.xlsx")
    [pdf] = warm.convert([tmp_path / "分配表.xlsx"], tmp_path / "out")
    assert pdf_text(pdf).endswith("1234")  # the SUM, computed by LibreOffice


@needs_warm
def test_warm_reports_every_bad_file_and_converts_the_rest(warm, tmp_path):
    (tmp_path / "坏.docx").write_bytes(b"PK not really a docx")
    good = notices(tmp_path, 1)[0]
    with pytest.raises(PdfError) as caught:
        warm.convert([tmp_path / "坏.docx", good], tmp_path / "out")
    message = str(caught.value)
    assert "1 个文件未能转换为 PDF" in message
    assert "坏.docx" in message
    assert (tmp_path / "out" / "通知0.pdf").is_file()
    assert not (tmp_path / "out" / "坏.pdf").exists()


def test_missing_inputs_and_clashing_names_reported_at_once(tmp_path):
    (tmp_path / "a.docx").write_bytes(b"")
    (tmp_path / "a.xlsx").write_bytes(b"")
    with pytest.raises(PdfError) as caught:
        convert_cold(
            [tmp_path / "none.docx", tmp_path / "a.docx", tmp_path / "a.xlsx"], tmp_path
        )
    assert "none.docx: 文件不存在" in str(caught.value)
    assert "都会输出为 a.pdf" in str(caught.value)


@needs_warm
def test_killed_office_is_restarted(tmp_path):
    sources = notices(tmp_path, 8)
    with WarmConverter(size=1, timeout=30) as converter:
        converter.convert(sources[:1], tmp_path / "a")
        [first] = converter.pids()
        os.killpg(first, signal.SIGKILL)  # dies between documents
        assert len(converter.convert(sources[:2], tmp_path / "b")) == 2
        assert converter.restarts() == 1
        [second] = converter.pids()
        assert second != first

        def kill_soon():
            time.sleep(0.3)
            os.killpg(second, signal.SIGKILL)

        killer = threading.Thread(target=kill_soon)
        killer.start()  # dies in the middle of a batch
        pdfs = converter.convert(sources, tmp_path / "c")
        killer.join()
        assert len(pdfs) == 8
        assert all("资金达费" in pdf_text(p) for p in pdfs)
        assert converter.restarts() == 2


@needs_warm
def test_hung_office_times_out_and_is_restarted(tmp_path):
    sources = notices(tmp_path, 2)
    with WarmConverter(size=1, timeout=5) as converter:
        [hung] = converter.pids()
        os.killpg(hung, signal.SIGSTOP)
        started = time.monotonic()
        pdfs = converter.convert(sources, tmp_path / "out")
        assert len(pdfs) == 2
        assert time.monotonic() - started < 30
        assert converter.restarts() == 1
        assert not alive(hung)


@needs_warm
def test_close_ends_processes_and_removes_temp_files(tmp_path):
    with WarmConverter(size=2) as converter:
        pids = converter.pids()
        roots = {o.root for o in converter._offices}
        sockets = [
            Path(f"/tmp/OSL_PIPE_{os.getuid()}_{o.pipe}") for o in converter._offices
        ]
        assert len(pids) == 2 and all(alive(p) for p in pids)
        assert all(s.exists() for s in sockets)
    assert not any(alive(p) for p in pids)
    assert not any(r.exists() for r in roots)
    assert not any(s.exists() for s in sockets)


@needs_soffice
def test_cold_converts_each_file(tmp_path):
    sources = notices(tmp_path, 1)
    [pdf] = convert_cold(sources, tmp_path / "out")
    assert "关于下达第0批财政资金的通知" in pdf_text(pdf)


def test_unavailable_libreoffice_has_a_chinese_message(monkeypatch):
    monkeypatch.delenv("SOFFICE", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert not libreoffice_available()
    with pytest.raises(PdfError, match="未找到 LibreOffice"):
        find_soffice()


def _fc_match(family: str, conf: Path) -> str:
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    return subprocess.run(
        ["fc-match", "-f", "%{family[0]}", f"{family}:lang=zh-cn"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout


@pytest.mark.skipif(
    not shutil.which("fc-match"), reason="fontconfig (fc-match) not installed"
)
@pytest.mark.parametrize(("family", "substitute"), FONT_MAP.items())
def test_font_aliases_resolve_to_substitutes(family, substitute, tmp_path):
    installed = subprocess.run(
        ["fc-list", substitute, "family"], check=True, capture_output=True, text=True
    ).stdout
    if not installed:
        pytest.skip(f"{substitute} not installed (fonts-noto-cjk / fonts-arphic-*)")
    assert _fc_match(family, write_fontconfig(tmp_path)) == substitute


@needs_warm
@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_pdf_embeds_the_substitute_fonts(warm, tmp_path):
    source = make_docx(
        tmp_path / "fonts.docx", [(font, f"{font}：财政资金下达") for font in EMBEDDED]
    )
    [pdf] = warm.convert([source], tmp_path / "out")
    listing = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    for font, embedded in EMBEDDED.items():
        assert embedded in listing, f"{font} should render as {embedded}:\n{listing}"
    assert "NotoSerifCJKjp-Bold" in listing  # 小标宋 → the Bold weight


@needs_warm
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_pdf_prints_nothing_after_its_summary_and_leaves_no_temp_files(tmp_path, jobs):
    """At exit the converter is stopped without new threads (no `cannot schedule new futures` at shutdown), in the
    main process and in pool workers alike, and its gongwen-pdf-* folder is gone."""
    root = Path(__file__).resolve().parent.parent
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(root / "tests" / "data" / "mini.yaml", specs / name)
    temp = tmp_path / "temp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    done = subprocess.run(["python", "-m", "generator", "build", str(specs), "-o", str(tmp_path / "out"), "--pdf",
                           "-j", jobs], cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines()[-1].startswith("共 2 个批次：成功 2")
    assert list(temp.iterdir()) == []
    for batch in ("a", "b"):
        assert len(list((tmp_path / "out" / batch / "pdf").glob("*.pdf"))) == 1
