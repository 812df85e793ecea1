"""PyYAML's English syntax errors in Chinese, with both of its places: where the construct began (the
context mark) and where parsing failed (the problem mark)."""

from __future__ import annotations

import re

import yaml

from .errors import Problem
from .model import Loc

# What was being read when parsing failed ("while …", the context).
CONTEXTS = [
    ("flow sequence", "方括号列表 [ … ]"),
    ("flow mapping", "花括号键值 { … }"),
    ("block mapping", "键值块"),
    ("block collection", "列表"),
    ("block node", "值"),
    ("flow node", "值"),
    ("quoted scalar", "引号中的文字"),
    ("simple key", "键"),
    ("block scalar", "多行文字（| 或 >）"),
    ("plain scalar", "文字"),
    ("anchor", "锚点 &"),
    ("alias", "别名 *"),
    ("tag", "标签 !"),
    ("directive", "指令 %"),
    ("document", "文档"),
    ("next token", "下一项"),
    ("node", "值"),
]

# What went wrong (the problem); checked in order, the first match wins.
PROBLEMS = [
    ("did not find expected ',' or ']'", "缺少「,」或「]」：方括号没有闭合，或两项之间少了逗号"),
    ("did not find expected ',' or '}'", "缺少「,」或「}」：花括号没有闭合，或两项之间少了逗号"),
    ("did not find expected key", "这里应是一个键（缩进不一致，或多了/少了「- 」）"),
    ("did not find expected '-' indicator", "这里应是以「- 」开头的列表项（缩进不一致）"),
    ("did not find expected node content", "这里缺少值"),
    ("did not find expected <document start>", "这里多出了内容（缩进不一致？）"),
    ("expected <document start>", "这里多出了内容（缩进不一致？）"),
    ("expected <block end>", "缩进不一致：这一行的缩进与上文对不上"),
    ("expected the node content", "这里缺少值"),
    ("mapping values are not allowed", "这里不能写「键: 值」：缩进不对，或文字中的「: 」需要加引号"),
    ("block sequence entries are not allowed", "这里不能开始「- 」列表项（缩进不对？）"),
    ("could not find expected ':'", "缺少「:」：键后面要写冒号和空格"),
    ("found unexpected ':'", "多余的「:」：文字中的冒号请加引号"),
    ("found character '\\t' that cannot start any token", "有制表符（Tab）：YAML 只能用空格缩进"),
    ("found a tab character", "有制表符（Tab）：YAML 只能用空格缩进"),
    ("found character that cannot start any token", "有不能作为开头的字符（如 @、`、% 开头的文字须加引号）"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    ("found unknown escape character", "双引号中有无效的转义（\\ 后的字符）；字面的反斜杠请写作 \\\\ 或改用单引号"),
    ("expected escape sequence", "双引号中的 \\x、\\u 转义写法不对"),
    ("did not find expected hexdecimal number", "双引号中的 \\x、\\u 转义写法不对（\\u 后应为 4 位十六进制数）"),
    ("found invalid Unicode character escape code", "双引号中的 \\u 转义不是有效的字符"),
    ("did not find expected comment or line break", "这里应换行：多余的字符（| 或 > 后只能写 + - 或数字）"),
    ("found undefined alias", "别名 * 没有对应的锚点 &"),
    ("found duplicate anchor", "锚点 & 名字重复"),
    ("expected alphabetic or numeric character", "锚点 & 或别名 * 的名字无效"),
    ("expected a comment or a line break", "这里应换行：多余的字符（文字中的「#」前若有空格会被当作注释）"),
    ("expected chomping or indentation indicators", "| 或 > 后的写法不对"),
    ("found incompatible YAML document", "不支持的 YAML 版本指令"),
    ("found duplicate YAML directive", "重复的 %YAML 指令"),
    ("expected a single document", "文件中有多个 YAML 文档（用 --- 分开）；一个文件只能写一个"),
    ("expected ' ', but found", "这里缺少空格"),
    ("expected URI", "标签写法不对"),
    ("unacceptable character", "有不允许的字符"),
    ("special characters are not allowed", "有不允许的特殊字符"),
    ("control characters are not allowed", "有不可见的控制字符"),
]


def translate(problem: str | None) -> str:
    """The Chinese for one of PyYAML's problem texts (a generic sentence for one not in the table)."""
    text = problem or ""
    for english, chinese in PROBLEMS:
        if english in text:
            return chinese
    return "写法不符合 YAML 语法"


def _context(context: str | None) -> str | None:
    if not context:
        return None
    for english, chinese in CONTEXTS:
        if english in context:
            return chinese
    return "内容"


def syntax_problem(error: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """One Problem for a syntax error: located where the construct began when PyYAML knows it (the line a
    clerk must fix: the unclosed bracket), naming the place where parsing failed too."""
    problem, context = error.problem_mark, error.context_mark
    reason = translate(error.problem)
    began = _context(error.context)
    at = context if context is not None and (problem is None or context.line != problem.line
                                             or context.column != problem.column) else problem
    if at is None:
        return Problem(Loc(file, 1, 1, "(语法)"), f"YAML 语法错误：{reason}")
    message = f"YAML 语法错误：{reason}"
    if at is context and problem is not None:
        message = (f"YAML 语法错误：从这里（第 {context.line + 1} 行第 {context.column + 1} 列）开始的{began or '内容'} "
                   f"没有正确结束，解析到第 {problem.line + 1} 行第 {problem.column + 1} 列时失败：{reason}")
    lines = text.splitlines()
    mark_line = (problem or at).line
    if mark_line < len(lines) and "{{" in "".join(lines[max(0, at.line):mark_line + 1]):
        message += "。提示：含 {{ 填空 }} 的文字放在 { } 或 [ ] 里时须加引号，如 text: \"…{{ days }}…\""
    return Problem(Loc(file, at.line + 1, at.column + 1, "(语法)"), message)


_ENGLISH = re.compile(r"\b(while|found|expected|could not|did not|not allowed|cannot|scanning|parsing|character|"
                      r"scalar|token|stream|document start|block end|indentation|unacceptable)\b", re.I)


def english_left(message: str) -> bool:
    """Whether a message still carries PyYAML's English (for the tests: every YAML message is translated)."""
    return bool(_ENGLISH.search(message))
