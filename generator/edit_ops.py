"""List operations of the web editor: add, remove and reorder items (paragraphs, attachments, projects, parts,
units, target tables, indicators), each spliced into the spec's text like a field edit.

An operation arrives as one form value `op` ("move:attachments/2:up", "remove:projects/1", "add:project")
with its parameters in `op_*` fields. Only the lists named in LISTS can be touched.
"""

from __future__ import annotations

import re

import yaml

from .model import LEVELS, Registry
from .spec_edit import EditError, Flow, FlowMap, Raw, SpecText, node_source, scalar_text

LISTS = [re.compile(p) for p in (
    r"notice/body", r"notice/cc", r"attachments(/\d+/children)*", r"attachments/\d+(/children/\d+)*/body",
    r"attachments/\d+(/children/\d+)*/notes", r"projects", r"projects/\d+/parts", r"allocations", r"units",
    r"expected", r"targets/tables", r"targets/exempt", r"targets/tables/\d+/indicators",
    r"targets/indicator_sets/[^/]+/indicators",
)]
ATTACHMENT_DEFAULTS = {"allocation_table": {"columns": [FlowMap({"unit": "单位"}), FlowMap({"measure": "due"})]},
                       "target_tables": {"layouts": ["project"]}, "filing_form": {}, "feedback_form": {"rows": 3},
                       "letter": {"body": ["（请填写函的正文）"]}}
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")


def list_path(spec: SpecText, text: str) -> tuple:
    """The key path of an allowed list ("projects/1/parts" → ("projects", 1, "parts")); EditError otherwise."""
    if not any(p.fullmatch(text) for p in LISTS):
        raise EditError("不支持的操作")
    path: list = []
    for part in text.split("/"):
        node = spec.node(tuple(path))
        path.append(int(part) if isinstance(node, yaml.SequenceNode) and part.isdigit() else part)
    return tuple(path)


def apply_op(spec: SpecText, op: str, form, registry: Registry | None = None) -> str:
    """Apply one list operation; returns what was done, in Chinese, for the page's message."""
    verb, _, arg = op.partition(":")
    if verb == "move":
        target, _, direction = arg.rpartition(":")
        base, _, index = target.rpartition("/")
        path = list_path(spec, base)
        if not index.isdigit() or direction not in ("up", "down"):
            raise EditError("不支持的操作")
        spec.move((*path, int(index)), int(index) + (-1 if direction == "up" else 1))
        return "已调整顺序"
    if verb == "remove":
        base, _, index = arg.rpartition("/")
        if not index.isdigit():
            raise EditError("不支持的操作")
        spec.remove((*list_path(spec, base), int(index)))
        return "已删除"
    if verb == "add" and arg in ADDERS:
        return ADDERS[arg](spec, form, registry)
    raise EditError("不支持的操作")


def _param(form, name: str, label: str) -> str:
    value = (form.get(f"op_{name}") or "").strip()
    if not value:
        raise EditError(f"请填写{label}")
    return value


def _add_paragraph(spec, form, registry) -> str:
    path = list_path(spec, form.get("op_path") or "notice/body")
    text = _param(form, "text", "段落文字")
    heading = (form.get("op_heading") or "").strip()
    if spec.node(path) is None and path == ("notice", "body"):
        raise EditError("本批次的正文沿用发文机关配置：请先点“在本批次中改写正文”")
    if spec.node(path[:-1]) is None:
        raise EditError("要添加段落的附件不存在（页面可能已过期，请刷新）")
    spec.insert(path, spec.length(path), FlowMap({"heading": heading, "text": text}) if heading else text)
    return "已添加段落"


