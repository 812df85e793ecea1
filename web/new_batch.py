"""New batch, three ways: a form from an issuer profile and a unit registry, a copy of an earlier batch (下一批),
or an imported .xlsx 分配表 (shown for confirmation — matches, close names, mismatches — before it is saved).

The spec text comes from generator.spec_new / import_xlsx / import_amounts; saving is one git commit by the
clerk through the store. Nothing here parses YAML or adds money up.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from generator.bulk import spec_kind, yaml_files
from generator.errors import GeneratorError
from generator.import_amounts import import_amounts, project_defs, table_columns
from generator.import_xlsx import read_sheet
from generator.pipeline import check_spec
from generator.spec import load_batch
from generator.spec_new import (
    NewBatch,
    NextBatch,
    blank_amounts,
    load_registry,
    new_batch_text,
    next_batch_text,
    replace_allocations,
)

from . import spec_store
from .batch_list import spec_root
from .paths import relative_name, resolve_batch, resolve_name

bp = Blueprint("new_batch", __name__)
_NAME = re.compile(r"^[\w\-\u4e00-\u9fff（）()]+(/[\w\-\u4e00-\u9fff（）()]+)*\.ya?ml$")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class FormError(GeneratorError):
    """A form value the clerk must correct (message in Chinese)."""


@bp.get("/new")
def index():
    """The three ways to start a batch; `source` preselects the batch to copy."""
    return page(source=request.args.get("source", ""))


def page(status: int = 200, **values):
    """The new-batch page with choices from the spec root and the clerk's values kept."""
    root = spec_root()
    files = yaml_files(root)
    kinds = {p: spec_kind(p) for p in files}
    batches = [relative_name(root, p) for p in files if kinds[p] == "batch"]  # a book or report is no 下一批
    profiles = [relative_name(root, p) for p in files if kinds[p] == "profile"]
    registries = [relative_name(root, p) for p in files if kinds[p] == "registry"]
    form = request.form if request.method == "POST" else request.args
    return render_template("new_batch.html", batches=batches, profiles=profiles, registries=registries,
                           form=form, **values), status


@bp.post("/new/form")
def from_form():
    """A new batch from the profile, the registry and the notice fields typed on the form."""
    try:
        target = new_name(request.form.get("name", ""))
        form = NewBatch(_shared("profile"), _shared("registry"), _int("year", "年度"), _int("seq", "发文字号序号"),
                        request.form.get("program", "").strip(), request.form.get("print_date", "").strip(),
                        request.form.get("projects", "").splitlines(), request.form.get("fund_level", "").strip(),
                        request.form.get("batch_label", "").strip())
        text = new_batch_text(form, target)
    except GeneratorError as e:
        return page(422, way="form", error=str(e))
    return save_new(target, text, "按表单新建")


@bp.post("/new/copy")
def copy():
    """下一批: an earlier batch with a new 文号 and dates; amounts and `expected:` kept or cleared."""
    source = resolve_batch(spec_root(), request.form.get("source", ""))
    try:
        target = new_name(request.form.get("name", ""))
        change = NextBatch(_int("seq", "发文字号序号"), _int("year", "年度", required=False),
                           request.form.get("print_date", "").strip(), request.form.get("sign_date", "").strip(),
                           keep_amounts=request.form.get("keep_amounts") == "1",
                           keep_expected=request.form.get("keep_expected") == "1")
        _check_date(change.print_date, "印发日期")
        _check_date(change.sign_date, "成文日期")
        text = next_batch_text(spec_store().read(source).text, change, source, target)
    except GeneratorError as e:
        return page(422, way="copy", error=str(e), source=relative_name(spec_root(), source))
    return save_new(target, text, f"复制 {relative_name(spec_root(), source)} 为下一批")


@bp.post("/new/import")
def import_upload():
    """Step 1 of an import: keep the upload, match it, show the confirmation page (nothing saved yet)."""
    file = request.files.get("xlsx")
    if file is None or not file.filename:
        return page(400, way="import", error="请选择一个 .xlsx 分配表文件。")
    token = secrets.token_hex(16)
    folder = imports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):  # uploads never confirmed are dropped after a day
        if time.time() - old.stat().st_mtime > 86400:
            old.unlink(missing_ok=True)
    (folder / f"{token}.xlsx").write_bytes(file.read())
    return confirm_page(token)


@bp.post("/new/import/confirm")
def import_confirm():
    """Step 2: the clerk's choices for close names applied; saved when nothing stops it, else shown again."""
    token = request.form.get("token", "")
    if request.form.get("action") != "save":
        return confirm_page(token)
    return confirm_page(token, save=True)


