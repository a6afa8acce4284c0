"""Every budgeting row carries its community, copied from its parent by the services, so the data can be
distributed by community: ledger entries (their fund's), districts, proposals, ballots and outcomes (their cycle's),
ballot marks (their ballot's), milestones and ratings (their proposal's); and a district's budget and a rating are
in the audit log like every other write."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.budgeting import services
from comity.budgeting.models import (
    BallotMark,
    BudgetBallot,
    District,
    LedgerEntry,
    Milestone,
    Outcome,
    Proposal,
    Rating,
)

from ..cast import World
from .budgeting import make_cycle

#: Model → the path from the row to its parent's community.
PARENT_COMMUNITY = {
    LedgerEntry: "fund__community",
    District: "cycle__community",
    Proposal: "cycle__community",
    BudgetBallot: "cycle__community",
    Outcome: "cycle__community",
    BallotMark: "ballot__community",
    Milestone: "proposal__community",
    Rating: "proposal__community",
}


def test_every_row_carries_its_parents_community(world: World) -> None:
    scenario = make_cycle(world, stage="closed")
    staff = world.user("committee_staff")
    c = scenario.projects["C"]
    c.refresh_from_db()
    milestone = services.add_milestone(staff, c, {"title": "Order", "due_on": timezone.localdate()})
    services.complete_milestone(staff, milestone, timezone.localdate())
    services.accept_delivery(staff, c, timezone.localdate(), "Inspected with two residents.")
    services.rate(scenario.voters["rui"], c, 4, "Nice.")
    for model, parent in PARENT_COMMUNITY.items():
        rows = model._default_manager.all()
        assert rows.exists(), model.__name__
        assert not rows.exclude(community=F(parent)).exists(), model.__name__
        assert set(rows.values_list("community", flat=True)) == {world.harmony.pk}, model.__name__
    assert AuditEntry.objects.filter(action="budgeting.district_added", community=world.harmony).count() == 1
    assert AuditEntry.objects.filter(action="budgeting.project_rated", community=world.harmony).count() == 1
