"""``comity decide rules|tally`` and ``comity costs split``: decision rules and cost sharing from CSV files.

``--json`` output comes from the engine alone; the readable output is translated (``--language``), so it sets up
Django for its translations only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from comity.engine.decisions.ballot_log import GENESIS, LogEntry, find_receipt, normalise_receipt, verify
from comity.engine.decisions.costs import CostError, ShareUnit, Subsidy, split_costs
from comity.engine.decisions.files import FileError, read_ballots, read_units
from comity.engine.decisions.rules import PRESETS, Basis, Stage, UnknownRule, get_rule
from comity.engine.decisions.tally import Tally, TallyError, number, owners_from_units, percent, tally
from comity.engine.money import FEN_PER_YUAN, Fen, fen_to_yuan, yuan_to_fen


def add_parsers(sub: Any) -> None:
    decide = sub.add_parser("decide", help="decision rules and tallies (Civil Code Art. 278 and others)")
    decide_sub = decide.add_subparsers(dest="decide_command", metavar="ACTION", required=True)
    rules = decide_sub.add_parser("rules", help="list the decision rules")
    rules.add_argument("--language", default="en", choices=["en", "zh-hans"])
    rules.set_defaults(handler=rules_command)
    run = decide_sub.add_parser("tally", help="tally ballots of owners under a rule")
    run.add_argument("--rule", required=True, help="rule name (see `comity decide rules`)")
    run.add_argument(
        "--registry", required=True, metavar="UNITS.csv", help="unit,owner,area[,unsold,building,…]"
    )
    run.add_argument(
        "--ballots", required=True, metavar="BALLOTS.csv", help="owner,choice (yes, no, abstain)"
    )
    run.add_argument("--building", help="only the units of this building")
    run.add_argument("--stairwell", help="only the units of this stairwell")
    run.add_argument("--json", action="store_true", help="print the tally as JSON")
    run.add_argument("--language", default="en", choices=["en", "zh-hans"])
    run.set_defaults(handler=tally_command)

    check = decide_sub.add_parser(
        "verify-log", help="recompute the hash chain of a downloaded ballot log (decision-N-ballot-log.json)"
    )
    check.add_argument("path", metavar="FILE.json")
    check.add_argument("--receipt", help="also find the ballot of this receipt code")
    check.set_defaults(handler=verify_log_command)

    costs = sub.add_parser("costs", help="share the cost of a common investment among units")
    costs_sub = costs.add_subparsers(dest="costs_command", metavar="ACTION", required=True)
    split = costs_sub.add_parser("split", help="every unit's amount in fen, summing exactly to the total")
    split.add_argument("--total", required=True, help="the total cost in CNY (e.g. 650000 or 650000.50)")
    split.add_argument("--registry", required=True, metavar="UNITS.csv", help="unit,owner,area,floor[,…]")
    split.add_argument("--method", default="area", choices=["area", "floor-coefficient", "floor-table"])
    split.add_argument("--coefficients", help="floor=coefficient pairs, e.g. 1=0,2=0,3=0.7,4=0.8")
    split.add_argument("--table", help="floor=percent pairs summing to 100, e.g. 3=10,4=20,5=30,6=40")
    split.add_argument("--subsidy", help="share of the total paid by a subsidy, e.g. 25%%")
    split.add_argument("--cap", help="the subsidy's cap in CNY, e.g. 150000")
    split.add_argument("--compensate", help="floor=CNY per unit paid to disadvantaged floors, e.g. 1=5000")
    split.add_argument("--building", help="only the units of this building")
    split.add_argument("--stairwell", help="only the units of this stairwell")
    split.add_argument("--json", action="store_true", help="print the plan as JSON")
    split.add_argument("--language", default="en", choices=["en", "zh-hans"])
    split.set_defaults(handler=costs_command)


def _read(path: str) -> str:
    with open(path, encoding="utf-8-sig") as handle:
        return handle.read()


def _translation(language: str) -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    import django

    django.setup()
    from django.utils import translation

    return translation.override(language)


def verify_log_command(args: argparse.Namespace) -> int:
    """Exit 0 when the chain is intact (and the receipt, if given, is in it), 1 otherwise."""
    try:
        data = json.loads(_read(args.path))
        entries = [
            LogEntry(int(e["sequence"]), e["content"], str(e["previous"]), str(e["hash"]))
            for e in data["entries"]
        ]
        head = str(data.get("head", ""))
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"Cannot read the ballot log {args.path}: {error}", file=sys.stderr)
        return 1
    result = verify(entries)
    if not result.ok:
        print(
            f"BROKEN at entry #{result.first_bad}: {result.reason} ({result.checked} entries checked before it)"
        )
        return 1
    if head and entries and entries[-1].hash != head:
        print("BROKEN: the last entry is not the head the log was published with")
        return 1
    print(
        f"OK: {result.checked} entries, the chain is intact; head {entries[-1].hash if entries else GENESIS}"
    )
    if args.receipt:
        found = find_receipt(entries, normalise_receipt(args.receipt))
        if found is None:
            print("The receipt is not in this log (a secret ballot enters it when voting closes).")
            return 1
        print(
            f"The receipt is entry #{found.sequence}: {json.dumps(dict(found.content), ensure_ascii=False)}"
        )
    return 0


def rules_command(args: argparse.Namespace) -> int:
    for rule in PRESETS.values():
        title = rule.title_zh if args.language.startswith("zh") else rule.title
        print(f"{rule.name:<30} v{rule.version}  {title}")
    return 0


def _units(args: argparse.Namespace) -> list[Any]:
    units = read_units(_read(args.registry), os.path.basename(args.registry))
    if args.building:
        units = [u for u in units if u.building == args.building]
    if args.stairwell:
        units = [u for u in units if u.stairwell == args.stairwell]
    if not units:
        raise FileError("no units match the building or stairwell given")
    return units


def tally_command(args: argparse.Namespace) -> int:
    try:
        rule = get_rule(args.rule)
        voters = owners_from_units(_units(args))
        rows = read_ballots(_read(args.ballots), os.path.basename(args.ballots))
        in_scope = {name for v in voters for name in (v.key, *v.aliases)}
        for owner, _choice, line in rows:
            if (args.building or args.stairwell) and owner not in in_scope:
                raise TallyError(f"{os.path.basename(args.ballots)}, line {line}: {owner!r} has no unit here")
        outcome = _tally_with_lines(rule, voters, rows, os.path.basename(args.ballots))
    except UnknownRule:
        print(f"Unknown rule {args.rule!r}; see `comity decide rules`.", file=sys.stderr)
        return 2
    except (OSError, FileError, TallyError) as error:
        print(f"Cannot tally: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(describe(outcome, args.language))
    return 0


def _tally_with_lines(rule: Any, voters: Any, rows: list[tuple[str, str, int]], name: str) -> Tally:
    """Tally, naming the ballot file's line when a ballot is refused."""
    try:
        return tally(rule, voters, [(owner, choice) for owner, choice, _line in rows])
    except TallyError as error:
        if error.index is None:
            raise
        raise TallyError(f"{name}, line {rows[error.index][2]}: {error}") from error


