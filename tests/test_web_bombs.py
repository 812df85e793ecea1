"""YAML bombs through the web, against the documented server command in its own process: uploaded, typed into
the raw-YAML box, and stored in the specs folder. Each is refused with a Chinese message (the loader's limits,
generator/limits.py, on the web's path too), nothing is written, and the server still answers afterwards."""

from __future__ import annotations

import pytest
from web_support import *  # noqa: F403
from web_support import ROOT, HttpSession, form_fields, make_spec_repo, serve_in_subprocess

MINI = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")


def alias_bomb(levels: int = 6, width: int = 10) -> str:
    """The 382-byte bomb of the issue: each level a list of `width` aliases of the one before."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(width))}]")
    return "\n".join(lines) + "\nkind: batch\n"


BOMBS = {
    "alias": alias_bomb(),
    "alias-deep": alias_bomb(9),
    "flow-1000": "a: " + "[" * 1000 + "]" * 1000 + "\n",
    "flow-30000": "a: " + "[" * 30000 + "]" * 30000 + "\n",  # crashed the C parser (segfault) before
    "block-2000": "".join(f"{' ' * i}k{i}:\n" for i in range(2000)) + " " * 2000 + "v\n",
    "self-alias": "a: &a [*a]\n",
    "mapping-keys": "? " * 5000 + "x\n",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bombs")
    spec_root = make_spec_repo(tmp / "specs")
    with serve_in_subprocess(tmp, spec_root) as (url, proc):
        yield url, proc, spec_root


def alive(url: str, proc) -> None:
    assert proc.poll() is None, "the server process died"
    assert HttpSession(url).get("/login")[0] == 200


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_bomb_uploaded(server, bomb):
    url, proc, _ = server
    session = HttpSession(url, timeout=30).login("clerk")
    status, _, page = session.post("/upload", {}, files={"spec": (f"{bomb}.yaml", BOMBS[bomb].encode())})
    assert status == 422, (bomb, status)
    assert f"{bomb}.yaml:" in page and "错误" in page and "Traceback" not in page
    alive(url, proc)


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_bomb_typed_into_the_yaml_box(server, bomb):
    url, proc, spec_root = server
    before = (spec_root / "examples" / "mini.yaml").read_bytes()
    session = HttpSession(url, timeout=30).login("clerk")
    status, _, page = session.get("/spec/examples/mini.yaml")
    form = form_fields(page, "yaml")
    status, _, page = session.post("/spec/examples/mini.yaml", {**form, "yaml": BOMBS[bomb]})
    assert status == 422 and "未保存" in page, (bomb, status)
    assert (spec_root / "examples" / "mini.yaml").read_bytes() == before
    alive(url, proc)


def test_stored_bombs_show_as_failed_batches(server):
    url, proc, spec_root = server
    for bomb, text in BOMBS.items():
        (spec_root / "examples" / f"bomb-{bomb}.yaml").write_text(text, encoding="utf-8")
    try:
        session = HttpSession(url, timeout=60).login("clerk")
        status, _, page = session.get("/")
        assert status == 200
        for bomb in BOMBS:
            row = page[page.index(f"examples/bomb-{bomb}.yaml"):][:300]
            assert "个错误" in row or "无法检查" in row, bomb
        assert "examples/mini.yaml" in page
        for bomb in BOMBS:
            status, _, page = session.get(f"/spec/examples/bomb-{bomb}.yaml")
            assert status in (200, 422) and "Traceback" not in page, bomb
        alive(url, proc)
    finally:
        for bomb in BOMBS:
            (spec_root / "examples" / f"bomb-{bomb}.yaml").unlink()
