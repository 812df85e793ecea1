"""The batch editor: one tab per section (通知, 项目, 单位, 分配, 绩效目标, 报备表, 跟踪反馈表, 函, YAML), saved
through the versioned store; problems beside their field or cell, stated figures offered for update or drop.

The view is thin: generator.edit_submit applies a submit to the text, generator.problem_map places the check's
problems, web.store keeps versions and commits.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from generator.edit_fields import ATTACHMENT_KINDS, SECTIONS, batch_fields, notice_hints
from generator.edit_grid import read_grid
from generator.edit_ops import item_controls, missing_target_tables
from generator.edit_submit import apply_submit
from generator.errors import GeneratorError
from generator.indicators import L2_TO_L1
from generator.model import LEVELS
from generator.pipeline import check_spec
from generator.problem_map import place_problems
from generator.reconcile import find_mismatches
from generator.spec import load_batch
from generator.spec_edit import SpecText

from . import spec_store
from .editor_grid import grid_rows
from .fields import describe_edit
from .paths import resolve_batch
from .store import SpecFile, StaleSave, StoreError, decode, is_version

bp = Blueprint("editor", __name__)


def _path(name: str) -> Path:
    return resolve_batch(Path(current_app.config["SPEC_ROOT"]).resolve(), name)


def _tab() -> str:
    tab = request.values.get("tab", "notice")
    return tab if tab in SECTIONS else "notice"


@bp.get("/batch/<path:name>/edit")
def edit(name: str):
    """The editor at one tab."""
    path = _path(name)
    return render_editor(name, path, _read(path), _tab())


@bp.post("/batch/<path:name>/edit")
def save(name: str):
    """Save a submit if the file is still at the version the page was made from; bad values stay on the page
    beside their field with the clerk's text, the other edits are saved."""
    path = _path(name)
    base = request.form.get("version", "")
    if not is_version(base):
        abort(400, description="表单缺少版本信息（页面可能不完整），请刷新页面后重新填写。")
    outcome = {}

    def edit_text(current: SpecFile) -> str:
        batch, _ = _loaded(path, current.text)
        result = apply_submit(current.text, request.form, path, batch.registry if batch else None,
                              batch.notice if batch else None)
        outcome["result"] = result
        return result.text

    how = "（直接编辑 YAML）" if request.form.get("action") == "yaml" else ""
    try:
        commit = spec_store().save(path, base, edit_text, current_user.name,
                                   lambda old, new: describe_edit(name, old, new, how))
    except StaleSave as e:
        return render_editor(name, path, e.current, _tab(), message=str(e), conflict=e.diff,
                             typed=_typed(request.form, base)), 409
    except GeneratorError as e:
        return render_editor(name, path, _read(path), _tab(), message=f"未保存：{e}",
                             typed=_typed(request.form, base)), 422
    result = outcome["result"]
    typed = {k: request.form.get(k, "") for k in result.errors if k in request.form}
    parts = ["已保存。" if commit else "没有改动，未保存。"] + result.done
    if result.errors:
        parts.append(f"有 {len(result.errors)} 处填写有误，未写入（见标记处），其余修改已保存。")
    return render_editor(name, path, _read(path), _tab(), message="".join(parts), typed=typed,
                         input_errors=result.errors)


def _read(path: Path) -> SpecFile:
    try:
        return spec_store().read(path)
    except StoreError as e:
        abort(422, description=str(e))


def _loaded(path: Path, text: str):
    try:
        return load_batch(path, text)
    except Exception:  # noqa: BLE001 - the page still opens so the YAML can be fixed
        current_app.logger.exception("loading %s failed", path)
        return None, []


def _typed(form, base: str) -> dict[str, str]:
    """What the clerk typed that differs from the version the page was made from, to keep it on the page."""
    if form.get("action") == "yaml":
        return {"yaml": form.get("yaml", "")}
    blob = spec_store().blob(base)
    try:
        old = SpecText(decode(blob, "").text) if blob is not None else None
    except GeneratorError:
        old = None
    values = {}
    if old is not None:
        values = {f.name: f.value for f in batch_fields(old)}
        _projects, _cols, rows = read_grid(old)
        values.update({k: v for r in rows for k, v in r.cells.items()})
    skip = ("csrf_token", "version", "tab", "action", "op")
    return {k: v for k, v in form.items() if k not in skip and (k not in values or v.strip() != values[k])}


