"""Start a batch: a new spec from an issuer profile and a unit registry, or "下一批" copied from an earlier one.

Both return spec text (flow-style YAML like the examples) and never write a file: the caller saves it
(the web through its git-backed store). Cleared amounts are written as `~` so that `check` reports each
one in Chinese at its line until the clerk fills it in.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from .errors import GeneratorError
from .model import Registry
from .reader import Reader
from .registry import read_units
from .spec import display_path, root_loc
from .spec_edit import SpecText, scalar_text
from .yamlsrc import SAFE_LOADER, load_yaml

DEFAULT_BODY = ("现将{{ fund_name }}{{ amount }}万元下达给你们（分配表见附件{{ att.alloc }}），"
                "请按规定及时拨付使用。")


class NewBatchError(GeneratorError):
    """Raised when form values or the source spec cannot make a batch; the message is Chinese."""


@dataclass
class NewBatch:
    """The form of a new batch: where its profile and registry are, and the notice's own values."""

    profile: Path
    registry: Path
    year: int
    seq: int
    program: str
    print_date: str
    projects: list[str] = field(default_factory=list)  # project names, one per project
    fund_level: str = ""
    batch_label: str = ""
    sign_date: str = ""


@dataclass
class NextBatch:
    """What changes when an earlier batch is copied: 文号, dates, batch label; amounts kept or cleared."""

    seq: int
    year: int | None = None  # None keeps the year
    print_date: str = ""
    sign_date: str = ""
    batch_label: str | None = None  # None keeps it; "" drops it
    keep_amounts: bool = False
    keep_expected: bool = False


@dataclass
class Amounts:
    """One unit's inputs: per project a mapping of due/advance/perf/part key → amount; unit-level advance."""

    unit: str
    cells: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    advance: Decimal | None = None


def load_registry(path: Path) -> tuple[Registry, list]:
    """A registry file read on its own (the import matches rows against it); problems are Chinese."""
    rd = Reader()
    registry = Registry("", [], [], {}, path)
    data, problems = load_yaml(path, display_path(path))
    rd.problems.extend(problems)
    if data is not None:
        obj = rd.obj(data, root_loc(display_path(path)), ["kind", "name", "groups", "units"], "单位名录")
        if obj is not None:
            registry.name = obj.text("name", default="") or ""
            read_units(rd, obj, registry)
    return registry, rd.problems


def money_text(amount: Decimal) -> str:
    """An amount as YAML source: plain digits, no exponent, no separators."""
    text = format(amount, "f")
    return "0" if text in ("-0", "-0.0") else text


def allocations_yaml(rows: list[Amounts]) -> str:
    """The `allocations:` block, one flow-style line per unit (a bare number when only `due`)."""
    lines = ["allocations:"]
    for row in rows:
        items = [f"unit: {scalar_text(row.unit)}"]
        for pid, values in row.cells.items():
            if set(values) == {"due"}:
                items.append(f"{pid}: {money_text(values['due'])}")
            else:
                inner = ", ".join(f"{k}: {money_text(v)}" for k, v in values.items())
                items.append(f"{pid}: {{{inner}}}")
        if row.advance is not None:
            items.append(f"advance: {money_text(row.advance)}")
        lines.append("  - {" + ", ".join(items) + "}")
    if len(lines) == 1:
        lines[0] = "allocations: []"
    return "\n".join(lines) + "\n"


def projects_yaml(projects: list[tuple[str, str, list]]) -> str:
    """The `projects:` block from (id, name, parts) with parts as (key, name, perf)."""
    lines = ["projects:"]
    for pid, name, parts in projects:
        if not parts:
            lines.append(f"  - {{id: {pid}, name: {scalar_text(name)}}}")
            continue
        lines += [f"  - id: {pid}", f"    name: {scalar_text(name)}", "    parts:"]
        for key, pname, perf in parts:
            lines.append(f"      - {{key: {key}, name: {scalar_text(pname)}{', perf: true' if perf else ''}}}")
    return "\n".join(lines) + "\n"


def project_ids(names: list[str]) -> list[tuple[str, str, list]]:
    """Ids p1, p2, … for project names typed on the form (blank and repeated names dropped)."""
    out, seen = [], set()
    for name in (n.strip() for n in names):
        if name and name not in seen:
            seen.add(name)
            out.append((f"p{len(out) + 1}", name, []))
    return out


