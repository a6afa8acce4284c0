"""Money and shares on the fund and budget pages."""

from __future__ import annotations

from typing import Any

from django import template

from comity.budgeting.computing import fen_text

register = template.Library()


@register.filter
def fen(value: Any) -> str:
    """An amount in fen as yuan with two decimals: ``123456`` → ``1,234.56``."""
    return fen_text(int(value or 0))


@register.filter
def yuan(value: Any) -> str:
    """Whole yuan with thousands separators."""
    return f"{int(value or 0):,}"


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
