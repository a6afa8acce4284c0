"""The staff workbench: a community's queue of appeals, its filters and the bulk dispatch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comity.accounts.selectors import signed_in
from comity.appeals import selectors, selectors_public, services
from comity.appeals.forms import (
    QueueFilterForm,
    RedispatchForm,
)
from comity.appeals.views.listing import page_number as listing_page_number
from comity.appeals.views.listing import prepare_rows, prepare_workbench_rows
from comity.engine.appeals import OPEN_STATUSES
from comity.foundation.widgets import choices_in_one_query
from comity.structure import selectors as structure_selectors
from comity.structure.fragments import cached_fragment
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


#: What a row of the workbench shows of an appeal (its related rows are read whole, through ``select_related``).
ROW_FIELDS = (
    "id",
    "community_id",
    "number",
    "category",
    "lead_subject",
    "area",
    "unit",
    "status",
    "urgency",
    "description",
    "received_at",
    "due_at",
)


def _filter_data(request: HttpRequest, names: list[str]) -> QueryDict:
    """The query's values of the filter form's fields alone (other parameters are neither shown nor kept)."""
    data = QueryDict(mutable=True)
    for name in names:
        if name in request.GET:
            data.setlist(name, request.GET.getlist(name))
    return data


def _queue_form(request: HttpRequest, community: Community, data: QueryDict | None) -> QueueFilterForm:
    form = QueueFilterForm(
        data, community=community, subjects=selectors.queue_subjects(request.user, community)
    )
    if not scope_for(request.user).acting_subject_ids:
        del form.fields["mine"]
    for name in ("area", "subject"):
        choices_in_one_query(form.fields[name])
    return form


def _queue_main(
    request: HttpRequest,
    community: Community,
    form: QueueFilterForm,
    data: QueryDict,
    page_number: int,
    token: str,
) -> str:
    """The workbench below its title: the filters, the page of appeals and the bulk dispatch."""
    acting = scope_for(request.user).acting_subject_ids
    now = timezone.now()
    appeals = selectors.filter_queue(
        selectors.visible_appeals(request.user, community), _wanted(form), acting, now=now
    )
    appeals = (
        appeals.select_related("category", "lead_subject", "area__parent", "unit__building")
        .only(*ROW_FIELDS)
        .order_by("due_at", "received_at")
    )
    appeals = selectors_public.with_counts(appeals)
    page = Paginator(appeals, 50).get_page(page_number)
    for appeal in page.object_list:
        appeal.is_late = appeal.status in OPEN and appeal.due_at is not None and appeal.due_at < now
    prepare_rows(page.object_list, community, "appeals:detail")
    prepare_workbench_rows(page.object_list)
    can_bulk = request.user.has_perm("appeals.dispatch_in_bulk", community)
    return render_to_string(
        "appeals/_queue_main.html",
        {
            "community": community,
            "user": request.user,
            "form": form,
            "page": page,
            "filtering": any(data.get(name) for name in form.fields),
            "can_bulk": can_bulk,
            "can_assist": request.user.has_perm("appeals.record_for_resident", community),
            "bulk_form": _bulk_form(community) if can_bulk else None,
            "query": data.urlencode(),
            "csrf_token": token,
        },
    )


@login_required
def queue(request: HttpRequest, community_id: int) -> HttpResponse:
    """The workbench. Below its title it is cached (``structure.fragments``) until the community's data changes
    (every write of an appeal, its dispatches, me-toos and followers is audited), for at most a minute (what is
    overdue): for everyone with the same roles when they see every appeal of the community, else for the viewer
    alone (a subject's staff also see their own appeals as residents). A query that does not validate is
    answered without the cache."""
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.use_workbench"
    )
    names = [
        name
        for name in QueueFilterForm.base_fields
        if name != "mine" or scope_for(request.user).acting_subject_ids
    ]
    data = _filter_data(request, names)
    page_number = listing_page_number(request)
    form: QueueFilterForm | None = None
    if data:
        form = _queue_form(request, community, data)
        if not form.is_valid():
            main = _queue_main(request, community, form, data, page_number, get_token(request))
            return render(request, "appeals/queue.html", {"community": community, "main": mark_safe(main)})

    def main_part(token: str) -> str:
        return _queue_main(
            request, community, form or _queue_form(request, community, None), data, page_number, token
        )

    shared = selectors.sees_every_appeal(request.user, community)
    main = cached_fragment(
        request,
        community,
        "appeals-workbench",
        data.urlencode(),
        page_number,
        render=main_part,
        per="roles" if shared else "user",
    )
    return render(request, "appeals/queue.html", {"community": community, "main": main})


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
