"""Checks on a loaded, derived batch: money rules, stated figures, targets, attachments.

Every check appends Problems; none raises. Structural checks happen earlier, in spec.py.
"""

from __future__ import annotations

import difflib
from decimal import Decimal

from .derive import Derived
from .errors import Problem
from .indicators import L2_TO_L1, level1_of
from .model import MEASURES
from .money import ZERO, decimals_of, format_compact
from .validate_input import check_plain_fields, check_title_lines

VALID_L1 = sorted(set(L2_TO_L1.values()))


def validate(derived: Derived) -> list[Problem]:
    """All problems of a derived batch, errors and warnings."""
    out: list[Problem] = []
    for check in (check_inputs, check_expected, check_tables, check_targets, check_attachments, check_plain_fields,
                  check_title_lines, check_notice):
        check(derived, out)
    return out


def _err(out, loc, msg):
    out.append(Problem(loc, msg, "error"))


def _warn(out, loc, msg):
    out.append(Problem(loc, msg, "warning"))


def check_inputs(d: Derived, out: list[Problem]) -> None:
    """Decimals within what the tables print; no negative inputs except 绩效 and clawbacks."""
    batch = d.batch
    table_decimals = {}
    for view in d.tables.values():
        for col in view.columns:  # each money column prints its own decimals (a column may override the table's)
            if col.kind == "money" and col.number_format is not None:
                for pid in [col.project] if col.project else view.attachment.projects:
                    table_decimals[pid] = min(table_decimals.get(pid, 99), col.number_format.decimals)
    for alloc in batch.allocations:
        for pid, cell in alloc.cells.items():
            project = batch.project(pid)
            perf_parts = {p.key for p in project.parts if p.perf}
            for key, loc in cell.locs.items():
                value = cell.parts.get(key) if key in cell.parts else getattr(cell, key, None)
                if value is None:
                    continue
                allowed = min(batch.money_decimals, table_decimals.get(pid, 99))
                if decimals_of(value) > allowed:
                    _err(out, loc, f"金额 {value} 有 {decimals_of(value)} 位小数，超过分配表允许的 {allowed} 位")
                if value < 0 and key != "perf" and key not in perf_parts:
                    name = MEASURES.get(key, f"分项 {key}")
                    _err(out, loc, f"{name}不能为负数（{value}）；收回资金请通过 提前下达 大于 应补助 表示，"
                                   f"本次下达会自动为负")
        if alloc.advance is not None and alloc.advance < 0:
            _err(out, alloc.advance_loc, f"提前下达不能为负数（{alloc.advance}）")
        if alloc.expect_due is not None:
            actual = d.sums.leaf[alloc.unit].get("due", [p.id for p in batch.projects]) \
                if alloc.unit in d.sums.leaf else ZERO
            if actual != alloc.expect_due:
                _err(out, alloc.expect_loc, f"单位「{alloc.unit}」声明应补助合计 {alloc.expect_due}，"
                                            f"按各项目推算为 {actual}")


def check_expected(d: Derived, out: list[Problem]) -> None:
    """Stated figures (expected:) against derived ones, showing both."""
    batch = d.batch
    projects = [p.id for p in batch.projects]
    by_key = {x.attachment.key: x.number for x in d.attachments if x.attachment.key}
    for exp in batch.expected:
        label = MEASURES.get(exp.measure, f"分项 {exp.measure}")
        if exp.table:
            actual = _table_figure(d, exp, by_key, out)
        else:
            actual = _sum_figure(d, exp, projects, out)
        if actual is None:
            continue
        if actual != exp.value:
            groups = {g.id: g.name for g in batch.registry.groups}
            what = "总计" if exp.of == "total" else f"「{groups.get(exp.of, exp.of)}」"
            proj = f"「{batch.project(exp.project).name}」" if exp.project else ""
            _err(out, exp.loc, f"{what}{proj} {label} 声明为 {exp.value}，推算为 {actual}，相差 {exp.value - actual}")


