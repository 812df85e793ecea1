"""The batch edit form: applying a submit to a spec's text and what the form shows for a text."""

from __future__ import annotations

from generator.spec_edit import (
    EditError,
    SpecText,
    allocation_grid,
    apply_allocation_grid,
    apply_notice_form,
    notice_values,
)
from generator.yamlsrc import parse_yaml

MAX_SHOWN = 3


def refuse_unloadable(text: str, name: str) -> None:
    """Refuse to store text the loader refuses as a whole (too big, too deep, alias bombs, not YAML, empty), so a
    save can never leave a file that every later listing has to choke on; ordinary mistakes can be saved."""
    problems: list = []
    if parse_yaml(text, name, problems) is None and problems:
        shown = "；".join(str(p) for p in problems[:MAX_SHOWN])
        raise EditError(f"无法读取这段 YAML，未保存：{shown}")


def apply_form(text: str, form) -> str:
    """The spec text after the form's edits: raw YAML if given, else the notice fields and the allocation grid,
    spliced into the text so that comments and layout stay and the diff shows only the changed values."""
    if form.get("action") == "yaml":
        new = form.get("yaml", "").replace("\r\n", "\n")
        SpecText(new)  # refuse text that is not YAML at all
        return new
    spec = SpecText(text)
    apply_notice_form(spec, form)
    apply_allocation_grid(spec, form)
    return spec.text


def form_values(text: str) -> dict[str, str]:
    """Every structured field of the edit form and its value for this text (empty when unparsable)."""
    try:
        spec = SpecText(text)
    except Exception:  # noqa: BLE001 - a file that is not YAML has no structured fields
        return {}
    values = {name: value for name, _label, value in notice_values(spec)}
    projects, rows, _ = allocation_grid(spec)
    for j, row in enumerate(rows):
        for project in projects:
            for key, value in row["cells"][project["id"]].items():
                values[f"alloc-{j}-{project['id']}-{key}"] = value
        values[f"alloc-{j}-advance"] = row["advance"]
    return values


def clerk_changes(form, base_text: str | None) -> dict[str, str]:
    """The fields this submit changed against the text it was made from (all submitted fields if unknown)."""
    if form.get("action") == "yaml":
        return {"yaml": form.get("yaml", "").replace("\r\n", "\n")}
    base = form_values(base_text) if base_text is not None else {}
    return {k: v for k, v in form.items() if k not in ("csrf_token", "version", "action")
            and (base_text is None or (k in base and v.strip().replace(",", "") != base[k]))}
