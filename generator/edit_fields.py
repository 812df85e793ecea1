"""The form fields of every section of a batch (通知, 项目, 单位, 绩效目标, 报备表, 跟踪反馈表, 函), read from the
spec's text and written back into it, each under the Chinese label of docs/spec.md.

A field's form name encodes its key path ("f/notice/doc_number/seq"); only the fields listed for the current
text are ever written, so a request cannot reach any other key. Each bad value is reported at its field and
the other fields of the same submit are still written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml

from .edit_grid import money_decimals
from .model import LEVELS, Notice
from .spec_edit import EditError, SpecText, parse_amount

SECTIONS = {"notice": "通知", "projects": "项目", "units": "单位", "alloc": "分配", "targets": "绩效目标",
            "filing": "报备表", "feedback": "跟踪反馈表", "letter": "函", "yaml": "YAML"}
BOOL = (("", "（不写）"), ("true", "是"), ("false", "否"))
NOTICE = [
    ("issuer", "发文机关", "text", ()), ("mark", "发文机关标志", "text", ()),
    ("doc_number/agency", "发文字号·机关代字", "text", ()), ("doc_number/year", "发文字号·年份", "int", ()),
    ("doc_number/seq", "发文字号·序号", "int", ()), ("year", "年度", "int", ()),
    ("fund_level", "资金层级", "text", ()), ("program", "资金名称", "text", ()), ("batch_label", "批次", "text", ()),
    ("title", "标题", "long", ()), ("title_with_issuer", "标题冠发文机关名", "bool", BOOL),
    ("title_lines", "标题分行（每行一段）", "lines", ()), ("addressees", "主送机关", "long", ()),
    ("amount_measure", "通知金额口径", "choice", (("", "（不写）"), ("this", "本次下达"), ("due", "应补助"))),
    ("disclosure", "信息公开选项", "choice", (("", "（不写）"), ("主动公开", "主动公开"), ("依申请公开", "依申请公开"),
                                              ("不予公开", "不予公开"))),
    ("disclosure_position", "公开选项位置", "choice", (("", "（不写）"), ("before_cc", "抄送之前"),
                                                     ("after_date", "成文日期之后"), ("note", "附注"))),
    ("cc", "抄送（每行一个）", "lines", ()), ("cc_end", "抄送结尾标点", "text", ()), ("printer", "印发机关", "text", ()),
    ("print_date", "印发日期", "date", ()), ("copies", "共印份数", "int", ()), ("signature", "落款", "text", ()),
    ("sign_date", "成文日期", "date", ()), ("attachments_inline", "附件随正文", "bool", BOOL),
]
ATTACHMENT_KINDS = {"allocation_table": "分配表", "target_tables": "绩效目标表", "filing_form": "财会监督责任人报备表",
                    "feedback_form": "跟踪反馈表", "letter": "函"}
KIND_SECTION = {"filing_form": "filing", "feedback_form": "feedback", "letter": "letter"}
KIND_FIELDS = {
    "filing_form": [("rows", "空白行数", "int", ()), ("prefill", "预填", "choice",
                                                  (("", "（空白行）"), ("recipients", "受款单位"))), ("note", "说明", "long", ())],
    "feedback_form": [("header_left", "表头左侧", "text", ()), ("rows", "行数", "int", ()),
                      ("notes", "说明（每行一条）", "lines", ())],
    "letter": [("addressee", "主送", "text", ()), ("signature", "落款", "text", ()), ("sign_date", "成文日期", "date", ())],
    "target_tables": [("layouts", "表样（每行一个）", "lines", ()), ("flow", "排版", "choice",
                                                          (("", "（不写）"), ("per_page", "每表一页"), ("continuous", "连续排")))],
    "allocation_table": [("formula_row", "公式行（a b c d=a+b+c）", "bool", BOOL),
                         ("rows/of_which", "其中行口径", "choice", (("", "（不写）"), ("additive", "计入上级合计"),
                                                               ("non_additive", "不计入（上一行的一部分）")))],
}
INDICATOR_LABELS = ["二级指标", "三级指标", "指标值", "指标值设置依据", "上年完成值", "指标分值权重", "指标赋分规则", "佐证资料"]
TABLE_FIELDS = [("unit", "单位", "text", ()), ("units", "单位（每行一个，同表各一张）", "lines", ()),
                ("covers", "金额口径", "choice", (("", "（不写）"), ("unit", "本单位应补助"), ("batch", "全批次合计"))),
                ("projects", "计入项目（每行一个标识）", "lines", ()), ("uses", "引用指标模板（每行一个）", "lines", ()),
                ("amount", "核对：年度金额", "money", ()), ("title", "表题", "text", ()),
                ("weight_total", "权重合计", "int", ())]
UNIT_FIELDS = [("id", "标识", "text", ()), ("name", "单位名称", "text", ()), ("short", "简称", "text", ()),
               ("level", "层级", "choice", tuple(LEVELS.items())), ("code", "单位编码", "text", ()),
               ("group", "分组", "text", ()), ("of_which", "其中行", "bool", BOOL)]


@dataclass
class Field:
    """One form field: its form name, key path, Chinese label, kind and current text."""

    name: str
    path: tuple
    label: str
    kind: str  # text | long | int | date | bool | choice | lines | money | readonly
    value: str
    section: str
    group: str = ""
    options: tuple = ()


def field_name(path: tuple) -> str:
    """The form name of the field at a key path."""
    return "f/" + "/".join(map(str, path))


def _field(spec: SpecText, path: tuple, label: str, kind: str, section: str, group: str = "", options=()) -> Field:
    node = spec.node(path)
    if kind == "lines":
        items = node.value if isinstance(node, yaml.SequenceNode) else []
        value = "\n".join(i.value for i in items if isinstance(i, yaml.ScalarNode))
        if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
            value = node.value
    else:
        value = spec.get(path) or ""
    return Field(field_name(path), path, label, kind, value, section, group, options)


def _table(spec, base: tuple, rows, section: str, group: str) -> list[Field]:
    return [_field(spec, (*base, *key.split("/")), label, kind, section, group, opts) for key, label, kind, opts in rows]


def batch_fields(spec: SpecText, section: str | None = None) -> list[Field]:
    """Every editable field of the batch in page order, or only those of one section (a page shows one tab)."""
    out = [f for f in _all_but_targets(spec) if section in (None, f.section)]
    if section in (None, "targets"):
        out += _targets(spec)
    return out


def _all_but_targets(spec: SpecText) -> list[Field]:
    out = _table(spec, ("notice",), NOTICE, "notice", "通知")
    out += _paragraphs(spec, ("notice", "body"), "notice", "正文段落")
    out += [_field(spec, ("notice", "slots", k), f"正文填空·{k}", "text", "notice", "正文填空")
            for k in spec.keys(("notice", "slots"))]
    for i in range(spec.length(("projects",))):
        name = spec.get(("projects", i, "name")) or ""
        group = f"项目 {i + 1}：{name}"
        out += [_field(spec, ("projects", i, "id"), "标识", "readonly", "projects", group),
                _field(spec, ("projects", i, "name"), "项目名称", "text", "projects", group)]
        for k in range(spec.length(("projects", i, "parts"))):
            out += _table(spec, ("projects", i, "parts", k), [("key", f"分项 {k + 1}·字母", "text", ()),
                                                               ("name", f"分项 {k + 1}·名称", "text", ()),
                                                               ("perf", f"分项 {k + 1}·为绩效（其中：绩效）", "bool", BOOL)],
                          "projects", group)
    for i in range(spec.length(("units",))):
        out += _table(spec, ("units", i), UNIT_FIELDS, "units", f"本批次补充单位 {i + 1}")
    return out + _attachments(spec, ("attachments",), "")  # after the projects: their tab shows projects first


def _paragraphs(spec: SpecText, path: tuple, section: str, group: str) -> list[Field]:
    out = []
    for i in range(spec.length(path)):
        if isinstance(spec.node((*path, i)), yaml.MappingNode):
            out += [_field(spec, (*path, i, "heading"), f"第 {i + 1} 段·小标题", "text", section, group),
                    _field(spec, (*path, i, "text"), f"第 {i + 1} 段·正文", "long", section, group)]
        else:
            out.append(_field(spec, (*path, i), f"第 {i + 1} 段", "long", section, group))
    return out


def _attachments(spec: SpecText, path: tuple, number: str) -> list[Field]:
    out = []
    for i in range(spec.length(path)):
        base, no = (*path, i), f"{number}-{i + 1}" if number else str(i + 1)
        kind = spec.get((*base, "kind")) or ""
        section = KIND_SECTION.get(kind, "notice")
        group = f"附件{no}：{ATTACHMENT_KINDS.get(kind, kind)}"
        out += [_field(spec, (*base, "kind"), "类型", "readonly", section, group),
                _field(spec, (*base, "key"), "引用名", "text", section, group),
                _field(spec, (*base, "title"), "标题", "long", section, group),
                _field(spec, (*base, "expect_no"), "核对编号", "text", section, group)]
        extra_section = "projects" if kind == "allocation_table" else "targets" if kind == "target_tables" else section
        out += _table(spec, base, KIND_FIELDS.get(kind, []), extra_section, group)
        if kind == "letter":
            out += _paragraphs(spec, (*base, "body"), section, group + "·正文")
        out += _attachments(spec, (*base, "children"), no)
    return out


def _targets(spec: SpecText) -> list[Field]:
    out = [_field(spec, ("targets", "required_for"), "须附绩效目标的表（附件引用名）", "text", "targets", "绩效目标"),
           _field(spec, ("targets", "exempt"), "免附单位（每行一个）", "lines", "targets", "绩效目标")]
    out += [_field(spec, ("targets", "defaults", k), f"表头默认值·{k}", "text", "targets", "表头默认值")
            for k in spec.keys(("targets", "defaults"))]
    for set_id in spec.keys(("targets", "indicator_sets")):
        base = ("targets", "indicator_sets", set_id)
        group = f"指标模板：{set_id}"
        out.append(_field(spec, (*base, "goal"), "年度总体目标", "long", "targets", group))
        out += _indicators(spec, (*base, "indicators"), group)
    for i in range(spec.length(("targets", "tables"))):
        base = ("targets", "tables", i)
        who = spec.get((*base, "unit")) or "、".join(_scalars(spec, (*base, "units")))
        group = f"绩效目标表 {i + 1}：{who}"
        out.append(_field(spec, (*base, "layout"), "表样", "text", "targets", group))
        out += _table(spec, base, TABLE_FIELDS, "targets", group)
        out += [_field(spec, (*base, "fields", k), f"表头·{k}", "text", "targets", group)
                for k in spec.keys((*base, "fields"))]
        out += [_field(spec, (*base, "vars", k), f"表内取值·{k}", "text", "targets", group)
                for k in spec.keys((*base, "vars"))]
        goal = spec.node((*base, "goal"))
        kind = "lines" if isinstance(goal, yaml.SequenceNode) else "long"
        out.append(_field(spec, (*base, "goal"), "年度总体目标", kind, "targets", group))
        out += _indicators(spec, (*base, "indicators"), group)
    return out


def _scalars(spec: SpecText, path: tuple) -> list[str]:
    node = spec.node(path)
    return [v.value for v in node.value if isinstance(v, yaml.ScalarNode)] if isinstance(node, yaml.SequenceNode) else []


def _indicators(spec: SpecText, path: tuple, group: str) -> list[Field]:
    out = []
    for r in range(spec.length(path)):
        row = spec.node((*path, r))
        if isinstance(row, yaml.SequenceNode):
            out += [_field(spec, (*path, r, c), f"指标 {r + 1}·{INDICATOR_LABELS[c] if c < 8 else c + 1}", "text",
                           "targets", group) for c in range(len(row.value))]
        elif isinstance(row, yaml.MappingNode):
            out += [_field(spec, (*path, r, k), f"指标 {r + 1}·{k}", "text", "targets", group)
                    for k in spec.keys((*path, r))]
    return out


def parse_field(field: Field, text: str, decimals: int):
    """The value to write for a field's submitted text (None removes the key); EditError when it is not valid."""
    text = (text or "").replace("\r\n", "\n").strip()
    if field.kind == "lines":
        return [line.strip() for line in text.split("\n") if line.strip()] or None
    if field.kind == "long":
        text = " ".join(part.strip() for part in text.split("\n"))
    if not text:
        return None
    if field.kind == "int":
        if not text.isdigit() or int(text) <= 0:
            raise EditError(f"「{text}」应为正整数")
        return int(text)
    if field.kind == "date":
        try:
            return str(dt.date.fromisoformat(text))
        except ValueError as e:
            raise EditError(f"「{text}」不是日期：请写成 2024-04-28 的样式") from e
    if field.kind in ("bool", "choice"):
        allowed = {key for key, _ in field.options}
        if text not in allowed:
            raise EditError(f"「{text}」不是可选的值")
        return {"true": True, "false": False}.get(text, text) if field.kind == "bool" else text
    if field.kind == "money":
        return parse_amount(text, decimals)
    return text