def render_editor(name: str, path: Path, current: SpecFile, tab: str, message: str | None = None,
                  conflict: str | None = None, typed: dict | None = None, input_errors: dict | None = None):
    """The editor page for the file's current text, at one tab."""
    typed, input_errors = typed or {}, input_errors or {}
    try:
        spec = SpecText(current.text)
    except GeneratorError as e:
        spec, tab = None, "yaml"
        message = (message or "") + f"此文件目前不是有效的 YAML（{e}），只能在 YAML 页修改。"
    report = _checked(path, current)
    sections = SECTIONS
    if report.kind is not None and report.kind.name != "batch":
        # the tabs are the sections of a notice batch; other kinds (表册, 预算, 自评报告) are edited as text
        spec, tab, sections = None, "yaml", {"yaml": SECTIONS["yaml"]}
        message = (message or "") + f"这是“{report.kind.label}”类文件，在下面的 YAML 中修改（写法见 docs 中该类文件的说明）。"
    derived = report.derived if spec is not None else None
    batch = derived.batch if derived else (_loaded(path, current.text)[0] if spec else None)
    fields = batch_fields(spec, tab) if spec else []
    _name_header_fields(fields, derived)
    registry = batch.registry if batch else None
    projects, unit_cols, rows = read_grid(spec, registry) if spec else ([], [], [])
    cells = {n for r in rows for n in r.cells}
    marks = place_problems(report.problems, spec, path, fields, cells) if spec else []
    mismatches = find_mismatches(derived) if derived else []
    offered = {m.drop_path for m in mismatches}
    listed = [m for m in marks if m.path not in offered and m.path[:2] not in offered]  # the box shows those
    counts = {s: sum(1 for m in marks if m.section == s and m.severity == "error") for s in SECTIONS}
    by_target: dict[str, list] = {}
    for mark in marks:
        if mark.target:
            by_target.setdefault(mark.target, []).append(mark)
    groups: dict[str, list] = {}
    for f in fields:
        if f.section == tab:
            groups.setdefault(f.group, []).append(f)
    layouts = sorted(p.stem for p in Path(current_app.config["LAYOUT_ROOT"]).glob("*.yaml"))
    return render_template(
        "editor.html", name=name, tab=tab, sections=sections, counts=counts, version=current.version,
        yaml=typed.get("yaml", current.text), report=report, message=message, conflict=conflict,
        typed=typed, input_errors=input_errors, groups=groups, marks=by_target,
        item_ops=item_controls([f for f in fields if f.section == tab and not (  # attachments move on 通知
            tab in ("projects", "targets") and f.path[0] == "attachments")]),
        grid_rows=grid_rows(projects, unit_cols, rows, by_target, input_errors, typed) if tab == "alloc" else [],
        tab_marks=[m for m in listed if m.section == tab and (not m.target or m.target == "yaml")],
        all_marks=[m for m in listed if m.section == tab and m.target], kind_labels=ATTACHMENT_KINDS,
        hints=notice_hints(batch.notice if batch else None), projects=projects, unit_cols=unit_cols, rows=rows,
        mismatches=mismatches,
        missing=missing_target_tables(derived), registry_units=_registry_units(registry),
        levels=LEVELS, layouts=layouts, decimals=_decimals(spec), where=_where(fields, projects, unit_cols, rows),
        set_ids=spec.keys(("targets", "indicator_sets")) if spec else [],
        indicator_lists=_indicator_lists(spec), letter_bodies=_letter_bodies(spec), l2_names=list(L2_TO_L1),
        body_inherited=bool(spec and spec.node(("notice", "body")) is None and batch and batch.notice.body),
        groups_of_registry=[(g.id, g.name) for g in registry.groups] if registry else [],
        download_url=url_for("batches.download", name=name), history_url=url_for("batches.history", name=name),
        preview_url=url_for("preview.index", name=name) if "preview.index" in current_app.view_functions else None)


