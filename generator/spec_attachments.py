"""Read the `attachments:` list: kinds, titles, table columns and row rules."""

from __future__ import annotations

from .model import LEVELS, MEASURES, Attachment, Column, Loc, NumberFormat, Project, RowRules
from .reader import Obj, Reader

KINDS = ["allocation_table", "target_tables", "filing_form", "feedback_form", "letter"]
COMMON = ["kind", "key", "title", "expect_no", "children"]
BY_KIND = {
    "allocation_table": ["projects", "columns", "rows", "format", "unit_line", "formula_row", "orientation"],
    "target_tables": ["layouts", "flow", "sheet_name"],
    "filing_form": ["rows", "prefill", "note"],
    "feedback_form": ["header_left", "rows", "notes", "unit_line"],
    "letter": ["addressee", "body", "signature", "sign_date"],
}
ROW_KEYS = ["total_label", "groups", "group_labels", "levels", "labels", "names", "show_empty", "include",
            "exclude", "of_which", "group_override", "order"]


def read_attachments(rd: Reader, top: Obj, projects: list[Project]) -> list[Attachment]:
    """All attachments in notice order, children nested."""
    return _read_list(rd, top, "attachments", projects)


def _read_list(rd: Reader, obj: Obj, key: str, projects: list[Project]) -> list[Attachment]:
    out = []
    for item, loc in obj.items(key):
        att = _read_one(rd, item, loc, projects)
        if att is not None:
            out.append(att)
    return out


def _read_one(rd: Reader, item, loc: Loc, projects: list[Project]) -> Attachment | None:
    kind = item.get("kind") if hasattr(item, "get") else None
    kind = kind if isinstance(kind, str) else None
    allowed = COMMON + BY_KIND.get(kind, [])
    obj = rd.obj(item, loc, allowed, "附件")
    if obj is None:
        return None
    kind = obj.choice("kind", KINDS, required=True)
    if kind is None:
        return None
    title = obj.text("title", required=kind != "filing_form") or ""
    att = Attachment(kind, title, loc, key=obj.text("key"), expect_no=obj.text("expect_no"))
    att.children = _read_list(rd, obj, "children", projects)
    if kind == "allocation_table":
        _read_table(rd, obj, att, projects)
    elif kind == "target_tables":
        att.layouts = obj.texts("layouts")
        att.flow = obj.choice("flow", ["per_page", "continuous"], "per_page")
        if obj.has("sheet_name"):  # a template per table: {{ fields.project_name }}, {{ unit.name }}, {{ index }}
            att.options["sheet_name"] = (obj.text("sheet_name"), obj.loc("sheet_name"))
        if not att.layouts:
            rd.error(obj.loc(), "绩效目标表附件须用 layouts 指明收录哪些表样")
    elif kind == "filing_form":
        att.rows_count = obj.integer("rows", default=10)
        att.prefill = obj.choice("prefill", ["recipients"])
        att.note = obj.text("note", default="注：各单位此项资金财会监督责任人为本单位主要负责人。")
    elif kind == "feedback_form":
        att.rows_count = obj.integer("rows", default=3)
        att.header_left = obj.text("header_left", default="单位名称：")
        att.notes = obj.texts("notes")
        att.unit_line = obj.text("unit_line", default="单位：万元")
    elif kind == "letter":
        att.body = obj.texts("body")
        att.options = {"signature": obj.text("signature"), "sign_date": obj.date("sign_date"),
                       "addressee": obj.text("addressee")}
        if not att.body:
            rd.error(obj.loc(), "函（letter）须有正文 body")
    return att


def _read_table(rd: Reader, obj: Obj, att: Attachment, projects: list[Project]) -> None:
    ids = [p.id for p in projects]
    att.projects = obj.texts("projects") or ids
    for item, loc in obj.items("projects"):
        if str(item) not in ids and ids:  # no projects at all is reported once, where projects should be
            rd.error(loc, f"没有标识为「{item}」的项目（可选：{'、'.join(ids)}）")
    fmt = obj.mapping("format", ["decimals", "thousands", "zero"], "数字格式")
    if fmt is not None:
        att.number_format = NumberFormat(fmt.integer("decimals", default=2), fmt.boolean("thousands", True),
                                         fmt.choice("zero", ["blank", "zero", "subtotals"], "blank"))
    att.unit_line = obj.text("unit_line", default="单位：万元")
    att.formula_row = obj.boolean("formula_row")
    att.orientation = obj.choice("orientation", ["portrait", "landscape"])
    att.columns = [c for c in (_read_column(rd, item, loc, projects) for item, loc in obj.items("columns")) if c]
    if not att.columns:
        rd.error(obj.loc(), "分配表须列出 columns")
    att.rows = _read_rows(rd, obj)


