"""The allocation grid's body cells as HTML, built in Python: a seed-000 grid has over a thousand cells, and
building each in the template made opening the tab several times slower."""

from __future__ import annotations

from markupsafe import Markup, escape


def _marks(name: str, marks: dict, input_errors: dict) -> tuple[str, bool]:
    out = []
    if input_errors.get(name):
        text = escape(f"未写入：{input_errors[name]}")
        out.append(f'<span class="cellmark err" title="{text}" aria-label="{text}" data-mark-for="{escape(name)}">!</span>')
    for m in marks.get(name, []):
        kind = "err" if m.severity == "error" else "warn"
        text = escape(m.message)
        out.append(f'<span class="cellmark {kind}" title="{text}" aria-label="{text}" data-mark-for="{escape(name)}">!</span>')
    return "".join(out), bool(out)


def _input(name: str, value: str, label: str, attrs: str, used: bool, marks: dict, input_errors: dict,
           typed: dict) -> str:
    mark, bad = _marks(name, marks, input_errors)
    classes = " ".join(c for c in ("" if used else "unused", "bad" if bad else "", "mine" if name in typed else "") if c)
    value = typed.get(name, value)
    return (f'<td class="{classes}"><input type="text" name="{escape(name)}" id="{escape(name)}" value="{escape(value)}" '
            f'inputmode="decimal" {attrs} aria-label="{escape(label)}">{mark}</td>')


def grid_rows(projects, unit_cols, rows, marks: dict, input_errors: dict, typed: dict) -> list[dict]:
    """Per allocation row: its index, group, top unit, and the HTML of its unit cell and of every other cell."""
    out = []
    for row in rows:
        unit_name = f"g/{row.index}/unit"
        mark, bad = _marks(unit_name, marks, {})
        head = Markup(f'<th class="unit{" bad" if bad else ""}" id="{escape(unit_name)}">{escape(row.name)}{mark}</th>')
        cells = []
        for p in projects:
            for c in p.columns:
                name = f"g/{row.index}/{p.id}/{c.key}"
                attrs = f'data-project="{escape(p.id)}" data-role="{c.role}" data-col="{escape(p.id)}/{escape(c.key)}"'
                cells.append(_input(name, row.cells[name], f"{row.name} {p.name} {c.label}", attrs, c.used, marks,
                                    input_errors, typed))
                if p.parts and c.key == p.parts[-1]:
                    cells.append(f'<td class="derived num" data-sum-row="d:{escape(p.id)}"></td>')
        for c in unit_cols:
            name = f"g/{row.index}/{c.key}"
            cells.append(_input(name, row.cells[name], f"{row.name} {c.label}", f'data-role="unit_advance" data-col="unit/{c.key}"',
                                c.used, marks, input_errors, typed))
        cells += ['<td class="derived num" data-sum-row="due"></td>', '<td class="derived num" data-sum-row="advance"></td>',
                  '<td class="derived num" data-sum-row="this"></td>']
        out.append({"index": row.index, "group": row.group, "top": row.top, "head": head,
                    "cells": Markup("".join(cells))})
    return out