def new_batch_text(form: NewBatch, spec_path: Path, projects=None, allocations=None, columns=None) -> str:
    """A minimal valid spec from the form: notice, projects, allocations and a 分配表 as 附件1."""
    projects = projects if projects is not None else project_ids(form.projects)
    if not projects:
        raise NewBatchError("至少填写一个项目名称")
    _check_form(form)
    base = spec_path.parent
    notice = [
        "notice:",
        f"  doc_number: {{year: {form.year}, seq: {form.seq}}}",
        f"  year: {form.year}",
        *([f"  fund_level: {scalar_text(form.fund_level)}"] if form.fund_level else []),
        f"  program: {scalar_text(form.program)}",
        *([f"  batch_label: {scalar_text(form.batch_label)}"] if form.batch_label else []),
        f"  print_date: {form.print_date}",
        *([f"  sign_date: {form.sign_date}"] if form.sign_date else []),
        "  body:",
        f"    - {scalar_text(DEFAULT_BODY)}",
    ]
    if not columns:
        columns = ["{unit: 单位名称}", "{measure: due, label: 应补助资金}", "{measure: advance, label: 提前下达}",
                   "{measure: this, label: 本次下达}"]
        columns += [f"{{project: {pid}, measures: [due, advance, this]}}" for pid, _, _ in projects]
    columns = [f"      - {c}" for c in columns]
    parts = [
        "# 新建批次：由网页表单生成，金额在「分配」中填写。",
        "kind: batch",
        f"profile: {scalar_text(_relative(form.profile, base))}",
        f"registry: {scalar_text(_relative(form.registry, base))}",
        "",
        "\n".join(notice),
        "",
        projects_yaml(projects),
        allocations_yaml(allocations or []),
        "attachments:\n  - kind: allocation_table\n    key: alloc\n    title: \"{{ fund_name }}分配表\"\n"
        "    columns:\n" + "\n".join(columns) + "\n",
    ]
    return "\n".join(parts)


def _check_form(form: NewBatch) -> None:
    problems = []
    if not 1900 <= form.year <= 2999:
        problems.append(f"年度「{form.year}」不是有效年份")
    if form.seq <= 0:
        problems.append("发文字号序号应为正整数")
    if not form.program.strip():
        problems.append("请填写资金名称")
    for label, value in (("印发日期", form.print_date), ("成文日期", form.sign_date)):
        if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            problems.append(f"{label}应写作 2026-03-01，实际是「{value}」")
    if not form.print_date:
        problems.append("请填写印发日期")
    if problems:
        raise NewBatchError("；".join(problems))


def _rebase_paths(text: str, old_dir: Path, new_dir: Path) -> str:
    """profile: and registry: are relative to the spec: a copy in another folder points at the same files."""
    spec = SpecText(text)
    for key in ("profile", "registry"):
        ref = spec.get((key,))
        if ref:
            spec.set((key,), _relative(Path(old_dir) / ref, Path(new_dir)))
    return spec.text


def _relative(target: Path, base: Path) -> str:
    return Path(os.path.relpath(Path(target).resolve(), Path(base).resolve())).as_posix()


def next_batch_text(text: str, change: NextBatch, old_path: Path | None = None, new_path: Path | None = None) -> str:
    """下一批: the earlier batch's text with a new 文号 and dates, amounts and `expected:` kept or cleared."""
    spec = SpecText(text)
    if spec.root is None:
        raise NewBatchError("原批次文件是空的")
    kind = spec.get(("kind",))
    if kind not in (None, "", "batch"):
        raise NewBatchError(f"只有资金下达通知批次可以复制为下一批；所选文件是 kind: {str(kind)[:30]}")
    old_year = spec.get(("notice", "year"))
    year = change.year or (int(old_year) if old_year and old_year.isdigit() else None)
    if change.seq <= 0:
        raise NewBatchError("发文字号序号应为正整数")
    spec.set(("notice", "doc_number", "seq"), change.seq)
    if year:
        spec.set(("notice", "doc_number", "year"), year)
        spec.set(("notice", "year"), year)
        if old_year and str(year) != old_year:
            _retitle(spec, old_year, str(year))
    for key, value in (("print_date", change.print_date), ("sign_date", change.sign_date)):
        if value:
            spec.set(("notice", key), value)
    if change.sign_date:  # a letter sent with the notice is dated with it
        for i in range(_length(spec, ("attachments",))):
            if spec.get(("attachments", i, "sign_date")):
                spec.set(("attachments", i, "sign_date"), change.sign_date)
    if change.batch_label is not None:
        spec.set(("notice", "batch_label"), change.batch_label or None)
    if not change.keep_expected:
        _clear_expected(spec)
    if not change.keep_amounts:
        _clear_amounts(spec)
    out = spec.text
    if old_path is not None and new_path is not None and old_path.parent.resolve() != new_path.parent.resolve():
        out = _rebase_paths(out, old_path.parent, new_path.parent)
    return out


