"""What the overview, matrix, map and street pages read: counts, the responsibility matrix, the structure map."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import get_language

from comity.engine.owners import Holding, owner_headcount
from comity.engine.responsibility import category_ancestry, uncovered_categories
from comity.engine.structure_metrics import coverage, diversity_index, residents_per_worker
from comity.foundation.caching import cached_for_community
from comity.structure.models import (
    SUBJECT_SECTOR,
    Area,
    AreaKind,
    Community,
    GovernanceSubject,
    HolderKind,
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
from comity.structure.selectors.access import subjects_serving


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


#: Seconds a community's counts stay cached at most (they are recomputed at once after an audited write).
COUNTS_TIMEOUT = 600


def community_counts(community: Community) -> CommunityCounts:
    """The headline numbers of a community's overview page, cached per community, language and day.

    The key holds the community's data version (``comity.foundation.caching``), so an audited write of the
    community (an import of the registry, a confirmed claim, a new subject) shows at once; the day, because the
    elderly and the active ownerships and tenancies are counted as of today.
    """
    today = timezone.localdate()
    return cached_for_community(
        community,
        "counts",
        get_language() or "",
        today.isoformat(),
        compute=lambda: _community_counts(community, today),
        timeout=COUNTS_TIMEOUT,
    )


def _community_counts(community: Community, today: date) -> CommunityCounts:
    area_counts = Counter(
        dict(Area.objects.filter(community=community).values_list("kind").annotate(n=Count("id")))
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
        owners=owner_count(community, today),
        tenants=Tenancy.objects.filter(community=community)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .count(),
        grids=area_counts.get(AreaKind.GRID, 0),
        subjects_by_kind=by_kind,
    )


def owner_count(community: Community, today: date) -> int:
    """The owners by headcount (``comity.engine.owners``: one party per set of co-holders of a unit, all of the
    developer's units one party), counted by the database.

    A unit held by one party alone (nearly all of them) adds that party, so those are one ``COUNT(DISTINCT …)`` of
    a key naming the party as the engine does; only the units held by several parties together (co-owners) are
    read, and counted by the engine. A set of two or more co-holders never equals a single holder, so the two
    counts add up.
    """
    active = Ownership.objects.filter(community=community).filter(Q(until__isnull=True) | Q(until__gte=today))
    keyed = active.annotate(party=_PARTY_KEY)
    shared_units = (
        keyed.order_by()
        .values("unit_id")
        .annotate(n=Count("party", distinct=True))
        .filter(n__gt=1)
        .values("unit_id")
    )
    alone = keyed.exclude(unit_id__in=shared_units).aggregate(n=Count("party", distinct=True))["n"] or 0
    shared = active.filter(unit_id__in=shared_units).values_list(
        "unit_id", "holder_kind", "person_id", "holder_name"
    )
    together = owner_headcount(
        Holding(unit, person_id if kind == HolderKind.PERSON else name, kind)
        for unit, kind, person_id, name in shared
    )
    return int(alone) + together


#: The engine's party key of one holding, as text: every developer holding the same; a person by id; an
#: organisation by kind and name.
_PARTY_KEY = Case(
    When(holder_kind=HolderKind.DEVELOPER, then=Value(HolderKind.DEVELOPER.value)),
    When(holder_kind=HolderKind.PERSON, then=Concat(Value("person:"), Cast("person_id", CharField()))),
    default=Concat("holder_kind", Value(":"), "holder_name"),
    output_field=CharField(),
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


@dataclass(frozen=True)
class CategoryGroup:
    """Matrix rows under one top-level category."""

    category: MatterCategory
    rows: list[Responsibility]


def group_by_top_category(rows: list[Responsibility]) -> list[CategoryGroup]:
    """Matrix rows grouped under their top-level category, in catalogue order (rows come ordered)."""
    groups: dict[int, CategoryGroup] = {}
    for row in rows:
        top = row.category.parent if row.category.parent_id else row.category
        assert top is not None
        groups.setdefault(top.pk, CategoryGroup(category=top, rows=[])).rows.append(row)
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


@dataclass(frozen=True)
class SubjectNode:
    """A subject on the structure map, with the matrix rows it leads and those it helps with."""

    subject: GovernanceSubject
    leads: list[Responsibility]
    co_handles: list[Responsibility]


@dataclass(frozen=True)
class Tier:
    """One tier of the structure map: ``government``, ``community``, ``owners``, ``market`` or ``society``."""

    tier: str
    subjects: list[SubjectNode]


def structure_map(community: Community) -> list[Tier]:
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
            SubjectNode(subject=s, leads=leads.get(s.pk, []), co_handles=co.get(s.pk, []))
            for s in subjects
            if s.kind in kinds
        ]
        result.append(Tier(tier=tier, subjects=members))
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


def street_community_ids(street: Street) -> list[int]:
    """The ids of the street's communities, in order: what its cached overview varies on."""
    return list(Community.objects.filter(street=street).order_by("pk").values_list("pk", flat=True))


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
