"""Clerks' views of batches: the listing, the edit page, download, upload, history and restore."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from generator.errors import GeneratorError
from generator.pipeline import check_spec, render_spec
from generator.spec import load_batch
from generator.spec_edit import INPUT_LABELS, NOTICE_FIELDS, SpecText, allocation_grid
from generator.writer import zip_bytes

from . import spec_store
from .batch_list import render_list
from .fields import describe_edit
from .forms import apply_form, clerk_changes
from .paths import relative_name, resolve_batch
from .store import SpecFile, StaleSave, StoreError, decode, is_version

bp = Blueprint("batches", __name__)


def spec_root() -> Path:
    """The folder of batch specs."""
    return Path(current_app.config["SPEC_ROOT"]).resolve()


@bp.get("/")
def index():
    """The front page is the batches page (web/batch_list.py)."""
    return render_list()


@bp.route("/spec/<path:name>", methods=["GET", "POST"])
def edit(name: str):
    """The edit page; a POST saves the form (or the raw YAML) if the file is still at the form's version."""
    path = resolve_batch(spec_root(), name)
    store = spec_store()
    if request.method != "POST":
        return show_spec(name, path, _read(store, path))
    base = request.form.get("version", "")
    if not is_version(base):
        abort(400, description="表单缺少版本信息（页面可能不完整），请刷新页面后重新填写。")
    how = "（直接编辑 YAML）" if request.form.get("action") == "yaml" else ""
    try:
        commit = store.save(path, base, lambda current: apply_form(current.text, request.form),
                            current_user.name, lambda old, new: describe_edit(name, old, new, how))
    except StaleSave as e:
        base_bytes = store.blob(base)
        base_text = decode(base_bytes, name).text if base_bytes is not None else None
        return show_spec(name, path, e.current, str(e), conflict=e.diff,
                         mine=clerk_changes(request.form, base_text)), 409
    except GeneratorError as e:
        current = _read(store, path)
        return show_spec(name, path, current, f"未保存：{e}", mine=clerk_changes(request.form, current.text)), 422
    message = "已保存。" if commit else "没有改动，未保存。"
    return show_spec(name, path, _read(store, path), message)


def _checked(path: Path):
    """The spec's report, or None when checking crashed (logged): the page still opens."""
    try:
        return check_spec(path)
    except Exception:  # noqa: BLE001 - any loader crash is this batch's failure, logged with its traceback
        current_app.logger.exception("checking %s failed", path)
        return None


def _read(store, path: Path) -> SpecFile:
    try:
        return store.read(path)
    except StoreError as e:
        abort(422, description=str(e))


@bp.post("/spec/<path:name>/download")
def download(name: str):
    """The batch's documents as one zip, or the edit page with the problems."""
    path = resolve_batch(spec_root(), name)
    report, files = render_spec(path)
    if not report.ok:  # back to the editor the button is on, with the problems at their fields
        from .editor import render_editor

        return render_editor(name, path, _read(spec_store(), path), "notice", "有错误，未生成。"), 422
    return send_file(io.BytesIO(zip_bytes(files)), mimetype="application/zip", as_attachment=True,
                     download_name=f"{path.stem}.zip")


@bp.post("/upload")
def upload():
    """Check an uploaded spec and return its documents; its relative references resolve from UPLOAD_FOLDER."""
    file = request.files.get("spec")
    if file is None or not file.filename:
        return render_list("请选择一个 YAML 批次文件。", 400)
    shown = upload_name(file.filename)
    try:
        text = decode(file.read(), shown).text
    except StoreError as e:
        return render_list(str(e), 422)
    folder = (spec_root() / current_app.config["UPLOAD_FOLDER"]).resolve()
    report, files = render_spec(folder / shown, text)
    if not report.ok:
        return render_template("report.html", name=shown, report=report), 422
    return send_file(io.BytesIO(zip_bytes(files)), mimetype="application/zip", as_attachment=True,
                     download_name=f"{Path(shown).stem}.zip")


def upload_name(filename: str) -> str:
    """An uploaded file's name for messages: its last part only, without control characters, as .yaml."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip(" .")[:100] or "upload.yaml"
    return base if base.lower().endswith((".yaml", ".yml")) else base + ".yaml"


@bp.get("/spec/<path:name>/history")
def history(name: str):
    """Every saved version of the batch, newest first, with its diff and a button to restore it."""
    path = resolve_batch(spec_root(), name)
    store = spec_store()
    page = max(0, request.args.get("page", 0, type=int))
    size = current_app.config["HISTORY_PAGE_SIZE"]
    versions = store.history(path, page * size, size + 1)
    return render_template("history.html", name=name, versions=versions[:size], page=page,
                           more=len(versions) > size, current=_read(store, path).version,
                           restore_url=url_for("batches.restore", name=name),
                           back_url=url_for("editor.edit", name=name))


@bp.post("/spec/<path:name>/restore")
def restore(name: str):
    """Make an older version the newest one (a new commit); refused if the file moved on meanwhile."""
    path = resolve_batch(spec_root(), name)
    store = spec_store()
    try:
        store.restore(path, request.form.get("commit", ""), request.form.get("version", ""), current_user.name)
    except StaleSave as e:
        return show_spec(name, path, e.current, str(e), conflict=e.diff), 409
    except StoreError as e:
        abort(404, description=str(e))
    return redirect(url_for("batches.history", name=name))


def show_spec(name: str, path: Path, current: SpecFile, message: str | None = None, conflict: str | None = None,
              mine: dict | None = None):
    """The edit page: form fields (inherited values as hints), allocation grid, raw YAML, the check report.

    `mine` holds a refused submit's changed fields, shown instead of the file's values so nothing typed is lost.
    """
    spec = SpecText(current.text) if _is_yaml(current.text) else None
    batch, _ = _loaded(path)
    fields = []
    for key_path, label in NOTICE_FIELDS:
        value = spec.get(key_path) if spec else None
        hint = inherited_value(batch, key_path) if value is None and batch else None
        fields.append(("/".join(key_path), label, value or "", f"沿用配置：{hint}" if hint else ""))
    projects, grid, unit_advance = allocation_grid(spec) if spec else ([], [], False)
    return render_template("spec.html", name=name, fields=fields, projects=projects, grid=grid,
                           unit_advance=unit_advance, measures=INPUT_LABELS, yaml=current.text,
                           version=current.version, report=_checked(path), message=message,
                           conflict=conflict, mine=mine or {}, history_url=url_for("batches.history", name=name),
                           rel=relative_name(spec_root(), path))


def _is_yaml(text: str) -> bool:
    try:
        SpecText(text)
    except GeneratorError:
        return False
    return True


def _loaded(path: Path):
    try:
        return load_batch(path)
    except Exception:  # noqa: BLE001 - the page still opens so the YAML can be fixed; checked() logs the cause
        return None, []


def inherited_value(batch, key_path: tuple[str, ...]) -> str | None:
    """What a notice field is when the batch does not set it (from the issuer profile), for a hint."""
    attr = {"disclosure": "disclosure", "copies": "copies", "sign_date": "sign_date", "batch_label": "batch_label"}
    value = getattr(batch.notice, attr.get(key_path[-1], ""), None) if len(key_path) == 2 else None
    return None if value in (None, "") else str(value)
