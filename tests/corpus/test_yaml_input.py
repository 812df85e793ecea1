"""YAML syntax, encoding, size and bombs: each is one Chinese error at the right line, found fast, and
never a traceback, a crash of the process, or English from PyYAML."""

from __future__ import annotations

import pytest

from corpus.harness import Case, assert_refused, example, line_of, replace_once
from generator.yaml_messages import english_left

MINI = example("mini")
DEMO = example("demo-2025")
LINES = MINI.splitlines(keepends=True)


def at_line(n: int, new: str, text: str = MINI) -> str:
    """text with line n (1-based) replaced."""
    lines = text.splitlines(keepends=True)
    lines[n - 1] = new
    return "".join(lines)


def _no_english(outcome):
    messages = [line for line in outcome.output.splitlines() if "错误：" in line]
    assert messages and not any(english_left(m.split("错误：", 1)[1]) for m in messages), messages


def syntax(case_id: str, old: str, new: str, *fragments: str, at: str | None = None, base: str = MINI,
           shift: int = 0) -> Case:
    """A syntax mutation of an example; the error must stand on the line of `at` (default: the new text's
    first line) plus `shift`: where the broken construct begins."""
    text = replace_once(base, old, new)
    line = line_of(text, at or new.strip().splitlines()[0]) + shift
    return Case(case_id, "yaml-syntax", text, line=line, fragments=fragments, verify=_no_english)


def whole(case_id: str, text: str, line: int, *fragments: str) -> Case:
    return Case(case_id, "yaml-syntax", text, line=line, fragments=fragments, verify=_no_english)


P = "program: 示例能力提升"
SYNTAX = [
    syntax("unclosed-bracket", "cc: [财政部示例监管局]", "cc: [财政部示例监管局", "方括号", "第 14 行"),
    syntax("unclosed-brace", 'slots: {days: "5"}', 'slots: {days: "5"', "花括号"),
    syntax("unclosed-double-quote", 'slots: {days: "5"}', 'slots: {days: "5}', "花括号"),
    syntax("unclosed-single-quote", P, "program: '示例能力提升", "引号", "意外结束"),
    syntax("unclosed-bracket-demo", "layouts: [project, region_city, region_county]",
           "layouts: [project, region_city, region_county", "方括号", base=DEMO),
    syntax("unclosed-brace-demo", "  - {unit: 示例省人民医院, equip: {due: 800, advance: 500}}",
           "  - {unit: 示例省人民医院, equip: {due: 800, advance: 500}", "花括号", base=DEMO),
    syntax("bad-indent-key", "  fund_level: 中央财政", " fund_level: 中央财政", "缩进", at="notice:"),
    syntax("over-indent-key", "  fund_level: 中央财政", "     fund_level: 中央财政", "这里不能写"),
    syntax("tab-indent", "  fund_level: 中央财政", "\tfund_level: 中央财政", "制表符", shift=-1),
    syntax("colon-in-plain", P, "program: 示例: 能力提升", "加引号"),
    syntax("dash-in-mapping", "  year: 2024\n", "  year: 2024\n  - x\n", "缩进", at="issuer:"),
    syntax("at-sign-start", P, "program: @示例", "不能作为开头"),
    syntax("backtick-start", P, "program: `示例", "不能作为开头"),
    syntax("percent-start", P, "program: %示例", "不能作为开头"),
    syntax("bad-escape", 'slots: {days: "5"}', 'slots: {days: "5\\q"}', "转义"),
    syntax("bad-unicode-escape", 'slots: {days: "5"}', 'slots: {days: "\\u12"}', "转义"),
    syntax("escaped-surrogate", P, 'program: "示例\\ud800"', "转义"),
    syntax("stray-close-bracket", "cc: [财政部示例监管局]", "cc: [财政部示例监管局]]", "缩进", at="issuer:"),
    syntax("stray-close-brace", 'slots: {days: "5"}', 'slots: {days: "5"}}', "缩进", at="issuer:"),
    syntax("missing-comma-flow", "{id: lab, name: 实验室建设}", "{id: lab name: 实验室建设}", "花括号"),
    syntax("missing-colon-space", P, "program:示例能力提升\n  x", "「:」"),
    syntax("template-unquoted-in-flow", 'fields: {local_finance: "{{ unit.name }}"',
           "fields: {local_finance: {{ unit.name }}", "加引号"),
    syntax("template-unquoted-in-seq", 'text: "请于收文{{ days }}', "text: 请于收文{{ days }}", "加引号"),
    syntax("anchor-bad-name", P, "program: &  示例", "锚点"),
    syntax("undefined-alias", P, "program: *nothing", "锚点"),
    syntax("self-alias", P, "program: &p [*p]", "自身"),
    syntax("block-scalar-bad-indicator", P, "program: |x\n    示例", "换行"),
    syntax("python-tag", P, "program: !!python/object/apply:os.getcwd []", "标签"),
    syntax("binary-tag", P, "program: !!binary aGVsbG8=", "标签"),
    syntax("local-tag", P, "program: !secret 示例", "标签"),
    syntax("set-tag", P, "program: !!set {a, b}", "标签"),
    syntax("duplicate-key", "  year: 2024\n", "  year: 2024\n  year: 2025\n", "重复", at="year: 2025"),
    syntax("duplicate-top-key", "money:", "money:", "重复", base=DEMO.replace("money:\n  decimals: 2",
                                                                              "money:\n  decimals: 2\nmoney: {}"),
           at="money: {}"),
    syntax("complex-key", "  year: 2024\n", "  year: 2024\n  ? [a, b]\n  : x\n", "键应为文字", at="? [a, b]"),
    syntax("second-document", "kind: batch", "kind: batch", "多个", base=MINI + "---\nkind: batch\n", at="---"),
    syntax("directive-version", "# A small", "%YAML 9.9\n---\n# A small", "版本"),
    whole("empty-file", "", 1, "空的"),
    whole("only-comments", "# 只有注释\n# nothing else\n", 1, "空的"),
    whole("just-tilde", "~\n", 1, "空值"),
    whole("just-null", "null\n", 1, "空值"),
    whole("top-is-list", "- a\n- b\n", 1, "键值映射"),
    whole("top-is-text", "这不是批次文件\n", 1, "键值映射"),
    whole("top-is-number", "42\n", 1, "键值映射"),
]
_HALF = MINI[: MINI.index("  - {unit: 甲县财政局")] + "  - {unit: 省医院, lab: {due: 1\n"
SYNTAX.append(whole("truncated", _HALF, line_of(_HALF, "{due: 1\n"), "花括号"))


