"""The street office's appeal queue: escalated, overdue and street-level disputed appeals of every community of
the street, with filters, counts and pages. Thin: parse → permission → selectors (:mod:`comity.appeals.selectors_street`)
→ render."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from comity.appeals import selectors_street as queue
from comity.appeals.forms import StreetQueueFilterForm
from comity.appeals.rates.cache import rates_version
from comity.appeals.views.listing import page_number
from comity.foundation.caching import street_key
from comity.structure.models import Street
from comity.structure.selectors import get_street_for_user

PAGE_SIZE = 30


#: How long a page of the street's queue is served from the cache at most: what is overdue changes with the clock.
SECONDS = 60


def _filter_data(request: HttpRequest) -> QueryDict:
    """The query's values of the filter form's fields alone (other parameters are neither shown nor kept)."""
    data = QueryDict(mutable=True)
    for name in StreetQueueFilterForm.base_fields:
        if name in request.GET:
            data.setlist(name, request.GET.getlist(name))
    return data


def _body(street: Street, form: StreetQueueFilterForm, data: QueryDict, number: int) -> str:
    now = timezone.now()
    wanted: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    # The counts follow the community and matter chosen, and count every reason (they are the reason filter).
    scoped = queue.narrowed(
        queue.street_queue(street, now=now),
        now=now,
        community=wanted.get("community"),
        category=wanted.get("category") or "",
    )
    appeals = queue.narrowed(scoped, now=now, reason=wanted.get("reason") or "")
    page = Paginator(queue.page_rows(appeals), PAGE_SIZE).get_page(number)
    for appeal in page.object_list:
        appeal.is_late = appeal.due_at is not None and appeal.due_at < now
        appeal.street_dispute = (
            appeal.status == "disputed"
            and appeal.lead_subject is not None
            and appeal.lead_subject.community_id is None
        )
    without_reason = data.copy()
    without_reason.pop("reason", None)
    return render_to_string(
        "appeals/_street_queue_body.html",
        {
            "street": street,
            "form": form,
            "page": page,
            "counts": queue.counts(scoped, now=now),
            "reason": wanted.get("reason") or "",
            "filtering": any(data.get(name) for name in form.fields),
            "query": data.urlencode(),
            "reason_query": without_reason.urlencode(),
        },
    )


@login_required
@require_GET
def street_queue(request: HttpRequest, street_id: int) -> HttpResponse:
    """The street's queue, the same for every official who may see it: cached under the street's rates version,
    which every write of an appeal of the street changes (``rates.cache``: each save of an appeal bumps it, now
    and after the commit), for at most a minute (what is overdue, the names of communities and subjects). A query
    that does not validate is answered without the cache."""
    street = get_street_for_user(request.user, street_id, perm="appeals.see_street_queue")
    data = _filter_data(request)
    number = page_number(request)
    form = StreetQueueFilterForm(data, street=street) if data else None
    if form is not None and not form.is_valid():
        body = _body(street, form, data, number)
    else:
        varied = hashlib.blake2b(repr((data.urlencode(), number)).encode(), digest_size=12).hexdigest()
        key = street_key(
            street.pk,
            "appeals-street-queue",
            rates_version(street.pk),
            get_language() or "",
            timezone.get_current_timezone_name(),
            varied,
        )
        body = cache.get(key)
        if body is None:
            body = _body(street, form or StreetQueueFilterForm(None, street=street), data, number)
            cache.set(key, body, timeout=SECONDS)
    return render(request, "appeals/street_queue.html", {"street": street, "body": mark_safe(body)})
