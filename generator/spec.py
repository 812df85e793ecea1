"""Load a batch spec, its issuer profile and unit registry into the typed model.

Structural problems (types, unknown keys, unknown references) are collected here;
arithmetic and cross-table checks are in validate.py, which runs on the model.
"""

from __future__ import annotations

from pathlib import Path

from . import layouts
from .model import (
    MEASURES,
    Allocation,
    Batch,
    Cell,
    Expected,
    Loc,
    Notice,
    Paragraph,
    Part,
    Project,
    Registry,
)
from .reader import Obj, Reader, to_decimal
from .references import display_path, load_reference
from .registry import read_units
from .spec_attachments import read_attachments
from .spec_targets import read_targets
from .validate_input import check_notice_numbers
from .yamlsrc import YList, YMap, YNum, load_yaml, parse_yaml

BATCH_KEYS = ["kind", "profile", "registry", "groups", "units", "notice", "money", "projects", "allocations",
              "expected", "attachments", "targets"]
NOTICE_KEYS = ["issuer", "mark", "doc_number", "year", "fund_level", "program", "batch_label", "title",
               "title_with_issuer", "title_lines", "addressees", "body", "slots", "amount_measure",
               "disclosure", "disclosure_position", "cc", "cc_end", "printer", "print_date", "copies",
               "signature", "sign_date", "attachments_inline"]
PROFILE_KEYS = ["kind", "name", *NOTICE_KEYS]
DISCLOSURES = ["主动公开", "依申请公开", "不予公开"]
# Longest sensible texts for names that go into the title and the file names (a 2号 title line holds 20).
LIMITS = {"issuer": 60, "agency": 30, "program": 80, "batch_label": 30, "title": 200}


def root_loc(file: str, path: str = "") -> Loc:
    """The start of a file."""
    return Loc(file, 1, 1, path)


def read_top(path: Path, text: str | None = None) -> tuple[Reader, object, str]:
    """Parse a spec file (or `text` standing at `path`): the reader with its problems, the data, the display name."""
    rd = Reader()
    file = display_path(path)
    if text is None:
        data, problems = load_yaml(path, file)
    else:
        problems = []
        data = parse_yaml(text, file, problems)
    rd.problems.extend(problems)
    return rd, data, file


def declared_kind(data) -> tuple[str, bool]:
    """The `kind:` a parsed spec declares ("batch" when absent) and whether it was written."""
    if isinstance(data, YMap) and data.get("kind") is not None:
        return str(data["kind"]), True
    return "batch", False


def load_batch(path: Path, text: str | None = None) -> tuple[Batch | None, list]:
    """Read a batch spec and what it references; return the model (None if unusable) and all problems.

    With `text`, the spec is that text (an upload from the web) standing at `path` for relative references.
    """
    rd, data, file = read_top(path, text)
    if data is None:
        return None, rd.problems
    top = rd.obj(data, root_loc(file), BATCH_KEYS, "批次描述文件")
    if top is None:
        return None, rd.problems
    if top.choice("kind", ["batch", "profile", "registry", "target_layout"], "batch") != "batch":
        rd.error(top.loc("kind"), "这不是批次描述文件（kind 应为 batch）")
        return None, rd.problems
    return read_batch(rd, top, path), rd.problems


def read_batch(rd: Reader, top: Obj, path: Path) -> Batch | None:
    """A notice batch from its opened top-level mapping (None if unusable; problems go to `rd`)."""
    base = path.parent
    registry = _read_registry(rd, top, base)
    profile = _read_profile(rd, top, base)
    notice = _read_notice(rd, top, profile)
    money = top.mapping("money", ["decimals", "unit"], "金额设置")
    decimals = money.integer("decimals", default=2) if money else 2
    projects = _read_projects(rd, top)
    allocations = _read_allocations(rd, top, projects, registry)
    attachments = read_attachments(rd, top, projects)
    layout_map = layouts.load_referenced(rd, top, base)
    targets = read_targets(rd, top, registry, layout_map, projects)
    expected = _read_expected(rd, top, projects)
    if notice is None or registry is None:
        return None
    return Batch(path, notice, registry, projects, allocations, attachments, targets, expected,
                 decimals, layout_map)


