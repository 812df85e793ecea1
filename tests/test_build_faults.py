"""Build-time faults: what the operating system refuses becomes a Chinese message naming the path, exit 1, the
previous output intact; builds killed half way are put right by the next run, which leaves no hidden folders."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from corpus.build_faults import KILLER

from generator import writer
from generator.cli import main
from generator.filenames import MAX_NAME_BYTES, bounded_name
from generator.os_errors import describe
from generator.pipeline import check_spec

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def spec(tmp_path) -> Path:
    path = tmp_path / "specs" / "mini.yaml"
    path.parent.mkdir()
    shutil.copy(MINI, path)
    return path


def build(spec: Path, out: Path, capsys, *extra: str) -> tuple[int, str]:
    status = main(["build", str(spec), "-o", str(out), "-j", "1", *extra])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def edit(spec: Path, old: str, new: str) -> None:
    text = spec.read_text(encoding="utf-8")
    assert old in text
    spec.write_text(text.replace(old, new), encoding="utf-8")


def complete(folder: Path) -> dict:
    """The folder's manifest after checking that every file it lists is there with its size and hash."""
    meta = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in meta["files"]:
        data = (folder / entry["name"]).read_bytes()
        assert len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
    assert (folder / f"{folder.name}.zip").is_file()
    return meta


def hidden(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def assert_clean_failure(status: int, text: str, *fragments: str) -> None:
    assert status == 1, text
    assert "Traceback" not in text and "内部错误" not in text, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)


# --- the output folder itself --------------------------------------------------------------------------------

def test_output_path_is_a_file(spec, tmp_path, capsys):
    target = tmp_path / "out.txt"
    target.write_text("keep me", encoding="utf-8")
    status, text = build(spec, target, capsys)
    assert_clean_failure(status, text, str(target), "是一个文件而不是文件夹")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_output_path_under_a_file(spec, tmp_path, capsys):
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    status, text = build(spec, tmp_path / "plain" / "out", capsys)
    assert_clean_failure(status, text, str(tmp_path / "plain" / "out"), "是文件而不是文件夹")


