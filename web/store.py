"""Specs as files in a git repository: read with the version they were opened at, saved only when that version
is still current (else StaleSave with the other person's diff), each save one commit by the clerk, a history per
file with diffs, and restore as a new commit.

The git command line is run with fixed argument lists (no shell; names are passed after `--`). Saves of one
repository are serialized by a lock: a thread lock within the process and an flock on a file in .git for other
processes (a second server, the command line).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GeneratorError

WEB_COMMITTER = ("资金下达文件生成器", "web@generator.invalid")
MAX_DIFF_LINES = 400
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class StoreError(GeneratorError):
    """Raised when git fails or a file cannot be read as UTF-8 text (message in Chinese)."""


class StaleSave(GeneratorError):
    """Raised when a save was made from an older version than the file now has."""

    def __init__(self, current: SpecFile | None, diff: str, authors: list[str]):
        self.current, self.diff, self.authors = current, diff, authors
        who = "、".join(authors) or "其他人"
        super().__init__(f"未保存：您打开此页之后，{who} 已修改并保存了这个文件。下面是对方的改动；"
                         "您填写的内容仍在页面上，请核对后再保存。")


@dataclass(frozen=True)
class SpecFile:
    """A file's text as the browser sees it (LF line ends, no BOM) and how to write it back byte-faithfully."""

    text: str
    version: str  # the git blob id of the bytes on disk
    newline: str  # "\r\n" or "\n": the file's line ending, restored on save
    bom: bool

    def encode(self, text: str) -> bytes:
        """Edited text (any line ends, as a textarea sends) as bytes with this file's line ends and BOM."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return ("\ufeff" if self.bom else "").encode("utf-8") + text.encode("utf-8")


@dataclass(frozen=True)
class Version:
    """One commit that changed a file."""

    commit: str
    author: str
    date: str
    subject: str
    diff: str


def blob_id(data: bytes) -> str:
    """git's object id of these bytes as a blob (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def decode(data: bytes, name: str) -> SpecFile:
    """The text of a spec file's bytes, remembering line ends and BOM; non-UTF-8 is a StoreError."""
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as e:
        raise StoreError(f"{name} 不是 UTF-8 编码的文本（第 {e.start + 1} 个字节起无法解码），网页上不能编辑；"
                         "请先用命令行 check 查看，转为 UTF-8 后再编辑。") from e
    newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    return SpecFile(text.replace("\r\n", "\n"), blob_id(data), newline, bom)


