"""The one adapter between the decisions' rows and the engine (:mod:`comity.engine.decisions`): counting a
decision and computing its cost-sharing plan. The count as pages, the API and the CLI read it, typed and in the
reader's language, is :mod:`comity.decisions.results`.

The register (:class:`~comity.decisions.models.Elector`) gives the engine its voters, the counted ballots its
ballots. An open ballot names its elector; a secret ballot does not, so each counted secret ballot stands for one
anonymous voter carrying the weight stored with it, in place of the electors who took part (the totals are the
same, the link is not kept). While a secret vote is open only participation is shown: running results would let
someone watching the page match a choice to the voter who just voted.

Every count is turned into the engine's JSON form (``to_dict``), which is what a closed decision stores, so the
page renders a live count and a published result with the same code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from comity.decisions.models import (
    Ballot,
    BallotKind,
    CostPlan,
    Decision,
    DecisionOption,
    Elector,
    Participation,
)
from comity.decisions.register import units_in_scope
from comity.engine.decisions.costs import CostError, ShareUnit, Subsidy, split_costs
from comity.engine.decisions.options import tally_approval, tally_ranked
from comity.engine.decisions.rules import DecisionRule, get_rule
from comity.engine.decisions.tally import Choice, Voter, tally
from comity.engine.money import Fen
from comity.foundation.caching import community_key

SECRET_PREFIX = "ballot:"


def rule_of(decision: Decision) -> DecisionRule:
    return get_rule(decision.rule_name)


@dataclass(frozen=True)
class _Ballot:
    elector_id: int | None
    choice: str
    selection: list[Any]
    area: Decimal
    receipt_hash: str


def count(decision: Decision, *, extra: dict[str, str] | None = None) -> dict[str, Any]:
    """The decision's tally as the engine's dict, with ``"kind"`` and, while a secret vote runs, ``"hidden"``.

    ``extra`` maps elector keys of people who have not voted to a hypothetical choice (the staff simulator).
    Rows are read as tuples, not model instances: an estate has thousands of electors and ballots.
    """
    electors = list(
        Elector.objects.filter(decision=decision).values_list("pk", "key", "pseudonym", "area", "affected")
    )
    key_of = {pk: key for pk, key, _pseudonym, _area, _affected in electors}
    ballots = [
        _Ballot(*row)
        for row in Ballot.objects.filter(decision=decision, counted=True).values_list(
            "participation__elector_id", "choice", "selection", "area", "receipt_hash"
        )
    ]
    hidden = decision.secret and decision.status != "closed"
    rule = rule_of(decision)
    if decision.secret:
        voted_ids = set(
            Participation.objects.filter(decision=decision, counted=True).values_list("elector_id", flat=True)
        )
        voters = [
            Voter(key=key, area=Fraction(area), affected=affected)
            for pk, key, _pseudonym, area, affected in electors
            if pk not in voted_ids
        ]
        voters += [Voter(key=f"{SECRET_PREFIX}{b.receipt_hash}", area=Fraction(b.area)) for b in ballots]
        pairs = [(f"{SECRET_PREFIX}{b.receipt_hash}", b) for b in ballots]
    else:
        voters = [
            Voter(key=key, area=Fraction(area), affected=affected)
            for _pk, key, _pseudonym, area, affected in electors
        ]
        pairs = [(key_of[b.elector_id], b) for b in ballots if b.elector_id is not None]
    pending = dict(extra or {})
    if decision.ballot_kind == BallotKind.MOTION:
        choices = [(key, Choice.ABSTAIN.value if hidden else b.choice) for key, b in pairs]
        choices += list(pending.items())
        result = tally(rule, voters, choices).to_dict()
    else:
        labels = {o.position: o.label for o in DecisionOption.objects.filter(decision=decision)}
        names = [str(p) for p in sorted(labels)]
        if decision.ballot_kind == BallotKind.APPROVAL:
            selections = [(key, [] if hidden else [str(p) for p in b.selection]) for key, b in pairs]
            result = tally_approval(rule, voters, names, selections).to_dict()
        else:
            rankings = [
                (key, [] if hidden else [[str(p) for p in group] for group in b.selection])
                for key, b in pairs
            ]
            result = tally_ranked(rule, voters, names, rankings).to_dict()
        result["labels"] = {str(p): label for p, label in labels.items()}
    result["kind"] = decision.ballot_kind
    result["hidden"] = hidden
    return without_keys(result, {key: pseudonym for _pk, key, pseudonym, _area, _affected in electors})


def without_keys(result: dict[str, Any], pseudonyms: dict[str, str]) -> dict[str, Any]:
    """The count as published: the affected owners named by their ballot-log pseudonyms, never by the register's
    keys, which carry the registry's person and household ids (ADR 0012). Keys with no pseudonym (a register
    frozen before it had them) become ``"?"``: the count needs only how many there are."""
    consent = result.get("affected_consent")
    if consent:
        known = set(pseudonyms.values())

        def published(key: str) -> str:
            return key if key in known else pseudonyms.get(key) or "?"

        result = {
            **result,
            "affected_consent": {
                **consent,
                "affected": [published(k) for k in consent["affected"]],
                "consenting": [published(k) for k in consent["consenting"]],
            },
        }
    return result


def published_result(decision: Decision) -> dict[str, Any] | None:
    """A closed decision's stored result as the API shows it (see :func:`without_keys`)."""
    if decision.result is None:
        return None
    return without_keys(
        decision.result, dict(Elector.objects.filter(decision=decision).values_list("key", "pseudonym"))
    )


