"""The one place that writes files: a batch folder is replaced atomically, with a zip and a manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

MANIFEST = "manifest.json"


def batch_folder_name(spec: Path) -> str:
    """Output folder name for a spec: its file stem (heilongjiang-2023-256)."""
    return spec.stem


def zip_bytes(files: dict[str, bytes], stamp=(2024, 1, 1, 0, 0, 0)) -> bytes:
    """A deterministic zip of the documents (fixed timestamps, sorted names)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[name])
    return buf.getvalue()


def manifest(files: dict[str, bytes], spec: Path | None, input_hash: str | None = None) -> dict:
    """File names, sizes and sha256 of a build, with the hash of its inputs (bulk.input_hash: spec, profile,
    registry and the generator's code)."""
    return {
        "spec": spec.name if spec else None,
        "spec_sha256": input_hash,
        "pdf": any(n.endswith(".pdf") for n in files),
        "files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in sorted(files.items())],
    }


def write_batch(files: dict[str, bytes], target: Path, spec_path: Path | None = None,
                input_hash: str | None = None) -> Path:
    """Write documents, their zip and manifest into `target`, replacing it only once all are written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (tmp / f"{target.name}.zip").write_bytes(zip_bytes(files))
        meta = manifest(files, spec_path, input_hash)
        (tmp / MANIFEST).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _swap(new: Path, target: Path) -> None:
    """Replace target with new; the old folder survives until the new one is in place."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a previous build, if any."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_text_atomic(path: Path, text: str) -> None:
    """Replace a text file (a spec saved from the web) in one step."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