def describe(outcome: Tally, language: str) -> str:
    with _translation(language):
        from django.utils.translation import gettext as _

        stage_words = {Stage.PARTICIPATION: _("participation"), Stage.APPROVAL: _("approval")}
        basis_words = {
            Basis.AREA: _("by area"),
            Basis.HEADCOUNT: _("by owners"),
            Basis.HOUSEHOLD: _("by households"),
        }
        rule = outcome.rule
        lines = [rule.title_zh if language.startswith("zh") else rule.title]
        lines.append(
            _("%(voters)d eligible, %(ballots)d ballots")
            % {"voters": outcome.voters, "ballots": outcome.ballots}
        )
        for result in outcome.results:
            t = result.threshold
            lines.append(
                "  "
                + _(
                    "%(stage)s %(basis)s: %(share)s %(symbol)s %(required)s %(mark)s (%(value)s of %(total)s)"
                )
                % {
                    "stage": stage_words[t.stage],
                    "basis": basis_words[t.basis],
                    "share": percent(result.share),
                    "symbol": t.symbol,
                    "required": percent(t.fraction),
                    "mark": "✓" if result.passed else "✗",
                    "value": number(result.value),
                    "total": number(result.total),
                }
            )
        if outcome.affected is not None:
            lines.append(
                "  "
                + _("consent of the affected owners: %(yes)d of %(all)d %(mark)s")
                % {
                    "yes": len(outcome.affected.consenting),
                    "all": len(outcome.affected.affected),
                    "mark": "✓" if outcome.affected.passed else "✗",
                }
            )
        for need in outcome.shortfalls:
            words = {"stage": stage_words[need.threshold.stage], "basis": basis_words[need.threshold.basis]}
            if not need.attainable:
                lines.append("  " + _("%(stage)s %(basis)s cannot be reached any more") % words)
            elif need.threshold.basis == Basis.AREA:
                lines.append(
                    "  "
                    + _("%(stage)s %(basis)s needs more than %(more)s m² more voting yes")
                    % {**words, "more": number(need.more)}
                    if need.strict
                    else "  "
                    + _("%(stage)s %(basis)s needs %(more)s m² more voting yes")
                    % {**words, "more": number(need.more)}
                )
            else:
                lines.append(
                    "  "
                    + _("%(stage)s %(basis)s needs %(more)s more voting yes")
                    % {**words, "more": number(need.more)}
                )
        lines.append(_("Passed.") if outcome.passed else _("Not passed."))
        return "\n".join(lines)


