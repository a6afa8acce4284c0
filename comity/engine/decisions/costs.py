"""Sharing the cost of a common investment (an elevator, a roof) among units, in fen, summing exactly.

Methods:

* ``area`` — by exclusive area, the Civil Code Art. 283 default when owners agreed nothing else;
* ``floor-coefficient`` — floor coefficient × area (Guangzhou style: floors 1–2 pay 0, 3F 0.7 … 6F 1.0 …,
  +0.1 a floor);
* ``floor-table`` — a percentage of the cost per floor (Shanghai Xinmin Village, 6 floors: 0, 0, 10, 20, 30,
  40 %), split among the units of a floor by area.

A **subsidy** (a share of the total, capped — e.g. Zhengzhou pays 25 % up to CNY 150,000 a lift) is deducted
first. **Compensation** paid to disadvantaged floors (light, noise, a ground-floor entrance) is added to what the
paying units share and paid out as negative amounts, so every unit's amount is known and the amounts sum to the
owners' share exactly. Rounding to fen uses the largest-remainder method with ties to the lower unit id in
registry order, so the result is deterministic and nobody pays a fen more than their exact share rounded up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from comity.engine.money import Fen

#: No fen: the default of an amount nobody is paid.
NO_FEN = Fen(0)


class CostError(ValueError):
    """A plan that cannot be computed: no payer, a negative total, percentages that do not add up."""


@dataclass(frozen=True)
class ShareUnit:
    unit: str
    floor: int
    area: Fraction


@dataclass(frozen=True)
class Subsidy:
    share: Fraction
    cap_fen: Fen | None = None

    def amount(self, total_fen: Fen) -> Fen:
        exact = Fen(int(total_fen * self.share))  # rounds down: the subsidy never exceeds its share
        return min(exact, self.cap_fen) if self.cap_fen is not None else exact


@dataclass(frozen=True)
class Share:
    unit: str
    floor: int
    weight: Fraction
    amount_fen: Fen
    compensation_fen: Fen = NO_FEN


@dataclass(frozen=True)
class CostPlan:
    method: str
    total_fen: Fen
    subsidy_fen: Fen
    compensation_fen: Fen
    shares: tuple[Share, ...] = field(default_factory=tuple)

    @property
    def owners_fen(self) -> Fen:
        return Fen(self.total_fen - self.subsidy_fen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "total_fen": self.total_fen,
            "subsidy_fen": self.subsidy_fen,
            "owners_fen": self.owners_fen,
            "compensation_fen": self.compensation_fen,
            "shares": [
                {
                    "unit": s.unit,
                    "floor": s.floor,
                    "weight": str(s.weight),
                    "amount_fen": s.amount_fen,
                    "compensation_fen": s.compensation_fen,
                }
                for s in self.shares
            ],
        }


def allocate(total: int, weights: Sequence[Fraction]) -> list[int]:
    """Split ``total`` fen in proportion to ``weights``: largest remainders, ties to the earlier index."""
    whole = sum(weights, Fraction(0))
    if total and whole <= 0:
        raise CostError("nobody to share the cost among")
    if not total:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    floors = [int(e.numerator // e.denominator) for e in exact]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


GUANGZHOU_COEFFICIENTS = {
    1: Fraction(0),
    2: Fraction(0),
    3: Fraction(7, 10),
    4: Fraction(8, 10),
    5: Fraction(9, 10),
}


def coefficient(floor: int, table: Mapping[int, Fraction] | None) -> Fraction:
    """The floor's coefficient from ``table``; without one, the Guangzhou-style default (6F = 1.0, +0.1 a floor)."""
    if table is not None:
        if floor not in table:
            raise CostError(f"no coefficient for floor {floor}")
        return table[floor]
    return GUANGZHOU_COEFFICIENTS.get(floor, Fraction(floor - 6, 10) + 1 if floor >= 6 else Fraction(0))


def split_costs(
    total_fen: Fen,
    units: Sequence[ShareUnit],
    *,
    method: str = "area",
    coefficients: Mapping[int, Fraction] | None = None,
    floor_table: Mapping[int, Fraction] | None = None,
    subsidy: Subsidy | None = None,
    compensation_fen: Mapping[int, Fen] | None = None,
) -> CostPlan:
    """Every unit's amount in fen; the amounts (compensation negative) sum to ``total_fen`` minus the subsidy."""
    if total_fen < 0:
        raise CostError("the total cannot be negative")
    if not units:
        raise CostError("no units to share the cost among")
    subsidy_fen = subsidy.amount(total_fen) if subsidy else Fen(0)
    owners_fen = total_fen - subsidy_fen
    compensation = compensation_fen or {}
    if any(v < 0 for v in compensation.values()):
        raise CostError("compensation cannot be negative")
    paid_out = {u.unit: compensation.get(u.floor, Fen(0)) for u in units}
    to_share = owners_fen + sum(paid_out.values())
    if method == "area":
        weights = [u.area for u in units]
    elif method == "floor-coefficient":
        weights = [coefficient(u.floor, coefficients) * u.area for u in units]
    elif method == "floor-table":
        if floor_table is None:
            raise CostError("the floor-table method needs a percentage per floor")
        if sum(floor_table.values(), Fraction(0)) != 1:
            raise CostError("the floor percentages must add up to 100%")
        floor_area: dict[int, Fraction] = {}
        for u in units:
            floor_area[u.floor] = floor_area.get(u.floor, Fraction(0)) + u.area
        missing = [f for f, share in floor_table.items() if share and f not in floor_area]
        if missing:
            raise CostError(f"no units on floor(s) {', '.join(map(str, sorted(missing)))} to pay their share")
        weights = [
            floor_table.get(u.floor, Fraction(0)) * u.area / floor_area[u.floor]
            if floor_area[u.floor]
            else Fraction(0)
            for u in units
        ]
    else:
        raise CostError(f"unknown method {method!r}: area, floor-coefficient or floor-table")
    amounts = allocate(to_share, weights)
    shares = tuple(
        Share(
            unit=u.unit,
            floor=u.floor,
            weight=w,
            amount_fen=Fen(amount - paid_out[u.unit]),
            compensation_fen=paid_out[u.unit],
        )
        for u, w, amount in zip(units, weights, amounts, strict=True)
    )
    return CostPlan(
        method=method,
        total_fen=total_fen,
        subsidy_fen=subsidy_fen,
        compensation_fen=Fen(sum(paid_out.values())),
        shares=shares,
    )
