"""Reads of the governance structure, scoped by community.

``get_<thing>_for_user`` is the one way views and API endpoints reach a protected object: it raises
``Http404`` when the object does not exist and ``PermissionDenied`` when the user may not see it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from comity.engine.owners import Holding, owner_headcount
from comity.engine.responsibility import category_ancestry, uncovered_categories
from comity.engine.structure_metrics import coverage, diversity_index, residents_per_worker
from comity.engine.unit_address import natural_key
from comity.foundation.services import Actor, require
from comity.structure.models import (
    SUBJECT_SECTOR,
    Area,
    AreaKind,
    Community,
    GovernanceSubject,
    Household,
    MatterCategory,
    Membership,
    Ownership,
    Person,
    ResidencyClaim,
    Responsibility,
    Street,
    SubjectKind,
    Tenancy,
    Unit,
)
from comity.structure.scope import Account, scope_for


def get_community_for_user(
    user: Actor, community_id: int, *, perm: str = "structure.see_community"
) -> Community:
    try:
        community = Community.objects.select_related("street").get(pk=community_id)
    except Community.DoesNotExist as exc:
        raise Http404 from exc
    require(user, perm, community)
    return community


def get_street_for_user(user: Actor, street_id: int, *, perm: str = "structure.oversee_street") -> Street:
    try:
        street = Street.objects.get(pk=street_id)
    except Street.DoesNotExist as exc:
        raise Http404 from exc
    require(user, perm, street)
    return street


def get_subject_for_user(
    user: Actor, subject_id: int, *, perm: str = "structure.see_subject"
) -> GovernanceSubject:
    try:
        subject = GovernanceSubject.objects.select_related("street", "community", "scope_area").get(
            pk=subject_id
        )
    except GovernanceSubject.DoesNotExist as exc:
        raise Http404 from exc
    require(user, perm, subject)
    return subject


def get_membership(subject: GovernanceSubject, membership_id: int) -> Membership:
    """A membership of a subject the caller already reached through :func:`get_subject_for_user`."""
    try:
        return Membership.objects.select_related("person", "subject").get(pk=membership_id, subject=subject)
    except Membership.DoesNotExist as exc:
        raise Http404 from exc


def get_responsibility_for_user(user: Actor, community: Community, responsibility_id: int) -> Responsibility:
    try:
        row = Responsibility.objects.select_related("category", "scope_area", "lead_subject").get(
            pk=responsibility_id, community=community
        )
    except Responsibility.DoesNotExist as exc:
        raise Http404 from exc
    require(user, "structure.edit_matrix", community)
    return row


def get_claim_for_user(user: Actor, community: Community, claim_id: int) -> ResidencyClaim:
    try:
        claim = ResidencyClaim.objects.select_related("unit", "unit__building", "user").get(
            pk=claim_id, community=community
        )
    except ResidencyClaim.DoesNotExist as exc:
        raise Http404 from exc
    require(user, "structure.review_claims", community)
    return claim


def communities_for_user(user: Account) -> QuerySet[Community]:
    """Every community the user may open: their own, and all of a street they oversee."""
    if user.is_superuser:
        return Community.objects.select_related("street").all()
    scope = scope_for(user)
    return Community.objects.select_related("street").filter(
        Q(pk__in=scope.community_ids) | Q(street_id__in=scope.street_ids)
    )


def subjects_serving(community: Community) -> QuerySet[GovernanceSubject]:
    """The subjects of a community plus the street-level subjects of its street."""
    return GovernanceSubject.objects.filter(
        Q(community=community) | Q(community__isnull=True, street_id=community.street_id), is_active=True
    )


@dataclass(frozen=True)
class CommunityCounts:
    buildings: int
    stairwells: int
    units: int
    households: int
    residents: int
    elderly: int
    owners: int
    tenants: int
    grids: int
    subjects_by_kind: list[tuple[str, str, int]]

    @property
    def subjects(self) -> int:
        return sum(count for _, _, count in self.subjects_by_kind)


ELDERLY_AGE = 60


def community_counts(community: Community) -> CommunityCounts:
    """The headline numbers of a community's overview page."""
    area_counts = Counter(
        dict(Area.objects.filter(community=community).values_list("kind").annotate(n=Count("id")))
    )
    today = timezone.localdate()
    active_owner_q = Q(until__isnull=True) | Q(until__gte=today)
    holdings = (
        Ownership.objects.filter(community=community)
        .filter(active_owner_q)
        .values_list("unit_id", "holder_kind", "person_id", "holder_name")
    )
    owner_total = owner_headcount(
        Holding(unit, person_id if kind == "person" else name, kind)
        for unit, kind, person_id, name in holdings
    )
    residents = Person.objects.filter(community=community, is_resident=True)
    subject_counts = dict(
        subjects_serving(community).values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    by_kind = [(kind.value, str(kind.label), subject_counts.get(kind.value, 0)) for kind in SubjectKind]
    return CommunityCounts(
        buildings=area_counts.get(AreaKind.BUILDING, 0),
        stairwells=area_counts.get(AreaKind.STAIRWELL, 0),
        units=Unit.objects.filter(community=community).count(),
        households=Household.objects.filter(community=community).count(),
        residents=residents.count(),
        elderly=residents.filter(birth_year__lte=today.year - ELDERLY_AGE).count(),
        owners=owner_total,
        tenants=Tenancy.objects.filter(community=community)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .count(),
        grids=area_counts.get(AreaKind.GRID, 0),
        subjects_by_kind=by_kind,
    )


def responsibility_matrix(community: Community) -> QuerySet[Responsibility]:
    return (
        Responsibility.objects.filter(community=community)
        .select_related("category", "category__parent", "scope_area", "lead_subject")
        .prefetch_related(
            Prefetch("co_handlers", queryset=GovernanceSubject.objects.only("id", "name", "kind"))
        )
        .order_by("category__position", "scope_area__code")
    )


def group_by_top_category(rows: list[Responsibility]) -> list[dict[str, Any]]:
    """Matrix rows grouped under their top-level category, in catalogue order (rows come ordered)."""
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        top = row.category.parent if row.category.parent_id else row.category
        assert top is not None
        groups.setdefault(top.pk, {"category": top, "rows": []})["rows"].append(row)
    return list(groups.values())


def uncovered_matter_categories(community: Community) -> list[MatterCategory]:
    """Leaf categories that no community-wide row covers, directly or through a parent."""
    categories = list(MatterCategory.objects.select_related("parent"))
    parents = {c.code: (c.parent.code if c.parent_id and c.parent else None) for c in categories}
    parent_codes = {p for p in parents.values() if p}
    leaves = [c.code for c in categories if c.code not in parent_codes]
    covered = Responsibility.objects.filter(community=community, scope_area__isnull=True).values_list(
        "category__code", flat=True
    )
    missing = set(uncovered_categories(leaves, parents, covered))
    return [c for c in categories if c.code in missing]


def category_chain(category: MatterCategory) -> list[str]:
    parents = dict(MatterCategory.objects.values_list("code", "parent__code"))
    return category_ancestry(category.code, parents)


def structure_map(community: Community) -> list[dict[str, Any]]:
    """Subjects grouped in tiers, each with the matter categories it leads or co-handles."""
    subjects = list(
        subjects_serving(community)
        .select_related("scope_area")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__ended_on__isnull=True), distinct=True)
        )
    )
    rows = list(responsibility_matrix(community))
    leads: dict[int, list[Responsibility]] = {}
    co: dict[int, list[Responsibility]] = {}
    for row in rows:
        leads.setdefault(row.lead_subject_id, []).append(row)
        for subject in row.co_handlers.all():
            co.setdefault(subject.pk, []).append(row)
    tiers = [
        ("government", {SubjectKind.STREET_OFFICE, SubjectKind.GOVERNMENT_DEPARTMENT}),
        ("community", {SubjectKind.RESIDENTS_COMMITTEE}),
        ("owners", {SubjectKind.HOMEOWNERS_ASSEMBLY, SubjectKind.HOMEOWNERS_COMMITTEE}),
        ("market", {SubjectKind.PROPERTY_MANAGEMENT, SubjectKind.SERVICE_ENTERPRISE}),
        (
            "society",
            {SubjectKind.SOCIAL_ORGANISATION, SubjectKind.VOLUNTEER_TEAM, SubjectKind.SELF_GOVERNANCE_GROUP},
        ),
    ]
    result = []
    for tier, kinds in tiers:
        members = [
            {"subject": s, "leads": leads.get(s.pk, []), "co_handles": co.get(s.pk, [])}
            for s in subjects
            if s.kind in kinds
        ]
        result.append({"tier": tier, "subjects": members})
    return result


