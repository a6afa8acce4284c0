"""The one adapter between the decisions' rows and the engine (:mod:`comity.engine.decisions`): counting a
decision, computing its cost-sharing plan, and presenting the count in the reader's language.

The register (:class:`~comity.decisions.models.Elector`) gives the engine its voters, the counted ballots its
ballots. An open ballot names its elector; a secret ballot does not, so each counted secret ballot stands for one
anonymous voter carrying the weight stored with it, in place of the electors who took part (the totals are the
same, the link is not kept). While a secret vote is open only participation is shown: running results would let
someone watching the page match a choice to the voter who just voted.

Every count is turned into the engine's JSON form (``to_dict``), which is what a closed decision stores, so the
page renders a live count and a published result with the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext, pgettext
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
from comity.engine.decisions.rules import Basis, DecisionRule, Stage, get_rule
from comity.engine.decisions.tally import Choice, Voter, tally
from comity.engine.money import Fen, fen_to_yuan

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
    key = f"comity:decision-count:{decision.pk}:{decision.status}:{decision.log_length}"
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


# --- presentation -------------------------------------------------------------------------------------------


def _fraction(text: str) -> Fraction:
    return Fraction(text)


def percent(value: Fraction) -> str:
    return number_format(Decimal(round(float(value) * 100, 1)).quantize(Decimal("0.1")), 1) + "%"


def amount(value: Fraction, basis: str, *, unit: bool = True) -> str:
    if basis == Basis.AREA:
        figure = number_format(Decimal(float(value)).quantize(Decimal("0.01")), 2, force_grouping=True)
        return _("%(area)s m²") % {"area": figure} if unit else figure
    whole = int(value) if value.denominator == 1 else float(value)
    if not unit:
        return number_format(whole, force_grouping=True)
    figure = number_format(whole, force_grouping=True)
    if basis == Basis.HOUSEHOLD:
        return ngettext("%(n)s household", "%(n)s households", int(whole)) % {"n": figure}
    return ngettext("%(n)s voter", "%(n)s voters", int(whole)) % {"n": figure}


def money(fen: int) -> str:
    """An amount in fen as yuan with two decimals, grouped as the reader's language does (exact: no floats)."""
    return number_format(fen_to_yuan(fen), 2, force_grouping=True)


def basis_label(basis: str) -> str:
    return {
        Basis.AREA: pgettext("counting basis", "area"),
        Basis.HEADCOUNT: pgettext("counting basis", "headcount"),
        Basis.HOUSEHOLD: pgettext("counting basis", "households"),
    }[Basis(basis)]


def stage_label(stage: str) -> str:
    return _("Participation") if stage == Stage.PARTICIPATION else _("Approval")


@dataclass(frozen=True)
class ThresholdLine:
    stage: str
    basis: str
    text: str
    detail: str
    passed: bool


def explain_threshold(item: dict[str, Any], stage: str) -> ThresholdLine:
    share, fraction = _fraction(item["share"]), _fraction(item["fraction"])
    mark = "✓" if item["passed"] else "✗"
    text = _("%(stage)s by %(basis)s: %(share)s %(symbol)s %(needed)s %(mark)s") % {
        "stage": stage_label(stage),
        "basis": basis_label(item["basis"]),
        "share": percent(share),
        "symbol": item["comparison"],
        "needed": percent(fraction),
        "mark": mark,
    }
    detail = _("%(value)s of %(total)s") % {
        "value": amount(_fraction(item["value"]), item["basis"], unit=False),
        "total": amount(_fraction(item["total"]), item["basis"]),
    }
    return ThresholdLine(stage, item["basis"], text, detail, item["passed"])


def explain(result: dict[str, Any]) -> list[ThresholdLine]:
    """Every threshold in words and numbers, in the reader's language."""
    if result.get("kind", BallotKind.MOTION) != BallotKind.MOTION:
        return [explain_threshold(item, Stage.PARTICIPATION) for item in result["participation"]]
    lines = []
    for item in result["thresholds"]:
        if result.get("hidden") and item["stage"] == Stage.APPROVAL:
            continue
        lines.append(explain_threshold(item, item["stage"]))
    affected = explain_affected(result)
    if affected is not None:
        lines.append(affected)
    return lines


def explain_affected(result: dict[str, Any]) -> ThresholdLine | None:
    """The separate consent of the affected owners, when the rule asks for it."""
    consent = result.get("affected_consent")
    if not consent or result.get("hidden"):
        return None
    mark = "✓" if consent["passed"] else "✗"
    if not consent["affected"]:
        text = _("Consent of affected owners: no unit is affected %(mark)s") % {"mark": mark}
    else:
        text = _("Consent of affected owners: %(yes)s of %(all)s, %(needed)s needed %(mark)s") % {
            "yes": len(consent["consenting"]),
            "all": len(consent["affected"]),
            "needed": percent(_fraction(consent["required"])),
            "mark": mark,
        }
    return ThresholdLine("affected", "", text, "", consent["passed"])


