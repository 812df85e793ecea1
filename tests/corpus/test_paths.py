"""References (profile:, registry:, layout paths) stay inside the allowed roots: absolute paths, `..` out,
symlinks out, folders, devices, files of another kind are errors naming the reference, never showing the other
file's content."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus.harness import Case, assert_refused, example, line_of, replace_once

DEMO = example("demo-2025")
MINI = example("mini")
PROFILE = "profile: ../profiles/demo-profile.yaml"
REGISTRY = "registry: ../registries/demo-registry.yaml"
SECRET = "password_hash: s3cr3t-value-XYZ\napi_token: t0ken-ABC\n"
ABSENT = ("root:x", "s3cr3t", "password_hash", "api_token", "t0ken")


def _outside(tmp: Path) -> None:
    """A file and a folder outside every root, and links to them from inside."""
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("kind: profile\n" + SECRET, encoding="utf-8")
    batches = tmp / "specs" / "batches"
    os.symlink(outside / "secret.yaml", batches / "link-out.yaml")
    os.symlink(outside, batches / "dir-out")
    os.symlink("/etc/passwd", batches / "passwd.yaml")
    os.symlink(batches / "loop-a.yaml", batches / "loop-b.yaml")
    os.symlink(batches / "loop-b.yaml", batches / "loop-a.yaml")
    os.mkfifo(batches / "fifo.yaml")
    (batches / "folder.yaml").mkdir()


REFS = {
    "absolute-passwd": "/etc/passwd",
    "absolute-folder": "/etc",
    "absolute-dev-zero": "/dev/zero",
    "dotdot-passwd": "../../../../../../../../etc/passwd",
    "dotdot-through-root": "../profiles/../../outside/secret.yaml",
    "dotdot-outside": "../../outside/secret.yaml",
    "root-folder": "..",
    "own-folder": ".",
    "shared-folder": "../profiles",
    "folder-named-yaml": "folder.yaml",
    "symlink-out": "link-out.yaml",
    "symlink-dir-out": "dir-out/secret.yaml",
    "symlink-passwd": "passwd.yaml",
    "symlink-loop": "loop-a.yaml",
    "fifo": "fifo.yaml",
    "home": "~/.bashrc",
    "windows-drive": "'C:\\Windows\\win.ini'",
    "unc": "'\\\\server\\share\\x.yaml'",
    "missing": "nothing-here.yaml",
    "empty": "''",
    "null": "~",
    "very-long": "a/" * 600 + "x.yaml",
    "nul-byte": '"x\\0.yaml"',
    "number": "42",
    "list": "[a.yaml, b.yaml]",
}


def _ref_cases(key: str, original: str, kind_word: str) -> list[Case]:
    cases = []
    for name, ref in REFS.items():
        new = f"{key}: {ref}"
        text = replace_once(DEMO, original, new)
        cases.append(Case(f"{key}-{name}", "paths", text, field=key, line=line_of(text, new), prepare=_outside,
                          absent=ABSENT))
    return cases


WRONG_KIND = [
    Case("profile-is-a-registry", "paths", replace_once(DEMO, PROFILE, "profile: ../registries/demo-registry.yaml"),
         field="profile", line=5, fragments=("不是发文机关配置文件",), absent=("units", "groups", "甲市")),
    Case("registry-is-a-profile", "paths", replace_once(DEMO, REGISTRY, "registry: ../profiles/demo-profile.yaml"),
         field="registry", line=6, fragments=("不是单位名录文件",), absent=("addressees", "printer")),
    Case("profile-is-itself", "paths", replace_once(DEMO, PROFILE, "profile: batch.yaml"), field="profile", line=5,
         fragments=("不是发文机关配置文件",)),
]

LAYOUT_LINE = "    - layout: region_county\n      units: [甲县财政局]"
LAYOUTS = {
    "absolute": "/etc/passwd.yaml",
    "dotdot": "../../outside/secret.yaml",
    "symlink-out": "link-out.yaml",
    "builtin-traversal": "../../../../etc/hostname",
    "builtin-slash": "region/../../x",
    "folder": "folder.yaml",
    "fifo": "fifo.yaml",
    "not-a-layout": "../profiles/demo-profile.yaml",
}


def _layout_cases() -> list[Case]:
    cases = []
    for name, ref in LAYOUTS.items():
        new = f"    - layout: {ref}\n      units: [甲县财政局]"
        text = replace_once(MINI, LAYOUT_LINE, new)
        cases.append(Case(f"layout-{name}", "paths", text, field="targets.tables[0]", line=line_of(text, new),
                          prepare=_outside, absent=ABSENT))
    return cases


CASES = (_ref_cases("profile", PROFILE, "发文机关配置") + _ref_cases("registry", REGISTRY, "单位名录") + WRONG_KIND
         + _layout_cases())


@pytest.mark.parametrize("case", CASES, ids=str)
def test_reference_refused(case, tmp_path):
    assert_refused(case, tmp_path)


def test_roots_are_configurable(tmp_path, monkeypatch):
    """GONGWEN_ROOTS replaces the default roots: the examples' shared files are then out of reach."""
    from generator.pipeline import check_spec

    monkeypatch.setenv("GONGWEN_ROOTS", str(tmp_path))
    report = check_spec(Path(__file__).resolve().parents[2] / "specs" / "examples" / "demo-2025.yaml")
    assert any(p.loc.path == "profile" and "允许的文件夹之外" in p.message for p in report.errors)


def test_using_roots_allows_a_folder_elsewhere(tmp_path):
    from generator.pipeline import check_spec
    from generator.references import using_roots

    shared = tmp_path / "shared"
    shared.mkdir()
    root = Path(__file__).resolve().parents[2] / "specs"
    (shared / "p.yaml").write_bytes((root / "profiles" / "demo-profile.yaml").read_bytes())
    (shared / "r.yaml").write_bytes((root / "registries" / "demo-registry.yaml").read_bytes())
    spec = tmp_path / "batch" / "b.yaml"
    spec.parent.mkdir()
    spec.write_text(DEMO.replace(PROFILE, "profile: ../shared/p.yaml").replace(REGISTRY, "registry: ../shared/r.yaml"),
                    encoding="utf-8")
    assert any("允许的文件夹之外" in p.message for p in check_spec(spec).errors)
    with using_roots([tmp_path]):
        report = check_spec(spec)
    assert report.ok, "\n".join(map(str, report.errors))
