"""What committee staff see beside each residency claim: the registry's record of the unit, and duplicates.

A claim is checked against the registry (Civil Code art. 278 counts owners by the property register), so the
review page shows, for the claimed unit, its owners with their shares and the residents on record, whether the
claimant's name is among them, and two warnings: the same person claiming the unit from another account, and
the unit already claimed by someone else whose claim is still waiting. Reads only; one query per kind of row,
however many claims wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from comity.structure.models import ClaimStatus, Community, Ownership, Person, ResidencyClaim
from comity.structure.unit_search import unit_label


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


@dataclass
class ClaimReview:
    claim: ResidencyClaim
    unit_label: str
    owners: list[tuple[str, str]] = field(default_factory=list)  # (name, share)
    residents: list[str] = field(default_factory=list)
    #: What the claimant's name matches on record: "owner", "resident", or "" when it matches nothing.
    matches: str = ""
    #: Other claims by the same name for this unit from other accounts (any status but rejected).
    same_person: list[ResidencyClaim] = field(default_factory=list)
    #: Other pending claims for this unit under other names.
    competing: list[ResidencyClaim] = field(default_factory=list)

    @property
    def is_duplicate(self) -> bool:
        return bool(self.same_person or self.competing)


def claims_for_review(community: Community) -> list[ClaimReview]:
    """The community's pending claims, oldest first, each with the unit's record and its duplicate flags."""
    claims = list(
        ResidencyClaim.objects.filter(community=community, status=ClaimStatus.PENDING)
        .select_related("unit", "unit__building", "unit__stairwell", "user")
        .order_by("created_at", "pk")
    )
    unit_ids = {claim.unit_id for claim in claims}
    today = timezone.localdate()
    owners: dict[int, list[tuple[str, str]]] = {}
    for ownership in (
        Ownership.objects.filter(unit_id__in=unit_ids)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("person")
        .order_by("pk")
    ):
        name = ownership.person.full_name if ownership.person else ownership.holder_name
        share = f"{ownership.share_numerator}/{ownership.share_denominator}"
        owners.setdefault(ownership.unit_id, []).append((name, share))
    residents: dict[int, list[str]] = {}
    for unit_id, name in Person.objects.filter(household__unit_id__in=unit_ids).values_list(
        "household__unit_id", "full_name"
    ):
        residents.setdefault(unit_id, []).append(name)
    for unit_id, name in Person.objects.filter(
        household__tenancies__unit_id__in=unit_ids, household__tenancies__until__isnull=True
    ).values_list("household__tenancies__unit_id", "full_name"):
        if name not in residents.get(unit_id, []):
            residents.setdefault(unit_id, []).append(name)
    others = list(
        ResidencyClaim.objects.filter(unit_id__in=unit_ids)
        .exclude(status=ClaimStatus.REJECTED)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    reviews = []
    for claim in claims:
        review = ClaimReview(
            claim=claim,
            unit_label=unit_label(claim.unit),
            owners=owners.get(claim.unit_id, []),
            residents=sorted(residents.get(claim.unit_id, [])),
        )
        if any(_same_name(name, claim.full_name) for name, _share in review.owners):
            review.matches = "owner"
        elif any(_same_name(name, claim.full_name) for name in review.residents):
            review.matches = "resident"
        for other in others:
            if other.pk == claim.pk or other.unit_id != claim.unit_id or other.user_id == claim.user_id:
                continue
            if _same_name(other.full_name, claim.full_name):
                review.same_person.append(other)
            elif other.status == ClaimStatus.PENDING:
                review.competing.append(other)
        reviews.append(review)
    return reviews
