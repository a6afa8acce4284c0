"""A resident's intake, my appeals and the public list of a community's appeals.

Thin, as everywhere: parse → permission → service → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comity.accounts.selectors import signed_in
from comity.appeals import selectors, selectors_public, services
from comity.appeals.forms import (
    AppealForm,
)
from comity.appeals.models import Appeal
from comity.appeals.views.listing import page_number, prepare_rows
from comity.engine.category_suggest import suggest_categories
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.structure import selectors as structure_selectors
from comity.structure.fragments import cached_fragment
from comity.structure.models import Community

# --- intake -------------------------------------------------------------------------------------------------


def _intake_scope(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return f"appeals.new:{kwargs['community_id']}"


def _mine_url(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("appeals:mine", args=[kwargs["community_id"]])


def _similar_for(community: Community, *, category: Any, area: Any, unit: Any) -> list[Appeal]:
    """Public appeals like the one being written; a place chosen on purpose counts over the home (as on sending)."""
    return selectors.similar_public_appeals(
        community, category=category, area=area, unit=None if area else unit, now=timezone.now()
    )


def _similar_typed(community: Community, data: Any) -> list[Appeal]:
    """The same from what is typed so far (the htmx request, or a form with errors): unknown ids are ignored."""
    typed = selectors.typed_place(
        community, category=data.get("category"), area=data.get("area"), unit=data.get("unit")
    )
    return _similar_for(community, category=typed.category, area=typed.area, unit=typed.unit)


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice(_intake_scope, pending_url=_mine_url, ignore=("similar_seen",))
def new_appeal(request: HttpRequest, community_id: int) -> HttpResponse:
    """The intake form. Before sending, the resident sees open public appeals about the same matter at the same
    place (as the form is filled, through htmx; without JavaScript, the first sending shows them and asks to
    send anyway), and the form is safe to send twice (:mod:`comity.foundation.idempotency`)."""
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.submit_appeal"
    )
    user = signed_in(request)
    if request.method == "GET" and request.GET.get("similar"):
        found = _similar_typed(community, request.GET)
        return render(request, "appeals/_similar.html", {"community": community, "similar": found})
    can_assist = user.has_perm("appeals.record_for_resident", community)
    assisted = can_assist and request.GET.get("for") == "resident"
    form = AppealForm(
        request.POST or None, request.FILES or None, community=community, user=user, assisted=assisted
    )
    similar: list[Appeal] = []
    confirming = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = _similar_for(
            community, category=data["category"], area=data.get("area"), unit=data.get("unit")
        )
        seen = set(request.POST.getlist("similar_seen"))
        confirming = any(str(other.pk) not in seen for other in similar)
        if not confirming:
            try:
                appeal = services.submit_appeal(user, community, **form.service_kwargs())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Appeal %(number)s received and passed to %(lead)s.")
                    % {"number": appeal.number, "lead": appeal.lead_subject},
                )
                return redirect("appeals:detail", community_id=community.pk, appeal_id=appeal.pk)
    elif request.method == "POST":
        similar = _similar_typed(community, request.POST)
    if request.method == "POST" and request.FILES:
        form.fields["photos"].help_text = _(
            "Choose your photos again: a browser cannot keep them when the form comes back to you."
        )
    return render(
        request,
        "appeals/new.html",
        {
            "community": community,
            "form": form,
            "assisted": assisted,
            "can_assist": can_assist,
            "similar": similar,
            "confirming": confirming,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def suggest(request: HttpRequest, community_id: int) -> JsonResponse:
    """Categories suggested for the text typed so far (the intake form calls it as the resident types)."""
    structure_selectors.get_community_for_user(request.user, community_id, perm="appeals.submit_appeal")
    text = request.GET.get("text", "")[:2000]
    found = suggest_categories(text, catalogue=selectors.catalogue_specs())
    by_code = selectors.categories_by_code(s.code for s in found)
    return JsonResponse(
        {
            "suggestions": [
                {"id": by_code[s.code].pk, "code": s.code, "name": by_code[s.code].name}
                for s in found
                if s.code in by_code
            ]
        }
    )


# --- a resident's appeals and the public list -------------------------------------------------------------------


@login_required
def mine(request: HttpRequest, community_id: int) -> HttpResponse:
    """The resident's own appeals. Below the community's name the page is cached for the viewer's account until
    the community's data changes (every step of an appeal is audited), for at most a minute."""
    community = structure_selectors.get_community_for_user(request.user, community_id)
    number = page_number(request)

    def body(token: str) -> str:
        appeals = selectors.my_appeals(request.user, community)
        page = Paginator(appeals, 30).get_page(number)
        prepare_rows(page.object_list, community, "appeals:detail")
        context = {
            "community": community,
            "page": page,
            "can_submit": request.user.has_perm("appeals.submit_appeal", community),
        }
        return render_to_string("appeals/_mine_body.html", context)

    html = cached_fragment(request, community, "appeals-mine", number, render=body, per="user")
    return render(request, "appeals/mine.html", {"community": community, "body": html})


@login_required
def public(request: HttpRequest, community_id: int) -> HttpResponse:
    """The community's public appeals, the same for everyone who may see them: below the community's name the page
    is cached until the community's data changes (sharing an appeal, its steps, me-toos and followers are audited),
    for at most a minute."""
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.see_public_appeals"
    )
    number = page_number(request)

    def body(token: str) -> str:
        page = Paginator(selectors_public.public_appeals(community), 30).get_page(number)
        prepare_rows(page.object_list, community, "appeals:public_detail")
        return render_to_string("appeals/_public_body.html", {"community": community, "page": page})

    html = cached_fragment(request, community, "appeals-public", number, render=body, per="everyone")
    return render(request, "appeals/public.html", {"community": community, "body": html})
