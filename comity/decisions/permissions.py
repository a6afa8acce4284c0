"""Who may do what with decisions, as ``rules`` predicates.

The residents' committee and the street office run votes, and so does the homeowners' committee (业委会), which
convenes the owners' assembly under the Civil Code. Everyone who can see the community reads decisions once voting
has opened; drafts are for those who run them. Who may *vote* is not a role: it is the frozen register of each
decision (``services.electors_for``), checked by the voting service itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from rules.permissions import add_perm
from rules.predicates import predicate

from comity.decisions.models import Decision, DecisionStatus, Elector
from comity.engine.decisions.rules import NamedRecord, get_rule
from comity.structure.models import Community, Membership, MembershipRole, SubjectKind
from comity.structure.permissions import (
    can_view_community,
    is_committee_staff_of,
    is_platform_staff,
    is_street_official_for,
)

_CACHE_ATTR = "_comity_owners_committee"


def _community_id(obj: Any) -> int | None:
    if isinstance(obj, Community):
        return obj.pk
    return getattr(obj, "community_id", None)


@predicate
def is_owners_committee_staff_of(user: Any, obj: Any) -> bool:
    """An acting chair, member or staff of the community's homeowners' committee or assembly."""
    community_id = _community_id(obj)
    if community_id is None or not getattr(user, "is_authenticated", False):
        return False
    cache: dict[int, bool] = getattr(user, _CACHE_ATTR, None) or {}
    if community_id not in cache:
        today = timezone.localdate()
        cache[community_id] = (
            Membership.objects.filter(
                person__user=user,
                subject__community_id=community_id,
                subject__is_active=True,
                subject__kind__in=[SubjectKind.HOMEOWNERS_COMMITTEE, SubjectKind.HOMEOWNERS_ASSEMBLY],
                role__in=[MembershipRole.CHAIR, MembershipRole.MEMBER, MembershipRole.STAFF],
                started_on__lte=today,
            )
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
            .exists()
        )
        setattr(user, _CACHE_ATTR, cache)
    return cache[community_id]


@predicate
def is_public(user: Any, decision: Any) -> bool:
    return isinstance(decision, Decision) and decision.status != DecisionStatus.DRAFT


@predicate
def is_elector_of(user: Any, decision: Any) -> bool:
    """On the decision's frozen register in person (not as a proxy)."""
    if not isinstance(decision, Decision) or not getattr(user, "is_authenticated", False):
        return False
    return Elector.objects.filter(decision=decision, persons__user=user).exists()


@predicate
def has_named_record(user: Any, decision: Any) -> bool:
    """An open ballot whose voting has closed: its named record exists and may be inspected (ADR 0012)."""
    return isinstance(decision, Decision) and not decision.secret and decision.status == DecisionStatus.CLOSED


@predicate
def rule_opens_record_to_electorate(user: Any, decision: Any) -> bool:
    return (
        isinstance(decision, Decision) and get_rule(decision.rule_name).named_record == NamedRecord.ELECTORATE
    )


can_manage = is_committee_staff_of | is_owners_committee_staff_of | is_street_official_for | is_platform_staff

add_perm("decisions.see_decisions", can_view_community)
add_perm("decisions.see_decision", (is_public & can_view_community) | can_manage)
add_perm("decisions.manage_decisions", can_manage)
may_see_named_record = has_named_record & (
    can_manage | (rule_opens_record_to_electorate & is_elector_of & can_view_community)
)
# Ask ``may_see_named_record.test(user, decision)``, not ``user.has_perm``: Django grants a superuser every
# permission, and the named record is closed to everyone while voting runs and for a secret ballot.
add_perm("decisions.see_named_ballots", may_see_named_record)
