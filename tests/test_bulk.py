"""Bulk builds: folders searched recursively, one failing batch never stops the others, atomic folders."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from generator.bulk import build_all, find_specs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tree(tmp_path):
    """A copy of specs/ plus mini.yaml and one broken batch in a sub-folder."""
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    (specs / "examples" / "demo-2025.yaml").unlink()  # keep the run short: two real batches and the small one
    (specs / "examples" / "haigang-health-budget-2025.yaml").unlink()  # a budget; built in tests/test_budget*.py
    (specs / "examples" / "agri-dept-2025-book.yaml").unlink()  # (a book's bulk build: tests/test_kinds.py)
    (specs / "examples" / "xinjiang-selfeval-2023.yaml").unlink()  # an evaluation; built in tests/test_evaluation_example.py
    shutil.rmtree(specs / "examples" / "trial-layout")  # the new-user trial's book (docs/layouts.md)
    shutil.copy(ROOT / "tests" / "data" / "mini.yaml", specs / "mini.yaml")
    broken = specs / "more" / "broken.yaml"
    broken.parent.mkdir()
    broken.write_text((ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8").replace("value: 227", "value: 1"),
                      encoding="utf-8")
    return specs


def run(specs: Path, out: Path, **kw) -> tuple[int, str]:
    buf = io.StringIO()
    status = build_all([specs], out, stream=buf, **kw)
    return status, buf.getvalue()


def test_find_specs_skips_profiles_registries_and_layouts(tree):
    found, missing = find_specs([tree])
    names = sorted(p.name for p in found)
    assert names == ["broken.yaml", "heilongjiang-2023-256.yaml", "mini.yaml", "xinjiang-2024-24.yaml"]
    assert missing == []


def test_good_batches_build_and_the_broken_one_is_named(tree, tmp_path):
    out = tmp_path / "out"
    status, text = run(tree, out, jobs=2)
    assert status == 1
    lines = text.splitlines()
    assert any(line.startswith("✗") and "broken.yaml" in line and "声明为 1" in line for line in lines), text
    assert sum(line.startswith("✓") for line in lines) == 3
    assert "成功 3" in lines[-1] and "失败 1" in lines[-1]
    assert not (out / "broken").exists()
    for name in ("heilongjiang-2023-256", "xinjiang-2024-24", "mini"):
        folder = out / name
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["input_sha256"] and manifest["spec_file_sha256"]
        for entry in manifest["files"]:
            data = (folder / entry["name"]).read_bytes()
            assert len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
        names = zipfile.ZipFile(folder / f"{name}.zip").namelist()
        assert sorted(names) == sorted(e["name"] for e in manifest["files"])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary folders left behind


def test_unchanged_batches_are_skipped_and_changes_rebuilt(tree, tmp_path):
    out = tmp_path / "out"
    run(tree, out, jobs=1)
    status, text = run(tree, out, jobs=1)
    assert text.count("未改动，跳过") == 3
    mini = tree / "mini.yaml"
    mini.write_text(mini.read_text(encoding="utf-8").replace("copies: 10", "copies: 11"), encoding="utf-8")
    _, text = run(tree, out, jobs=1)
    assert text.count("未改动，跳过") == 2 and "✓ " + str(mini) in text
    _, text = run(tree, out, jobs=1, force=True)
    assert "未改动" not in text and "跳过 0" in text


def test_a_failed_rebuild_leaves_the_previous_output(tree, tmp_path):
    out = tmp_path / "out"
    run(tree, out, jobs=1)
    before = (out / "mini" / "manifest.json").read_text(encoding="utf-8")
    mini = tree / "mini.yaml"
    mini.write_text(mini.read_text(encoding="utf-8").replace("printer:", "printr:"), encoding="utf-8")
    status, text = run(tree, out, jobs=1)
    assert status == 1 and "printr" in text
    assert (out / "mini" / "manifest.json").read_text(encoding="utf-8") == before


def test_a_changed_layout_or_referenced_batch_rebuilds_what_read_it(tmp_path):
    """Skipping an unchanged build compares every file the last build read (the manifest's `inputs`): a layout
    beside a book, a batch spec an evaluation report takes its figures from — not only the spec itself."""
    examples = Path(__file__).resolve().parent.parent / "specs" / "examples"
    specs = tmp_path / "specs"
    shutil.copytree(examples / "layouts", specs / "layouts")
    shutil.copy(examples / "agri-dept-2025-book.yaml", specs / "book.yaml")
    out = tmp_path / "out"
    assert run(specs / "book.yaml", out)[0] == 0
    manifest = json.loads((out / "book" / "manifest.json").read_text(encoding="utf-8"))
    assert {"book.yaml", "layouts/dept-project.yaml", "layouts/dept-output.yaml"} <= set(manifest["inputs"])
    assert "未改动，跳过" in run(specs / "book.yaml", out)[1]
    layout = specs / "layouts" / "dept-output.yaml"
    layout.write_text(layout.read_text(encoding="utf-8").replace("（{{ year }}年度）", "（{{ year }}年）"),
                      encoding="utf-8")
    _, text = run(specs / "book.yaml", out)
    assert "未改动" not in text and "✓ " in text
    layout.unlink()  # a file the build read is gone: rebuilt, and the build says why it fails
    _, text = run(specs / "book.yaml", out)
    assert "未改动" not in text and "✗ " in text and "dept-output.yaml" in text


def test_hidden_folders_and_files_are_not_searched(tmp_path):
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "objects" / "x.yaml").write_text("notice: {}\n", encoding="utf-8")
    (tmp_path / ".old.yaml").write_text("notice: {}\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text("notice: {}\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("notice: {}\n", encoding="utf-8")
    assert find_specs([tmp_path]) == ([tmp_path / "a.yaml", tmp_path / "sub" / "b.yml"], [])
