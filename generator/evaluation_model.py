"""The typed model of a self-evaluation report (绩效自评报告, `kind: evaluation`): inputs and derived views.

Inputs (`Report` and below) are read once by evaluation_spec.py, every value with its `Loc`. Derived views
(`ReportView` and below) are computed once by evaluation_derive.py with the rules of evaluation_rules.py;
the checker and the renderers read only them. Nothing in the input half is a total, a rate or a score:
figures a source document printed are kept as `Stated` and compared (evaluation_check.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .model import Loc

# The 7 fixed 资金管理情况 items, in their printed order. English key → Chinese label.
MGMT_ITEMS = {
    "allocation": "分配科学性",
    "timeliness": "下达及时性",
    "compliance": "拨付合规性",
    "usage": "使用规范性",
    "accuracy": "执行准确性",
    "performance": "预算绩效管理情况",
    "responsibility": "支出责任履行情况",
}

# 一级指标 with their points under 财预〔2020〕10号 (预算执行 10 is the fourth component).
CATEGORY_POINTS = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
EXECUTION_POINTS = Decimal(10)

# 二级指标 each 一级 may hold, in the order the report discusses them ("未设定X指标" sentences use this).
CATEGORY_L2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

# The 资金投入情况 rows of the 自评表. English key → label (D1/D2; D3 prints 中央财政拨款/地方财政资金).
FUNDING_ROWS = {"central": "中央财政资金", "local": "地方资金", "other": "其他资金"}

# The part's free paragraphs, by where the report prints them. English key → (place, default paragraphs).
TEXT_KEYS = {
    "central_budget": ("一（一）1.下达预算情况", ()),  # empty: the renderer builds it from central_batches
    "central_targets": ("一（一）2.下达绩效目标情况", ()),
    "province": ("一（二）自治区资金安排、分解下达预算和绩效目标情况", ()),
    "arrival": ("二（一）1.资金到位情况", ()),
    "analysis": ("二（四）绩效指标完成情况分析（补充段落）", ()),
    "weaknesses": ("三、2.a 项目实施过程中存在不足", ()),
    "improvements": ("三、2.b 下一步工作实施改进措施", ()),
    "application": ("四、自评结果拟应用情况（一是…二是…）", ()),
    "publication": ("四、绩效自评结果公开情况", ()),
    "other_issues": ("五、其他需要说明的问题", ("中央巡视、各级审计和财政监督中未发现问题。",)),
    "remarks": ("自评表 说明", ("无。",)),
}

VARIANTS = ("D1", "D2", "D3")  # 区域绩效自评表 / 区域（项目）绩效目标自评表 (prior year) / 省级自评表 (P8)
GRADES = (("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", Decimal(0)))


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Num:
    """A typed number (万元, a count or a percentage) and where it was typed."""

    value: Decimal
    loc: Loc


@dataclass(frozen=True)
class Stated:
    """A figure a source document printed (a subtotal, a rate, a score); compared with the derived one."""

    value: Decimal | str  # str only for a stated grade (优/良/中/差)
    loc: Loc


@dataclass(frozen=True)
class Batch:
    """One notice that moved money: a 中央 (财政部) or 自治区 (省级) batch."""

    id: str  # the key its allocation column uses (`advance`, `second`); default b1, b2, …
    doc_no: str  # 文号, 财社〔2022〕143号
    date: str  # as printed: 2022年11月 or 2022年11月11日
    amount: Decimal  # 万元, may be negative (a 收回 batch)
    loc: Loc
    title: str = ""  # 文件标题 (optional)
    label: str = ""  # column header in the allocation table (default: 提前下达 / 第二批下达 / …)
    spec: Path | None = None  # the batch spec it was read from (`spec:`), None when typed inline
    supplied_rows: tuple = ()  # with spec: (unit name, group name, amount) per unit the spec allocates to
    supplied_tables: tuple = ()  # with spec: the spec's target tables as UnitTable (already in Part.unit_tables)


@dataclass(frozen=True)
class AllocationRow:
    """One unit of the 资金分配表: its amount from each province batch (batch id → amount)."""

    unit: str
    amounts: dict[str, Num]
    loc: Loc


@dataclass(frozen=True)
class RowGroup:
    """A group of rows with a subtotal row (本级小计, 各地小计, a 地区 with its counties)."""

    name: str  # 自治区本级 / 各地
    label: str  # the subtotal row's text, default f"{name}小计"
    rows: list  # AllocationRow or ExecutionRow
    loc: Loc
    stated: dict[str, Stated] = field(default_factory=dict)  # subtotal figures printed: batch id / budget / spent / rate


@dataclass(frozen=True)
class Allocation:
    """The 资金分配表 (table B): groups of unit rows, one column per province batch."""

    groups: list[RowGroup]
    loc: Loc
    title: str = ""  # 表题 (optional)
    total_label: str = "合计"
    unit_label: str = ""  # the first column's header (项目单位 / 地州); "" = the renderer's default
    text: list[str] = field(default_factory=list)  # paragraphs before the table (分配方法)
    stated: dict[str, Stated] = field(default_factory=dict)  # 合计 row as printed: batch id / total


@dataclass(frozen=True)
class ExecutionRow:
    """One unit of the 资金执行情况表: 预算数 (budget) and 执行数 (spent); the 执行率 is derived."""

    unit: str
    budget: Num
    spent: Num
    loc: Loc
    stated_rate: Stated | None = None  # the row's 执行率 as printed (%)


@dataclass(frozen=True)
class Execution:
    """The 资金执行情况表 (table C) and the date the spending is measured at."""

    as_of: str  # 截止到2023年12月31日 → "2023年12月31日"
    groups: list[RowGroup]  # rows are ExecutionRow
    loc: Loc
    title: str = ""
    total_label: str = "合计"
    unit_label: str = ""  # the first column's header (项目单位 / 地州); "" = the renderer's default
    text: list[str] = field(default_factory=list)  # paragraphs before the table
    stated: dict[str, Stated] = field(default_factory=dict)  # 合计 row: budget / spent / rate


@dataclass(frozen=True)
class FundingLine:
    """One 资金投入情况 row of the 自评表 (中央 / 地方 / 其他): 全年预算数 A and 全年执行数 B."""

    budget: Num | None  # None for central: taken from the execution total (or the central batches)
    spent: Num | None
    loc: Loc


@dataclass(frozen=True)
class MgmtItem:
    """One of the 7 fixed 资金管理情况 items: 情况说明 and 存在问题和改进措施."""

    key: str  # a MGMT_ITEMS key
    text: str
    issues: str  # default 无
    loc: Loc


@dataclass(frozen=True)
class Target:
    """An indicator's 指标值 parsed: comparator, number and unit, or a text target."""

    text: str  # as printed (normalised comparators are not applied to the printed text)
    op: str | None  # ≥ ≤ = > < (≧ ≦ >= <= normalised), None for a bare number or text
    number: Decimal | None  # None: a text target (显著提升, 2023年11月30日)
    unit: str  # %, 个, 万元, 元/人/天 (％ and ∕ normalised); "" when none
    loc: Loc


