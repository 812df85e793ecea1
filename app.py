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
from generator.spec_edit import (
    INPUT_LABELS,
    NOTICE_FIELDS,
    allocation_grid,
    apply_allocation_grid,
    dump_document,
    get_path,
    load_document,
    set_path,
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
    """The spec text after the form's edits: raw YAML if given, else notice fields and the allocation grid."""
    if form.get("action") == "yaml":
        load_document(form.get("yaml", ""))  # refuse text that is not YAML at all
        return form.get("yaml", "")
    doc = load_document(text)
    for path, _label in NOTICE_FIELDS:
        if "/".join(path) not in form:
            continue
        value = form.get("/".join(path), "").strip()
        current = get_path(doc, path)
        if value == ("" if current is None else str(current)):
            continue
        set_path(doc, path, int(value) if value.isdigit() and path[-1] in ("year", "seq", "copies") else value or None)
    apply_allocation_grid(doc, form)
    return dump_document(doc)


def show_spec(name: str, path: Path, text: str, message: str | None):
    """The edit page: form fields, allocation grid, raw YAML and the check report."""
    doc = load_document(text)
    fields = [("/".join(p), label, "" if get_path(doc, p) is None else get_path(doc, p)) for p, label in NOTICE_FIELDS]
    projects, grid = allocation_grid(doc)
    return render_template("spec.html", name=name, fields=fields, projects=projects, grid=grid,
                           measures=INPUT_LABELS, yaml=text, report=check_spec(path), message=message)


if __name__ == "__main__":
    create_app().run(debug=False)
