"""The appeal settings pages for residents'-committee staff (``appeals.manage_settings``).

One page holds the community's calendar and weights, its own time limits and its reply templates; adding and
changing a time limit or a template has a page of its own. Thin, as everywhere: parse → permission → service →
render. Next to each time limit the pages show what it overrides — the matrix row's limit and the catalogue
default — so staff can see what changes (:class:`~comity.appeals.community_settings.selectors.TimeLimitReference`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comity.accounts.selectors import signed_in
from comity.appeals.community_settings import selectors, services
from comity.appeals.community_settings.forms import AppealSettingsForm, ReplyTemplateForm, TimeLimitPolicyForm
from comity.appeals.community_settings.selectors import References, appeal_settings
from comity.appeals.models import TimeLimitPolicy, Urgency
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community, format_hours

MANAGE = "appeals.manage_settings"


def _community(request: HttpRequest, community_id: int) -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=MANAGE)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id)
    config = appeal_settings(community)
    form = AppealSettingsForm(request.POST or None, initial=AppealSettingsForm.initial_from(config))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appeal_settings(signed_in(request), community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. The settings apply to appeals received from now on."))
            return redirect("appeal_settings:settings", community_id=community.pk)
    references = References(community, config)
    policies = [
        {
            "policy": policy,
            "hours": format_hours(policy.hours),
            "instead_of": references.for_category(policy.category, without=policy).without_own_policy(
                policy.urgency
            ),
        }
        for policy in selectors.community_policies(community)
    ]
    templates = selectors.community_templates(community)
    context = {
        "community": community,
        "form": form,
        "policies": policies,
        "templates": templates,
        "is_saved": config.pk is not None,
    }
    return render(request, "appeals/settings.html", context, status=400 if form.errors else 200)


def _policy_page(
    request: HttpRequest, community: Community, form: TimeLimitPolicyForm, policy: TimeLimitPolicy | None
) -> HttpResponse:
    category = None
    if form.is_bound and form.is_valid():
        category = form.cleaned_data["category"]
    elif not form.is_bound and policy is not None:
        category = policy.category
    reference = (
        References(community, appeal_settings(community)).for_category(category, without=policy)
        if category is not None
        else None
    )
    context = {"community": community, "form": form, "policy": policy, "reference": reference}
    return render(request, "appeals/settings_policy_form.html", context, status=400 if form.errors else 200)


def _reference_url(community: Community) -> str:
    return reverse("appeal_settings:policy_reference", args=[community.pk])


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id)
    initial = {"urgency": Urgency.NORMAL, "clock": appeal_settings(community).clock}
    form = TimeLimitPolicyForm(request.POST or None, initial=initial, reference_url=_reference_url(community))
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.create_time_limit_policy(signed_in(request), community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Added a time limit for %(category)s.") % {"category": policy.category}
            )
            return redirect("appeal_settings:settings", community_id=community.pk)
    return _policy_page(request, community, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, community_id: int, policy_id: int) -> HttpResponse:
    community = _community(request, community_id)
    policy = selectors.get_policy(community, policy_id)
    initial = {
        "category": policy.category,
        "urgency": policy.urgency,
        "hours": policy.hours,
        "clock": policy.clock,
    }
    form = TimeLimitPolicyForm(request.POST or None, initial=initial, reference_url=_reference_url(community))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_time_limit_policy(signed_in(request), policy, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Saved the time limit for %(category)s.") % {"category": policy.category}
            )
            return redirect("appeal_settings:settings", community_id=community.pk)
    return _policy_page(request, community, form, policy)


@login_required
@require_POST
def policy_delete(request: HttpRequest, community_id: int, policy_id: int) -> HttpResponse:
    community = _community(request, community_id)
    policy = selectors.get_policy(community, policy_id)
    category = policy.category
    services.delete_time_limit_policy(signed_in(request), policy)
    messages.success(request, _("Removed the time limit for %(category)s.") % {"category": category})
    return redirect("appeal_settings:settings", community_id=community.pk)


@login_required
@require_GET
def policy_reference(request: HttpRequest, community_id: int) -> HttpResponse:
    """The reference card for the category chosen in the policy form (htmx swaps it in on change)."""
    community = _community(request, community_id)
    raw = request.GET.get("category", "")
    category = selectors.category_chosen(raw)
    reference = (
        References(community, appeal_settings(community)).for_category(category)
        if category is not None
        else None
    )
    return render(request, "appeals/settings_reference.html", {"reference": reference})


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("appeals.template_new")
def template_new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id)
    form = ReplyTemplateForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.create_reply_template(signed_in(request), community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added the reply template “%(title)s”.") % {"title": template.title})
            return redirect("appeal_settings:settings", community_id=community.pk)
    context = {"community": community, "form": form, "template": None}
    return render(request, "appeals/settings_template_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, community_id: int, template_id: int) -> HttpResponse:
    community = _community(request, community_id)
    template = selectors.get_template(community, template_id)
    initial = {"title": template.title, "text": template.text, "subject": template.subject}
    form = ReplyTemplateForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_reply_template(signed_in(request), template, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the reply template “%(title)s”.") % {"title": template.title})
            return redirect("appeal_settings:settings", community_id=community.pk)
    context = {"community": community, "form": form, "template": template}
    return render(request, "appeals/settings_template_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def template_delete(request: HttpRequest, community_id: int, template_id: int) -> HttpResponse:
    community = _community(request, community_id)
    template = selectors.get_template(community, template_id)
    title = template.title
    services.delete_reply_template(signed_in(request), template)
    messages.success(request, _("Removed the reply template “%(title)s”.") % {"title": title})
    return redirect("appeal_settings:settings", community_id=community.pk)
