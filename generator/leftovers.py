"""The hidden folders a batch build works in, and cleaning up after builds that were killed half way.

A build writes into `.gw-tmp-<token>-<batch>` beside the batch folder and swaps it in. While it writes, it holds
a lock on that folder, so a later run can tell a dead build's leftovers (unlocked) from a live one's. Creating a
temp folder and swapping folders both happen under a lock on the output folder itself, so a cleaner never sees a
half-done swap of a live build: every `.gw-old-…` it finds is from a build that died, and is put back if the
batch folder is missing, else removed. The locks are flock(2) locks, released by the kernel when a process dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import stat
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: no locks there, and then nothing is cleaned that might be in use
    fcntl = None

PREFIX = ".gw-"
LEFTOVER = re.compile(r"^\.gw-(?P<kind>tmp|old)-[0-9a-f]{8}-(?P<name>.+)$")
# what builds before this scheme left: `.<batch>.old-<pid>` and tempfile.mkdtemp's `.<batch>.<8 characters>`
LEGACY_OLD = re.compile(r"^\.(?P<name>.+)\.old-\d+$")
LEGACY_TMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}$")


def hidden_name(kind: str, name: str) -> str:
    """A fresh hidden name beside the batch folder `name` (kind: tmp or old)."""
    return f"{PREFIX}{kind}-{secrets.token_hex(4)}-{name}"


def lock(fd: int, wait: bool = True) -> bool:
    """flock fd exclusively; False if another process holds it (or the file system has no locks)."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


@contextlib.contextmanager
def folder_lock(folder: Path):
    """Hold the output folder's lock (temp folders are created and swapped in under it); yields whether it is
    held, False where the file system has no locks."""
    fd = _open_folder(folder)
    try:
        yield fd >= 0 and lock(fd)
    finally:
        if fd >= 0:
            os.close(fd)  # closing the descriptor releases the lock


def make_temp(folder: Path, name: str) -> tuple[Path, int]:
    """A new hidden temp folder for batch `name` (umask permissions), locked; call under folder_lock. Close the
    descriptor (when it is not -1) once the folder is swapped in or removed."""
    while True:
        path = folder / hidden_name("tmp", name)
        try:
            os.mkdir(path, 0o777)
            break
        except FileExistsError:
            continue
    fd = _open_folder(path)
    if fd >= 0:
        lock(fd, wait=False)
    return path, fd


def _open_folder(path: Path) -> int:
    """A read-only descriptor of a folder to lock, or -1 where folders cannot be opened (Windows)."""
    if fcntl is None:
        return -1
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY)


def owner_alive(path: Path) -> bool:
    """Whether a live build holds path's lock (True when that cannot be known: then it is left alone)."""
    if fcntl is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return False  # a file, a dangling link: nobody builds in it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    except OSError:
        return True
    finally:
        os.close(fd)


def clean_leftovers(folder: Path) -> list[str]:
    """Put back or remove what killed builds left in folder; call under folder_lock. Names of what was put back."""
    restored = []
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(".")]
    except OSError:
        return restored
    for entry in entries:
        path = Path(entry.path)
        match = LEFTOVER.match(entry.name)
        if match and match["kind"] == "tmp":
            if not owner_alive(path):
                remove_tree(path)
        elif match or LEGACY_OLD.match(entry.name):
            name = (match or LEGACY_OLD.match(entry.name))["name"]
            if _restore(path, folder / name):
                restored.append(name)
        elif (legacy := LEGACY_TMP.match(entry.name)) and entry.is_dir(follow_symlinks=False):
            if legacy["name"] and not owner_alive(path):
                remove_tree(path)
    return restored


def _restore(old: Path, target: Path) -> bool:
    """A killed swap's previous folder: back in place if the batch folder is missing, else removed."""
    if not os.path.lexists(target):
        with contextlib.suppress(OSError):
            os.rename(old, target)
            return True
    remove_tree(old)
    return False


def remove_tree(path: Path) -> None:
    """Delete a folder (or file) even where a read-only folder inside would stop shutil.rmtree."""
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(OSError):
            path.unlink()
        return

    def make_writable(func, failed, _exc):
        with contextlib.suppress(OSError):
            parent = os.path.dirname(failed)
            os.chmod(parent, stat.S_IMODE(os.lstat(parent).st_mode) | stat.S_IRWXU)
            if os.path.isdir(failed) and not os.path.islink(failed):
                os.chmod(failed, stat.S_IMODE(os.lstat(failed).st_mode) | stat.S_IRWXU)
                shutil.rmtree(failed, ignore_errors=True)
            else:
                func(failed)

    shutil.rmtree(path, onerror=make_writable)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2():
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    call = _renameat2()
    if call is None:
        return False
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
