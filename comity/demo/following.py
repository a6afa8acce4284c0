"""The demo's neighbours at work on what others started: "this affects me too" and followers on public appeals, and
supports, comments and followers on budget proposals.

Written after the appeals and the budget cycles, as history: rows dated inside what they attach to (a "me too"
while the appeal was being handled, a support while proposals were taken), from a random stream of its own seeded
from the seed, so the same seed and ``now`` give the same rows. The ``resident`` login follows a public appeal it
says affects it too and supports and follows a proposal, so that its pages show them. Texts are Simplified Chinese,
like the rest of the demo's content.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q

from comity.appeals.models import Appeal, AppealFollower, AppealMeToo
from comity.budgeting.models import (
    Cycle,
    CycleStatus,
    ProposalComment,
    ProposalFollower,
    ProposalStatus,
    ProposalSupport,
)
from comity.engine.appeals import OPEN_STATUSES
from comity.structure.models import Community, Street

#: Open public appeals that get neighbours, per community (the newest first).
APPEALS_PER_COMMUNITY = 12
ME_TOO_MAX = 7
EXTRA_FOLLOWERS_MAX = 3
#: Supports per proposal, at most.
SUPPORTS_MAX = 18

COMMENTS = (
    "这个想法好，我们楼的老人都盼着。",
    "建议先问问一楼住户的意见，施工别影响采光。",
    "费用能不能再核一下？去年类似的项目便宜不少。",
    "支持！孩子们放学后没地方玩，有了就好了。",
    "希望用耐用一点的材料，别用两年就坏。",
    "晚上施工会吵，请安排在白天。",
    "能不能顺便把旁边的路灯也修一下？",
    "我家就在旁边，愿意帮忙看着施工。",
)
HIDDEN_COMMENT = "有事打我电话13912345678，我帮你们联系装修队。"
HIDDEN_REASON = "评论里有个人电话号码，为保护隐私已隐藏；有意见请在评论中说明。"


def _neighbours(community: Community) -> list[int]:
    """Verified residents and owners of the community with an account, in the order of their registry records
    (generated in a fixed order, so the same seed picks the same people)."""
    return list(
        get_user_model()
        .objects.filter(
            Q(person__community=community, person__is_resident=True)
            | Q(person__ownerships__community=community),
            person__verified_at__isnull=False,
            is_active=True,
            is_superuser=False,
        )
        .distinct()
        .order_by("person__pk")
        .values_list("pk", flat=True)
    )


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 60.0)
    return start + timedelta(seconds=int(rng.random() * span))


def _appeals(rng: random.Random, community: Community, now: datetime, login: int | None) -> tuple[int, int]:
    neighbours = _neighbours(community)
    login = login if login in neighbours else None
    appeals = list(
        Appeal.objects.filter(
            community=community, is_public=True, status__in=[status.value for status in OPEN_STATUSES]
        ).order_by("-received_at", "number")[:APPEALS_PER_COMMUNITY]
    )
    me_toos: list[AppealMeToo] = []
    follows: list[AppealFollower] = []
    for index, appeal in enumerate(appeals):
        others = [pk for pk in neighbours if pk != appeal.requester_user_id]
        chosen = rng.sample(others, min(len(others), rng.randint(0, ME_TOO_MAX)))
        if index == 0 and login is not None and login != appeal.requester_user_id and login not in chosen:
            chosen.append(login)
        pool = [pk for pk in others if pk not in chosen]
        watchers = rng.sample(pool, min(len(pool), rng.randint(0, EXTRA_FOLLOWERS_MAX)))
        for user_id in chosen:
            at = _between(rng, appeal.received_at, now)
            me_toos.append(AppealMeToo(community=community, appeal=appeal, user_id=user_id, created_at=at))
            follows.append(AppealFollower(community=community, appeal=appeal, user_id=user_id, created_at=at))
        for user_id in watchers:
            at = _between(rng, appeal.received_at, now)
            follows.append(AppealFollower(community=community, appeal=appeal, user_id=user_id, created_at=at))
    AppealMeToo.objects.bulk_create(me_toos)
    AppealFollower.objects.bulk_create(follows)
    return len(me_toos), len(follows)


def _proposals(rng: random.Random, community: Community, now: datetime, login: int | None) -> dict[str, int]:
    neighbours = _neighbours(community)
    login = login if login in neighbours else None
    staff = get_user_model().objects.filter(username="committee-staff").values_list("pk", flat=True).first()
    supports: list[ProposalSupport] = []
    follows: list[ProposalFollower] = []
    comments: list[ProposalComment] = []
    hidden = False
    cycles = Cycle.objects.filter(community=community).exclude(
        status__in=[CycleStatus.DRAFT, CycleStatus.CANCELLED]
    )
    for cycle in cycles.order_by("created_at", "pk"):
        opened = cycle.created_at
        closed = cycle.proposals_close_at or cycle.voting_opens_at or now
        proposals = cycle.proposals.exclude(status__in=[ProposalStatus.WITHDRAWN]).order_by("number")
        for index, proposal in enumerate(proposals):
            start = min(max(proposal.created_at, opened), now - timedelta(hours=2))
            end = max(min(closed, now), start + timedelta(hours=1))
            others = [pk for pk in neighbours if pk != proposal.proposer_id]
            backers = rng.sample(others, min(len(others), rng.randint(0, SUPPORTS_MAX)))
            if index == 0 and login is not None and login != proposal.proposer_id and login not in backers:
                backers.append(login)
            for user_id in backers:
                supports.append(
                    ProposalSupport(
                        community=community,
                        proposal=proposal,
                        user_id=user_id,
                        created_at=_between(rng, start, end),
                    )
                )
            for user_id in backers[: rng.randint(0, 3)] + (
                [login] if index == 0 and login in backers else []
            ):
                if not any(f.proposal_id == proposal.pk and f.user_id == user_id for f in follows):
                    follows.append(
                        ProposalFollower(
                            community=community,
                            proposal=proposal,
                            user_id=user_id,
                            created_at=_between(rng, start, end),
                        )
                    )
            for user_id in rng.sample(others, min(len(others), rng.randint(0, 2))):
                comments.append(
                    ProposalComment(
                        community=community,
                        proposal=proposal,
                        author_id=user_id,
                        text=rng.choice(COMMENTS),
                        created_at=_between(rng, start, end),
                    )
                )
            if not hidden and staff is not None and others and cycle.status == CycleStatus.REVIEWING:
                hidden = True
                written = _between(rng, start, end)
                comments.append(
                    ProposalComment(
                        community=community,
                        proposal=proposal,
                        author_id=rng.choice(others),
                        text=HIDDEN_COMMENT,
                        created_at=written,
                        hidden_at=written + timedelta(hours=2),
                        hidden_by_id=staff,
                        hidden_reason=HIDDEN_REASON,
                    )
                )
    ProposalSupport.objects.bulk_create(supports)
    ProposalFollower.objects.bulk_create(follows)
    ProposalComment.objects.bulk_create(comments)
    return {
        "proposal_supports": len(supports),
        "proposal_followers": len(follows),
        "proposal_comments": len(comments),
    }


def generate_demo_following(street: Street, *, seed: int, now: datetime) -> dict[str, int]:
    """Write the street's "me too"s, followers, supports and comments; return counts for the audit entry."""
    rng = random.Random(f"{seed}/following")
    login = get_user_model().objects.filter(username="resident").values_list("pk", flat=True).first()
    counts = {"appeal_me_toos": 0, "appeal_followers": 0}
    for community in Community.objects.filter(street=street).order_by("code"):
        me_toos, follows = _appeals(rng, community, now, login)
        counts["appeal_me_toos"] += me_toos
        counts["appeal_followers"] += follows
        for key, value in _proposals(rng, community, now, login).items():
            counts[key] = counts.get(key, 0) + value
    return counts
