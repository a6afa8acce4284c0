"""Log in and out, my account, and claiming a unit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.accounts.forms import LoginForm
from comity.accounts.participation import participation_for
from comity.accounts.scope import scope_for
from comity.structure import services
from comity.structure.forms import ClaimForm
from comity.structure.models import Person
from comity.structure.selectors import communities_for_user


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = (
        Person.objects.filter(user_id=int(request.user.pk or 0))
        .select_related("community", "household__unit")
        .first()
    )
    scope = scope_for(request.user)
    roles = {
        community.name: sorted(str(role) for role in scope.roles_in(community.pk))
        for community in communities_for_user(request.user)
        if scope.roles_in(community.pk)
    }
    claims = request.user.residency_claims.select_related("unit", "unit__building", "community")  # type: ignore[union-attr]
    return render(
        request,
        "accounts/me.html",
        {
            "person": person,
            "mine": participation_for(request.user),
            "roles": roles,
            "claims": claims,
            "street_ids": sorted(scope.street_ids),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
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
            return redirect("accounts:me")
    return render(request, "accounts/claim.html", {"form": form})