@dataclass(frozen=True)
class Actual:
    """One 实际完成值: a number with its unit (a percentage is unit %) or a text."""

    text: str  # as printed
    number: Decimal | None
    unit: str
    loc: Loc


@dataclass(frozen=True)
class Indicator:
    """One 三级指标 of the targets used for scoring (the central ones) with its actuals and words."""

    l2: str  # 二级指标 (数量指标 …); 一级 is derived from it
    name: str  # 三级指标
    target: Target
    actuals: list[Actual]  # several values in one cell where a form needs that (printed joined by ，)
    loc: Loc
    prev_actual: Actual | None = None  # 上年实际完成值 (D2's prior-year column; a text target's baseline)
    points: Num | None = None  # 分值; None: the category's points split equally
    direction: str | None = None  # up | down: overrides the comparator (≤/< down, else up)
    met: bool | None = None  # a text target: met or not; None → met when the actual equals the target
    reason: str = ""  # 未完成原因 / 偏差原因 (required when 完成率 < 100%)
    measures: str = ""  # 改进措施
    over_reason: str = ""  # 超出原因 (required when 完成率 ≥ 130%)
    stated: dict[str, Stated] = field(default_factory=dict)  # completion / deviation / score as printed
    targets: tuple = ()  # several targets in one cell (≥87%，≥91%): Target i is met by actuals[i]; `target`
    #                      then holds the whole cell's text (joined by ，) and the first value's op/number/unit


