"""The web form (Flask app factory): clerks edit a batch, check it and download the documents.

Views are thin: each calls the same pipeline as the CLI (generator.pipeline) and shows its problems.
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask, abort, render_template, request, send_file

from generator.bulk import find_specs
from generator.errors import GeneratorError
from generator.pipeline import check_spec, render_spec
from generator.spec import load_batch
from generator.spec_edit import (
    INPUT_LABELS,
    NOTICE_FIELDS,
    SpecText,
    allocation_grid,
    apply_allocation_grid,
    apply_notice_form,
)
from generator.writer import write_text_atomic, zip_bytes

ROOT = Path(__file__).resolve().parent


def create_app(spec_root: Path | None = None) -> Flask:
    """The app; `spec_root` is the folder of batch specs it may read and write (default specs/)."""
    app = Flask(__name__, template_folder=str(ROOT / "templates" / "web"))
    app.config["SPEC_ROOT"] = Path(spec_root or ROOT / "specs").resolve()
    app.config["MAX_CONTENT_LENGTH"] = 5 * 1024 * 1024

    def spec_path(name: str) -> Path:
        path = (app.config["SPEC_ROOT"] / name).resolve()
        if app.config["SPEC_ROOT"] not in path.parents or not path.is_file():
            abort(404)
        return path

    @app.get("/")
    def index():
        root = app.config["SPEC_ROOT"]
        specs, _ = find_specs([root])
        rows = [(p.relative_to(root).as_posix(), check_spec(p)) for p in specs]
        return render_template("index.html", rows=rows)

    @app.route("/spec/<path:name>", methods=["GET", "POST"])
    def edit(name: str):
        path = spec_path(name)
        text, message = path.read_text(encoding="utf-8"), None
        if request.method == "POST":
            try:
                text = apply_form(text, request.form)
                write_text_atomic(path, text)
                message = "已保存。"
            except GeneratorError as e:
                message = f"未保存：{e}"
        return show_spec(name, path, text, message)

    @app.post("/spec/<path:name>/download")
    def download(name: str):
        path = spec_path(name)
        report, files = render_spec(path)
        if not report.ok:
            return show_spec(name, path, path.read_text(encoding="utf-8"), "有错误，未生成。"), 422
        return send_file(io.BytesIO(zip_bytes(files)), mimetype="application/zip", as_attachment=True,
                         download_name=f"{path.stem}.zip")

    @app.post("/upload")
    def upload():
        file = request.files.get("spec")
        if file is None or not file.filename:
            return render_template("index.html", rows=[], message="请选择一个 YAML 批次文件。"), 400
        text = file.read().decode("utf-8", errors="replace")
        folder = app.config["SPEC_ROOT"] / request.form.get("folder", "examples")
        report, files = render_spec(folder / Path(file.filename).name, text)
        if not report.ok:
            return render_template("report.html", name=file.filename, report=report), 422
        return send_file(io.BytesIO(zip_bytes(files)), mimetype="application/zip", as_attachment=True,
                         download_name=f"{Path(file.filename).stem}.zip")

    return app


def apply_form(text: str, form) -> str:
    """The spec text after the form's edits: raw YAML if given, else the notice fields and the allocation grid,
    spliced into the text so that comments and layout stay and the diff shows only the changed values."""
    if form.get("action") == "yaml":
        SpecText(form.get("yaml", ""))  # refuse text that is not YAML at all
        return form.get("yaml", "")
    spec = SpecText(text)
    apply_notice_form(spec, form)
    apply_allocation_grid(spec, form)
    return spec.text


def show_spec(name: str, path: Path, text: str, message: str | None):
    """The edit page: form fields (inherited values shown as hints), allocation grid, raw YAML, the check report."""
    spec = SpecText(text)
    batch, _ = load_batch(path)
    fields = []
    for key_path, label in NOTICE_FIELDS:
        value = spec.get(key_path)
        hint = inherited_value(batch, key_path) if value is None and batch else None
        fields.append(("/".join(key_path), label, value or "", f"沿用配置：{hint}" if hint else ""))
    projects, grid, unit_advance = allocation_grid(spec)
    return render_template("spec.html", name=name, fields=fields, projects=projects, grid=grid,
                           unit_advance=unit_advance, measures=INPUT_LABELS, yaml=text, report=check_spec(path),
                           message=message)


def inherited_value(batch, key_path: tuple[str, ...]) -> str | None:
    """What a notice field is when the batch does not set it (from the issuer profile), for a hint."""
    attr = {"disclosure": "disclosure", "copies": "copies", "sign_date": "sign_date", "batch_label": "batch_label"}
    value = getattr(batch.notice, attr.get(key_path[-1], ""), None) if len(key_path) == 2 else None
    return None if value in (None, "") else str(value)


if __name__ == "__main__":
    create_app().run(debug=False)
