"""Following a public appeal and saying it affects me too (FixMyStreet's "me too" and alerts).

The writes: :func:`follow_appeal`, :func:`unfollow_appeal`, :func:`say_me_too`, :func:`withdraw_me_too`, each
one transaction with a permission check and an audit entry. The appeal's row is locked first, so a double click
or two requests at once leave one row (the unique constraints hold the same line in the database).

Followers hear about an appeal's *public* updates — dispatch, acceptance, handling, the reply, closing,
reopening, withdrawal, merging — never about internal notes, disputes or deadline warnings
(:func:`notify_followers`, called by :func:`comity.appeals.notifying.notify_step`). The requester and the
requesters of merged duplicates follow without a row and are told in their own words already. When an appeal
is merged into another, its followers and "me too"s carry over (:func:`carry_over`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.appeals import recipients as who
from comity.appeals.models import Appeal, AppealFollower, AppealMeToo
from comity.appeals.permissions_following import may_say_me_too
from comity.engine.appeals import OPEN_STATUSES, TERMINAL_STATUSES
from comity.foundation.audit import record_audit
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


def _locked(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",)).select_related("community__street").get(pk=appeal.pk)
    )


def _require(actor: Any, perm: str, appeal: Appeal) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, appeal):
        raise PermissionDenied


def is_requester(user: Any, appeal: Appeal) -> bool:
    """The requester, or the requester of a duplicate merged into the appeal: they follow it already."""
    if not getattr(user, "is_authenticated", False):
        return False
    return appeal.requester_user_id == user.pk or appeal.duplicates.filter(requester_user=user).exists()


def _audit(actor: Any, appeal: Appeal, action: str, summary: str) -> None:
    record_audit(
        actor=actor,
        action=f"appeal.{action}",
        obj=appeal,
        community=appeal.community,
        summary=summary,
        params={"number": appeal.number},
    )


@transaction.atomic
def follow_appeal(actor: Any, appeal: Appeal) -> AppealFollower:
    """Follow a public appeal that is not withdrawn or merged. Following twice keeps the one row."""
    _require(actor, "appeals.follow_appeal", appeal)
    appeal = _locked(appeal)
    if appeal.status in TERMINAL:
        raise ValidationError(_("This appeal was withdrawn or merged; it cannot be followed any more."))
    if is_requester(actor, appeal):
        raise ValidationError(_("This is your own appeal: you are told about every step already."))
    existing = AppealFollower.objects.filter(appeal=appeal, user=actor).first()
    if existing is not None:
        return existing
    row = AppealFollower.objects.create(
        community_id=appeal.community_id, appeal=appeal, user=actor, created_at=timezone.now()
    )
    _audit(actor, appeal, "followed", gettext_noop("Followed appeal %(number)s"))
    return row


@transaction.atomic
def unfollow_appeal(actor: Any, appeal: Appeal) -> bool:
    """Stop following; ``False`` when the user did not follow it (nothing changes)."""
    _require(actor, "appeals.see_public_appeal", appeal)
    appeal = _locked(appeal)
    deleted, _rows = AppealFollower.objects.filter(appeal=appeal, user=actor).delete()
    if deleted:
        _audit(actor, appeal, "unfollowed", gettext_noop("Stopped following appeal %(number)s"))
    return bool(deleted)


@transaction.atomic
def say_me_too(actor: Any, appeal: Appeal) -> AppealMeToo:
    """A resident of the community says the appeal affects them too, while it is being handled.

    Saying it also follows the appeal, so the resident hears how it ends (they may unfollow).
    """
    if not may_say_me_too(actor, appeal):
        raise PermissionDenied
    appeal = _locked(appeal)
    if appeal.status not in OPEN:
        raise ValidationError(
            _("This appeal is no longer being handled; if the matter is back, make a new appeal.")
        )
    if is_requester(actor, appeal):
        raise ValidationError(_("This is your own appeal: it already counts for you."))
    existing = AppealMeToo.objects.filter(appeal=appeal, user=actor).first()
    if existing is not None:
        return existing
    now = timezone.now()
    row = AppealMeToo.objects.create(
        community_id=appeal.community_id, appeal=appeal, user=actor, created_at=now
    )
    AppealFollower.objects.get_or_create(
        appeal=appeal, user=actor, defaults={"community_id": appeal.community_id, "created_at": now}
    )
    _audit(actor, appeal, "me_too", gettext_noop("Said appeal %(number)s affects them too"))
    return row


@transaction.atomic
def withdraw_me_too(actor: Any, appeal: Appeal) -> bool:
    """Take back "affects me too"; ``False`` when there was none. Following is left as it is."""
    _require(actor, "appeals.see_public_appeal", appeal)
    appeal = _locked(appeal)
    deleted, _rows = AppealMeToo.objects.filter(appeal=appeal, user=actor).delete()
    if deleted:
        _audit(
            actor, appeal, "me_too_withdrawn", gettext_noop("Took back “affects me too” on appeal %(number)s")
        )
    return bool(deleted)


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
