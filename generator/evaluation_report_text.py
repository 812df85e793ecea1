"""The 绩效自评报告's outline and sentences, part by part, as blocks the Word writer prints.

The skeleton is the seed's (shared/domain catalogue §1): 一、绩效目标分解下达情况 … 五、其他需要说明的问题, each
part closing with its 自评表. Sentences put the derived figures into the seed's wording ("指标N：财政部随文下达…");
the region's name comes from the spec; the typed paragraphs (Part.texts) stand where the seed has prose.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count

from . import evaluation_tables as tables
from .evaluation_grid import Grid
from .evaluation_model import CATEGORY_L2, MGMT_ITEMS, TEXT_KEYS, IndicatorView, PartView, ReportView
from .evaluation_words import amount, rate, score

L1_HEADINGS = {"产出指标": "产出指标完成情况分析", "效益指标": "效益指标完成情况分析", "满意度指标": "满意度指标完成情况分析"}
POINTS_RULE = ("按照财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）规定，单位自评标准是：预算执行10分、产出指标50分、"
               "效益指标30分、服务对象满意度指标10分。")


@dataclass(frozen=True)
class Block:
    """One element of the report: kind is title, part, h1 (黑体 一、), h2 (楷体 （一）), h3 (1、), body, or grid."""

    kind: str
    text: str = ""
    grid: Grid | None = None
    new_page: bool = False


def report_blocks(view: ReportView) -> Iterator[Block]:
    """The whole report: title, preamble, then every part."""
    r = view.report
    yield Block("title", r.title)
    for text in r.preamble:
        yield Block("body", text)
    for i, pv in enumerate(view.parts):
        yield from part_blocks(view, pv, new_page=i > 0)


def texts(pv: PartView, key: str) -> list[str]:
    """The part's typed paragraphs under a TEXT_KEYS key, or the key's default."""
    return list(pv.part.texts.get(key) or TEXT_KEYS[key][1])


def region(view: ReportView) -> str:
    """The region's short name the sentences use (新疆), from the spec."""
    return view.report.region


def province(view: ReportView) -> str:
    """The word for the provincial level (自治区, 省), from the spec; 自治区 unless it says otherwise."""
    return view.report.province_word or "自治区"


def _texts(pv: PartView, key: str) -> Iterator[Block]:
    for text in texts(pv, key):
        yield Block("body", text)


def part_blocks(view: ReportView, pv: PartView, new_page: bool) -> Iterator[Block]:
    """One part: its heading and the five sections."""
    yield Block("part", pv.heading, new_page=new_page)
    yield from _targets_issued(view, pv)
    yield from _completion(view, pv)
    yield from _deviation(view, pv)
    yield from _result(view, pv)
    yield Block("h1", "五、其他需要说明的问题")
    yield from _texts(pv, "other_issues") if texts(pv, "other_issues") else iter([Block("body", "无。")])
    yield from _attachments(view, pv)


def batch_sentence(view: ReportView, pv: PartView, batch, issuer: str) -> str:
    """2022年11月，财政部《…》（财社〔2022〕143号），下达新疆…资金7265万元。"""
    title = f"《{batch.title}》" if batch.title else ""
    return (f"{batch.date}，{issuer}{title}（{batch.doc_no}），下达{region(view)}{money_of(pv.part.fund)}"
            f"{amount(batch.amount)}万元。")


def titled(kind: str, text: str, blocks: Iterable[Block]) -> Iterator[Block]:
    """A sub-heading followed by its blocks; nothing at all when there is nothing under it."""
    blocks = list(blocks)
    if blocks:
        yield Block(kind, text)
        yield from blocks


def money_of(fund: str) -> str:
    """"<fund>资金", without a doubled 资金 when the fund's name ends with it (…补助资金)."""
    return fund if fund.endswith("资金") else f"{fund}资金"


def _fund(view: ReportView, pv: PartView) -> str:
    """The fund's name as a sentence uses it after 年度 (without a second year: 2023年度2023年…)."""
    fund, year = pv.part.fund, f"{view.report.year}年"
    return fund[len(year):] if fund.startswith(year) else fund


def _central_budget(view: ReportView, pv: PartView) -> Iterator[Block]:
    yield from _texts(pv, "central_budget")
    yield from _batches(view, pv, pv.part.central, pv.central_total, "财政部", region(view))


