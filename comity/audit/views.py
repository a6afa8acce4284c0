from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from comity.audit.selectors import action_prefixes, community_log
from comity.structure.selectors import get_community_for_user

PAGE_SIZE = 50


#: Pages of the log cached at most (a later page is rendered each time: few read that far).
CACHED_PAGES = 100


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@login_required
def log(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="audit.browse_log")
    prefixes = action_prefixes(community)
    prefix = request.GET.get("kind", "")
    if prefix not in {value for value, _label in prefixes}:
        prefix = ""
    number = _page_number(request.GET.get("page"))
    # The log is one part cached for everyone who may read it (``audit-log``, by kind and page) until the next
    # audited write of the community — each adds an entry and bumps the data version — or 60 s; the page of
    # entries is read only when the part is rendered.
    page = SimpleLazyObject(
        lambda: Paginator(community_log(community, action_prefix=prefix), PAGE_SIZE).get_page(number)
    )
    return render(
        request,
        "audit/log.html",
        {
            "community": community,
            "fragment_community": community if number <= CACHED_PAGES else None,
            "page": page,
            "page_number": number,
            "prefixes": prefixes,
            "prefix": prefix,
        },
    )
