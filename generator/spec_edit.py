"""Write a spec back after a web edit by splicing its text: comments, order, layout, line endings and every
untouched byte stay as they were, so the git diff shows only the values a clerk changed.

Positions come from PyYAML's safe composer (no Python objects are built from the text). The field forms
(edit_fields.py), the allocation grid (edit_grid.py) and the list operations (edit_ops.py) all write through
`SpecText`; a text with CRLF line ends keeps them (web.store restores a file's own line ends and BOM).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import yaml

from . import limits
from .errors import GeneratorError
from .yaml_messages import syntax_problem
from .yamlsrc import SAFE_LOADER

Path_ = tuple  # a key path: str keys and int list indexes
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*$")
_SPECIAL = re.compile(r"^(true|false|yes|no|on|off|null|~|[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?)$", re.I)
# A money cell as a clerk may type it: digits with an optional sign, thousands separators and decimals.
_AMOUNT = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")


class EditError(GeneratorError):
    """Raised when a web edit cannot be applied (the text is not YAML, a value is not of its kind)."""


def parse_amount(text: str, decimals: int = 2) -> Decimal | None:
    """A money amount typed in a cell (blank means none); NaN, Infinity, exponents, words and more than
    `decimals` decimals are refused with a message in the clerk's words."""
    text = (text or "").translate(_FULLWIDTH).strip().replace(" ", "")
    if not text:
        return None
    if not _AMOUNT.match(text):
        raise EditError(f"「{text}」不是数字：金额请只填数字（万元），可带负号和小数点，不能用科学计数法或文字")
    value = Decimal(text.replace(",", ""))
    places = len(text.split(".")[1]) if "." in text else 0
    if places > decimals:
        raise EditError(f"「{text}」有 {places} 位小数，本批次金额最多 {decimals} 位小数")
    return value


def scalar_text(value) -> str:
    """A value as YAML source: numbers and booleans plain, text plain when safe, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and not _SPECIAL.match(text) and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)


class FlowMap(dict):
    """A new nested mapping, written in flow style: {year: 2024}."""


class Raw(str):
    """YAML source text inserted as it is (a block chunk being moved)."""


class Flow(str):
    """A value's YAML flow source, already written (a copy of part of the spec)."""