def _read_registry(rd: Reader, top: Obj, base: Path) -> Registry | None:
    registry = Registry("", [], [], {})
    named = top.has("registry") and isinstance(top.raw("registry"), (str, type(None)))
    loaded = load_reference(rd, top.text("registry") or "", base, top.loc("registry"), "registry") \
        if named else None
    if named and loaded is None:
        return None  # reported once; checking every unit against an empty registry would only repeat it
    if loaded is not None:
        target, data = loaded
        obj = rd.obj(data, root_loc(display_path(target)), ["kind", "name", "groups", "units"], "单位名录")
        if obj is not None:
            registry.name = obj.text("name", default="") or ""
            registry.source = target
            read_units(rd, obj, registry)
    if top.has("units") or top.has("groups"):
        read_units(rd, top, registry)
    if not registry.by_id:
        if not {"units", "registry"} & set(top.misspelled):
            rd.error(top.loc("registry"), "没有任何单位：请用 registry 引用单位名录，或在 units 中列出单位")
        return None  # every unit reference would be "unknown": reported once here
    return registry


def _read_profile(rd: Reader, top: Obj, base: Path) -> Obj | None:
    if not top.has("profile") or not isinstance(top.raw("profile"), (str, type(None))):
        top.text("profile")  # reports a profile that is not text
        return None
    loaded = load_reference(rd, top.text("profile") or "", base, top.loc("profile"), "profile")
    if loaded is None:
        return None
    target, data = loaded
    return rd.obj(data, root_loc(display_path(target)), PROFILE_KEYS, "发文机关配置")


def _merged(rd: Reader, top: Obj, profile: Obj | None) -> Obj | None:
    """The notice mapping with the profile's keys underneath (batch wins; slots and doc_number merge)."""
    batch = top.raw("notice")
    if batch is None:
        if "notice" not in top.misspelled:
            rd.error(top.loc(), "缺少必填项「notice」")
        return None
    if not isinstance(batch, YMap):
        return rd.obj(batch, top.loc("notice"), NOTICE_KEYS, "通知（notice）")
    merged = YMap()
    merged.pos, merged.key_pos, merged.val_pos = batch.pos, {}, {}
    layers = [profile.data] if profile else []
    for layer in [*layers, batch]:
        for key, value in layer.items():
            if key in ("kind", "name") and layer is not batch:
                continue
            if key in ("slots", "doc_number") and isinstance(value, YMap) and isinstance(merged.get(key), YMap):
                inner = YMap({**merged[key], **value})
                inner.pos = value.pos
                inner.key_pos = {**merged[key].key_pos, **value.key_pos}
                inner.val_pos = {**merged[key].val_pos, **value.val_pos}
                value = inner
            merged[key] = value
            merged.key_pos[key] = layer.key_pos[key]
            merged.val_pos[key] = layer.val_pos[key]
    return rd.obj(merged, top.loc("notice"), NOTICE_KEYS, "通知（notice）")


