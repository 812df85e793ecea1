"""Preview before generating: the notice and each attachment as page images (warm LibreOffice pool, pages
rendered on demand and cached by content), page counts, the substitute-font note, and downloads of each
document, of each PDF, of all PDFs and of the zip."""

from __future__ import annotations

import atexit
import hashlib
import io
import os
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_file

from generator.errors import GeneratorError, PdfError
from generator.pipeline import render_spec
from generator.preview import Previewer, content_key, substitute_note
from generator.writer import zip_bytes

from .batch_list import record_build, spec_root
from .paths import resolve_batch

bp = Blueprint("preview", __name__)
_RENDERED: OrderedDict[str, tuple] = OrderedDict()
_RENDER_LOCK = threading.Lock()
_RENDERING: dict[str, threading.Lock] = {}
_ZIPS: dict[str, bytes] = {}
_DIGESTS: dict[str, tuple] = {}  # spec path → ((mtime, size, inode), sha256 of its bytes, its references)
_KEEP = 4  # rendered batches kept in memory (a seed-000 set is about 1 MB)
MIME = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def previewer() -> Previewer:
    """The app's previewer (one warm pool per process, started on the first page asked for)."""
    ext = current_app.extensions
    with _RENDER_LOCK:
        if "previewer" not in ext:
            folder = Path(current_app.config.get("INSTANCE_PATH") or current_app.instance_path) / "preview-cache"
            ext["previewer"] = Previewer(folder, current_app.config.get("PREVIEW_POOL_SIZE", 1))
            # Stop LibreOffice before the interpreter refuses new threads at exit (the pool stops its
            # processes from worker threads); atexit handlers run too late for that.
            getattr(threading, "_register_atexit", atexit.register)(ext["previewer"].close)
        return ext["previewer"]


def warm_previews(app) -> None:
    """Start the app's LibreOffice pool in the background (a server process does this at start; the first
    clerk to open a preview then waits for one conversion, not for LibreOffice to start)."""
    from generator.soffice import libreoffice_available

    if not app.config.get("PREVIEW_WARM", True) or not libreoffice_available():
        return

    def start():
        with app.app_context():
            try:
                previewer().warm()
            except Exception:  # noqa: BLE001 - a preview then starts the pool itself, or shows its 503 page
                app.logger.exception("starting LibreOffice for previews failed")

    threading.Thread(target=start, name="warm-previews", daemon=True).start()


def rendered(path: Path, key: str | None = None):
    """(report, {name: bytes}) of a batch, rendered once per input and kept in memory.

    The documents are a pure function of the spec, the profile and registry it names, the layouts and the
    code, so the key covers the first four (the code does not change while the server runs). Clerks asking
    for the same batch at once wait for one render instead of rendering it side by side.
    """
    key = key or render_key(path)
    with _RENDER_LOCK:
        if key in _RENDERED:
            _RENDERED.move_to_end(key)
            return _RENDERED[key]
        lock = _RENDERING.setdefault(key, threading.Lock())
    with lock:
        with _RENDER_LOCK:
            if key in _RENDERED:
                return _RENDERED[key]
        result = render_spec(path)
        with _RENDER_LOCK:
            _RENDERED[key] = result
            _RENDERING.pop(key, None)
            while len(_RENDERED) > _KEEP:
                _RENDERED.popitem(last=False)
    return result


def render_key(path: Path) -> str:
    """What a render depends on: the spec's bytes, the profile/registry it names, every layout file's stamp
    (the administrators' layouts and the YAML files in the spec's own folder tree, where a spec's own layouts
    live). The spec's digest and references are kept per (mtime, size, inode), so an unchanged spec is not
    read and hashed again on every download."""
    from .batch_list import _REF

    st = path.stat()
    sig = (st.st_mtime_ns, st.st_size, st.st_ino)
    with _RENDER_LOCK:
        known = _DIGESTS.get(str(path))
    if known is None or known[0] != sig:
        data = path.read_bytes()
        refs = [ref for _, ref in _REF.findall(data.decode("utf-8", "replace"))]
        known = (sig, hashlib.sha256(data).hexdigest(), refs)
        with _RENDER_LOCK:
            _DIGESTS[str(path)] = known
            while len(_DIGESTS) > 256:
                _DIGESTS.pop(next(iter(_DIGESTS)))
    layouts = str(current_app.config.get("LAYOUT_ROOT", spec_root()))
    stamps = [_stamp(os.path.join(path.parent, ref)) for ref in known[2]]
    stamps += _yaml_stamps(layouts) + _yaml_stamps(str(path.parent))
    return hashlib.sha256(repr((str(path), known[1], stamps)).encode()).hexdigest()


def _yaml_stamps(folder: str) -> list[tuple]:
    """Stamps of every .yaml file under a folder, hidden folders (.git) left out; [] when it is no folder."""
    out = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [_stamp(os.path.join(top, f)) for f in sorted(files) if f.endswith((".yaml", ".yml"))]
    return out


def _stamp(path: str) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return (path, None)
    return (path, st.st_mtime_ns, st.st_size, st.st_ino)


