"""Telling electors about a decision: voting has opened (with the closing time), and the result is published.

Through :func:`comity.notifications.services.notify`, so nothing is written before the decision's transaction
commits and a failed message never holds back the vote. Only people on the frozen register with an account are
told; proxies learn of their authorization from staff, who record it with the owner's signed paper.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.decisions.models import Decision
from comity.notifications.services import notify


def _electors_users(decision: Decision) -> list[User]:
    return list(
        User.objects.filter(
            person__electorships__decision=decision, person__verified_at__isnull=False, is_active=True
        ).distinct()
    )


def _url(decision: Decision) -> str:
    return reverse("decisions:detail", args=[decision.community_id, decision.pk])


def voting_opened(decision: Decision) -> None:
    notify(
        _electors_users(decision),
        kind="decision.opened",
        summary=gettext_noop("You can vote on “%(title)s” until %(closes)s."),
        params={
            "title": decision.title,
            "closes": timezone.localtime(decision.closes_at).strftime("%Y-%m-%d %H:%M"),
        },
        url=_url(decision),
        community=decision.community,
    )


def result_published(decision: Decision) -> None:
    summary = (
        gettext_noop("“%(title)s” passed; the result is published.")
        if decision.passed
        else gettext_noop("“%(title)s” did not pass; the result is published.")
    )
    notify(
        _electors_users(decision),
        kind="decision.closed",
        summary=summary,
        params={"title": decision.title},
        url=_url(decision),
        community=decision.community,
    )