def _copy_body(spec, form, registry) -> str:
    """Write the profile's body paragraphs into the batch, so the clerk can edit them here."""
    paragraphs = form.get("_profile_body") or []
    if spec.node(("notice", "body")) is not None:
        raise EditError("本批次已有自己的正文")
    if not paragraphs:
        raise EditError("发文机关配置中没有正文可复制")
    notice = spec.node(("notice",))
    if not isinstance(notice, yaml.MappingNode) or not notice.value or spec._is_flow(notice):
        raise EditError("通知部分的格式无法自动添加正文，请在 YAML 中添加")
    indent = " " * notice.value[0][0].start_mark.column
    lines = []
    for heading, text in paragraphs:
        item = f"{{heading: {scalar_text(heading)}, text: {scalar_text(text)}}}" if heading else scalar_text(text)
        lines.append(f"{spec.newline}{indent}  - {item}")
    spec.set(("notice", "body"), Raw("".join(lines)))
    return "已把发文机关配置中的正文复制到本批次，可逐段修改"


def _add_project(spec, form, registry) -> str:
    pid, name = _param(form, "id", "项目标识（英文字母开头）"), _param(form, "name", "项目名称")
    if not _ID.match(pid):
        raise EditError(f"项目标识「{pid}」应以英文字母开头，只含字母、数字和下划线")
    if pid in [spec.get(("projects", i, "id")) for i in range(spec.length(("projects",)))]:
        raise EditError(f"项目标识「{pid}」已被使用")
    spec.insert(("projects",), spec.length(("projects",)), FlowMap({"id": pid, "name": name}))
    return f"已添加项目「{name}」"


def _add_part(spec, form, registry) -> str:
    path = list_path(spec, form.get("op_path") or "")
    key, name = _param(form, "key", "分项字母"), _param(form, "name", "分项名称")
    if not re.fullmatch(r"[a-z]", key):
        raise EditError(f"分项字母「{key}」应为一个小写字母（a、b、c…）")
    item = FlowMap({"key": key, "name": name})
    if form.get("op_perf"):
        item["perf"] = True
    spec.insert(path, spec.length(path), item)
    return f"已添加分项 {key}"


def _add_alloc_unit(spec, form, registry) -> str:
    uid = _unit_id(_param(form, "unit", "单位"), registry, spec)
    if uid in [spec.get(("allocations", j, "unit")) for j in range(spec.length(("allocations",)))]:
        raise EditError(f"「{uid}」已在分配表中")
    spec.insert(("allocations",), spec.length(("allocations",)), FlowMap({"unit": uid}))
    return f"已把「{uid}」加入分配数，请在分配页填写金额"


def _unit_id(text: str, registry: Registry | None, spec: SpecText) -> str:
    extra = {spec.get(("units", i, "id")) or spec.get(("units", i, "name")) for i in range(spec.length(("units",)))}
    if registry is not None:
        if text in registry.by_id:
            return text
        named = [u.id for u in registry.by_id.values() if u.name == text or u.short == text]
        if len(named) == 1:
            return named[0]
    if text in extra:
        return text
    raise EditError(f"单位名录中没有「{text}」：请从列表中选择，或先在“单位”页添加本批次补充单位")


def _add_extra_unit(spec, form, registry) -> str:
    name, level = _param(form, "name", "单位名称"), _param(form, "level", "层级")
    if level not in LEVELS:
        raise EditError(f"层级「{level}」不是可选的值")
    if registry is not None and (name in registry.by_id or any(u.name == name for u in registry.by_id.values())):
        raise EditError(f"单位名录中已有「{name}」，请直接选用")
    item = FlowMap({"name": name, "level": level})
    for key in ("group", "code", "short"):
        if (form.get(f"op_{key}") or "").strip():
            item[key] = form[f"op_{key}"].strip()
    spec.insert(("units",), spec.length(("units",)), item)
    return f"已添加本批次补充单位「{name}」（加入单位名录须由管理员操作）"