def _sum_figure(d: Derived, exp, projects, out) -> Decimal | None:
    sums = d.sums
    if exp.of == "total":
        fig = sums.total
    elif exp.of in sums.group:
        fig = sums.group[exp.of]
    elif exp.of in sums.unit:
        fig = sums.unit[exp.of]
    elif exp.of in {g.id for g in d.batch.registry.groups}:
        return ZERO
    else:
        _err(out, exp.loc, f"核对对象「{exp.of}」既不是 total，也不是分组或单位")
        return None
    if exp.measure not in MEASURES:
        if not exp.project:
            _err(out, exp.loc, "核对分项金额时须写 project")
            return None
        return fig.part(exp.project, exp.measure)
    return fig.get(exp.measure, projects, exp.project)


def _table_figure(d: Derived, exp, by_key, out) -> Decimal | None:
    number = by_key.get(exp.table)
    view = d.tables.get(number) if number else None
    if view is None:
        _err(out, exp.loc, f"没有引用名为「{exp.table}」的分配表附件")
        return None
    key = exp.measure if not exp.project else f"{exp.project}.{exp.measure}"
    if key not in {c.key for c in view.columns}:
        _err(out, exp.loc, f"附件{view.number}没有「{key}」这一列")
        return None
    for row in view.rows:
        if (exp.of == "total" and row.kind == "total") or row.unit == exp.of or row.group == exp.of:
            return row.values[key]
    _err(out, exp.loc, f"附件{view.number}中没有「{exp.of}」这一行")
    return None


def check_tables(d: Derived, out: list[Problem]) -> None:
    """Per table: no hidden money, measures that exist, grouping that agrees across tables."""
    batch = d.batch
    unit_advance = any(a.advance for a in batch.allocations)
    for view in d.tables.values():
        att = view.attachment
        for row in view.rows:
            if row.absorbed:
                _err(out, att.rows.loc or att.loc,
                     f"附件{view.number}「{row.label}」的金额中有 {row.absorbed} 来自未显示的下级单位，"
                     f"小计将与所列各行之和不符：请在 rows.levels 中加入其层级")
        if unit_advance:
            for col in view.columns:
                if col.project and col.measure in ("advance", "this"):
                    _err(out, att.loc, f"附件{view.number}按项目列示「{col.label}」，但提前下达数是按单位填写的"
                                       f"（allocations[].advance），无法分项目计算")
        _check_override(d, view, out)
        for uid in att.rows.order:
            if uid not in batch.registry.by_id:
                _err(out, att.rows.loc, f"rows.order 中的单位「{uid}」不在单位名录中")
        for uid in att.rows.include:
            unit = batch.registry.by_id.get(uid)
            if unit is None:
                _err(out, att.rows.loc, f"rows.include 中的单位「{uid}」不在单位名录中")
            elif unit.level not in att.rows.levels:
                _warn(out, att.rows.loc, f"附件{view.number} rows.include 列出了「{unit.name}」，但其层级 {unit.level} "
                                         f"不在 rows.levels 中，所以不会显示：请把 {unit.level} 加入 levels")
        groups = {g.id for g in batch.registry.groups}
        for gid in att.rows.group_labels:
            if gid not in groups:
                _err(out, att.rows.loc, f"group_labels 中的分组「{gid}」不存在（可选：{'、'.join(sorted(groups)) or '无'}）")


