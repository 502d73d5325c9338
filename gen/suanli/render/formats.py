"""How numbers are written on every kind of page (CSV files: render/csv_table.py)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def fmt_number(value: Decimal) -> str:
    """33079 -> 33,079; keeps the decimals the author gave."""
    return format(value, ",")


def fmt_pct(value: Decimal) -> str:
    return format(value, "f") + "%"


def percent(fraction: float | None, places: int = 2) -> Decimal | None:
    """A computed return (a fraction: 0.05174) as a percentage to `places` decimals, rounded half away from
    zero (Decimal("5.17")); None stays None (no figure, never 0)."""
    if fraction is None:
        return None
    exact = Decimal(fraction) * 100  # the float's exact value: no second rounding through its repr
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) + 0  # + 0: -0.00 -> 0.00


def fmt_signed_pct(value: Decimal) -> str:
    """+6.11%, -7.83%, 0.00%: a change written in a line of text, its sign spelled out."""
    return ("+" if value > 0 else "") + fmt_pct(value)


def direction(value: Decimal) -> str:
    return "up" if value > 0 else "down" if value < 0 else "flat"


def shade(value: Decimal) -> int:
    """How strongly a coloured table tints a change: 1 under 1%, 2 under 3%, 3 beyond."""
    size = abs(value)
    return 1 if size < 1 else 2 if size < 3 else 3
