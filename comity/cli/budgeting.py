"""Participatory budgeting on pabulib files, engine only (no database):

* ``comity pb allocate FILE.pb --rule {greedy,mes,mes-add1,mes-add1-greedy,phragmen,official} [--json]``: which
  projects a rule funds, and for every project why it was or was not funded. ``official`` is the rule the file's
  META ``rule`` names (:func:`comity.engine.budgeting.balance.official_rule`).
* ``comity pb compare FILE.pb [--group-by VOTER_COLUMN] [--json]``: the balance report, every rule side by side
  (:func:`comity.engine.budgeting.balance.compare`), per group of voters with ``--group-by`` (a VOTES column such as
  ``sex``, ``voting_method`` or ``neighborhood``).

Amounts are printed in the file's currency units with its decimals (a file with grosze prints ``740,793.05``); in
JSON they are numbers in currency units (whole numbers stay integers).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from comity.engine.budgeting.balance import (
    BalanceReport,
    Comparison,
    GroupBalance,
    ProportionalityCheck,
    compare,
    official_rule,
)
from comity.engine.budgeting.model import Election, money_text
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
    allocate.add_argument(
        "--rule",
        required=True,
        choices=[*sorted(RULES), "official"],
        help="official: the rule named by the file's META (greedy, greedy-no-skip, greedy-threshold, equal shares)",
    )
    allocate.add_argument(
        "--json", action="store_true", help='print {"selected": [...], "cost": …, "rule": …}'
    )
    allocate.set_defaults(handler=allocate_command)
    comp = pb_sub.add_parser(
        "compare", help="every rule side by side: satisfaction, fairness, proportionality"
    )
    comp.add_argument("path", metavar="FILE.pb")
    comp.add_argument(
        "--group-by",
        metavar="VOTER_COLUMN",
        help="a VOTES column (sex, voting_method, neighborhood, …): how each group of voters fares",
    )
    comp.add_argument("--json", action="store_true", help="print the report as JSON")
    comp.set_defaults(handler=compare_command)


def _number(value: Fraction | None, unit: int = 1) -> str | None:
    if value is None:
        return None
    value = value / unit
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def _amount(value: int | Fraction, unit: int) -> int | float:
    """An amount for JSON, in currency units: an integer when whole, else the nearest float."""
    exact = Fraction(value) / unit
    return int(exact) if exact.denominator == 1 else float(exact)


def explain(item: ProjectExplanation, unit: int = 1) -> str:
    """One project's fate in a sentence (English; the web pages word it in the reader's language). Amounts are in
    ``1 / unit`` of the currency, as the election's."""
    left = None if item.money_left is None else money_text(item.money_left, unit)
    if item.selected:
        stage = f" ({item.stage})" if item.stage and item.stage not in ("greedy", "phragmen") else ""
        text = f"funded #{item.position}{stage}"
        if item.payment is not None and item.full_payers is not None:
            payers = item.full_payers + (item.capped_payers or 0)
            text += f": {payers} supporters paid up to {_number(item.payment, unit)} each"
        elif item.money_left is not None:
            text += f": fitted in the {left} left"
        return text
    reasons = {
        "did-not-fit": f"not funded: it did not fit in the {left} left",
        "stopped": "not funded: the rule stopped before reaching it",
        "below-threshold": "not funded: too few votes for the threshold",
        "no-supporters": "not funded: nobody supports it",
        "supporters-short": f"not funded: its supporters had {_number(item.shortfall, unit)} too little left",
        "over-budget": "not funded: it costs more than the whole budget",
    }
    return reasons.get(item.reason or "", "not funded")


def _read(path: str) -> Election | None:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return read_pabulib(handle.read(), os.path.basename(path))
    except OSError as error:
        print(f"Cannot read {path}: {error}", file=sys.stderr)
    except PabulibError as error:
        print(f"Cannot read the pabulib file: {error}", file=sys.stderr)
    return None


