"""Administrators' views: issuer profiles and unit registries (in the spec root) and target-table layouts,
edited as YAML with the same versions, git commits and history as batches."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from generator.bulk import SHARED_KINDS, spec_kind
from generator.errors import GeneratorError
from generator.spec_edit import SpecText

from . import spec_store
from .auth import admin_required
from .fields import describe_edit
from .forms import refuse_unloadable
from .paths import YAML_SUFFIXES, resolve_name
from .store import SpecStore, StaleSave, StoreError, is_version

bp = Blueprint("admin", __name__, url_prefix="/admin")
AREAS = {"shared": "发文机关配置与单位名册", "layouts": "绩效目标表版式"}


@bp.before_request
@admin_required
def _admins_only():
    """Every view here is for administrators only."""


def area_store(area: str) -> SpecStore:
    """The store of an area: the spec root's repository, or the layouts folder's (found or made on first use)."""
    if area == "shared":
        return spec_store()
    if area != "layouts":
        abort(404)
    store = current_app.extensions.get("layout_store")
    if store is None:
        store = SpecStore(current_app.config["LAYOUT_ROOT"], current_app.config["GIT"], check=refuse_unloadable)
        store.ensure_repo()
        current_app.extensions["layout_store"] = store
    return store


def area_file(area: str, name: str) -> tuple[SpecStore, Path]:
    """The store and the file of a name in an area (shared: only profiles, registries and layouts)."""
    store = area_store(area)
    path = resolve_name(store.root, name)
    if area == "shared" and spec_kind(path) not in SHARED_KINDS:
        abort(404)
    return store, path


def area_files(area: str) -> list[str]:
    """The editable files of an area, by name."""
    root = area_store(area).root
    names = []
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in YAML_SUFFIXES and p.is_file()):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or path.is_symlink():
            continue
        if area == "layouts" or spec_kind(path) in SHARED_KINDS:
            names.append(rel.as_posix())
    return names


@bp.get("/")
def index():
    """The files administrators edit, by area."""
    return render_template("admin_index.html", areas=[(a, label, area_files(a)) for a, label in AREAS.items()])


@bp.route("/<area>/<path:name>", methods=["GET", "POST"])
def edit(area: str, name: str):
    """Edit a shared file as YAML; saved only if still at the form's version, as a commit by the administrator."""
    store, path = area_file(area, name)
    if request.method != "POST":
        return _page(area, name, store, path)
    base, text = request.form.get("version", ""), request.form.get("yaml", "").replace("\r\n", "\n")
    if not is_version(base):
        abort(400, description="表单缺少版本信息（页面可能不完整），请刷新页面后重新填写。")
    try:
        SpecText(text)  # refuse text that is not YAML at all
        commit = store.save(path, base, lambda _current: text, current_user.name,
                            lambda old, new: describe_edit(store.rel(path), old, new, "（管理员）"))
    except StaleSave as e:
        return _page(area, name, store, path, str(e), conflict=e.diff, text=text), 409
    except GeneratorError as e:
        return _page(area, name, store, path, f"未保存：{e}", text=text), 422
    return _page(area, name, store, path, "已保存。" if commit else "没有改动，未保存。")


def _page(area, name, store, path, message=None, conflict=None, text=None):
    try:
        current = store.read(path)
    except StoreError as e:
        abort(422, description=str(e))
    return render_template("admin_edit.html", area=area, area_label=AREAS[area], name=name, message=message,
                           conflict=conflict, yaml=current.text if text is None else text, version=current.version,
                           history_url=url_for("admin.history", area=area, name=name))


@bp.get("/<area>/<path:name>/history")
def history(area: str, name: str):
    """The versions of a shared file with their diffs."""
    store, path = area_file(area, name)
    page = max(0, request.args.get("page", 0, type=int))
    size = current_app.config["HISTORY_PAGE_SIZE"]
    versions = store.history(path, page * size, size + 1)
    return render_template("history.html", name=name, versions=versions[:size], page=page, more=len(versions) > size,
                           current=store.read(path).version,
                           restore_url=url_for("admin.restore", area=area, name=name),
                           back_url=url_for("admin.edit", area=area, name=name))


@bp.post("/<area>/<path:name>/restore")
def restore(area: str, name: str):
    """Make an older version of a shared file the newest one."""
    store, path = area_file(area, name)
    try:
        store.restore(path, request.form.get("commit", ""), request.form.get("version", ""), current_user.name)
    except StaleSave as e:
        return _page(area, name, store, path, str(e), conflict=e.diff), 409
    except StoreError as e:
        abort(404, description=str(e))
    return redirect(url_for("admin.history", area=area, name=name))
