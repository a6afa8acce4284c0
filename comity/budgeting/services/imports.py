"""A pabulib file imported as a closed cycle of the community (the file's reading is :mod:`comity.budgeting
.interchange`): one district with the file's budget, its projects as proposals, its ballots with the file's voter
ids (no accounts), and every rule's outcome. A file with a problem is refused whole, naming its line."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting import computing
from comity.budgeting.interchange import KIND_OF, in_fen, parse
from comity.budgeting.models import (
    BallotKind,
    BallotMark,
    BudgetBallot,
    Cycle,
    CycleStatus,
    District,
    Proposal,
    ProposalStatus,
    Rule,
)
from comity.budgeting.services.common import MANAGE
from comity.engine.budgeting.model import VoteType
from comity.foundation.audit import record_audit
from comity.foundation.services import require, service
from comity.structure.models import Community


@service
def import_pabulib(actor: User, community: Community, data: bytes, name: str, title: str = "") -> Cycle:
    require(actor, MANAGE, community)
    election = in_fen(parse(data, name))
    meta = election.meta
    kind = KIND_OF[election.vote_type]
    max_length = meta.get("max_length", "")
    cycle = Cycle.objects.create(
        community=community,
        title=title or meta.get("description") or name,
        description=meta.get("comment", ""),
        status=CycleStatus.CLOSED,
        ballot_kind=kind,
        max_choices=int(max_length) if max_length.isdigit() and kind != BallotKind.CUMULATIVE else None,
        rule=Rule.MES_ADD1,
        imported_from=name[:200],
        created_by=actor,
        closed_at=timezone.now(),
    )
    district = District.objects.create(
        community=community,
        cycle=cycle,
        name=meta.get("subunit") or meta.get("unit") or name[:120],
        budget_fen=election.budget,
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(
            community=community,
            cycle=cycle,
            district=district,
            number=i,
            title=(project.name or _("Project %(id)s") % {"id": project.id})[:160],
            description=project.meta.get("description", ""),
            cost_fen=project.cost,
            costing_note=_("From the imported file."),
            status=ProposalStatus.ON_BALLOT,
            external_id=project.id[:60],
        )
        for i, project in enumerate(election.projects, start=1)
    )
    by_id = {p.external_id: p for p in proposals}
    now = timezone.now()
    ballots = BudgetBallot.objects.bulk_create(
        (
            BudgetBallot(
                community=community,
                cycle=cycle,
                district=district,
                external_id=b.voter[:60],
                cast_at=now,
                group="",
            )
            for b in election.ballots
        ),
        batch_size=2000,
    )
    if ballots and ballots[0].pk is None:  # a backend that does not return ids from bulk inserts
        ballots = list(BudgetBallot.objects.filter(cycle=cycle).order_by("pk"))
    marks: list[BallotMark] = []
    for row, ballot in zip(ballots, election.ballots, strict=True):
        if election.vote_type == VoteType.ORDINAL:
            marks.extend(
                BallotMark(community=community, ballot=row, proposal=by_id[p], rank=rank)
                for rank, p in enumerate(ballot.ranking, 1)
            )
        elif ballot.points:
            marks.extend(
                BallotMark(community=community, ballot=row, proposal=by_id[p], points=v)
                for p, v in ballot.points.items()
                if v > 0
            )
        else:
            marks.extend(
                BallotMark(community=community, ballot=row, proposal=by_id[p])
                for p in sorted(ballot.approved)
            )
    BallotMark.objects.bulk_create(marks, batch_size=5000)
    computing.decide(cycle)
    record_audit(
        actor=actor,
        action="budgeting.imported",
        obj=cycle,
        summary=gettext_noop("Imported the pabulib file %(name)s (%(voters)s ballots) as “%(cycle)s”."),
        params={"name": name, "voters": len(election.ballots), "cycle": cycle.title},
        community=community,
    )
    return cycle
