"""Pages of the Pol.is import and export (staff who run consultations). Thin: the import
(:mod:`comity.consultations.polis.importing`) and the export (:mod:`comity.consultations.polis.exporting`) check
the permission, read and write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comity.accounts.selectors import signed_in
from comity.consultations import selectors
from comity.consultations.models import Consultation
from comity.consultations.polis.exporting import export_polis_conversation
from comity.consultations.polis.forms import PolisImportForm
from comity.consultations.polis.importing import import_polis_conversation
from comity.consultations.polis.upload import max_bytes
from comity.foundation.steps import Step, take
from comity.structure.selectors import get_community_for_user

MANAGE = "consultations.manage_consultations"


@login_required
@require_http_methods(["GET", "POST"])
def polis_import(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm=MANAGE)
    form = PolisImportForm(request.POST, request.FILES) if request.method == "POST" else PolisImportForm()

    def page() -> HttpResponse:
        return render(
            request,
            "consultations/import.html",
            {"community": community, "form": form, "max_bytes": max_bytes()},
        )

    if request.method != "POST":
        return page()

    def done(request: HttpRequest, consultation: Consultation) -> None:
        counts = selectors.imported_counts(consultation)
        messages.success(
            request,
            _(
                "Imported “%(title)s”: %(statements)d statements and %(votes)d votes of %(participants)d "
                "participants. The opinion map is ready."
            )
            % {
                "title": consultation.title,
                "statements": counts.statements,
                "votes": counts.votes,
                "participants": counts.participants,
            },
        )

    # Nothing about the community's state can refuse an import: every refusal is about the files or the form.
    step = Step(
        form,
        lambda d: import_polis_conversation(
            signed_in(request), community, d["upload"], **form.service_kwargs()
        ),
        then=lambda consultation: reverse("consultations:detail", args=[community.pk, consultation.pk]),
        after=done,
        inline=True,
    )
    return take(request, step, reverse("consultations:import", args=[community.pk]), page)


@login_required
@require_GET
def polis_export(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="consultations.see_consultations")
    consultation = selectors.get_consultation_for_user(request.user, community, consultation_id, perm=MANAGE)
    response = HttpResponse(
        export_polis_conversation(request.user, consultation), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="consultation-{community.code}-{consultation.pk}-polis.zip"'
    )
    return response
