"""The street office's appeal queue: escalated, overdue and street-level disputed appeals of every community of
the street, with filters, counts and pages. Thin: parse → permission → selectors (:mod:`comity.appeals.selectors_street`)
→ render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from comity.appeals import selectors_street as queue
from comity.appeals.forms import StreetQueueFilterForm
from comity.structure.selectors import get_street_for_user

PAGE_SIZE = 30


@login_required
@require_GET
def street_queue(request: HttpRequest, street_id: int) -> HttpResponse:
    street = get_street_for_user(request.user, street_id, perm="appeals.see_street_queue")
    now = timezone.now()
    form = StreetQueueFilterForm(request.GET or None, street=street)
    wanted: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    # The counts follow the community and matter chosen, and count every reason (they are the reason filter).
    scoped = queue.narrowed(
        queue.street_queue(street, now=now),
        now=now,
        community=wanted.get("community"),
        category=wanted.get("category") or "",
    )
    appeals = queue.narrowed(scoped, now=now, reason=wanted.get("reason") or "")
    page = Paginator(queue.page_rows(appeals), PAGE_SIZE).get_page(request.GET.get("page"))
    for appeal in page.object_list:
        appeal.is_late = appeal.due_at is not None and appeal.due_at < now
        appeal.street_dispute = (
            appeal.status == "disputed"
            and appeal.lead_subject is not None
            and appeal.lead_subject.community_id is None
        )
    query = request.GET.copy()
    query.pop("page", None)
    without_reason = request.GET.copy()
    without_reason.pop("page", None)
    without_reason.pop("reason", None)
    return render(
        request,
        "appeals/street_queue.html",
        {
            "street": street,
            "form": form,
            "page": page,
            "counts": queue.counts(scoped, now=now),
            "reason": wanted.get("reason") or "",
            "filtering": any(request.GET.get(name) for name in form.fields),
            "query": query.urlencode(),
            "reason_query": without_reason.urlencode(),
        },
    )