def live_count(decision: Decision) -> dict[str, Any]:
    """:func:`count` for the pages, cached until the ballot log grows (every counted ballot appends to it)."""
    key = community_key(
        decision.community_id,
        "decision-count",
        decision.pk,
        decision.status,
        decision.log_length,
        versioned=False,
    )
    cached: dict[str, Any] | None = cache.get(key)
    if cached is None:
        cached = count(decision)
        cache.set(key, cached, timeout=3600)
    return cached


# --- the cost-sharing plan ---------------------------------------------------------------------------------


def _floor_values(raw: dict[str, Any], *, percent: bool) -> dict[int, Fraction]:
    values = {}
    for floor, value in raw.items():
        number = Fraction(Decimal(str(value)))
        values[int(floor)] = number / 100 if percent else number
    return values


def compute_plan(decision: Decision, plan: CostPlan) -> dict[str, Any]:
    """The plan's every unit's amount, as the engine's JSON form (stored with the plan), each share with its unit's
    id; a refusal in words when the cost cannot be shared this way."""
    units = list(units_in_scope(decision))
    if not units:
        raise ValidationError(_("There are no units to share the cost among."))
    share_units = [ShareUnit(unit=str(u), floor=u.floor, area=Fraction(u.exclusive_area)) for u in units]
    subsidy = None
    if plan.subsidy_percent:
        cap = None if plan.subsidy_cap_fen is None else Fen(plan.subsidy_cap_fen)
        subsidy = Subsidy(Fraction(Decimal(plan.subsidy_percent)) / 100, cap)
    try:
        result = split_costs(
            Fen(plan.total_fen),
            share_units,
            method=plan.method,
            coefficients=_floor_values(plan.floor_values, percent=False)
            if plan.method == "floor-coefficient" and plan.floor_values
            else None,
            floor_table=_floor_values(plan.floor_values, percent=True)
            if plan.method == "floor-table"
            else None,
            subsidy=subsidy,
            compensation_fen={int(k): Fen(int(v)) for k, v in plan.compensation.items()},
        )
    except CostError as error:
        raise ValidationError(
            _("The cost cannot be shared this way: %(reason)s") % {"reason": error}
        ) from error
    data = result.to_dict()
    unit_ids = {str(u): u.pk for u in units}
    for share in data["shares"]:
        share["unit_id"] = unit_ids[share["unit"]]
    return data


def passed_of(result: Mapping[str, Any]) -> bool:
    if result.get("kind", BallotKind.MOTION) == BallotKind.MOTION:
        return bool(result["passed"])
    return result.get("winner") is not None
