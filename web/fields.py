"""Which fields an edit changed (for the commit message): the two texts' YAML trees compared leaf by leaf."""

from __future__ import annotations

import yaml

from generator.spec_edit import SpecText

MAX_NODES = 200_000  # a tree larger than this (or with aliases) is described as a whole-file edit
MAX_NAMED = 8


def leaves(text: str) -> dict[str, str] | None:
    """Scalar leaves by dotted path (`allocations[3].lab.due`), or None if the text is not a plain YAML tree."""
    try:
        root = SpecText(text).root
    except Exception:  # noqa: BLE001 - unparsable text is described as a whole-file edit
        return None
    found: dict[str, str] = {}
    stack, seen = [("", root)], set()
    while stack:
        path, node = stack.pop()
        if node is None:
            continue
        if id(node) in seen or len(seen) > MAX_NODES:
            return None  # an alias shares a node: listing it would expand it
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            found[path] = node.value
        elif isinstance(node, yaml.MappingNode):
            stack.extend((f"{path}.{k.value}" if path else str(k.value), v) for k, v in reversed(node.value))
        else:
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(node.value))))
    return found


def changed_fields(old: str, new: str) -> list[str]:
    """The dotted paths whose value was changed, added or removed, in the new text's order."""
    before, after = leaves(old), leaves(new)
    if before is None or after is None:
        return []
    changed = [p for p in after if before.get(p) != after[p]]
    return changed + [p for p in before if p not in after]


def describe_edit(name: str, old: str, new: str, how: str = "") -> str:
    """A commit message: the batch and the changed fields (`examples/a.yaml：notice.copies、…`)."""
    fields = changed_fields(old, new)
    if not fields:
        summary = "修改 YAML 文本" if old != new else "无改动"
    else:
        shown = "、".join(fields[:MAX_NAMED])
        summary = f"修改 {shown}" + (f" 等 {len(fields)} 处" if len(fields) > MAX_NAMED else "")
    return f"{name}：{summary}{how}"
