"""Pages of the governance-structure registry. Thin: parse → permission → service → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comity.foundation.caching import cached_for_community
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.personal_data import Read
from comity.structure import selectors, services
from comity.structure.claim_review import claims_for_review
from comity.structure.forms import (
    MembershipForm,
    NewResponsibilityForm,
    RejectClaimForm,
    ResponsibilityForm,
    SubjectForm,
)
from comity.structure.models import Community, GovernanceSubject
from comity.structure.reads import building_person_ids, claim_person_ids, note_reads


@login_required
@require_http_methods(["GET", "POST"])
def matrix_edit(request: HttpRequest, community_id: int, responsibility_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id, perm="structure.edit_matrix")
    row = selectors.get_responsibility_for_user(request.user, community, responsibility_id)
    initial = {
        "lead_subject": row.lead_subject,
        "co_handlers": list(row.co_handlers.all()),
        "time_limit_hours": row.time_limit_hours,
        "notes": row.notes,
    }
    form = ResponsibilityForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_responsibility(request.user, row, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: %(category)s.") % {"category": row.category})
            return redirect("structure:matrix", community_id=community.pk)
    return render(request, "structure/matrix_form.html", {"community": community, "row": row, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def matrix_new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id, perm="structure.edit_matrix")
    form = NewResponsibilityForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.create_responsibility(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added: %(category)s.") % {"category": row.category})
            return redirect("structure:matrix", community_id=community.pk)
    return render(request, "structure/matrix_form.html", {"community": community, "row": None, "form": form})


@login_required
@require_POST
def matrix_delete(request: HttpRequest, community_id: int, responsibility_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id, perm="structure.edit_matrix")
    row = selectors.get_responsibility_for_user(request.user, community, responsibility_id)
    category = row.category
    services.delete_responsibility(request.user, row)
    messages.success(request, _("Removed: %(category)s.") % {"category": category})
    return redirect("structure:matrix", community_id=community.pk)


@login_required
def subject_detail(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = selectors.get_subject_for_user(request.user, subject_id)
    return _render_subject(request, subject)


def _render_subject(
    request: HttpRequest,
    subject: GovernanceSubject,
    *,
    membership_form: MembershipForm | None = None,
    status: int = 200,
) -> HttpResponse:
    community: Community | None = subject.community
    lead_rows = subject.lead_responsibilities.select_related("category", "scope_area", "community")
    co_rows = subject.co_responsibilities.select_related(
        "category", "scope_area", "community", "lead_subject"
    )
    if community is None:
        visible = selectors.communities_for_user(request.user).values_list("pk", flat=True)
        lead_rows = lead_rows.filter(community__in=visible)
        co_rows = co_rows.filter(community__in=visible)
    can_manage = request.user.has_perm("structure.manage_subject", subject)
    return render(
        request,
        "structure/subject_detail.html",
        {
            "subject": subject,
            "community": community,
            "members": selectors.subject_members(subject),
            "lead_rows": lead_rows,
            "co_rows": co_rows,
            "can_manage": can_manage,
            "membership_form": membership_form or (MembershipForm() if can_manage else None),
            "show_contacts": request.user.has_perm("structure.edit_matrix", community)
            if community
            else request.user.has_perm("structure.oversee_street", subject.street),
        },
        status=status,
    )


@login_required
def claims(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id, perm="structure.review_claims")
    note_reads(request, community, claim_person_ids(community), Read.REGISTRY)
    return render(
        request,
        "structure/claims.html",
        {
            "community": community,
            "reviews": SimpleLazyObject(lambda: claims_for_review(community)),
            "reject_form": RejectClaimForm(),
        },
    )


@login_required
@require_POST
def claim_decide(request: HttpRequest, community_id: int, claim_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id, perm="structure.review_claims")
    claim = selectors.get_claim_for_user(request.user, community, claim_id)
    decision = request.POST.get("decision")
    try:
        if decision == "confirm":
            services.confirm_residency_claim(request.user, claim)
            messages.success(request, _("Confirmed %(name)s.") % {"name": claim.full_name})
        elif decision == "reject":
            form = RejectClaimForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the claimant a reason for the rejection."))
                return redirect("structure:claims", community_id=community.pk)
            services.reject_residency_claim(request.user, claim, reason=form.cleaned_data["reason"])
            messages.success(request, _("Rejected the claim of %(name)s.") % {"name": claim.full_name})
        else:
            messages.error(request, _("Choose to confirm or to reject the claim."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("structure:claims", community_id=community.pk)


#: Seconds a rendered registry fragment stays cached at most (stale at once after an audited write of the community).
FRAGMENT_TIMEOUT = 600


def _community_fragment(
    community: Community, name: str, *parts: object, template: str, context: Callable[[], dict[str, Any]]
) -> str:
    """``template`` rendered with ``context()``, cached per community data version and language (and ``parts``).

    For the registry's lists, which show the same to everyone allowed to open them and change only through audited
    writes of the community (imports, claims, subjects), each of which bumps the data version.
    """
    html = cached_for_community(
        community,
        name,
        get_language() or "",
        *parts,
        compute=lambda: str(render_to_string(template, context())),
        timeout=FRAGMENT_TIMEOUT,
    )
    return mark_safe(html)  # rendered by our own autoescaping template above


def _registry_context(community: Community) -> dict[str, Any]:
    zones: dict[str, list[object]] = {}
    for building in selectors.registry_buildings(community):
        zones.setdefault(building.parent.name if building.parent else "", []).append(building)
    return {"community": community, "zones": zones}


@login_required
def registry(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id, perm="structure.browse_registry")
    zones_html = _community_fragment(
        community,
        "registry-html",
        template="structure/_registry_zones.html",
        context=lambda: _registry_context(community),
    )
    return render(
        request,
        "structure/registry.html",
        {
            "community": community,
            "zones_html": zones_html,
            "can_import": request.user.has_perm("structure.import_registry", community),
        },
    )


@login_required
def building(request: HttpRequest, community_id: int, building_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id, perm="structure.browse_registry")
    area = selectors.get_building_for_user(request.user, community, building_id)
    # Noted before the cached part is asked for: a page served from the cache is a read too.
    note_reads(request, community, building_person_ids(community, area.pk), Read.REGISTRY)
    # The day is in the key: an ownership or tenancy that ends today stops counting tomorrow.
    units_html = _community_fragment(
        community,
        "building-html",
        area.pk,
        timezone.localdate().isoformat(),
        template="structure/_building_units.html",
        context=lambda: {"stairwells": selectors.building_register(area)},
    )
    return render(
        request,
        "structure/building.html",
        {"community": community, "building": area, "units_html": units_html},
    )


def _subject_data(form: SubjectForm) -> services.SubjectData:
    data = cast(services.SubjectData, dict(form.cleaned_data))
    data["legal_status"] = data.get("legal_status") or ""
    return data


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("structure.subject_new")
def subject_new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(
        request.user, community_id, perm="structure.register_subject"
    )
    form = SubjectForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            subject = services.create_subject(request.user, community, **_subject_data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Registered %(name)s.") % {"name": subject.name})
            return redirect("structure:subject", subject_id=subject.pk)
    return render(
        request, "structure/subject_form.html", {"community": community, "subject": None, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def subject_edit(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = selectors.get_subject_for_user(request.user, subject_id, perm="structure.manage_subject")
    initial = {field: getattr(subject, field) for field in services.SUBJECT_FIELDS}
    form = SubjectForm(request.POST or None, community=subject.community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_subject(request.user, subject, **_subject_data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": subject.name})
            return redirect("structure:subject", subject_id=subject.pk)
    context = {"community": subject.community, "subject": subject, "form": form}
    return render(request, "structure/subject_form.html", context)


@login_required
@require_POST
def membership_add(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = selectors.get_subject_for_user(request.user, subject_id, perm="structure.manage_subject")
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            membership = services.add_membership(request.user, subject, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.person.full_name, "role": membership.get_role_display()},
            )
            return redirect("structure:subject", subject_id=subject.pk)
    return _render_subject(request, subject, membership_form=form, status=400)


@login_required
@require_POST
def membership_end(request: HttpRequest, subject_id: int, membership_id: int) -> HttpResponse:
    subject = selectors.get_subject_for_user(request.user, subject_id, perm="structure.manage_subject")
    membership = selectors.get_membership(subject, membership_id)
    try:
        services.end_membership(request.user, membership)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s no longer holds this role.") % {"name": membership.person.full_name}
        )
    return redirect("structure:subject", subject_id=subject.pk)
