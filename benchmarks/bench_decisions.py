"""Decisions at scale: tallying a 10,000-household estate and a 1,000-community street.

Times the engine's tally (Civil Code Art. 278, exact fractions) from registry rows and ballots held in memory:
one estate of 10,000 units (one in ten held by an owner of another unit; 300 units unsold), and a street of 1,000
communities of 2,000 units each, tallied community by community, plus per-stairwell elevator tallies in the
estate. There is no reference library for Civil Code tallies; the benchmark checks its own figures against a
plain recount and prints the times.

    .venv/bin/python benchmarks/bench_decisions.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from comity.engine.decisions.rules import get_rule  # noqa: E402
from comity.engine.decisions.tally import Unit, owners_from_units, tally  # noqa: E402


def estate(rng: random.Random, units: int, prefix: str = "") -> list[Unit]:
    rows = []
    for i in range(units):
        unsold = i < units * 0.03
        # Most units have an owner of their own; one in ten belongs to someone who already holds another.
        holder = i if i == 0 or rng.random() < 0.9 else rng.randrange(i)
        owner = "developer" if unsold else f"{prefix}o{holder}"
        area = Fraction(rng.randrange(4500, 14500), 100)  # 45.00–144.99 m², exact
        rows.append(
            Unit(
                f"{prefix}u{i}", owner, area, unsold=unsold, stairwell=f"{prefix}s{i // 24}", floor=1 + i % 6
            )
        )
    return rows


def ballots_for(rng: random.Random, voters: list, turnout: float) -> list[tuple[str, str]]:
    return [
        (v.key, rng.choices(["yes", "no", "abstain"], weights=[6, 3, 1])[0])
        for v in voters
        if rng.random() < turnout
    ]


def timed(function, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    rng = random.Random(2026)
    rule = get_rule("civil-code-278-ordinary")
    units = estate(rng, 10_000)
    seconds, voters = timed(lambda: owners_from_units(units))
    ballots = ballots_for(rng, voters, 0.75)
    print(f"estate: {len(units):,} units, {len(voters):,} owners, {len(ballots):,} ballots")
    print(f"  owners from the registry (SPC counting)        {seconds * 1000:8.1f} ms")
    seconds, outcome = timed(lambda: tally(rule, voters, ballots))
    yes_area = sum((v.area for v in voters if dict(ballots).get(v.key) == "yes"), Fraction(0))
    assert outcome.totals[next(iter(outcome.totals))].eligible > 0
    assert any(t.yes == yes_area for t in outcome.totals.values())  # the recount agrees
    print(
        f"  tally, Art. 278 ordinary, both bases           {seconds * 1000:8.1f} ms   passed: {outcome.passed}"
    )
    stairwells: dict[str, list[Unit]] = {}
    for unit in units:
        stairwells.setdefault(unit.stairwell, []).append(unit)
    retrofit = get_rule("civil-code-278-major")

    def every_stairwell() -> int:
        passed = 0
        for rows in stairwells.values():
            local = owners_from_units(rows)
            passed += tally(retrofit, local, ballots_for(rng, local, 0.85)).passed
        return passed

    seconds, passed = timed(every_stairwell)
    print(
        f"  {len(stairwells)} stairwell tallies (Art. 278 major)         {seconds * 1000:8.1f} ms   {passed} pass"
    )

    street = [estate(rng, 2_000, prefix=f"c{c}-") for c in range(1_000)]

    def whole_street() -> int:
        passed = 0
        for rows in street:
            local = owners_from_units(rows)
            passed += tally(rule, local, ballots_for(rng, local, 0.7)).passed
        return passed

    seconds, passed = timed(whole_street, repeat=1)
    print(f"street: 1,000 communities × 2,000 units = {sum(len(r) for r in street):,} units")
    print(f"  1,000 community tallies (registry → owners → tally)   {seconds:6.2f} s   {passed} pass")


if __name__ == "__main__":
    main()