def _cny_to_fen(text: str, name: str) -> Fen:
    try:
        return yuan_to_fen(text.replace(",", "").strip())
    except ValueError as error:
        reason = "has more than two decimals" if "decimals" in str(error) else "is not an amount in CNY"
        raise CostError(f"{name} {text!r} {reason}") from error


def _pairs(text: str | None, name: str, scale: Fraction = Fraction(1)) -> dict[int, Fraction] | None:
    if not text:
        return None
    out: dict[int, Fraction] = {}
    for part in text.split(","):
        try:
            floor, value = part.split("=")
            out[int(floor)] = Fraction(Decimal(value.strip().rstrip("%"))) * scale
        except (ValueError, InvalidOperation) as error:
            raise CostError(f"{name}: {part!r} is not floor=value") from error
    return out


def costs_command(args: argparse.Namespace) -> int:
    try:
        units = _units(args)
        missing = [u.unit for u in units if u.floor is None]
        if missing:
            raise FileError(
                f"{os.path.basename(args.registry)}: floor is needed for every unit ({missing[0]})"
            )
        share_units = [ShareUnit(u.unit, u.floor or 0, u.area) for u in units]
        subsidy = None
        if args.subsidy:
            cap = _cny_to_fen(args.cap, "--cap") if args.cap else None
            subsidy = Subsidy(Fraction(Decimal(args.subsidy.rstrip("%"))) / 100, cap)
        compensation = _pairs(args.compensate, "--compensate")
        plan = split_costs(
            _cny_to_fen(args.total, "--total"),
            share_units,
            method=args.method,
            coefficients=_pairs(args.coefficients, "--coefficients"),
            floor_table=_pairs(args.table, "--table", Fraction(1, 100)),
            subsidy=subsidy,
            compensation_fen={f: Fen(int(v * FEN_PER_YUAN)) for f, v in compensation.items()}
            if compensation
            else None,
        )
    except (OSError, FileError, CostError, InvalidOperation) as error:
        print(f"Cannot share the cost: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(plan.to_dict(), ensure_ascii=False, indent=1))
        return 0
    with _translation(args.language):
        from django.utils.translation import gettext as _

        print(
            _("Total %(total)s CNY, subsidy %(subsidy)s, paid by the owners %(owners)s")
            % {
                "total": f"{fen_to_yuan(plan.total_fen):,.2f}",
                "subsidy": f"{fen_to_yuan(plan.subsidy_fen):,.2f}",
                "owners": f"{fen_to_yuan(plan.owners_fen):,.2f}",
            }
        )
        for share in plan.shares:
            amount = f"{fen_to_yuan(share.amount_fen):,.2f}"
            line = _("%(unit)s, floor %(floor)d: %(amount)s")
            print("  " + line % {"unit": share.unit, "floor": share.floor, "amount": amount})
    return 0
