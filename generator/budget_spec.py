"""Load a department budget spec (kind: budget) into budget_model.Budget, collecting every problem.

Uses the project's YAML reader (file:line:col on every value, Chinese messages). Only inputs are read:
the 项 rows by 功能分类 code, basic expenditure by 经济分类 code, the "三公" leaves, income by source,
the projects with their target tables, procurement lines, assets and the 说明's own text.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from . import layouts
from .budget_codes import ECONOMIC_CODE, FUNCTION_CODE, Codes, load_codes
from .budget_model import (
    SOURCES,
    THREE_PUBLIC,
    Asset,
    Budget,
    EconomicLine,
    Line,
    Money,
    Project,
    Purchase,
    Section,
)
from .model import Loc
from .reader import Obj, Reader, to_decimal
from .spec_targets import _read_indicators
from .yamlsrc import YNum

BUDGET_KEYS = ["kind", "department", "year", "income", "expenditure", "economic", "three_public", "prior_year",
               "codes", "layout", "projects", "procurement", "assets", "units", "notes", "accept"]
PROJECT_KEYS = ["code", "name", "function", "amount", "finance", "source", "purpose", "plan", "goal", "indicators"]
PRIOR_KEYS = ["basic", "project", "three_public"]
# The 说明's typed text, by the heading it stands under (budget_notes.py prints the headings).
NOTE_KEYS = ["intro", "duties", "goals", "item_goals", "measures", "special_funds", "change_basic",
             "change_project", "running_costs_use", "three_public_reason", "glossary", "other"]
DEFAULT_LAYOUT = "budget_project"


def read_budget(rd: Reader, top: Obj, path: Path) -> Budget | None:
    """The budget of a spec whose top-level mapping is open (kinds.py calls this); None when unusable."""
    codes = load_codes(rd, top.mapping("codes", ["function", "economic"], "补充科目"))
    dept = top.mapping("department", ["code", "name"], "部门")
    if dept is None:
        rd.error(top.loc(), "缺少必填项「department」（部门编码 code 与名称 name）")
    layout = layouts.load_layout(rd, top.text("layout") or DEFAULT_LAYOUT, path.parent, top.loc("layout"))
    if codes is None:
        return None
    names = (dept.text("code", required=True) or "", dept.text("name", required=True) or "") if dept else ("", "")
    budget = Budget(path, *names, top.integer("year", required=True) or 0, top.loc(),
                    _amounts(rd, top, "income", SOURCES), _lines(rd, top, codes), _economic(rd, top, codes),
                    _amounts(rd, top, "three_public", THREE_PUBLIC), _amounts(rd, top, "prior_year", PRIOR_KEYS),
                    _projects(rd, top, codes, layout), layout, codes)
    budget.purchases = _purchases(rd, top)
    _assets(rd, top, budget)
    budget.units = _units(rd, top)
    budget.sections = _notes(rd, top)
    accept = top.mapping("accept", ["project_gap"], "已知差异")
    if accept is not None:
        budget.accepted_gap = _money(rd, accept, "project_gap", required=True)
    return budget if dept is not None else None


def _money(rd: Reader, obj: Obj, key: str, required: bool = False) -> Money | None:
    value = obj.decimal(key, required)
    return Money(value, obj.loc(key)) if value is not None else None


def _amounts(rd: Reader, top: Obj, key: str, allowed) -> dict[str, Money]:
    """A mapping of fixed keys to amounts (income by source, 三公 leaves, prior-year figures)."""
    obj = top.mapping(key, list(allowed), {"income": "收入", "three_public": "“三公”经费", "prior_year": "上年数"}[key])
    if obj is None:
        return {}
    return {k: m for k in allowed if (m := _money(rd, obj, k)) is not None}


def _code(rd: Reader, obj: Obj, key: str, pattern, names: dict[str, str], what: str, lengths=None) -> str | None:
    """A quoted 科目编码 that the code list knows (its parents too, so their names print)."""
    value = obj.raw(key)
    if value is None:
        rd.error(obj.loc(), f"缺少必填项「{key}」（{what}编码）")
        return None
    if isinstance(value, YNum):
        rd.error(obj.loc(key), f"{what}编码「{value}」须加引号写成文字，如 \"{value}\"（否则前导零会丢失）")
        return None
    code = str(value)
    if not pattern.fullmatch(code) or (lengths and len(code) not in lengths):
        rd.error(obj.loc(key), f"{what}编码「{code}」格式不对")
        return None
    for part in [code[:n] for n in (3, 5, 7) if n <= len(code)]:
        if part not in names:
            rd.error(obj.loc(key), f"{what}科目「{part}」不在科目代码表中（可在 codes: 中补充其名称）")
            return None
    return code


def _lines(rd: Reader, top: Obj, codes: Codes) -> list[Line]:
    out, seen = [], {}
    for item, loc in top.items("expenditure"):
        obj = rd.obj(item, loc, ["code", "basic", "project", "source"], "支出科目行")
        if obj is None:
            continue
        code = _code(rd, obj, "code", FUNCTION_CODE, codes.function, "功能分类", (7,))
        source = obj.choice("source", list(SOURCES), "general")
        line = Line(code or "", loc, source, _money(rd, obj, "basic"), _money(rd, obj, "project"))
        if line.basic is None and line.project is None:
            rd.error(loc, "支出科目行须至少填写 basic（基本支出）或 project（项目支出）之一")
        key = (code, source)
        if code and key in seen:
            rd.error(obj.loc("code"), f"科目 {code}（{SOURCES[source]}）重复出现，首次在第 {seen[key].line} 行")
        elif code:
            seen[key] = loc
            out.append(line)
    return out


def _economic(rd: Reader, top: Obj, codes: Codes) -> list[EconomicLine]:
    out, seen = [], {}
    for item, loc in top.items("economic"):
        obj = rd.obj(item, loc, ["code", "amount"], "经济分类行")
        if obj is None:
            continue
        code = _code(rd, obj, "code", ECONOMIC_CODE, codes.economic, "经济分类", (5,))
        amount = _money(rd, obj, "amount", required=True)
        if code and code in seen:
            rd.error(obj.loc("code"), f"经济分类科目 {code} 重复出现，首次在第 {seen[code].line} 行")
        elif code and amount:
            seen[code] = loc
            out.append(EconomicLine(code, amount, loc))
    return out


def _projects(rd: Reader, top: Obj, codes: Codes, layout) -> list[Project]:
    out = []
    for item, loc in top.items("projects"):
        obj = rd.obj(item, loc, PROJECT_KEYS, "项目")
        if obj is None:
            continue
        function = None
        if obj.has("function"):
            function = _code(rd, obj, "function", FUNCTION_CODE, codes.function, "功能分类", (7,))
        plan: list[Money | None] = []
        for value, ploc in obj.items("plan"):
            if value is None:
                plan.append(None)
            else:
                amount = _plan_amount(rd, value, ploc)
                plan.append(Money(amount, ploc) if amount is not None else None)
        if obj.has("plan") and len(plan) != 4:
            rd.error(obj.loc("plan"), f"资金支出计划应有 4 项（3月底、6月底、10月底、12月底），实际 {len(plan)} 项")
        amount = _money(rd, obj, "amount", required=True)
        if amount is None:
            continue
        out.append(Project(obj.text("code", required=True) or "", obj.text("name", required=True) or "", loc,
                           amount, function, obj.loc("function") if function else None,
                           obj.choice("source", list(SOURCES), "general"), obj.text("purpose") or "",
                           plan, obj.loc("plan"), obj.text("goal") or "",
                           _read_indicators(rd, obj.items("indicators"), layout), _money(rd, obj, "finance")))
    return out


def _plan_amount(rd: Reader, value, loc: Loc) -> Decimal | None:
    """One cumulative plan figure, under the loader's amount rules (no NaN, infinity, exponent or excess decimals)."""
    if isinstance(value, YNum):
        return to_decimal(rd, value, loc, "资金支出计划")
    rd.error(loc, f"资金支出计划应为累计金额（万元，数字）或 null，实际是「{value}」")
    return None