def allocate_command(args: argparse.Namespace) -> int:
    election = _read(args.path)
    if election is None:
        return 1
    rule = args.rule
    if rule == "official":
        try:
            spec = official_rule(election)
        except ValueError as error:
            print(f"No official rule: {error}", file=sys.stderr)
            return 1
        allocation = spec.allocate(election)
        rule = spec.label
        title = f"official rule {rule} (META rule {election.meta.get('rule')})"
    else:
        allocation = RULES[rule](election)
        title = rule
    unit = election.unit
    if args.json:
        print(
            json.dumps(
                {
                    "rule": rule,
                    "selected": list(allocation.selected),
                    "cost": _amount(allocation.cost, unit),
                    "budget": _amount(allocation.budget, unit),
                    "explanations": {
                        pid: explain(item, unit) for pid, item in allocation.explanations.items()
                    },
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    print(
        f"{title}: {len(allocation.selected)} projects funded, "
        f"{money_text(allocation.cost, unit)} of {money_text(allocation.budget, unit)}"
    )
    names = {p.id: p.name for p in election.projects}
    order = list(allocation.selected) + [
        p.id for p in election.projects if p.id not in allocation.selected_set
    ]
    for pid in order:
        item = allocation.explanations.get(pid)
        name = f" {names[pid]}" if names.get(pid) else ""
        cost = money_text(election.costs[pid], unit)
        print(f"  {pid}{name} (cost {cost}): {explain(item, unit) if item else ''}")
    return 0


# ----------------------------------------------------------------------------------------------------------------
# comity pb compare


def _money(value: int | Fraction, unit: int = 1) -> str:
    """An amount with thousands separators: whole currency units for a whole-unit file, else with its decimals."""
    if unit == 1:
        return f"{round(value):,}"
    whole, _, part = money_text(value, unit).partition(".")
    return f"{int(whole):,}.{part}" if not whole.startswith("-") else f"-{int(whole[1:]):,}.{part}"


def _percent(value: Fraction | None) -> str:
    return "-" if value is None else f"{float(value) * 100:.1f}%"


def _axiom(check: ProportionalityCheck | None) -> str:
    if check is None:
        return "too large to check"
    return "yes" if check.satisfied else "VIOLATED"


def _table(rows: list[list[str]]) -> list[str]:
    """Align the cells in columns (the first left, the others right); a one-cell row is a heading, printed as is."""
    cells = [row for row in rows if len(row) > 1]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = []
    for row in rows:
        if len(row) == 1:
            lines.append(row[0])
            continue
        aligned = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(aligned).rstrip())
    return lines


def _group_rows(comparison: Comparison, group_by: str, unit: int) -> list[list[str]]:
    labels = comparison.rules
    by_rule: dict[str, dict[str, GroupBalance]] = {
        label: {g.group: g for g in comparison.reports[label].groups} for label in labels
    }
    names = sorted({name for groups in by_rule.values() for name in groups})
    rows: list[list[str]] = [
        [""],
        [f"By {group_by} (spent on them: each funded project's cost shared equally among its supporters)"],
    ]
    for name in names:
        first = next(by_rule[label][name] for label in labels if name in by_rule[label])
        fair = _money(first.fair_share, unit)
        rows.append([f"{name}: {first.voters} voters, fair share of the budget {fair}"])
        cells = [by_rule[label].get(name) for label in labels]
        rows.append(["  with >=1 funded"] + [_percent(g.non_empty_share) if g else "-" for g in cells])
        rows.append(
            ["  avg satisfaction"] + [_money(g.average_satisfaction, unit) if g else "-" for g in cells]
        )
        rows.append(["  spent on them"] + [_money(g.attributed_spending, unit) if g else "-" for g in cells])
        rows.append(["  vs fair share"] + [_percent(g.fair_share_ratio) if g else "-" for g in cells])
    return rows


def _print_comparison(election: Election, comparison: Comparison, group_by: str | None) -> None:
    labels = comparison.rules
    reports = comparison.reports
    unit = election.unit

    def money(value: int | Fraction) -> str:
        return _money(value, unit)

    print(
        f"{len(election.ballots)} voters, {len(election.projects)} projects, budget {money(election.budget)}"
    )
    if comparison.official:
        print(f"Official rule (*): {comparison.official} (META rule {election.meta.get('rule')})")
    else:
        print(f"Official rule: none ({comparison.official_error})")
    header = ["rule"] + [label + ("*" if label == comparison.official else "") for label in labels]
    rows = [
        ["funded projects"] + [str(len(reports[label].selected)) for label in labels],
        ["cost"] + [money(reports[label].cost) for label in labels],
        ["total satisfaction"] + [money(reports[label].total_satisfaction) for label in labels],
        ["avg satisfaction"] + [money(reports[label].average_satisfaction) for label in labels],
        ["with >=1 funded"] + [_percent(reports[label].non_empty_share) for label in labels],
        ["Gini of satisfaction"] + [f"{float(reports[label].gini):.3f}" for label in labels],
        ["EJR up to one"] + [_axiom(comparison.ejr[label]) for label in labels],
        ["PJR"] + [_axiom(comparison.pjr[label]) for label in labels],
    ]
    if group_by:
        rows += _group_rows(comparison, group_by, unit)
    print()
    for line in _table([header, *rows]):
        print(line)
    print()
    names = {p.id: p.name for p in election.projects}

    def listed(ids: tuple[str, ...]) -> str:
        if not ids:
            return " nothing"
        items = [f"{p} {_short(names[p])}".rstrip() for p in ids]
        return "".join(f"\n    {item}" for item in items)

    for difference in comparison.differences:
        if difference.identical:
            print(f"{difference.other} funds the same projects as {difference.baseline}")
            continue
        print(f"{difference.baseline} vs {difference.other}:")
        print(f"  only {difference.baseline}:{listed(difference.only_baseline)}")
        print(f"  only {difference.other}:{listed(difference.only_other)}")
    for label in labels:
        for name, check in (("EJR up to one", comparison.ejr[label]), ("PJR", comparison.pjr[label])):
            if check is None or check.witness is None:
                continue
            w = check.witness
            got = (
                f"the best served of them gets {money(w.received)}"
                if check.axiom == "ejr"
                else f"the funded projects any of them supports cost {money(w.received)}"
            )
            slack = f" (+{money(w.allowance)} for one unfunded project)" if w.allowance else ""
            print(
                f"{label} violates {name}: {len(w.voters)} voters all support {', '.join(w.projects)}, "
                f"cost {money(w.cost)}, which {w.required_voters} voters' shares of the budget could pay for; "
                f"{got}{slack}, less than {money(w.deserved)}"
            )


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _check_json(check: ProportionalityCheck | None, unit: int) -> dict[str, Any] | None:
    if check is None:
        return None
    witness = check.witness
    return {
        "satisfied": check.satisfied,
        "up_to": check.up_to,
        "witness": None
        if witness is None
        else {
            "projects": list(witness.projects),
            "voters": list(witness.voters),
            "cost": _amount(witness.cost, unit),
            "required_voters": witness.required_voters,
            "deserved": _amount(witness.deserved, unit),
            "received": _amount(witness.received, unit),
            "allowance": _amount(witness.allowance, unit),
        },
    }


def _report_json(report: BalanceReport, unit: int) -> dict[str, Any]:
    return {
        "selected": list(report.selected),
        "cost": _amount(report.cost, unit),
        "total_satisfaction": _amount(report.total_satisfaction, unit),
        "average_satisfaction": float(report.average_satisfaction / unit),
        "average_cardinality": float(report.average_cardinality),
        "non_empty_share": float(report.non_empty_share),
        "gini": float(report.gini),
        "groups": [
            {
                "group": g.group,
                "voters": g.voters,
                "non_empty_share": float(g.non_empty_share),
                "average_satisfaction": float(g.average_satisfaction / unit),
                "average_cardinality": float(g.average_cardinality),
                "supported_spending": _amount(g.supported_spending, unit),
                "attributed_spending": float(g.attributed_spending / unit),
                "fair_share": float(g.fair_share / unit),
                "fair_share_ratio": _float(g.fair_share_ratio),
            }
            for g in report.groups
        ],
    }


def compare_command(args: argparse.Namespace) -> int:
    election = _read(args.path)
    if election is None:
        return 1
    group_by: str | None = args.group_by
    if group_by is not None:
        columns = sorted({key for b in election.ballots for key in b.meta})
        if group_by not in columns:
            available = ", ".join(columns) or "none"
            print(f"No voter has a {group_by!r} column (VOTES columns: {available})", file=sys.stderr)
            return 1
    column = group_by
    comparison = compare(
        election,
        group_of=(lambda b: b.meta.get(column)) if column is not None else None,
    )
    if args.json:
        print(
            json.dumps(
                {
                    "budget": _amount(election.budget, election.unit),
                    "voters": len(election.ballots),
                    "official": comparison.official,
                    "official_error": comparison.official_error,
                    "baseline": comparison.baseline,
                    "rules": list(comparison.rules),
                    "reports": {
                        label: _report_json(comparison.reports[label], election.unit)
                        for label in comparison.rules
                    },
                    "ejr": {
                        label: _check_json(comparison.ejr[label], election.unit) for label in comparison.rules
                    },
                    "pjr": {
                        label: _check_json(comparison.pjr[label], election.unit) for label in comparison.rules
                    },
                    "differences": [
                        {
                            "baseline": d.baseline,
                            "other": d.other,
                            "only_baseline": list(d.only_baseline),
                            "only_other": list(d.only_other),
                        }
                        for d in comparison.differences
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    _print_comparison(election, comparison, group_by)
    return 0
