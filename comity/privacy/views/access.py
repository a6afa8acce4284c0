"""Who looked: a resident's list of who read their data, the community's access log, unusual access and its review.

Thin: parse → permission → selector or service → render. A resident sees their own reads (``privacy.manage_own_data``);
the committee, the street office and platform staff see a community's log and review its alerts
(``privacy.review_access``); street officials see their street's communities side by side.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from comity.foundation.forms import add_service_errors
from comity.foundation.services import require
from comity.privacy.models import AccessAlert
from comity.privacy.selectors.access import (
    PAGE_SIZE,
    STAFF_WHAT_LABELS,
    WHAT_LABELS,
    alert_reads,
    alerts_of,
    community_log,
    log_viewers,
    looks_page,
    person_of_user,
    role_label,
    staff_what_label,
    street_open_alerts,
    threshold,
    viewer_name,
)
from comity.privacy.selectors.access import (
    street_access as street_rows,
)
from comity.privacy.services.access import NOTE_MAX
from comity.privacy.services.access import review_alert as review_alert_service
from comity.structure.selectors import get_community_for_user, get_street_for_user

REVIEW = "privacy.review_access"
#: The reads an alert's page lists at most (an alert counts hundreds).
ALERT_READS_SHOWN = 500


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What you found"),
        help_text=gettext_lazy(
            "Why this account read so much — a registry check, a campaign, a mistake — and what was done."
        ),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX}),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@login_required
@require_GET
def who_looked(request: HttpRequest) -> HttpResponse:
    """The resident's own list: who, in which role, read what of their data, and when."""
    require(request.user, "privacy.manage_own_data")
    person = person_of_user(request.user)
    if person is None:
        return render(request, "privacy/who_looked.html", {"person": None, "looks": [], "page": None})
    page, looks = looks_page(person, request.GET.get("page"))
    return render(
        request,
        "privacy/who_looked.html",
        {"person": person, "looks": looks, "page": page, "total": page.paginator.count},
    )


@login_required
@require_GET
def community_access(request: HttpRequest, community_id: int) -> HttpResponse:
    """The community's access log, open alerts first, filtered by staff account and by what was read."""
    community = get_community_for_user(request.user, community_id, perm=REVIEW)
    viewer_id = _int(request.GET.get("viewer"))
    what = request.GET.get("what", "")
    what = what if what in WHAT_LABELS else ""
    rows = community_log(community, viewer_id=viewer_id, what=what)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    records = [
        {
            "at": record.at,
            "who": viewer_name(record),
            "role": role_label(record.role),
            "what": staff_what_label(record.what),
            "person": record.person.full_name,
            "path": record.path,
        }
        for record in page.object_list
    ]
    alerts = alerts_of(community)
    for alert in alerts:
        alert.who = viewer_name(alert)  # type: ignore[attr-defined]
    return render(
        request,
        "privacy/access.html",
        {
            "community": community,
            "page": page,
            "records": records,
            "viewers": log_viewers(community),
            "viewer_id": viewer_id,
            "whats": [(code, str(label)) for code, label in STAFF_WHAT_LABELS.items()],
            "what": what,
            "open_alerts": [alert for alert in alerts if alert.reviewed_at is None],
            "reviewed_alerts": [alert for alert in alerts if alert.reviewed_at is not None],
            "threshold": threshold(),
            "query": _query(viewer_id, what),
        },
    )


def _query(viewer_id: int | None, what: str) -> str:
    parts = []
    if viewer_id is not None:
        parts.append(f"viewer={viewer_id}")
    if what:
        parts.append(f"what={what}")
    return "&".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def review_alert(request: HttpRequest, community_id: int, alert_id: int) -> HttpResponse:
    """One alert: the reads it counted; while open, the form to record what the reviewer found."""
    community = get_community_for_user(request.user, community_id, perm=REVIEW)
    alert = get_object_or_404(
        AccessAlert.objects.select_related("viewer__person", "reviewed_by__person"),
        community=community,
        pk=alert_id,
    )
    form = ReviewForm(request.POST or None) if alert.reviewed_at is None else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This alert has already been reviewed."))
            return redirect("privacy:review_alert", community_id=community.pk, alert_id=alert.pk)
        if form.is_valid():
            try:
                review_alert_service(request.user, alert, form.cleaned_data["note"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your finding is recorded."))
                return redirect("privacy:access", community_id=community.pk)
        status = 400
    reads = alert_reads(alert)
    shown = list(reads[:ALERT_READS_SHOWN])
    return render(
        request,
        "privacy/access_alert.html",
        {
            "community": community,
            "alert": alert,
            "who": viewer_name(alert),
            "reviewer": _reviewer(alert),
            "reads": [
                {"at": r.at, "person": r.person.full_name, "what": staff_what_label(r.what), "path": r.path}
                for r in shown
            ],
            "more": max(0, reads.count() - len(shown)) if len(shown) == ALERT_READS_SHOWN else 0,
            "form": form,
        },
        status=status,
    )


def _reviewer(alert: AccessAlert) -> str:
    user = alert.reviewed_by
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.full_name if person is not None and person.full_name else str(user)


@login_required
@require_GET
def street_access(request: HttpRequest, street_id: int) -> HttpResponse:
    """The street's communities side by side: reads, people and staff in the last 30 days, and open alerts."""
    street = get_street_for_user(request.user, street_id, perm=REVIEW)
    alerts = street_open_alerts(street)
    for alert in alerts:
        alert.who = viewer_name(alert)  # type: ignore[attr-defined]
    return render(
        request,
        "privacy/street_access.html",
        {"street": street, "rows": street_rows(street), "alerts": alerts},
    )
