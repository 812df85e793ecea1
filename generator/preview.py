"""Page images of rendered documents for the web preview: the warm LibreOffice pool (pdf.WarmConverter)
→ PDF → `pdftoppm` PNG, one page at a time, on demand, cached by the document's content hash.

The same bytes always give the same pages, so the cache key is the sha256 of the document; two clients
asking for the same document at once wait for one conversion. Also says whether the 公文 fonts are the
licensed ones or substitutes (fonts/fontconfig), because a preview with substitutes can break lines and
pages differently from Word.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from functools import cache
from pathlib import Path

from .errors import PdfError
from .pdf import WarmConverter
from .soffice import write_fontconfig

# The fonts our templates name (GB/T 9704 公文) → what a clerk's Word expects to find installed.
LICENSED_FONTS = ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312")
PREVIEW_DPI = 80
SUFFIXES = (".docx", ".xlsx")


def content_key(data: bytes) -> str:
    """The cache key of a document: sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


class Previewer:
    """Converts documents to PDF through a lazily started warm pool and renders their pages as PNG."""

    def __init__(self, cache_dir: Path, pool_size: int = 1, dpi: int = PREVIEW_DPI, timeout: float = 120.0):
        self.cache_dir = Path(cache_dir)
        self.pool_size, self.dpi, self.timeout = pool_size, dpi, timeout
        self._pool: WarmConverter | None = None
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}

    def close(self) -> None:
        """Stop the LibreOffice processes (the cache stays)."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def warm(self) -> None:
        """Start the LibreOffice processes now, so that the first page asked for is converted warm."""
        self._converter()

    def _converter(self) -> WarmConverter:
        with self._lock:
            if self._pool is None:
                pool = WarmConverter(self.pool_size, timeout=self.timeout)
                pool.__enter__()
                self._pool = pool
            return self._pool

    def _key_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def pdf(self, name: str, data: bytes) -> Path:
        """The PDF of a .docx or .xlsx (converted once per content)."""
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            raise PdfError(f"「{name}」不是 Word 或 Excel 文件，无法预览")
        key = content_key(data)
        folder = self.cache_dir / key[:2] / key
        target = folder / "doc.pdf"
        with self._key_lock(key):
            if target.is_file():
                return target
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                src = Path(tmp) / f"doc{suffix}"
                src.write_bytes(data)
                out = self._converter().convert([src], Path(tmp) / "out")
                shutil.move(out[0], target)  # the cache only ever holds finished PDFs
        return target

    def page_count(self, name: str, data: bytes) -> int:
        """How many pages the document has in LibreOffice."""
        pdf = self.pdf(name, data)
        counted = pdf.with_suffix(".pages")
        if counted.is_file():
            return int(counted.read_text())
        info = _run(["pdfinfo", str(pdf)])
        match = re.search(r"^Pages:\s+(\d+)", info, re.M)
        if not match:
            raise PdfError(f"无法读取「{name}」的页数")
        counted.write_text(match.group(1))
        return int(match.group(1))

    def first_page_png(self, name: str, data: bytes) -> bytes:
        """Page 1 quickly: from the full PDF when cached, else from the document's first section alone."""
        if (self.cache_dir / content_key(data)[:2] / content_key(data) / "doc.pdf").is_file() \
                or not name.lower().endswith(".docx"):
            return self.page_png(name, data, 1)
        head = first_section(data)
        return self.page_png(name, head, 1)

    def page_png(self, name: str, data: bytes, page: int) -> bytes:
        """One page (1-based) as PNG; PdfError in Chinese for a page the document does not have."""
        count = self.page_count(name, data)
        if not 1 <= page <= count:
            raise PdfError(f"「{name}」共 {count} 页，没有第 {page} 页")
        pdf = self.pdf(name, data)
        png = pdf.parent / f"page-{page}-{self.dpi}.png"
        with self._key_lock(content_key(data)):
            if not png.is_file():
                stem = pdf.parent / f"tmp-{page}-{threading.get_ident()}"
                _run(["pdftoppm", "-png", "-singlefile", "-r", str(self.dpi), "-f", str(page), "-l", str(page),
                      str(pdf), str(stem)])
                stem.with_suffix(".png").replace(png)
        return png.read_bytes()


def first_section(data: bytes) -> bytes:
    """A copy of a .docx holding only its first section (the notice before its attachments).

    Page 1 depends only on what comes before its end, so this copy gives the same first page in a
    fraction of the time of a 78-page document with inline attachment tables. Cut on the text (the
    first paragraph that ends a section takes its w:sectPr to the end of the body): parsing a 1.5 MB
    document.xml costs more than converting the cut. A document without that mark is returned whole.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        xml = src.read("word/document.xml")
        end = xml.find(b"</w:sectPr></w:pPr>")
        para = max(xml.rfind(b"<w:p>", 0, end), xml.rfind(b"<w:p ", 0, end)) if end > 0 else -1
        sect = xml.rfind(b"<w:sectPr", para, end) if para > 0 else -1
        if sect < 0 or b"<w:body>" not in xml[:para]:
            return data
        cut = xml[:para] + xml[sect:end + len(b"</w:sectPr>")] + b"</w:body></w:document>"
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                dst.writestr(item, cut if item.filename == "word/document.xml" else src.read(item.filename))
        return out.getvalue()


def _run(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
    except FileNotFoundError as e:
        raise PdfError(f"找不到 {args[0]}（poppler-utils 未安装）") from e
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise PdfError(f"{args[0]} 失败：{getattr(e, 'stderr', '') or e}") from e
    return done.stdout


@cache
def font_substitutes() -> tuple[tuple[str, str], ...]:
    """(licensed font, what LibreOffice will use) for each 公文 font that is not installed itself."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FONTCONFIG_FILE": str(write_fontconfig(Path(tmp))), "PATH": "/usr/bin:/bin"}
        out = []
        for font in LICENSED_FONTS:
            try:
                done = subprocess.run(["fc-match", "-f", "%{family[0]}", f"{font}:lang=zh-cn"], capture_output=True,
                                      text=True, timeout=30, env=env, check=True)
            except (OSError, subprocess.SubprocessError):
                out.append((font, "未知（fc-match 不可用）"))
                continue
            if done.stdout.strip() != font:
                out.append((font, done.stdout.strip()))
        return tuple(out)


def substitute_note() -> str:
    """The Chinese note the preview shows when substitute fonts are used, or ""."""
    subs = font_substitutes()
    if not subs:
        return ""
    pairs = "，".join(f"{font} → {used}" for font, used in subs)
    return (f"本机未安装公文字体，预览使用替代字体（{pairs}）：换行和页数可能与安装正式字体的 Word 不同，"
            "仅供核对内容。")