def subject_members(subject: GovernanceSubject) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(subject=subject, ended_on__isnull=True)
        .select_related("person")
        .order_by("role", "person__full_name")
    )


def pending_claims(community: Community) -> QuerySet[ResidencyClaim]:
    return (
        ResidencyClaim.objects.filter(community=community, status="pending")
        .select_related("unit", "unit__building", "user")
        .order_by("created_at")
    )


@dataclass(frozen=True)
class StreetRow:
    community: Community
    households: int
    residents: int
    elderly: int
    subjects: int
    diversity: float
    committee_workers: int
    residents_per_worker: float | None
    coverage: float
    pending_claims: int


def street_rows(street: Street) -> list[StreetRow]:
    """One row per community of a street for the street officials' overview."""
    today = timezone.localdate()
    communities = list(
        Community.objects.filter(street=street)
        .annotate(
            n_households=Count("households", distinct=True),
        )
        .order_by("name")
    )
    resident_counts = dict(
        Person.objects.filter(community__street=street, is_resident=True)
        .values_list("community")
        .annotate(n=Count("id"))
        .values_list("community", "n")
    )
    elderly_counts = dict(
        Person.objects.filter(
            community__street=street, is_resident=True, birth_year__lte=today.year - ELDERLY_AGE
        )
        .values_list("community")
        .annotate(n=Count("id"))
        .values_list("community", "n")
    )
    street_level = list(
        GovernanceSubject.objects.filter(street=street, community__isnull=True, is_active=True).values_list(
            "kind", flat=True
        )
    )
    subject_kinds: dict[int, list[str]] = {}
    for community_id, kind in GovernanceSubject.objects.filter(
        community__street=street, is_active=True
    ).values_list("community_id", "kind"):
        subject_kinds.setdefault(community_id, []).append(kind)
    workers = dict(
        Membership.objects.filter(
            subject__community__street=street,
            subject__kind=SubjectKind.RESIDENTS_COMMITTEE,
            ended_on__isnull=True,
        )
        .values_list("subject__community")
        .annotate(n=Count("person", distinct=True))
        .values_list("subject__community", "n")
    )
    leaf_total = MatterCategory.objects.filter(children__isnull=True).count()
    covered = _covered_leaf_counts(street)
    pending = dict(
        ResidencyClaim.objects.filter(community__street=street, status="pending")
        .values_list("community")
        .annotate(n=Count("id"))
        .values_list("community", "n")
    )
    rows = []
    for community in communities:
        kinds = subject_kinds.get(community.pk, []) + street_level
        sectors = Counter(SUBJECT_SECTOR[kind] for kind in kinds)
        residents = resident_counts.get(community.pk, 0)
        ratio = residents_per_worker(residents, workers.get(community.pk, 0))
        rows.append(
            StreetRow(
                community=community,
                households=community.n_households,
                residents=residents,
                elderly=elderly_counts.get(community.pk, 0),
                subjects=len(kinds),
                diversity=float(diversity_index(sectors)),
                committee_workers=workers.get(community.pk, 0),
                residents_per_worker=float(ratio) if ratio is not None else None,
                coverage=float(coverage(covered.get(community.pk, 0), leaf_total)),
                pending_claims=pending.get(community.pk, 0),
            )
        )
    return rows


