"""The consultation services: running a consultation, statements, votes, moderation, and every refusal.

Every refusal asserts that nothing was written: no vote, no statement, no audit entry.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.consultations import services
from comity.consultations.models import Analysis, Consultation, DecisionDraft, Moderation, Statement, Vote
from comity.structure.models import AreaKind

from ..cast import World
from ..factories import AreaFactory
from .consultations import SEEDS, make_consultation, second_building_resident


def _writes() -> tuple[int, int, int, int]:
    return (
        Vote.objects.count(),
        Statement.objects.count(),
        AuditEntry.objects.count(),
        DecisionDraft.objects.count(),
    )


def _statement(consultation: Consultation, number: int) -> Statement:
    return Statement.objects.get(consultation=consultation, number=number)


# --- running a consultation --------------------------------------------------------------------------------


def test_staff_create_a_draft_with_seed_statements_numbered_from_zero(world: World) -> None:
    consultation = make_consultation(world, publish=False)

    assert consultation.status == "draft"
    statements = list(consultation.statements.order_by("number").values_list("number", "text", "is_seed"))
    assert statements == [(0, SEEDS[0], True), (1, SEEDS[1], True), (2, SEEDS[2], True)]
    assert set(consultation.statements.values_list("moderation", flat=True)) == {"accepted"}
    assert consultation.statements.filter(author__isnull=False).count() == 0
    assert Analysis.objects.get(consultation=consultation).dirty
    entry = AuditEntry.objects.get(action="consultation.create")
    assert entry.text == "Created the consultation “Our courtyard” with 3 seed statements"
    assert entry.actor == world.user("committee_staff")


def test_the_street_office_runs_consultations_too(world: World) -> None:
    consultation = services.create_consultation(
        world.user("street_official"),
        world.harmony,
        title="Street lights",
        question="Where are lights missing?",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=3),
        seed_statements=["The lane behind building 1 is dark."],
    )
    assert consultation.created_by == world.user("street_official")


@pytest.mark.parametrize("role", ["resident", "owner", "grid_worker", "ngo_staff", "other_resident"])
def test_only_committee_and_street_staff_create_consultations(world: World, role: str) -> None:
    before = _writes()
    with pytest.raises(PermissionDenied):
        services.create_consultation(
            world.user(role),
            world.harmony,
            title="Mine",
            question="Q?",
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=1),
        )
    assert Consultation.objects.count() == 0
    assert _writes() == before


def test_bad_dates_and_bad_seed_statements_are_refused_together_and_nothing_is_written(world: World) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.create_consultation(
            world.user("committee_staff"),
            world.harmony,
            title=" ",
            question="Q?",
            opens_at=now,
            closes_at=now - timedelta(hours=1),
            seed_statements=["Fine", "x" * 281, "", "fine  "],
        )
    errors = refused.value.message_dict
    assert errors["title"] == ["Give the consultation a title."]
    assert errors["closes_at"] == ["The consultation must close after it opens."]
    assert errors["seed_statements"] == [
        "A statement can have at most 280 characters; this one has 281.",
        "“fine” is already a statement of this consultation.",
    ]
    assert Consultation.objects.count() == 0
    assert _writes() == (0, 0, 0, 0)


def test_a_consultation_can_only_be_scoped_to_a_place_where_people_live_in_its_community(
    world: World,
) -> None:
    garden = AreaFactory(community=world.harmony, kind=AreaKind.COMMON_SPACE, code="g", name="Garden")
    elsewhere = AreaFactory(community=world.riverside, kind=AreaKind.BUILDING, code="9", name="Building 9")
    for area, message in [
        (garden, "Choose a courtyard, a building, a stairwell or a grid: people live there."),
        (elsewhere, "This place is not part of the community."),
    ]:
        with pytest.raises(ValidationError) as refused:
            make_consultation(world, publish=False, area=area)
        assert refused.value.message_dict["area"] == [message]
    assert Consultation.objects.count() == 0


def test_publishing_needs_a_statement_and_a_closing_time_ahead(world: World) -> None:
    staff = world.user("committee_staff")
    empty = make_consultation(world, publish=False, seed_statements=[])
    with pytest.raises(ValidationError, match="Add at least one seed statement"):
        services.publish_consultation(staff, empty)
    empty.refresh_from_db()
    assert not empty.published

    consultation = make_consultation(world)
    assert consultation.published
    assert consultation.status == "open"
    with pytest.raises(ValidationError, match="already published"):
        services.publish_consultation(staff, consultation)
    with pytest.raises(PermissionDenied):
        services.publish_consultation(world.user("resident"), make_consultation(world, publish=False))


def test_editing_adds_new_seed_statements_after_the_last_number_and_refuses_duplicates(world: World) -> None:
    staff = world.user("committee_staff")
    consultation = make_consultation(world)
    services.add_statement(world.user("resident"), consultation, "Plant more trees.")
    fields: dict[str, Any] = {
        "title": "Our courtyard (2)",
        "question": consultation.question,
        "background": consultation.background,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at + timedelta(days=2),
    }
    before = _writes()
    with pytest.raises(ValidationError) as refused:
        services.update_consultation(staff, consultation, **fields, new_seed_statements=["plant MORE trees."])
    assert refused.value.message_dict["new_seed_statements"] == [
        "“plant MORE trees.” is already a statement of this consultation."
    ]
    assert _writes() == before

    services.update_consultation(staff, consultation, **fields, new_seed_statements=["Add a bike shed.", ""])
    consultation.refresh_from_db()
    assert consultation.title == "Our courtyard (2)"
    assert _statement(consultation, 4).text == "Add a bike shed."
    assert _statement(consultation, 4).is_seed
    entry = AuditEntry.objects.filter(action="consultation.update").get()
    old_closing = (fields["closes_at"] - timedelta(days=2)).isoformat()
    assert entry.changes["before"] == {"title": "Our courtyard", "closes_at": old_closing}
    assert entry.changes["seed_statements_added"] == ["Add a bike shed."]


# --- votes --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["resident", "owner"])
def test_residents_and_owners_vote_agree_disagree_or_pass(world: World, role: str) -> None:
    consultation = make_consultation(world)
    user = world.user(role)
    for number, value in [(0, 1), (1, -1), (2, 0)]:
        services.cast_vote(user, _statement(consultation, number), value)
    votes = sorted(Vote.objects.values_list("statement__number", "value", "participant", "consultation"))
    assert votes == [
        (0, 1, user.pk, consultation.pk),
        (1, -1, user.pk, consultation.pk),
        (2, 0, user.pk, consultation.pk),
    ]
    assert set(Vote.objects.values_list("community", flat=True)) == {world.harmony.pk}


def test_a_second_vote_changes_the_first_and_keeps_one_row(world: World) -> None:
    consultation = make_consultation(world)
    statement = _statement(consultation, 0)
    resident = world.user("resident")
    first_at = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(first_at, tick=False):
        services.cast_vote(resident, statement, 1)
    with time_machine.travel(first_at + timedelta(hours=2), tick=False):
        services.cast_vote(resident, statement, -1)
        services.cast_vote(resident, statement, -1)

    vote = Vote.objects.get()
    assert vote.value == -1
    assert vote.created_at == first_at
    assert vote.updated_at == first_at + timedelta(hours=2)


def test_the_database_refuses_a_second_row_for_the_same_participant_and_statement(world: World) -> None:
    consultation = make_consultation(world)
    vote = services.cast_vote(world.user("resident"), _statement(consultation, 0), 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            community=world.harmony,
            consultation=consultation,
            statement=vote.statement,
            participant=vote.participant,
            value=0,
            created_at=vote.created_at,
            updated_at=vote.updated_at,
        )
    assert Vote.objects.count() == 1


def test_a_vote_on_a_closed_consultation_is_refused_with_its_closing_date(world: World) -> None:
    consultation = make_consultation(world)
    services.cast_vote(world.user("resident"), _statement(consultation, 0), 1)
    before = _writes()
    with time_machine.travel(consultation.closes_at + timedelta(minutes=1), tick=False):
        assert consultation.status == "closed"
        with pytest.raises(ValidationError) as refused:
            services.cast_vote(world.user("resident"), _statement(consultation, 0), -1)
        with pytest.raises(ValidationError):
            services.cast_vote(world.user("owner"), _statement(consultation, 1), 1)
    assert refused.value.messages[0].startswith("This consultation closed on ")
    assert refused.value.messages[0].endswith("; votes can no longer be cast or changed.")
    assert _writes() == before
    assert Vote.objects.get().value == 1


def test_a_vote_before_the_consultation_opens_is_refused(world: World) -> None:
    consultation = make_consultation(world, opens_at=timezone.now() + timedelta(days=2))
    assert consultation.status == "upcoming"
    with pytest.raises(ValidationError) as refused:
        services.cast_vote(world.user("resident"), _statement(consultation, 0), 1)
    assert refused.value.messages[0].startswith("This consultation opens on ")
    assert Vote.objects.count() == 0


def test_a_vote_on_a_draft_is_refused(world: World) -> None:
    consultation = make_consultation(world, publish=False)
    with pytest.raises(ValidationError, match="has not been published yet"):
        services.cast_vote(world.user("resident"), _statement(consultation, 0), 1)
    assert Vote.objects.count() == 0


def test_votes_on_pending_or_rejected_statements_are_refused(world: World) -> None:
    consultation = make_consultation(world, strict_moderation=True)
    pending = services.add_statement(world.user("resident"), consultation, "Ban dogs from the lawn.")
    rejected = _statement(consultation, 1)
    services.moderate(world.user("committee_staff"), rejected, accept=False, reason="Not our matter")
    before = _writes()
    with pytest.raises(ValidationError, match="still waiting for review"):
        services.cast_vote(world.user("owner"), pending, 1)
    with pytest.raises(ValidationError, match="was taken down"):
        services.cast_vote(world.user("owner"), rejected, 1)
    assert _writes() == before
    assert Vote.objects.count() == 0


def test_a_vote_must_be_agree_disagree_or_pass(world: World) -> None:
    consultation = make_consultation(world)
    with pytest.raises(ValidationError) as refused:
        services.cast_vote(world.user("resident"), _statement(consultation, 0), 2)
    assert refused.value.message_dict == {"value": ["Choose agree, disagree or pass."]}
    assert Vote.objects.count() == 0


@pytest.mark.parametrize(
    "role",
    ["other_resident", "grid_worker", "committee_staff", "street_official", "ngo_staff", "platform_staff"],
)
def test_only_residents_and_owners_vote(world: World, role: str) -> None:
    consultation = make_consultation(world)
    with pytest.raises(PermissionDenied):
        services.cast_vote(world.user(role), _statement(consultation, 0), 1)
    with pytest.raises(PermissionDenied):
        services.add_statement(world.user(role), consultation, "A new idea.")
    assert _writes()[:2] == (0, 3)


def test_an_area_scoped_consultation_refuses_residents_of_other_buildings(world: World) -> None:
    bai, building_2 = second_building_resident(world)
    consultation = make_consultation(world, area=building_2)
    statement = _statement(consultation, 0)
    for role in ["resident", "owner"]:
        with pytest.raises(PermissionDenied):
            services.cast_vote(world.user(role), statement, 1)
        with pytest.raises(PermissionDenied):
            services.add_statement(world.user(role), consultation, f"An idea from {role}.")
    assert Vote.objects.count() == 0

    services.cast_vote(bai, statement, 1)
    services.add_statement(bai, consultation, "A bench by the door of building 2.")
    assert Vote.objects.get().participant == bai


@pytest.mark.parametrize("scope", ["building", "stairwell", "zone", "grid"])
def test_the_area_includes_its_stairwells_its_zone_and_its_grid(world: World, scope: str) -> None:
    if scope == "zone":
        area = AreaFactory(community=world.harmony, kind=AreaKind.ZONE, code="north", name="North court")
        world.building.parent = area
        world.building.save()
    elif scope == "grid":
        area = AreaFactory(community=world.harmony, kind=AreaKind.GRID, code="g1", name="Grid 1")
        area.grid_buildings.add(world.building)
    else:
        area = getattr(world, scope)
    consultation = make_consultation(world, area=area)
    services.cast_vote(world.user("resident"), _statement(consultation, 0), 1)
    services.cast_vote(world.user("owner"), _statement(consultation, 0), -1)
    assert Vote.objects.count() == 2


def test_votes_and_moderation_mark_the_analysis_for_recomputation(world: World) -> None:
    consultation = make_consultation(world)
    Analysis.objects.filter(consultation=consultation).update(dirty=False, requested_at=None)
    services.cast_vote(world.user("resident"), _statement(consultation, 0), 1)
    analysis = Analysis.objects.get(consultation=consultation)
    assert analysis.dirty
    assert analysis.requested_at is not None

    Analysis.objects.filter(consultation=consultation).update(dirty=False)
    services.moderate(world.user("committee_staff"), _statement(consultation, 2), accept=True, is_meta=True)
    assert Analysis.objects.get(consultation=consultation).dirty

    Analysis.objects.filter(consultation=consultation).delete()
    services.mark_analysis_dirty(consultation)
    assert Analysis.objects.get(consultation=consultation).dirty


def test_votes_stay_out_of_the_audit_log(world: World) -> None:
    consultation = make_consultation(world)
    before = AuditEntry.objects.count()
    services.cast_vote(world.user("resident"), _statement(consultation, 0), 1)
    assert AuditEntry.objects.count() == before


# --- statements ---------------------------------------------------------------------------------------------


def test_a_residents_statement_appears_at_once_without_strict_moderation(world: World) -> None:
    consultation = make_consultation(world)
    statement = services.add_statement(world.user("resident"), consultation, "  Plant   more trees.  ")

    assert (statement.number, statement.text, statement.moderation) == (3, "Plant more trees.", "accepted")
    assert statement.author == world.user("resident")
    assert not statement.is_seed
    entry = AuditEntry.objects.get(action="consultation.statement_add")
    assert entry.text == "Added statement #3 to the consultation “Our courtyard”"


def test_with_strict_moderation_a_statement_waits_for_review(world: World) -> None:
    consultation = make_consultation(world, strict_moderation=True)
    statement = services.add_statement(world.user("owner"), consultation, "Plant more trees.")
    assert statement.moderation == Moderation.PENDING


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write a statement."),
        ("   \n ", "Write a statement."),
        ("长" * 281, "A statement can have at most 280 characters; this one has 281."),
        (
            "the courtyard NEEDS   more benches.",
            "“the courtyard NEEDS more benches.” is already a statement of this consultation.",
        ),
    ],
)
def test_empty_too_long_or_duplicate_statements_are_refused(world: World, text: str, message: str) -> None:
    consultation = make_consultation(world)
    before = _writes()
    with pytest.raises(ValidationError) as refused:
        services.add_statement(world.user("resident"), consultation, text)
    assert refused.value.message_dict == {"text": [message]}
    assert _writes() == before


def test_a_statement_of_exactly_280_characters_is_accepted(world: World) -> None:
    consultation = make_consultation(world)
    assert len(services.add_statement(world.user("resident"), consultation, "长" * 280).text) == 280


def test_statements_are_refused_when_closed_or_not_allowed(world: World) -> None:
    consultation = make_consultation(world)
    no_statements = make_consultation(world, title="Votes only", allow_statements=False)
    before = _writes()
    with pytest.raises(ValidationError, match="does not take statements from residents"):
        services.add_statement(world.user("resident"), no_statements, "A new idea.")
    with (
        time_machine.travel(consultation.closes_at + timedelta(seconds=1), tick=False),
        pytest.raises(ValidationError, match="it takes no more statements"),
    ):
        services.add_statement(world.user("resident"), consultation, "A new idea.")
    assert _writes() == before


# --- moderation and decision drafts -------------------------------------------------------------------------


def test_taking_a_statement_down_needs_a_reason_that_its_author_reads(world: World) -> None:
    consultation = make_consultation(world)
    statement = services.add_statement(world.user("resident"), consultation, "Fine the family in 1-103.")
    staff = world.user("committee_staff")
    before = _writes()
    with pytest.raises(ValidationError) as refused:
        services.moderate(staff, statement, accept=False, reason="  ")
    assert refused.value.message_dict == {
        "reason": ["Say why the statement is not accepted; its author will read it."]
    }
    assert _writes() == before

    services.moderate(staff, statement, accept=False, reason="It names a household.")
    statement.refresh_from_db()
    assert (statement.moderation, statement.moderation_reason) == ("rejected", "It names a household.")
    assert statement.moderated_by == staff
    assert statement.moderated_at is not None
    assert AuditEntry.objects.filter(action="consultation.moderate").get().text == (
        "Took down statement #3 of the consultation “Our courtyard”"
    )

    services.moderate(staff, statement, accept=True)
    statement.refresh_from_db()
    assert (statement.moderation, statement.moderation_reason) == ("accepted", "")


@pytest.mark.parametrize("role", ["resident", "owner", "grid_worker", "ngo_staff", "other_resident"])
def test_only_staff_moderate(world: World, role: str) -> None:
    consultation = make_consultation(world)
    before = _writes()
    with pytest.raises(PermissionDenied):
        services.moderate(world.user(role), _statement(consultation, 0), accept=False, reason="No")
    assert _statement(consultation, 0).moderation == "accepted"
    assert _writes() == before


def test_a_decision_draft_comes_from_accepted_statements(world: World) -> None:
    consultation = make_consultation(world)
    staff = world.user("committee_staff")
    services.moderate(staff, _statement(consultation, 1), accept=False, reason="Off topic")
    with pytest.raises(ValidationError) as refused:
        services.create_decision_draft(
            staff, consultation, title="Benches", body="Buy 4.", statement_numbers=[0, 1, 9]
        )
    assert refused.value.message_dict == {
        "statements": ["These are not accepted statements of the consultation: #1, #9."]
    }
    with pytest.raises(PermissionDenied):
        services.create_decision_draft(world.user("resident"), consultation, title="B", body="B")
    assert DecisionDraft.objects.count() == 0

    draft = services.create_decision_draft(
        staff, consultation, title="Benches", body="Buy four benches.", statement_numbers=[2, 0, 0]
    )
    assert draft.statement_numbers == [0, 2]
    assert draft.community == world.harmony


# --- the app's claims ----------------------------------------------------------------------------------------


def _declared(function: Any) -> dict[str, Any]:
    """How ``@service`` declared a function: audited or not, and why not."""
    declaration: dict[str, Any] = function.__comity_service__
    return declaration


def test_every_public_service_is_declared_and_says_why_when_unaudited() -> None:
    import importlib
    import inspect
    import pkgutil

    from comity.foundation.services import is_service

    package = importlib.import_module("comity.consultations.services")
    undeclared = []
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if not is_service(function):
                undeclared.append(f"{module.__name__}.{name}")
            elif not _declared(function)["audited"]:
                assert _declared(function)["reason"], name
    assert undeclared == []
    assert not _declared(services.cast_vote)["audited"]
    assert _declared(services.add_statement)["audited"]


def test_every_row_the_services_write_carries_its_consultations_community(world: World) -> None:
    consultation = make_consultation(world)
    staff = world.user("committee_staff")
    statement = services.add_statement(world.user("resident"), consultation, "More trees along the wall.")
    services.cast_vote(world.user("resident"), _statement(consultation, 0), 1)
    services.moderate(staff, statement, accept=False, reason="Duplicate of #0.")
    services.create_decision_draft(
        staff, consultation, title="Benches", body="Two benches.", statement_numbers=[0]
    )
    expected = {consultation.community_id}
    for model in (Statement, Vote, Analysis, DecisionDraft):
        communities = set(
            model.objects.filter(consultation=consultation).values_list("community_id", flat=True)
        )
        assert communities == expected, model.__name__