def test_a_regular_file_where_the_batch_folder_goes_is_left_alone(spec, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mini").write_text("a colleague's notes", encoding="utf-8")
    status, text = build(spec, out, capsys)
    assert_clean_failure(status, text, str(out / "mini"), "同名的文件", "未覆盖")
    assert (out / "mini").read_text(encoding="utf-8") == "a colleague's notes"
    assert hidden(out) == []


def test_a_symlink_where_the_batch_folder_goes_is_left_alone(spec, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "mini").symlink_to(elsewhere)
    status, text = build(spec, out, capsys)
    assert_clean_failure(status, text, str(out / "mini"), "符号链接")
    assert (out / "mini").is_symlink() and list(elsewhere.iterdir()) == []
    assert hidden(out) == []


@pytest.mark.skipif(IS_ROOT, reason="root may write anywhere; the read-only mount below covers it")
def test_unwritable_output_folder(spec, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        status, text = build(spec, out, capsys)
    finally:
        out.chmod(0o755)
    assert_clean_failure(status, text, str(out), "没有权限")
    assert list(out.iterdir()) == []


def test_permission_refused_when_creating_the_work_folder(spec, tmp_path, capsys, monkeypatch):
    real_mkdir = os.mkdir

    def refuse(path, *args, **kw):
        if Path(path).name.startswith(".gw-tmp-"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_mkdir(path, *args, **kw)

    monkeypatch.setattr(os, "mkdir", refuse)
    status, text = build(spec, tmp_path / "out", capsys)
    assert_clean_failure(status, text, str(tmp_path / "out"), "没有权限")


@contextlib.contextmanager
def tmpfs(path: Path, options: str):
    """A small tmpfs mounted at path (root only; the test is skipped where mounting is not allowed)."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True,
                          check=False) if IS_ROOT and shutil.which("mount") else None
    if done is None or done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_read_only_file_system(spec, tmp_path, capsys):
    with tmpfs(tmp_path / "ro", "ro,size=1m") as out:
        status, text = build(spec, out, capsys)
    assert_clean_failure(status, text, str(out), "只读")


def test_disk_full_on_a_real_small_disk_keeps_the_previous_output(spec, tmp_path, capsys):
    with tmpfs(tmp_path / "small", "size=96k") as out:
        assert build(spec, out, capsys)[0] == 0
        before = complete(out / "mini")
        edit(spec, "copies: 10", "copies: 11")
        (out / "filler").write_bytes(b"\0" * 20_000)  # leave less room than one more document set
        status, text = build(spec, out, capsys)
        assert_clean_failure(status, text, str(out / "mini"), "磁盘空间已满")
        assert complete(out / "mini") == before
        assert hidden(out) == []


def test_disk_full_half_way_keeps_the_previous_output(spec, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert build(spec, out, capsys)[0] == 0
    before = complete(out / "mini")
    edit(spec, "copies: 10", "copies: 11")
    real, calls = writer.write_file, []

    def fill_up(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(writer, "write_file", fill_up)
    status, text = build(spec, out, capsys)
    assert_clean_failure(status, text, "磁盘空间已满", str(out / "mini" / calls[2].name))
    assert complete(out / "mini") == before
    assert hidden(out) == []


# --- names -------------------------------------------------------------------------------------------------

def test_the_longest_program_builds_with_bounded_names(spec, tmp_path, capsys):
    # 80 characters, the most the loader allows: the notice's file name would be about 345 bytes (ext4: 255)
    edit(spec, "program: 示例能力提升", "program: " + "长" * 80)
    status, text = build(spec, tmp_path / "out", capsys)
    assert status == 0, text
    names = [e["name"] for e in complete(tmp_path / "out" / "mini")["files"]]
    notice = [n for n in names if n.startswith("示财社")]
    assert len(notice) == 1 and notice[0].endswith(".docx") and "长长长" in notice[0]
    assert all(len(n.encode()) <= MAX_NAME_BYTES for n in names)


def test_a_long_spec_file_name_gives_a_bounded_folder(spec, tmp_path, capsys):
    long_spec = spec.with_name("批" * 80 + ".yaml")  # 240 bytes: the zip would be 244, its work folder 260
    spec.rename(long_spec)
    status, text = build(long_spec, tmp_path / "out", capsys)
    assert status == 0, text
    (folder,) = (tmp_path / "out").iterdir()
    assert len(folder.name.encode()) <= MAX_NAME_BYTES and folder.name.startswith("批批批")
    complete(folder)


def test_bounded_name_keeps_short_names_and_separates_long_ones():
    assert bounded_name("附件1 分配表", ".xlsx") == "附件1 分配表.xlsx"
    assert bounded_name('a/b:c*?"<>|\x00\u202e', ".docx") == "abc.docx"
    assert bounded_name("..hidden. ", "") == "hidden"
    first, second = bounded_name("甲" * 300 + "一", ".docx"), bounded_name("甲" * 300 + "二", ".docx")
    assert first != second and first.endswith(".docx") and second.startswith("甲" * 10)
    assert len(first.encode()) <= MAX_NAME_BYTES and len(first) <= 120


def test_names_from_elsewhere_cannot_leave_the_batch_folder():
    assert writer.safe_relative("../../etc/passwd") == "etc/passwd"
    assert writer.safe_relative("pdf/" + "名" * 200 + ".pdf").startswith("pdf/名")
    assert len(writer.safe_relative("名" * 200 + ".pdf").encode()) <= MAX_NAME_BYTES


# --- messages ----------------------------------------------------------------------------------------------

def test_impossible_date_gives_the_check_message(spec, tmp_path, capsys):
    edit(spec, "print_date: 2024-03-08", "print_date: 2023-02-30")
    status, checked = main(["check", str(spec)]), capsys.readouterr().out
    assert status == 1
    status, text = build(spec, tmp_path / "out", capsys)
    assert_clean_failure(status, text, "2023-02-30")
    message = next(line for line in checked.splitlines() if "2023-02-30" in line)
    assert message in text
    assert not (tmp_path / "out" / "mini").exists()


def test_build_prints_each_warning(spec, tmp_path, capsys):
    edit(spec, "units: [甲县财政局]", "units: [甲县财政局, 乙县财政局]")  # 乙县 has nothing due this batch
    report_warnings = [str(w) for w in check_spec(spec).warnings]
    assert len(report_warnings) == 1 and "乙县财政局" in report_warnings[0]
    status, text = build(spec, tmp_path / "out", capsys)
    assert status == 0 and f"{len(report_warnings)} 个警告" in text
    for warning in report_warnings:
        assert warning in text


def test_describe_names_path_and_reason():
    e = OSError(errno.ENAMETOOLONG, "File name too long", "/x/y")
    assert describe(e, "无法写入") == "无法写入 /x/y：文件名或路径过长"
    assert "错误码" in describe(OSError(errno.ECHILD, "No child processes"), "无法读写", "/p")


# --- permissions and manifest ------------------------------------------------------------------------------

@pytest.mark.parametrize(("mask", "folder_mode", "file_mode"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_output_permissions_follow_the_umask(spec, tmp_path, capsys, mask, folder_mode, file_mode):
    old = os.umask(mask)
    try:
        assert build(spec, tmp_path / "out", capsys)[0] == 0
    finally:
        os.umask(old)
    folder = tmp_path / "out" / "mini"
    assert stat.S_IMODE(folder.stat().st_mode) == folder_mode
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == file_mode, path


def test_manifest_records_the_spec_file_and_all_inputs(spec, tmp_path, capsys):
    assert build(spec, tmp_path / "out", capsys)[0] == 0
    meta = complete(tmp_path / "out" / "mini")
    assert meta["spec_file_sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest()
    assert meta["input_sha256"] and meta["input_sha256"] != meta["spec_file_sha256"]
    assert "spec_sha256" not in meta


def test_a_read_only_previous_output_is_replaced_without_leftovers(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(spec, out, capsys)[0] == 0
    for path in (out / "mini").iterdir():
        path.chmod(0o444)
    (out / "mini").chmod(0o555)
    edit(spec, "copies: 10", "copies: 11")
    status, text = build(spec, out, capsys)
    assert status == 0, text
    complete(out / "mini")
    assert hidden(out) == []


# --- builds killed half way --------------------------------------------------------------------------------

# The child that SIGKILLs itself at the n-th call of one step of the write is the corpus's (KILLER): while
# writing the documents, before the swap, between the two renames of a swap (where renameat2 is not available),
# after the swap, while deleting the previous folder.


def killed_build(spec: Path, out: Path, point: str, n: int, fallback: bool = False) -> int:
    args = [sys.executable, "-c", KILLER, point, str(n), "renames" if fallback else "exchange",
            "build", str(spec), "-o", str(out), "-j", "1", "--force"]
    return subprocess.run(args, cwd=ROOT, capture_output=True, check=False, timeout=120).returncode


# every kill point, and builds at once, are cases of tests/corpus/build_faults.py; here the one that puts back


def test_the_batch_folder_killed_between_renames_is_put_back(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(spec, out, capsys)[0] == 0
    before = complete(out / "mini")
    assert killed_build(spec, out, "rename", 2, fallback=True) == -signal.SIGKILL
    assert not (out / "mini").exists() and len(hidden(out)) == 2
    status, text = build(spec, out, capsys)  # unchanged spec: put back, then skipped as unchanged
    assert status == 0 and "已恢复" in text and "未改动，跳过" in text, text
    assert complete(out / "mini") == before and hidden(out) == []


def test_leftovers_of_earlier_versions_are_put_right(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(spec, out, capsys)[0] == 0
    before = complete(out / "mini")
    (out / "mini").rename(out / ".mini.old-4242")  # the old two-rename swap killed half way
    (out / ".mini.k3j_x9q2").mkdir()  # and its tempfile.mkdtemp folder
    (out / ".mini.k3j_x9q2" / "half.docx").write_bytes(b"PK")
    status, text = build(spec, out, capsys)
    assert status == 0, text
    assert complete(out / "mini") == before and hidden(out) == []


def test_a_live_build_s_work_folder_is_not_cleaned(spec, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    from generator.leftovers import folder_lock, make_temp

    with folder_lock(out):
        live, fd = make_temp(out, "mini")
    try:
        writer.clean_output(out)
        assert live.is_dir()
    finally:
        os.close(fd)
    writer.clean_output(out)
    assert not live.exists()


def test_the_unchanged_check_reads_only_regular_files_it_listed(tmp_path):
    """Deciding whether a batch is unchanged never hangs on a device or folder that replaced a file the last build
    read, and never parses anything (the build's loader reports what is wrong)."""
    from generator.bulk import inputs_digest, unchanged

    spec = tmp_path / "x.yaml"
    spec.write_text("kind: book\n", encoding="utf-8")
    (tmp_path / "p.yaml").write_text("kind: profile\n", encoding="utf-8")
    listed = {"x.yaml": hashlib.sha256(spec.read_bytes()).hexdigest(),
              "p.yaml": hashlib.sha256((tmp_path / "p.yaml").read_bytes()).hexdigest()}
    previous = {"inputs": listed, "input_sha256": inputs_digest(listed)}
    assert unchanged(spec, previous)
    (tmp_path / "p.yaml").write_text("kind: profile\nissuer: 乙\n", encoding="utf-8")
    assert not unchanged(spec, previous)  # a changed profile rebuilds the batch
    (tmp_path / "p.yaml").unlink()
    (tmp_path / "p.yaml").symlink_to("/dev/zero")
    assert not unchanged(spec, previous)  # a device: not read
    (tmp_path / "p.yaml").unlink()
    (tmp_path / "p.yaml").mkdir()
    assert not unchanged(spec, previous)  # a folder
    assert not unchanged(spec, {"inputs": "nonsense", "input_sha256": 1}) and not unchanged(spec, {})