ENCODING = [
    Case("gbk-whole-file", "encoding", MINI.encode("gbk"), line=None, fragments=("GBK",)),
    Case("gb18030-whole-file", "encoding", MINI.replace("示例", "示例𠀀").encode("gb18030"), fragments=("GB18030",)),
    Case("gbk-one-line", "encoding", MINI.encode("utf-8").replace("示例能力提升".encode(), "示例能力提升".encode("gbk")),
         line=7, fragments=("这一行", "GBK")),
    Case("utf16-bom", "encoding", MINI.encode("utf-16"), line=1, fragments=("UTF-16",)),
    Case("utf16-le-no-bom", "encoding", MINI.encode("utf-16-le"), line=1, fragments=("UTF-16",)),
    Case("latin1-byte", "encoding", MINI.encode("utf-8").replace("程序".encode(), b"") .replace(
        "示例能力提升".encode(), "示例能力提升".encode() + b"\xe9t\xe9"), line=7, fragments=("UTF-8",)),
    Case("truncated-utf8", "encoding", MINI.encode("utf-8").replace("示例能力提升".encode(), "示例能力提升".encode()[:-1]),
         line=7, fragments=("UTF-8",)),
    Case("raw-control-char", "encoding", replace_once(MINI, "program: 示例能力提升", "program: 示例\x01能力提升"),
         line=7, fragments=(":7:14:", "U+0001")),  # the character's column, not libyaml's byte offset
    Case("raw-control-char-col", "encoding", replace_once(MINI, "  addressees: 各市财政局，省直有关单位",
                                                          "  addressees: 各市财政局，省\x08直有关单位"),
         line=8, fragments=(":8:22:", "U+0008")),
    Case("raw-escape-char", "encoding", replace_once(MINI, "program: 示例能力提升", "program: 示例\x1b[31m"), line=7),
    Case("raw-nul", "encoding", replace_once(MINI, "program: 示例能力提升", "program: 示例\x00"), line=7),
    Case("raw-del-c1", "encoding", replace_once(MINI, "program: 示例能力提升", "program: 示例\x9b"), line=7),
    Case("raw-fffe", "encoding", replace_once(MINI, "program: 示例能力提升", "program: 示例\ufffe"), line=7),
    Case("escaped-fffe-title", "encoding", replace_once(MINI, "program: 示例能力提升",
                                                        'program: 示例能力提升\n  title: "关于\\ufffe下达"'),
         line=8, field="notice.title", fragments=("U+FFFE",)),
    Case("escaped-ffff", "encoding", replace_once(MINI, "program: 示例能力提升", 'program: "示例\\uffff"'), line=7,
         field="notice.program"),
    Case("escaped-nul", "encoding", replace_once(MINI, "program: 示例能力提升", 'program: "示例\\0"'), line=7,
         field="notice.program"),
    Case("escaped-bell", "encoding", replace_once(MINI, "program: 示例能力提升", 'program: "示例\\a"'), line=7),
    Case("escaped-in-unit-name", "encoding", replace_once(MINI, "{name: 省医院,", '{name: "省医院\\x0b",'),
         line=line_of(MINI, "{name: 省医院,")),
    Case("escaped-in-body", "encoding", replace_once(MINI, "    - 现将{{ fund_name }}", '    - "\\x1f现将{{ fund_name }}'
                                                     ).replace("（具体金额详见附件{{ att.alloc }}）。", "（具体金额详见附件{{ att.alloc }}）。\""),
         line=10),
]


