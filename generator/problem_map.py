"""Problems in the clerk's words, at their field or cell: each Problem of `check` is placed beside the form
field or grid cell its key path names (or, failing that, at the top of its tab), and its message loses the
file paths and YAML key paths a clerk does not know, keeping the CLI message's meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .edit_fields import KIND_SECTION, Field
from .edit_grid import cell_name
from .errors import Problem
from .model import LEVELS
from .reconcile import loc_path
from .spec_edit import SpecText

# Key → the Chinese label of docs/spec.md, for key paths quoted in messages.
KEY_LABELS = {
    "notice": "通知", "projects": "项目", "allocations": "分配数", "expected": "核对数", "attachments": "附件",
    "targets": "绩效目标", "units": "本批次补充单位", "groups": "分组", "registry": "单位名录", "profile": "发文机关配置",
    "money": "金额", "decimals": "小数位数", "doc_number": "发文字号", "seq": "序号", "year": "年度", "agency": "机关代字",
    "title": "标题", "title_lines": "标题分行", "body": "正文段落", "slots": "正文填空", "program": "资金名称",
    "print_date": "印发日期", "sign_date": "成文日期", "signature": "落款", "copies": "共印份数", "cc": "抄送",
    "disclosure": "信息公开选项", "amount_measure": "通知金额口径", "parts": "分项", "advance": "提前下达",
    "due": "应补助", "perf": "其中：绩效", "expect_due": "核对：应补助合计", "rows": "行", "levels": "显示层级",
    "include": "额外显示", "exclude": "不显示", "order": "排序", "labels": "行名称", "group_labels": "分组行名称",
    "group_override": "分组调整", "of_which": "其中行口径", "show_empty": "空行显示", "columns": "列",
    "required_for": "须附绩效目标的表", "exempt": "免附单位", "defaults": "表头默认值", "indicator_sets": "指标模板",
    "tables": "绩效目标表", "layout": "表样", "layouts": "表样", "uses": "引用指标模板", "fields": "表头",
    "indicators": "绩效指标", "amount": "年度金额", "vars": "表内取值", "weight_total": "权重合计", "goal": "年度总体目标",
    "prefill": "预填", "expect_no": "核对编号", "key": "引用名", "kind": "类型", "unit": "单位", "project": "项目",
    "measure": "口径", "value": "数值", "of": "核对对象", "formula_row": "公式行", "children": "子附件",
    "name": "名称", "id": "标识", "issuer": "发文机关", "mark": "发文机关标志", "fund_level": "资金层级",
    "batch_label": "批次", "addressees": "主送机关", "printer": "印发机关", "cc_end": "抄送结尾标点",
    "disclosure_position": "公开选项位置", "title_with_issuer": "标题冠发文机关名", "attachments_inline": "附件随正文",
    "level": "层级", "code": "单位编码", "short": "简称", "group": "分组", "note": "说明", "notes": "说明",
    "header_left": "表头左侧", "addressee": "主送", "covers": "金额口径", "weight": "指标分值权重", "total_label": "合计行名称",
    "names": "名称", "format": "数字格式", "unit_line": "单位行", "orientation": "纸张方向", "flow": "排版",
}
_KEYPATH = re.compile(r"(?<![\w.])[a-z_]+(?:\[\d*\])?(?:\.[a-z_]+(?:\[\d*\])?)+(?![\w.])")
_LONE = re.compile(r"(?<![\w.{「])(required_for|exempt|group_override|group_labels|prefill|of_which|show_empty|"
                   r"formula_row|expect_no|expect_due|indicator_sets|weight_total|title_lines|doc_number|"
                   r"amount_measure)(?![\w])")
# A key quoted where a message names a key (not a value): 未知的键「x」, 缺少必填项「x」, 「x」应为…, 「x」的值…
_QUOTED_KEY = re.compile(r"(?<=键)「(\w+)」|(?<=必填项)「(\w+)」|「(\w+)」(?=应为|的值)")
_KEY_LIST = re.compile(r"(可用的键：)([\w「」、]+)")
_MAPPING = re.compile(r"\s*[（(]\s*mapping\s*[）)]|\bmapping\b", re.I)
SECTION_OF_KEY = {"notice": "notice", "profile": "notice", "projects": "projects", "units": "units",
                  "groups": "units", "registry": "units", "allocations": "alloc", "expected": "alloc",
                  "money": "alloc", "targets": "targets"}


@dataclass
class Mark:
    """A problem placed on the page: beside `target` (a field or cell name) or at the top of `section`."""

    target: str
    section: str
    message: str
    severity: str
    line: int = 0
    path: tuple = ()  # the key path in the batch file (empty for other files)


def clerk_message(message: str) -> str:
    """A check message without YAML key paths or English parser words (same meaning, the clerk's labels)."""
    def path_label(match: re.Match) -> str:
        keys = [re.sub(r"\[\d*\]", "", k) for k in match.group(0).split(".")]
        if not all(k in KEY_LABELS for k in keys):
            return match.group(0)
        return "「" + "·".join(KEY_LABELS[k] for k in keys) + "」"

    def quoted(match: re.Match) -> str:
        key = next(g for g in match.groups() if g)
        return f"「{KEY_LABELS.get(key, key)}」"

    def key_list(match: re.Match) -> str:
        items = [KEY_LABELS.get(k, k) for k in match.group(2).split("、")]
        return match.group(1) + "、".join(items)

    text = _KEYPATH.sub(path_label, message)
    text = _QUOTED_KEY.sub(quoted, text)
    text = _KEY_LIST.sub(key_list, text)
    text = _LONE.sub(lambda m: "「" + KEY_LABELS[m.group(1)] + "」", text)
    for key, label in LEVELS.items():
        text = re.sub(rf"(?<![\w]){key}(?![\w])", label, text)
    return _MAPPING.sub("", text)


def place_problems(problems: list[Problem], spec: SpecText, spec_path: Path, fields: list[Field],
                   cells: set[str]) -> list[Mark]:
    """Each problem of the batch at its field, cell or tab; problems of other files (profile, registry,
    layouts) at the top of the tab they concern, saying where an administrator fixes them."""
    by_path: dict[tuple, Field] = {}
    for f in fields:  # a field answers for its own path and, if first, for each enclosing list item (a table)
        by_path.setdefault(f.path, f)
        for n in range(len(f.path) - 1, 0, -1):
            if isinstance(f.path[n - 1], int):
                by_path.setdefault(f.path[:n], f)
    out = []
    for problem in problems:
        message = clerk_message(problem.message)
        loc = problem.loc
        if loc is None or not _same_file(loc.file, spec_path):
            where = f"（此问题在{_file_kind(loc.file)}中，由管理员修改）" if loc else ""
            out.append(Mark("", "notice", message + where, problem.severity))
            continue
        path = loc_path(loc)
        target, section = _target(path, by_path, cells, spec)
        if not path:  # a syntax error: the YAML tab, at its line
            target, section = "yaml", "yaml"
        out.append(Mark(target, section, message, problem.severity, loc.line, path))
    return out


def _same_file(file: str, spec_path: Path) -> bool:
    try:
        return Path(file).resolve() == spec_path.resolve()
    except OSError:
        return False


def _file_kind(file: str) -> str:
    name = Path(file).as_posix()
    if "/profiles/" in name:
        return "发文机关配置"
    if "/registries/" in name:
        return "单位名录"
    if "/layouts/" in name:
        return "表样"
    return "引用的文件"


def _target(path: tuple, by_path: dict, cells: set[str], spec: SpecText) -> tuple[str, str]:
    section = _section(path, spec)
    for n in range(len(path), 0, -1):
        sub = path[:n]
        if sub in by_path:
            return by_path[sub].name, by_path[sub].section
        cell = _cell(sub, cells)
        if cell:
            return cell, "alloc"
    return "", section


def _cell(path: tuple, cells: set[str]) -> str:
    if len(path) < 2 or path[0] != "allocations" or not isinstance(path[1], int):
        return ""
    j = path[1]
    if len(path) >= 4:
        name = cell_name(j, path[2], path[3])
    elif len(path) == 3 and path[2] == "advance":
        name = cell_name(j, None, "advance")
    elif len(path) == 3:
        name = next((c for c in sorted(cells) if c.startswith(f"g/{j}/{path[2]}/")), "")
        name = cell_name(j, path[2], "due") if cell_name(j, path[2], "due") in cells else name
    else:
        name = f"g/{j}/unit"
    return name if name in cells or name.endswith("/unit") else ""


def _section(path: tuple, spec: SpecText) -> str:
    if not path:
        return "yaml"
    if path[0] == "attachments":  # the tab that shows this attachment's field (edit_fields._attachments)
        base, kind, rest = [], None, ()
        for n, part in enumerate(path):
            base.append(part)
            if isinstance(part, int) and spec.get((*base, "kind")):
                kind, rest = spec.get((*base, "kind")), path[n + 1:]
        if kind in KIND_SECTION:
            return KIND_SECTION[kind]
        if rest[:1] in (("formula_row",), ("rows",)) and kind == "allocation_table":
            return "projects"
        if rest[:1] in (("layouts",), ("flow",)) and kind == "target_tables":
            return "targets"
        return "notice"
    return SECTION_OF_KEY.get(path[0], "notice")
