"""Ballots: a voter casts or replaces theirs while voting is open, for their own district's projects."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting.models import (
    BallotKind,
    BallotMark,
    BudgetBallot,
    Cycle,
    CycleStatus,
    District,
    Proposal,
    ProposalStatus,
)
from comity.budgeting.selectors import district_of, home_building
from comity.budgeting.services.common import _locked_cycle, _require_status
from comity.budgeting.wording import fen_amount_text
from comity.foundation.audit import record_audit
from comity.foundation.services import service, when


def _audit(actor: User, cycle: Cycle, action: str, summary: str, ballot: BudgetBallot) -> None:
    record_audit(
        actor=actor,
        action=f"budgeting.{action}",
        obj=ballot,
        summary=summary,
        params={"cycle": cycle.title},
        community=cycle.community,
    )


def _require_accepting(cycle: Cycle) -> None:
    _require_status(cycle, CycleStatus.VOTING)
    if cycle.voting_closes_at is not None and timezone.now() >= cycle.voting_closes_at:
        raise ValidationError(
            _("Voting closed on %(date)s") % {"date": when(cycle.voting_closes_at)}, code="cycle_late"
        )


def _validate_marks(
    cycle: Cycle, district: District, marks: list[tuple[int, int]]
) -> list[tuple[Proposal, int]]:
    """Check a ballot's marks — (proposal pk, points or rank) — against the ballot kind; return them with their
    proposals. Every refusal says what to change."""
    on_ballot = {p.pk: p for p in district.proposals.filter(status=ProposalStatus.ON_BALLOT)}
    if not marks:
        raise ValidationError(_("Choose at least one project."), code="ballot_empty")
    ids = [pk for pk, _value in marks]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Each project can appear on your ballot only once."), code="ballot_duplicate")
    unknown = [pk for pk in ids if pk not in on_ballot]
    if unknown:
        raise ValidationError(_("That project is not on your district's ballot."), code="ballot_unknown")
    chosen = [(on_ballot[pk], value) for pk, value in marks]
    kind = cycle.ballot_kind
    if (
        kind in (BallotKind.APPROVAL, BallotKind.RANKED)
        and cycle.max_choices
        and len(chosen) > cycle.max_choices
    ):
        raise ValidationError(
            _("You can choose at most %(max)s projects; you chose %(count)s.")
            % {"max": cycle.max_choices, "count": len(chosen)},
            code="ballot_too_many",
        )
    if kind == BallotKind.KNAPSACK:
        total = sum(int(p.cost_fen or 0) for p, _value in chosen)  # in fen
        if total > district.budget_fen:
            raise ValidationError(
                _(
                    "Your projects cost %(total)s yuan, more than the budget of %(budget)s yuan. Remove %(over)s yuan."
                )
                % {
                    "total": fen_amount_text(total),
                    "budget": fen_amount_text(district.budget_fen),
                    "over": fen_amount_text(total - district.budget_fen),
                },
                code="ballot_over_budget",
            )
    if kind == BallotKind.CUMULATIVE:
        if any(value <= 0 for _p, value in chosen):
            raise ValidationError(_("Give each chosen project at least one point."), code="ballot_points")
        total = sum(value for _p, value in chosen)
        if total > cycle.points:
            raise ValidationError(
                _("You gave %(total)s points; you have %(points)s to share.")
                % {"total": total, "points": cycle.points},
                code="ballot_points",
            )
    if kind == BallotKind.RANKED:
        ranks = sorted(value for _p, value in chosen)
        if ranks != list(range(1, len(chosen) + 1)):
            raise ValidationError(
                _("Number your choices 1, 2, 3 … without gaps or repeats."), code="ballot_ranks"
            )
    return chosen


@service
def cast_ballot(actor: User, cycle: Cycle, marks: list[tuple[int, int]]) -> BudgetBallot:
    """Cast or replace the actor's ballot. One ballot per voter (the cycle's row lock and a unique constraint)."""
    cycle = _locked_cycle(cycle)
    if not actor.has_perm("budgeting.see_cycle", cycle):
        raise PermissionDenied
    _require_accepting(cycle)
    building = home_building(actor, cycle.community)
    district = district_of(actor, cycle, building)
    if district is None:
        raise ValidationError(
            _("Only residents of the community with a verified home in one of its districts vote."),
            code="ballot_not_voter",
        )
    chosen = _validate_marks(cycle, district, marks)
    ballot, created = BudgetBallot.objects.update_or_create(
        cycle=cycle,
        voter=actor,
        defaults={
            "community_id": cycle.community_id,
            "district": district,
            "cast_at": timezone.now(),
            "group": building.name if building else "",
        },
    )
    ballot.marks.all().delete()
    ranked = cycle.ballot_kind == BallotKind.RANKED
    BallotMark.objects.bulk_create(
        BallotMark(
            community_id=cycle.community_id,
            ballot=ballot,
            proposal=proposal,
            points=value if cycle.ballot_kind == BallotKind.CUMULATIVE else 1,
            rank=value if ranked else None,
        )
        for proposal, value in chosen
    )
    _audit(
        actor,
        cycle,
        "ballot_cast" if created else "ballot_replaced",
        gettext_noop("Voted in “%(cycle)s”.")
        if created
        else gettext_noop("Changed their ballot in “%(cycle)s”."),
        ballot,
    )
    return ballot
