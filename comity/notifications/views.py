from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comity.accounts.selectors import signed_in
from comity.notifications import selectors, services

PAGE_SIZE = 20
OUTBOX_PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


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
    if not request.user.has_perm("notifications.browse_outbox"):
        raise PermissionDenied
    page = Paginator(selectors.outbox(), OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page})