@dataclass(frozen=True)
class UnitIndicator:
    """One row of a province per-unit target table: 二级, 三级, 指标值 (no actuals)."""

    l2: str
    name: str
    target: Target
    loc: Loc


@dataclass(frozen=True)
class UnitTable:
    """A province 区域绩效目标表 of one unit (table A): amounts, goals and indicators."""

    unit: str
    amount: Num | None  # 年度金额
    central: Num | None  # 其中：中央补助
    goals: list[str]
    indicators: list[UnitIndicator]
    loc: Loc
    title: str = ""
    same_as: str = ""  # "14个地州指标与指标值全部一致": printed once, then named (unit of the printed table)
    source: Path | None = None  # the batch spec it came from, None when typed inline


@dataclass(frozen=True)
class SystemRow:
    """One row of the P8-style 100-point 绩效评价指标体系 (table E)."""

    l1: str  # 一级指标 without its points (项目决策); the "(18分)" is derived
    l2: str
    name: str  # 三级指标
    standard: str  # 标准值
    actuals: dict[str, str]  # 实际值 by column label (2022年, 2023年)
    rule: str  # 评分标准 ("——" when not applicable)
    points: Num  # 分值
    note: str  # 指标说明
    loc: Loc
    score: Num | None = None  # 自评得分 as judged; None only with auto
    auto: str | None = None  # "execution": 得分 = min(年度资金总额执行率, 100%) × 分值 (derived)


@dataclass(frozen=True)
class System:
    """The 100-point indicator system (P8 附件1): its rows and actual-value column labels."""

    title: str
    actual_labels: list[str]  # 实际值(2022年), 实际值(2023年)
    rows: list[SystemRow]
    loc: Loc
    stated_total: Stated | None = None  # "注：最后得分：96.05分"


@dataclass(frozen=True)
class Part:
    """One 部分 of the report: one fund, its batches, tables, indicators, words and score."""

    no: int  # 第N部分 (1-based)
    title: str  # heading after 第N部分 (（中医药事业传承与发展部分）)
    fund: str  # 转移支付（项目）名称
    loc: Loc
    central_dept: str = ""  # 中央主管部门
    local_dept: str = ""  # 地方主管部门
    finance_dept: str = ""  # 省级财政部门
    user_units: str = ""  # 资金使用单位
    variant: str = "D1"  # 自评表 variant: D1 | D2 | D3
    form_title: str = ""  # the 自评表's title when it differs from the variant's (P8); "" = the variant's
    score_decimals: int = 2  # 得分小数位 (report default, overridable per part)
    central: list[Batch] = field(default_factory=list)  # 财政部下达
    province: list[Batch] = field(default_factory=list)  # 自治区分解下达
    allocation: Allocation | None = None
    execution: Execution | None = None
    funding: dict[str, FundingLine] = field(default_factory=dict)  # FUNDING_ROWS keys; central defaults derived
    mgmt: list[MgmtItem] = field(default_factory=list)  # the 7 items in MGMT_ITEMS order (absent: 无)
    goals: list[str] = field(default_factory=list)  # 年度总体目标 (central)
    goal_actual: list[str] = field(default_factory=list)  # 全年实际完成情况
    indicators: list[Indicator] = field(default_factory=list)  # central targets, used for scoring
    unit_tables: list[UnitTable] = field(default_factory=list)  # province per-unit target tables
    system: System | None = None  # P8's 100-point system: then the part's score is its total
    texts: dict[str, list[str]] = field(default_factory=dict)  # TEXT_KEYS → paragraphs (absent key: its default)
    stated_score: dict[str, Stated] = field(default_factory=dict)  # execution/output/benefit/satisfaction/total/grade
    funding_stated: dict[str, Stated] = field(default_factory=dict)  # 年度资金总额 as printed: budget / spent / rate


