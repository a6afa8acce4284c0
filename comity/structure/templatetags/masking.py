"""Masking in templates: ``{% load masking %}``.

``{% may_see_contact community as may_see %}`` asks :func:`comity.structure.masking.contact_visible` for the viewer;
then ``{{ person.phone|phone_for:may_see }}`` shows the phone in full or masked, and
``{{ person.birth_year|age_for:may_see }}`` the age in years or as a band. A cached part passes ``may_see`` from its
view (the part is cached per the viewer's roles), never the request.
"""

from __future__ import annotations

from typing import Any

from django import template

from comity.structure.masking import age_as_seen, contact_visible, phone_as_seen

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_contact(context: template.Context, community: Any) -> bool:
    request = context.get("request")
    return contact_visible(getattr(request, "user", None), community)


@register.filter
def phone_for(phone: str | None, may_see: bool) -> str:
    return phone_as_seen(phone or "", bool(may_see))


@register.filter
def age_for(birth_year: int | None, may_see: bool) -> str:
    return age_as_seen(birth_year, bool(may_see))
