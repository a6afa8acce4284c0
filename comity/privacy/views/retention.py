"""The committee's retention report: what the retention job deleted or anonymised in the community, run by run."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comity.privacy.selectors.retention import community_runs, described, register_periods
from comity.structure.selectors import get_community_for_user

PAGE_SIZE = 30


@login_required
def report(request: HttpRequest, community_id: int) -> HttpResponse:
    """The community's retention runs, newest first (paginated), with the register's periods beside."""
    community = get_community_for_user(request.user, community_id, perm="privacy.review_access")
    page = Paginator(community_runs(community), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/retention.html",
        {
            "community": community,
            "page": page,
            "runs": [(run, described(run.counts)) for run in page],
            "periods": register_periods(),
        },
    )
