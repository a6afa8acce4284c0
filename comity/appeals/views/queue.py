"""The staff workbench: a community's queue of appeals, its filters and the bulk dispatch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comity.accounts.selectors import signed_in
from comity.appeals import selectors, selectors_public, services
from comity.appeals.forms import (
    QueueFilterForm,
    RedispatchForm,
)
from comity.appeals.views.listing import prepare_rows, prepare_workbench_rows
from comity.engine.appeals import OPEN_STATUSES
from comity.foundation.widgets import choices_in_one_query
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community
from comity.structure.scope import scope_for

OPEN = [status.value for status in OPEN_STATUSES]


# --- the staff workbench ------------------------------------------------------------------------------------------


def _wanted(form: QueueFilterForm) -> selectors.QueueFilter:
    """The filters the form asks for; with no status in the query, the open appeals (an invalid form: only those)."""
    if not form.is_valid():
        return selectors.QueueFilter()
    data = form.cleaned_data
    return selectors.QueueFilter(
        mine=data.get("mine") or "",
        status="open" if "status" not in form.data else data.get("status") or "",
        category=data.get("category") or "",
        area=data.get("area") or None,
        subject=data.get("subject") or None,
        overdue=bool(data.get("overdue")),
        q=data.get("q") or "",
    )


def _bulk_form(community: Community) -> RedispatchForm:
    form = RedispatchForm(community=community, prefix="bulk")
    choices_in_one_query(form.fields["lead_subject"])
    return form


@login_required
def queue(request: HttpRequest, community_id: int) -> HttpResponse:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.use_workbench"
    )
    subjects = selectors.queue_subjects(request.user, community)
    form = QueueFilterForm(request.GET or None, community=community, subjects=subjects)
    acting = scope_for(request.user).acting_subject_ids
    if not acting:
        del form.fields["mine"]
    for name in ("area", "subject"):
        choices_in_one_query(form.fields[name])
    now = timezone.now()
    appeals = selectors.filter_queue(
        selectors.visible_appeals(request.user, community), _wanted(form), acting, now=now
    )
    appeals = appeals.select_related("category", "lead_subject", "area__parent", "unit__building").order_by(
        "due_at", "received_at"
    )
    appeals = selectors_public.with_counts(appeals)
    page = Paginator(appeals, 50).get_page(request.GET.get("page"))
    for appeal in page.object_list:
        appeal.is_late = appeal.status in OPEN and appeal.due_at is not None and appeal.due_at < now
    prepare_rows(page.object_list, community, "appeals:detail")
    prepare_workbench_rows(page.object_list)
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
            "bulk_form": _bulk_form(community) if can_bulk else None,
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
    appeals = selectors.appeals_chosen(community, ids)
    if not appeals:
        messages.error(request, _("Choose the appeals to dispatch."))
    elif not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        try:
            done = services.bulk_redispatch(
                signed_in(request),
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
