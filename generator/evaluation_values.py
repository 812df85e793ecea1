"""Indicator values of a self-evaluation: a target (≥3个, ≤60万元, 显著提升) and actuals (3个, 95.40%, 显著提升).

Comparators and units are normalised once here (≧ >= → ≥, ≦ <= → ≤, ％ → %, ∕ → /); the printed text is kept
as typed. A value whose "unit" holds digits (2023年11月30日) is a text, not a number.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .evaluation_model import Actual, Target
from .model import Loc

_OPS = {"≥": "≥", "≧": "≥", ">=": "≥", "≤": "≤", "≦": "≤", "<=": "≤", "=": "=", "＝": "=", ">": ">", "<": "<",
        "＞": ">", "＜": "<"}
_NUMBER = re.compile(r"^\s*(≥|≧|>=|≤|≦|<=|=|＝|>|<|＞|＜)?\s*([+-]?\d{1,15}(?:\.\d{1,6})?)\s*(.*?)\s*$")
_UNIT_CHARS = {"％": "%", "∕": "/", "／": "/", "（": "(", "）": ")"}
MAX_UNIT = 12  # characters: 元/人/天, 台(套); longer tails are texts (≥90%以上的县 …)
MAX_UNIT_WORDS = 4  # Chinese characters in a unit (万人次, 元/人/天); more is a sentence: 80%达到推荐标准
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUALIFIER = re.compile(r"及?以([上下])$")
UP_WORDS = ("提高", "增长", "增加", "上升", "高于", "提升")
DOWN_WORDS = ("降低", "下降", "减少", "低于", "缩短")


def normalise_unit(unit: str) -> str:
    """％ → %, ∕ and ／ → /, full-width brackets → ASCII, spaces removed."""
    for old, new in _UNIT_CHARS.items():
        unit = unit.replace(old, new)
    return re.sub(r"\s+", "", unit)


def _split(text: str) -> tuple[str | None, Decimal | None, str]:
    """(comparator, number, unit) of a value, or (None, None, "") for a text."""
    match = _NUMBER.match(text)
    if not match:
        return None, None, ""
    op, number, unit = match.groups()
    unit = normalise_unit(unit)
    tail = _QUALIFIER.search(unit)
    if tail and not op:  # 80%及以上 is ≥80%, 5%以下 is ≤5%
        op, unit = ("≥" if tail.group(1) == "上" else "≤"), unit[:tail.start()]
    elif tail:
        unit = unit[:tail.start()]
    if re.search(r"\d", unit) or len(unit) > MAX_UNIT or len(_CJK.findall(unit)) > MAX_UNIT_WORDS:
        return None, None, ""
    return (_OPS[op] if op else None), Decimal(number), unit


def parse_target(text: str, loc: Loc) -> Target:
    """A 指标值: comparator + number + unit, a bare number, or a text target."""
    op, number, unit = _split(text)
    return Target(text.strip(), op, number, unit, loc)


def parse_actual(text: str, loc: Loc) -> Actual:
    """A 实际完成值: number + unit (95.40% is 95.40 with unit %) or a text. A comparator makes it a text."""
    op, number, unit = _split(text)
    if op is not None:
        return Actual(text.strip(), None, "", loc)
    return Actual(text.strip(), number, unit, loc)


def same_text(a: str, b: str) -> bool:
    """Whether two texts are the same value once comparators, units and spaces are normalised."""
    def norm(t: str) -> str:
        t = normalise_unit(t)
        for old, new in _OPS.items():
            t = t.replace(old, new)
        return t

    return norm(a) == norm(b)


def text_direction(text: str) -> str | None:
    """up / down for a text target that compares with the prior year (较上年提高 / 较上年降低), else None."""
    if any(w in text for w in DOWN_WORDS):
        return "down"
    if any(w in text for w in UP_WORDS):
        return "up"
    return None


_BRACKETED = re.compile(r"[（(]\s*(?:≥|≧|>=|≤|≦|<=|=|>|<)?\s*([+-]?\d{1,15}(?:\.\d{1,6})?)\s*([%％]?)\s*[）)]")


def bracketed_baseline(text: str) -> Decimal | None:
    """The figure a text target quotes in brackets (较上年提高（≥30.45%）→ 30.45), or None."""
    match = _BRACKETED.search(text)
    return Decimal(match.group(1)) if match else None
