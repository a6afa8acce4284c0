"""The background opinion map: computed after votes, warm-started, never lost, never stale."""

from __future__ import annotations

from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command

from comity.consultations import computing, services
from comity.consultations.models import Analysis, Moderation, Statement

from ..factories import HouseholdFactory, PersonFactory, UnitFactory, UserFactory
from .consultations import make_consultation

SPLIT = (
    "Upper floors need the lift now.",
    "The lift will block light to the ground floor.",
    "Construction noise must stop by 6 pm.",
    "The cost should be shared by floor.",
    "Ground-floor owners deserve compensation.",
    "The lift shaft takes too much of the yard.",
    "Elderly residents cannot climb six floors.",
    "We should wait for the city subsidy.",
)


def residents(world: Any, count: int, start: int = 0) -> list[Any]:
    people = []
    for index in range(start, start + count):
        floor = 1 + index % 6
        household = HouseholdFactory(
            unit=UnitFactory(building=world.building, number=f"{floor}0{index}", floor=floor)
        )
        user = UserFactory(username=f"voter{index}")
        PersonFactory(user=user, community=world.harmony, household=household, full_name=f"Voter {index}")
        people.append((user, floor))
    return people


def vote_split(world: Any, consultation: Any, people: list[Any]) -> None:
    """Upper floors (4–6) agree with #0, #6, #7 and disagree with #1, #5; lower floors the reverse; #3, #4 bridge."""
    statements = {s.number: s for s in consultation.statements.all()}
    for user, floor in people:
        upper = floor >= 4
        for number, statement in statements.items():
            if number in (0, 6, 7):
                value = 1 if upper else -1
            elif number in (1, 5):
                value = -1 if upper else 1
            elif number in (3, 4):
                value = 1
            else:
                value = floor % 3 - 1  # opinions on #2 vary within each camp
            services.cast_vote(user, statement, value)


@pytest.fixture
def split(world: Any) -> Any:
    consultation = make_consultation(world, seed_statements=list(SPLIT))
    vote_split(world, consultation, residents(world, 24))
    return consultation


def test_votes_mark_the_map_dirty_and_computing_cleans_it(split: Any) -> None:
    row = Analysis.objects.get(consultation=split)
    assert row.dirty
    assert row.computed_at is None
    computed = computing.compute_analysis(split.pk)
    assert computed is not None
    row.refresh_from_db()
    assert not row.dirty
    assert row.computed_at is not None
    assert row.votes_seen == 24 * len(SPLIT)
    assert row.error == ""
    report = row.report
    assert report["n_participants"] == 24
    assert report["k"] == 2
    consensus = [e["statement"] for e in report["consensus"]["agree"]]
    assert set(consensus) >= {3, 4}
    assert row.polis["n"] == 24
    assert "comment-priorities" in row.polis
    assert row.state["base_clusters"]


def test_groups_follow_the_floors(split: Any) -> None:
    computing.compute_analysis(split.pk)
    report = Analysis.objects.get(consultation=split).report
    from comity.structure.models import Person

    floor_of = {
        p.user_id: p.household.unit.floor for p in Person.objects.filter(user__username__startswith="voter")
    }
    for group in range(2):
        floors = {floor_of[p["id"]] >= 4 for p in report["participants"] if p["group"] == group}
        assert len(floors) == 1  # each group is all upper or all lower floors


