"""Administrators' view of the Word and Excel templates (templates/docx/*.docx, templates/xlsx/*.xlsx): download
one, adjust it in Word or Excel, upload it back. An upload must be a well-formed document of the same kind and
is saved like every edit: only over the version it was downloaded from, as a git commit, with a history."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from lxml import etree

from .auth import admin_required
from .paths import resolve_name
from .store import SpecStore, StaleSave, StoreError, blob_id, is_version

bp = Blueprint("admin_templates", __name__, url_prefix="/admin/templates")
KINDS = {".docx": ("word/document.xml", "Word 文档"), ".xlsx": ("xl/workbook.xml", "Excel 工作簿")}
MAX_PARTS = 2000
MAX_UNPACKED = 100 * 1024 * 1024  # a zip bomb is refused before anything is unpacked


class TemplateError(ValueError):
    """Raised when an uploaded template is not a usable document (message in Chinese)."""


@bp.before_request
@admin_required
def _admins_only():
    """Every view here is for administrators only."""


def template_store() -> SpecStore:
    """The repository holding the templates folder (found, or made on first use)."""
    store = current_app.extensions.get("template_store")
    if store is None:
        store = SpecStore(current_app.config["TEMPLATE_ROOT"], current_app.config["GIT"])
        store.ensure_repo()
        current_app.extensions["template_store"] = store
    return store


def template_files() -> list[str]:
    """The templates an administrator may replace, by name (docx/…, xlsx/…)."""
    root = template_store().root
    found = [p for sub in ("docx", "xlsx") for p in sorted((root / sub).glob("*")) if p.suffix in KINDS]
    return [p.relative_to(root).as_posix() for p in found if p.is_file() and not p.is_symlink()]


def template_file(name: str) -> Path:
    """The template of a name, or 404."""
    if not name.startswith(("docx/", "xlsx/")):
        abort(404)
    return resolve_name(template_store().root, name, tuple(KINDS))


def check_template(data: bytes, suffix: str) -> None:
    """Refuse what is not a well-formed .docx/.xlsx: not a zip, a zip bomb, a missing main part, bad XML."""
    main, label = KINDS[suffix]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise TemplateError("文件解压后过大，不像是模板")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or main not in names:
                raise TemplateError(f"这不是{label}（缺少 {main}）")
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    root = etree.fromstring(zf.read(info), parser)
                    if root.getroottree().docinfo.doctype:  # Office never writes one; entities could expand
                        raise TemplateError(f"{info.filename} 含有 DOCTYPE 声明，不像是 Office 文档")
    except (zipfile.BadZipFile, EOFError) as e:
        raise TemplateError(f"这不是{label}（不是有效的压缩包）") from e
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"文件中的 XML 有错误：{e.msg}") from e


@bp.get("/")
def index():
    """The templates with their current versions and an upload form for each."""
    rows = [(name, blob_id(template_file(name).read_bytes())) for name in template_files()]
    return render_template("admin_templates.html", rows=rows, message=request.args.get("m"),
                           history=lambda n: url_for("admin_templates.history", name=n))


@bp.get("/<path:name>")
def download(name: str):
    """The template file itself."""
    path = template_file(name)
    return send_file(path, as_attachment=True, download_name=path.name)


@bp.post("/<path:name>")
def upload(name: str):
    """Replace a template with an upload, if it is a good document and the template did not change meanwhile."""
    path = template_file(name)
    file, base = request.files.get("template"), request.form.get("version", "")
    if file is None or not file.filename or not is_version(base):
        abort(400, description="请选择要上传的文件。")
    data = file.read()
    try:
        check_template(data, path.suffix)
        template_store().replace(path, data, base, current_user.name, f"{template_store().rel(path)}：替换模板")
    except TemplateError as e:
        return _index_with(f"未保存：{name}：{e}"), 422
    except StaleSave as e:
        return _index_with(f"{e}（{name}）"), 409
    return redirect(url_for("admin_templates.index", m=f"已替换 {name}。"))


def _index_with(message: str):
    rows = [(n, blob_id(template_file(n).read_bytes())) for n in template_files()]
    return render_template("admin_templates.html", rows=rows, message=message,
                           history=lambda n: url_for("admin_templates.history", name=n))


@bp.get("/<path:name>/history")
def history(name: str):
    """The versions of a template (binary: no diff, but each can be restored)."""
    path = template_file(name)
    store = template_store()
    versions = store.history(path, 0, current_app.config["HISTORY_PAGE_SIZE"])
    return render_template("history.html", name=name, versions=versions, page=0, more=False,
                           current=blob_id(path.read_bytes()),
                           restore_url=url_for("admin_templates.restore", name=name),
                           back_url=url_for("admin_templates.index"))


@bp.post("/<path:name>/restore")
def restore(name: str):
    """Make an older version of a template the newest one."""
    path = template_file(name)
    try:
        template_store().restore(path, request.form.get("commit", ""), request.form.get("version", ""),
                                 current_user.name)
    except StaleSave as e:
        return _index_with(str(e)), 409
    except StoreError as e:
        abort(404, description=str(e))
    return redirect(url_for("admin_templates.history", name=name))