def source_of(value) -> str:
    """YAML flow source for a scalar, a FlowMap/dict or a list."""
    if isinstance(value, (Raw, Flow)):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar_text(k)}: {source_of(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(source_of(v) for v in value) + "]"
    return scalar_text(value)


def node_source(node: yaml.Node) -> str:
    """YAML flow source of a composed node (a copy of part of a spec), numbers and dates kept as typed."""
    if isinstance(node, yaml.MappingNode):
        return "{" + ", ".join(f"{node_source(k)}: {node_source(v)}" for k, v in node.value) + "}"
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(node_source(v) for v in node.value) + "]"
    if node.tag.rsplit(":", 1)[-1] in ("int", "float", "bool", "null", "timestamp") and node.style is None:
        return node.value
    text = node.value
    return json.dumps(text, ensure_ascii=False) if _SPECIAL.match(text) else scalar_text(text)


class SpecText:
    """The text of a spec and its node tree; every edit splices the text and re-reads the tree."""

    def __init__(self, text: str):
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self._compose()

    def _compose(self) -> None:
        refused = limits.check_text(self.text, "")  # size and nesting before libyaml's recursive composer
        if refused:
            raise EditError(refused[0].message)
        try:
            self.root = yaml.compose(self.text, Loader=SAFE_LOADER)
        except yaml.MarkedYAMLError as e:
            raise EditError(syntax_problem(e, self.text, "").message) from e
        except yaml.YAMLError as e:
            raise EditError(f"无法解析 YAML：{getattr(e, 'problem', None) or e}") from e
        if self.root is not None and not isinstance(self.root, yaml.MappingNode):
            raise EditError("批次文件的最上层应为键值对（名称: 值）")

    def node(self, path: Path_) -> yaml.Node | None:
        """The node at a path of keys (str) and list indexes (int), or None."""
        node = self.root
        for key in path:
            if isinstance(node, yaml.MappingNode) and isinstance(key, str):
                node = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
            else:
                return None
            if node is None:
                return None
        return node

    def get(self, path: Path_):
        """The scalar text at a path (None when absent, null or not a scalar)."""
        node = self.node(path)
        if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
            return node.value
        return None

    def length(self, path: Path_) -> int:
        """How many items the sequence at path has (0 when absent or not a sequence)."""
        node = self.node(path)
        return len(node.value) if isinstance(node, yaml.SequenceNode) else 0

    def keys(self, path: Path_) -> list[str]:
        """The keys of the mapping at path, in file order."""
        node = self.node(path)
        return [k.value for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []

    def replace_many(self, edits: list[tuple[Path_, object]]) -> None:
        """Replace several existing values in one pass (a pasted block of cells): one re-read, not one each."""
        spans = []
        for path, value in edits:
            node = self.node(path)
            if node is None:
                raise EditError(f"找不到要修改的值：{'/'.join(map(str, path))}")
            spans.append((node.start_mark.index, self._end(node), source_of(value)))
        for start, end, new in sorted(spans, reverse=True):
            self._splice(start, end, new)
        self._compose()

    def set(self, path: Path_, value) -> None:
        """Replace, add or (value None) remove the value at path, touching nothing else."""
        parent = self.node(path[:-1])
        key = path[-1]
        if parent is None:
            if value is not None:
                self.set(path[:-1], FlowMap({key: value}))
            return
        if isinstance(parent, yaml.SequenceNode):
            if value is None:
                self.remove(path)
            else:
                self.replace_many([(path, value)])
            return
        if not isinstance(parent, yaml.MappingNode):
            raise EditError(f"「{path[-2] if len(path) > 1 else ''}」下不能再写「{key}」")
        pair = next(((k, v) for k, v in parent.value if k.value == key), None)
        if pair is None:
            if value is not None:
                self._insert_key(parent, key, value)
        elif value is None:
            self._remove_pair(parent, pair)
        else:
            self._splice(pair[1].start_mark.index, self._end(pair[1]), source_of(value))
        self._compose()

    def set_list(self, path: Path_, values: list) -> None:
        """Make the sequence at path hold `values`, changing only the items that differ."""
        node = self.node(path)
        if not isinstance(node, yaml.SequenceNode):
            self.set(path, list(values) if values else None)
            return
        current = [v.value if isinstance(v, yaml.ScalarNode) else None for v in node.value]
        changed = [((*path, i), v) for i, v in enumerate(values[: len(current)]) if current[i] != str(v)]
        if changed:
            self.replace_many(changed)
        for i in range(len(current), len(values)):
            self.insert(path, i, values[i])
        for i in range(len(current) - 1, len(values) - 1, -1):
            self.remove((*path, i))

    def insert(self, path: Path_, index: int, value) -> None:
        """Insert an item into the sequence at path (created when absent) before `index` (or at the end)."""
        seq = self.node(path)
        if seq is None:
            self.set(path, [value] if not isinstance(value, Raw) else None)
            return
        if not isinstance(seq, yaml.SequenceNode):
            raise EditError(f"「{path[-1]}」不是列表")
        index = max(0, min(index, len(seq.value)))
        if self._is_flow(seq):
            self._insert_flow(seq, index, source_of(value))
        else:
            self._insert_block(seq, index, value)
        self._compose()

    def remove(self, path: Path_) -> None:
        """Remove the item at path (a list index) with its line(s); comments on other lines stay."""
        seq, index = self.node(path[:-1]), path[-1]
        if not isinstance(seq, yaml.SequenceNode) or not 0 <= index < len(seq.value):
            raise EditError("要删除的项目不存在（页面可能已过期，请刷新）")
        item = seq.value[index]
        if self._is_flow(seq):
            if len(seq.value) == 1:
                start, end = item.start_mark.index, self._end(item)
            elif index > 0:
                start, end = self._end(seq.value[index - 1]), self._end(item)
            else:
                start, end = item.start_mark.index, seq.value[1].start_mark.index
        else:
            start, end = self._item_lines(seq, index)
        self._splice(start, end, "")
        self._compose()

    def move(self, path: Path_, to: int) -> None:
        """Move the item at path (a list index) to position `to` of the same list."""
        seq, index = self.node(path[:-1]), path[-1]
        if not isinstance(seq, yaml.SequenceNode) or not 0 <= index < len(seq.value):
            raise EditError("要移动的项目不存在（页面可能已过期，请刷新）")
        to = max(0, min(to, len(seq.value) - 1))
        if to == index:
            return
        if self._is_flow(seq):
            chunk = Raw(self.text[seq.value[index].start_mark.index:self._end(seq.value[index])])
        else:
            start, end = self._item_lines(seq, index)
            chunk = Raw(self.text[start:end])
        self.remove(path)
        self.insert(path[:-1], to, chunk)

    # ── text positions ──

    def _splice(self, start: int, end: int, new: str) -> None:
        self.text = self.text[:start] + new + self.text[end:]

    def _is_flow(self, node: yaml.Node) -> bool:
        return self.text[node.start_mark.index:node.start_mark.index + 1] in ("[", "{")

    def _end(self, node: yaml.Node) -> int:
        """Where a node's last token ends (a block's end_mark lies past its comments and line break)."""
        while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value and not self._is_flow(node):
            last = node.value[-1]
            node = last[1] if isinstance(last, tuple) else last
        end = node.end_mark.index
        while end > node.start_mark.index and self.text[end - 1] in "\r\n \t":
            end -= 1  # block scalars (| >) end after their line break
        return end

    def _line_start(self, pos: int) -> int:
        return max(self.text.rfind("\n", 0, pos), self.text.rfind("\r", 0, pos)) + 1

    def _line_end(self, pos: int) -> int:
        """Index of the line break after pos (the \\r of a CRLF), or the text's end."""
        match = re.compile(r"[\r\n]").search(self.text, pos)
        return match.start() if match else len(self.text)

    def _after_line(self, pos: int) -> int:
        """Index just past the line break after pos."""
        end = self._line_end(pos)
        return end + (2 if self.text.startswith("\r\n", end) else 1 if end < len(self.text) else 0)

    def _item_lines(self, seq: yaml.SequenceNode, index: int) -> tuple[int, int]:
        """The whole lines of a block sequence's item, from its dash to its last token's line break."""
        item = seq.value[index]
        dash = self.text.rindex("-", 0, item.start_mark.index) if item.start_mark.index else 0
        return self._line_start(dash), self._after_line(self._end(item))

    def _insert_flow(self, seq: yaml.SequenceNode, index: int, src: str) -> None:
        if not seq.value:
            self._splice(seq.start_mark.index + 1, seq.start_mark.index + 1, src)
        elif index < len(seq.value):
            pos = seq.value[index].start_mark.index
            self._splice(pos, pos, src + ", ")
        else:
            pos = self._end(seq.value[-1])
            self._splice(pos, pos, ", " + src)

    def _insert_block(self, seq: yaml.SequenceNode, index: int, value) -> None:
        first_start, _ = self._item_lines(seq, 0)
        dash = self.text.index("-", first_start)
        indent = " " * (dash - first_start)
        if isinstance(value, Raw):
            chunk = value if value.endswith(("\n", "\r")) else value + self.newline
        else:
            chunk = f"{indent}- {source_of(value)}{self.newline}"
        if index < len(seq.value):
            pos = self._item_lines(seq, index)[0]
        else:
            pos = self._item_lines(seq, len(seq.value) - 1)[1]
            if pos == len(self.text) and not self.text.endswith(("\n", "\r")):
                chunk = self.newline + chunk.rstrip("\r\n")
        self._splice(pos, pos, chunk)

    def _insert_key(self, parent: yaml.MappingNode, key: str, value) -> None:
        src = source_of(value)
        sep = "" if src.startswith(("\n", "\r")) else " "
        item = f"{scalar_text(key)}:{sep}{src}"
        if self._is_flow(parent) or not parent.value:
            if not self._is_flow(parent):
                raise EditError(f"无法在空的「{key}」上级中写入")
            close = self.text.rindex("}", parent.start_mark.index, parent.end_mark.index)
            self._splice(close, close, (", " if parent.value else "") + item)
            return
        indent = parent.value[0][0].start_mark.column
        line_end = self._line_end(self._end(parent.value[-1][1]))
        self._splice(line_end, line_end, self.newline + " " * indent + item)

    def _remove_pair(self, parent: yaml.MappingNode, pair) -> None:
        key_node, value_node = pair
        if self._is_flow(parent):
            index = [k for k, _ in parent.value].index(key_node)
            if index > 0:
                start, end = self._end(parent.value[index - 1][1]), self._end(value_node)
            elif len(parent.value) > 1:
                start, end = key_node.start_mark.index, parent.value[1][0].start_mark.index
            else:
                start, end = key_node.start_mark.index, self._end(value_node)
            self._splice(start, end, "")
            return
        start = self._line_start(key_node.start_mark.index)
        self._splice(start, self._after_line(self._end(value_node)), "")


# ── The first edit page's form (web/forms.py): notice fields and the plain-project grid ──
NOTICE_FIELDS = [
    (("notice", "doc_number", "year"), "发文字号·年份"),
    (("notice", "doc_number", "seq"), "发文字号·序号"),
    (("notice", "year"), "年度"),
    (("notice", "program"), "资金名称"),
    (("notice", "batch_label"), "批次"),
    (("notice", "print_date"), "印发日期（如 2024-04-28）"),
    (("notice", "sign_date"), "成文日期"),
    (("notice", "copies"), "共印份数"),
    (("notice", "disclosure"), "信息公开选项"),
]
INPUT_KEYS = ("due", "advance", "perf")
INPUT_LABELS = {"due": "应补助", "advance": "提前下达", "perf": "其中：绩效"}


def notice_values(spec: SpecText) -> list[tuple[str, str, str]]:
    """(form name, label, current text) of each notice field the first form edits."""
    return [("/".join(path), label, spec.get(path) or "") for path, label in NOTICE_FIELDS]


def apply_notice_form(spec: SpecText, form) -> None:
    """Write the notice fields present in the form (blank removes the key, so the profile's value applies)."""
    for path, label in NOTICE_FIELDS:
        name = "/".join(path)
        if name not in form:
            continue
        value = form[name].strip()
        if value == (spec.get(path) or ""):
            continue
        if value and path[-1] in ("year", "seq", "copies") and not value.isdigit():
            raise EditError(f"{label}：「{value}」应为整数")
        spec.set(path, (int(value) if path[-1] in ("year", "seq", "copies") else value) if value else None)


def allocation_grid(spec: SpecText) -> tuple[list[dict], list[dict], bool]:
    """Projects without parts (id, name, measures used), one row per allocation entry, unit-level advance."""
    n = spec.length(("allocations",))
    projects = []
    for i in range(spec.length(("projects",))):
        if spec.node(("projects", i, "parts")) is not None:
            continue
        pid = spec.get(("projects", i, "id")) or ""
        used = [k for k in INPUT_KEYS if k == "due" or any(spec.get(("allocations", j, pid, k)) is not None
                                                             for j in range(n))]
        projects.append({"id": pid, "name": spec.get(("projects", i, "name")) or pid, "measures": used})
    rows = []
    for j in range(n):
        cells = {}
        for project in projects:
            pid = project["id"]
            cells[pid] = {k: spec.get(("allocations", j, pid, k)) or "" for k in INPUT_KEYS}
            if spec.get(("allocations", j, pid)) is not None:
                cells[pid]["due"] = spec.get(("allocations", j, pid))
        rows.append({"unit": spec.get(("allocations", j, "unit")) or "", "cells": cells,
                     "advance": spec.get(("allocations", j, "advance")) or ""})
    return projects, rows, any(r["advance"] for r in rows)


def apply_allocation_grid(spec: SpecText, form) -> None:
    """Write changed fields alloc-<row>-<project>-<measure> and alloc-<row>-advance into allocations[]."""
    from .edit_grid import money_decimals, write_cells

    projects, rows, _ = allocation_grid(spec)
    decimals, changes = money_decimals(spec), []
    for j, row in enumerate(rows):
        for project in projects:
            for key in INPUT_KEYS:
                name = f"alloc-{j}-{project['id']}-{key}"
                if name in form and form[name].strip().replace(",", "") != row["cells"][project["id"]][key]:
                    where = f"{row['unit']} {project['name']} {INPUT_LABELS[key]}"
                    changes.append((j, project["id"], key, _amount(form[name], decimals, where)))
        name = f"alloc-{j}-advance"
        if name in form and form[name].strip().replace(",", "") != row["advance"]:
            changes.append((j, None, "advance", _amount(form[name], decimals, f"{row['unit']} 已提前下达")))
    write_cells(spec, changes)


def _amount(text: str, decimals: int, where: str) -> Decimal | None:
    try:
        return parse_amount(text, decimals)
    except EditError as e:
        raise EditError(f"{where}：{e}") from e
