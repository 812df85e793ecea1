"""Read YAML safely and keep every value's file:line:column.

The text is first bounded (generator/limits.py: size, encoding, characters, nesting); then libyaml's
parser streams events and we build dicts and lists that remember where each value stood, with an explicit
stack (no recursion, so no depth can crash us) and a budget on what aliases may add. Tags never build
Python objects. Duplicate keys, which YAML loaders silently accept, are reported here. Every syntax error is
translated into Chinese with both places PyYAML knows: where the construct began and where parsing failed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import yaml

from . import limits
from .errors import Problem
from .model import Loc
from .yaml_messages import syntax_problem

Pos = tuple[str, int, int]  # file, line, column (1-based)
# libyaml's safe loader when PyYAML was built with it (about 6× faster); the pure-Python one otherwise
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD = "tag:yaml.org,2002:"
_TYPES = {"str", "int", "float", "bool", "null", "map", "seq", "timestamp"}


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


class _Stop(Exception):
    """Raised inside the event loop when the input is refused as a whole (the problem is already recorded)."""


_READ: ContextVar[dict[Path, str] | None] = ContextVar("yaml_files_read", default=None)


@contextmanager
def recording_reads() -> Iterator[dict[Path, str]]:
    """Every YAML file load_yaml reads inside the block (the spec, its profile, registry, layouts, included parts,
    referenced batch specs, data files), with the sha256 of its bytes: what a build depended on."""
    token = _READ.set({})
    try:
        yield _READ.get()
    finally:
        _READ.reset(token)


def load_yaml(path: Path, display: str | None = None) -> tuple[object, list[Problem]]:
    """Parse one YAML file; return (data, problems). Bad input becomes problems, never tracebacks."""
    file = display or str(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.MAX_BYTES + 1)
    except FileNotFoundError:
        return None, [Problem(Loc(file, 1, 1, "(文件)"), "找不到文件")]
    except IsADirectoryError:
        return None, [Problem(Loc(file, 1, 1, "(文件)"), "这是文件夹，不是文件")]
    except OSError as e:
        return None, [Problem(Loc(file, 1, 1, "(文件)"), f"无法读取文件（{e.strerror or '系统错误'}）")]
    read = _READ.get()
    if read is not None:
        read[path.resolve()] = hashlib.sha256(data).hexdigest()
    text, problems = limits.decode(data, file)
    if text is None:
        return None, problems
    return parse_yaml(text, file, problems), problems


def parse_yaml(text: str, file: str, problems: list[Problem]):
    """Bound, parse and convert YAML text, appending problems; None when nothing usable came out."""
    text = text.removeprefix("\ufeff")
    refused = limits.check_text(text, file)
    if refused:
        problems.extend(refused)
        return None
    builder = _Builder(file, problems)
    try:
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            builder.feed(event)
    except _Stop:
        return None
    except yaml.MarkedYAMLError as e:
        problems.append(syntax_problem(e, text, file))
        return None
    except yaml.YAMLError as e:  # a reader error the character check did not foresee
        problems.append(Problem(Loc(file, 1, 1, "(语法)"), f"YAML 无法读取此文件（{type(e).__name__}）"))
        return None
    if builder.root is None:
        what = "只有一个空值（~）" if builder.has_root else "是空的（没有任何内容）"
        problems.append(Problem(Loc(file, 1, 1, "(文件)"), f"文件{what}：应为键值映射（如 kind: batch …）"))
    return builder.root


class _Builder:
    """Turns parser events into YMap/YList/scalars with positions, bounding what aliases add."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file, self.problems = file, problems
        self.stack: list[list] = []  # [container, pending key, key pos, anchor, size, path]
        self.anchors: dict[str, tuple[object, int]] = {}
        self.open_anchors: set[str] = set()
        self.root, self.has_root, self.documents, self.aliases, self.expansion = None, False, 0, 0, 0
        self.tags: dict[tuple, str] = {}  # implicit tag of a plain scalar's text (the same texts recur)

    def pos(self, event) -> Pos:
        return (self.file, event.start_mark.line + 1, event.start_mark.column + 1)

    def stop(self, event, message: str, path: str = "(结构)") -> None:
        f, line, col = self.pos(event)
        self.problems.append(Problem(Loc(f, line, col, path), message))
        raise _Stop

    def feed(self, event) -> None:
        kind = type(event).__name__
        if kind == "ScalarEvent":  # most events: first
            self.value(self.scalar(event), event, 1)
        elif kind == "DocumentStartEvent":
            self.documents += 1
            if self.documents > 1:
                self.stop(event, "文件中有多个 YAML 文档（用 --- 分开）；一个文件只能写一个批次")
        elif kind == "AliasEvent":
            self.alias(event)
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            self.check_tag(event, "map" if kind == "MappingStartEvent" else "seq")
            container = YMap() if kind == "MappingStartEvent" else YList()
            container.pos = self.pos(event)
            if isinstance(container, YMap):
                container.key_pos, container.val_pos = {}, {}
            else:
                container.item_pos = []
            if event.anchor:
                self.open_anchors.add(event.anchor)
            self.stack.append([container, None, None, event.anchor, 1, self.path()])
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            container, _, _, anchor, size, _ = self.stack.pop()
            if anchor:
                self.open_anchors.discard(anchor)
                self.anchors[anchor] = (container, size)
            self.value(container, event, size, placed=True)

    def path(self) -> str:
        if not self.stack:
            return ""
        container, key, _, _, _, path = self.stack[-1]
        if isinstance(container, YList):
            return f"{path}[{len(container)}]"
        if key is None:
            return path
        return f"{path}.{key}" if path else str(key)

    def check_tag(self, event, default: str) -> None:
        tag = event.tag
        if tag and tag != "!" and not (tag.startswith(_STANDARD) and tag[len(_STANDARD):] in _TYPES):
            f, line, col = self.pos(event)
            shown = "!!" + tag[len(_STANDARD):] if tag.startswith(_STANDARD) else tag
            self.problems.append(Problem(Loc(f, line, col, self.path() or "(标签)"),
                                         f"不支持 YAML 标签「{shown[:40]}」：批次文件只用文字、数字、列表和键值映射"))

    def scalar(self, event):
        tag = event.tag
        if tag is None or tag == "!":
            key = (event.value, event.implicit)
            tag = self.tags.get(key)
            if tag is None:
                tag = self.tags[key] = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        else:
            self.check_tag(event, "str")
        text = event.value
        if limits.NOT_PRINTABLE.search(text):  # from an escape such as "\ufffe": Word and Excel cannot store it
            bad = limits.NOT_PRINTABLE.search(text).group()
            f, line, col = self.pos(event)
            self.problems.append(Problem(Loc(f, line, col, self.path() or "(文字)"),
                                         f"文字中含有 Word/Excel 文件不能保存的字符 U+{ord(bad):04X}（多为转义写法 \\u…），请删除"))
            text = limits.NOT_PRINTABLE.sub("", text)
        if tag.endswith(":null"):
            return None
        if tag.endswith(":bool"):
            return text.lower() in ("true", "yes", "on", "y")
        if tag.endswith(":int") or tag.endswith(":float"):
            return YNum(text)
        return text

    def alias(self, event) -> None:
        name = event.anchor
        if name in self.open_anchors:
            self.stop(event, f"别名「*{name}」引用了包含它自身的内容（循环引用）", self.path() or "(别名)")
        if name not in self.anchors:
            self.stop(event, f"别名「*{name}」没有对应的锚点「&{name}」（锚点须写在别名之前）", self.path() or "(别名)")
        value, size = self.anchors[name]
        self.aliases += 1
        self.expansion += size
        if self.aliases > limits.MAX_ALIASES:
            self.stop(event, f"别名（*…）超过 {limits.MAX_ALIASES} 个", self.path() or "(别名)")
        if self.expansion > limits.MAX_EXPANSION:
            self.stop(event, f"别名展开后的内容过多（超过 {limits.MAX_EXPANSION} 项）：疑似“YAML 炸弹”，请不要层层引用别名",
                      self.path() or "(别名)")
        self.value(value, event, size)

    def value(self, value, event, size: int, placed: bool = False) -> None:
        """Put a finished value into the open container (or make it the document's root)."""
        if not placed and type(event).__name__ == "ScalarEvent" and event.anchor:
            self.anchors[event.anchor] = (value, 1)
        pos = value.pos if placed else self.pos(event)
        if not self.stack:
            self.root, self.has_root = value, True
            return
        top = self.stack[-1]
        top[4] += size
        container = top[0]
        if isinstance(container, YList):
            container.append(value)
            container.item_pos.append(pos)
        elif top[1] is None:
            top[1], top[2] = self.key(value, event, pos), pos
        else:
            key, key_pos = top[1], top[2]
            if key in container:
                path = f"{top[5]}.{key}" if top[5] else key
                self.problems.append(Problem(Loc(*key_pos, path), f"键「{key}」重复出现；YAML 只会保留最后一个值"))
            container[key] = value
            container.key_pos[key], container.val_pos[key] = key_pos, pos
            top[1] = None

    def key(self, value, event, pos: Pos) -> str:
        if isinstance(value, (YMap, YList)):
            self.problems.append(Problem(Loc(*pos, self.stack[-1][5] or "(键)"), "键应为文字，不能是列表或键值映射"
                                         "（含 {{ 填空 }} 的文字放在 { } 或 [ ] 里时须加引号）"))
            return f"?{pos[1]}:{pos[2]}"
        return event.value if type(event).__name__ == "ScalarEvent" else str(value)


_RESOLVER = yaml.SafeLoader("")  # for implicit tag resolution only (int, float, bool, null, timestamp, str)
