"""Injection: template payloads in every kind of text that takes slots, template marks in plain names,
paths, and text that looks like XML or an Excel formula (which must build, as plain text)."""

from __future__ import annotations

import io
import zipfile

import pytest

from corpus.harness import Case, assert_accepted, assert_refused, example, line_of, replace_once

MINI = example("mini")

PAYLOADS = {
    "cycler-globals": "{{ cycler.__init__.__globals__.os.getcwd() }}",
    "self-globals": "{{ self.__init__.__globals__ }}",
    "mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "lipsum-popen": "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "namespace": "{{ namespace.__init__.__globals__ }}",
    "joiner": "{{ joiner() }}",
    "range-list": "{{ range(99999999999) | list }}",
    "for-range": "{% for x in range(9999999) %}x{% endfor %}",
    "pow": "{{ 9 ** 9 ** 9 }}",
    "repeat": "{{ 'a' * 999999999 }}",
    "include": "{% include '/etc/passwd' %}",
    "attr-filter": "{{ fig | attr('__globals__') }}",
}

# (site id, text to find in mini.yaml, replacement with {p} for the payload, field reported, line of the field)
SITES = [
    ("body-plain", "    - 现将{{ fund_name }}", "    - 现将{p}{{ fund_name }}", "notice.body[0]"),
    ("body-flow", 'text: "请于收文', 'text: "{p}请于收文', "notice.body[1]"),
    ("attachment-title", 'title: "{{ year }}年示例补助', 'title: "{p}{{ year }}年示例补助', "attachments[0]"),
    ("column-label", 'label: "绩效（{{ total }}w）"', 'label: "绩效{p}（{{ total }}w）"', "attachments[0]"),
    ("target-goal", "goal: 通过投入{{ amount }}", "goal: 通过投入{p}{{ amount }}", "targets"),
    ("target-field", 'fields: {local_finance: "{{ unit.name }}"', 'fields: {local_finance: "{p}{{ unit.name }}"',
     "targets.tables[0]"),
]


def _template_cases() -> list[Case]:
    cases = []
    for site, old, new, field in SITES:
        for name, payload in PAYLOADS.items():
            text = replace_once(MINI, old, new.replace("{p}", payload))
            cases.append(Case(f"{site}-{name}", "injection", text, field=field, fragments=("不允许",)))
    return cases


PLAIN = ["issuer: 示例省财政厅", "program: 示例能力提升", "fund_level: 中央财政", "addressees: 各市财政局",
         "printer: 示例省财政厅办公室", "cc: [财政部示例监管局]"]


def _plain_cases() -> list[Case]:
    cases = []
    for old in PLAIN:
        key = old.split(":")[0]
        value = old.split(": ", 1)[1]
        new = f'{key}: ["{{{{ cycler }}}}{value.strip("[]")}"]' if key == "cc" else f"{key}: {value}{{{{ year }}}}"
        text = replace_once(MINI, old, new)
        cases.append(Case(f"plain-{key}", "injection", text, field=f"notice.{key}", line=line_of(text, new),
                          fragments=("普通文字",)))
    return cases


CASES = _template_cases() + _plain_cases()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_injection_refused(case, tmp_path):
    assert_refused(case, tmp_path)


def _docx_text(outcome) -> str:
    folder = next(outcome.out_dir.iterdir())
    notice = next(folder.glob("*通知.docx"))
    with zipfile.ZipFile(notice) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def _xlsx_cells(outcome) -> list[str]:
    folder = next(outcome.out_dir.iterdir())
    book = next(folder.glob("附件1 *.xlsx"))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(book.read_bytes()))
    return [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def _xml_kept_as_text(outcome):
    xml = _docx_text(outcome)
    assert "&lt;/w:t&gt;&lt;w:p&gt;" in xml and "<w:p>X" not in xml


def _formula_kept_as_text(outcome):
    cells = _xlsx_cells(outcome)
    assert any(isinstance(c, str) and c.startswith(FORMULA) for c in cells)
    folder = next(outcome.out_dir.iterdir())
    with zipfile.ZipFile(next(folder.glob("附件1 *.xlsx"))) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "cmd|" not in "".join(__import__("re").findall(r"<f>[^<]*</f>", sheet))  # in no formula


FORMULA = "=2+5+cmd|' /C calc'!A0"
ACCEPTED = [
    Case("xml-in-addressees", "injection", replace_once(MINI, "addressees: 各市财政局",
                                                        "addressees: 各市财政局</w:t><w:p>X"), verify=_xml_kept_as_text),
    Case("formula-unit-name", "injection", MINI.replace("省医院", FORMULA), verify=_formula_kept_as_text),
]


@pytest.mark.parametrize("case", ACCEPTED, ids=str)
def test_hostile_text_builds_as_plain_text(case, tmp_path):
    assert_accepted(case, tmp_path)