def _batches(view: ReportView, pv: PartView, batches, total, who: str, to: str) -> Iterator[Block]:
    """共计 of the notices one level issued, then a sentence per notice."""
    if batches:
        yield Block("body", f"{who}{'分批' if len(batches) > 1 else ''}下达{to}{money_of(pv.part.fund)}共计"
                            f"{amount(total)}万元，具体如下：")
        for b in batches:
            yield Block("body", batch_sentence(view, pv, b, who))


def _central_targets(view: ReportView, pv: PartView) -> Iterator[Block]:
    yield from _texts(pv, "central_targets")
    if pv.indicators:
        yield Block("body", f"财政部随文下达{region(view)}区域绩效目标，具体为：")
        yield Block("grid", grid=tables.central_targets(view, pv))


def _province_budget(view: ReportView, pv: PartView) -> Iterator[Block]:
    part = pv.part
    yield from _texts(pv, "province")
    yield from _batches(view, pv, part.province, pv.province_total, province(view), "")
    if pv.allocation is not None:
        for text in part.allocation.text if part.allocation else ():
            yield Block("body", text)
        yield Block("grid", grid=tables.allocation(pv))


def _targets_issued(view: ReportView, pv: PartView) -> Iterator[Block]:
    yield Block("h1", "一、绩效目标分解下达情况")
    yield Block("h2", f"（一）中央下达{pv.part.fund}预算和绩效目标情况")
    yield from titled("h3", "1、下达预算情况。", _central_budget(view, pv))
    yield from titled("h3", "2、下达绩效目标情况。", _central_targets(view, pv))
    level = province(view)
    yield Block("h2", f"（二）{level}资金安排、分解下达预算和绩效目标情况")
    yield from titled("h3", f"1、{level}分解下达预算情况。", _province_budget(view, pv))
    yield from titled("h3", f"2、{level}分解下达绩效目标情况。", _unit_tables(view, pv))


def _spending(view: ReportView, pv: PartView) -> Iterator[Block]:
    part, total = pv.part, pv.funding.rows.get("total")
    for text in part.execution.text if part.execution else ():
        yield Block("body", text)
    if total is not None and part.execution is not None:
        yield Block("body", f"截止到{part.execution.as_of}，{money_of(part.fund)}总计{amount(total.values.get('budget'))}"
                            f"万元，共计执行{amount(total.values.get('spent'))}万元，执行率{rate(total.rate)}"
                            f"{'，具体如下：' if pv.execution else '。'}")
    execution = tables.execution(pv)
    if execution is not None:
        yield Block("grid", grid=execution)


def _goals(pv: PartView) -> Iterator[Block]:
    part = pv.part
    if part.goals:
        yield Block("body", "总体目标为：" + part.goals[0])
        yield from (Block("body", g) for g in part.goals[1:])
    if part.goal_actual:
        yield Block("body", "目标完成情况：" + part.goal_actual[0])
        yield from (Block("body", g) for g in part.goal_actual[1:])


def _completion(view: ReportView, pv: PartView) -> Iterator[Block]:
    yield Block("h1", "二、绩效目标完成情况分析")
    yield Block("h2", "（一）资金投入情况分析。")
    yield from titled("h3", "1、项目资金到位情况分析。", _texts(pv, "arrival"))
    yield from titled("h3", "2、项目资金执行情况分析。", _spending(view, pv))
    yield Block("h2", "（二）项目资金管理情况分析")
    for i, item in enumerate(pv.mgmt, 1):
        yield Block("h3", f"{i}、{MGMT_ITEMS[item.key]}")
        yield Block("body", item.text or "无。")
    yield Block("h2", "（三）总体绩效目标完成情况分析。")
    yield from _goals(pv)
    yield Block("h2", "（四）绩效指标完成情况分析。")
    yield from _texts(pv, "analysis")
    yield from _indicators(view, pv)


def _unit_tables(view: ReportView, pv: PartView) -> Iterator[Block]:
    """Each printed unit table; units whose table is the same as a printed one are named under it."""
    same: dict[str, list[str]] = {}
    for ut in pv.part.unit_tables:
        if ut.same_as:
            same.setdefault(ut.same_as, []).append(ut.unit)
    for ut in pv.part.unit_tables:
        if ut.same_as:
            continue
        yield Block("grid", grid=tables.unit_target(view, pv, ut))
        if ut.unit in same:
            yield Block("body", f"{'、'.join(same[ut.unit])}的绩效指标与指标值与{ut.unit}全部一致，不再列示。")