def _check_override(d: Derived, view, out) -> None:
    rules = view.attachment.rows
    for uid, gid in rules.group_override.items():
        unit = d.batch.registry.by_id.get(uid)
        if unit is None:
            _err(out, rules.loc, f"group_override 中的单位「{uid}」不在单位名录中")
            continue
        groups = {g.id: g.name for g in d.batch.registry.groups}
        if gid not in groups:
            _err(out, rules.loc, f"group_override 中的分组「{gid}」不存在（可选：{'、'.join(groups)}）")
            continue
        others = [v.number for v in d.tables.values() if v is not view and uid not in v.attachment.rows.group_override
                  and any(r.unit == uid for r in v.rows)]
        if unit.group != gid and others:
            moved = d.sums.unit[uid].get("due", view.attachment.projects)
            _warn(out, rules.loc, f"附件{view.number}把「{unit.name}」列入「{groups[gid]}」，而附件"
                                  f"{'、'.join(others)}列入「{groups.get(unit.group, unit.group)}」：同一单位分组不同，"
                                  f"两表的分组小计相差 {format_compact(moved)}（如 省直/地市 小计不一致）")


def check_targets(d: Derived, out: list[Problem]) -> None:
    """Amounts equal allocations, weights add up, 二级 known and under the right 一级, required tables present."""
    for view in d.targets:
        table = view.table
        if table.stated_amount is not None and table.stated_amount != view.amount:
            _err(out, table.stated_amount_loc, f"「{view.unit.name}」绩效目标表年度金额声明为 {table.stated_amount}，"
                                               f"而分配数为 {view.amount}")
        if view.amount == 0:
            _warn(out, table.loc, f"「{view.unit.name}」绩效目标表的年度金额为 0（该单位本批没有应补助资金）")
    check_indicators(d.targets, out)
    _check_required(d, out)
    check_fields(d.targets, d.batch.targets.defaults, out)


def check_indicators(views, out: list[Problem]) -> None:
    """二级 known and under the right 一级; weights add up (any document kind with target tables)."""
    for view in views:
        for row in view.rows:
            ind = row.source
            if level1_of(ind.l2) is None:
                _err(out, ind.loc, _unknown_l2(ind.l2))
            stated = ind.extra.get("l1")
            if stated and level1_of(ind.l2) and stated != level1_of(ind.l2):
                _err(out, ind.loc, f"二级指标「{ind.l2}」属于一级指标「{level1_of(ind.l2)}」，不应列在「{stated}」下")
        _check_weights(view, out)


def check_fields(views, defaults: dict, out: list[Problem]) -> None:
    """targets.defaults keys belong to some layout in use; header fields a layout shows are filled."""
    layouts = {t.layout.name: t.layout for t in views}
    known = {k for layout in layouts.values() for k in layout.fields}
    for key, loc in defaults.items():
        if key not in known:
            hint = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.5)
            tip = f"，您是不是想写「{hint[0]}」？" if hint else f"（可用：{'、'.join(sorted(known))}）"
            _err(out, loc, f"所用表样都没有表头字段「{key}」{tip}")
    missing: dict[tuple[str, str], list] = {}
    for view in views:  # a field with a default, or in a row printed only when filled, may stay empty
        shown = {c.field for row in view.header_rows for c in row if c.field and c.text is None}
        for key in sorted(shown):
            if key not in view.fields:  # a field given as "" or null is blank on purpose
                missing.setdefault((view.layout.name, key), []).append(view)
    for (layout, key), group in missing.items():
        label = layouts[layout].fields.get(key, key)
        names = "、".join(v.fields.get("project_name") or v.unit.name for v in group[:3]) + ("等" if len(group) > 3 else "")
        _warn(out, group[0].table.loc, f"{len(group)} 张「{layout}」绩效目标表的表头「{label}」（{key}）未填写：{names}；"
                                       f"可在 targets.defaults 或表的 fields 中填写")


def _unknown_l2(name: str) -> str:
    """Message for a 二级指标 the tree does not know, with the likely intended name."""
    if name in VALID_L1:
        under = "、".join(k for k, v in L2_TO_L1.items() if v == name)
        return f"「{name}」是一级指标；这一列应写二级指标（{name}下可选：{under}），一级指标会自动推出"
    hint = difflib.get_close_matches(name, list(L2_TO_L1), n=1, cutoff=0.3)
    tip = f"，您是不是想写「{hint[0]}」？" if hint else f"（可选：{'、'.join(L2_TO_L1)}）"
    return f"未知的二级指标「{name}」{tip}"


