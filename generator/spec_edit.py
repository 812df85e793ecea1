"""Write a spec back after a web edit by splicing its text: comments, order, layout and every
untouched byte stay as they were, so the git diff shows only the values a clerk changed.

Positions come from PyYAML's safe composer (no Python objects are built from the text).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

import yaml

from .errors import GeneratorError
from .yamlsrc import SAFE_LOADER

# Notice fields a clerk edits in the web form: key path → Chinese label (the labels of docs/spec.md).
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
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*$")
_SPECIAL = re.compile(r"^(true|false|yes|no|on|off|null|~|[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?)$", re.I)


class EditError(GeneratorError):
    """Raised when a web edit cannot be applied (the text is not YAML, or a number is not a number)."""


def scalar_text(value) -> str:
    """A value as YAML source: numbers plain, text plain when safe, else double-quoted."""
    if isinstance(value, (int, Decimal)):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and not _SPECIAL.match(text) and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)


class SpecText:
    """The text of a spec and its node tree; `set` splices one value in and re-reads the tree."""

    def __init__(self, text: str):
        self.text = text
        self._compose()

    def _compose(self) -> None:
        try:
            self.root = yaml.compose(self.text, Loader=SAFE_LOADER)
        except yaml.YAMLError as e:
            raise EditError(f"无法解析 YAML：{e}") from e
        if self.root is not None and not isinstance(self.root, yaml.MappingNode):
            raise EditError("批次文件的最上层应为键值映射")

    def node(self, path: tuple) -> yaml.Node | None:
        """The node at a path of keys (str) and list indexes (int), or None."""
        node = self.root
        for key in path:
            if isinstance(node, yaml.MappingNode) and isinstance(key, str):
                node = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                return None
            if node is None:
                return None
        return node

    def get(self, path: tuple):
        """The scalar text at a path (None when absent, null or not a scalar)."""
        node = self.node(path)
        if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
            return node.value
        return None

    def set(self, path: tuple, value) -> None:
        """Replace, add or (value None) remove the scalar at path, touching nothing else."""
        parent = self.node(path[:-1])
        key = path[-1]
        if parent is None:
            if value is None:
                return
            self.set(path[:-1], _FlowMap({key: value}))
            return
        if not isinstance(parent, yaml.MappingNode):
            raise EditError(f"{'.'.join(map(str, path[:-1]))} 不是键值映射，无法写入「{key}」")
        pair = next(((k, v) for k, v in parent.value if k.value == key), None)
        if pair is None:
            if value is not None:
                self._insert(parent, key, value)
        elif value is None:
            self._remove(parent, pair)
        else:
            self._splice(pair[1].start_mark.index, pair[1].end_mark.index, _source(value))
        self._compose()

    def _splice(self, start: int, end: int, new: str) -> None:
        self.text = self.text[:start] + new + self.text[end:]

    def _insert(self, parent: yaml.MappingNode, key: str, value) -> None:
        item = f"{key}: {_source(value)}"
        if parent.flow_style or self.text[parent.start_mark.index] == "{":
            close = self.text.rindex("}", parent.start_mark.index, parent.end_mark.index)
            sep = ", " if parent.value else ""
            self._splice(close, close, sep + item)
            return
        indent = parent.value[0][0].start_mark.column
        line_end = self.text.find("\n", _last_token_end(self.text, parent.value[-1][1]))
        line_end = len(self.text) if line_end == -1 else line_end
        self._splice(line_end, line_end, "\n" + " " * indent + item)

    def _remove(self, parent: yaml.MappingNode, pair) -> None:
        key_node, value_node = pair
        if parent.flow_style or self.text[parent.start_mark.index] == "{":
            index = [k for k, _ in parent.value].index(key_node)
            if index > 0:
                start, end = parent.value[index - 1][1].end_mark.index, value_node.end_mark.index
            elif len(parent.value) > 1:
                start, end = key_node.start_mark.index, parent.value[1][0].start_mark.index
            else:
                start, end = key_node.start_mark.index, value_node.end_mark.index
            self._splice(start, end, "")
            return
        start = self.text.rfind("\n", 0, key_node.start_mark.index) + 1
        end = self.text.find("\n", _last_token_end(self.text, value_node))
        self._splice(start, len(self.text) if end == -1 else end + 1, "")


def _last_token_end(text: str, node: yaml.Node) -> int:
    """Where the last scalar or flow collection inside a node ends (a block's end_mark lies past its comments)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value and text[node.start_mark.index] not in "{[":
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node.end_mark.index


class _FlowMap(dict):
    """A new nested mapping, written in flow style: {year: 2024}."""


def _source(value) -> str:
    if isinstance(value, _FlowMap):
        return "{" + ", ".join(f"{k}: {_source(v)}" for k, v in value.items()) + "}"
    return scalar_text(value)


def parse_amount(text: str, where: str) -> Decimal | None:
    """A money amount typed in the form; blank means none."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as e:
        raise EditError(f"{where}：「{text}」不是数字") from e


def notice_values(spec: SpecText) -> list[tuple[str, str, str]]:
    """(form name, label, current text) of each notice field the form edits."""
    return [("/".join(path), label, spec.get(path) or "") for path, label in NOTICE_FIELDS]


def apply_notice_form(spec: SpecText, form) -> None:
    """Write the notice fields present in the form (blank removes the key, so the profile's value applies)."""
    for path, _label in NOTICE_FIELDS:
        name = "/".join(path)
        if name not in form:
            continue
        value = form[name].strip()
        if value == (spec.get(path) or ""):
            continue
        if value and path[-1] in ("year", "seq", "copies") and not value.isdigit():
            raise EditError(f"{_label}：「{value}」应为整数")
        spec.set(path, (int(value) if path[-1] in ("year", "seq", "copies") else value) if value else None)


def allocation_grid(spec: SpecText) -> tuple[list[dict], list[dict], bool]:
    """Project columns (id, name, the measures this batch uses), one row per allocation entry with its
    amounts as text, and whether advances are typed per unit (not per project)."""
    entries = spec.node(("allocations",))
    entries = entries.value if isinstance(entries, yaml.SequenceNode) else []
    projects_node = spec.node(("projects",))
    projects = []
    for i in range(len(projects_node.value) if isinstance(projects_node, yaml.SequenceNode) else 0):
        if spec.node(("projects", i, "parts")) is not None:
            continue  # lettered parts are edited in the YAML itself
        pid = spec.get(("projects", i, "id")) or ""
        used = [k for k in INPUT_KEYS
                if k == "due" or any(spec.get(("allocations", j, pid, k)) is not None for j in range(len(entries)))]
        projects.append({"id": pid, "name": spec.get(("projects", i, "name")) or pid, "measures": used})
    rows = []
    for j in range(len(entries)):
        cells = {}
        for project in projects:
            pid = project["id"]
            bare = spec.get(("allocations", j, pid))
            cells[pid] = {k: spec.get(("allocations", j, pid, k)) or "" for k in INPUT_KEYS}
            if bare is not None:
                cells[pid]["due"] = bare
        rows.append({"unit": spec.get(("allocations", j, "unit")) or "", "cells": cells,
                     "advance": spec.get(("allocations", j, "advance")) or ""})
    unit_advance = any(r["advance"] for r in rows)
    return projects, rows, unit_advance


def apply_allocation_grid(spec: SpecText, form) -> None:
    """Write changed form fields alloc-<row>-<project>-<measure> and alloc-<row>-advance into allocations[]."""
    projects, rows, _ = allocation_grid(spec)
    for j, row in enumerate(rows):
        for project in projects:
            for key in INPUT_KEYS:
                name = f"alloc-{j}-{project['id']}-{key}"
                if name in form and form[name].strip().replace(",", "") != row["cells"][project["id"]][key]:
                    amount = parse_amount(form[name], f"{row['unit']} {project['name']} {INPUT_LABELS[key]}")
                    _set_amount(spec, j, project["id"], key, amount)
        name = f"alloc-{j}-advance"
        if name in form and form[name].strip().replace(",", "") != row["advance"]:
            spec.set(("allocations", j, "advance"), parse_amount(form[name], f"{row['unit']} 已提前下达"))


def _set_amount(spec: SpecText, j: int, pid: str, key: str, amount: Decimal | None) -> None:
    """One amount of a cell, written as a bare number (due only) or into its {due, advance, perf} mapping."""
    cell = spec.node(("allocations", j, pid))
    if isinstance(cell, yaml.ScalarNode):
        if key == "due":
            spec.set(("allocations", j, pid), amount)
            return
        spec.set(("allocations", j, pid), _FlowMap({"due": Decimal(cell.value)}))
    if amount is None and cell is None:
        return
    spec.set(("allocations", j, pid, key), amount)
    remaining = spec.node(("allocations", j, pid))
    if isinstance(remaining, yaml.MappingNode) and not remaining.value:
        spec.set(("allocations", j, pid), None)
