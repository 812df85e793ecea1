"""The one place that writes files: a batch folder is replaced atomically, with a zip and a manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

from .errors import OutputError
from .filenames import bounded_name
from .leftovers import clean_leftovers, exchange, folder_lock, hidden_name, make_temp, remove_tree
from .os_errors import describe

MANIFEST = "manifest.json"


def batch_folder_name(spec: Path) -> str:
    """Output folder name for a spec: its file stem (heilongjiang-2023-256), bounded like document names."""
    return bounded_name(spec.stem)


def zip_bytes(files: dict[str, bytes], stamp=(2024, 1, 1, 0, 0, 0)) -> bytes:
    """A deterministic zip of the documents (fixed timestamps, sorted names)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[name])
    return buf.getvalue()


def manifest(files: dict[str, bytes], spec: Path | None, input_hash: str | None = None,
             spec_hash: str | None = None, inputs: dict[str, str] | None = None) -> dict:
    """File names, sizes and sha256 of a build; `inputs` every file the build read (the spec, its profile,
    registry, layouts, included parts, referenced batch specs) with its sha256, input_sha256 one hash of those
    and the generator's code and templates (bulk.inputs_digest), spec_file_sha256 the spec file alone."""
    return {
        "spec": spec.name if spec else None,
        "spec_file_sha256": spec_hash,
        "input_sha256": input_hash,
        "inputs": dict(sorted((inputs or {}).items())),
        "pdf": any(n.endswith(".pdf") for n in files),
        "files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in sorted(files.items())],
    }


def safe_relative(name: str) -> str:
    """A document's name as a path inside the batch folder: each part legal and bounded, never leaving it."""
    parts = []
    for part in name.replace("\\", "/").split("/"):
        stem, ext = os.path.splitext(part)
        if part not in ("", ".", ".."):
            parts.append(bounded_name(stem, ext) if ext.isascii() and len(ext) <= 8 else bounded_name(part))
    return "/".join(parts) or "未命名"


def prepare_output(out: Path) -> None:
    """Create the output folder; OutputError in Chinese if it cannot be (a file in the way, no permission)."""
    if out.is_dir():
        return
    if os.path.lexists(out):
        raise OutputError(f"输出目录 {out} 已存在，但它是一个文件而不是文件夹：请用 -o 指定一个文件夹")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(describe(e, "无法创建输出目录", out)) from e


def write_batch(files: dict[str, bytes], target: Path, spec_path: Path | None = None,
                input_hash: str | None = None, spec_hash: str | None = None,
                inputs: dict[str, str] | None = None) -> Path:
    """Write documents, their zip and manifest into `target`, replacing it only once all are written.

    OutputError (naming the path) for what the operating system refuses; the previous folder is then intact.
    """
    files = {safe_relative(name): data for name, data in files.items()}
    prepare_output(target.parent)
    _refuse_non_folder(target)
    try:
        with folder_lock(target.parent):
            tmp, fd = make_temp(target.parent, target.name)
    except OSError as e:
        raise OutputError(describe(e, "无法在输出目录中新建文件夹", target.parent)) from e
    try:
        try:
            _write_all(files, tmp, target, spec_path, input_hash, spec_hash, inputs)
            with folder_lock(target.parent):
                _refuse_non_folder(target)
                old = _swap(tmp, target)
                sync_folder(target.parent)  # the swap itself reaches the disk before the build is reported
        except BaseException:
            remove_tree(tmp)
            raise
    finally:
        if fd >= 0:
            os.close(fd)
    if old is not None:
        remove_tree(old)
    return target


def _write_all(files, tmp: Path, target: Path, spec_path, input_hash, spec_hash, inputs) -> None:
    """Every document, the zip and the manifest into tmp; errors name the file as it will be in target."""
    meta = manifest(files, spec_path, input_hash, spec_hash, inputs)
    extra = {f"{target.name}.zip": zip_bytes(files),
             MANIFEST: json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8")}
    for name, data in {**files, **extra}.items():
        path = tmp / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file(path, data)
        except OSError as e:
            raise OutputError(describe(e, "无法写入", target / name)) from e
    for folder in sorted({(tmp / name).parent for name in {**files, **extra}}, reverse=True):
        try:
            sync_folder(folder)
        except OSError as e:
            raise OutputError(describe(e, "无法写入", target / folder.relative_to(tmp))) from e


def write_file(path: Path, data: bytes) -> None:
    """Write one file (permissions from the umask, like any file a person saves) and wait until it is on disk:
    the folder only takes the batch's place once every file in it would survive a power cut (a manifest over
    empty documents would otherwise be skipped as unchanged on the next run)."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def sync_folder(path: Path) -> None:
    """Wait until a folder's entries (names, renames) are on disk."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _refuse_non_folder(target: Path) -> None:
    """A file or link where the batch folder goes is the user's: say so rather than move or delete it."""
    if target.is_symlink() or (os.path.lexists(target) and not target.is_dir()):
        what = "符号链接" if target.is_symlink() else "文件"
        raise OutputError(f"输出位置 {target} 已有一个同名的{what}（不是本程序生成的文件夹），未覆盖："
                          "请移走或改名后重试")


def _swap(new: Path, target: Path) -> Path | None:
    """Put new in target's place in one step where the system allows; the folder to delete afterwards."""
    try:
        if not os.path.lexists(target):
            os.rename(new, target)
            return None
        if exchange(new, target):
            return new  # new's name now holds the previous folder
        return _swap_by_renames(new, target)
    except OSError as e:
        raise OutputError(describe(e, "无法替换输出文件夹", target)) from e


def _swap_by_renames(new: Path, target: Path) -> Path:
    """Two renames, where renameat2 is missing; a build killed between them is put right by the next run."""
    old = target.with_name(hidden_name("old", target.name))
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    return old


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


def clean_output(out: Path) -> list[str]:
    """Put right what builds killed half way left in out (see leftovers.py); names of batch folders put back."""
    try:
        with folder_lock(out) as held:
            return clean_leftovers(out) if held else []
    except OSError:
        return []  # an unreadable output folder: writing into it reports the problem
