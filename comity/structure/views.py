"""Pages of the governance-structure registry. Thin: parse → permission → service → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comity.foundation.caching import cached_for_community
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.structure import selectors, services
from comity.structure.claim_review import claims_for_review
from comity.structure.forms import (
    MembershipForm,
    NewResponsibilityForm,
    RejectClaimForm,
    ResponsibilityForm,
    SubjectForm,
)
from comity.structure.models import Community, GovernanceSubject, SubjectKind


@login_required
def overview(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id)
    counts = selectors.community_counts(community)
    can_manage = request.user.has_perm("structure.edit_matrix", community)
    context = {
        "community": community,
        "counts": counts,
        "can_manage": can_manage,
        "pending_claims": selectors.pending_claims(community).count() if can_manage else 0,
        "uncovered": selectors.uncovered_matter_categories(community),
    }
    return render(request, "structure/overview.html", context)


@login_required
def structure_map(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id)
    tiers = selectors.structure_map(community)
    tier_labels = {
        "government": _("Government"),
        "community": _("Residents' committee"),
        "owners": _("Owners"),
        "market": _("Enterprises"),
        "society": _("Society and residents' own groups"),
    }
    subject_url = _url_maker("structure:subject")
    labelled = [
        {
            "tier": tier.tier,
            "label": tier_labels[tier.tier],
            "subjects": [
                {
                    "subject": node.subject,
                    "leads": node.leads,
                    "co_handles": node.co_handles,
                    # Worked out once here rather than by lookups, filters and url tags per chip in the template.
                    "url": subject_url(node.subject.pk),
                    "kind_line": _kind_line(node.subject),
                    "lead_chips": [_chip(row) for row in node.leads],
                    "help_chips": [_chip(row) for row in node.co_handles],
                }
                for node in tier.subjects
            ],
        }
        for tier in tiers
    ]
    load: list[dict[str, Any]] = sorted(
        (
            {"subject": node.subject, "leads": len(node.leads), "helps": len(node.co_handles)}
            for tier in tiers
            for node in tier.subjects
            if node.leads or node.co_handles
        ),
        key=lambda item: (-item["leads"], -item["helps"], item["subject"].name),
    )
    most = max((item["leads"] + item["helps"] for item in load), default=0)
    for item in load:
        item["lead_pct"] = round(100 * item["leads"] / most) if most else 0
        item["help_pct"] = round(100 * item["helps"] / most) if most else 0
    return render(request, "structure/map.html", {"community": community, "tiers": labelled, "load": load})


def _kind_line(subject: GovernanceSubject) -> str:
    parts = [str(subject.get_kind_display())]
    if subject.scope_area:
        parts.append(subject.scope_area.name)
    if subject.legal_status:
        parts.append(str(subject.get_legal_status_display()))
    return " · ".join(parts)


def _chip(row: Any) -> str:
    return f"{row.category.name} ({row.scope_area.name})" if row.scope_area else row.category.name


@login_required
def matrix(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id)
    rows = list(selectors.responsibility_matrix(community))
    can_edit = request.user.has_perm("structure.edit_matrix", community)
    return render(
        request,
        "structure/matrix.html",
        {
            "community": community,
            "rows": rows,
            "groups": _matrix_groups(community, rows, can_edit=can_edit),
            "uncovered": selectors.uncovered_matter_categories(community),
            "can_edit": can_edit,
        },
    )


def _url_maker(name: str, *args: object) -> Callable[[int], str]:
    """``reverse(name, args=[*args, pk])`` for many ``pk``: reversed once, the last argument filled in per row."""
    placeholder = 987654321
    prefix, suffix = reverse(name, args=[*args, placeholder]).rsplit(str(placeholder), 1)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _matrix_groups(community: Community, rows: list[Any], *, can_edit: bool) -> list[dict[str, Any]]:
    """The matrix rows as plain values for display, grouped by top-level category (computed once, not per row)."""
    subject_url = _url_maker("structure:subject")
    edit_url = _url_maker("structure:matrix_edit", community.pk)
    whole_community = _("Whole community")
    groups = []
    for group in selectors.group_by_top_category(rows):
        items = []
        for row in group.rows:
            category = row.category.name
            items.append(
                {
                    "pk": row.pk,
                    "category": category,
                    "time_limit": row.time_limit_display,
                    "scope": row.scope_area.name if row.scope_area else whole_community,
                    "lead_url": subject_url(row.lead_subject_id),
                    "lead": row.lead_subject.name,
                    "helpers": "、".join(s.name for s in row.co_handlers.all()),
                    "notes": row.notes,
                    "edit_url": edit_url(row.pk) if can_edit else "",
                    "edit_label": _("Edit %(category)s") % {"category": category} if can_edit else "",
                }
            )
        groups.append(
            {
                "slug": slugify(group.category.code),
                "name": group.category.name,
                "count": len(items),
                "rows": items,
            }
        )
    return groups


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
def subjects(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id)
    queryset = (
        selectors.subjects_serving(community)
        .select_related("scope_area")
        .annotate(member_count=Count("memberships", filter=Q(memberships__ended_on__isnull=True)))
    )
    kind = request.GET.get("kind", "")
    if kind in SubjectKind.values:
        queryset = queryset.filter(kind=kind)
    groups: dict[str, list[object]] = {}
    for subject in queryset.order_by("kind", "name"):
        groups.setdefault(subject.get_kind_display(), []).append(subject)
    return render(
        request,
        "structure/subjects.html",
        {
            "community": community,
            "groups": groups,
            "kinds": SubjectKind.choices,
            "kind": kind,
            "can_register": request.user.has_perm("structure.register_subject", community),
        },
    )


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
def street_overview(request: HttpRequest, street_id: int) -> HttpResponse:
    street = selectors.get_street_for_user(request.user, street_id)
    rows = selectors.street_rows(street)
    return render(request, "structure/street.html", {"street": street, "rows": rows})


@login_required
def claims(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id, perm="structure.review_claims")
    return render(
        request,
        "structure/claims.html",
        {
            "community": community,
            "reviews": claims_for_review(community),
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
