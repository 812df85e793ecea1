"""Load a self-evaluation spec (kind: evaluation) into evaluation_model.Report, collecting every problem.

Only inputs are read, each with its Loc: the parts' batches, allocation and execution rows, the 资金投入
lines, the 7 资金管理 items, the indicators (targets parsed, actuals parsed), unit target tables, the
100-point system, the free paragraphs and the figures a source document stated. A part may stand in its own
file (`{include: …}`, kind: evaluation_part); a province batch may name a batch spec (`spec:`), whose
allocation rows and target tables are then used (evaluation_batches.py).
"""

from __future__ import annotations

from pathlib import Path

from .evaluation_model import MGMT_ITEMS, TEXT_KEYS, VARIANTS, Batch, FundingLine, MgmtItem, Num, Part, Report, Stated
from .evaluation_spec_tables import TABLE_KEYS, read_allocation, read_date, read_execution, read_stated
from .evaluation_targets import read_indicators, read_system, read_unit_tables
from .model import Loc
from .reader import Obj, Reader
from .references import load_reference

EVALUATION_KEYS = ["kind", "report", "parts"]
REPORT_KEYS = ["title", "year", "basis", "issuers", "preamble", "score_decimals", "variant", "file_stem", "region",
               "region_full", "province_word"]
PART_KEYS = ["no", "title", "fund", "central_dept", "local_dept", "finance_dept", "user_units", "variant", "form_title",
             "score_decimals", "central_batches", "province_batches", "allocation", "execution", "funding",
             "management", "goals", "goal_actual", "indicators", "unit_tables", "system", "texts", "stated_score"]
BATCH_KEYS = ["id", "doc_no", "date", "amount", "title", "label", "spec", "measure"]
SCORE_KEYS = ["execution", "output", "benefit", "satisfaction", "total", "grade"]
MAX_DECIMALS = 4  # score_decimals: 0 … 4
MAX_PARTS = 99  # 第九十九部分


def read_evaluation(rd: Reader, top: Obj, path: Path) -> Report | None:
    """The report of a spec whose top-level mapping is open (kinds.py calls this); None when unusable."""
    rep = top.mapping("report", REPORT_KEYS, "报告（report）")
    if rep is None:
        if not top.has("report"):
            rd.error(top.loc(), "缺少必填项「report」（报告标题 title、年度 year 等）")
        return None
    decimals = _decimals(rd, rep, 2)
    variant = rep.choice("variant", list(VARIANTS), "D1")
    parts: list[Part] = []
    if not top.has("parts"):
        rd.error(top.loc(), "缺少必填项「parts」（报告的各部分）")
    for i, (item, loc) in enumerate(top.items("parts")):
        obj, base = _part_obj(rd, item, loc, path)
        if obj is not None:
            parts.append(_part(rd, obj, i + 1, decimals, variant, base))
    region = rep.text("region", limit=30) or ""
    return Report(path, rep.text("title", required=True) or "", rep.integer("year", required=True) or 0, rep.loc(),
                  rep.text("basis") or "", rep.texts("issuers"), rep.texts("preamble"), parts,
                  rep.text("file_stem", limit=60) or "", region, rep.text("region_full", limit=60) or region,
                  rep.text("province_word", limit=10) or "自治区")


def _decimals(rd: Reader, obj: Obj, default: int) -> int:
    value = obj.integer("score_decimals")
    if value is None:
        return default
    if not 0 <= value <= MAX_DECIMALS:
        rd.error(obj.loc("score_decimals"), f"「score_decimals」（得分小数位）应为 0 到 {MAX_DECIMALS}，实际是 {value}")
        return default
    return value


def _part_obj(rd: Reader, item, loc: Loc, path: Path) -> tuple[Obj | None, Path]:
    """A part's mapping: written here, or `{include: file}` read from a file of kind evaluation_part."""
    probe = rd.obj(item, loc, [*PART_KEYS, "include"], "部分（parts 的一项）")
    if probe is None or not probe.has("include"):
        return probe, path.parent
    if len(probe.data) > 1:
        rd.error(probe.loc("include"), "写了 include 的部分不能再写其他键（该部分的内容都在被引用的文件中）")
    ref = probe.text("include") or ""
    found = load_reference(rd, ref, path.parent, probe.loc("include"), "evaluation_part")
    if found is None:
        return None, path.parent
    target, data = found
    f, line, col = data.pos
    return rd.obj(data, Loc(f, line, col, ""), [*PART_KEYS, "kind"], "部分文件"), target.parent


