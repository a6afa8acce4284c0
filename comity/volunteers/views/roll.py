"""The roll of honour: posted for at least 5 working days before its stars are awarded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.foundation.forms import add_service_errors
from comity.foundation.personal_data import Read
from comity.structure.reads import note_reads
from comity.structure.selectors import get_community_for_user
from comity.volunteers.forms import RollForm
from comity.volunteers.selectors.mine import awarded_roll, posting_roll, roll_lines
from comity.volunteers.selectors.staff import MANAGE
from comity.volunteers.services.bank import post_roll

STARS = range(1, 6)


@login_required
@require_http_methods(["GET", "POST"])
def roll(request: HttpRequest, community_id: int) -> HttpResponse:
    """The stars awarded by the last roll whose posting ended, the roll being posted, and (for the committee) posting
    a new one."""
    community = get_community_for_user(request.user, community_id, perm="volunteers.see_roll")
    manages = request.user.has_perm(MANAGE, community)
    form = RollForm(request.POST or None, initial={"as_of": timezone.localdate()}) if manages else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                post_roll(request.user, community, form.cleaned_data["as_of"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The roll of honour is posted."))
                return redirect("volunteers:roll", community_id=community.pk)
    awarded, posting = awarded_roll(community), posting_roll(community)
    awarded_lines = roll_lines(awarded) if awarded else []
    posting_lines = roll_lines(posting) if posting else []
    note_reads(request, community, [line.person_id for line in awarded_lines + posting_lines], Read.PERSON)
    context = {
        "community": community,
        "awarded": awarded,
        "posting": posting,
        "awarded_lines": awarded_lines,
        "posting_lines": posting_lines,
        "form": form,
        "manages": manages,
        "stars": STARS,
    }
    return render(
        request, "volunteers/roll.html", context, status=400 if form is not None and form.errors else 200
    )
