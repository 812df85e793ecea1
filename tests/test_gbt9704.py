"""Every example notice passes the clause-by-clause GB/T 9704-2012 checker, formal mode included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import check_spec
from generator.render_notice import notice_file_name, render_notice_documents

HERE = Path(__file__).parent
CHECKER = HERE / "data" / "gbt9704" / "check.py"
SPECS = [p for p in sorted((HERE.parent / "specs" / "examples").glob("*.yaml"))  # the notice batches
         if "\nkind: batch" in p.read_text(encoding="utf-8")] + [HERE / "data" / "mini.yaml"]


def run_checker(path: Path, *flags: str) -> tuple[int, list[dict]]:
    """Exit status and the checks (clause, key, status, …) the checker reports for one .docx."""
    proc = subprocess.run([sys.executable, str(CHECKER), str(path), "--json", *flags], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    return proc.returncode, data["results"]


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_example_notice_passes_the_checker(tmp_path, spec):
    report = check_spec(spec)
    assert report.ok, report.problems
    name = notice_file_name(report.derived.notice)
    path = tmp_path / "notice.docx"
    path.write_bytes(render_notice_documents(report.derived)[name])
    for flags in ((), ("--formal",)):
        status, checks = run_checker(path, *flags)
        failed = [c for c in checks if c["status"] == "FAIL"]
        assert status == 0 and not failed, failed
        passed = {c["key"] for c in checks if c["status"] == "PASS"}
        # The elements a formal notice must have were found and checked, not skipped as N/A.
        assert {"date", "colophon-rules", "cc", "print-line", "title", "addressee", "red-rule"} <= passed, passed


def test_checker_catches_a_notice_without_date_or_full_stop(tmp_path):
    """The test above can fail: the same checker on a notice that lacks 成文日期 and 抄送's 。."""
    text = (HERE / "data" / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("  sign_date: 2024-03-07\n", "").replace("  cc: [财政部示例监管局]\n",
                                                                     "  cc: [财政部示例监管局]\n  cc_end: \"\"\n")
    spec = tmp_path / "draft.yaml"
    spec.write_text(text, encoding="utf-8")
    derived = check_spec(spec).derived
    path = tmp_path / "draft.docx"
    path.write_bytes(render_notice_documents(derived)[notice_file_name(derived.notice)])
    status, checks = run_checker(path, "--formal")
    assert status == 1
    assert {"date", "cc"} <= {c["key"] for c in checks if c["status"] == "FAIL"}