def documents(name: str) -> tuple[Path, object, list[tuple[str, bytes]]]:
    """The batch's path, report and documents (notice first, then attachments by name)."""
    path, _, report, docs = keyed_documents(name)
    return path, report, docs


def keyed_documents(name: str) -> tuple[Path, str, object, list[tuple[str, bytes]]]:
    """documents() with the render key they were made for."""
    path = resolve_batch(spec_root(), name)
    key = render_key(path)
    report, files = rendered(path, key)
    docs = sorted(files.items(), key=lambda item: (not item[0].endswith(".docx"), item[0]))
    return path, key, report, docs


def _doc(name: str, index: int) -> tuple[str, bytes]:
    _, report, docs = documents(name)
    if not report.ok or not 0 <= index < len(docs):
        abort(404)
    return docs[index]


@bp.get("/preview/<path:name>")
def index(name: str):
    """Every document with its first page, page count when known, and the download buttons."""
    path, report, docs = documents(name)
    pv = previewer()
    cards = []
    for i, (fname, data) in enumerate(docs):
        known = (pv.cache_dir / content_key(data)[:2] / content_key(data) / "doc.pdf").is_file()
        cards.append({"index": i, "name": fname, "key": content_key(data)[:12],
                      "pages": pv.page_count(fname, data) if known else None})
    return render_template("preview.html", name=name, report=report, cards=cards, note=substitute_note(),
                           stem=path.stem), (200 if report.ok else 422)


@bp.get("/preview/<path:name>/doc/<int:index>")
def pages(name: str, index: int):
    """All pages of one document (converted once; the images load as the clerk scrolls)."""
    fname, data = _doc(name, index)
    try:
        count = previewer().page_count(fname, data)
    except PdfError as e:
        abort(503, description=f"无法生成预览：{e}")
    return render_template("preview_pages.html", name=name, index=index, fname=fname, count=count,
                           key=content_key(data)[:12], note=substitute_note())


@bp.get("/preview/<path:name>/page/<int:index>/<int:page>")
def page_image(name: str, index: int, page: int):
    """One page as PNG; page 1 comes from the document's first section when the whole is not converted yet."""
    fname, data = _doc(name, index)
    try:
        png = previewer().first_page_png(fname, data) if page == 1 else previewer().page_png(fname, data, page)
    except PdfError as e:
        current_app.logger.warning("preview of %s failed: %s", fname, e)
        abort(404 if "没有第" in str(e) else 503, description=f"无法生成预览：{e}")
    response = send_file(io.BytesIO(png), mimetype="image/png", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/preview/<path:name>/file/<int:index>")
def document(name: str, index: int):
    """One document as generated."""
    fname, data = _doc(name, index)
    return send_file(io.BytesIO(data), mimetype=MIME.get(Path(fname).suffix, "application/octet-stream"),
                     as_attachment=True, download_name=fname)


@bp.get("/preview/<path:name>/pdf/<int:index>")
def document_pdf(name: str, index: int):
    """One document as PDF (a preview with substitute fonts where the licensed ones are missing)."""
    fname, data = _doc(name, index)
    try:
        pdf = previewer().pdf(fname, data)
    except PdfError as e:
        abort(503, description=f"无法转换为 PDF：{e}")
    return send_file(pdf, mimetype="application/pdf", as_attachment=True, download_name=Path(fname).stem + ".pdf")


@bp.post("/preview/<path:name>/zip")
def download_zip(name: str):
    """All documents as one zip; recorded as the batch's last build."""
    path, key, report, docs = keyed_documents(name)
    if not report.ok:
        abort(422, description="批次有错误，不能生成。请先在编辑页改正。")
    record_build(name)
    return send_file(io.BytesIO(zipped(key, docs)), mimetype="application/zip", as_attachment=True,
                     download_name=f"{path.stem}.zip")


def zipped(key: str, docs: list[tuple[str, bytes]]) -> bytes:
    """The zip of a rendered batch (`key`: its render key), made once per render (zip_bytes is deterministic:
    fixed timestamps)."""
    with _RENDER_LOCK:
        if key in _ZIPS:
            return _ZIPS[key]
    data = zip_bytes(dict(docs))
    with _RENDER_LOCK:
        _ZIPS[key] = data
        while len(_ZIPS) > _KEEP:
            _ZIPS.pop(next(iter(_ZIPS)))
    return data


@bp.post("/preview/<path:name>/pdfs")
def download_pdfs(name: str):
    """Every document as PDF, in one zip."""
    path, report, docs = documents(name)
    if not report.ok:
        abort(422, description="批次有错误，不能生成。请先在编辑页改正。")
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for fname, data in docs:
                zf.writestr(Path(fname).stem + ".pdf", previewer().pdf(fname, data).read_bytes())
    except (PdfError, GeneratorError) as e:
        abort(503, description=f"无法转换为 PDF：{e}")
    return send_file(io.BytesIO(out.getvalue()), mimetype="application/zip", as_attachment=True,
                     download_name=f"{path.stem}-PDF.zip")