def _bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def bomb(case_id: str, text: str, line: int | None, *fragments: str, subprocess: bool = True) -> Case:
    return Case(case_id, "size-and-bombs", text, line=line, fragments=fragments, subprocess=subprocess)


MB = 1024 * 1024
BOMBS = [
    bomb("alias-bomb-6x10", _bomb(6, 10) + MINI, 5, "YAML 炸弹"),
    bomb("alias-bomb-9x9", _bomb(9, 9) + MINI, 6, "YAML 炸弹"),
    bomb("alias-bomb-in-notice", replace_once(MINI, "  program: 示例能力提升\n", "  program: 示例能力提升\n  slots0: &s0 [x, x, x, x, x, x, x, x, x, x]\n"
                                              + "".join(f"  slots{i}: &s{i} [" + ", ".join([f'*s{i - 1}'] * 10) + "]\n"
                                                        for i in range(1, 8))), None, "YAML 炸弹"),
    bomb("too-many-aliases", "a: &a x\nb: [" + ", ".join(["*a"] * 1500) + "]\n" + MINI, 2, "别名"),
    bomb("self-alias-map", "a: &a {b: *a}\n" + MINI, 1, "自身"),
    bomb("self-alias-deep", "a: &a [[[[*a]]]]\n" + MINI, 1, "自身"),
    bomb("deep-flow-1500", "x: " + "[" * 1500 + "]" * 1500 + "\n" + MINI, 1, "嵌套"),
    bomb("deep-flow-30000", "x: " + "[" * 30000 + "]" * 30000 + "\n" + MINI, 1, "嵌套"),
    bomb("deep-flow-unclosed", "x: " + "[" * 30000 + "\n" + MINI, 1, "嵌套"),
    bomb("deep-flow-maps", "x: " + "{a: " * 30000 + "1" + "}" * 30000 + "\n" + MINI, 1, "嵌套"),
    bomb("deep-dashes", "x:\n" + "- " * 30000 + "y\n" + MINI, 2, "嵌套"),
    bomb("deep-indent", "".join(" " * i + f"k{i}:\n" for i in range(1000)) + MINI, 64, "嵌套"),
    bomb("deep-hidden-in-quotes", "x: [" + '"]", [' * 3000 + "\n" + MINI, 1, "嵌套"),
    bomb("deep-after-block-scalar", 'x: |\n  "\ny: ' + "[" * 3000 + '\nz: "\n' + MINI, 3, "嵌套"),
    bomb("size-6mb-comment", MINI + ("# " + "注" * 100 + "\n") * (6 * MB // 302), 1, "文件过大"),
    bomb("size-6mb-expected", MINI + "".join(f"  - {{of: total, measure: due, value: {i}}}\n" for i in range(160_000)),
         1, "文件过大"),
    bomb("expected-500k-entries", MINI.replace("expected:\n", "expected:\n" + "".join(
        f"  - {{of: total, measure: due, value: {i}}}\n" for i in range(500_000)), 1), 1, "文件过大"),
    bomb("expected-2k-wrong", MINI.replace("expected:\n", "expected:\n" + "".join(
        f"  - {{of: total, measure: due, value: {i}}}\n" for i in range(2_000)), 1),
         line_of(MINI, "expected:\n") + 1, "声明为 0"),
    bomb("one-line-4mb", MINI.replace("program: 示例能力提升", "program: " + "长" * (1_300_000)), 7, "文字过长"),
    bomb("title-100k", MINI.replace("program: 示例能力提升", "program: 示例能力提升\n  title: " + "关于下达资金的通知" * 11_000), 8,
         "文字过长"),
    bomb("program-1000", MINI.replace("program: 示例能力提升", "program: " + "长" * 1000), 7, "文字过长"),
    bomb("many-keys", "x: {" + ", ".join(f"k{i}: {i}" for i in range(5_000)) + "}\n" + MINI, 1, "未知的键"),
    bomb("many-unknown-keys-in-notice", MINI.replace("notice:\n", "notice:\n" + "".join(
        f"  zz{i}: {i}\n" for i in range(300)), 1), 3, "未知的键"),
]


@pytest.mark.parametrize("case", SYNTAX, ids=str)
def test_yaml_syntax(case, tmp_path):
    assert_refused(case, tmp_path)


@pytest.mark.parametrize("case", ENCODING, ids=str)
def test_encoding(case, tmp_path):
    assert_refused(case, tmp_path)


@pytest.mark.parametrize("case", BOMBS, ids=str)
def test_size_and_bombs(case, tmp_path):
    assert_refused(case, tmp_path)


def test_bom_is_accepted(tmp_path):
    from generator.pipeline import check_spec

    spec = tmp_path / "bom.yaml"
    spec.write_bytes(b"\xef\xbb\xbf" + MINI.encode("utf-8"))
    report = check_spec(spec)
    assert report.ok, "\n".join(map(str, report.problems))