def _indicators(view: ReportView, pv: PartView) -> Iterator[Block]:
    """Per 一级 and 二级: the 指标N sentences, or 财政部下达的绩效目标未设定X指标。"""
    for n1, (l1, l2s) in enumerate(CATEGORY_L2.items(), 1):
        numbers = count(1)  # 指标N restarts under each 一级, as in the seed
        blocks = []
        for n2, l2 in enumerate(l2s, 1):
            found = [iv for iv in pv.indicators if iv.l1 == l1 and iv.source.l2 == l2]
            under = [Block("body", f"财政部下达的绩效目标未设定{l2}。")] if l2 in pv.missing_l2 else []
            under += [Block("body", f"指标{next(numbers)}：" + indicator_sentence(view, iv)) for iv in found]
            if under and len(l2s) > 1:
                blocks.append(Block("body", f"（{n2}）{l2}。"))
            blocks += under
        yield from titled("h3", f"{n1}、{L1_HEADINGS[l1]}。", blocks)


def indicator_sentence(view: ReportView, iv: IndicatorView) -> str:
    """财政部随文下达X指标，指标值为≥3个，新疆实际完成3个，完成率100%，偏差率0%。[偏差原因：…]"""
    src = iv.source
    done = "实际完成值为" if iv.direction == "text" or src.target.unit == "%" else "实际完成"
    text = f"财政部随文下达{src.name}指标，指标值为{src.target.text}，{region(view)}{done}{iv.actual_text}"
    if iv.completion is not None:
        text += f"，完成率{rate(iv.completion)}，偏差率{rate(iv.deviation)}"
    text += "。"
    if iv.shortfall and src.reason:
        text += f"偏差原因：{src.reason}"
    if iv.overshoot and src.over_reason:
        text += f"超出原因：{src.over_reason}"
    return text


def _deviation(view: ReportView, pv: PartView) -> Iterator[Block]:
    yield Block("h1", "三、偏离绩效目标的原因和下一步改进措施")
    yield Block("h3", "1.偏离的绩效目标")
    yield Block("body", "（1）未完成指标")
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i, iv in enumerate(pv.shortfalls):
        yield Block("body", f"{letters[i % 26]}." + indicator_sentence(view, iv))
    if not pv.shortfalls:
        yield Block("body", "无。")
    yield Block("body", "（2）完成率超出30%及以上指标")
    for i, iv in enumerate(pv.overshoots, 1):
        yield Block("body", f"指标{i}：{iv.source.name}指标，完成率{rate(iv.completion)}，超出原因："
                            f"{iv.source.over_reason}")
    if not pv.overshoots:
        yield Block("body", "无。")
    yield Block("h3", "2.下一步改进措施")
    weak, measures = texts(pv, "weaknesses"), texts(pv, "improvements")
    yield Block("body", "a.存在的不足：" + (weak[0] if weak else "无。"))
    yield from (Block("body", t) for t in weak[1:])
    yield Block("body", "b.下一步改进措施：" + (measures[0] if measures else "无。"))
    yield from (Block("body", t) for t in measures[1:])


def score_sentence(view: ReportView, pv: PartView) -> str:
    """The score paragraph: the four components and the grade (catalogue §4), or the system's total."""
    s = pv.score
    head = f"经自评，{view.report.year}年度{money_of(_fund(view, pv))}绩效自评价得分为{score(s.total)}分"
    if s.from_system:
        return f"{head}（详见附件1绩效评价指标体系），自评结果为“{s.grade}”。"
    cats = s.categories
    return (POINTS_RULE + f"{head}，其中：预算执行{score(s.execution)}分、产出指标{score(cats.get('产出指标'))}分、"
            f"效益指标{score(cats.get('效益指标'))}分、服务对象满意度指标{score(cats.get('满意度指标'))}分，"
            f"自评结果为“{s.grade}”。")


def _result(view: ReportView, pv: PartView) -> Iterator[Block]:
    yield Block("h1", "四、绩效自评结果及拟应用和公开情况")
    yield Block("body", "1、" + score_sentence(view, pv))
    n = 2
    for key in ("application", "publication"):  # 一是…二是… (how the result is used), then 公开情况
        paragraphs = texts(pv, key)
        if paragraphs:
            yield Block("body", f"{n}、{paragraphs[0]}")
            yield from (Block("body", t) for t in paragraphs[1:])
            n += 1


def _attachments(view: ReportView, pv: PartView) -> Iterator[Block]:
    form = tables.selfeval(view, pv)
    system = tables.system(pv)
    yield Block("body", f"附：{form.title}" if system is None else f"附件1：{system.title}")
    if system is not None:
        yield Block("grid", grid=system, new_page=True)
        yield Block("body", f"附件2：{form.title}", new_page=True)
    yield Block("grid", grid=form, new_page=True)
