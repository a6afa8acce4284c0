"""Money and shares on the fund and budget pages."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import template

from comity.budgeting.wording import fen_amount_text, fen_text
from comity.engine.money import yuan_text

register = template.Library()


@register.filter
def fen(value: Any) -> str:
    """An amount in fen as yuan with two decimals: ``123456`` → ``1,234.56``."""
    return fen_text(int(value or 0))


@register.filter
def yuan(value: Any) -> str:
    """An amount in yuan (a whole number or a decimal) with thousands separators, with two decimals only when it
    has fen: ``12000`` → ``12,000``, ``Decimal("740793.05")`` → ``740,793.05``."""
    return yuan_text(Fraction(value or 0))


@register.filter
def fen_yuan(value: Any) -> str:
    """An amount in fen written as :func:`yuan` writes yuan: ``1200000`` → ``12,000``, ``1250`` → ``12.50``."""
    return fen_amount_text(int(value or 0))


@register.filter
def plain_yuan(value: Any) -> str:
    """An amount in yuan for a data attribute: no separators, decimals only when it has fen (``100``, ``12.50``)."""
    return yuan_text(Fraction(value or 0)).replace(",", "")


@register.filter
def share(value: Any) -> str:
    """A fraction of 1 as a percentage with one decimal."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def width(value: Any, top: Any = 1) -> str:
    """A CSS width in percent of ``value`` against ``top`` (clamped to 0–100)."""
    try:
        ratio = float(value or 0) / float(top or 1)
    except (TypeError, ValueError, ZeroDivisionError):
        return "0"
    return f"{max(0.0, min(1.0, ratio)) * 100:.1f}"


@register.filter
def number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.{int(digits)}f}"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None
