"""Read YAML safely and keep every value's file:line:column.

PyYAML's SafeLoader composes the node graph (no Python objects are ever built from
tags); we turn it into dicts and lists that remember where each value stood.
Duplicate keys, which YAML loaders silently accept, are reported here.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Problem
from .model import Loc

Pos = tuple[str, int, int]  # file, line, column (1-based)
# libyaml's safe loader when PyYAML was built with it (about 6× faster); the pure-Python one otherwise
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YNum(str):
    """A YAML number kept as its source text, so money never passes through float."""


class YMap(dict):
    """A mapping that remembers the position of each key and value."""

    pos: Pos
    key_pos: dict
    val_pos: dict


class YList(list):
    """A sequence that remembers the position of each item."""

    pos: Pos
    item_pos: list


def _pos(file: str, node) -> Pos:
    return (file, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node, file: str, problems: list[Problem], path: str):
    if isinstance(node, yaml.MappingNode):
        out = YMap()
        out.pos, out.key_pos, out.val_pos = _pos(file, node), {}, {}
        for key_node, val_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            sub = f"{path}.{key}" if path else str(key)
            if key in out:
                f, line, col = _pos(file, key_node)
                problems.append(Problem(Loc(f, line, col, sub), f"键「{key}」重复出现；YAML 只会保留最后一个值"))
            out[key] = _convert(val_node, file, problems, sub)
            out.key_pos[key] = _pos(file, key_node)
            out.val_pos[key] = _pos(file, val_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = YList()
        out.pos, out.item_pos = _pos(file, node), []
        for i, item in enumerate(node.value):
            out.append(_convert(item, file, problems, f"{path}[{i}]"))
            out.item_pos.append(_pos(file, item))
        return out
    tag, text = node.tag, node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return text.lower() in ("true", "yes", "on")
    if tag.endswith(":int") or tag.endswith(":float"):
        return YNum(text)
    return text


def load_yaml(path: Path, display: str | None = None) -> tuple[object, list[Problem]]:
    """Parse one YAML file; return (data, problems). Syntax errors become problems, never tracebacks."""
    file = display or str(path)
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(Loc(file, 1, 1, "(文件)"), "找不到文件")]
    except UnicodeDecodeError as e:
        return None, [Problem(Loc(file, 1, 1, "(文件)"), f"文件不是 UTF-8 编码：{e.reason}")]
    return parse_yaml(text, file, problems), problems


def parse_yaml(text: str, file: str, problems: list[Problem]):
    """Compose YAML text with the safe loader and convert it, appending problems."""
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = e.problem or str(e)
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "{{" in lines[mark.line]:
            reason += "。提示：含 {{ 填空 }} 的文字放在 { } 或 [ ] 里时须加引号，如 text: \"…{{ days }}…\""
        problems.append(Problem(Loc(file, line, col, "(语法)"), f"YAML 语法错误：{reason}"))
        return None
    except yaml.reader.ReaderError as e:
        before = text[: e.position]
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        problems.append(Problem(Loc(file, line, col, "(文字)"),
                                f"文字中含有不可见的控制字符 U+{e.character:04X}（多为从别处粘贴带入），请删除"))
        return None
    except yaml.YAMLError as e:
        problems.append(Problem(Loc(file, 1, 1, "(语法)"), f"YAML 语法错误：{e}"))
        return None
    if node is None:
        empty = YMap()
        empty.pos, empty.key_pos, empty.val_pos = (file, 1, 1), {}, {}
        return empty
    return _convert(node, file, problems, "")
