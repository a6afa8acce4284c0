"""The committee's and the street's pages about personal information, linked to each other."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("privacy/_staff_nav.html", takes_context=True)
def privacy_nav(context: dict[str, Any], community: Any) -> dict[str, Any]:
    """Links to the privacy pages the viewer may open in this community, the current one marked."""
    request = context["request"]
    user = request.user
    pk = community.pk
    pages = [
        ("privacy.handle_requests", "privacy:requests", _("Requests")),
        ("privacy.record_consent", "privacy:people", _("Someone at the counter")),
        ("privacy.review_access", "privacy:access", _("Who looked")),
        ("privacy.review_access", "privacy:retention", _("Retention")),
    ]
    current = getattr(request.resolver_match, "view_name", "")
    links = [
        (reverse(name, args=[pk]), label, name == current)
        for perm, name, label in pages
        if user.has_perm(perm, community)
    ]
    return {"links": links}
