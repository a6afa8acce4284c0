"""REST API for following a public appeal and saying it affects me too.

``GET`` reads the counts and what the caller has done; ``PUT`` follows (or says "me too"), ``DELETE`` takes it
back. Both writes are idempotent: a second ``PUT`` leaves the one row. The same selectors and services as the
public page (:mod:`comity.appeals.selectors_public`, :mod:`comity.appeals.following.services`); a refusal is a
400 with the service's translated message (the API's exception handler turns it into one).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.accounts.models import User
from comity.accounts.selectors import signed_in
from comity.appeals import selectors_public as selectors
from comity.appeals.following import services as following
from comity.appeals.models import Appeal
from comity.structure import selectors as structure_selectors


class EngagementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    me_too_count = serializers.IntegerField(help_text=_("Residents who say the appeal affects them too."))
    follower_count = serializers.IntegerField(
        help_text=_("People who follow the appeal (besides its requesters).")
    )
    reports = serializers.IntegerField(help_text=_("The appeal and the duplicates merged into it."))
    me_too = serializers.BooleanField(help_text=_("The caller said it affects them too."))
    following = serializers.BooleanField(help_text=_("The caller follows the appeal."))
    is_requester = serializers.BooleanField(
        help_text=_("The caller made the appeal (or a duplicate merged into it) and follows it anyway.")
    )


def _appeal(request: Request, community_id: int, appeal_id: int) -> Appeal:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.see_public_appeals"
    )
    return selectors.get_public_appeal_for_user(request.user, community, appeal_id)


def _engagement(request: Request, appeal: Appeal) -> Response:
    engaged = selectors.engagement(appeal, request.user)
    return Response(EngagementSerializer(engaged).data)


ERRORS = {
    400: OpenApiResponse(
        description=_("The appeal is withdrawn, merged or no longer handled, or it is yours.")
    ),
    403: OpenApiResponse(description=_("The caller may not do this in this community.")),
    404: OpenApiResponse(description=_("No public appeal with this id in the community.")),
}


class _Toggle(APIView):
    add: Callable[[User, Appeal], object]
    remove: Callable[[User, Appeal], object]

    def _change(
        self, request: Request, community_id: int, appeal_id: int, action: Callable[[User, Appeal], object]
    ) -> Response:
        appeal = _appeal(request, community_id, appeal_id)
        action(signed_in(request), appeal)
        return _engagement(request, appeal)

    @extend_schema(responses={200: EngagementSerializer, **ERRORS})
    def get(self, request: Request, community_id: int, appeal_id: int) -> Response:
        return _engagement(request, _appeal(request, community_id, appeal_id))

    @extend_schema(request=None, responses={200: EngagementSerializer, **ERRORS})
    def put(self, request: Request, community_id: int, appeal_id: int) -> Response:
        return self._change(request, community_id, appeal_id, type(self).add)

    @extend_schema(request=None, responses={200: EngagementSerializer, **ERRORS})
    def delete(self, request: Request, community_id: int, appeal_id: int) -> Response:
        return self._change(request, community_id, appeal_id, type(self).remove)


class AppealFollow(_Toggle):
    """Follow a public appeal (``PUT``) or stop following it (``DELETE``)."""

    add = staticmethod(following.follow_appeal)
    remove = staticmethod(following.unfollow_appeal)


class AppealMeToo(_Toggle):
    """Say a public appeal affects the caller too (``PUT``; residents and owners) or take it back (``DELETE``)."""

    add = staticmethod(following.say_me_too)
    remove = staticmethod(following.withdraw_me_too)
