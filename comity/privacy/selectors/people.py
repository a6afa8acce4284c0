"""Finding a person of the register for someone who came to the committee in person."""

from __future__ import annotations

from django.db.models import Q

from comity.structure.models import Community, Person

#: The most people one search lists.
LIMIT = 20
#: The longest search text accepted.
QUERY_MAX = 60


def find_people(community: Community, query: str) -> list[Person]:
    """People of the community's register whose name contains ``query``, or whose phone ends with its digits
    (four or more), or whose unit's number is it; at most ``LIMIT``, by name."""
    text = query.strip()[:QUERY_MAX]
    if not text:
        return []
    digits = "".join(ch for ch in text if ch.isdigit())
    condition = Q(full_name__icontains=text) | Q(household__unit__number=text)
    if len(digits) >= 4:
        condition |= Q(phone__endswith=digits)
    return list(
        Person.objects.filter(condition, community=community)
        .select_related("household__unit__building")
        .order_by("full_name", "pk")[:LIMIT]
    )