def _read_notice(rd: Reader, top: Obj, profile: Obj | None) -> Notice | None:
    obj = _merged(rd, top, profile)
    if obj is None:
        return None
    doc = obj.mapping("doc_number", ["agency", "year", "seq"], "发文字号")
    check_notice_numbers(rd, obj, doc)
    if doc is None and "doc_number" not in obj.misspelled:
        rd.error(obj.loc(), "缺少必填项「doc_number」（发文字号：agency / year / seq）")
    issuer = obj.text("issuer", required=True, limit=LIMITS["issuer"]) or ""
    notice = Notice(
        issuer=issuer,
        mark=obj.text("mark") or f"{issuer}文件",
        doc_agency=(doc.text("agency", required=True, limit=LIMITS["agency"]) if doc else None) or "",
        doc_year=(doc.integer("year", required=True) if doc else None) or 0,
        doc_seq=(doc.integer("seq", required=True) if doc else None) or 0,
        year=obj.integer("year", required=True) or 0,
        fund_level=obj.text("fund_level", default="") or "",
        program=obj.text("program", required=True, limit=LIMITS["program"]) or "",
        addressees=obj.text("addressees", required=True) or "",
        body=_read_paragraphs(rd, obj, "body"),
        printer=obj.text("printer", required=True) or "",
        print_date=obj.date("print_date", required=True) or "",
        loc=obj.loc(),
        batch_label=obj.text("batch_label", limit=LIMITS["batch_label"]),
        title=obj.text("title", limit=LIMITS["title"]),
        title_with_issuer=obj.boolean("title_with_issuer"),
        title_lines=obj.texts("title_lines"),
        cc=obj.texts("cc"),
        cc_end=obj.text("cc_end", default="。") if obj.has("cc_end") else "。",
        disclosure=obj.choice("disclosure", DISCLOSURES),
        disclosure_position=obj.choice("disclosure_position", ["before_cc", "after_date", "note"], "before_cc"),
        copies=obj.integer("copies"),
        signature=obj.text("signature"),
        sign_date=obj.date("sign_date"),
        slots={k: v for k, (v, _) in obj.text_map("slots").items()},
        attachments_inline=obj.boolean("attachments_inline", True),
        amount_measure=obj.choice("amount_measure", ["this", "due"], "this"),
        locs={k: obj.loc(k) for k in obj.data},
    )
    if notice.cc_end is None:
        notice.cc_end = ""
    if doc and notice.doc_year and notice.year and doc.integer("year") != notice.year:
        rd.warn(doc.loc("year"), f"发文字号年份 {notice.doc_year} 与资金年度 {notice.year} 不同，请确认")
    return notice


def _read_paragraphs(rd: Reader, obj: Obj, key: str) -> list[Paragraph]:
    out = []
    for item, loc in obj.items(key):
        if isinstance(item, str):
            out.append(Paragraph(obj.check_text(item, loc), loc))
            continue
        para = rd.obj(item, loc, ["heading", "text"], "段落")
        if para is not None:
            out.append(Paragraph(para.text("text", default="") or "", loc, para.text("heading")))
    return out


def _read_projects(rd: Reader, top: Obj) -> list[Project]:
    projects: list[Project] = []
    for item, loc in top.items("projects"):
        obj = rd.obj(item, loc, ["id", "name", "parts"], "项目")
        if obj is None:
            continue
        pid, name = obj.text("id", required=True), obj.text("name", required=True)
        if pid in MEASURES or pid in ("unit", "advance", "expect_due"):
            rd.error(obj.loc("id"), f"项目标识「{pid}」与保留字冲突，请换一个")
        if any(p.id == pid for p in projects):
            rd.error(obj.loc("id"), f"项目标识「{pid}」重复")
        parts = []
        for pitem, ploc in obj.items("parts"):
            pobj = rd.obj(pitem, ploc, ["key", "name", "perf"], "分项")
            if pobj is not None:
                key = pobj.text("key", required=True) or "?"
                if key in MEASURES:
                    rd.error(pobj.loc("key"), f"分项字母「{key}」与保留字冲突")
                parts.append(Part(key, pobj.text("name", required=True) or "", pobj.boolean("perf"), ploc))
        if sum(p.perf for p in parts) > 1:
            rd.error(obj.loc("parts"), "最多只能有一个分项标为绩效（perf: true）")
        if pid and name:
            projects.append(Project(pid, name, loc, parts))
    if not projects and "projects" not in top.misspelled:
        rd.error(top.loc("projects"), "至少需要一个项目（projects）")
    return projects


