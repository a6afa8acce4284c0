"""``comity pb allocate FILE.pb --rule {greedy,mes,mes-add1,mes-add1-greedy,phragmen} [--json]``: which projects a rule funds.

Engine only (no database): the pabulib file is read by :mod:`comity.engine.budgeting.pabulib`, the rule is one of
:mod:`comity.engine.budgeting.rules`. The text output says, for every project, why it was or was not funded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from comity.engine.budgeting.model import Election
from comity.engine.budgeting.pabulib import PabulibError, read_pabulib
from comity.engine.budgeting.rules import (
    Allocation,
    ProjectExplanation,
    equal_shares,
    equal_shares_add1,
    greedy,
    sequential_phragmen,
)

#: ``mes-add1`` is what equalshares.net computes and what Assen 2024 and Świecie 2023 funded: MES, each voter's
#: share raised one unit at a time while the outcome fits. ``mes-add1-greedy`` then spends what is left greedily
#: by votes (it funds one more project in Assen than the city did).
RULES: dict[str, Callable[[Election], Allocation]] = {
    "greedy": greedy,
    "mes": equal_shares,
    "mes-add1": lambda election: equal_shares_add1(election, completion=None),
    "mes-add1-greedy": equal_shares_add1,
    "phragmen": sequential_phragmen,
}


def add_parser(sub: Any) -> None:
    pb = sub.add_parser("pb", help="participatory budgeting on pabulib files")
    pb_sub = pb.add_subparsers(dest="pb_command", metavar="ACTION", required=True)
    allocate = pb_sub.add_parser("allocate", help="the projects a rule funds, each with the reason")
    allocate.add_argument("path", metavar="FILE.pb")
    allocate.add_argument("--rule", required=True, choices=sorted(RULES))
    allocate.add_argument(
        "--json", action="store_true", help='print {"selected": [...], "cost": …, "rule": …}'
    )
    allocate.set_defaults(handler=allocate_command)


def _number(value: Fraction | None) -> str | None:
    if value is None:
        return None
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def explain(item: ProjectExplanation) -> str:
    """One project's fate in a sentence (English; the web pages word it in the reader's language)."""
    if item.selected:
        stage = f" ({item.stage})" if item.stage and item.stage not in ("greedy", "phragmen") else ""
        text = f"funded #{item.position}{stage}"
        if item.payment is not None and item.full_payers is not None:
            payers = item.full_payers + (item.capped_payers or 0)
            text += f": {payers} supporters paid up to {_number(item.payment)} each"
        elif item.money_left is not None:
            text += f": fitted in the {item.money_left} left"
        return text
    reasons = {
        "did-not-fit": f"not funded: it did not fit in the {item.money_left} left",
        "stopped": "not funded: the rule stopped before reaching it",
        "below-threshold": "not funded: too few votes for the threshold",
        "no-supporters": "not funded: nobody supports it",
        "supporters-short": f"not funded: its supporters had {_number(item.shortfall)} too little left",
        "over-budget": "not funded: it costs more than the whole budget",
    }
    return reasons.get(item.reason or "", "not funded")


def allocate_command(args: argparse.Namespace) -> int:
    try:
        with open(args.path, encoding="utf-8-sig") as handle:
            election = read_pabulib(handle.read(), os.path.basename(args.path))
    except OSError as error:
        print(f"Cannot read {args.path}: {error}", file=sys.stderr)
        return 1
    except PabulibError as error:
        print(f"Cannot read the pabulib file: {error}", file=sys.stderr)
        return 1
    allocation = RULES[args.rule](election)
    if args.json:
        print(
            json.dumps(
                {
                    "rule": args.rule,
                    "selected": list(allocation.selected),
                    "cost": allocation.cost,
                    "budget": allocation.budget,
                    "explanations": {pid: explain(item) for pid, item in allocation.explanations.items()},
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    print(
        f"{args.rule}: {len(allocation.selected)} projects funded, {allocation.cost} of {allocation.budget}"
    )
    names = {p.id: p.name for p in election.projects}
    order = list(allocation.selected) + [
        p.id for p in election.projects if p.id not in allocation.selected_set
    ]
    for pid in order:
        item = allocation.explanations.get(pid)
        name = f" {names[pid]}" if names.get(pid) else ""
        print(f"  {pid}{name} (cost {election.costs[pid]}): {explain(item) if item else ''}")
    return 0
