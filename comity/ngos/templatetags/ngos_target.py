"""The count of community organisations against the target of 10, for the community's and the street's overview
pages (``{% load ngos_target %}``, then ``{% ngos_target community %}`` or ``{% ngos_street_target street %}``)."""

from __future__ import annotations

from typing import Any

from django import template

from comity.ngos.selectors import counted, street_counts, target_words
from comity.structure.models import Community, Street

register = template.Library()


@register.inclusion_tag("ngos/_overview_target.html", takes_context=True)
def ngos_target(context: Any, community: Community) -> dict[str, Any]:
    return {
        "community": community,
        "target": target_words(counted(community)),
        "request": context.get("request"),
    }


@register.inclusion_tag("ngos/_street_target.html", takes_context=True)
def ngos_street_target(context: Any, street: Street) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    rows = street_counts(street) if user is not None and user.has_perm("ngos.oversee_street", street) else []
    return {
        "street": street,
        "rows": rows,
        "total": sum(words["count"] for _, words in rows),
        "short": sum(1 for _, words in rows if not words["met"]),
    }