def explain_shortfalls(result: dict[str, Any]) -> list[str]:
    """What a failing threshold still needs, assuming those who have not voted vote yes."""
    out = []
    for item in result.get("shortfalls", []):
        if result.get("hidden") and item["stage"] == Stage.APPROVAL:
            continue
        more = _fraction(item["more"])
        what = amount(more, item["basis"])
        if not item["attainable"]:
            out.append(
                _("%(stage)s by %(basis)s cannot be reached any more, even if everyone left votes yes.")
                % {"stage": stage_label(item["stage"]), "basis": basis_label(item["basis"])}
            )
        elif item["stage"] == Stage.PARTICIPATION:
            text = _("%(what)s more must take part to reach participation by %(basis)s.")
            if item["strictly"]:
                text = _("More than %(what)s more must take part to reach participation by %(basis)s.")
            out.append(text % {"what": what, "basis": basis_label(item["basis"])})
        else:
            text = _("%(what)s more voting yes would carry approval by %(basis)s.")
            if item["strictly"]:
                text = _("More than %(what)s more voting yes would carry approval by %(basis)s.")
            out.append(text % {"what": what, "basis": basis_label(item["basis"])})
    consent = result.get("affected_consent")
    if consent and not consent["passed"] and not result.get("hidden"):
        waiting = len(consent["affected"]) - len(consent["consenting"])
        out.append(
            ngettext(
                "%(n)s affected owner has not consented yet.",
                "%(n)s affected owners have not consented yet.",
                waiting,
            )
            % {"n": waiting}
        )
    return out


def totals_table(result: dict[str, Any]) -> list[dict[str, str]]:
    """Eligible, participating, yes, no and abstaining per basis, formatted (motions only)."""
    rows = []
    for basis, t in result.get("totals", {}).items():
        hidden = result.get("hidden")
        rows.append(
            {
                "basis": basis_label(basis),
                "eligible": amount(_fraction(t["eligible"]), basis),
                "participating": amount(_fraction(t["participating"]), basis),
                "yes": "" if hidden else amount(_fraction(t["approving"]), basis),
                "no": "" if hidden else amount(_fraction(t["rejecting"]), basis),
                "abstain": "" if hidden else amount(_fraction(t["abstaining"]), basis),
            }
        )
    return rows


def option_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Options in result order with their approvals (approval) or the number of options they beat (Schulze)."""
    if result.get("kind", BallotKind.MOTION) == BallotKind.MOTION or result.get("hidden"):
        return []
    labels = result.get("labels", {})
    counts = {o["option"]: o["approvals"] for o in result["options"]}
    rows = []
    for position, option in enumerate(result["order"], start=1):
        values = counts[option]
        if result["kind"] == BallotKind.RANKED:
            figure = _("beats %(n)s of the other options") % {"n": values.get("headcount", "0")}
        else:
            figure = " · ".join(amount(_fraction(v), b) for b, v in values.items())
        rows.append(
            {
                "rank": position,
                "label": labels.get(option, option),
                "figure": figure,
                "winner": option == result.get("winner"),
            }
        )
    return rows


def passed_of(result: dict[str, Any]) -> bool:
    if result.get("kind", BallotKind.MOTION) == BallotKind.MOTION:
        return bool(result["passed"])
    return result.get("winner") is not None


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def rule_lines(rule: DecisionRule) -> list[str]:
    """The rule's thresholds in words: ``Participation by area: at least 2/3 of the eligible total``."""
    lines = []
    for t in rule.thresholds:
        comparison = _("more than %(f)s") if t.strict else _("at least %(f)s")
        if t.stage == Stage.PARTICIPATION:
            text = _("%(stage)s by %(basis)s: %(comparison)s of all who may vote")
        elif rule.abstentions_participate:
            text = _(
                "%(stage)s by %(basis)s: %(comparison)s of those taking part vote yes (abstaining is not agreeing)"
            )
        else:
            text = _("%(stage)s by %(basis)s: %(comparison)s of the yes and no votes")
        lines.append(
            text
            % {
                "stage": stage_label(t.stage),
                "basis": basis_label(t.basis),
                "comparison": comparison % {"f": fraction_text(t.fraction)},
            }
        )
    if rule.affected_consent is not None:
        if rule.affected_consent == 1:
            lines.append(_("Every owner of an affected unit must consent separately."))
        else:
            lines.append(
                _("At least %(f)s of the owners of affected units must consent separately.")
                % {"f": fraction_text(rule.affected_consent)}
            )
    if rule.objection_days:
        lines.append(
            ngettext(
                "Objections are taken for %(n)s day after the result.",
                "Objections are taken for %(n)s days after the result.",
                rule.objection_days,
            )
            % {"n": rule.objection_days}
        )
    lines.append(
        _(
            "Voting may be extended once, by at most %(months)s months; a failed item may be put again after %(bar)s months."
        )
        % {"months": rule.max_extension_months, "bar": rule.retable_bar_months}
    )
    return lines


def rule_title(rule: DecisionRule) -> str:
    return rule.title_zh if (get_language() or "").startswith("zh") else rule.title
