"""The staff workbench: a community's queue of appeals, its filters and the bulk dispatch."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comity.appeals import selectors, selectors_public, services
from comity.appeals.forms import (
    QueueFilterForm,
    RedispatchForm,
)
from comity.appeals.models import Appeal, Dispatch, DispatchRole
from comity.engine.appeals import OPEN_STATUSES, AppealStatus
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community, GovernanceSubject
from comity.structure.scope import scope_for

OPEN = [status.value for status in OPEN_STATUSES]


# --- the staff workbench ------------------------------------------------------------------------------------------


def _queue_subjects(user: Any, community: Community) -> QuerySet[GovernanceSubject]:
    scope = scope_for(user)
    serving = GovernanceSubject.objects.filter(
        Q(community=community) | Q(community__isnull=True, street=community.street_id)
    )
    if user.has_perm("appeals.dispatch_in_bulk", community) or scope.is_platform_staff:
        return serving.order_by("name")
    return serving.filter(pk__in=scope.acting_subject_ids).order_by("name")


def _mine(appeals: QuerySet[Appeal], mine: str, acting: frozenset[int] | set[int]) -> QuerySet[Appeal]:
    """The workbench's "mine" filter over the subjects the user acts for: appeals waiting for them to sign for,
    those they lead, and those they help with (an open co-handling dispatch)."""
    if mine == "to_sign":
        return appeals.filter(status=AppealStatus.DISPATCHED, lead_subject__in=acting)
    if mine == "lead":
        return appeals.filter(lead_subject__in=acting)
    if mine == "help":
        helping = Dispatch.objects.filter(
            role=DispatchRole.CO_HANDLER, ended_at__isnull=True, subject_id__in=acting
        ).values("appeal_id")
        return appeals.filter(pk__in=helping)
    return appeals


def _filtered(
    appeals: QuerySet[Appeal], form: QueueFilterForm, acting: frozenset[int] | set[int]
) -> QuerySet[Appeal]:
    if not form.is_valid():
        return appeals.filter(status__in=OPEN)
    data = form.cleaned_data
    appeals = _mine(appeals, data.get("mine") or "", acting)
    status = data.get("status") or ""
    if status == "open" or (not form.data.get("status") and "status" not in form.data):
        appeals = appeals.filter(status__in=OPEN)
    elif status:
        appeals = appeals.filter(status=status)
    if data.get("category"):
        code = data["category"]
        appeals = appeals.filter(Q(category__code=code) | Q(category__code__startswith=f"{code}."))
    if data.get("area"):
        area = data["area"]
        appeals = appeals.filter(Q(area=area) | Q(area__parent=area) | Q(unit__building=area))
    if data.get("subject"):
        appeals = appeals.filter(lead_subject=data["subject"])
    if data.get("overdue"):
        appeals = appeals.filter(status__in=OPEN, due_at__lt=timezone.now())
    if data.get("q"):
        q = data["q"].strip()
        appeals = appeals.filter(Q(number__icontains=q) | Q(description__icontains=q))
    return appeals


@login_required
def queue(request: HttpRequest, community_id: int) -> HttpResponse:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.use_workbench"
    )
    subjects = _queue_subjects(request.user, community)
    form = QueueFilterForm(request.GET or None, community=community, subjects=subjects)
    acting = scope_for(request.user).acting_subject_ids
    if not acting:
        del form.fields["mine"]
    appeals = _filtered(selectors.visible_appeals(request.user, community), form, acting)
    appeals = appeals.select_related("category", "lead_subject", "area__parent", "unit__building").order_by(
        "due_at", "received_at"
    )
    appeals = selectors_public.with_counts(appeals)
    page = Paginator(appeals, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for appeal in page.object_list:
        appeal.is_late = appeal.status in OPEN and appeal.due_at is not None and appeal.due_at < now
    can_bulk = request.user.has_perm("appeals.dispatch_in_bulk", community)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/queue.html",
        {
            "community": community,
            "form": form,
            "page": page,
            "filtering": any(request.GET.get(name) for name in form.fields),
            "can_bulk": can_bulk,
            "can_assist": request.user.has_perm("appeals.record_for_resident", community),
            "bulk_form": RedispatchForm(community=community, prefix="bulk") if can_bulk else None,
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest, community_id: int) -> HttpResponse:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.dispatch_in_bulk"
    )
    form = RedispatchForm(request.POST, community=community, prefix="bulk")
    ids = [int(value) for value in request.POST.getlist("appeal") if value.isdigit()]
    appeals = list(Appeal.objects.filter(community=community, pk__in=ids))
    if not appeals:
        messages.error(request, _("Choose the appeals to dispatch."))
    elif not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        try:
            done = services.bulk_redispatch(
                request.user,
                appeals,
                lead_subject=form.cleaned_data["lead_subject"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, _("Nothing was dispatched."))
            for message in error.messages:
                messages.error(request, message)
        except PermissionDenied:
            messages.error(request, _("Nothing was dispatched: you cannot dispatch some of these appeals."))
        else:
            messages.success(
                request,
                _("%(count)d appeals dispatched to %(lead)s.")
                % {"count": len(done), "lead": form.cleaned_data["lead_subject"]},
            )
    query = request.POST.get("query", "")
    return redirect(reverse("appeals:queue", args=[community.pk]) + (f"?{query}" if query else ""))
