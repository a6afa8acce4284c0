"""REST API for supports, following and comments of a budget proposal.

``support/`` and ``follow/``: ``GET`` the counts and what the caller did, ``PUT`` to support or follow (idempotent:
a second ``PUT`` leaves the one row), ``DELETE`` to take it back. ``comments/``: ``GET`` the comments as the caller
may see them, ``POST`` a comment; ``comments/<id>/hidden/``: ``PUT`` with a reason hides a comment, ``DELETE``
shows it again (the cycle's managers). The same selectors and services as the pages
(:mod:`comity.budgeting.support`); a refusal is a 400 with the service's translated message, or a 403.
Supports are not votes: the allocation counts ballots only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.accounts.selectors import as_user
from comity.budgeting import selectors, services
from comity.budgeting.models import COMMENT_MAX_LENGTH, HIDE_REASON_MAX_LENGTH, Proposal, ProposalComment


class ProposalEngagementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    support_count = serializers.IntegerField(help_text=_("Residents who support the proposal (not votes)."))
    comment_count = serializers.IntegerField(
        help_text=_("Comments shown to everyone (hidden ones not counted).")
    )
    follower_count = serializers.IntegerField()
    supported = serializers.BooleanField(help_text=_("The caller supports the proposal."))
    following = serializers.BooleanField(help_text=_("The caller follows the proposal."))


class CommentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    signed = serializers.CharField(
        help_text=_("The part the author plays (no names): a resident, the committee…")
    )
    mine = serializers.BooleanField()
    text = serializers.CharField(allow_null=True, help_text=_("Empty (null) when hidden from the caller."))
    created_at = serializers.DateTimeField()
    hidden = serializers.BooleanField()
    hidden_reason = serializers.CharField(allow_blank=True)


class CommentRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(max_length=COMMENT_MAX_LENGTH, help_text=_("Plain text."))


class HideRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=HIDE_REASON_MAX_LENGTH)


ERRORS = {
    400: OpenApiResponse(description=_("Not allowed now, or a field is missing or wrong.")),
    403: OpenApiResponse(description=_("The caller may not do this in this community.")),
    404: OpenApiResponse(description=_("No such proposal (or comment) in the cycle.")),
}


def _engagement(request: Request, proposal: Proposal) -> Response:
    return Response(ProposalEngagementSerializer(selectors.engagement(proposal, request.user)).data)


def _comment_data(comment: ProposalComment, user: Any) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "signed": comment.signed,  # type: ignore[attr-defined]
        "mine": comment.author_id == user.pk,
        "text": comment.text if comment.text_shown else None,  # type: ignore[attr-defined]
        "created_at": comment.created_at,
        "hidden": comment.hidden_at is not None,
        "hidden_reason": comment.hidden_reason,
    }


class _Toggle(APIView):
    add: Callable[[Any, Proposal], Any]
    remove: Callable[[Any, Proposal], Any]

    def _change(
        self, request: Request, ids: dict[str, int], action: Callable[[Any, Proposal], Any]
    ) -> Response:
        proposal = selectors.get_proposal_for_user(request.user, **ids)
        action(as_user(request.user), proposal)
        return _engagement(request, proposal)

    @extend_schema(responses={200: ProposalEngagementSerializer, **ERRORS})
    def get(self, request: Request, community_id: int, cycle_id: int, proposal_id: int) -> Response:
        return _engagement(
            request, selectors.get_proposal_for_user(request.user, community_id, cycle_id, proposal_id)
        )

    @extend_schema(request=None, responses={200: ProposalEngagementSerializer, **ERRORS})
    def put(self, request: Request, community_id: int, cycle_id: int, proposal_id: int) -> Response:
        ids = {"community_id": community_id, "cycle_id": cycle_id, "proposal_id": proposal_id}
        return self._change(request, ids, type(self).add)

    @extend_schema(request=None, responses={200: ProposalEngagementSerializer, **ERRORS})
    def delete(self, request: Request, community_id: int, cycle_id: int, proposal_id: int) -> Response:
        ids = {"community_id": community_id, "cycle_id": cycle_id, "proposal_id": proposal_id}
        return self._change(request, ids, type(self).remove)


class ProposalSupportView(_Toggle):
    """Support a proposal while the cycle takes proposals (``PUT``; residents and owners) or take it back."""

    add = staticmethod(services.support_proposal)
    remove = staticmethod(services.withdraw_support)


class ProposalFollowView(_Toggle):
    """Follow a proposal (``PUT``) to be told of its review, costing, vote, result and delivery, or stop."""

    add = staticmethod(services.follow_proposal)
    remove = staticmethod(services.unfollow_proposal)


class ProposalComments(APIView):
    """The comments of a proposal, oldest first, and posting one."""

    @extend_schema(responses={200: CommentSerializer(many=True), **ERRORS})
    def get(self, request: Request, community_id: int, cycle_id: int, proposal_id: int) -> Response:
        proposal = selectors.get_proposal_for_user(request.user, community_id, cycle_id, proposal_id)
        rows = [_comment_data(c, request.user) for c in selectors.visible_comments(request.user, proposal)]
        return Response(CommentSerializer(rows, many=True).data)

    @extend_schema(request=CommentRequestSerializer, responses={201: CommentSerializer, **ERRORS})
    def post(self, request: Request, community_id: int, cycle_id: int, proposal_id: int) -> Response:
        proposal = selectors.get_proposal_for_user(request.user, community_id, cycle_id, proposal_id)
        if not request.user.has_perm("budgeting.comment_on_proposals", proposal.cycle):
            raise PermissionDenied
        body = CommentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = services.comment_on_proposal(as_user(request.user), proposal, body.validated_data["text"])
        shown = next(c for c in selectors.visible_comments(request.user, proposal) if c.pk == comment.pk)
        return Response(
            CommentSerializer(_comment_data(shown, request.user)).data, status=status.HTTP_201_CREATED
        )


class CommentHidden(APIView):
    """Hide a comment with a reason (``PUT``) or show it again (``DELETE``): the cycle's managers."""

    def _comment(self, request: Request, ids: dict[str, int], comment_id: int) -> ProposalComment:
        proposal = selectors.get_proposal_for_user(request.user, **ids)
        if not request.user.has_perm("budgeting.moderate_comments", proposal.cycle):
            raise PermissionDenied
        return selectors.get_comment_for_proposal(proposal, comment_id)

    def _answer(self, request: Request, comment: ProposalComment) -> Response:
        shown = next(
            c for c in selectors.visible_comments(request.user, comment.proposal) if c.pk == comment.pk
        )
        return Response(CommentSerializer(_comment_data(shown, request.user)).data)

    @extend_schema(request=HideRequestSerializer, responses={200: CommentSerializer, **ERRORS})
    def put(
        self, request: Request, community_id: int, cycle_id: int, proposal_id: int, comment_id: int
    ) -> Response:
        ids = {"community_id": community_id, "cycle_id": cycle_id, "proposal_id": proposal_id}
        comment = self._comment(request, ids, comment_id)
        body = HideRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.hide_comment(as_user(request.user), comment, body.validated_data["reason"])
        return self._answer(request, comment)

    @extend_schema(request=None, responses={200: CommentSerializer, **ERRORS})
    def delete(
        self, request: Request, community_id: int, cycle_id: int, proposal_id: int, comment_id: int
    ) -> Response:
        ids = {"community_id": community_id, "cycle_id": cycle_id, "proposal_id": proposal_id}
        comment = self._comment(request, ids, comment_id)
        services.restore_comment(as_user(request.user), comment)
        return self._answer(request, comment)
