"""Following a public appeal and saying it affects me too (FixMyStreet's "me too" and alerts).

The writes: :func:`follow_appeal`, :func:`unfollow_appeal`, :func:`say_me_too`, :func:`withdraw_me_too`, each
one transaction with a permission check and an audit entry. The appeal's row is locked first, so a double click
or two requests at once leave one row (the unique constraints hold the same line in the database). Who follows
and what they are told: :mod:`comity.appeals.following.followers`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.appeals.following.followers import OPEN, TERMINAL, is_requester
from comity.appeals.following.permissions import may_say_me_too
from comity.appeals.models import Appeal, AppealFollower, AppealMeToo
from comity.foundation.audit import record_audit
from comity.foundation.services import lock, require, service


def _require(actor: User, perm: str, appeal: Appeal) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied
    require(actor, perm, appeal)


def _audit(actor: User, appeal: Appeal, action: str, summary: str) -> None:
    record_audit(
        actor=actor,
        action=f"appeal.{action}",
        obj=appeal,
        community=appeal.community,
        summary=summary,
        params={"number": appeal.number},
    )


@service
def follow_appeal(actor: User, appeal: Appeal) -> AppealFollower:
    """Follow a public appeal that is not withdrawn or merged. Following twice keeps the one row."""
    _require(actor, "appeals.follow_appeal", appeal)
    appeal = lock(appeal, "community__street")
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


@service
def unfollow_appeal(actor: User, appeal: Appeal) -> bool:
    """Stop following; ``False`` when the user did not follow it (nothing changes)."""
    _require(actor, "appeals.see_public_appeal", appeal)
    appeal = lock(appeal, "community__street")
    rows = AppealFollower.objects.filter(appeal=appeal, user=actor)
    if not rows.exists():
        return False
    rows.delete()
    _audit(actor, appeal, "unfollowed", gettext_noop("Stopped following appeal %(number)s"))
    return True


@service
def say_me_too(actor: User, appeal: Appeal) -> AppealMeToo:
    """A resident of the community says the appeal affects them too, while it is being handled.

    Saying it also follows the appeal, so the resident hears how it ends (they may unfollow).
    """
    if not may_say_me_too(actor, appeal):
        raise PermissionDenied
    appeal = lock(appeal, "community__street")
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


@service
def withdraw_me_too(actor: User, appeal: Appeal) -> bool:
    """Take back "affects me too"; ``False`` when there was none. Following is left as it is."""
    _require(actor, "appeals.see_public_appeal", appeal)
    appeal = lock(appeal, "community__street")
    rows = AppealMeToo.objects.filter(appeal=appeal, user=actor)
    if not rows.exists():
        return False
    rows.delete()
    _audit(actor, appeal, "me_too_withdrawn", gettext_noop("Took back “affects me too” on appeal %(number)s"))
    return True