_REPORTS: OrderedDict = OrderedDict()  # (file, version, shared files' stamp) → check report
_REPORTS_LOCK = threading.Lock()  # waitress serves requests in threads


def _checked(path: Path, current: SpecFile):
    """The check report of this version of the file, reused while neither it nor a shared file (profile,
    registry, layout) changed: reopening a tab does not re-check the batch."""
    key = (str(path), current.version, _shared_stamp())
    with _REPORTS_LOCK:
        report = _REPORTS.get(key)
    if report is None:
        report = check_spec(path, current.text)
        with _REPORTS_LOCK:
            _REPORTS[key] = report
            while len(_REPORTS) > 16:
                _REPORTS.popitem(last=False)
    return report


def _shared_stamp() -> tuple:
    """The newest modification time of the YAML files under the spec and layout roots."""
    stamps = []
    for key in ("SPEC_ROOT", "LAYOUT_ROOT"):
        root = Path(current_app.config[key])
        stamps.append(max((e.stat().st_mtime_ns for e in _yaml_files(root)), default=0))
    return tuple(stamps)


def _yaml_files(root: Path):
    for entry in os.scandir(root):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _yaml_files(Path(entry.path))
        elif entry.name.endswith((".yaml", ".yml")):
            yield entry


def _name_header_fields(fields, derived) -> None:
    """Label target-table header fields (表头·project_name) with the layouts' own Chinese names."""
    names = {k: v for t in (derived.targets if derived else []) for k, v in t.layout.fields.items()}
    for f in fields:
        if len(f.path) > 2 and f.path[-2] in ("fields", "defaults") and f.path[0] == "targets":
            prefix = f.label.split("·", 1)[0]
            f.label = f"{prefix}·{names.get(f.path[-1], f.path[-1])}"


def _where(fields, projects, unit_cols, rows) -> dict[str, str]:
    """Form name → where it is on the page in words (单位 · 项目 · 列, or 分组 · 字段), for the problem list."""
    out = {f.name: f"{f.group} · {f.label}" for f in fields}
    for row in rows:
        out[f"g/{row.index}/unit"] = row.name
        for p in projects:
            for c in p.columns:
                out[f"g/{row.index}/{p.id}/{c.key}"] = f"{row.name} · {p.name} · {c.label}"
        for c in unit_cols:
            out[f"g/{row.index}/{c.key}"] = f"{row.name} · {c.label}"
    return out


def _indicator_lists(spec: SpecText | None) -> list[tuple[str, str]]:
    """(list path, label) of every indicator list a row can be added to."""
    if spec is None:
        return []
    out = [(f"targets/indicator_sets/{k}/indicators", f"指标模板 {k}") for k in spec.keys(("targets", "indicator_sets"))]
    for i in range(spec.length(("targets", "tables"))):
        who = spec.get(("targets", "tables", i, "unit")) or "多个单位"
        out.append((f"targets/tables/{i}/indicators", f"绩效目标表 {i + 1}：{who}"))
    return out


def _letter_bodies(spec: SpecText | None) -> list[tuple[str, str]]:
    """(list path, label) of each letter's body (a letter without one gets it with its first paragraph)."""
    out = []

    def walk(path: tuple, number: str) -> None:
        for i in range(spec.length(path)):
            no = f"{number}-{i + 1}" if number else str(i + 1)
            if spec.get((*path, i, "kind")) == "letter":
                out.append(("/".join(map(str, (*path, i, "body"))), f"附件{no}：函"))
            walk((*path, i, "children"), no)

    if spec is not None:
        walk(("attachments",), "")
    return out


def _registry_units(registry) -> list[tuple[str, str]]:
    if registry is None:
        return []
    return [(u.id, f"{u.name}（{LEVELS.get(u.level, u.level)}）") for u in registry.walk()]


def _decimals(spec: SpecText | None) -> int:
    from generator.edit_grid import money_decimals

    return money_decimals(spec) if spec else 2
