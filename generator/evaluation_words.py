"""How the evaluation's derived figures print: amounts, rates and scores as text. Formatting only; every
value arrives derived (evaluation_derive.py) and is never recomputed or re-rounded here."""

from __future__ import annotations

from decimal import Decimal


def plain(value: Decimal | None) -> str:
    """A figure without trailing zeros: 6563, 5347.89, 198.4, 45 (and "" for no value)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def amount(value: Decimal | None) -> str:
    """An amount in 万元 as the seed's tables print it: 6563, 5347.89, -702."""
    return plain(value)


def percent(value: Decimal | None) -> str:
    """A rate in a table, two decimals: 81.49%, 100.00% (the value is already a percentage)."""
    return "" if value is None else f"{value:.2f}%"


def rate(value: Decimal | None) -> str:
    """A rate in a sentence, without trailing zeros: 完成率100%, 233.33%, 4.5%."""
    return "" if value is None else f"{plain(value)}%"


def score(value: Decimal | None) -> str:
    """A score as the report writes it: 93.1, 45, 49.6, 7.05."""
    return plain(value)


def excel_decimals(decimals: int) -> str:
    """The Excel number format of a score with `decimals` decimals."""
    return "0." + "0" * decimals if decimals > 0 else "0"