def apply_fields(spec: SpecText, form, fields: list[Field] | None = None) -> dict[str, str]:
    """Write the changed fields of the form; returns {field name: problem} for the values that were refused."""
    fields = batch_fields(spec) if fields is None else fields
    decimals = money_decimals(spec)
    errors, simple, other = {}, [], []
    for field in fields:
        if field.kind == "readonly" or field.name not in form:
            continue
        try:
            value = parse_field(field, form[field.name], decimals)
        except EditError as e:
            errors[field.name] = str(e)
            continue
        if _unchanged(field, value):
            continue
        node = spec.node(field.path)
        if value is not None and field.kind != "lines" and isinstance(node, yaml.ScalarNode):
            simple.append((field.path, value))
        else:
            other.append((field, value))
    if simple:
        spec.replace_many(simple)
    for field, value in other:
        if field.kind == "lines" and value is not None:
            spec.set_list(field.path, value)
        else:
            spec.set(field.path, value)
    return errors


def _unchanged(field: Field, value) -> bool:
    if value is None:
        return field.value == ""
    if field.kind == "lines":
        return "\n".join(value) == field.value
    if isinstance(value, bool):
        return field.value.lower() == str(value).lower()
    return str(value) == field.value


_NOTICE_ATTRS = {"doc_number/agency": "doc_agency", "doc_number/year": "doc_year", "doc_number/seq": "doc_seq"}


def notice_hints(notice: Notice | None) -> dict[str, str]:
    """What each notice field is when the batch leaves it out (the issuer profile's value or the default)."""
    if notice is None:
        return {}
    hints = {}
    for key, _label, _kind, _opts in NOTICE:
        value = getattr(notice, _NOTICE_ATTRS.get(key, key), None)
        if isinstance(value, list):
            value = "、".join(map(str, value))
        if isinstance(value, bool):
            value = "是" if value else "否"
        if value not in (None, ""):
            hints[field_name(("notice", *key.split("/")))] = str(value)
    return hints
