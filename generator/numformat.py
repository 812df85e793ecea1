"""Numbers in target-table cells: the printed text and the matching Excel number format, from one CellFormat.

Word prints the text; Excel stores the number itself (never text) with the format that prints the same.
"""

from __future__ import annotations

from decimal import Decimal

from .model import CellFormat
from .money import decimals_of, format_amount

COMPACT = CellFormat()


def decimals_for(value: Decimal, fmt: CellFormat) -> int:
    """The decimals printed: the format's, or as many as the value carries (4000 → 0, 56.50 → 1)."""
    if fmt.decimals is not None:
        return fmt.decimals
    return decimals_of(value.normalize()) if value != value.to_integral_value() else 0


def format_number(value: Decimal | None, fmt: CellFormat | None) -> str:
    """1234.5 → "1,234.50" under {decimals: 2, thousands: true}; zero and no value as the format says."""
    fmt = fmt or COMPACT
    if value is None:
        return fmt.blank
    if value == 0 and fmt.zero is not None:
        return fmt.zero
    return format_amount(value, decimals_for(value, fmt), fmt.thousands)


def excel_format(value: Decimal | None, fmt: CellFormat | None) -> str:
    """The Excel number format that prints `value` as format_number does: "#,##0.00;-#,##0.00;\"-\""."""
    fmt = fmt or COMPACT
    body = "#,##0" if fmt.thousands else "0"
    decimals = decimals_for(value, fmt) if value is not None else (fmt.decimals or 0)
    if decimals:
        body += "." + "0" * decimals
    if fmt.zero is None:
        return body
    return f'{body};-{body};"{fmt.zero.replace(chr(34), "")}"' if fmt.zero else f"{body};-{body};"


def parse_number(text: str) -> Decimal | None:
    """A number typed in a spec (1234.5, -3, 1_000); None for anything else (text stays text)."""
    import re

    cleaned = text.strip().replace("_", "")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        return None
    return Decimal(cleaned)
