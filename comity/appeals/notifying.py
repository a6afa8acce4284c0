"""Who is told about each step of an appeal, in which words, through which channels.

Notifications leave after the step's transaction commits (:func:`comity.notifications.services.notify`), so a
failed email or message never loses or blocks the appeal; failed deliveries are retried.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from comity.appeals import recipients as who
from comity.appeals.following.followers import notify_followers
from comity.appeals.models import Appeal
from comity.appeals.places import place_words
from comity.notifications.services import notify

Recipients = Callable[[Appeal], list[Any]]
#: What the requester hears about: every step that changes what they can expect or do.
REQUESTER_CHANNELS = ("in_app", "email", "sms")
STAFF_CHANNELS = ("in_app", "email")

#: kind → [(recipients, summary, channels)]
STEPS: dict[str, list[tuple[Recipients, str, tuple[str, ...]]]] = {
    "dispatched": [
        (
            who.requesters,
            gettext_noop("Your appeal %(number)s was received and passed to %(lead)s."),
            REQUESTER_CHANNELS,
        ),
        (
            who.handlers_staff,
            gettext_noop("New appeal %(number)s for %(lead)s at %(place)s, due %(due)s."),
            STAFF_CHANNELS,
        ),
    ],
    "redispatched": [
        (
            who.requesters,
            gettext_noop("Your appeal %(number)s is now handled by %(lead)s."),
            REQUESTER_CHANNELS,
        ),
        (
            who.lead_staff,
            gettext_noop("Appeal %(number)s at %(place)s was dispatched to %(lead)s, due %(due)s."),
            STAFF_CHANNELS,
        ),
    ],
    "disputed": [
        (
            who.committee_staff,
            gettext_noop("%(lead)s disputes the dispatch of appeal %(number)s: decide who handles it."),
            STAFF_CHANNELS,
        ),
        (
            who.street_staff_if_street_level,
            gettext_noop(
                "%(lead)s disputes the dispatch of appeal %(number)s at %(place)s: the street office decides "
                "who handles it."
            ),
            STAFF_CHANNELS,
        ),
    ],
    "dispute_rejected": [
        (
            who.lead_staff,
            gettext_noop("The dispute about appeal %(number)s was rejected: please sign for it."),
            STAFF_CHANNELS,
        ),
    ],
    "signed_for": [
        (
            who.requesters,
            gettext_noop("%(lead)s accepted your appeal %(number)s and is handling it."),
            ("in_app",),
        ),
    ],
    "replied": [
        (who.requesters, gettext_noop("%(lead)s replied to your appeal %(number)s."), REQUESTER_CHANNELS),
        (
            who.committee_staff,
            gettext_noop("Appeal %(number)s was replied to: check and close it."),
            ("in_app",),
        ),
    ],
    "closed": [
        (
            who.requesters,
            gettext_noop("Your appeal %(number)s is closed. Please tell us how it was handled."),
            REQUESTER_CHANNELS,
        ),
    ],
    "reopened": [
        (
            who.lead_staff,
            gettext_noop("Appeal %(number)s was reopened: the requester is not satisfied."),
            STAFF_CHANNELS,
        ),
        (
            who.committee_staff,
            gettext_noop("Appeal %(number)s was reopened: the requester is not satisfied."),
            ("in_app",),
        ),
    ],
    "rated": [
        (who.lead_staff, gettext_noop("Appeal %(number)s was rated by the requester."), ("in_app",)),
    ],
    "withdrawn": [
        (who.handlers_staff, gettext_noop("Appeal %(number)s was withdrawn by the requester."), ("in_app",)),
    ],
    "merged": [
        (
            who.requesters,
            gettext_noop("Your appeal %(number)s is the same matter as appeal %(into)s; follow it there."),
            REQUESTER_CHANNELS,
        ),
    ],
    "reminded": [
        (
            who.lead_staff,
            gettext_noop("Appeal %(number)s is due %(due)s: please reply in time."),
            STAFF_CHANNELS,
        ),
    ],
    "escalated": [
        (
            who.street_staff,
            gettext_noop("Appeal %(number)s (%(lead)s) at %(place)s is past its deadline of %(due)s."),
            STAFF_CHANNELS,
        ),
        (
            who.committee_staff,
            gettext_noop("Appeal %(number)s (%(lead)s) at %(place)s is past its deadline of %(due)s."),
            ("in_app",),
        ),
        (
            who.lead_staff,
            gettext_noop("Appeal %(number)s is past its deadline of %(due)s and was escalated."),
            STAFF_CHANNELS,
        ),
    ],
}


def appeal_url(appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[appeal.community_id, appeal.pk])


def notify_step(appeal: Appeal, kind: str, **extra: Any) -> None:
    """Tell everyone concerned that ``appeal`` went through the step ``kind`` (a timeline kind)."""
    due = timezone.localtime(appeal.due_at).strftime("%Y-%m-%d %H:%M") if appeal.due_at else ""
    params: dict[str, Any] = {
        "number": appeal.number,
        "lead": str(appeal.lead_subject) if appeal.lead_subject_id else "",
        "due": due,
        "place": place_words(appeal),
        **{key: str(value) for key, value in extra.items()},
    }
    for recipients, summary, channels in STEPS.get(kind, []):
        notify(
            recipients(appeal),
            kind=f"appeal.{kind}",
            summary=summary,
            params=params,
            url=appeal_url(appeal),
            community=appeal.community,
            channels=channels,
        )
    # Followers of a public appeal hear about its public steps in their own words.
    notify_followers(appeal, kind, params)
