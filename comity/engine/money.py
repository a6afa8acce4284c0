"""Money: amounts are stored and computed in fen (1 yuan = 100 fen), exactly; yuan exist only where people type
and read them.

``Fen`` is a named integer so that a signature says which unit it takes (``budget_fen: Fen``); the conversions
below are the only places a factor of 100 appears, and they refuse what would lose a fen rather than round it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import NewType

Fen = NewType("Fen", int)

#: Fen in one yuan.
FEN_PER_YUAN = 100


def yuan_to_fen(yuan: Decimal | int | str) -> Fen:
    """An amount in yuan (at most two decimals) in fen; ``ValueError`` for more decimals or for a non-number."""
    try:
        amount = Decimal(str(yuan).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{yuan!r} is not an amount") from exc
    if not amount.is_finite():
        raise ValueError(f"{yuan!r} is not an amount")
    scaled = amount * FEN_PER_YUAN
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{yuan!r} has more than two decimals")
    return Fen(int(scaled))


def whole_yuan_to_fen(yuan: int) -> Fen:
    """A whole number of yuan (a cap, a limit typed in yuan) in fen."""
    return Fen(yuan * FEN_PER_YUAN)


def fen_to_yuan(fen: int) -> Decimal:
    """Fen as a ``Decimal`` number of yuan with two places (``1234`` → ``Decimal("12.34")``)."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def fen_to_yuan_exact(value: int | Fraction) -> int | Fraction:
    """An amount in fen (possibly a fraction of a fen, as the engine's payments are) in yuan, of the same kind: an
    integer stays an integer when it is whole yuan, otherwise it becomes an exact fraction."""
    amount = Fraction(value) / FEN_PER_YUAN
    if isinstance(value, int) and amount.denominator == 1:
        return amount.numerator
    return amount


def yuan_text(yuan: int | Fraction | Decimal | str | None, *, always_decimals: bool = False) -> str:
    """Yuan as pages write them, rounded half up to the fen: ``12,000`` for whole yuan (``12,000.00`` with
    ``always_decimals``), else ``740,793.05``."""
    amount = Fraction(yuan or 0)
    if amount.denominator == 1 and not always_decimals:
        return f"{amount.numerator:,}"
    fen = (amount * FEN_PER_YUAN + Fraction(1, 2)).__floor__()
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // FEN_PER_YUAN:,}.{fen % FEN_PER_YUAN:02d}"