def _read_column(rd: Reader, item, loc: Loc, projects: list[Project]) -> Column | None:
    if item in ("code", "unit"):
        return Column(item, loc, label="单位编码" if item == "code" else "单位名称")
    cobj = rd.obj(item, loc, ["code", "unit", "measure", "project", "measures", "labels", "part", "label", "width",
                              "zero", "decimals"], "列")
    if cobj is None:
        return None
    column = _read_column_kind(rd, cobj, loc, projects)
    if column is not None:
        column.zero = cobj.choice("zero", ["blank", "zero", "subtotals"])
        column.decimals = cobj.integer("decimals") if cobj.has("decimals") else None
        if column.decimals is not None and not 0 <= column.decimals <= 6:
            rd.error(cobj.loc("decimals"), f"小数位数 decimals 应为 0 到 6 之间的整数（现为 {column.decimals}）")
    return column


def _read_column_kind(rd: Reader, cobj: Obj, loc: Loc, projects: list[Project]) -> Column | None:
    width = cobj.width("width")
    label = cobj.text("label")
    if cobj.has("unit") or cobj.has("code"):
        kind = "unit" if cobj.has("unit") else "code"
        return Column(kind, loc, label=cobj.text(kind) or label, width=width)
    if cobj.has("measure"):
        measure = cobj.choice("measure", list(MEASURES), required=True)
        return Column("measure", loc, label=label, measure=measure, width=width)
    pid = cobj.text("project", required=True)
    project = next((p for p in projects if p.id == pid), None)
    if pid and project is None:
        if projects:  # no projects at all is reported once, where projects should be
            rd.error(cobj.loc("project"), f"没有标识为「{pid}」的项目")
        return None
    if cobj.has("part"):
        part = cobj.text("part")
        if project and part not in {p.key for p in project.parts}:
            rd.error(cobj.loc("part"), f"项目「{project.name}」没有分项「{part}」")
        return Column("part", loc, label=label, project=pid, part=part, width=width)
    measures = cobj.texts("measures") or list(MEASURES)
    for m in measures:
        if m not in MEASURES:
            rd.error(cobj.loc("measures"), f"未知的金额口径「{m}」（可选：{'、'.join(MEASURES)}）")
    labels = cobj.texts("labels")
    if labels and len(labels) != len(measures):
        rd.error(cobj.loc("labels"), f"labels 有 {len(labels)} 项，measures 有 {len(measures)} 项，应一一对应")
        labels = []
    return Column("project", loc, label=label, project=pid, measures=[m for m in measures if m in MEASURES],
                  labels=labels, width=width)


def _read_rows(rd: Reader, obj: Obj) -> RowRules:
    rows = RowRules(loc=obj.loc("rows"))
    robj = obj.mapping("rows", ROW_KEYS, "行设置（rows）")
    if robj is None:
        return rows
    rows.total_label = robj.text("total_label", default="合计")
    rows.groups = robj.boolean("groups", True)
    rows.group_labels = {k: v for k, (v, _) in robj.text_map("group_labels").items()}
    if robj.has("levels"):
        rows.levels = robj.texts("levels")
    rows.labels = {k: v for k, (v, _) in robj.text_map("labels").items()}
    rows.names = robj.choice("names", ["name", "short"], "name")
    rows.show_empty = robj.texts("show_empty")
    rows.include, rows.exclude = robj.texts("include"), robj.texts("exclude")
    rows.of_which = robj.choice("of_which", ["additive", "non_additive"], "additive")
    rows.group_override = {k: v for k, (v, _) in robj.text_map("group_override").items()}
    rows.order = robj.texts("order")
    for key in ("levels", "show_empty"):
        for level in getattr(rows, key):
            if level not in LEVELS:
                rd.error(robj.loc(key), f"未知的层级「{level}」（可选：{'、'.join(LEVELS)}）")
    return rows