def _part(rd: Reader, obj: Obj, no: int, decimals: int, variant: str, base: Path) -> Part:
    """One part: its header texts, batches, tables, indicators, words and stated score."""
    central = _batches(rd, obj, "central_batches", "c", base)
    province = _batches(rd, obj, "province_batches", "b", base)
    from .evaluation_batches import merge_batch_specs

    allocation = read_allocation(rd, obj.mapping("allocation", TABLE_KEYS, "资金分配表"), province)
    unit_tables = read_unit_tables(rd, obj)
    allocation, unit_tables = merge_batch_specs(rd, province, allocation, unit_tables, obj.loc("province_batches"))
    funding, funding_stated = _funding(rd, obj)
    return Part(
        no=_number(rd, obj, no), title=obj.text("title", required=True) or "",
        fund=obj.text("fund", required=True) or "", loc=obj.loc(),
        central_dept=obj.text("central_dept") or "", local_dept=obj.text("local_dept") or "",
        finance_dept=obj.text("finance_dept") or "", user_units=obj.text("user_units") or "",
        variant=obj.choice("variant", list(VARIANTS), variant), form_title=obj.text("form_title") or "",
        score_decimals=_decimals(rd, obj, decimals),
        central=central, province=province, allocation=allocation,
        execution=read_execution(rd, obj.mapping("execution", ["as_of", *TABLE_KEYS], "资金执行情况表")),
        funding=funding, mgmt=_management(rd, obj), goals=obj.texts("goals"),
        goal_actual=obj.texts("goal_actual"), indicators=read_indicators(rd, obj), unit_tables=unit_tables,
        system=read_system(rd, obj), texts=_texts(rd, obj),
        stated_score=read_stated(rd, obj, "stated_score", SCORE_KEYS, text_keys=("grade",)),
        funding_stated=funding_stated)


def _number(rd: Reader, obj: Obj, default: int) -> int:
    """第N部分: 1 to 99, default the part's position."""
    value = obj.integer("no")
    if value is not None and not 1 <= value <= MAX_PARTS:
        rd.error(obj.loc("no"), f"「no」（部分序号）应为 1 到 {MAX_PARTS}，实际是 {value}")
        return default
    return value or default


def _batches(rd: Reader, obj: Obj, key: str, prefix: str, base: Path) -> list[Batch]:
    """central_batches / province_batches: typed inline, or (province) read from a batch spec."""
    from .evaluation_batches import batch_from_spec

    out: list[Batch] = []
    seen: dict[str, Loc] = {}
    for i, (item, loc) in enumerate(obj.items(key)):
        b = rd.obj(item, loc, BATCH_KEYS if prefix == "b" else BATCH_KEYS[:6], "下达批次")
        if b is None:
            continue
        bid = b.text("id", limit=30) or f"{prefix}{i + 1}"
        if bid in seen:
            rd.error(b.loc("id"), f"批次编号「{bid}」重复，首次在第 {seen[bid].line} 行")
            continue
        seen[bid] = loc
        if b.has("spec"):
            batch = batch_from_spec(rd, b, bid, base)
        else:
            amount = b.decimal("amount", required=True)
            batch = Batch(bid, b.text("doc_no", required=True) or "", read_date(rd, b, "date", required=False),
                          amount if amount is not None else 0, loc, b.text("title") or "", b.text("label") or "")
            if amount is not None:
                batch = _with_amount_loc(batch, b)
        if batch is not None:
            out.append(batch)
    return out


def _with_amount_loc(batch: Batch, b: Obj) -> Batch:
    """The batch located at its amount, where a sum that disagrees with it is best pointed."""
    from dataclasses import replace

    return replace(batch, loc=b.loc("amount"))


def _funding(rd: Reader, obj: Obj) -> tuple[dict[str, FundingLine], dict[str, Stated]]:
    """The 自评表's 资金投入 lines typed (central defaults to the execution total) and its 年度资金总额 as printed."""
    sub = obj.mapping("funding", ["central", "local", "other", "stated"], "资金投入情况")
    if sub is None:
        return {}, {}
    out = {}
    for key in ("central", "local", "other"):
        line = sub.mapping(key, ["budget", "spent"], "资金投入行")
        if line is not None:
            budget, spent = line.decimal("budget"), line.decimal("spent")
            out[key] = FundingLine(Num(budget, line.loc("budget")) if budget is not None else None,
                                   Num(spent, line.loc("spent")) if spent is not None else None, line.loc())
    return out, read_stated(rd, sub, "stated", ["budget", "spent", "rate"])


def _management(rd: Reader, obj: Obj) -> list[MgmtItem]:
    """The 7 fixed items in order; an item is a text (情况说明) or {text, issues}; absent ones are 无."""
    sub = obj.mapping("management", list(MGMT_ITEMS), "资金管理情况")
    out = []
    for key in MGMT_ITEMS:
        value = sub.raw(key) if sub is not None else None
        if isinstance(value, dict):
            item = rd.obj(value, sub.loc(key), ["text", "issues"], f"资金管理情况「{MGMT_ITEMS[key]}」")
            out.append(MgmtItem(key, item.text("text") or "无", item.text("issues") or "无", sub.loc(key)))
        elif value is not None:
            out.append(MgmtItem(key, sub.text(key) or "无", "无", sub.loc(key)))
        else:
            out.append(MgmtItem(key, "无", "无", sub.loc() if sub is not None else obj.loc()))
    return out


def _texts(rd: Reader, obj: Obj) -> dict[str, list[str]]:
    sub = obj.mapping("texts", list(TEXT_KEYS), "说明文字")
    if sub is None:
        return {}
    return {key: sub.texts(key) for key in TEXT_KEYS if sub.has(key)}