def _read_allocations(rd: Reader, top: Obj, projects: list[Project], registry: Registry | None):
    by_id = {p.id: p for p in projects}
    out: list[Allocation] = []
    seen: dict[str, Loc] = {}
    if not projects:  # already reported (missing or misspelt projects); every project key would be "unknown"
        return out
    for item, loc in top.items("allocations"):
        obj = rd.obj(item, loc, ["unit", "advance", "expect_due", *by_id], "分配数")
        if obj is None:
            continue
        uid = obj.text("unit", required=True)
        if uid is None:
            continue
        if registry and uid not in registry.by_id:
            unknown_unit(rd, obj.loc("unit"), uid, registry)
        elif registry and registry.by_id[uid].children:
            rd.error(obj.loc("unit"), f"「{uid}」有下级单位，金额只能填在末级单位上（上级数由下级汇总得出）")
        if uid in seen:
            first = seen[uid]
            rd.error(obj.loc("unit"), f"单位「{uid}」的分配数重复（第一次在第 {first.line} 行）")
        seen[uid] = obj.loc("unit")
        cells = {}
        for pid, project in by_id.items():
            if obj.has(pid):
                cell = _read_cell(rd, obj, project)
                if cell is not None:
                    cells[pid] = cell
        alloc = Allocation(uid, loc, cells, obj.decimal("advance"), obj.loc("advance") if obj.has("advance") else None)
        if obj.has("expect_due"):
            alloc.expect_due, alloc.expect_loc = obj.decimal("expect_due"), obj.loc("expect_due")
        out.append(alloc)
    return out


def _read_cell(rd: Reader, obj: Obj, project: Project) -> Cell | None:
    value, loc = obj.raw(project.id), obj.loc(project.id)
    if not isinstance(value, (YMap, YList)):  # a number (or something meant as one: "500", abc, NaN)
        if value is not None and not isinstance(value, YNum):
            to_decimal(rd, value, loc, project.id)
            return None
        if project.parts and value is None:  # a cleared amount (下一批 with amounts cleared): still to be filled
            keys = "、".join(p.key for p in project.parts)
            rd.error(loc, f"项目「{project.name}」的金额待填：实际是空值（按分项 {keys} 填写数字）")
            return None
        if project.parts:
            rd.error(loc, f"项目「{project.name}」按分项（{'、'.join(p.key for p in project.parts)}）填写，不能直接写一个数")
            return None
        return Cell(project.id, loc, due=to_decimal(rd, value, loc, project.id), locs={"due": loc})
    part_keys = [p.key for p in project.parts]
    allowed = ["advance", "perf", *part_keys] if project.parts else ["due", "advance", "perf"]
    cobj = rd.obj(value, loc, allowed, f"项目「{project.name}」的金额")
    if cobj is None:
        return None
    cell = Cell(project.id, loc)
    for key in cobj.data:
        if key not in allowed:
            continue
        amount = cobj.decimal(key)
        cell.locs[key] = cobj.loc(key)
        if key in part_keys:
            cell.parts[key] = amount
        else:
            setattr(cell, key, amount)
    if project.parts and cell.perf is not None:
        rd.error(cobj.loc("perf"), "有分项的项目，绩效数由标为 perf 的分项得出，不能另填 perf")
    return cell


def unknown_unit(rd: Reader, loc: Loc, uid: str, registry: Registry) -> None:
    """Report a reference to a unit the registry does not have, with a hint."""
    import difflib

    hint = difflib.get_close_matches(uid, list(registry.by_id), n=1, cutoff=0.5)
    tip = f"，您是不是想写「{hint[0]}」？" if hint else ""
    rd.error(loc, f"单位名录中没有「{uid}」{tip}")


def _read_expected(rd: Reader, top: Obj, projects: list[Project]) -> list[Expected]:
    out = []
    part_keys = {p.key for pr in projects for p in pr.parts}
    for item, loc in top.items("expected"):
        obj = rd.obj(item, loc, ["of", "project", "measure", "value", "table"], "核对数")
        if obj is None:
            continue
        measure = obj.choice("measure", [*MEASURES, *sorted(part_keys)], required=True)
        value = obj.decimal("value", required=True)
        project = obj.text("project")
        if project and project not in {p.id for p in projects}:
            rd.error(obj.loc("project"), f"没有标识为「{project}」的项目")
        if measure in part_keys and not project:
            having = "、".join(p.id for p in projects if any(pt.key == measure for pt in p.parts))
            rd.error(obj.loc("measure"), f"分项「{measure}」属于项目，请同时写 project（有此分项的项目：{having}）")
        if measure and value is not None:
            out.append(Expected(obj.text("of", required=True) or "total", measure, value, loc, project,
                                obj.text("table")))
    return out