@dataclass(frozen=True)
class Report:
    """A whole 绩效自评报告: title, issuers, the parts."""

    path: Path
    title: str
    year: int
    loc: Loc
    basis: str = ""  # 依据文件 (财监〔2024〕3号)
    issuers: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    file_stem: str = ""  # output file names' prefix; default none (绩效自评报告.docx)
    region: str = ""  # short name in sentences: "新疆实际完成3个", "下达新疆…"
    region_full: str = ""  # full name (D3 title 新疆维吾尔自治区（…）绩效自评表); the reader defaults it to region
    province_word: str = "自治区"  # the province's own word: 自治区资金安排…, 自治区分批下达 ("省" for a province)


# ---------------------------------------------------------------- derived


@dataclass(frozen=True)
class MoneyRow:
    """A derived table row: its label, kind and figures by column key."""

    label: str
    kind: str  # total | subtotal | leaf
    values: dict[str, Decimal]  # allocation: batch id → amount and "total"; execution: budget, spent
    rate: Decimal | None = None  # 执行率 in % (2 decimals), execution rows only; None when budget is 0
    loc: Loc | None = None


@dataclass(frozen=True)
class TableView:
    """A derived allocation or execution table: rows in print order (合计 first, then each group)."""

    title: str
    columns: list[tuple[str, str]]  # (key, header label)
    rows: list[MoneyRow]
    total: MoneyRow


@dataclass(frozen=True)
class FundingView:
    """The 资金投入情况 block: 年度资金总额 and the three source rows, each with A, B and 执行率."""

    rows: dict[str, MoneyRow]  # "total" first, then FUNDING_ROWS keys present


@dataclass(frozen=True)
class IndicatorView:
    """An indicator with every derived figure: 指标N, 一级, 完成率, 偏差率, 分值, 得分, whether words are due."""

    source: Indicator
    number: int  # N in 指标N (1-based within the part)
    l1: str  # 一级指标
    direction: str  # up | down | text
    completion: Decimal | None  # 完成率 % (2 decimals); None when it cannot be computed (reported)
    deviation: Decimal | None  # 偏差率 % = |完成率 − 100|
    points: Decimal  # 分值
    score: Decimal  # 得分 = 分值 × min(完成率, 100%), to score_decimals
    shortfall: bool  # 完成率 < 100%: listed under 未完成, needs reason
    overshoot: bool  # 完成率 ≥ 130%: listed under 完成率超出30%及以上指标, needs over_reason
    actual_text: str  # the actuals as printed in one cell (joined by ，)


@dataclass(frozen=True)
class ScoreView:
    """The part's score: four components (or the system's total), total and grade."""

    execution: Decimal  # 预算执行 = min(执行率, 100%) × 10
    categories: dict[str, Decimal]  # 产出指标 / 效益指标 / 满意度指标 → score
    total: Decimal
    grade: str  # 优 良 中 差
    decimals: int
    missing_categories: list[str]  # 一级 the targets lack (scored full)
    from_system: bool = False  # True: total is the 100-point system's


@dataclass(frozen=True)
class SystemRowView:
    """A system row with its 一级 heading text and 得分 (typed or derived)."""

    source: SystemRow
    l1_label: str  # 项目决策(18分)
    score: Decimal


@dataclass(frozen=True)
class SystemView:
    """The 100-point system derived: rows, points per 一级, total points and score."""

    source: System
    rows: list[SystemRowView]
    l1_points: dict[str, Decimal]
    points: Decimal  # must be 100
    total: Decimal


@dataclass(frozen=True)
class PartView:
    """A part with all its derived views; what the checker and the renderers read."""

    part: Part
    heading: str  # 第一部分 <title>
    central_total: Decimal  # Σ central batches
    province_total: Decimal  # Σ province batches
    allocation: TableView | None
    execution: TableView | None
    funding: FundingView
    execution_rate: Decimal | None  # 年度资金总额 执行率 % used for the 预算执行 score
    indicators: list[IndicatorView]
    missing_l2: list[str]  # 二级 the central targets lack, for "财政部下达的绩效目标未设定X指标。"
    shortfalls: list[IndicatorView]  # 完成率 < 100%
    overshoots: list[IndicatorView]  # 完成率 ≥ 130%
    score: ScoreView
    system: SystemView | None
    mgmt: list[MgmtItem]  # all 7, in order (absent ones as 无)


@dataclass(frozen=True)
class ReportView:
    """The whole derived report: `render_evaluation(view)` turns it into files."""

    report: Report
    parts: list[PartView]
