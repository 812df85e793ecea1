"""Every .docx and .xlsx of every example batch passes openxml-audit (a port of the Open XML SDK's validator)
with 0 findings: Word and Excel open them without repairing. The examples are whatever specs/examples/ holds
when the tests run, so a new example is checked without touching this file."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openxml_audit import OpenXmlValidator

from generator.bulk import build_all, find_specs
from generator.office_parts import with_theme_and_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES, _ = find_specs([ROOT / "specs" / "examples"])


def findings(path: Path) -> list[str]:
    """Every error and warning openxml-audit reports for one file, as text."""
    result = OpenXmlValidator(max_errors=0).validate(path)
    return [f"{e.part_uri} {e.node}: {e.description}" for e in result.errors]


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_document_of_the_example_has_no_findings(spec, tmp_path):
    assert build_all([spec], tmp_path, stream=io.StringIO()) == 0
    documents = sorted([*tmp_path.rglob("*.docx"), *tmp_path.rglob("*.xlsx")])
    assert documents, f"{spec.name} built no .docx or .xlsx"
    report = {p.name: findings(p) for p in documents}
    assert {name: found for name, found in report.items() if found} == {}
    for path in documents:
        with zipfile.ZipFile(path) as zf:
            folder = "word" if path.suffix == ".docx" else "xl"
            assert {f"{folder}/theme/theme1.xml", "docProps/app.xml"} <= set(zf.namelist())


def test_the_audit_reports_a_document_without_its_theme(tmp_path):
    """The check above can fail: the same workbook without the theme relationship is reported."""
    assert build_all([ROOT / "tests" / "data" / "mini.yaml"], tmp_path, stream=io.StringIO()) == 0
    good = next(tmp_path.rglob("*.xlsx"))
    with zipfile.ZipFile(good) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = re.sub(r'<Relationship [^>]*relationships/theme"[^>]*/>', "", rels).encode()
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert any("theme" in f for f in findings(bad))
    assert findings(good) == []


def test_parts_a_template_already_has_are_kept():
    """A template saved by Word brings its own theme and app.xml: nothing is added or replaced."""
    parts = {
        "[Content_Types].xml": b'<Types><Override PartName="/word/theme/theme1.xml" ContentType="t"/>'
                               b'<Override PartName="/docProps/app.xml" ContentType="a"/></Types>',
        "_rels/.rels": b'<Relationships><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/'
                       b'officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
                       b"</Relationships>",
        "word/_rels/document.xml.rels": b'<Relationships><Relationship Id="rId9" Type="http://schemas.'
                                        b'openxmlformats.org/officeDocument/2006/relationships/theme" '
                                        b'Target="theme/theme1.xml"/></Relationships>',
        "word/theme/theme1.xml": b"<clerk's theme/>",
        "docProps/app.xml": b"<clerk's app/>",
    }
    assert with_theme_and_app(parts, "word") == parts
    bare = {"[Content_Types].xml": b"<Types></Types>", "_rels/.rels": b'<Relationships><Relationship Id="rId1" '
            b'Type="x" Target="word/document.xml"/></Relationships>', "word/_rels/document.xml.rels":
            b"<Relationships></Relationships>"}
    added = with_theme_and_app(bare, "word")
    assert b'Id="rId2"' in added["_rels/.rels"] and b"docProps/app.xml" in added["_rels/.rels"]
    assert b'Target="theme/theme1.xml"' in added["word/_rels/document.xml.rels"]
    assert added["[Content_Types].xml"].count(b"<Override") == 2
