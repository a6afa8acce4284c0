"""Log in and out, my account, claiming a unit, passwords, and sign-in help from committee staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from comity.accounts import selectors
from comity.accounts import services as account_services
from comity.accounts.forms import LoginForm, SignInCodeForm, SignInHelpSearchForm
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.personal_data import Read
from comity.structure import services
from comity.structure.forms import ClaimForm
from comity.structure.models import Person
from comity.structure.reads import note_reads


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("accounts.claim_unit")
def claim_unit(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_residency_claim(
                request.user,
                form.cleaned_data["unit"],
                relation=form.cleaned_data["relation"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your claim was sent. The residents' committee will confirm it."))
            return redirect("web:me")
    return render(request, "accounts/claim.html", {"form": form})


# --- Passwords -------------------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change my password (the old one first); I stay signed in on this device."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:me")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        account_services.note_password_changed(form.user, how="change")
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail; the page says the same whether or not the address is known."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        response = super().form_valid(form)
        account_services.note_password_changed(form.user, how="reset")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_with_code(request: HttpRequest) -> HttpResponse:
    """A resident without e-mail types the code staff gave them and chooses a new password."""
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account: Any = authenticate(
            request, username=form.cleaned_data["username"], sign_in_code=form.cleaned_data["code"]
        )
        if account is None:
            # A lockout replaces this page with the "try again later" page (django-axes' middleware).
            form.add_error(
                None,
                _(
                    "The username and code do not match, or the code has expired or was already used. "
                    "Check both, or ask your residents' committee for a new code."
                ),
            )
        elif form.check_password_for(account):
            try:
                account_services.set_password_with_code(
                    account, account.sign_in_code_id, form.cleaned_data["new_password1"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your new password is set. Log in with it now."))
                return redirect("accounts:login")
    return render(request, "accounts/sign_in_code.html", {"form": form})


# --- Sign-in help from committee staff -------------------------------------------------------------------


@login_required
def sign_in_help(request: HttpRequest) -> HttpResponse:
    """Committee staff find a resident of their community to unlock or to give a one-time code."""
    if not request.user.has_perm("accounts.open_sign_in_help"):
        raise PermissionDenied
    form = SignInHelpSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    persons = (
        list(selectors.helpable_persons(selectors.signed_in(request), query)[: selectors.SEARCH_LIMIT])
        if query
        else []
    )
    for community_id in {person.community_id for person in persons}:  # who looked: the names listed
        note_reads(
            request, community_id, [p.pk for p in persons if p.community_id == community_id], Read.REGISTRY
        )
    return render(request, "accounts/sign_in_help.html", {"form": form, "query": query, "persons": persons})


@login_required
@never_cache
def sign_in_help_person(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.get_person_for_sign_in_help(selectors.signed_in(request), person_id)
    return _render_person(request, person)


def _render_person(request: HttpRequest, person: Person, issued: Any = None) -> HttpResponse:
    account = person.user
    assert account is not None
    note_reads(request, person.community_id, [person.pk], Read.PERSON)  # who looked
    return render(
        request,
        "accounts/sign_in_help_person.html",
        {
            "person": person,
            "account": account,
            "lockout": selectors.lockout_of(account.get_username()),
            "open_code": selectors.open_code_of(account),
            "issued": issued,
        },
    )


@login_required
@require_POST
def unlock(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.get_person_for_sign_in_help(selectors.signed_in(request), person_id)
    account_services.unlock_sign_in(selectors.signed_in(request), person)
    messages.success(request, _("%(name)s can sign in again.") % {"name": person.full_name})
    return redirect("accounts:sign_in_help_person", person_id=person.pk)


@login_required
@require_POST
@never_cache
def issue_code(request: HttpRequest, person_id: int) -> HttpResponse:
    """The code is shown once, on this response, and never again (only its hash is kept)."""
    person = selectors.get_person_for_sign_in_help(selectors.signed_in(request), person_id)
    issued = account_services.issue_sign_in_code(selectors.signed_in(request), person)
    return _render_person(request, person, issued=issued)
