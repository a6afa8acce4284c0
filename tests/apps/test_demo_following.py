"""The demo's "me too"s, followers, supports and comments: present, where they may be, and the same for the same
seed and moment."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from typing import Any

from django.core.management import call_command

from comity.accounts.models import User
from comity.appeals.models import AppealFollower, AppealMeToo
from comity.budgeting.models import ProposalComment, ProposalFollower, ProposalSupport
from comity.engine.appeals import OPEN_STATUSES
from comity.structure.models import Street

from .test_demo import demo_output, generated_until, street  # noqa: F401  (the module's demo street)


def following_digest() -> list[Any]:
    """Every row by content: appeals by number, proposals by title, people by name, times relative to the end."""
    anchor = generated_until()

    def rel(value: datetime | None) -> float | None:
        return None if value is None else (value - anchor).total_seconds()

    rows: list[Any] = []
    for model in (AppealMeToo, AppealFollower):
        rows.append(
            sorted(
                (
                    r.appeal.community.code,
                    r.appeal.number,
                    r.user.first_name,
                    r.user.username in {"resident"},
                    rel(r.created_at),
                )
                for r in model.objects.select_related("appeal__community", "user")
            )
        )
    for model in (ProposalSupport, ProposalFollower):
        rows.append(
            sorted(
                (r.proposal.cycle.title, r.proposal.title, r.user.first_name, rel(r.created_at))
                for r in model.objects.select_related("proposal__cycle", "user")
            )
        )
    rows.append(
        sorted(
            (
                c.proposal.title,
                c.author.first_name,
                c.text,
                rel(c.created_at),
                rel(c.hidden_at),
                c.hidden_reason,
            )
            for c in ProposalComment.objects.select_related("proposal", "author")
        )
    )
    return rows


def test_neighbours_say_me_too_follow_support_and_comment(street: Street) -> None:  # noqa: F811
    assert AppealMeToo.objects.count() > 10
    assert ProposalSupport.objects.count() > 20
    assert ProposalComment.objects.filter(hidden_at__isnull=True).count() > 5
    hidden = ProposalComment.objects.get(hidden_at__isnull=False)
    assert hidden.hidden_reason
    open_statuses = {status.value for status in OPEN_STATUSES}
    assert set(AppealMeToo.objects.values_list("appeal__status", flat=True)) <= open_statuses
    assert not AppealMeToo.objects.filter(appeal__is_public=False).exists()
    for me_too in AppealMeToo.objects.select_related("appeal"):
        assert me_too.user_id != me_too.appeal.requester_user_id
        assert AppealFollower.objects.filter(appeal=me_too.appeal, user=me_too.user).exists()
    for row in ProposalSupport.objects.select_related("proposal"):
        assert row.user_id != row.proposal.proposer_id
    resident = User.objects.get(username="resident")
    assert AppealMeToo.objects.filter(user=resident).exists()
    assert ProposalSupport.objects.filter(user=resident).exists()
    assert ProposalFollower.objects.filter(user=resident).exists()


def test_the_same_seed_and_moment_give_the_same_rows(street: Street) -> None:  # noqa: F811
    before = following_digest()
    call_command("generate_demo", seed=2026, reset=True, as_of=generated_until(), stdout=StringIO())
    assert following_digest() == before