def _check_weights(view, out) -> None:
    expected = view.table.weight_total or view.layout.weight_total
    if expected is None or "weight" not in view.layout.grid:
        return
    if view.weight_sum != expected:
        _err(out, view.table.loc, f"「{view.unit.name}」绩效目标表指标分值权重合计为 {view.weight_sum}，"
                                  f"应为 {expected}")


def _check_required(d: Derived, out) -> None:
    targets = d.batch.targets
    if not targets.required_for:
        return
    if d.recipients_table is None:
        _err(out, targets.loc, f"required_for 指向的附件「{targets.required_for}」不是分配表")
        return
    have = {t.table.unit for t in d.targets}
    for r in d.recipients:
        if r.unit not in have and r.unit not in targets.exempt:
            _err(out, targets.loc, f"「{r.label}」在附件{d.recipients_table}中分得 {format_compact(r.due)} 万元，"
                                   f"但没有绩效目标表（如确实不需要，请列入 targets.exempt 并注明原因）")


def check_attachments(d: Derived, out: list[Problem]) -> None:
    """Listed attachments are produced and produced tables are listed; stated numbers match."""
    listed_layouts = set()
    for item in d.attachments:
        att = item.attachment
        if att.expect_no and att.expect_no != item.number:
            _err(out, att.loc, f"附件「{item.title}」声明编号为 {att.expect_no}，按顺序实为 {item.number}")
        if att.kind == "target_tables":
            listed_layouts.update(att.layouts)
            if not d.targets_for(item):
                _err(out, att.loc, f"附件{item.number}「{item.title}」已列入附件清单，但没有生成任何绩效目标表"
                                   f"（targets.tables 中没有表样为 {'、'.join(att.layouts)} 的表）")
        if att.kind == "filing_form" and att.prefill == "recipients" and not d.batch.targets.required_for:
            _err(out, att.loc, "prefill: recipients 需要 targets.required_for 指明受款单位所在的分配表")
    seen = set()
    for view in d.targets:
        layout = view.table.layout
        if layout not in listed_layouts and layout not in seen:
            seen.add(layout)
            _err(out, view.table.loc, f"表样为「{layout}」的绩效目标表不在任何附件中（请在某个 target_tables 附件的 "
                                      f"layouts 中列出），生成后将不会出现在附件清单里")
    keys = [x.attachment.key for x in d.attachments if x.attachment.key]
    for key in {k for k in keys if keys.count(k) > 1}:
        item = next(x for x in d.attachments if x.attachment.key == key)
        _err(out, item.attachment.loc, f"附件引用名「{key}」重复")


def check_notice(d: Derived, out: list[Problem]) -> None:
    """What GB/T 9704 asks of the notice that a spec may leave out: 落款, 成文日期 (7.3.5), 抄送's 。 (7.4.2).

    Warnings, not errors: a draft is often built before it is signed and dated."""
    n = d.batch.notice
    near = n.locs.get("print_date", n.loc)  # where a clerk adds them: beside the 印发日期
    if not n.signature:
        _warn(out, near, "通知没有落款（notice.signature，发文机关署名）：GB/T 9704—2012 第7.3.5条要求署发文机关名称")
    if not n.sign_date:
        _warn(out, near, "通知没有成文日期（notice.sign_date，如 2023-06-28）：GB/T 9704—2012 第7.3.5条要求标注成文日期")
    if n.cc and not n.cc_end.endswith("。"):
        _warn(out, n.locs.get("cc_end", n.loc), f"抄送机关后应加句号（GB/T 9704—2012 第7.4.2条），现为「{n.cc_end or '无标点'}」；"
                                                 "删去 cc_end 即用默认的「。」")
