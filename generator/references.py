"""Files a spec names (profile:, registry:, layout paths) resolve only inside the allowed roots.

The roots, in order of precedence:
- `using_roots([...])` around a call (the web app passes its specs folder this way);
- the environment variable GONGWEN_ROOTS (folders separated by os.pathsep);
- by default: the project's specs/ and templates/, and the spec's own tree — the nearest folder named
  `specs` above the spec, or the spec's own folder when there is none.

A reference that is absolute, climbs out with `..`, passes through a symlink that points out, names a folder or
a device, or a file of another kind is an error naming the reference. The other file's content is never shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from .model import Loc
from .reader import Reader
from .yamlsrc import YMap, load_yaml

PROJECT = Path(__file__).resolve().parent.parent
ENV_VAR = "GONGWEN_ROOTS"
MAX_REFERENCE = 255  # characters: a reference is a short relative path
_ROOTS: ContextVar[tuple[Path, ...] | None] = ContextVar("gongwen_roots", default=None)
KIND_NAMES = {"profile": "发文机关配置", "registry": "单位名录", "target_layout": "表样",
              "evaluation_part": "绩效自评报告部分"}


@contextmanager
def using_roots(roots: list[Path]) -> Iterator[None]:
    """References resolve inside these folders (and only these) within the block."""
    token = _ROOTS.set(tuple(Path(r).resolve() for r in roots))
    try:
        yield
    finally:
        _ROOTS.reset(token)


def allowed_roots(folder: Path) -> list[Path]:
    """The folders references of a spec standing in `folder` may resolve into."""
    chosen = _ROOTS.get()
    if chosen is not None:
        return list(chosen)
    env = os.environ.get(ENV_VAR)
    if env:
        return [Path(p).resolve() for p in env.split(os.pathsep) if p]
    folder = folder.resolve()
    own = next((p for p in (folder, *folder.parents) if p.name == "specs"), folder)
    return [PROJECT / "specs", PROJECT / "templates", own]


def display_path(path: Path) -> str:
    """A path as the user typed it relative to the working directory, when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _shown(roots: list[Path]) -> str:
    out = []
    for root in roots:
        try:
            out.append(str(root.relative_to(Path.cwd())) + "/")
        except ValueError:
            out.append(str(root) + "/")
    return "、".join(dict.fromkeys(out))


def resolve_reference(rd: Reader, ref: str, base: Path, loc: Loc, what: str,
                      roots: list[Path] | None = None) -> Path | None:
    """The file `ref` names relative to `base`, or None with an error at `loc` saying why it may not be used."""
    roots = roots if roots is not None else allowed_roots(base)
    reason = _refusal(ref, base, roots)
    if reason:
        rd.error(loc, f"{what}「{_clip(ref)}」{reason}")
        return None
    return (base / ref).resolve()


def _refusal(ref: str, base: Path, roots: list[Path]) -> str | None:
    if not ref.strip():
        return "为空：请写相对于本文件的路径"
    if len(ref) > MAX_REFERENCE or "\x00" in ref or "\n" in ref:
        return "不是有效的文件路径"
    if Path(ref).is_absolute() or ref.startswith(("~", "\\")) or (len(ref) > 1 and ref[1] == ":"):
        return f"是绝对路径；只能写相对于本文件的路径，且须在允许的文件夹内（{_shown(roots)}）"
    lexical = Path(os.path.normpath(base.resolve() / ref))
    try:
        real = (base / ref).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return "无法解析（符号链接循环）"
    # both the path as written (no `..` out) and where its symlinks lead must stay inside
    if not any(_inside(lexical, r) for r in roots) or not any(_inside(real, r) for r in roots):
        return f"指向允许的文件夹之外（允许：{_shown(roots)}）；请把文件放进这些文件夹"
    if not real.exists():
        return "找不到该文件"
    if real.is_dir():
        return "是文件夹，不是文件"
    if not real.is_file():
        return "不是普通文件"
    return None


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _clip(ref: str) -> str:
    return ref if len(ref) <= 60 else ref[:57] + "…"


def load_reference(rd: Reader, ref: str, base: Path, loc: Loc, kind: str,
                   roots: list[Path] | None = None) -> tuple[Path, YMap] | None:
    """Resolve, read and parse a referenced file of `kind`; a file of another kind is one error at `loc`
    (its keys are not listed: the reference is wrong, not the file)."""
    what = KIND_NAMES[kind]
    target = resolve_reference(rd, ref, base, loc, what, roots)
    if target is None:
        return None
    data, problems = load_yaml(target, display_path(target))
    rd.problems.extend(problems)
    if data is None:
        if not problems:
            rd.error(loc, f"{what}「{_clip(ref)}」是空文件")
        return None
    declared = data.get("kind") if isinstance(data, YMap) else None
    if declared != kind:
        rd.error(loc, f"「{_clip(ref)}」不是{what}文件（该文件应写 kind: {kind}）")
        return None
    return target, data
