"""Small JSON files in the instance folder that every server process shares (the failed-login counts, the
batches' last builds): read, changed and written back under an flock, replaced atomically, so that the
worker processes of `python -m web.serve --workers N` see one state and no update is lost."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_THREADS = threading.Lock()  # flock is per open file: threads of one process also take this


def read_state(path: Path) -> dict:
    """The file's mapping ({} when it is missing or unreadable: these are records, not the batches)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextmanager
def changed_state(path: Path) -> Iterator[dict]:
    """The file's mapping to change in place; written back (atomically, owner-only) when the block ends."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _THREADS, open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_state(path)
        yield state
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(state, fh, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
