"""The unit search behind the unit pickers: an htmx fragment of matching units, scoped to one community."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from comity.structure.selectors import get_community_for_user
from comity.structure.unit_search import search_units, unit_label

_FIELD_ID = re.compile(r"^[A-Za-z][\w-]{0,60}$")


@login_required
@require_GET
def unit_search(request: HttpRequest) -> HttpResponse:
    """Units of ``community`` matching the text in the parameter named by ``field`` (or ``q``): labels only."""
    field = request.GET.get("field", "q")
    field = field if _FIELD_ID.match(field) else "q"
    field_id = f"id_{field}"
    community_id = request.GET.get("community", "")
    query = (request.GET.get(field) or request.GET.get("q") or "")[:80].strip()
    units = []
    if community_id.isdigit() and len(community_id) < 19:
        community = get_community_for_user(request.user, int(community_id), perm="structure.search_units")
        units = search_units(community, query) if query else []
    else:
        query = ""  # no community chosen yet: nothing to list
    rows = [
        {"pk": unit.pk, "label": unit_label(unit), "building": unit.building, "floor": unit.floor}
        for unit in units
    ]
    return render(
        request, "structure/_unit_options.html", {"units": rows, "query": query, "field_id": field_id}
    )
