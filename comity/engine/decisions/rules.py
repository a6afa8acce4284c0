"""Decision rules as data: who votes, on which bases, which thresholds, counted how.

A rule is named and versioned. It says who the electorate is (owners, adult residents, households, members of a
body), which counting bases apply (headcount, exclusive area, household), a participation threshold per basis
over the *eligible* total and an approval threshold per basis over the *participants*, whether each comparison is
strict (>) or inclusive (≥), whether named affected units must consent separately, and the procedural limits (an
objection period, an extension of at most 3 months, a bar on re-tabling a failed item for a year). Every fraction
is a :class:`~fractions.Fraction`; nothing is ever a float.

Presets (sources in ``shared/reference/domain-practice.md`` §1 and §4, and ``docs/algorithms/decision-rules.md``):

* ``civil-code-278-ordinary`` — PRC Civil Code Art. 278: participation ≥ 2/3 of the area and ≥ 2/3 of the owners;
  approval > 1/2 of the participating area and > 1/2 of the participating owners.
* ``civil-code-278-major`` — Art. 278 items 6–8 (raising maintenance funds, rebuilding, changing the use of common
  parts): the same participation; approval ≥ 3/4 on both bases.
* ``residents-meeting`` / ``residents-meeting-households`` — Organic Law of Urban Residents' Committees Art. 12:
  more than half of the adult residents (or of the households' representatives) present; decisions by more than
  half of those present.
* ``council-motion`` — a council or committee: a quorum of 2/3 of the members; more than half of those present.
* ``simple-majority`` — more than half of the votes cast, abstentions not counted as cast.
* ``qualified-majority`` — at least 2/3 of the votes cast, abstentions counted as cast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction


class Basis(StrEnum):
    HEADCOUNT = "headcount"
    AREA = "area"
    HOUSEHOLD = "household"


class Electorate(StrEnum):
    OWNERS = "owners"
    ADULT_RESIDENTS = "adult_residents"
    HOUSEHOLDS = "households"
    MEMBERS = "members"


class NamedRecord(StrEnum):
    """Who may read, once voting has closed, which elector chose what on an open (not secret) ballot.

    Everyone who may see the decision reads the ballot log, where electors appear only by pseudonym
    (ADR 0012). The *named* record joins the pseudonyms to the electors:

    * ``ELECTORATE`` — the electors of that decision and those who run it, as an owner inspects the paper
      ballots of an owners' meeting (SPC interpretation on building distinct ownership Art. 13: owners may
      inspect the owners' assembly's decisions and meeting records) or a member reads a body's minutes;
    * ``STAFF`` — only those who run the decision (a residents' meeting of adult residents or households,
      where no such inspection right exists and the electorate includes tenants and their families).
    """

    ELECTORATE = "electorate"
    STAFF = "staff"


class Stage(StrEnum):
    PARTICIPATION = "participation"
    APPROVAL = "approval"


@dataclass(frozen=True)
class Threshold:
    """``value / total`` compared with ``fraction``: ``>`` when strict, ``≥`` otherwise."""

    stage: Stage
    basis: Basis
    fraction: Fraction
    strict: bool

    def met(self, value: Fraction, total: Fraction) -> bool:
        if total == 0:
            return False
        share = value / total
        return share > self.fraction if self.strict else share >= self.fraction

    @property
    def symbol(self) -> str:
        return ">" if self.strict else "≥"


@dataclass(frozen=True)
class DecisionRule:
    name: str
    version: int
    title: str
    title_zh: str
    electorate: Electorate
    thresholds: tuple[Threshold, ...]
    #: Abstentions and blank ballots take part (count towards participation) but never agree. When False, they are
    #: left out of the participants an approval is measured against ("votes cast").
    abstentions_participate: bool = True
    #: Share of the named affected units whose owners must consent separately (None: no separate consent).
    affected_consent: Fraction | None = None
    objection_days: int = 0
    max_extension_months: int = 3
    retable_bar_months: int = 12
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Who may read the named record of an open ballot once voting has closed (ADR 0012).
    named_record: NamedRecord = NamedRecord.ELECTORATE

    @property
    def bases(self) -> tuple[Basis, ...]:
        seen: list[Basis] = []
        for threshold in self.thresholds:
            if threshold.basis not in seen:
                seen.append(threshold.basis)
        return tuple(seen)

    def stage(self, stage: Stage) -> tuple[Threshold, ...]:
        return tuple(t for t in self.thresholds if t.stage == stage)


def _both(stage: Stage, fraction: Fraction, strict: bool) -> tuple[Threshold, Threshold]:
    return (
        Threshold(stage, Basis.AREA, fraction, strict),
        Threshold(stage, Basis.HEADCOUNT, fraction, strict),
    )


TWO_THIRDS = Fraction(2, 3)
HALF = Fraction(1, 2)
THREE_QUARTERS = Fraction(3, 4)
CIVIL_CODE = "PRC Civil Code Art. 278; SPC interpretation on building distinct ownership Art. 8–9"

PRESETS: dict[str, DecisionRule] = {
    rule.name: rule
    for rule in (
        DecisionRule(
            name="civil-code-278-ordinary",
            version=1,
            title="Owners' decision, ordinary matter (Civil Code Art. 278)",
            title_zh="业主共同决定一般事项（民法典第二百七十八条）",
            electorate=Electorate.OWNERS,
            thresholds=(*_both(Stage.PARTICIPATION, TWO_THIRDS, False), *_both(Stage.APPROVAL, HALF, True)),
            source=CIVIL_CODE,
        ),
        DecisionRule(
            name="civil-code-278-major",
            version=1,
            title="Owners' decision, major matter: raising funds, rebuilding, changing common parts (Art. 278)",
            title_zh="业主共同决定重大事项：筹集维修资金、改建重建、改变共有部分用途（第二百七十八条）",
            electorate=Electorate.OWNERS,
            thresholds=(
                *_both(Stage.PARTICIPATION, TWO_THIRDS, False),
                *_both(Stage.APPROVAL, THREE_QUARTERS, False),
            ),
            source=CIVIL_CODE,
        ),
        DecisionRule(
            name="elevator-retrofit",
            version=1,
            title="Elevator retrofit of a stairwell: Art. 278 major thresholds and consent of occupied units",
            title_zh="单元加装电梯：第二百七十八条重大事项门槛，另需被占用专有部分业主同意",
            electorate=Electorate.OWNERS,
            thresholds=(
                *_both(Stage.PARTICIPATION, TWO_THIRDS, False),
                *_both(Stage.APPROVAL, THREE_QUARTERS, False),
            ),
            affected_consent=Fraction(1),
            objection_days=10,
            source="Beijing 2023 guideline (double 3/4); Chengdu 2018 (separate consent of occupied units)",
        ),
        DecisionRule(
            name="residents-meeting",
            version=1,
            title="Residents' meeting of adult residents (Organic Law of Urban Residents' Committees Art. 12)",
            title_zh="居民会议（18周岁以上居民参加，城市居民委员会组织法第十二条）",
            electorate=Electorate.ADULT_RESIDENTS,
            thresholds=(
                Threshold(Stage.PARTICIPATION, Basis.HEADCOUNT, HALF, True),
                Threshold(Stage.APPROVAL, Basis.HEADCOUNT, HALF, True),
            ),
            source="Organic Law of Urban Residents' Committees Art. 12",
            named_record=NamedRecord.STAFF,
        ),
        DecisionRule(
            name="residents-meeting-households",
            version=1,
            title="Residents' meeting of household representatives (Art. 12)",
            title_zh="居民会议（每户代表参加，第十二条）",
            electorate=Electorate.HOUSEHOLDS,
            thresholds=(
                Threshold(Stage.PARTICIPATION, Basis.HOUSEHOLD, HALF, True),
                Threshold(Stage.APPROVAL, Basis.HOUSEHOLD, HALF, True),
            ),
            source="Organic Law of Urban Residents' Committees Art. 12",
            named_record=NamedRecord.STAFF,
        ),
        DecisionRule(
            name="council-motion",
            version=1,
            title="Council or committee motion: quorum of 2/3, more than half of those present",
            title_zh="议事会或委员会动议：三分之二成员出席，出席者过半数同意",
            electorate=Electorate.MEMBERS,
            thresholds=(
                Threshold(Stage.PARTICIPATION, Basis.HEADCOUNT, TWO_THIRDS, False),
                Threshold(Stage.APPROVAL, Basis.HEADCOUNT, HALF, True),
            ),
            source="typical 议事会 rules (shared/reference/domain-practice.md §4)",
        ),
        DecisionRule(
            name="simple-majority",
            version=1,
            title="Simple majority of the votes cast (abstentions not cast)",
            title_zh="简单多数：超过所投票数的一半（弃权不计入）",
            electorate=Electorate.MEMBERS,
            thresholds=(Threshold(Stage.APPROVAL, Basis.HEADCOUNT, HALF, True),),
            abstentions_participate=False,
        ),
        DecisionRule(
            name="qualified-majority",
            version=1,
            title="Two-thirds of the votes cast (abstentions count as cast)",
            title_zh="三分之二多数：所投票数的三分之二（弃权计入）",
            electorate=Electorate.MEMBERS,
            thresholds=(Threshold(Stage.APPROVAL, Basis.HEADCOUNT, TWO_THIRDS, False),),
        ),
    )
}


class UnknownRule(KeyError):
    pass


def get_rule(name: str) -> DecisionRule:
    try:
        return PRESETS[name]
    except KeyError as error:
        raise UnknownRule(name) from error
