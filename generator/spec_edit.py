"""Write a spec back after a web edit, keeping its comments, key order and flow style (ruamel.yaml).

Reading for checks goes through spec.py (PyYAML's safe loader, with positions); this module only
round-trips text → edited text. ruamel's round-trip loader builds plain maps, lists and scalars, never
arbitrary Python objects.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .errors import GeneratorError

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


class EditError(GeneratorError):
    """Raised when a web edit cannot be applied (the text is not YAML, or a number is not a number)."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Decimal, _represent_decimal)
    return yaml


def _represent_decimal(representer, value: Decimal):
    tag = "tag:yaml.org,2002:int" if value == value.to_integral_value() and "." not in str(value) else \
        "tag:yaml.org,2002:float"
    return representer.represent_scalar(tag, str(value))


def load_document(text: str):
    """Parse spec text for editing."""
    try:
        return _yaml().load(text)
    except Exception as e:  # ruamel raises many error types; all mean "not editable YAML"
        raise EditError(f"无法解析 YAML：{e}") from e


def dump_document(doc) -> str:
    """Serialise an edited document, comments and order intact."""
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def get_path(doc, path: tuple[str, ...]):
    """The value at a key path, or None."""
    node = doc
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def set_path(doc, path: tuple[str, ...], value) -> None:
    """Set (or, with None, remove) the value at a key path, creating mappings on the way."""
    node = doc
    for key in path[:-1]:
        if key not in node or not isinstance(node[key], dict):
            node[key] = CommentedMap()
        node = node[key]
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


def parse_amount(text: str, where: str) -> Decimal | None:
    """A money amount typed in the form; blank means none."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as e:
        raise EditError(f"{where}：「{text}」不是数字") from e


def allocation_grid(doc) -> tuple[list[str], list[dict]]:
    """Project ids and, per allocation entry, its unit and {project: {due, advance, perf}} as text."""
    projects = [str(p.get("id")) for p in (doc.get("projects") or []) if not p.get("parts")]
    rows = []
    for entry in doc.get("allocations") or []:
        cells = {}
        for pid in projects:
            value = entry.get(pid)
            if isinstance(value, dict):
                cells[pid] = {k: "" if value.get(k) is None else str(value.get(k)) for k in INPUT_KEYS}
            else:
                cells[pid] = {"due": "" if value is None else str(value), "advance": "", "perf": ""}
        rows.append({"unit": str(entry.get("unit")), "cells": cells})
    return projects, rows


def apply_allocation_grid(doc, form: dict[str, str]) -> None:
    """Write form fields named alloc-<row>-<project>-<measure> back into allocations[]."""
    projects, _ = allocation_grid(doc)
    for i, entry in enumerate(doc.get("allocations") or []):
        for pid in projects:
            if not any(f"alloc-{i}-{pid}-{k}" in form for k in INPUT_KEYS):
                continue
            values = {k: parse_amount(form.get(f"alloc-{i}-{pid}-{k}", ""), f"{entry.get('unit')} {pid} {INPUT_LABELS[k]}")
                      for k in INPUT_KEYS}
            _store_cell(entry, pid, values)


def _store_cell(entry, pid: str, values: dict) -> None:
    present = {k: v for k, v in values.items() if v is not None}
    if not present:
        entry.pop(pid, None)
        return
    if set(present) == {"due"} and not isinstance(entry.get(pid), dict):
        entry[pid] = present["due"]
        return
    cell = entry.get(pid) if isinstance(entry.get(pid), dict) else CommentedMap()
    cell.fa.set_flow_style()
    for key in INPUT_KEYS:
        if key in present:
            cell[key] = present[key]
        else:
            cell.pop(key, None)
    entry[pid] = cell
