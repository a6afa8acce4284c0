"""From a district's proposals and ballots to the engine's :class:`~comity.engine.budgeting.model.Election`, every
rule's allocation, and back into :class:`~comity.budgeting.models.Outcome` rows.

Projects are identified in the engine by the proposal's primary key as a string, so the engine's tie-breaking (by
id, in string order) is fixed by the database and reproducible from an export. The rules read every ballot as the
set of projects it supports (approved, given points, or ranked): the Method of Equal Shares and Phragmén are defined
on approval; a cumulative or ranked ballot's order and weights are kept in the ballot and the pabulib export.

Amounts go to the engine in fen (``Election.unit`` 100), so a cycle imported with grosze is allocated exactly, and a
whole-yuan cycle exactly as before (Add1 still raises the voters' budgets one yuan at a time). The explanations and
measures are stored in yuan (exact fractions), so the pages word them without knowing the unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

from comity.budgeting.models import (
    MAX_FEN,
    BallotKind,
    BudgetBallot,
    Cycle,
    District,
    Outcome,
    Proposal,
    ProposalStatus,
    Rule,
)
from comity.engine.budgeting import balance
from comity.engine.budgeting.model import Ballot, Election, Project, VoteType
from comity.engine.budgeting.rules import (
    Allocation,
    ProjectExplanation,
    equal_shares,
    equal_shares_add1,
    greedy,
    sequential_phragmen,
)
from comity.engine.money import FEN_PER_YUAN, fen_to_yuan_exact

#: The engine's amounts are in fen: 100 make a yuan.
FEN = FEN_PER_YUAN
assert MAX_FEN % FEN == 0

VOTE_TYPES = {
    BallotKind.APPROVAL: VoteType.APPROVAL,
    BallotKind.KNAPSACK: VoteType.APPROVAL,
    BallotKind.CUMULATIVE: VoteType.CUMULATIVE,
    BallotKind.RANKED: VoteType.ORDINAL,
}

#: The app's rules. "Most votes first" never funds a project nobody voted for (greedy with a threshold of one vote).
RULES: dict[str, Callable[[Election], Allocation]] = {
    Rule.MES_ADD1: lambda e: equal_shares_add1(e, completion=None),
    Rule.MES_ADD1_GREEDY: lambda e: equal_shares_add1(e, completion="greedy"),
    Rule.GREEDY: lambda e: greedy(e, variant="threshold", threshold=1),
    Rule.PHRAGMEN: sequential_phragmen,
    Rule.MES: equal_shares,
}

BALLOTED = (
    ProposalStatus.ON_BALLOT,
    ProposalStatus.FUNDED,
    ProposalStatus.NOT_FUNDED,
    ProposalStatus.DELIVERED,
)


def balloted(district: District) -> list[Proposal]:
    return list(district.proposals.filter(status__in=BALLOTED).order_by("number"))


def project_id(proposal: Proposal) -> str:
    """The engine's id of a proposal: the id of the imported file if it came from one (so an imported election
    breaks ties exactly as pabutools does on the file), else its primary key."""
    return proposal.external_id or str(proposal.pk)


def election_for(cycle: Cycle, district: District, proposals: Iterable[Proposal] | None = None) -> Election:
    proposals = list(proposals) if proposals is not None else balloted(district)
    ids = {p.pk: project_id(p) for p in proposals}
    projects = tuple(
        Project(id=ids[p.pk], cost=int(p.cost_fen or 0), name=p.title, meta={"number": str(p.number)})
        for p in proposals
    )
    ballots: list[Ballot] = []
    rows = (
        BudgetBallot.objects.filter(district=district)
        .order_by("pk")
        .prefetch_related("marks")
        .only("pk", "group", "external_id", "voter_id")
    )
    for row in rows:
        marks = [m for m in row.marks.all() if m.proposal_id in ids]
        meta = {"group": row.group} if row.group else {}
        voter = row.external_id or str(row.pk)
        if cycle.ballot_kind == BallotKind.CUMULATIVE:
            ballots.append(
                Ballot(voter=voter, points={ids[m.proposal_id]: m.points for m in marks}, meta=meta)
            )
        elif cycle.ballot_kind == BallotKind.RANKED:
            ranking = tuple(
                ids[m.proposal_id] for m in sorted(marks, key=lambda m: (m.rank or 0, m.proposal_id))
            )
            ballots.append(Ballot(voter=voter, ranking=ranking, meta=meta))
        else:
            ballots.append(
                Ballot(voter=voter, approved=frozenset(ids[m.proposal_id] for m in marks), meta=meta)
            )
    return Election(
        budget=district.budget_fen,
        projects=projects,
        ballots=tuple(ballots),
        vote_type=VOTE_TYPES[BallotKind(cycle.ballot_kind)],
        unit=FEN,
    )


def _plain(value: Any) -> Any:
    """JSON for an explanation's numbers: fractions as "numerator/denominator" strings (exact) — the pages turn
    them into yuan."""
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    return value


#: The explanation's and measures' amounts of money (in the engine's unit), stored in yuan.
MONEY_KEYS = frozenset(
    {"cost", "money_left", "payment", "supporters_money", "shortfall", "load", "budget", "total_satisfaction"}
)


def explanation_json(item: ProjectExplanation) -> dict[str, Any]:
    """An explanation as JSON, its amounts in yuan (exact "n/d" strings where not whole)."""
    return {
        key: _plain(fen_to_yuan_exact(value) if key in MONEY_KEYS else value)
        for key, value in vars(item).items()
        if value is not None
    }


def fraction(value: str | int | None) -> Fraction | None:
    """An explanation's number back as an exact fraction ("n/d" strings, as :func:`explanation_json` writes)."""
    return None if value is None else Fraction(value)


