from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comity.audit.selectors import action_prefixes, community_log
from comity.structure.selectors import get_community_for_user

PAGE_SIZE = 50


@login_required
def log(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="audit.browse_log")
    prefixes = action_prefixes(community)
    prefix = request.GET.get("kind", "")
    if prefix not in {value for value, _label in prefixes}:
        prefix = ""
    page = Paginator(community_log(community, action_prefix=prefix), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/log.html",
        {"community": community, "page": page, "prefixes": prefixes, "prefix": prefix},
    )
