"""A decision's count as the pages, the API and the CLI read it: :class:`Result`, the engine's JSON form (what a
closed decision stores, what :func:`comity.decisions.computing.count` returns) as a typed value, and the count in
the reader's language — thresholds, shortfalls, totals and options in words and numbers, and the rule itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from comity.decisions import computing
from comity.decisions.models import BallotKind, Decision, DecisionStatus
from comity.engine.decisions.rules import Basis, DecisionRule, Stage
from comity.engine.money import fen_to_yuan

#: The keys of the engine's JSON form of a motion's tally and of an approval or ranked ballot's, with the two the
#: count adds (``kind``, and ``hidden`` while a secret vote runs) and the option labels of the latter.
MOTION_KEYS = (
    "rule",
    "version",
    "voters",
    "ballots",
    "totals",
    "thresholds",
    "affected_consent",
    "shortfalls",
    "passed",
    "explanation",
    "kind",
    "hidden",
)
OPTIONS_KEYS = (
    "rule",
    "version",
    "ballots",
    "participation",
    "options",
    "order",
    "winner",
    "schulze",
    "labels",
    "kind",
    "hidden",
)


@dataclass(frozen=True)
class Result:
    """A decision's count or published result, with the fields of the engine's JSON form. A motion fills
    ``voters`` … ``explanation``; an approval or ranked ballot ``participation`` … ``labels``. The items of the
    lists are the JSON form's own (fractions as exact strings, as stored)."""

    rule: str
    version: int
    ballots: int
    kind: str = BallotKind.MOTION
    hidden: bool = False
    voters: int = 0
    totals: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    thresholds: tuple[Mapping[str, Any], ...] = ()
    affected_consent: Mapping[str, Any] | None = None
    shortfalls: tuple[Mapping[str, Any], ...] = ()
    passed: bool = False
    explanation: tuple[str, ...] = ()
    participation: tuple[Mapping[str, Any], ...] = ()
    options: tuple[Mapping[str, Any], ...] = ()
    order: tuple[str, ...] = ()
    winner: str | None = None
    schulze: Mapping[str, Any] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Result:
        return cls(
            rule=data.get("rule", ""),
            version=data.get("version", 1),
            ballots=data.get("ballots", 0),
            kind=data.get("kind", BallotKind.MOTION),
            hidden=bool(data.get("hidden", False)),
            voters=data.get("voters", 0),
            totals=data.get("totals", {}),
            thresholds=tuple(data.get("thresholds", ())),
            affected_consent=data.get("affected_consent"),
            shortfalls=tuple(data.get("shortfalls", ())),
            passed=bool(data.get("passed", False)),
            explanation=tuple(data.get("explanation", ())),
            participation=tuple(data.get("participation", ())),
            options=tuple(data.get("options", ())),
            order=tuple(data.get("order", ())),
            winner=data.get("winner"),
            schulze=data.get("schulze"),
            labels=data.get("labels", {}),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form again, with the keys of its kind (what the API publishes)."""
        values = {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in ((key, getattr(self, key)) for key in MOTION_KEYS + OPTIONS_KEYS)
        }
        return {key: values[key] for key in (MOTION_KEYS if self.is_motion else OPTIONS_KEYS)}

    @property
    def is_motion(self) -> bool:
        return self.kind == BallotKind.MOTION

    @property
    def passes(self) -> bool:
        """A motion passes; a choice among options has a winner."""
        return self.passed if self.is_motion else self.winner is not None


def as_result(result: Result | Mapping[str, Any]) -> Result:
    return result if isinstance(result, Result) else Result.from_json(result)


def result_of(decision: Decision) -> Result | None:
    """What the decision page shows: the stored result once closed, the live count while voting is open."""
    if decision.status == DecisionStatus.CLOSED:
        return Result.from_json(decision.result) if decision.result else None
    if decision.status == DecisionStatus.OPEN:
        return Result.from_json(computing.live_count(decision))
    return None


def published_result_of(decision: Decision) -> Result | None:
    """What the API shows: the published result (affected owners by pseudonym) once closed, else the live count."""
    if decision.status == DecisionStatus.CLOSED:
        published = computing.published_result(decision)
        return None if published is None else Result.from_json(published)
    if decision.status == DecisionStatus.OPEN:
        return Result.from_json(computing.live_count(decision))
    return None


def simulated(decision: Decision, assumed: dict[str, str]) -> Result:
    """The live count if the electors keyed in ``assumed`` voted so (the staff simulator)."""
    return Result.from_json(computing.count(decision, extra=assumed))


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


def explain_threshold(item: Mapping[str, Any], stage: str) -> ThresholdLine:
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


def explain(result: Result | Mapping[str, Any]) -> list[ThresholdLine]:
    """Every threshold in words and numbers, in the reader's language."""
    result = as_result(result)
    if not result.is_motion:
        return [explain_threshold(item, Stage.PARTICIPATION) for item in result.participation]
    lines = []
    for item in result.thresholds:
        if result.hidden and item["stage"] == Stage.APPROVAL:
            continue
        lines.append(explain_threshold(item, item["stage"]))
    affected = explain_affected(result)
    if affected is not None:
        lines.append(affected)
    return lines


def explain_affected(result: Result | Mapping[str, Any]) -> ThresholdLine | None:
    """The separate consent of the affected owners, when the rule asks for it."""
    result = as_result(result)
    consent = result.affected_consent
    if not consent or result.hidden:
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


def explain_shortfalls(result: Result | Mapping[str, Any]) -> list[str]:
    """What a failing threshold still needs, assuming those who have not voted vote yes."""
    result = as_result(result)
    out = []
    for item in result.shortfalls:
        if result.hidden and item["stage"] == Stage.APPROVAL:
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
    consent = result.affected_consent
    if consent and not consent["passed"] and not result.hidden:
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


def totals_table(result: Result | Mapping[str, Any]) -> list[dict[str, str]]:
    """Eligible, participating, yes, no and abstaining per basis, formatted (motions only)."""
    result = as_result(result)
    rows = []
    hidden = result.hidden
    for basis, t in result.totals.items():
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


def option_rows(result: Result | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Options in result order with their approvals (approval) or the number of options they beat (Schulze)."""
    result = as_result(result)
    if result.is_motion or result.hidden:
        return []
    counts = {o["option"]: o["approvals"] for o in result.options}
    rows = []
    for position, option in enumerate(result.order, start=1):
        values = counts[option]
        if result.kind == BallotKind.RANKED:
            figure = _("beats %(n)s of the other options") % {"n": values.get("headcount", "0")}
        else:
            figure = " · ".join(amount(_fraction(v), b) for b, v in values.items())
        rows.append(
            {
                "rank": position,
                "label": result.labels.get(option, option),
                "figure": figure,
                "winner": option == result.winner,
            }
        )
    return rows


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
