"""My data (the hub on My account), giving and withdrawing one's consent, and staff recording consent in person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.personal_data import Read
from comity.foundation.services import require
from comity.privacy.forms import AssistedConsentForm, ConsentForm
from comity.privacy.models import Consent
from comity.privacy.register import WORDS
from comity.privacy.selectors.access import recent_looks
from comity.privacy.selectors.consent import (
    consent_category,
    consent_history,
    consent_rows,
    consequences,
    get_person_in_community,
    is_asked_again,
    notice_fingerprints,
    person_is_minor,
    possible_guardians,
)
from comity.privacy.selectors.notice import current_notice
from comity.privacy.selectors.requests import my_requests, person_of
from comity.privacy.services.consent import give_consent, record_consent, withdraw_consent
from comity.structure.reads import note_reads
from comity.structure.selectors import get_community_for_user


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The hub: the notice, my consents, my copy, my requests and who looked."""
    require(request.user, "privacy.manage_own_data")
    person = person_of(request.user)
    rows = consent_rows(person) if person is not None else []
    context: dict[str, Any] = {
        "person": person,
        "notice": current_notice(),
        "rows": rows,
        "asked_again": [row for row in rows if row.asked_again],
        "requests": my_requests(request.user),
        "looked": recent_looks(person, limit=5),
    }
    return render(request, "privacy/mine.html", context)


def _standing(person: Any, code: str) -> Consent | None:
    return Consent.objects.filter(person=person, category=code, withdrawn_at__isnull=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def my_consent(request: HttpRequest, category: str) -> HttpResponse:
    """Give consent at once; withdraw after a page that says what changes (sent again, it changes nothing)."""
    require(request.user, "privacy.manage_own_data")
    person = person_of(request.user)
    try:
        item = consent_category(category)
    except ValidationError:
        raise Http404 from None
    if person is None:
        raise Http404
    standing = _standing(person, item.code)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == "give":
                give_consent(request.user, person, item.code)
                messages.success(request, _("Thank you: your consent is recorded."))
                return redirect("privacy:mine")
            if standing is None:
                messages.info(request, _("You had not given this consent, or it was already withdrawn."))
                return redirect("privacy:mine")
            if form.cleaned_data["confirmed"]:
                withdraw_consent(request.user, standing)
                messages.success(request, _("Your consent is withdrawn."))
                return redirect("privacy:mine")
        except ValidationError as error:
            add_service_errors(form, error)
    context = {
        "item": item,
        "words": WORDS[item.code],
        "consequences": consequences(item.code),
        "standing": standing,
        "standing_asked_again": standing is not None and is_asked_again(standing, notice_fingerprints()),
        "form": form,
        "is_minor": person_is_minor(person),
    }
    return render(request, "privacy/consent_confirm.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice(
    lambda request, kwargs: f"privacy.assisted:{kwargs['community_id']}:{kwargs['person_id']}"
)
def assisted(request: HttpRequest, community_id: int, person_id: int) -> HttpResponse:
    """Staff record a consent given or withdrawn in person or on paper, for someone without an account."""
    community = get_community_for_user(request.user, community_id, perm="privacy.record_consent")
    person = get_person_in_community(community, person_id)
    note_reads(request, community, [person.pk], Read.PERSON)
    guardians = possible_guardians(person) if person_is_minor(person) else []
    form = AssistedConsentForm(request.POST or None, guardians=guardians)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "give":
                record_consent(
                    request.user,
                    person,
                    data["category"],
                    data["channel"],
                    document=data["document"],
                    guardian=data["guardian"],
                )
                messages.success(request, _("Consent recorded for %(name)s.") % {"name": person.full_name})
            else:
                standing = _standing(person, data["category"])
                if standing is None:
                    raise ValidationError({"category": [_("There is no standing consent to withdraw.")]})
                withdraw_consent(request.user, standing)
                messages.success(request, _("Withdrawal recorded for %(name)s.") % {"name": person.full_name})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("privacy:assisted_consent", community_id=community.pk, person_id=person.pk)
    context = {
        "community": community,
        "person": person,
        "form": form,
        "rows": consent_rows(person),
        "history": [(consent, WORDS[consent.category].name) for consent in consent_history(person, limit=20)],
        "is_minor": person_is_minor(person),
    }
    return render(request, "privacy/assisted.html", context, status=400 if form.errors else 200)