class SpecStore:
    """One folder of specs inside a git repository (made a repository on first use if it is not in one)."""

    def __init__(self, root: Path, git: str = "git", check=None):
        self.root = Path(root).resolve()
        self.git_bin = git
        self.top: Path | None = None
        # check(text, name) raises a GeneratorError for text that must never be stored (a YAML bomb)
        self.check = check

    # -- git plumbing -------------------------------------------------------------------------------
    def git(self, *args: str, input: bytes | None = None, env: dict | None = None, check: bool = True) -> bytes:
        """Run git in the repository with a fixed argument list; StoreError (with git's message) on failure."""
        argv = [self.git_bin, "-c", "core.autocrlf=false", "-c", "core.quotepath=false",
                "-c", "commit.gpgsign=false", "-C", str(self.top or self.root), *args]
        full_env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        result = subprocess.run(argv, input=input, capture_output=True, env=full_env, timeout=60)
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise StoreError(f"git {args[0]} 失败：{message}")
        return result.stdout

    def ensure_repo(self) -> None:
        """Find the repository holding the root, or make the root one and commit what is there."""
        probe = subprocess.run([self.git_bin, "-C", str(self.root), "rev-parse", "--show-toplevel"],
                               capture_output=True, timeout=60)
        if probe.returncode == 0:
            self.top = Path(probe.stdout.decode().strip()).resolve()
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        self.top = self.root
        self.git("add", "-A", "--", ".")
        self.git("commit", "-q", "--allow-empty", "-m", "初始版本（网页首次启动时建立的仓库）",
                 env={**_identity(WEB_COMMITTER, "AUTHOR"), **_identity(WEB_COMMITTER)})

    def rel(self, path: Path) -> str:
        """The path as git names it, relative to the repository's top."""
        return path.resolve().relative_to(self.top).as_posix()

    @contextmanager
    def locked(self):
        """Serialize saves of this repository across threads and processes."""
        with _LOCKS_GUARD:
            lock = _LOCKS.setdefault(str(self.top), threading.Lock())
        git_dir = Path(self.git("rev-parse", "--absolute-git-dir").decode().strip())
        with lock, open(git_dir / "generator-web.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield

    # -- reading ------------------------------------------------------------------------------------
    def read(self, path: Path) -> SpecFile:
        """The file now, its blob stored in git's object database so a later stale save can diff against it."""
        data = path.read_bytes()
        spec = decode(data, self.rel(path))
        self.git("hash-object", "-w", "--stdin", input=data)
        return spec

    def blob(self, version: str) -> bytes | None:
        """The bytes of a stored blob, or None if git does not have it."""
        if not is_version(version):
            return None
        out = subprocess.run([self.git_bin, "-C", str(self.top), "cat-file", "blob", version],
                             capture_output=True, timeout=60)
        return out.stdout if out.returncode == 0 else None

    # -- saving -------------------------------------------------------------------------------------
    def save(self, path: Path, base: str, edit, author: str, describe) -> str | None:
        """Apply `edit(SpecFile) -> str` to the file if it is still at version `base`, write and commit.

        `describe(old_text, new_text) -> str` names what changed for the commit message. Returns the new
        commit id, or None when the edit changed nothing. Raises StaleSave when the file moved on since `base`.
        """
        with self.locked():
            old = path.read_bytes()
            current = decode(old, self.rel(path))
            if current.version != base:
                raise self._stale(path, base, old)
            text = edit(current)
            if self.check:
                self.check(text, self.rel(path))
            new = current.encode(text)
            if new == old:
                return None
            return self._write_commit(path, new, author, describe(current.text, decode(new, "").text))

    def create(self, path: Path, text: str, author: str, message: str) -> str:
        """Write a new spec (UTF-8, LF) and commit it as `author`; StoreError if the file exists already."""
        with self.locked():
            if path.exists():
                raise StoreError(f"「{self.rel(path)}」已存在，请换一个文件名")
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with open(path, "xb"):  # claims the name (and gives the file its default permissions)
                    pass
                return self._write_commit(path, text.encode("utf-8"), author, message)
            except BaseException:
                path.unlink(missing_ok=True)
                raise

    def restore(self, path: Path, commit: str, base: str, author: str) -> str | None:
        """Make the file's content at `commit` the newest version, as a new commit."""
        data = self.at(path, commit)
        if data is None:
            raise StoreError("没有这个版本。")
        return self.replace(path, data, base, author, f"{self.rel(path)}：恢复为 {commit[:10]} 的版本")

    def replace(self, path: Path, data: bytes, base: str, author: str, message: str) -> str | None:
        """Write these exact bytes (a restored version, an uploaded template) if the file is still at `base`."""
        with self.locked():
            current = path.read_bytes()
            if blob_id(current) != base:
                raise self._stale(path, base, current)
            if data == current:
                return None
            return self._write_commit(path, data, author, message)

    def _write_commit(self, path: Path, data: bytes, author: str, message: str) -> str:
        _write_atomic(path, data)
        rel = self.rel(path)
        self.git("add", "--", rel)
        env = {**_identity((author, f"{_email_safe(author)}@generator.invalid"), "AUTHOR"), **_identity(WEB_COMMITTER)}
        self.git("commit", "-q", "--no-verify", "-m", message, "--only", "--", rel, env=env)
        return self.git("rev-parse", "HEAD").decode().strip()

    def _stale(self, path: Path, base: str, current: bytes) -> StaleSave:
        """The refusal of a save made from `base`: the file now and (for text) the other person's diff."""
        old = self.blob(base)
        try:
            now = decode(current, self.rel(path))
            diff = unified_diff(decode(old, "").text, now.text, "您打开时的版本", "现在的版本") if old else ""
        except StoreError:  # a binary file (a Word template) or a non-UTF-8 one: no text diff to show
            now, diff = None, ""
        return StaleSave(now, diff, self._authors_since(path, base))

    def _authors_since(self, path: Path, base: str) -> list[str]:
        """Who committed the file since it had blob `base` (best effort: the last few commits)."""
        out = self.git("log", "-n", "20", "--format=%H%x1f%an", "--", self.rel(path), check=False)
        authors: list[str] = []
        for line in out.decode("utf-8", "replace").splitlines():
            commit, _, name = line.partition("\x1f")
            if self.git("rev-parse", f"{commit}:{self.rel(path)}", check=False).decode().strip() == base:
                break
            if name not in authors:
                authors.append(name)
        return authors

    # -- history ------------------------------------------------------------------------------------
    def history(self, path: Path, skip: int = 0, count: int = 30) -> list[Version]:
        """The commits that changed the file, newest first, each with its diff (long diffs cut)."""
        out = self.git("log", f"--skip={int(skip)}", f"-n{int(count)}", "-p", "--no-color", "--no-ext-diff",
                       "--format=%x1e%H%x1f%an%x1f%ad%x1f%s%x1f", "--date=format:%Y-%m-%d %H:%M:%S",
                       "--", self.rel(path))
        versions = []
        for record in out.decode("utf-8", "replace").split("\x1e")[1:]:
            commit, author, date, subject, diff = record.split("\x1f", 4)
            versions.append(Version(commit, author, date, subject, _cut(_hunks(diff))))
        return versions

    def at(self, path: Path, commit: str) -> bytes | None:
        """The file's bytes at a commit, or None if the commit or the file there does not exist."""
        if not is_version(commit):
            return None
        out = subprocess.run([self.git_bin, "-C", str(self.top), "show", f"{commit}:{self.rel(path)}"],
                             capture_output=True, timeout=60)
        return out.stdout if out.returncode == 0 else None


def unified_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    """A unified diff of two texts (cut to MAX_DIFF_LINES lines)."""
    import difflib

    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="", n=2)
    return _cut("\n".join(lines))


def _hunks(diff: str) -> str:
    """git's patch from the first @@ on (the diff --git/index/---/+++ header says nothing to a clerk)."""
    start = diff.find("\n@@")
    if start >= 0:
        return diff[start + 1:].rstrip("\n")
    return "（二进制文件，没有文字差异）" if "Binary files" in diff else ""


def _cut(diff: str) -> str:
    lines = diff.splitlines()
    if len(lines) <= MAX_DIFF_LINES:
        return diff
    return "\n".join(lines[:MAX_DIFF_LINES] + [f"……（另有 {len(lines) - MAX_DIFF_LINES} 行未显示）"])


def _identity(who: tuple[str, str], role: str = "COMMITTER") -> dict:
    return {f"GIT_{role}_NAME": who[0], f"GIT_{role}_EMAIL": who[1]}


def _email_safe(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "user"


def is_version(text: str) -> bool:
    """True for a plausible git object id (what a form's version field holds)."""
    return 4 <= len(text) <= 64 and all(c in "0123456789abcdef" for c in text)


def _write_atomic(path: Path, data: bytes) -> None:
    """Replace the file in one step, keeping its permission bits."""
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
