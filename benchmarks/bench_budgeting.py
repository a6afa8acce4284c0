"""Participatory budgeting: Comity's allocation rules against pabutools, on the same instances, in one run.

Two instances:

* a synthetic approval election (``../shared/reference/algorithms.md`` §3.2): 50,000 voters × 100 projects, seed 0;
  ballot length 1 + ⌊Exp(mean 5)⌋ (≈ 5.5 on average), projects drawn without replacement with popularity
  ∝ rank^−0.7; costs drawn uniformly from {10,000, 11,000, …, 200,000}; budget ⌊⅓ of the total cost⌋;
* a pabulib file, by default ``Poland_Warszawa_2026.pb`` (61,668 voters, 83 projects) from ``tests/data/pabulib``.

Rules: greedy (``greedy_utilitarian_welfare`` with ``Cost_Sat``), MES with cost satisfaction, MES + Add1 "until the
next step overspends" without completion (``exhaustion_by_budget_increase(inst, prof, method_of_equal_shares,
{"sat_class": Cost_Sat}, budget_step=n, exhaustive_stop=False)``, as the golden tests call it) and sequential
Phragmén. pabutools runs with its default exact (gmpy2) arithmetic. Each row checks that both select the same
projects (any difference stops the run with a non-zero exit) and prints both times and the ratio.

    .venv/bin/python benchmarks/bench_budgeting.py               # the full run (pabutools' Add1: about an hour)
    .venv/bin/python benchmarks/bench_budgeting.py --quick       # 5,000 × 50 synthetic only, a few minutes
    .venv/bin/python benchmarks/bench_budgeting.py --skip-slow-reference   # no pabutools Add1 on the file

pabutools' Add1 reruns MES once per one-unit step (186 runs on Warszawa 2026, 10–20 s each): ``--skip-slow-reference``
leaves it out on the pabulib file (Comity's side still runs) and prints an estimate instead, clearly labelled: the
mean time of pabutools' first and last MES run × the number of runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from comity.engine.budgeting.model import Ballot, Election, Project  # noqa: E402
from comity.engine.budgeting.pabulib import read_pabulib  # noqa: E402
from comity.engine.budgeting.rules import (  # noqa: E402
    Allocation,
    equal_shares,
    equal_shares_add1,
    greedy,
    sequential_phragmen,
)

DEFAULT_FILE = ROOT / "tests" / "data" / "pabulib" / "Poland_Warszawa_2026.pb"


def synthetic(voters: int, projects: int, seed: int = 0) -> Election:
    """The §3.2 recipe. Weighted sampling without replacement uses the Gumbel top-k trick."""
    rng = np.random.default_rng(seed)
    costs = rng.integers(10, 201, size=projects) * 1000
    weights = np.arange(1, projects + 1, dtype=float) ** -0.7
    lengths = np.minimum(1 + np.floor(rng.exponential(5.0, size=voters)).astype(int), projects)
    keys = np.log(weights)[None, :] + rng.gumbel(size=(voters, projects))
    order = np.argsort(-keys, axis=1)
    ids = [f"p{i:03d}" for i in range(projects)]
    ballots = tuple(
        Ballot(voter=str(v), approved=frozenset(ids[j] for j in order[v, : lengths[v]]))
        for v in range(voters)
    )
    return Election(
        budget=int(costs.sum()) // 3,
        projects=tuple(Project(id=ids[j], cost=int(costs[j])) for j in range(projects)),
        ballots=ballots,
    )


def to_pabutools(election: Election) -> tuple[Any, Any]:
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance
    from pabutools.election import Project as PbProject

    projects = {p.id: PbProject(p.id, p.cost) for p in election.projects}
    instance = Instance(projects.values(), budget_limit=election.budget)
    profile = ApprovalProfile(
        [ApprovalBallot([projects[p] for p in sorted(b.approved)]) for b in election.ballots]
    )
    return instance, profile


def pabutools_rules() -> dict[str, Callable[[Any, Any], Any]]:
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    return {
        "greedy": lambda inst, prof: greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat),
        "MES (cost)": lambda inst, prof: method_of_equal_shares(inst, prof, sat_class=Cost_Sat),
        "MES + Add1": lambda inst, prof: exhaustion_by_budget_increase(
            inst,
            prof,
            method_of_equal_shares,
            {"sat_class": Cost_Sat},
            budget_step=prof.num_ballots(),
            exhaustive_stop=False,
        ),
        "seq. Phragmén": lambda inst, prof: sequential_phragmen(inst, prof),
    }


COMITY: dict[str, Callable[[Election], Allocation]] = {
    "greedy": greedy,
    "MES (cost)": equal_shares,
    "MES + Add1": lambda e: equal_shares_add1(e, completion=None),
    "seq. Phragmén": sequential_phragmen,
}


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def estimate_add1(inst: Any, prof: Any, increments: int) -> float:
    """pabutools' Add1 runs MES once per step, k = 0 … increments + 1 (the last one overspends): the mean time of its
    first and last run × the number of runs."""
    from copy import deepcopy

    from pabutools.election import Cost_Sat
    from pabutools.rules import method_of_equal_shares

    times = []
    for k in (0, increments):
        scaled = deepcopy(inst)
        scaled.budget_limit = inst.budget_limit + k * prof.num_ballots()
        start = time.perf_counter()
        method_of_equal_shares(scaled, prof, sat_class=Cost_Sat)
        times.append(time.perf_counter() - start)
    return statistics.mean(times) * (increments + 2)


def compare(title: str, election: Election, inst: Any, prof: Any, *, repeat: int, skip: set[str]) -> bool:
    print(f"\n{title}")
    print(f"  {'rule':<15} {'pabutools':>11} {'Comity':>10} {'ratio':>9}   selected")
    reference = pabutools_rules()
    same = True
    for name, ours in COMITY.items():
        seconds, allocation = timed(lambda ours=ours: ours(election), repeat)
        extra = f" (k = {allocation.increments})" if allocation.increments is not None else ""
        if name in skip:
            estimate = estimate_add1(inst, prof, allocation.increments) if allocation.increments else None
            print(
                f"  {name:<15} {'skipped':>11} {seconds:>9.3f}s {'':>9}   "
                f"{len(allocation.selected)} projects{extra}"
            )
            if estimate is not None:
                print(
                    f"  {'':<15} {'≈' + format(estimate, '.0f') + 's':>11} {'':>10} "
                    f"{'≈' + format(estimate / seconds, '.0f') + '×':>9}   ESTIMATE, not measured: "
                    f"{allocation.increments + 2} MES runs × the mean of pabutools' first and last"
                )
            continue
        start = time.perf_counter()
        theirs = {p.name for p in reference[name](inst, prof)}
        their_seconds = time.perf_counter() - start
        match = theirs == allocation.selected_set
        same &= match
        print(
            f"  {name:<15} {their_seconds:>10.2f}s {seconds:>9.3f}s {their_seconds / seconds:>8.1f}×   "
            f"{len(allocation.selected)} projects{extra}, {'identical' if match else 'DIFFERENT'}",
            flush=True,
        )
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 voters × 50 projects, no pabulib file")
    parser.add_argument("--voters", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the pabulib file to compare on")
    parser.add_argument(
        "--skip-slow-reference", action="store_true", help="leave out pabutools' Add1 on the pabulib file"
    )
    parser.add_argument("--skip-synthetic", action="store_true", help="only the pabulib file")
    parser.add_argument("--repeat", type=int, default=3, help="Comity runs per rule (median)")
    args = parser.parse_args()
    voters, projects = (5_000, 50) if args.quick else (args.voters, args.projects)

    same = True
    if not args.skip_synthetic:
        election = synthetic(voters, projects)
        inst, prof = to_pabutools(election)
        same = compare(
            f"synthetic: {voters:,} voters × {projects} projects, budget {election.budget:,} "
            f"({len({b.approved for b in election.ballots}):,} distinct ballots)",
            election,
            inst,
            prof,
            repeat=args.repeat,
            skip=set(),
        )
    if not args.quick:
        from pabutools.election import parse_pabulib

        start = time.perf_counter()
        election = read_pabulib(args.file.read_text(encoding="utf-8"), args.file.name)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        inst, prof = parse_pabulib(str(args.file))
        theirs = time.perf_counter() - start
        same &= compare(
            f"{args.file.name}: {len(election.ballots):,} voters × {len(election.projects)} projects, budget "
            f"{election.budget:,} (read: pabutools {theirs:.1f} s, Comity {ours:.1f} s)",
            election,
            inst,
            prof,
            repeat=args.repeat,
            skip={"MES + Add1"} if args.skip_slow_reference else set(),
        )
    if not same:
        print("\nSELECTIONS DIFFER")
        sys.exit(1)


if __name__ == "__main__":
    main()