def _retitle(spec: SpecText, old: str, new: str) -> None:
    """A typed title or title_lines repeat the year: the copy's lines must still join to the new title."""
    title = spec.get(("notice", "title"))
    if title and f"{old}年" in title:
        spec.set(("notice", "title"), title.replace(f"{old}年", f"{new}年"))
    node = spec.node(("notice", "title_lines"))
    if isinstance(node, yaml.SequenceNode):
        for i in range(len(node.value)):
            line = spec.get(("notice", "title_lines", i))
            if line and f"{old}年" in line:
                _set_item(spec, ("notice", "title_lines", i), line.replace(f"{old}年", f"{new}年"))


def _set_item(spec: SpecText, path: tuple, value: str) -> None:
    node = spec.node(path)
    spec.text = spec.text[:node.start_mark.index] + scalar_text(value) + spec.text[node.end_mark.index:]
    spec._compose()


def _clear_expected(spec: SpecText) -> None:
    """Figures copied from the earlier batch's documents no longer hold: drop expected, expect_due, amount."""
    if spec.node(("expected",)) is not None:
        _replace_top(spec, "expected", None)
    for i in range(_length(spec, ("allocations",))):
        spec.set(("allocations", i, "expect_due"), None)
    for i in range(_length(spec, ("targets", "tables"))):
        spec.set(("targets", "tables", i, "amount"), None)


def _clear_amounts(spec: SpecText) -> None:
    """Every amount becomes `~`: units and projects stay, `check` names each blank until it is filled."""
    node = spec.node(("allocations",))
    if not isinstance(node, yaml.SequenceNode):
        return
    spans = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        for key, value in item.value:
            if key.value not in ("unit", "expect_due"):
                spans.append((value.start_mark.index, _end(spec.text, value)))
    for start, end in sorted(spans, reverse=True):
        spec.text = spec.text[:start] + "~" + spec.text[end:]
    spec._compose()


def _end(text: str, node: yaml.Node) -> int:
    """Where a value ends, without the comments and line breaks a block mapping's end mark runs over."""
    if isinstance(node, yaml.MappingNode) and text[node.start_mark.index] != "{":
        raise NewBatchError("分配数请用一行一个单位的写法（{unit: …, 项目: …}），无法清空块状写法的金额")
    return node.end_mark.index


def _length(spec: SpecText, path: tuple) -> int:
    node = spec.node(path)
    return len(node.value) if isinstance(node, yaml.SequenceNode) else 0


def _replace_top(spec: SpecText, key: str, block: str | None) -> None:
    """Replace (or with None remove) a top-level key and its block, comments above the next key kept."""
    pairs = spec.root.value
    index = next(i for i, (k, _) in enumerate(pairs) if k.value == key)
    start = spec.text.rfind("\n", 0, pairs[index][0].start_mark.index) + 1
    if index + 1 < len(pairs):
        end = _block_end(spec.text, start, pairs[index + 1][0].start_mark.index)
    else:
        end = len(spec.text)
    spec.text = spec.text[:start] + (block or "") + spec.text[end:]
    spec._compose()


def _block_end(text: str, start: int, next_key: int) -> int:
    """The end of a block: comment lines and blank lines just above the next key belong to that key."""
    end = text.rfind("\n", start, next_key) + 1
    lines = text[start:end].split("\n")[:-1]
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        end -= len(lines.pop()) + 1
    return end


def replace_allocations(text: str, rows: list[Amounts]) -> str:
    """The spec text with its `allocations:` block replaced by these rows (or added at the end)."""
    spec = SpecText(text)
    block = allocations_yaml(rows)
    if spec.node(("allocations",)) is None:
        return spec.text.rstrip("\n") + "\n\n" + block
    _replace_top(spec, "allocations", block)
    return spec.text


def blank_amounts(text: str) -> list[str]:
    """Each amount left blank (`~`) by a copy, in the clerk's words: 第 N 行 单位 项目 金额待填."""
    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return []
    top = dict((k.value, v) for k, v in root.value) if isinstance(root, yaml.MappingNode) else {}
    names = {}
    for item in getattr(top.get("projects"), "value", []):
        if isinstance(item, yaml.MappingNode):
            fields = {k.value: v.value for k, v in item.value if isinstance(v, yaml.ScalarNode)}
            names[fields.get("id")] = fields.get("name")
    out = []
    for item in getattr(top.get("allocations"), "value", []):
        if not isinstance(item, yaml.MappingNode):
            continue
        unit = next((v.value for k, v in item.value if k.value == "unit"), "?")
        for key, value in item.value:
            if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null"):
                what = "已提前下达" if key.value == "advance" else f"「{names.get(key.value) or key.value}」"
                out.append(f"第 {value.start_mark.line + 1} 行：「{unit}」{what}的金额待填")
    return out