def _group_of(ballot: Ballot) -> str | None:
    return ballot.meta.get("group") or None


#: The proportionality checks run where they finish in well under a second; beyond, the page says "too large".
CHECK_LIMIT = 200_000


def _check_json(
    check: balance.ProportionalityCheck | None, pk_names: dict[str, str]
) -> dict[str, Any] | None:
    if check is None:
        return None
    out: dict[str, Any] = {"satisfied": check.satisfied}
    if check.witness is not None:
        out["witness"] = {
            "projects": [pk_names.get(p, p) for p in check.witness.projects],
            "voters": len(check.witness.voters),
            "required_voters": check.witness.required_voters,
            "deserved": check.witness.deserved,
            "received": check.witness.received,
        }
    return out


def report_json(
    report: balance.BalanceReport, election: Election, allocation: Allocation, pk_names: dict[str, str]
) -> dict[str, Any]:
    """The balance report as stored on an outcome: exact fractions rounded to floats for display only."""
    ejr = balance.check_ejr(election, allocation.selected, limit=CHECK_LIMIT) if election.ballots else None
    pjr = balance.check_pjr(election, allocation.selected, limit=CHECK_LIMIT) if election.ballots else None
    unit = election.unit  # the report's satisfactions are cost satisfactions: money, like its cost and budget
    return {
        "voters": report.voters,
        "cost": _plain(fen_to_yuan_exact(report.cost)),
        "budget": _plain(fen_to_yuan_exact(report.budget)),
        "total_satisfaction": _plain(fen_to_yuan_exact(report.total_satisfaction)),
        "average_satisfaction": float(report.average_satisfaction) / unit,
        "average_cardinality": float(report.average_cardinality),
        "non_empty_share": float(report.non_empty_share),
        "gini": float(report.gini),
        "ejr": _check_json(ejr, pk_names),
        "pjr": _check_json(pjr, pk_names),
        "groups": [
            {
                "name": g.group,
                "voters": g.voters,
                "non_empty_share": float(g.non_empty_share),
                "average_satisfaction": float(g.average_satisfaction) / unit,
                "attributed_spending": float(g.attributed_spending) / unit,
                "fair_share": float(g.fair_share) / unit,
                "fair_share_ratio": float(g.fair_share_ratio) if g.fair_share_ratio is not None else None,
            }
            for g in report.groups
        ],
    }


def compute_outcomes(cycle: Cycle) -> list[Outcome]:
    """Run every rule in every district, replace the cycle's outcomes and return them (official rule first)."""
    Outcome.objects.filter(cycle=cycle).delete()
    outcomes: list[Outcome] = []
    for district in cycle.districts.all():
        proposals = balloted(district)
        pk_of = {project_id(p): p.pk for p in proposals}
        election = election_for(cycle, district, proposals)
        for rule, run in RULES.items():
            allocation = run(election)
            report = balance.measure(election, allocation, group_of=_group_of)
            pk_names = {p: str(pk) for p, pk in pk_of.items()}
            outcomes.append(
                Outcome(
                    community_id=cycle.community_id,
                    cycle=cycle,
                    district=district,
                    rule=rule,
                    official=rule == cycle.rule,
                    selected=[pk_of[p] for p in allocation.selected],
                    cost_fen=allocation.cost * FEN // election.unit,
                    explanations={
                        str(pk_of[p]): explanation_json(e) for p, e in allocation.explanations.items()
                    },
                    measures=report_json(report, election, allocation, pk_names),
                )
            )
    Outcome.objects.bulk_create(outcomes)
    return outcomes


def decide(cycle: Cycle) -> set[int]:
    """Compute every outcome of a cycle and set its balloted proposals funded or not funded by the official rule;
    return the funded proposals' ids. Closing a cycle and importing a file both end here."""
    outcomes = compute_outcomes(cycle)
    funded = {pk for outcome in outcomes if outcome.official for pk in outcome.selected}
    on_ballot = cycle.proposals.filter(status=ProposalStatus.ON_BALLOT)
    on_ballot.filter(pk__in=funded).update(status=ProposalStatus.FUNDED)
    on_ballot.exclude(pk__in=funded).update(status=ProposalStatus.NOT_FUNDED)
    return funded