def _add_attachment(spec, form, registry) -> str:
    kind = _param(form, "kind", "附件类型")
    if kind not in ATTACHMENT_DEFAULTS:
        raise EditError(f"附件类型「{kind}」不是可选的值")
    item = FlowMap({"kind": kind, **ATTACHMENT_DEFAULTS[kind]})
    key = (form.get("op_key") or "").strip()
    if key:
        item["key"] = key
    spec.insert(("attachments",), spec.length(("attachments",)), item)
    return "已添加附件"


def _add_target_table(spec, form, registry) -> str:
    uid = _unit_id(_param(form, "unit", "单位"), registry, spec)
    layout = _param(form, "layout", "表样")
    item = FlowMap({"layout": layout, "unit": uid})
    uses = (form.get("op_uses") or "").strip()
    if uses:
        item["uses"] = [uses]
    spec.insert(("targets", "tables"), spec.length(("targets", "tables")), item)
    return f"已为「{uid}」添加绩效目标表"


def _add_exempt(spec, form, registry) -> str:
    uid = _unit_id(_param(form, "unit", "单位"), registry, spec)
    spec.insert(("targets", "exempt"), spec.length(("targets", "exempt")), uid)
    return f"已把「{uid}」列入免附单位（请在 YAML 中用注释写明原因）"


def _add_indicator(spec, form, registry) -> str:
    path = list_path(spec, form.get("op_path") or "")
    row = [_param(form, "l2", "二级指标"), _param(form, "name", "三级指标"), _param(form, "value", "指标值")]
    spec.insert(path, spec.length(path), row)
    return "已添加指标"


def _split_unit(spec, form, registry) -> str:
    """Give one unit of a shared table (units: [...]) its own copy, where its values can differ."""
    number = _param(form, "table", "表号")
    if not number.isdigit() or not 1 <= int(number) <= spec.length(("targets", "tables")):
        raise EditError(f"没有第 {number} 张绩效目标表")
    path = list_path(spec, "targets/tables") + (int(number) - 1,)
    uid = _param(form, "unit", "单位")
    units = spec.node((*path, "units"))
    names = [n.value for n in units.value] if isinstance(units, yaml.SequenceNode) else []
    if uid not in names:
        raise EditError(f"这张表的单位中没有「{uid}」")
    node = spec.node(path)
    pairs = [f"unit: {scalar_text(uid)}"] + [f"{node_source(k)}: {node_source(v)}" for k, v in node.value
                                             if k.value not in ("units", "unit")]
    spec.remove((*path, "units", names.index(uid)))
    spec.insert(path[:-1], path[-1] + 1, Flow("{" + ", ".join(pairs) + "}"))
    return f"已为「{uid}」单独设表，可修改其指标值"


ADDERS = {"paragraph": _add_paragraph, "copy_body": _copy_body, "project": _add_project, "part": _add_part,
          "alloc_unit": _add_alloc_unit, "extra_unit": _add_extra_unit, "attachment": _add_attachment,
          "target_table": _add_target_table, "exempt": _add_exempt, "indicator": _add_indicator,
          "split_unit": _split_unit}


def missing_target_tables(derived) -> list[tuple[str, str, str]]:
    """(unit id, row label, 应补助) of each recipient that still lacks a target table and is not exempt."""
    if derived is None:
        return []
    have = {t.table.unit for t in derived.targets}
    exempt = set(derived.batch.targets.exempt)
    return [(r.unit, r.label, str(r.due)) for r in derived.recipients if r.unit not in have and r.unit not in exempt]


def item_controls(fields) -> dict[str, str]:
    """Field name → the list item ("attachments/2") whose move/remove buttons stand beside it: the first field
    of each item of an editable list, the innermost list winning."""
    out, seen = {}, set()
    for f in fields:
        for n in range(len(f.path) - 1, 0, -1):
            if not isinstance(f.path[n], int):
                continue
            base = "/".join(map(str, f.path[:n]))
            if any(p.fullmatch(base) for p in LISTS):
                target = f"{base}/{f.path[n]}"
                if target not in seen:
                    seen.add(target)
                    out[f.name] = target
                break
    return out
