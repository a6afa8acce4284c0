"""A public appeal's own page for neighbours: what, where, photos, the public timeline, "affects me too" and
following. Thin: parse → permission → service → render; the writes are :mod:`comity.appeals.following.services`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comity.accounts.models import User
from comity.accounts.selectors import signed_in
from comity.appeals import selectors_public as selectors
from comity.appeals.following import services as following
from comity.appeals.following.followers import OPEN, TERMINAL
from comity.appeals.following.permissions import may_say_me_too
from comity.appeals.models import STATUS_LABELS, Appeal
from comity.appeals.places import public_place_label
from comity.engine.appeals import AppealStatus
from comity.structure import selectors as structure_selectors


def _public_appeal(request: HttpRequest, community_id: int, appeal_id: int) -> Appeal:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.see_public_appeals"
    )
    return selectors.get_public_appeal_for_user(request.user, community, appeal_id)


@login_required
@require_GET
def public_detail(request: HttpRequest, community_id: int, appeal_id: int) -> HttpResponse:
    appeal = _public_appeal(request, community_id, appeal_id)
    user = request.user
    engaged = selectors.engagement(appeal, user)
    is_open = appeal.status in OPEN
    terminal = appeal.status in TERMINAL
    merged_into = appeal.merged_into if appeal.merged_into_id else None
    return render(
        request,
        "appeals/public_detail.html",
        {
            "community": appeal.community,
            "appeal": appeal,
            "status_label": STATUS_LABELS.get(AppealStatus(appeal.status), appeal.status),
            "place": public_place_label(appeal),
            "photos": list(selectors.public_photos(appeal).exclude(event__kind="replied")),
            "timeline": selectors.public_timeline(appeal),
            "engaged": engaged,
            "is_open": is_open,
            "merged_into": merged_into if merged_into is not None and merged_into.is_public else None,
            "can_me_too": is_open and not engaged.is_requester and may_say_me_too(user, appeal),
            "can_follow": not terminal
            and not engaged.is_requester
            and user.has_perm("appeals.follow_appeal", appeal),
            "can_see_case": user.has_perm("appeals.see_appeal", appeal),
        },
    )


@login_required
@require_GET
def public_photo(request: HttpRequest, community_id: int, appeal_id: int, photo_id: int) -> FileResponse:
    appeal = _public_appeal(request, community_id, appeal_id)
    attachment = get_object_or_404(selectors.public_photos(appeal), pk=photo_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


#: The buttons of the page and the service each one calls.
ACTIONS: dict[str, Callable[[User, Appeal], object]] = {
    "follow": following.follow_appeal,
    "unfollow": following.unfollow_appeal,
    "me-too": following.say_me_too,
    "not-me-too": following.withdraw_me_too,
}


def _done_message(action: str) -> str:
    messages_ = {
        "follow": _("You follow this appeal: you will be told how it goes."),
        "unfollow": _("You no longer follow this appeal."),
        "me-too": _("Counted: this appeal affects you too. You follow it now."),
        "not-me-too": _("Taken back: it no longer counts for you."),
    }
    return messages_[action]


@login_required
@require_POST
def public_act(request: HttpRequest, community_id: int, appeal_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    appeal = _public_appeal(request, community_id, appeal_id)
    try:
        changed = ACTIONS[action](signed_in(request), appeal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if changed is False:  # taking back what was not there (a second click): nothing changed
            messages.info(request, _("Nothing to take back: it was already undone."))
        else:
            messages.success(request, _done_message(action))
    return redirect("appeals:public_detail", community_id=appeal.community_id, appeal_id=appeal.pk)
