"""Spec text and Word templates run in the sandbox: undocumented names, attributes and calls are refused
by a check that never evaluates them."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from generator.errors import RenderError
from generator.figures import unit_slots
from generator.pipeline import check_spec
from generator.sandbox import MAX_OUTPUT, check_text, render_text
from generator.textfill import fill

MINI = Path(__file__).parent / "data" / "mini.yaml"


class Tripwire(dict):
    """A context value that records any attempt to read it."""

    touched: list = []

    def __getitem__(self, key):
        Tripwire.touched.append(key)
        return super().__getitem__(key)


def context():
    @__import__("generator.sandbox", fromlist=["slot_function"]).slot_function
    def fig(project=None, measure="due", unit=None, part=None, sep=True):
        return "42"

    return {"amount": "3,975", "year": 2024, "att": {"filing": "3"}, "v": Tripwire({"htn": "12万"}), "fig": fig,
            "unit": {"name": "甲市财政局", "parent": {"name": "甲市"}}}


PAYLOADS = [
    ("{{ cycler.__init__.__globals__.os.getcwd() }}", "cycler"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "cycler"),
    ("{{ joiner() }}", "joiner"),
    ("{{ namespace(a=1) }}", "namespace"),
    ("{{ lipsum() }}", "lipsum"),
    ("{{ range(100000000) | list }}", "range"),
    ("{{ self }}", "self"),
    ("{{ ''.__class__.__mro__ }}", "__class__"),
    ("{{ fig.__globals__ }}", "__globals__"),
    ("{{ att.__class__ }}", "__class__"),
    ("{{ att['__class__'] }}", "__class__"),
    ("{{ unit.parent.__init__ }}", "__init__"),
    ("{{ v | attr('__class__') }}", "attr"),
    ("{{ v | map(attribute='__class__') | list }}", "map"),
    ("{{ amount.upper() }}", "amount.upper"),
    ("{{ year ** 99999999 }}", "**"),
    ("{{ 'x' * 1000000000 }}", "*"),
    ("{{ '%999999999d' % 1 }}", "%"),
    ("{% for i in att %}{{ i }}{% endfor %}", "for"),
    ("{% set x = 1 %}", "set"),
    ("{% include '/etc/passwd' %}", "include"),
    ("{% import 'x' as y %}", "import"),
    ("{% macro m() %}{% endmacro %}", "macro"),
    ("{{ fig(*[1]) }}", "fig"),
    ("{{ fig(evil=1) }}", "evil"),
    ("{{ secret }}", "secret"),
    ("{{ att.missing }}", "missing"),
    ("{{ year.real }}", "real"),
]


@pytest.mark.parametrize("text, named", PAYLOADS, ids=[p[1] for p in PAYLOADS])
def test_payloads_are_refused_before_evaluation(text, named):
    Tripwire.touched = []
    ctx = context()
    reasons = check_text(text, ctx)
    assert reasons and any(named in r for r in reasons), reasons
    assert all(not r.isascii() for r in reasons)  # Chinese
    problems = []
    assert fill(text, ctx, None, problems, "正文段落") == text  # left as typed, never rendered
    assert problems and "正文段落" in problems[0].message
    assert Tripwire.touched == []


def test_documented_slots_still_work():
    ctx = context()
    text = ("{{ amount }}|{{ att.filing }}|{{ att['filing'] }}|{{ v.htn }}|{{ v.dm | default('无') }}|{{ fig('a') }}|"
            "{{ unit.parent.name }}|{{ unit.name | replace('财政局', '卫生健康委') }}")
    assert check_text(text, ctx) == []
    assert render_text(text, ctx) == "3,975|3|3|12万|无|42|甲市|甲市卫生健康委"


@pytest.mark.parametrize("text, printed", [
    ("写作 {{ '{{' }} 金额 {{ '}}' }}", "写作 {{ 金额 }}"),
    ("{% raw %}{{ amount }}{% endraw %}元", "{{ amount }}元"),
])
def test_literal_braces_as_documented(text, printed):
    problems = []
    assert fill(text, context(), None, problems, "正文") == printed
    assert problems == []


def test_replace_cannot_blow_up():
    text = "{{ amount" + " | replace('', 'xxxxxxxxxxxxxxxxxxxx')" * 8 + " }}"
    problems = []
    fill(text, context(), None, problems, "正文")
    assert problems and str(MAX_OUTPUT) in problems[0].message


def test_syntax_error_is_chinese_with_line():
    problems = []
    fill("第一行\n{{ amount ", context(), None, problems, "正文段落")
    assert problems and "第 2 行" in problems[0].message and "填空写法有误" in problems[0].message


def test_unit_slots_expose_only_plain_values():
    class FakeUnit:
        id, name, short, code, level, parent = "u", "甲县", None, None, "county", None

    assert unit_slots(FakeUnit()) == {"id": "u", "name": "甲县", "short": "甲县", "code": "", "level": "county",
                                     "parent": None}


def test_payload_in_a_spec_is_reported_at_its_field_and_never_run(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace(
        "    - 现将{{ fund_name }}", "    - 现将{{ cycler.__init__.__globals__.os.getcwd() }}{{ fund_name }}")
    spec = tmp_path / "s.yaml"
    spec.write_text(text, encoding="utf-8")
    report = check_spec(spec)
    assert not report.ok
    hits = [p for p in report.errors if "cycler" in p.message]
    assert hits and hits[0].loc.path == "notice.body[0]" and hits[0].loc.line == 10
    assert os.getcwd() not in "\n".join(map(str, report.problems))


def test_template_marks_in_plain_fields_are_refused(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace("program: 示例能力提升",
                                                    "program: 基层{{ cycler.__init__.__globals__.os.getcwd() }}")
    spec = tmp_path / "s.yaml"
    spec.write_text(text, encoding="utf-8")
    report = check_spec(spec)
    hits = [p for p in report.errors if p.loc and p.loc.path == "notice.program"]
    assert hits and "普通文字" in hits[0].message and hits[0].loc.line == 7
    assert os.getcwd() not in "\n".join(map(str, report.problems))


def edited_docx_template(tmp_path, monkeypatch, old: str, new: str):
    from generator import docx_package

    source = docx_package.TEMPLATE_DIR / "notice.docx"
    target = tmp_path / "notice.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.decode("utf-8").replace(old, new, 1).encode("utf-8")
            zout.writestr(info, data)
    monkeypatch.setattr(docx_package, "TEMPLATE_DIR", tmp_path)


@pytest.mark.parametrize("payload", ["{{ cycler.__init__.__globals__ }}", "{{ printer.__class__ }}",
                                     "{{ printer.upper() }}", "{% set x = 1 %}"])
def test_clerk_editable_docx_template_runs_in_the_sandbox(tmp_path, monkeypatch, payload):
    from generator.docx_package import load_template

    edited_docx_template(tmp_path, monkeypatch, "{{ printer }}", payload)
    with pytest.raises(RenderError, match="不允许"):
        load_template("notice.docx")
