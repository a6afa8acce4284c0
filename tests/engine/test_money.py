"""Yuan and fen: exact conversions that refuse to lose a fen, and the way pages write amounts."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from comity.engine.money import fen_to_yuan, fen_to_yuan_exact, whole_yuan_to_fen, yuan_text, yuan_to_fen


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("12", 1200), ("12.5", 1250), ("12.34", 1234), (" 0.01 ", 1), (Decimal("7.10"), 710), (3, 300)],
)
def test_yuan_to_fen_is_exact(typed: object, fen: int) -> None:
    assert yuan_to_fen(typed) == fen  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["12.345", "abc", "NaN", "Infinity", ""])
def test_yuan_to_fen_refuses_what_would_lose_a_fen(typed: str) -> None:
    with pytest.raises(ValueError, match=r"amount|decimals"):
        yuan_to_fen(typed)


def test_back_to_yuan() -> None:
    assert fen_to_yuan(1234) == Decimal("12.34")
    assert whole_yuan_to_fen(5) == 500
    assert fen_to_yuan_exact(1200) == 12
    assert isinstance(fen_to_yuan_exact(1200), int)
    assert fen_to_yuan_exact(1250) == Fraction(25, 2)
    assert fen_to_yuan_exact(Fraction(1, 3)) == Fraction(1, 300)


def test_yuan_text() -> None:
    assert yuan_text(12000) == "12,000"
    assert yuan_text(12000, always_decimals=True) == "12,000.00"
    assert yuan_text(Fraction(74079305, 100)) == "740,793.05"
    assert yuan_text(Fraction(1, 200)) == "0.01"  # half a fen rounds up
    assert yuan_text(None) == "0"
    assert yuan_text(Fraction(-1, 2)) == "-0.50"
