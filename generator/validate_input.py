"""Checks on single values a clerk typed that the structure accepts but the documents cannot use.

Plain names with template marks, 文号 parts, title lines that do not make the title. (Money rules and
cross-table checks are in validate.py; types and unknown keys in spec.py.)
"""

from __future__ import annotations

import re

from .errors import Problem

# Notice fields printed as they are: never templates, so `{{` there is either a mistake or an attack.
PLAIN_FIELDS = ["issuer", "mark", "program", "fund_level", "batch_label", "addressees", "printer", "signature",
                "cc"]
_TEMPLATE_MARK = re.compile(r"\{\{|\{%|\{#")


def check_plain_fields(d, out: list[Problem]) -> None:
    """Names and addresses are plain text: a `{{`, `{%` or `{#` there is refused, never rendered."""
    n = d.batch.notice
    for key in PLAIN_FIELDS:
        value = getattr(n, key, None)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and _TEMPLATE_MARK.search(v) for v in values):
            out.append(Problem(n.locs.get(key, n.loc), f"「{key}」是普通文字，不能写填空（{{{{ }}}} 或 {{% %}}）；"
                                                        f"填空只能用在正文、标题等 docs/spec.md 注明可用的地方"))