def confirm_page(token: str, save: bool = False):
    """Match the kept upload against the registry (and the base batch's projects) and show or save the result."""
    if not _TOKEN.match(token) or not (imports_folder() / f"{token}.xlsx").is_file():
        abort(404)
    data = (imports_folder() / f"{token}.xlsx").read_bytes()
    try:
        target = new_name(request.form.get("name", ""))
        base, registry, projects = _import_base()
        # "?" is the select's 请确认: undecided rows stay as matched (close) or unmatched
        confirmed = {int(k[4:]): (v or None) for k, v in request.form.items()
                     if re.fullmatch(r"row-\d+", k) and v != "?"}
        imported = import_amounts(read_sheet(data, registry, projects, confirmed), registry)
        if base is not None:
            imported.problems += [f"列 {c.letter}「{c.header}」与底稿批次的项目都对不上：请先在底稿中加上这个项目，"
                                  "或不用底稿导入" for c in imported.sheet.columns if c.kind == "money" and c.how == "new"]
        text = _import_text(base, imported, target)
    except GeneratorError as e:
        return page(422, way="import", error=str(e))
    report = check_spec(target, text)
    stops = imported.problems or report.errors or imported.close_rows
    if save and not stops:
        (imports_folder() / f"{token}.xlsx").unlink(missing_ok=True)
        return save_new(target, text, f"导入 Excel 分配表（{len(imported.amounts)} 个单位）")
    units = sorted((u.id for u in registry.walk()), key=len)
    names = {p.id: p.name for p in imported.sheet.projects}
    return render_template("import_confirm.html", token=token, imported=imported, report=report, form=request.form,
                           units=units, names=names, saving=save, stops=bool(stops)), (422 if save else 200)


def _import_base():
    """The batch the import starts from (its projects and registry), or the form's profile and registry."""
    base_name = request.form.get("base", "")
    if base_name:
        base = resolve_batch(spec_root(), base_name)
        batch, problems = load_batch(base)
        if batch is None:
            raise FormError(f"底稿批次「{base_name}」无法读取：{problems[0] if problems else ''}")
        return base, batch.registry, batch.projects
    registry, problems = load_registry(_shared("registry"))
    if not registry.by_id:
        raise FormError("所选单位名录无法读取或没有单位")
    return None, registry, None


def _import_text(base: Path | None, imported, target: Path) -> str:
    if base is not None:
        change = NextBatch(_int("seq", "发文字号序号"), _int("year", "年度", required=False),
                           request.form.get("print_date", "").strip(), keep_amounts=True,
                           keep_expected=request.form.get("keep_expected") == "1")
        _check_date(change.print_date, "印发日期")
        text = next_batch_text(spec_store().read(base).text, change, base, target)
        return replace_allocations(text, imported.amounts)
    form = NewBatch(_shared("profile"), _shared("registry"), _int("year", "年度"), _int("seq", "发文字号序号"),
                    request.form.get("program", "").strip(), request.form.get("print_date", "").strip())
    return new_batch_text(form, target, project_defs(imported), imported.amounts, table_columns(imported))


def imports_folder() -> Path:
    """Uploads waiting for confirmation (outside the specs repository)."""
    return Path(current_app.config.get("INSTANCE_PATH") or current_app.instance_path) / "imports"


def new_name(name: str) -> Path:
    """The new spec's path under the spec root from the clerk's file name; it must not exist yet."""
    name = name.strip().strip("/")
    if name and not name.lower().endswith((".yaml", ".yml")):
        name += ".yaml"
    if not _NAME.match(name) or any(part.startswith(".") for part in name.split("/")):
        raise FormError("文件名只能用汉字、字母、数字、-、_，可带文件夹（如 2026/heilongjiang-2026-12.yaml）")
    path = spec_root() / name
    if path.exists():
        raise FormError(f"「{name}」已存在，请换一个文件名")
    return path


def _shared(key: str) -> Path:
    if not request.form.get(key):
        raise FormError("请选择" + {"profile": "发文机关配置", "registry": "单位名录"}[key])
    path = resolve_name(spec_root(), request.form.get(key, ""))
    if spec_kind(path) != key:
        abort(404)
    return path


def _int(key: str, label: str, required: bool = True) -> int | None:
    value = request.form.get(key, "").strip()
    if not value and not required:
        return None
    if not re.fullmatch(r"\d{1,6}", value):
        raise FormError(f"{label}应为数字，实际是「{value[:20]}」")
    return int(value)


def _check_date(value: str, label: str) -> None:
    if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise FormError(f"{label}应写作 2026-03-01，实际是「{value[:20]}」")


def save_new(target: Path, text: str, how: str):
    """Commit the new spec as the clerk and open it in the editor, saying what is still to be filled in."""
    store = spec_store()
    name = relative_name(spec_root(), target)
    try:
        store.create(target, text, current_user.name, f"{name}：新建批次（{how}）")
    except GeneratorError as e:
        return page(409, error=str(e))
    return redirect(url_for("batch_list.index", created=name, blanks=len(blank_amounts(text))))
