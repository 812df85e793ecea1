"""Money as Decimal: exact parsing, rounding and the print formats the seeds use."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)


def decimals_of(value: Decimal) -> int:
    """How many decimal places a typed amount carries (448.50 → 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def rounded(value: Decimal, decimals: int = 2) -> Decimal:
    """The value to `decimals` places, half up (2.345 → 2.35), the one rounding money uses."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_amount(value: Decimal, decimals: int = 2, thousands: bool = True) -> str:
    """13950 → "13,950.00"; -52 with 0 decimals → "-52"."""
    q = rounded(value, decimals)
    return f"{q:,.{decimals}f}" if thousands else f"{q:.{decimals}f}"


def format_compact(value: Decimal, thousands: bool = True) -> str:
    """An amount in running text: thousands separators, no trailing zeros (3975.00 → "3,975")."""
    normal = value.normalize() if value != value.to_integral_value() else value.to_integral_value()
    decimals = decimals_of(normal)
    return format_amount(value, decimals, thousands)


def format_cell(value: Decimal | None, fmt, subtotal: bool) -> str:
    """A table cell under a NumberFormat: zero prints blank, 0, or 0 only on subtotal rows."""
    if value is None:
        return ""
    if value == 0:
        if fmt.zero == "blank" or (fmt.zero == "subtotals" and not subtotal):
            return ""
        return format_amount(ZERO, fmt.decimals, fmt.thousands)
    return format_amount(value, fmt.decimals, fmt.thousands)


def excel_number_format(fmt) -> str:
    """The Excel number format equivalent to a NumberFormat (zero section per the zero rule)."""
    body = "#,##0" if fmt.thousands else "0"
    if fmt.decimals:
        body += "." + "0" * fmt.decimals
    zero = ";" if fmt.zero == "blank" else f";{body}"
    return f"{body};-{body}{zero}"