def _purchases(rd: Reader, top: Obj) -> list[Purchase]:
    out = []
    keys = ["unit", "project", "budget", "item", "catalog", "measure", "quantity", "amount", "sme"]
    for item, loc in top.items("procurement"):
        obj = rd.obj(item, loc, keys, "政府采购行")
        if obj is None:
            continue
        quantity, amount = obj.decimal("quantity", True), _money(rd, obj, "amount", True)
        if quantity is None or amount is None:
            continue
        if quantity <= 0:
            rd.error(obj.loc("quantity"), "数量应大于 0")
            continue
        out.append(Purchase(obj.text("unit", True) or "", obj.text("project", True) or "", _money(rd, obj, "budget"),
                            obj.text("item", True) or "", obj.text("catalog") or "", obj.text("measure") or "",
                            quantity, amount, _money(rd, obj, "sme"), loc))
    return out


def _assets(rd: Reader, top: Obj, budget: Budget) -> None:
    obj = top.mapping("assets", ["date", "purchase", "rows"], "固定资产")
    if obj is None:
        return
    budget.asset_date = obj.text("date")
    budget.asset_purchase = _money(rd, obj, "purchase")
    for item, loc in obj.items("rows"):
        row = rd.obj(item, loc, ["label", "quantity", "value", "of_which"], "固定资产行")
        value = _money(rd, row, "value", True) if row else None
        if row is not None and value is not None:
            budget.assets.append(Asset(row.text("label", True) or "", row.text("quantity") or "", value, loc,
                                       row.boolean("of_which")))


def _units(rd: Reader, top: Obj) -> list[list[str]]:
    out = []
    for item, loc in top.items("units"):
        cells = [str(c) for c in item] if isinstance(item, list) else None
        if cells is None or len(cells) != 4:
            rd.error(loc, "机构设置每行应为 [单位名称, 单位性质, 单位规格, 经费保障形式]")
            continue
        out.append(cells)
    return out


def _notes(rd: Reader, top: Obj) -> dict[str, Section]:
    obj = top.mapping("notes", NOTE_KEYS, "说明文字")
    if obj is None:
        return {}
    return {key: Section(key, obj.texts(key), obj.loc(key)) for key in NOTE_KEYS if obj.has(key)}
