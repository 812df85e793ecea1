"""Names in URLs → files under a configured root. The web takes no folder or path from the request beyond a
relative name that must stay inside its root; anything else is the 404 page (no hint what exists)."""

from __future__ import annotations

from pathlib import Path

from flask import abort

from generator.bulk import SHARED_KINDS, spec_kind

YAML_SUFFIXES = (".yaml", ".yml")


def resolve_name(root: Path, name: str, suffixes: tuple[str, ...] = YAML_SUFFIXES) -> Path:
    """The regular file `name` (a/b.yaml) under `root`, or abort(404).

    Refused: empty parts, `.`/`..`, hidden parts (.git), backslashes, NUL, absolute names, other suffixes,
    symlinks anywhere on the way, and anything whose real path leaves the root.
    """
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or len(name) > 400:
        abort(404)
    parts = name.split("/")
    if any(not p or p in (".", "..") or p.startswith(".") for p in parts):
        abort(404)
    if not name.lower().endswith(suffixes):
        abort(404)
    root = Path(root).resolve()
    path = root.joinpath(*parts)
    step = root
    for part in parts:
        step = step / part
        if step.is_symlink():
            abort(404)
    if not path.resolve().is_relative_to(root) or not path.is_file():
        abort(404)
    return path


def resolve_batch(root: Path, name: str) -> Path:
    """A batch spec under the spec root (profiles, registries and layouts are administrators' files)."""
    path = resolve_name(root, name)
    if spec_kind(path) in SHARED_KINDS:
        abort(404)
    return path


def relative_name(root: Path, path: Path) -> str:
    """The URL name of a file under root."""
    return path.resolve().relative_to(Path(root).resolve()).as_posix()
