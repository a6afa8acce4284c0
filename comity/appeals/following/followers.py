"""Who follows a public appeal, and what they are told.

Followers hear about an appeal's *public* updates — dispatch, acceptance, handling, the reply, closing,
reopening, withdrawal, merging — never about internal notes, disputes or deadline warnings
(:func:`notify_followers`, called by :func:`comity.appeals.notifying.notify_step`). The requester and the
requesters of merged duplicates follow without a row and are told in their own words already
(:func:`is_requester`). When an appeal is merged into another, its followers and "me too"s carry over
(:func:`carry_over`, inside the merge service's transaction).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from comity.appeals import recipients as who
from comity.appeals.models import Appeal, AppealFollower, AppealMeToo
from comity.engine.appeals import OPEN_STATUSES, TERMINAL_STATUSES
from comity.notifications.services import notify

OPEN = frozenset(status.value for status in OPEN_STATUSES)
TERMINAL = frozenset(status.value for status in TERMINAL_STATUSES)

#: Timeline kind → what a follower is told. Internal steps (notes, disputes, warnings) are not here.
FOLLOWER_MESSAGES: dict[str, str] = {
    "dispatched": gettext_noop("Appeal %(number)s that you follow was passed to %(lead)s."),
    "redispatched": gettext_noop("Appeal %(number)s that you follow is now handled by %(lead)s."),
    "signed_for": gettext_noop("%(lead)s accepted appeal %(number)s that you follow."),
    "started": gettext_noop("%(lead)s started handling appeal %(number)s that you follow."),
    "replied": gettext_noop("%(lead)s replied to appeal %(number)s that you follow."),
    "closed": gettext_noop("Appeal %(number)s that you follow is closed."),
    "reopened": gettext_noop("Appeal %(number)s that you follow was reopened."),
    "withdrawn": gettext_noop("Appeal %(number)s that you follow was withdrawn by the requester."),
    "merged": gettext_noop(
        "Appeal %(number)s that you follow is the same matter as appeal %(into)s; you now follow that one."
    ),
}
#: A merge into an appeal that is not public: its handling goes on there, out of the followers' sight.
MERGED_INTO_PRIVATE = gettext_noop(
    "Appeal %(number)s that you follow was merged into another appeal about the same matter, which is not public."
)
FOLLOWER_CHANNELS = ("in_app", "email")


def public_url(appeal: Appeal) -> str:
    return reverse("appeals:public_detail", args=[appeal.community_id, appeal.pk])


def is_requester(user: Any, appeal: Appeal) -> bool:
    """The requester, or the requester of a duplicate merged into the appeal: they follow it already."""
    if not getattr(user, "is_authenticated", False):
        return False
    return appeal.requester_user_id == user.pk or appeal.duplicates.filter(requester_user=user).exists()


def carry_over(duplicate: Appeal, primary: Appeal) -> None:
    """Move the followers and "me too"s of a merged duplicate to the appeal it joins.

    Called by the merge service inside its transaction, with both rows locked. A person who already follows
    the primary, or is its requester, keeps what they have; the duplicate keeps no rows.
    """
    taken = set(AppealFollower.objects.filter(appeal=primary).values_list("user_id", flat=True))
    taken_me_too = set(AppealMeToo.objects.filter(appeal=primary).values_list("user_id", flat=True))
    requesters = {primary.requester_user_id} - {None}
    for row in AppealFollower.objects.filter(appeal=duplicate).order_by("pk"):
        if row.user_id not in taken | requesters:
            AppealFollower.objects.create(
                community_id=primary.community_id,
                appeal=primary,
                user_id=row.user_id,
                created_at=row.created_at,
            )
    for me_too in AppealMeToo.objects.filter(appeal=duplicate).order_by("pk"):
        if me_too.user_id not in taken_me_too | requesters:
            AppealMeToo.objects.create(
                community_id=primary.community_id,
                appeal=primary,
                user_id=me_too.user_id,
                created_at=me_too.created_at,
            )
    AppealFollower.objects.filter(appeal=duplicate).delete()
    AppealMeToo.objects.filter(appeal=duplicate).delete()


def followers(appeal: Appeal) -> list[Any]:
    """Followers with a row, without the requesters (they are told in their own words)."""
    requesters = {user.pk for user in who.requesters(appeal)}
    return [
        row.user
        for row in AppealFollower.objects.filter(appeal=appeal).select_related("user").order_by("pk")
        if row.user_id not in requesters
    ]


def notify_followers(appeal: Appeal, kind: str, params: dict[str, Any]) -> None:
    """Tell the followers of a public appeal about a public step (none for internal steps).

    For a merge, the followers are told before :func:`carry_over` moves them, with a link to the appeal they
    follow from now on.
    """
    summary = FOLLOWER_MESSAGES.get(kind)
    if summary is None or not appeal.is_public:
        return
    url = public_url(appeal)
    if kind == "merged" and appeal.merged_into is not None:
        if appeal.merged_into.is_public:
            url = public_url(appeal.merged_into)
        else:
            summary = MERGED_INTO_PRIVATE
    notify(
        followers(appeal),
        kind=f"appeal.followed.{kind}",
        summary=summary,
        params=params,
        url=url,
        community=appeal.community,
        channels=FOLLOWER_CHANNELS,
    )