def test_a_vote_after_commit_queues_the_computation(
    world: Any, split: Any, django_capture_on_commit_callbacks: Any
) -> None:
    computing.compute_analysis(split.pk)
    statement = split.statements.get(number=2)
    late = residents(world, 1, start=100)[0][0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.cast_vote(late, statement, 1)
    assert len(callbacks) == 1
    row = Analysis.objects.get(consultation=split)
    assert not row.dirty
    assert row.votes_seen == 24 * len(SPLIT) + 1
    # A second vote while the map is current queues again; votes while it is dirty ride along.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cast_vote(late, split.statements.get(number=0), 1)
        services.cast_vote(late, split.statements.get(number=1), -1)
    assert len(callbacks) == 1


def test_a_vote_during_the_computation_leaves_the_map_dirty(split: Any) -> None:
    real = computing.conversation_of

    def vote_meanwhile(consultation: Any) -> Any:
        conversation = real(consultation)
        services.mark_analysis_dirty(consultation)
        return conversation

    with mock.patch.object(computing, "conversation_of", side_effect=vote_meanwhile):
        computing.compute_analysis(split.pk)
    row = Analysis.objects.get(consultation=split)
    assert row.dirty
    assert row.report["n_votes"] == 24 * len(SPLIT)


def test_a_failing_engine_keeps_the_previous_map(split: Any) -> None:
    computing.compute_analysis(split.pk)
    before = Analysis.objects.get(consultation=split).report
    with mock.patch.object(computing, "analyze", side_effect=RuntimeError("boom")):
        computing.compute_analysis(split.pk)
    row = Analysis.objects.get(consultation=split)
    assert row.report == before
    assert row.error == "RuntimeError: boom"


def test_warm_start_keeps_the_groups(split: Any) -> None:
    computing.compute_analysis(split.pk)
    first = Analysis.objects.get(consultation=split)
    computing.compute_analysis(split.pk)
    second = Analysis.objects.get(consultation=split)
    groups = [sorted(p["id"] for p in first.report["participants"] if p["group"] == g) for g in range(2)]
    again = [sorted(p["id"] for p in second.report["participants"] if p["group"] == g) for g in range(2)]
    assert groups == again
    assert second.state["smoother"]["last_k_count"] == 2  # the k smoother remembers the previous update


def test_rejected_and_meta_statements_leave_the_map(world: Any, split: Any) -> None:
    staff = world.user("committee_staff")
    statement = split.statements.get(number=7)
    services.moderate(staff, statement, accept=False, reason="Off topic")
    services.moderate(staff, split.statements.get(number=2), accept=True, is_meta=True)
    assert Statement.objects.get(pk=statement.pk).moderation == Moderation.REJECTED
    computing.compute_analysis(split.pk)
    polis = Analysis.objects.get(consultation=split).polis
    assert sorted(polis["mod-out"]) == [2, 7]
    assert polis["meta-tids"] == [2]


def test_a_fixed_number_of_groups(split: Any) -> None:
    split.group_count = 3
    split.save(update_fields=["group_count"])
    computing.compute_analysis(split.pk)
    assert Analysis.objects.get(consultation=split).report["k"] == 3


def test_imported_participants_get_negative_keys() -> None:
    assert computing.participant_key(12, None) == 12
    assert computing.participant_key(None, 0) == -1
    with pytest.raises(ValueError, match="without a participant"):
        computing.participant_key(None, None)


def test_the_command_and_the_sweep(split: Any) -> None:
    out = StringIO()
    call_command("consultation_analyses", stdout=out)
    assert "Recomputed 1 opinion map(s)." in out.getvalue()
    assert not Analysis.objects.get(consultation=split).dirty
    out = StringIO()
    call_command("consultation_analyses", stdout=out)
    assert "Recomputed 0 opinion map(s)." in out.getvalue()
    out = StringIO()
    call_command("consultation_analyses", "--consultation", str(split.pk), stdout=out)
    assert f"from {24 * len(SPLIT)} votes" in out.getvalue()
    assert computing.compute_analysis(10**9) is None


def test_the_tasks_are_registered_and_swept_by_beat() -> None:
    from comity.config.celery import app
    from comity.consultations import tasks

    assert tasks.recompute_analysis.name in app.tasks
    assert (
        settings.CELERY_BEAT_SCHEDULE["consultation-analyses"]["task"] == tasks.recompute_dirty_analyses.name
    )


def test_staff_fix_the_number_of_groups_and_the_map_follows(world: Any, split: Any) -> None:
    from django.core.exceptions import ValidationError

    staff = world.user("committee_staff")
    fields = {
        name: getattr(split, name)
        for name in ("title", "question", "background", "area", "opens_at", "closes_at", "allow_statements")
    }
    with pytest.raises(ValidationError) as refused:
        services.update_consultation(staff, split, **fields, group_count=1)
    assert "group_count" in refused.value.message_dict
    computing.compute_analysis(split.pk)
    assert not Analysis.objects.get(consultation=split).dirty
    services.update_consultation(staff, split, **fields, group_count=3)
    assert Analysis.objects.get(consultation=split).dirty  # a new k means a new map
    computing.compute_analysis(split.pk)
    assert Analysis.objects.get(consultation=split).report["k"] == 3


def test_the_edit_page_offers_the_number_of_groups(world: Any, split: Any, client_for: Any) -> None:
    from django.urls import reverse

    page = client_for("committee_staff").get(reverse("consultations:edit", args=[world.harmony.pk, split.pk]))
    assert b'name="group_count"' in page.content


def test_residents_are_offered_statements_by_the_stored_priorities(split: Any) -> None:
    from comity.consultations import selectors

    computing.compute_analysis(split.pk)
    stored = {
        int(k): v for k, v in Analysis.objects.get(consultation=split).polis["comment-priorities"].items()
    }
    assert selectors.stored_priorities(split) == stored
    assert len(stored) == len(SPLIT)
