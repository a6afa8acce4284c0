from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_POST

from comity.accounts.selectors import signed_in
from comity.notifications import selectors, services
from comity.structure.fragments import CSRF_PLACEHOLDER, with_token

PAGE_SIZE = 20
OUTBOX_PAGE_SIZE = 50


#: Pages of a list cached at most (a later page is rendered each time: few read that far).
CACHED_PAGES = 100
#: Seconds a rendered list stays cached at most (the times it shows are absolute, so only to bound the memory).
SECONDS = 300


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


def _cached(request: HttpRequest, key: str, number: int, render_part: Callable[[str], str]) -> SafeString:
    """A list's part from the cache under ``key`` (which holds the list's own version), in the reader's language and
    time zone, or rendered by ``render_part(csrf_token)``; the viewer's CSRF token put into its forms."""
    if number > CACHED_PAGES:
        return with_token(request, render_part(CSRF_PLACEHOLDER))
    full = ":".join((key, str(number), get_language() or "", timezone.get_current_timezone_name()))
    html: str | None = cache.get(full)
    if html is None:
        html = str(render_part(CSRF_PLACEHOLDER))
        cache.set(full, html, timeout=SECONDS)
    return with_token(request, html)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications. The list is cached per user under the inbox's own version (its size, newest id
    and unread count: what adding a notification or marking one read changes; these writes are not audited), so a
    page costs one query whatever the inbox holds."""
    total, newest, unread = selectors.inbox_version(request.user)
    number = _page_number(request.GET.get("page"))

    def render_part(token: str) -> str:
        page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(number)
        return render_to_string(
            "notifications/_inbox.html", {"page": page, "unread": unread, "csrf_token": token}
        )

    key = f"comity:inbox-page:{request.user.pk}:{total}:{newest}:{unread}"
    return render(request, "notifications/inbox.html", {"part": _cached(request, key, number, render_part)})


@login_required
@require_POST
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.get_notification_for_user(request.user, notification_id)
    services.mark_read(signed_in(request), notification)
    # Links are written by services, but never follow one off the site.
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(signed_in(request))
    if count:
        messages.success(
            request,
            ngettext(
                "Marked %(count)d notification as read.", "Marked %(count)d notifications as read.", count
            )
            % {"count": count},
        )
    return redirect("notifications:inbox")


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """The fake SMS outbox, cached under its own version (its size and newest id; messages are only added)."""
    if not request.user.has_perm("notifications.browse_outbox"):
        raise PermissionDenied
    total, newest = selectors.outbox_version()
    number = _page_number(request.GET.get("page"))

    def render_part(token: str) -> str:
        page = Paginator(selectors.outbox(), OUTBOX_PAGE_SIZE).get_page(number)
        return render_to_string("notifications/_outbox.html", {"page": page})

    key = f"comity:outbox-page:{total}:{newest}"
    return render(request, "notifications/outbox.html", {"part": _cached(request, key, number, render_part)})
