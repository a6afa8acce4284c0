"""pabulib files in and out of the application.

**Import** turns a ``.pb`` file (a city's or another community's election) into a closed cycle of the community:
one district with the file's budget, its projects as proposals, its ballots (with the file's voter ids, no accounts),
and every rule's outcome, so the rule comparison and the balance report work on it as on our own cycles. It is
atomic: a file with a problem is refused whole, with the line of the problem, and nothing is written. Amounts may
have up to two decimals (Warsaw's ``budget;740793.05`` złoty and grosze): they are kept in fen, exactly, and the rules
decide on them as pabutools does; an amount with more decimals is refused naming its line.

**Export** writes a district's proposals and ballots as a pabulib file: voters are the ballots' numbers, never
names; the buildings are kept as the voters' ``group`` column. Amounts are written in whole units when every one is
whole (``budget;12000``), else with two decimals (``budget;740793.05``), so an imported file's amounts come back as
they were written.
"""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from comity.budgeting import computing
from comity.budgeting.computing import FEN
from comity.budgeting.models import (
    MAX_YUAN,
    BallotKind,
    Cycle,
    CycleStatus,
    District,
    ProposalStatus,
    Rule,
)
from comity.engine.budgeting.model import Election, Project, VoteType
from comity.engine.budgeting.pabulib import PabulibError, read_pabulib, write_pabulib

#: The largest file accepted through the pages (Warszawa 2026, 61,668 voters, is about 2 MB).
MAX_BYTES = 20 * 1024 * 1024

KIND_OF = {
    VoteType.APPROVAL: BallotKind.APPROVAL,
    VoteType.CHOOSE_1: BallotKind.APPROVAL,
    VoteType.CUMULATIVE: BallotKind.CUMULATIVE,
    VoteType.SCORING: BallotKind.CUMULATIVE,
    VoteType.ORDINAL: BallotKind.RANKED,
}


def _problem(error: PabulibError) -> str:
    """The problem in the reader's language where it is about an amount; else the reader's own description,
    without its "file, line N:" prefix (the page says the line)."""
    p = error.params
    budget = p.get("field") == "budget"
    high = f"{MAX_YUAN:,}"
    if error.code == "too_large":
        if budget:
            return _("the budget %(text)s is more than %(high)s yuan.") % {"text": p["text"], "high": high}
        return _("project %(project)s costs %(text)s, more than %(high)s yuan.") % {**p, "high": high}
    if error.code == "not_positive":
        if budget:
            return _("the budget is %(text)s; it must be more than zero.") % p
        return _("project %(project)s costs %(text)s; every project must cost more than zero.") % p
    if error.code == "decimals":
        what = _("the budget %(text)s") % p if budget else _("the cost %(text)s of project %(project)s") % p
        return _("%(what)s has more than two decimals; budgets and costs are kept to the fen (0.01).") % {
            "what": what
        }
    text = str(error)
    prefix = f"line {error.line}: "
    return text.split(prefix, 1)[1] if prefix in text else text


def parse(data: bytes, name: str) -> Election:
    """The election in an uploaded file, or a :class:`ValidationError` naming the line of the first problem."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}}
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(
            {"file": _("Line %(line)s: the file is not UTF-8 text.") % {"line": line}}, code="pabulib"
        ) from error
    try:
        # Cycles keep fen (models.District.budget_fen, Proposal.cost_fen): two decimals at most, the app's bounds.
        election = read_pabulib(text, name, max_decimals=2, max_amount=MAX_YUAN, positive=True)
    except PabulibError as error:
        raise ValidationError(
            {"file": _("Line %(line)s: %(problem)s") % {"line": error.line, "problem": _problem(error)}},
            code="pabulib",
        ) from error
    return election


def in_fen(election: Election) -> Election:
    """``election`` with its amounts in fen (``unit`` 100), as the cycles keep them; the reader gives the least unit
    that makes them whole (1, 10 or 100 with at most two decimals)."""
    if FEN % election.unit:
        raise ValueError(f"unit {election.unit} is finer than a fen")
    scale = FEN // election.unit
    return replace(
        election,
        budget=election.budget * scale,
        projects=tuple(replace(p, cost=p.cost * scale) for p in election.projects),
        unit=FEN,
    )


def in_least_unit(election: Election) -> Election:
    """``election`` (in fen) with whole-yuan amounts when every amount is whole, so the file writes no decimals."""
    amounts = [election.budget, *(p.cost for p in election.projects)]
    if election.unit != FEN or any(a % FEN for a in amounts):
        return election
    return replace(
        election,
        budget=election.budget // FEN,
        projects=tuple(replace(p, cost=p.cost // FEN) for p in election.projects),
        unit=1,
    )


def export_pabulib(cycle: Cycle, district: District) -> str:
    election = computing.election_for(cycle, district)
    meta = {
        "description": cycle.title,
        "country": "China",
        "unit": cycle.community.name,
        "subunit": district.name,
        "instance": str(cycle.created_at.year),
        "num_projects": str(len(election.projects)),
        "num_votes": str(len(election.ballots)),
        "rule": {
            Rule.GREEDY: "greedy",
            Rule.MES_ADD1: "equalshares/add1",
            Rule.MES_ADD1_GREEDY: "equalshares/add1",
            Rule.MES: "equalshares",
            Rule.PHRAGMEN: "phragmen",
        }[Rule(cycle.rule)],
        "currency": "CNY",
    }
    if cycle.ballot_kind in (BallotKind.APPROVAL, BallotKind.RANKED) and cycle.max_choices:
        meta["max_length"] = str(cycle.max_choices)
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        meta["max_sum_points"] = str(cycle.points)
    selected = set()
    if cycle.status == CycleStatus.CLOSED:
        selected = {
            computing.project_id(p)
            for p in district.proposals.filter(status__in=[ProposalStatus.FUNDED, ProposalStatus.DELIVERED])
        }
    projects = tuple(
        Project(
            id=p.id, cost=p.cost, name=p.name, meta={**p.meta, "selected": "1" if p.id in selected else "0"}
        )
        for p in election.projects
    )
    out = Election(
        budget=election.budget,
        projects=projects,
        ballots=election.ballots,
        vote_type=election.vote_type,
        meta=meta,
        unit=election.unit,
    )
    return write_pabulib(in_least_unit(out))