def _covered_leaf_counts(street: Street) -> dict[int, int]:
    categories = list(MatterCategory.objects.select_related("parent"))
    parents = {c.code: (c.parent.code if c.parent else None) for c in categories}
    parent_codes = {p for p in parents.values() if p}
    leaves = [c.code for c in categories if c.code not in parent_codes]
    covered_codes: dict[int, set[str]] = {}
    for community_id, code in Responsibility.objects.filter(
        community__street=street, scope_area__isnull=True
    ).values_list("community_id", "category__code"):
        covered_codes.setdefault(community_id, set()).add(code)
    return {
        community_id: len(leaves) - len(uncovered_categories(leaves, parents, codes))
        for community_id, codes in covered_codes.items()
    }


def mask_phone(phone: str) -> str:
    """Show enough of a phone number to recognise it, not to copy it: 139****1234."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def registry_buildings(community: Community) -> list[Area]:
    """The community's buildings with their zone, grids and counts, for the registry page."""
    households = (
        Household.objects.filter(unit__building=OuterRef("pk"))
        .order_by()
        .values("unit__building")
        .annotate(n=Count("id"))
        .values("n")
    )
    buildings = list(
        Area.objects.filter(community=community, kind=AreaKind.BUILDING)
        .select_related("parent")
        .prefetch_related(Prefetch("grids", queryset=Area.objects.select_related("grid_worker")))
        .annotate(
            n_stairwells=Count("children", filter=Q(children__kind=AreaKind.STAIRWELL), distinct=True),
            n_units=Count("building_units", distinct=True),
            n_households=Coalesce(Subquery(households), 0),
        )
    )
    # Natural order, as people count: building 2 before building 10 (the database sorts "10" before "2").
    return sorted(
        buildings, key=lambda b: (natural_key(b.parent.code) if b.parent else (), natural_key(b.code))
    )


