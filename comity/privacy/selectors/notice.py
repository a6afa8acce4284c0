"""The published notices."""

from __future__ import annotations

from django.http import Http404

from comity.privacy.models import NoticeVersion


def current_notice() -> NoticeVersion | None:
    """The latest published notice, or None before the first is published."""
    return NoticeVersion.objects.order_by("-number").first()


def notice_version(number: int) -> NoticeVersion:
    try:
        return NoticeVersion.objects.get(number=number)
    except NoticeVersion.DoesNotExist:
        raise Http404 from None


def notice_history() -> list[NoticeVersion]:
    return list(NoticeVersion.objects.order_by("-number").only("number", "published_at", "changed"))
