"""The appeal settings pages for residents'-committee staff (``appeals.manage_settings``).

One page holds the community's calendar and weights, its own time limits and its reply templates; adding and
changing a time limit or a template has a page of its own. Thin, as everywhere: parse → permission → service →
render. Next to each time limit the pages show what it overrides — the matrix row's limit and the catalogue
default — so staff can see what changes (:class:`TimeLimitReference`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comity.appeals.community_settings import services
from comity.appeals.community_settings.forms import AppealSettingsForm, ReplyTemplateForm, TimeLimitPolicyForm
from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.models import AppealSettings, ReplyTemplate, TimeLimitPolicy, Urgency
from comity.engine.responsibility import category_ancestry
from comity.foundation.idempotency import safe_to_send_twice
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community, MatterCategory, Responsibility, format_hours
from comity.structure.views import _apply_validation_error

MANAGE = "appeals.manage_settings"


def _community(request: HttpRequest, community_id: int) -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=MANAGE)


def _policy(community: Community, policy_id: int) -> TimeLimitPolicy:
    policy = (
        TimeLimitPolicy.objects.select_related("category", "community__street")
        .filter(community=community, pk=policy_id)
        .first()
    )
    if policy is None:
        raise Http404
    return policy


def _template(community: Community, template_id: int) -> ReplyTemplate:
    template = (
        ReplyTemplate.objects.select_related("subject", "community__street")
        .filter(community=community, pk=template_id)
        .first()
    )
    if template is None:
        raise Http404
    return template


@dataclass
class TimeLimitReference:
    """What decides a category's time limit in the community, policy aside (see :mod:`.time_limits`)."""

    category: MatterCategory
    catalogue_hours: int
    #: The matrix rows of the category and of its parents, most specific category first: the order in which
    #: dispatch looks for a row (:func:`comity.engine.responsibility.resolve_responsibility`).
    matrix_rows: list[Responsibility] = field(default_factory=list)
    #: Policies of the community in force for the category (its own or a parent's), by urgency.
    policies: dict[str, TimeLimitPolicy] = field(default_factory=dict)
    emergency_hours: int = 2
    clock: str = ""

    @property
    def catalogue_display(self) -> str:
        return format_hours(self.catalogue_hours)

    @property
    def whole_community_hours(self) -> int:
        """The limit for a matter of the whole community: the first community-wide row, else the catalogue."""
        for row in self.matrix_rows:
            if row.scope_area_id is None:
                return row.time_limit_hours
        return self.catalogue_hours

    def without_own_policy(self, urgency: str) -> str:
        """In words: the limit that applies at ``urgency`` when the community sets none for the category."""
        policy = self.policies.get(urgency)
        if policy is not None:
            return _("%(hours)s, set for %(category)s") % {
                "hours": format_hours(policy.hours),
                "category": policy.category.name,
            }
        hours = self.whole_community_hours
        if urgency == Urgency.EMERGENCY and self.emergency_hours < hours:
            return _("%(hours)s, the community's limit for emergencies") % {
                "hours": format_hours(self.emergency_hours)
            }
        if any(row.scope_area_id is None for row in self.matrix_rows):
            return _("%(hours)s, from the responsibility matrix") % {"hours": format_hours(hours)}
        if self.matrix_rows:
            return _("%(hours)s, the catalogue default (some places have a matrix row of their own)") % {
                "hours": format_hours(hours)
            }
        return _("%(hours)s, the catalogue default") % {"hours": format_hours(hours)}

    @property
    def normal(self) -> str:
        return self.without_own_policy(Urgency.NORMAL)

    @property
    def emergency(self) -> str:
        return self.without_own_policy(Urgency.EMERGENCY)


class References:
    """Time-limit references for any category of one community, from three queries."""

    def __init__(self, community: Community, config: AppealSettings) -> None:
        self.config = config
        self.parents = dict(MatterCategory.objects.values_list("code", "parent__code"))
        self.rows: dict[str, list[Responsibility]] = {}
        for row in (
            Responsibility.objects.filter(community=community)
            .select_related("category", "scope_area")
            .order_by("scope_area__code")
        ):
            self.rows.setdefault(row.category.code, []).append(row)
        self.policies: dict[tuple[str, str], TimeLimitPolicy] = {
            (policy.category.code, policy.urgency): policy
            for policy in TimeLimitPolicy.objects.filter(community=community).select_related("category")
        }

    def for_category(
        self, category: MatterCategory, *, without: TimeLimitPolicy | None = None
    ) -> TimeLimitReference:
        chain = category_ancestry(category.code, self.parents)
        reference = TimeLimitReference(
            category=category,
            catalogue_hours=category.default_time_limit_hours,
            emergency_hours=self.config.emergency_hours,
            clock=self.config.get_clock_display(),
        )
        reference.matrix_rows = [row for code in chain for row in self.rows.get(code, [])]
        for urgency in Urgency.values:
            found = next(
                (
                    self.policies[code, urgency]
                    for code in chain
                    if (code, urgency) in self.policies
                    and (without is None or self.policies[code, urgency].pk != without.pk)
                ),
                None,
            )
            if found is not None:
                reference.policies[urgency] = found
        return reference


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id)
    config = appeal_settings(community)
    form = AppealSettingsForm(request.POST or None, initial=AppealSettingsForm.initial_from(config))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appeal_settings(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
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
        for policy in TimeLimitPolicy.objects.filter(community=community)
        .select_related("category")
        .order_by("category__position", "urgency")
    ]
    templates = ReplyTemplate.objects.filter(community=community).select_related("subject").order_by("title")
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
            policy = services.create_time_limit_policy(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
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
    policy = _policy(community, policy_id)
    initial = {
        "category": policy.category,
        "urgency": policy.urgency,
        "hours": policy.hours,
        "clock": policy.clock,
    }
    form = TimeLimitPolicyForm(request.POST or None, initial=initial, reference_url=_reference_url(community))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_time_limit_policy(request.user, policy, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
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
    policy = _policy(community, policy_id)
    category = policy.category
    services.delete_time_limit_policy(request.user, policy)
    messages.success(request, _("Removed the time limit for %(category)s.") % {"category": category})
    return redirect("appeal_settings:settings", community_id=community.pk)


@login_required
@require_GET
def policy_reference(request: HttpRequest, community_id: int) -> HttpResponse:
    """The reference card for the category chosen in the policy form (htmx swaps it in on change)."""
    community = _community(request, community_id)
    raw = request.GET.get("category", "")
    category = MatterCategory.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
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
            template = services.create_reply_template(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Added the reply template “%(title)s”.") % {"title": template.title})
            return redirect("appeal_settings:settings", community_id=community.pk)
    context = {"community": community, "form": form, "template": None}
    return render(request, "appeals/settings_template_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, community_id: int, template_id: int) -> HttpResponse:
    community = _community(request, community_id)
    template = _template(community, template_id)
    initial = {"title": template.title, "text": template.text, "subject": template.subject}
    form = ReplyTemplateForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_reply_template(request.user, template, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved the reply template “%(title)s”.") % {"title": template.title})
            return redirect("appeal_settings:settings", community_id=community.pk)
    context = {"community": community, "form": form, "template": template}
    return render(request, "appeals/settings_template_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def template_delete(request: HttpRequest, community_id: int, template_id: int) -> HttpResponse:
    community = _community(request, community_id)
    template = _template(community, template_id)
    title = template.title
    services.delete_reply_template(request.user, template)
    messages.success(request, _("Removed the reply template “%(title)s”.") % {"title": title})
    return redirect("appeal_settings:settings", community_id=community.pk)