@dataclass
class UnitRow:
    unit: Unit
    owners: list[str]
    residents: int
    rented: bool
    phone: str


def building_register(building: Area) -> list[tuple[Area | None, list[UnitRow]]]:
    """The units of a building by stairwell, each with its owners, residents and whether it is rented."""
    today = timezone.localdate()
    units = (
        Unit.objects.filter(building=building)
        .select_related("stairwell")
        .prefetch_related(
            Prefetch(
                "ownerships",
                queryset=Ownership.objects.filter(Q(until__isnull=True) | Q(until__gte=today)).select_related(
                    "person"
                ),
            ),
            Prefetch("households", queryset=Household.objects.annotate(n_members=Count("members"))),
            Prefetch(
                "tenancies",
                queryset=Tenancy.objects.filter(Q(until__isnull=True) | Q(until__gte=today)),
                to_attr="active_tenancies",
            ),
        )
    )
    groups: dict[int | None, tuple[Area | None, list[UnitRow]]] = {}
    ordered = sorted(
        units,
        key=lambda u: (natural_key(u.stairwell.code) if u.stairwell else (), u.floor, natural_key(u.number)),
    )
    for unit in ordered:
        owners = []
        phone = ""
        for ownership in unit.ownerships.all():
            if ownership.person is not None:
                owners.append(ownership.person.full_name)
                phone = phone or ownership.person.phone
            else:
                owners.append(ownership.holder_name)
        row = UnitRow(
            unit=unit,
            owners=owners,
            residents=sum(h.n_members for h in unit.households.all()),  # type: ignore[attr-defined]
            rented=bool(unit.active_tenancies),
            phone=mask_phone(phone) if phone else "",
        )
        groups.setdefault(unit.stairwell_id, (unit.stairwell, []))[1].append(row)
    return list(groups.values())


def get_building_for_user(user: Actor, community: Community, building_id: int) -> Area:
    try:
        building = Area.objects.select_related("parent").get(
            pk=building_id, community=community, kind=AreaKind.BUILDING
        )
    except Area.DoesNotExist as exc:
        raise Http404 from exc
    require(user, "structure.browse_registry", community)
    return building


def areas_within(area: Area) -> set[int]:
    """The ids of ``area`` and every area below it; for a grid, the buildings it covers and their stairwells."""
    grid = area.kind == AreaKind.GRID
    found = set(area.grid_buildings.values_list("pk", flat=True)) if grid else {area.pk}
    frontier = set(found)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found
