"""Bounds on YAML input, checked before the parser sees the text: size, encoding, characters, nesting.

libyaml's C composer recurses once per nesting level (30,000 levels crash the process) and PyYAML expands
aliases without limit (a 382-byte file can ask for gigabytes), so size, nesting and aliases are bounded here
and in yamlsrc.py, and each refusal is a Chinese Problem with file:line:col, found in linear time.
Every limit can be raised through an environment variable (GONGWEN_MAX_YAML_BYTES, …) for an office that
really needs more.
"""

from __future__ import annotations

import os
import re

from .errors import Problem
from .model import Loc


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


MAX_BYTES = _env_int("GONGWEN_MAX_YAML_BYTES", 5 * 1024 * 1024)  # the largest example is 82 KB
MAX_DEPTH = _env_int("GONGWEN_MAX_YAML_DEPTH", 64)  # the examples nest 10 deep
MAX_ALIASES = _env_int("GONGWEN_MAX_YAML_ALIASES", 1000)  # the examples use 33
MAX_EXPANSION = _env_int("GONGWEN_MAX_YAML_EXPANSION", 100_000)  # values aliases may add beyond the written ones
MAX_SHOWN = 5  # problems of one kind reported per file (the rest are counted)

# YAML 1.1's printable set; anything else is refused by the parser and cannot be stored in .docx/.xlsx.
NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def where(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def decode(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The text of a YAML file's bytes (UTF-8, with or without BOM), or a Chinese problem naming the encoding."""
    if len(data) > MAX_BYTES:
        return None, [_size_problem(file, len(data))]
    if data.startswith(UTF16_BOMS) or data[:200].count(b"\x00") > 20:
        return None, [Problem(Loc(file, 1, 1, "(编码)"), "文件是 UTF-16 编码；请另存为 UTF-8 编码（不是“Unicode”）")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        return None, [_encoding_problem(data, e, file)]


def _size_problem(file: str, size: int) -> Problem:
    return Problem(Loc(file, 1, 1, "(文件)"), f"文件过大（{size / 1048576:.1f} MB），上限为 {MAX_BYTES / 1048576:.0f} MB"
                                             f"（可用环境变量 GONGWEN_MAX_YAML_BYTES 调整）")


def _encoding_problem(data: bytes, error: UnicodeDecodeError, file: str) -> Problem:
    start = data.rfind(b"\n", 0, error.start) + 1
    prefix = data[start:error.start].decode("utf-8", "replace")
    line, col = data.count(b"\n", 0, error.start) + 1, len(prefix) + 1
    end = data.find(b"\n", error.start)
    bad_line = data[start:end if end >= 0 else len(data)]
    if _decodes(data, "gb18030"):
        hint = "整个文件似乎是 GBK/GB18030 编码（WPS、记事本“ANSI”常见），请另存为 UTF-8 编码"
    elif _decodes(bad_line, "gb18030"):
        hint = "这一行似乎是 GBK/GB18030 编码（可能从别的文件粘贴而来），其余是 UTF-8；请把整个文件存为 UTF-8"
    else:
        hint = f"第 {line} 行第 {col} 列有无效的字节 0x{data[error.start]:02X}；请把文件另存为 UTF-8 编码"
        return Problem(Loc(file, line, col, "(编码)"), f"文件不是有效的 UTF-8 编码：{hint}")
    return Problem(Loc(file, line, col, "(编码)"), f"文件不是 UTF-8 编码：{hint}")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def check_text(text: str, file: str) -> list[Problem]:
    """Size, characters the parser refuses (at their character column) and nesting depth, before parsing."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return [_size_problem(file, len(text.encode("utf-8", "surrogatepass")))]
    problems = _characters(text, file)
    if problems:
        return problems
    depth, index = nesting_depth(text)
    if depth > MAX_DEPTH:
        line, col = where(text, index)
        return [Problem(Loc(file, line, col, "(结构)"), f"嵌套层数超过 {MAX_DEPTH} 层（此处已达 {depth} 层）："
                                                     f"批次文件不需要这么深的结构，请检查括号和缩进")]
    return []


def _characters(text: str, file: str) -> list[Problem]:
    out = []
    for count, m in enumerate(NOT_PRINTABLE.finditer(text)):
        if count == MAX_SHOWN:
            out.append(Problem(out[0].loc, "还有更多不可见的控制字符（只列出前 5 处）"))
            break
        line, col = where(text, m.start())
        out.append(Problem(Loc(file, line, col, "(文字)"), f"文字中含有不可见的控制字符 U+{ord(m.group()):04X}"
                                                         f"（多为从别处粘贴带入），请删除"))
    return out


def nesting_depth(text: str) -> tuple[int, int]:
    """How deep the text nests (block indentation levels, `- ` items, flow brackets), and where: the first
    place past MAX_DEPTH, or the deepest place. Linear, and conservative: it may count a bracket inside plain
    text, it never misses one that libyaml would nest on."""
    scanner = _DepthScanner(text)
    try:
        scanner.run()
    except _TooDeep:
        pass
    return scanner.max_depth, scanner.max_at


class _TooDeep(Exception):
    pass


_SPACES = re.compile(r"[ ]*")
_DASHES = re.compile(r"(?:[-?](?:[ \t]+|(?=\r?\n|$)))+")
_PROPERTIES = re.compile(r"(?:[&!][^\s,\[\]{}]*[ \t]+)+")  # anchors and tags before a value
_BLOCK_SPECIAL = re.compile(r":(?=[ \t\r\n]|$)| #|\n")
_FLOW_STOP = re.compile(r"[\[\]{}\"'#]")


class _DepthScanner:
    """Walks the text once, skipping comments, quoted scalars and block scalars as YAML does."""

    def __init__(self, text: str) -> None:
        self.text, self.i, self.flow, self.indents = text, 0, 0, []
        self.max_depth, self.max_at, self.line_depth, self.indent = 0, 0, 0, 0

    def note(self, depth: int) -> None:
        if depth > self.max_depth:
            self.max_depth, self.max_at = depth, self.i
            if depth > MAX_DEPTH:
                raise _TooDeep

    def run(self) -> None:
        n = len(self.text)
        while self.i < n:
            if self.flow:
                self.flow_part()
            else:
                self.block_line()

    def block_line(self) -> None:
        """At the start of a line outside brackets: indentation, `- ` items, then the line's values."""
        text = self.text
        start = self.i
        self.i = _SPACES.match(text, self.i).end()
        if self.i >= len(text) or text[self.i] in "\n\r#":
            self.skip_line()
            return
        self.indent = self.i - start
        while self.indents and self.indents[-1] >= self.indent:
            self.indents.pop()
        self.indents.append(self.indent)
        dashes = _DASHES.match(text, self.i)
        depth = len(self.indents)
        if dashes:
            depth += sum(1 for c in dashes.group() if c in "-?")
            self.i = dashes.end()
        self.line_depth = depth
        self.note(depth)
        self.block_rest()

    def block_rest(self) -> None:
        """The rest of a block line: each value (at the start, after `: `) may open brackets, a quote or a
        block scalar; anything else is plain text up to the next `: `, comment or line end."""
        text, n = self.text, len(self.text)
        while self.i < n:
            self.i = _SPACES.match(text, self.i).end()
            props = _PROPERTIES.match(text, self.i)
            if props:
                self.i = props.end()
            c = text[self.i] if self.i < n else "\n"
            if c in "[{":
                self.open_flow()
                return
            if c in "\"'":
                self.quoted(c)
            elif c in "|>":
                self.skip_line()
                self.skip_block_scalar()
                return
            elif c in "#\n\r":
                self.skip_line()
                return
            m = _BLOCK_SPECIAL.search(text, self.i)
            if m is None or m.group() != ":":
                self.skip_line()
                return
            self.i = m.end()
            self.note(self.line_depth + 1)

    def open_flow(self) -> None:
        self.flow += 1
        self.note(self.line_depth + self.flow)
        self.i += 1

    def flow_part(self) -> None:
        """Inside brackets: brackets nest; a quote opens a scalar only where a value starts (after [ { , :),
        elsewhere it is a letter of plain text. Only brackets, quotes and comments stop the scan."""
        text, n = self.text, len(self.text)
        while self.i < n and self.flow:
            m = _FLOW_STOP.search(text, self.i)
            if m is None:
                self.i = n
                return
            self.i, c = m.start(), m.group()
            if c in "[{":
                self.open_flow()
            elif c in "]}":
                self.flow -= 1
                self.i += 1
            elif c == "#":
                if text[self.i - 1] in " \t\n":
                    self.skip_line()
                else:
                    self.i += 1
            elif self.at_value():
                self.quoted(c)
            else:
                self.i += 1
        if not self.flow:
            self.block_rest()

    def at_value(self) -> bool:
        """Whether a value starts here: only spaces since the last flow indicator (a long run of spaces counts
        as a start too, which can only make the scan count more, never less)."""
        before = self.text[max(0, self.i - 64):self.i].rstrip(" \t\r\n")
        return not before or before[-1] in "[{,:?"

    def quoted(self, quote: str) -> None:
        """Skip a quoted scalar (it may span lines); '' and backslash escapes stay inside."""
        text = self.text
        pattern = _DOUBLE_END if quote == '"' else _SINGLE_END
        m = pattern.match(text, self.i + 1)
        self.i = m.end() if m else len(text)

    def skip_line(self) -> None:
        end = self.text.find("\n", self.i)
        self.i = len(self.text) if end < 0 else end + 1

    def skip_block_scalar(self) -> None:
        """Lines of a | or > scalar: blank, or indented more than the line that opened it."""
        text, n = self.text, len(self.text)
        while self.i < n:
            j = _SPACES.match(text, self.i).end()
            if j < n and text[j] not in "\n\r" and j - self.i <= self.indent:
                return
            self.skip_line()


_DOUBLE_END = re.compile(r'(?:[^"\\]|\\.)*(?:"|$)', re.S)
_SINGLE_END = re.compile(r"(?:[^']|'')*(?:'|$)", re.S)
