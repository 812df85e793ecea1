"""The one rule set of a self-evaluation: rounding, rates, 完成率, 偏差率, points, scores and grades.

Every rule is here once and docs/evaluation.md states the same. Decimal throughout, ROUND_HALF_UP (never
truncation); rates are percentages with 2 decimals; scores have the part's `score_decimals`. A figure
computed from other figures uses their rounded values, so what is printed adds up.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .evaluation_model import EXECUTION_POINTS, GRADES, Actual, Indicator
from .evaluation_values import same_text, text_direction
from .money import rounded

HUNDRED = Decimal(100)
ZERO = Decimal(0)
MET, NOT_MET = Decimal("100.00"), Decimal("0.00")  # 完成率 of a text target (and of the zero cases)
RATE_DECIMALS = 2
SHORTFALL_BELOW = HUNDRED  # 完成率 below this needs 未完成原因
OVERSHOOT_FROM = Decimal(130)  # 完成率 from this on is listed under 完成率超出30%及以上指标, with 超出原因


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole × 100 with 2 decimals; None when whole is 0 (no rate)."""
    if whole == 0:
        return None
    return rounded(part / whole * HUNDRED, RATE_DECIMALS)


def execution_score(rate: Decimal | None, decimals: int, points: Decimal = EXECUTION_POINTS) -> Decimal:
    """预算执行 得分 = min(执行率, 100%) × points (10), from the printed (rounded) 执行率; no rate → 0."""
    if rate is None:
        return rounded(ZERO, decimals)
    return rounded(min(rate, HUNDRED) / HUNDRED * points, decimals)


def deviation(completion: Decimal) -> Decimal:
    """偏差率 = |完成率 − 100|, in % with 2 decimals."""
    return rounded(abs(completion - HUNDRED), RATE_DECIMALS)


def capped_share(points: Decimal, completion: Decimal | None) -> Decimal:
    """分值 × min(完成率, 100%), unrounded (a category adds these, then rounds once)."""
    if completion is None:
        return ZERO
    return points * min(completion, HUNDRED) / HUNDRED


def grade(total: Decimal) -> str:
    """优 ≥ 90, 良 80 to < 90, 中 60 to < 80, 差 < 60."""
    return next((name for name, floor in GRADES if total >= floor), GRADES[-1][0])


def direction_of(ind: Indicator) -> str:
    """up (higher is better), down (lower is better) or text: `direction:` first, else the comparator."""
    if ind.direction:
        return ind.direction
    if ind.target.number is None:
        return "text"
    return "down" if ind.target.op in ("≤", "<") else "up"


def completion(ind: Indicator) -> tuple[Decimal | None, str, str | None]:
    """(完成率 in %, direction, why it cannot be computed). Several actuals in one cell: the lowest 完成率."""
    direction = direction_of(ind)
    if ind.targets:  # one target per value of the cell: value i against target i
        results = [_one(replace(ind, target=t, targets=()), direction_of(replace(ind, target=t)), a)
                   for t, a in zip(ind.targets, ind.actuals, strict=False)]
    else:
        results = [_one(ind, direction, actual) for actual in ind.actuals]
    if not results:
        return None, direction, None  # the reader reported the missing actual
    for value, why in results:
        if value is None:
            return None, direction, why
    return min(v for v, _ in results), direction, None


def _one(ind: Indicator, direction: str, actual: Actual) -> tuple[Decimal | None, str | None]:
    target = ind.target
    if target.number is None:
        return _text(ind, actual)
    if actual.number is None:
        if ind.met is not None:
            return (MET if ind.met else NOT_MET), None
        if same_text(actual.text, target.text):
            return MET, None
        return None, f"实际完成值「{actual.text}」不是数字（指标值「{target.text}」是数字；文字结果请写 met: true 或 false）"
    if target.unit and actual.unit and target.unit != actual.unit:
        return None, f"实际完成值「{actual.text}」的单位「{actual.unit}」与指标值「{target.text}」的单位「{target.unit}」不一致"
    return _ratio(direction, target.number, actual.number), None


def _ratio(direction: str, target: Decimal, actual: Decimal) -> Decimal:
    """实际 ÷ 目标 (up) or 目标 ÷ 实际 (down), with the zero and negative cases of the docs."""
    if target < 0 or actual < 0:  # a ratio of signed figures (增幅 −7.38% → −1.60%) means nothing: met or not
        met = actual <= target if direction == "down" else actual >= target
        return MET if met else NOT_MET
    if direction == "down":
        if actual <= 0:
            return MET  # nothing is lower than 0: met (a 0 target met exactly, too)
        if target <= 0:
            return NOT_MET  # a target of 0 and something happened: not met
        return rounded(target / actual * HUNDRED, RATE_DECIMALS)
    if target == 0:
        return MET if actual >= 0 else NOT_MET
    return rounded(actual / target * HUNDRED, RATE_DECIMALS)


def _text(ind: Indicator, actual: Actual) -> tuple[Decimal | None, str | None]:
    """A text target: met / not met, or against the prior-year actual when it says 较上年提高 / 降低."""
    prev, target = ind.prev_actual, ind.target
    if ind.met is not None:
        return (MET if ind.met else NOT_MET), None
    way = ind.direction or text_direction(target.text)
    if way and prev is not None and prev.number is not None and actual.number is not None:
        if prev.unit and actual.unit and prev.unit != actual.unit:
            return None, f"实际完成值「{actual.text}」与上年实际完成值「{prev.text}」的单位不一致"
        return _ratio(way, prev.number, actual.number), None
    if same_text(actual.text, target.text):
        return MET, None
    return None, (f"文字指标值「{target.text}」与实际完成值「{actual.text}」不同：请写 met: true（达成）或 met: false"
                  f"（未达成）" + ("，或写数字的上年实际完成值 prev_actual" if way else ""))


def needs_reason(value: Decimal | None) -> bool:
    """完成率 < 100%: 未完成, a reason is required."""
    return value is not None and value < SHORTFALL_BELOW


def overshoots(value: Decimal | None) -> bool:
    """完成率 ≥ 130%: 完成率超出30%及以上, an 超出原因 is required."""
    return value is not None and value >= OVERSHOOT_FROM

