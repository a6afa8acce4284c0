"""Decision services with hand-computed counts on stairwell 5-1 (see ``tests/apps/decisions.py``).

Register of 5-1: the developer (101 + 102, 120 m², one voter), Wang (201 + 202, 130 m², one voter), Li and Zhao
(301, 70 m², one voter together), and one owner each for 302 (70), 401 (80), 402 (80), 501 (85), 502 (85),
601 (90) and 602 (90): ten voters, 900 m².
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from comity.decisions import selectors, services
from comity.decisions.closing import close_due_decisions, verify_decision_log
from comity.decisions.computing import count
from comity.decisions.models import Ballot, Decision, DecisionStatus, Elector, LogEntry, Participation
from comity.engine.decisions.ballot_log import receipt_hash
from comity.structure.models import Unit

from .decisions import Estate, end_voting, make_decision, make_estate, vote_for

pytestmark = pytest.mark.django_db

#: 130 + 70 + 70 + 80 + 80 + 85 + 85 = 600 m² = exactly 2/3 of 900 m², and 7 of 10 owners.
TWO_THIRDS_BY_AREA = ("201", "301", "302", "401", "402", "501", "502")


def _threshold(result: dict[str, Any], stage: str, basis: str) -> dict[str, Any]:
    return next(t for t in result["thresholds"] if t["stage"] == stage and t["basis"] == basis)


@pytest.fixture
def estate(world: Any) -> Estate:
    return make_estate(world)


def _owners(estate: Estate, numbers: tuple[str, ...]) -> list[Any]:
    return list(dict.fromkeys(estate.owners[n] for n in numbers))


def test_register_counts_owners_as_the_supreme_peoples_court_does(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    electors = {e.key: e for e in decision.electors.all()}
    assert len(electors) == 10
    assert sum(e.area for e in electors.values()) == Decimal("900.00")
    developer = electors["developer"]
    assert (developer.area, developer.developer, developer.units) == (Decimal("120.00"), True, "5-101, 5-102")
    wang = next(e for e in electors.values() if "5-201" in e.units)
    assert (wang.area, wang.units) == (Decimal("130.00"), "5-201, 5-202")
    couple = next(e for e in electors.values() if e.units == "5-301")
    assert couple.persons.count() == 2  # Li and Zhao hold one vote together
    assert decision.rule_version == 1
    assert decision.log_length == 1
    opened = LogEntry.objects.get(decision=decision, sequence=1).content
    assert opened["type"] == "opened"
    assert opened["electors"] == 10


def test_a_unit_without_owner_counts_in_the_total_but_nobody_votes_for_it(world: Any, estate: Estate) -> None:
    from ..factories import UnitFactory

    UnitFactory(
        building=estate.building,
        stairwell=estate.stairwell,
        number="701",
        floor=7,
        exclusive_area=Decimal("100"),
    )
    decision = make_decision(world, estate, open_now=False)
    summary = services.open_voting(world.user("committee_staff"), decision)
    assert summary == {"electors": 11, "unowned": 1, "age_unknown": 0}
    orphan = Elector.objects.get(decision=decision, units="5-701")
    assert orphan.persons.count() == 0
    result = count(decision)
    assert result["totals"]["area"]["eligible"] == "1000"


def test_exactly_two_thirds_by_area_meets_participation(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, _owners(estate, TWO_THIRDS_BY_AREA))
    result = count(decision)
    by_area = _threshold(result, "participation", "area")
    assert Fraction(by_area["share"]) == Fraction(2, 3)
    assert by_area["passed"] is True
    by_head = _threshold(result, "participation", "headcount")
    assert (by_head["value"], by_head["total"], by_head["passed"]) == ("7", "10", True)
    # the developer's units are affected: every threshold is met, the separate consent is not
    assert all(t["passed"] for t in result["thresholds"])
    assert result["affected_consent"]["passed"] is True  # nothing declared affected in this decision
    assert result["passed"] is True


def test_one_square_metre_short_of_two_thirds_fails(world: Any, estate: Estate) -> None:
    Unit.objects.filter(pk=estate.units["502"].pk).update(exclusive_area=Decimal("84.00"))
    decision = make_decision(world, estate)
    vote_for(decision, _owners(estate, TWO_THIRDS_BY_AREA))
    result = count(decision)
    assert _threshold(result, "participation", "area")["passed"] is False  # 599 of 899 < 2/3
    assert result["passed"] is False
    shortfall = next(s for s in result["shortfalls"] if s["basis"] == "area")
    assert Fraction(shortfall["more"]) == Fraction(899 * 2, 3) - 599


def test_abstentions_take_part_but_do_not_agree(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, _owners(estate, ("201", "301", "302", "401", "402")), "yes")
    vote_for(decision, _owners(estate, ("501", "502")), "abstain")
    result = count(decision)
    assert _threshold(result, "participation", "headcount")["passed"] is True
    approval = _threshold(result, "approval", "headcount")
    assert (approval["value"], approval["total"], approval["passed"]) == ("5", "7", False)  # 5/7 < 3/4
    area = _threshold(result, "approval", "area")
    assert (area["value"], area["total"]) == ("430", "600")


def test_affected_owner_must_consent_separately(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate, affected=[estate.units["601"]])
    vote_for(decision, _owners(estate, ("201", "301", "302", "401", "402", "501", "502", "602")))
    result = count(decision)
    assert all(t["passed"] for t in result["thresholds"])
    assert result["affected_consent"]["passed"] is False
    assert result["passed"] is False
    vote_for(decision, [estate.owners["601"]], "yes")
    assert count(decision)["passed"] is True


def test_the_developer_votes_once_on_paper_with_a_second_check(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate, affected=[estate.units["101"]])
    staff, official = world.user("committee_staff"), world.user("street_official")
    developer = Elector.objects.get(decision=decision, key="developer")
    receipt = services.enter_paper_ballot(staff, decision, developer, "P-001", choice="yes")
    assert not Participation.objects.get(decision=decision, elector=developer).counted
    assert count(decision)["affected_consent"]["consenting"] == []
    participation = Participation.objects.get(decision=decision, elector=developer)
    with pytest.raises(ValidationError, match="Someone other than"):
        services.check_paper_ballot(staff, decision, participation.pk, matches=True)
    services.check_paper_ballot(official, decision, participation.pk, matches=True)
    # the published count names the developer by its ballot-log pseudonym, never by the register's key (ADR 0012)
    assert count(decision)["affected_consent"]["consenting"] == [developer.pseudonym]
    assert selectors.check_receipt(decision, receipt).entry is not None
    with pytest.raises(ValidationError, match="already been received"):
        services.enter_paper_ballot(staff, decision, developer, "P-002", choice="no")


def test_secret_ballots_cannot_be_linked_to_voters(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate, rule_name="civil-code-278-ordinary", secret=True)
    receipts = vote_for(decision, _owners(estate, ("302", "401", "402")), "no")
    receipts += vote_for(decision, _owners(estate, TWO_THIRDS_BY_AREA), "yes")
    assert Ballot.objects.filter(decision=decision, participation__isnull=False).count() == 0
    assert {f.name for f in Ballot._meta.get_fields()}.isdisjoint({"created_at", "cast_at", "elector"})
    live = count(decision)
    assert live["hidden"] is True
    assert live["totals"]["headcount"]["approving"] == "0"
    during = [e.content for e in LogEntry.objects.filter(decision=decision, sequence__gt=1)]
    assert all(c["type"] == "participation" and "choice" not in c for c in during)
    end_voting(decision)
    services.close_decision(world.user("committee_staff"), decision)
    decision.refresh_from_db()
    sealed = [
        e.content
        for e in LogEntry.objects.filter(decision=decision, content__type="sealed-ballot").order_by(
            "sequence"
        )
    ]
    assert [c["receipt"] for c in sealed] == sorted(receipt_hash(r) for r in receipts)
    assert decision.result["totals"]["headcount"]["approving"] == "4"  # 201, 301, 501, 502
    assert decision.result["totals"]["headcount"]["rejecting"] == "3"
    assert decision.passed is True  # 7/10 and 600/900 take part; 4/7 and 340/600 agree > 1/2
    assert all(selectors.check_receipt(decision, r).entry is not None for r in receipts)


def test_a_secret_ballot_is_refused_where_affected_owners_must_consent(world: Any, estate: Estate) -> None:
    with pytest.raises(ValidationError) as refused:
        make_decision(world, estate, secret=True)
    assert "cannot be secret" in str(refused.value.message_dict["secret"])
    assert not Decision.objects.exists()


def test_only_those_on_the_register_vote(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    owner_elsewhere = world.user("owner")  # owns 1-101, not in stairwell 5-1
    assert selectors.electors_for(owner_elsewhere, decision) == []
    elector = Elector.objects.get(decision=decision, units="5-302")
    with pytest.raises(PermissionDenied):
        services.cast_ballot(owner_elsewhere, decision, elector.pk, "yes")
    assert not Participation.objects.exists()
    assert decision.log_entries.count() == 1


def test_co_owners_share_one_ballot(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["301"]], "yes")
    assert [e.voted for e in selectors.electors_for(estate.zhao, decision)] == [True]
    couple = Elector.objects.get(decision=decision, units="5-301")
    with pytest.raises(ValidationError, match="already been received"):
        services.cast_ballot(estate.zhao, decision, couple.pk, "no")
    assert Ballot.objects.get(participation__elector=couple).choice == "yes"


def test_a_proxy_votes_for_the_owner_who_authorized_them(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    staff = world.user("committee_staff")
    elector = Elector.objects.get(decision=decision, units="5-602")
    proxy = estate.owners["302"].person
    services.record_proxy(staff, decision, elector, proxy, "file 2026-17", timezone.localdate())
    mine = {e.elector.units: e.proxy for e in selectors.electors_for(estate.owners["302"], decision)}
    assert mine == {"5-302": False, "5-602": True}
    services.cast_ballot(estate.owners["302"], decision, elector.pk, "no")
    assert Participation.objects.get(elector=elector).channel == "proxy"
    with pytest.raises(ValidationError) as late:
        services.record_proxy(
            staff, decision, elector, estate.owners["401"].person, "x", timezone.localdate()
        )
    assert "already voted" in str(late.value.message_dict["elector"])


def test_approval_and_ranked_ballots(world: Any, estate: Estate) -> None:
    options = ["Grey", "Cream", "Terracotta"]
    approval = make_decision(
        world,
        estate,
        rule_name="civil-code-278-ordinary",
        ballot_kind="approval",
        options=options,
        max_approvals=2,
    )
    for number, picked in [("201", [1, 2]), ("301", [2]), ("302", [2, 3]), ("401", [3]), ("402", [2])]:
        elector = selectors.electors_for(estate.owners[number], approval)[0].elector
        services.cast_ballot(estate.owners[number], approval, elector.pk, selection=picked)
    result = count(approval)
    assert result["order"][0] == "2"
    assert result["winner"] is None
    approvals = {o["option"]: o["approvals"] for o in result["options"]}
    assert approvals["2"] == {"area": "350", "headcount": "4"}
    elector = selectors.electors_for(estate.owners["501"], approval)[0].elector
    with pytest.raises(ValidationError, match="at most 2"):
        services.cast_ballot(estate.owners["501"], approval, elector.pk, selection=[1, 2, 3])

    ranked = make_decision(
        world,
        estate,
        rule_name="civil-code-278-ordinary",
        ballot_kind="ranked",
        options=options,
        title="Colour",
    )
    ballots = {"201": {"1": 1, "2": 2}, "301": {"2": 1}, "302": {"2": 1, "3": 2}, "401": {"3": 1, "2": 2}}
    ballots |= {"402": {"2": 1}, "501": {"1": 1, "3": 1}, "502": {"2": 1, "1": 2}}
    for number, ranks in ballots.items():
        elector = selectors.electors_for(estate.owners[number], ranked)[0].elector
        services.cast_ballot(estate.owners[number], ranked, elector.pk, selection=ranks)
    assert Ballot.objects.get(decision=ranked, participation__elector__units="5-501").selection == [[1, 3]]
    result = count(ranked)
    assert result["winner"] == "2"
    assert result["schulze"]["winners"] == ["2"]


def test_close_refuses_early_and_waits_for_paper_checks(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    staff = world.user("committee_staff")
    with pytest.raises(ValidationError, match="it can be closed only then"):
        services.close_decision(staff, decision)
    developer = Elector.objects.get(decision=decision, key="developer")
    services.enter_paper_ballot(staff, decision, developer, "P-9", choice="no")
    end_voting(decision)
    sweep = close_due_decisions()
    assert sweep.closed == []
    assert "second check" in sweep.waiting[decision.pk]
    participation = Participation.objects.get(elector=developer)
    services.check_paper_ballot(world.user("street_official"), decision, participation.pk, matches=True)
    assert close_due_decisions().closed == [decision.pk]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CLOSED
    assert decision.passed is False
    assert LogEntry.objects.filter(decision=decision).last().content["type"] == "closed"
    assert verify_decision_log(decision).ok


def test_extension_is_limited_to_three_months_after_the_planned_close(world: Any, estate: Estate) -> None:
    decision = make_decision(world, estate)
    staff = world.user("committee_staff")
    planned = decision.closes_at
    with pytest.raises(ValidationError, match="at most 3 months"):
        services.extend_voting(staff, decision, planned + timedelta(days=100))
    services.extend_voting(staff, decision, planned + timedelta(days=80))
    decision.refresh_from_db()
    assert decision.planned_closes_at == planned
    assert decision.closes_at == planned + timedelta(days=80)


def test_a_failed_item_waits_a_year_before_it_is_put_again(world: Any, estate: Estate) -> None:
    failed = make_decision(world, estate)
    end_voting(failed)
    services.close_decision(world.user("committee_staff"), failed)
    failed.refresh_from_db()
    assert failed.passed is False
    with pytest.raises(ValidationError) as refused:
        make_decision(world, estate, retables=failed, open_now=False)
    assert "after 12 months" in str(refused.value.message_dict["retables"])
    later = timezone.now() + timedelta(days=370)
    again = make_decision(
        world, estate, retables=failed, open_now=False, opens_at=later, closes_at=later + timedelta(days=7)
    )
    assert again.retables == failed


def test_ballot_log_commands_find_tampering(world: Any, estate: Estate, tmp_path: Any) -> None:
    decision = make_decision(world, estate)
    receipts = vote_for(decision, _owners(estate, ("302", "401")), "yes")
    decision.refresh_from_db()
    out = StringIO()
    call_command("verify_ballot_logs", stdout=out)
    assert f"decision {decision.pk}: OK, 3 entries" in out.getvalue()

    from comity.cli import main

    path = tmp_path / "log.json"
    entries = [
        {"sequence": e.sequence, "content": e.content, "previous": e.previous, "hash": e.hash}
        for e in LogEntry.objects.filter(decision=decision).order_by("sequence")
    ]
    path.write_text(json.dumps({"head": decision.log_head, "entries": entries}), encoding="utf-8")
    assert main(["decide", "verify-log", str(path), "--receipt", receipts[1].lower()]) == 0
    entries[1]["content"]["choice"] = "no"
    path.write_text(json.dumps({"head": decision.log_head, "entries": entries}), encoding="utf-8")
    assert main(["decide", "verify-log", str(path)]) == 1

    LogEntry.objects.filter(decision=decision, sequence=2).update(content={**entries[1]["content"]})
    with pytest.raises(CommandError, match="1 ballot log"):
        call_command("verify_ballot_logs", stdout=StringIO())
    assert verify_decision_log(decision).first_bad == 2


SUBMITTERS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_ballots_of_one_owner_leave_one(world: Any) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    elector = selectors.electors_for(owner, decision)[0].elector
    choices = ["yes" if i % 2 else "no" for i in range(SUBMITTERS)]
    accepted: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def submit(choice: str, barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            accepted.append(services.cast_ballot(owner, Decision(pk=decision.pk), elector.pk, choice))
        except ValidationError as error:
            refused.append(error.messages[0])
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(SUBMITTERS)
        threads = [threading.Thread(target=submit, args=(choice, barrier)) for choice in choices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        for choice in choices:
            submit(choice, None)
    assert errors == []
    assert len(accepted) == 1
    assert len(refused) == SUBMITTERS - 1
    assert all("already been received" in message for message in refused)
    assert Participation.objects.filter(decision=decision, elector=elector).count() == 1
    assert Ballot.objects.filter(decision=decision).count() == 1
    assert LogEntry.objects.filter(decision=decision).count() == 2
    decision.refresh_from_db()
    assert decision.log_length == 2
    assert verify_decision_log(decision).ok


def test_electors_are_told_when_voting_opens_and_when_the_result_is_out(
    world: Any, estate: Estate, django_capture_on_commit_callbacks: Any
) -> None:
    from comity.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        decision = make_decision(world, estate)
    opened = Notification.objects.filter(kind="decision.opened")
    told = set(opened.values_list("recipient_id", flat=True))
    voters = {u.pk for u in estate.owners.values()} | {estate.zhao.pk}
    assert told == voters  # Wang once for two units; Li and Zhao both; nobody off the register
    assert "until" in opened.first().text
    end_voting(decision)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_decision(world.user("committee_staff"), decision)
    closed = Notification.objects.filter(kind="decision.closed")
    assert set(closed.values_list("recipient_id", flat=True)) == voters
    assert "did not pass" in closed.first().text


def test_the_admin_reads_decisions_but_writes_nothing(world: Any, estate: Estate, client: Any) -> None:
    from django.urls import reverse

    decision = make_decision(world, estate)
    client.force_login(world.user("platform_staff"))
    for model in ("decision", "logentry", "objection", "mediation", "costplan"):
        assert client.get(reverse(f"admin:decisions_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:decisions_{model}_add")).status_code == 403
    page = client.get(reverse("admin:decisions_decision_change", args=[decision.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get("/admin/decisions/ballot/").status_code == 404  # ballots are not for browsing
