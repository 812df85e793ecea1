"""Checks on single values a clerk typed that the structure accepts but the documents cannot use.

Plain names with template marks, 文号 parts, title lines that do not make the title. (Money rules and
cross-table checks are in validate.py; types and unknown keys in spec.py.)
"""

from __future__ import annotations

import re

from .errors import Problem
from .yamlsrc import YNum

YEARS = range(1949, 2101)
_DOC_NUMBER_PARTS = re.compile(r"[〔〕\[\]［］【】]|\d{4}|\d+号|号$")

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


def check_notice_numbers(rd, notice, doc) -> None:
    """发文字号 parts and the notice's counts: agency only the 代字, year a year, seq and copies from 1."""
    if doc is not None:
        agency = doc.raw("agency")
        if isinstance(agency, str) and not agency.strip():
            rd.error(doc.loc("agency"), "发文机关代字（agency）不能为空，如 黑财指（社）")
        elif isinstance(agency, str) and not isinstance(agency, YNum) and _DOC_NUMBER_PARTS.search(agency):
            rd.error(doc.loc("agency"), f"agency 只写机关代字（如 黑财指（社）），年份和序号分别写在 year、seq；"
                                        f"现在写的「{agency[:30]}」会把年份或「号」印两遍")
        _at_least(rd, doc, "seq", 1, "发文序号")
        _year(rd, doc, "year")
    _year(rd, notice, "year")
    _at_least(rd, notice, "copies", 1, "印发份数")


def _at_least(rd, obj, key: str, low: int, what: str) -> None:
    value = obj.raw(key)
    if isinstance(value, YNum) and re.fullmatch(r"[+-]?\d{1,9}", value) and int(value) < low:
        rd.error(obj.loc(key), f"{what}（{key}）应从 {low} 起，实际是 {value}")


def _year(rd, obj, key: str) -> None:
    value = obj.raw(key)
    if isinstance(value, YNum) and re.fullmatch(r"[+-]?\d{1,9}", value) and int(value) not in YEARS:
        rd.error(obj.loc(key), f"年份「{value}」不合理（应在 {YEARS.start}–{YEARS.stop - 1} 之间）")


def check_title_lines(d, out: list[Problem]) -> None:
    """Written title lines must be the title, only broken: joined they give the title exactly."""
    n, view = d.batch.notice, d.notice
    if n.title_lines and view is not None and "".join(n.title_lines) != view.title:
        out.append(Problem(n.locs.get("title_lines", n.loc), f"title_lines 连起来是「{''.join(n.title_lines)[:60]}」，"
                                                              f"与标题「{view.title[:60]}」不同；各行只能是标题的分行"))
