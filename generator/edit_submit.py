"""One submit of the web editor applied to a spec's text: the raw YAML, or the fields, grid cells, one list
operation and the chosen stated-figure fixes, in that order. Bad values are collected per field or cell and
the rest is written; the web view saves the result through its versioned store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .edit_fields import apply_fields, batch_fields
from .edit_grid import apply_grid
from .edit_ops import apply_op
from .model import Notice, Registry
from .pipeline import check_spec
from .reconcile import apply_reconcile, find_mismatches
from .spec_edit import EditError, SpecText

RECONCILE_PREFIX = "rc/"


@dataclass
class SubmitResult:
    """The new text, the refused values ({form name: problem}) and what was done, for the page's message."""

    text: str
    errors: dict[str, str] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)


def apply_submit(text: str, form, path: Path, registry: Registry | None = None,
                 notice: Notice | None = None) -> SubmitResult:
    """The spec text after one submit of the editor (EditError when the whole submit cannot be applied)."""
    if form.get("action") == "yaml":
        new = (form.get("yaml") or "").replace("\r\n", "\n").replace("\r", "\n")
        SpecText(new)  # text that is not YAML at all is refused; anything else is saved and checked
        return SubmitResult(new, done=["已保存 YAML 文本"])
    spec = SpecText(text)
    result = SubmitResult(text)
    result.errors.update(apply_fields(spec, form, batch_fields(spec)))
    result.errors.update(apply_grid(spec, form))
    op = (form.get("op") or "").strip()
    if op:
        # an add block's inputs are named op_<kind>_<param>, so several blocks can share one form
        prefix = f"op_{op.partition(':')[2]}_"
        params = {"op_" + k[len(prefix):]: v for k, v in form.items() if k.startswith(prefix)}
        if notice is not None:
            params["_profile_body"] = [(p.heading, p.text) for p in notice.body]
        try:
            result.done.append(apply_op(spec, op, params, registry))
        except EditError as e:
            result.errors["op"] = str(e)
    choices = {k[len(RECONCILE_PREFIX):]: v for k, v in form.items() if k.startswith(RECONCILE_PREFIX) and v}
    if choices:
        report = check_spec(path, spec.text)
        if report.derived is None:
            result.errors["reconcile"] = "批次还有其他错误，暂时无法推算核对数；请先改正其他错误"
        else:
            try:
                count = apply_reconcile(spec, find_mismatches(report.derived), choices)
                result.done.append(f"已处理 {count} 个核对数")
            except EditError as e:
                result.errors["reconcile"] = str(e)
    result.text = spec.text
    return result
