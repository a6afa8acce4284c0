"""Every row of a decision carries the decision's community, and the writes that had no audit entry have one.

The community is denormalised onto every table of a decision (so the data can be distributed by community); the
services set it from the decision, and these tests walk a whole vote to see that no row is left with another.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.decisions import selectors, services
from comity.decisions.models import (
    AffectedUnit,
    Ballot,
    CostPlan,
    DecisionOption,
    Elector,
    LogEntry,
    Mediation,
    MinorityStatement,
    Objection,
    Participation,
    ProxyAuthorization,
)
from comity.engine.money import Fen

from .decisions import Estate, end_voting, make_decision, make_estate

pytestmark = pytest.mark.django_db

ROWS = (
    AffectedUnit,
    Ballot,
    CostPlan,
    DecisionOption,
    Elector,
    LogEntry,
    Mediation,
    MinorityStatement,
    Objection,
    Participation,
    ProxyAuthorization,
)


@pytest.fixture
def estate(world: Any) -> Estate:
    return make_estate(world)


def _own(user: Any, decision: Any) -> Elector:
    return next(e.elector for e in selectors.electors_for(user, decision) if not e.proxy)


def test_every_row_of_a_vote_carries_the_decisions_community(world: Any, estate: Estate) -> None:
    staff, official = world.user("committee_staff"), world.user("street_official")
    decision = make_decision(world, estate, open_now=False, affected=[estate.units["101"]])
    services.set_cost_plan(staff, decision, {"total_fen": Fen(60_000_000), "method": "area"})
    make_decision(
        world,
        estate,
        open_now=False,
        rule_name="civil-code-278-ordinary",
        ballot_kind="approval",
        options=["North", "South"],
    )
    services.open_voting(staff, decision)
    decision.refresh_from_db()
    proxy_for = Elector.objects.get(decision=decision, units="5-602")
    services.record_proxy(
        staff, decision, proxy_for, estate.owners["302"].person, "file 1", timezone.localdate()
    )
    developer = Elector.objects.get(decision=decision, key="developer")
    services.enter_paper_ballot(staff, decision, developer, "P-1", choice="yes")
    paper = Participation.objects.get(decision=decision, elector=developer)
    services.check_paper_ballot(official, decision, paper.pk, matches=True)
    for number, choice in (("302", "yes"), ("401", "no")):
        user = estate.owners[number]
        services.cast_ballot(user, decision, _own(user, decision).pk, choice)
    services.cast_ballot(estate.owners["302"], decision, proxy_for.pk, "yes")
    objector = estate.owners["401"]
    objection = services.submit_objection(objector, decision, _own(objector, decision).pk, "My light.")
    services.record_mediation(
        staff,
        decision,
        objection_id=objection.pk,
        held_on=timezone.localdate(),
        attendees="Owner 401, staff",
        record="Talked it through.",
        outcome="continuing",
    )
    end_voting(decision)
    services.close_decision(staff, decision)
    decision.refresh_from_db()
    outvoted = services.add_minority_statement(
        estate.owners["302"], decision, _own(estate.owners["302"], decision).pk, "We wanted the lift."
    )
    assert outvoted.community_id == decision.community_id
    for model in ROWS:
        rows = model.objects.filter(decision__community=decision.community)
        assert rows.exists(), model.__name__
        assert set(rows.values_list("community_id", flat=True)) == {decision.community_id}, model.__name__


def test_removing_an_affected_unit_is_audited(world: Any, estate: Estate) -> None:
    staff = world.user("committee_staff")
    decision = make_decision(world, estate, open_now=False, affected=[estate.units["101"]])
    affected = AffectedUnit.objects.get(decision=decision)
    services.remove_affected_unit(staff, decision, affected.pk)
    assert not AffectedUnit.objects.filter(decision=decision).exists()
    entry = AuditEntry.objects.filter(action="decisions.affected").latest("pk")
    assert (entry.actor, entry.community) == (staff, decision.community)


def test_an_objection_and_its_withdrawal_are_audited(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    objection = services.submit_objection(owner, decision, _own(owner, decision).pk, "It takes my light.")
    services.withdraw_objection(owner, decision, objection.pk)
    actions = list(
        AuditEntry.objects.filter(actor=owner, action__startswith="decisions.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["decisions.objection", "decisions.objection_withdrawn"]


def test_a_cost_plan_takes_its_amounts_in_fen(world: Any, estate: Estate) -> None:
    staff = world.user("committee_staff")
    decision = make_decision(world, estate, open_now=False)
    plan = services.set_cost_plan(
        staff,
        decision,
        {
            "total_fen": Fen(100_000),
            "method": "area",
            "subsidy_percent": Decimal("10"),
            "subsidy_cap_fen": None,
        },
    )
    assert plan.plan["total_fen"] == 100_000
    assert plan.plan["subsidy_fen"] == 10_000
    assert sum(share["amount_fen"] for share in plan.plan["shares"]) == 90_000
    assert plan.community_id == decision.community_id
    assert timezone.now() - plan.updated_at < timedelta(minutes=1)
