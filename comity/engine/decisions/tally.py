"""Tallying a decision under a rule: eligible, participating and approving totals per basis, every threshold
explained, separate consent of affected units, and how far a failing item is from passing.

Counting follows the Supreme People's Court interpretation on building distinct ownership (Art. 8–9), as quoted in
``shared/reference/domain-practice.md`` §1: the **area** basis sums the registered area of every unit an owner
holds; the **headcount** basis gives one vote per owner however many units they hold; the developer's unsold or
undelivered units together count as **one** owner (their area still counts in full). Abstentions and blank ballots
take part and never agree (unless a rule measures approval over the votes cast only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from comity.engine.decisions.rules import Basis, DecisionRule, Stage, Threshold


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class TallyError(ValueError):
    """Ballots that cannot be counted: an unknown voter, a second ballot, an unknown choice.

    ``index`` is the position (from 0) of the refused ballot, so a reader can name its line.
    """

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class Unit:
    """One exclusive unit of the registry, as a decision counts it."""

    unit: str
    owner: str
    area: Fraction
    unsold: bool = False
    building: str = ""
    stairwell: str = ""
    floor: int | None = None
    affected: bool = False


@dataclass(frozen=True)
class Voter:
    """Whoever casts one ballot, with their weight on each basis."""

    key: str
    area: Fraction = Fraction(0)
    units: tuple[str, ...] = ()
    affected: bool = False
    aliases: tuple[str, ...] = ()

    def weight(self, basis: Basis) -> Fraction:
        return self.area if basis == Basis.AREA else Fraction(1)


def owners_from_units(units: Iterable[Unit]) -> list[Voter]:
    """Owners as voters: one per owner (several units, one vote; their areas summed); the developer's unsold units
    together are one voter, whichever names they are registered under."""
    owned: dict[str, list[Unit]] = {}
    unsold: list[Unit] = []
    for unit in units:
        (unsold if unit.unsold else owned.setdefault(unit.owner, [])).append(unit)
    developer_names = tuple(dict.fromkeys(u.owner for u in unsold))
    voters = []
    for owner, held in owned.items():
        if owner in developer_names:
            continue  # the developer's sold-but-held units join its unsold ones below
        voters.append(
            Voter(
                key=owner,
                area=sum((u.area for u in held), Fraction(0)),
                units=tuple(u.unit for u in held),
                affected=any(u.affected for u in held),
            )
        )
    if unsold:
        held = unsold + [u for name in developer_names for u in owned.get(name, [])]
        voters.append(
            Voter(
                key=developer_names[0],
                area=sum((u.area for u in held), Fraction(0)),
                units=tuple(u.unit for u in held),
                affected=any(u.affected for u in held),
                aliases=developer_names[1:],
            )
        )
    return voters


def members(names: Iterable[str]) -> list[Voter]:
    """Voters of equal weight (adult residents, households, members of a body)."""
    return [Voter(key=name) for name in dict.fromkeys(names)]


@dataclass(frozen=True)
class BasisTotals:
    basis: Basis
    eligible: Fraction
    participating: Fraction
    yes: Fraction
    no: Fraction
    abstain: Fraction

    @property
    def cast(self) -> Fraction:
        return self.yes + self.no


@dataclass(frozen=True)
class ThresholdResult:
    threshold: Threshold
    value: Fraction
    total: Fraction
    passed: bool

    @property
    def share(self) -> Fraction:
        return self.value / self.total if self.total else Fraction(0)


@dataclass(frozen=True)
class AffectedConsent:
    required: Fraction
    affected: tuple[str, ...]
    consenting: tuple[str, ...]
    passed: bool


@dataclass(frozen=True)
class Shortfall:
    """What a failing threshold still needs, assuming newcomers vote yes: ``more`` of the basis (strictly more
    when ``strict``); ``attainable`` is False when even every remaining voter would not do."""

    threshold: Threshold
    more: Fraction
    strict: bool
    attainable: bool


@dataclass(frozen=True)
class Tally:
    rule: DecisionRule
    totals: dict[Basis, BasisTotals]
    results: tuple[ThresholdResult, ...]
    affected: AffectedConsent | None
    voters: int
    ballots: int
    shortfalls: tuple[Shortfall, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results) and (self.affected is None or self.affected.passed)

    def explain(self) -> list[str]:
        """Every threshold in words and numbers: ``participation by area: 71.2% ≥ 66.7% ✓ (712.5 of 1000.5)``."""
        lines = []
        for result in self.results:
            t = result.threshold
            mark = "✓" if result.passed else "✗"
            lines.append(
                f"{t.stage.value} by {t.basis.value}: {percent(result.share)} {t.symbol} {percent(t.fraction)} {mark}"
                f" ({number(result.value)} of {number(result.total)})"
            )
        if self.affected is not None:
            mark = "✓" if self.affected.passed else "✗"
            lines.append(
                f"consent of affected owners: {len(self.affected.consenting)} of {len(self.affected.affected)}"
                f" ≥ {percent(self.affected.required)} {mark}"
            )
        lines.append("passed" if self.passed else "not passed")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name,
            "version": self.rule.version,
            "voters": self.voters,
            "ballots": self.ballots,
            "totals": {
                basis.value: {
                    "eligible": str(t.eligible),
                    "participating": str(t.participating),
                    "approving": str(t.yes),
                    "rejecting": str(t.no),
                    "abstaining": str(t.abstain),
                }
                for basis, t in self.totals.items()
            },
            "thresholds": [
                {
                    "stage": r.threshold.stage.value,
                    "basis": r.threshold.basis.value,
                    "fraction": str(r.threshold.fraction),
                    "comparison": r.threshold.symbol,
                    "value": str(r.value),
                    "total": str(r.total),
                    "share": str(r.share),
                    "passed": r.passed,
                }
                for r in self.results
            ],
            "affected_consent": None
            if self.affected is None
            else {
                "required": str(self.affected.required),
                "affected": list(self.affected.affected),
                "consenting": list(self.affected.consenting),
                "passed": self.affected.passed,
            },
            "shortfalls": [
                {
                    "stage": s.threshold.stage.value,
                    "basis": s.threshold.basis.value,
                    "more": str(s.more),
                    "strictly": s.strict,
                    "attainable": s.attainable,
                }
                for s in self.shortfalls
            ],
            "passed": self.passed,
            "explanation": self.explain(),
        }


def percent(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def _choice(raw: str) -> Choice:
    value = raw.strip().lower()
    if value in ("", "blank"):
        return Choice.ABSTAIN
    try:
        return Choice(value)
    except ValueError as error:
        raise TallyError(f"unknown choice {raw!r}: expected yes, no or abstain") from error


def tally(rule: DecisionRule, voters: Sequence[Voter], ballots: Iterable[tuple[str, str]]) -> Tally:
    """Count ``ballots`` (voter key, choice) of ``voters`` under ``rule``. One voter, one ballot."""
    key_of: dict[str, str] = {}
    for voter in voters:
        for name in (voter.key, *voter.aliases):
            key_of[name] = voter.key
    by_key = {voter.key: voter for voter in voters}
    choices: dict[str, Choice] = {}
    count = 0
    for index, (name, raw) in enumerate(ballots):
        count += 1
        key = key_of.get(name)
        if key is None:
            raise TallyError(f"{name!r} is not on the register for this decision", index)
        if key in choices:
            raise TallyError(f"a second ballot for {key!r}: one voter, one ballot", index)
        try:
            choices[key] = _choice(raw)
        except TallyError as error:
            raise TallyError(str(error), index) from error
    totals: dict[Basis, BasisTotals] = {}
    for basis in rule.bases or (Basis.HEADCOUNT,):

        def total(selected: Iterable[Voter], basis: Basis = basis) -> Fraction:
            return sum((v.weight(basis) for v in selected), Fraction(0))

        voted = [by_key[k] for k in choices]
        totals[basis] = BasisTotals(
            basis=basis,
            eligible=total(voters),
            participating=total(voted),
            yes=total(v for v in voted if choices[v.key] == Choice.YES),
            no=total(v for v in voted if choices[v.key] == Choice.NO),
            abstain=total(v for v in voted if choices[v.key] == Choice.ABSTAIN),
        )
    results = []
    for threshold in rule.thresholds:
        t = totals[threshold.basis]
        if threshold.stage == Stage.PARTICIPATION:
            value, whole = t.participating, t.eligible
        else:
            value, whole = t.yes, (t.participating if rule.abstentions_participate else t.cast)
        results.append(ThresholdResult(threshold, value, whole, threshold.met(value, whole)))
    affected = None
    if rule.affected_consent is not None:
        concerned = tuple(v.key for v in voters if v.affected)
        consenting = tuple(k for k in concerned if choices.get(k) == Choice.YES)
        affected = AffectedConsent(
            required=rule.affected_consent,
            affected=concerned,
            consenting=consenting,
            passed=not concerned or Fraction(len(consenting), len(concerned)) >= rule.affected_consent,
        )
    return Tally(
        rule,
        totals,
        tuple(results),
        affected,
        voters=len(voters),
        ballots=count,
        shortfalls=tuple(shortfalls(rule, totals, results)),
    )


def shortfalls(
    rule: DecisionRule, totals_by_basis: Mapping[Basis, BasisTotals], results: Iterable[ThresholdResult]
) -> list[Shortfall]:
    """For each failing threshold, how much more of its basis would carry it, if the newcomers voted yes."""
    out = []
    for result in results:
        if result.passed:
            continue
        t = result.threshold
        totals = totals_by_basis[t.basis]
        remaining = totals.eligible - totals.participating
        f = t.fraction
        if t.stage == Stage.PARTICIPATION:
            more = max(f * totals.eligible - totals.participating, Fraction(0))
        elif f >= 1:
            more = (
                remaining + 1
            )  # unanimity already broken by a "no" or an abstention: newcomers cannot mend it
        else:
            whole = totals.participating if rule.abstentions_participate else totals.cast
            if whole == 0:
                continue  # nobody has voted yet: participation's shortfall says what is needed first
            more = max((f * whole - totals.yes) / (1 - f), Fraction(0))
        if t.basis != Basis.AREA:  # whole voters
            more = Fraction(int(more) + 1) if t.strict and more == int(more) else Fraction(-(-more // 1))
        attainable = more <= remaining and not (t.strict and more == remaining and t.basis == Basis.AREA)
        out.append(Shortfall(t, more, t.strict and t.basis == Basis.AREA, attainable))
    return out
