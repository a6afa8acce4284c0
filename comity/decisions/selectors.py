"""Reads of decisions, scoped by community, for the pages, the API, the CLI and the services' own checks.

:func:`get_decision_for_user` is the one way pages and the API reach a decision — ``Http404`` when it is not in
the community of the URL, ``PermissionDenied`` when the user may not see it. The rest are the lists and facts the
pages show (who may vote for whom, who may object or write a minority statement, the paper ballots waiting for
their second check, the proxies, the register).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from comity.consultations.models import DecisionDraft
from comity.decisions.computing import rule_of
from comity.decisions.models import (
    AffectedUnit,
    Channel,
    CostPlan,
    Decision,
    DecisionStatus,
    Elector,
    LogEntry,
    Mediation,
    MinorityStatement,
    Objection,
    Participation,
    ProxyAuthorization,
)
from comity.engine.decisions.ballot_log import normalise_receipt, receipt_hash
from comity.foundation.services import Actor
from comity.structure.models import (
    Area,
    AreaKind,
    Community,
    GovernanceSubject,
    Ownership,
    Person,
    SubjectKind,
)

MANAGE = "decisions.manage_decisions"
#: Places a decision may be scoped to: where owners and residents are.
SCOPE_KINDS = (AreaKind.ZONE, AreaKind.BUILDING, AreaKind.STAIRWELL)
#: How the list orders decisions: voting first, then the decided, the drafts and the cancelled.
STATUS_ORDER = {
    DecisionStatus.OPEN: 0,
    DecisionStatus.CLOSED: 1,
    DecisionStatus.DRAFT: 2,
    DecisionStatus.CANCELLED: 3,
}


def get_decision_for_user(
    user: Actor, community: Community, decision_id: int, *, perm: str = "decisions.see_decision"
) -> Decision:
    try:
        decision = Decision.objects.select_related("community__street", "area", "subject", "draft").get(
            community=community, pk=decision_id
        )
    except Decision.DoesNotExist as error:
        raise Http404 from error
    if not user.has_perm(perm, decision):
        raise PermissionDenied
    return decision


def get_decisions_for_user(user: Actor, community: Community) -> QuerySet[Decision]:
    """The decisions of ``community`` the user may open: drafts only for those who run them."""
    decisions = Decision.objects.filter(community=community).select_related("area")
    if not user.has_perm(MANAGE, community):
        decisions = decisions.exclude(status=DecisionStatus.DRAFT)
    return decisions


def decisions_in_list_order(decisions: QuerySet[Decision]) -> list[Decision]:
    return sorted(decisions, key=lambda d: (STATUS_ORDER[DecisionStatus(d.status)], -d.closes_at.timestamp()))


def awaiting_ballot_of(user: Actor, community: Community) -> set[int]:
    """The decisions of ``community`` in which an elector the user votes for has not voted yet."""
    return set(
        Elector.objects.filter(
            community=community, persons__user__pk=user.pk or 0, participations__isnull=True
        ).values_list("decision_id", flat=True)
    )


def get_draft_for_user(user: Actor, community: Community, draft_id: int) -> DecisionDraft:
    """A consultation's decision draft of ``community`` to put to a vote (``Http404`` when there is none)."""
    if not user.has_perm(MANAGE, community):
        raise PermissionDenied
    try:
        return DecisionDraft.objects.get(community=community, pk=draft_id)
    except DecisionDraft.DoesNotExist as error:
        raise Http404 from error


def scope_areas(community: Community) -> list[Area]:
    return list(Area.objects.filter(community=community, kind__in=SCOPE_KINDS).order_by("kind", "code"))


def subjects_for(community: Community) -> QuerySet[GovernanceSubject]:
    return GovernanceSubject.objects.filter(community=community, is_active=True).exclude(
        kind__in=[SubjectKind.STREET_OFFICE, SubjectKind.GOVERNMENT_DEPARTMENT]
    )


def retable_candidates(community: Community) -> QuerySet[Decision]:
    """The failed decisions of ``community`` that a new one may put again."""
    return Decision.objects.filter(community=community, status=DecisionStatus.CLOSED, passed=False)


# --- who votes -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    elector: Elector
    proxy: bool
    voted: bool


def electors_for(user: Actor, decision: Decision) -> list[Eligibility]:
    """The electors ``user`` may vote for: their own (as a verified person) and those who made them proxy."""
    if not getattr(user, "is_authenticated", False) or decision.status == DecisionStatus.DRAFT:
        return []
    own_rows = Elector.objects.filter(
        community_id=decision.community_id,
        decision=decision,
        persons__user__pk=user.pk,
        persons__verified_at__isnull=False,
    )
    proxied_rows = Elector.objects.filter(
        community_id=decision.community_id,
        decision=decision,
        proxies__proxy__user__pk=user.pk,
        proxies__proxy__verified_at__isnull=False,
    )
    own, proxied = list(own_rows.distinct()), list(proxied_rows.distinct())
    mine = {e.pk for e in own} | {e.pk for e in proxied}
    voted = set(
        Participation.objects.filter(decision=decision, elector_id__in=mine).values_list(
            "elector_id", flat=True
        )
    )
    seen: dict[int, Eligibility] = {}
    for elector in own:
        seen[elector.pk] = Eligibility(elector, False, elector.pk in voted)
    for elector in proxied:
        seen.setdefault(elector.pk, Eligibility(elector, True, elector.pk in voted))
    return list(seen.values())


def electors_of(decision: Decision, query: str = "") -> QuerySet[Elector]:
    """The frozen register, by building and units, optionally only the electors whose units or names match."""
    electors = Elector.objects.filter(decision=decision).prefetch_related("participations")
    if query:
        electors = electors.filter(units__icontains=query) | electors.filter(label__icontains=query)
    return electors.order_by("building", "units", "pk")


def unvoted(decision: Decision) -> QuerySet[Elector]:
    """Electors who have not voted, by building and units (the paper-ballot, proxy and simulator lists)."""
    return Elector.objects.filter(decision=decision, participations__isnull=True).order_by(
        "building", "units", "pk"
    )


def counted_participations(decision: Decision) -> int:
    return Participation.objects.filter(decision=decision, counted=True).count()


def waiting_paper_ballots(decision: Decision) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(decision=decision, channel=Channel.PAPER, counted=False)
        .select_related("elector", "cast_by", "ballot")
        .order_by("created_at")
    )


def proxies_of(decision: Decision) -> QuerySet[ProxyAuthorization]:
    return ProxyAuthorization.objects.filter(decision=decision).select_related(
        "elector", "proxy", "recorded_by"
    )


def proxy_candidates(decision: Decision) -> QuerySet[Person]:
    """Who may be recorded as a proxy: verified people of the decision's community with an account."""
    return Person.objects.filter(
        community_id=decision.community_id, verified_at__isnull=False, user__isnull=False
    ).order_by("full_name")


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool
    counted: bool = False
    choice: str = ""
    selection: tuple[Any, ...] = ()
    entry: LogEntry | None = None


def check_receipt(decision: Decision, code: str) -> ReceiptCheck:
    """Find the ballot a receipt code belongs to, and the log entry that holds it once it is in the log."""
    wanted = receipt_hash(normalise_receipt(code))
    ballot = decision.ballots.filter(receipt_hash=wanted).first()
    if ballot is None:
        return ReceiptCheck(found=False)
    entry = None
    if ballot.log_sequence is not None:
        entry = LogEntry.objects.filter(decision=decision, sequence=ballot.log_sequence).first()
    return ReceiptCheck(
        found=True,
        counted=ballot.counted,
        choice=ballot.choice,
        selection=tuple(ballot.selection),
        entry=entry,
    )


def log_entries(decision: Decision) -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(decision=decision).order_by("sequence")


# --- the voices around a vote --------------------------------------------------------------------------------


def objection_deadline(decision: Decision) -> datetime | None:
    """Objections are taken while the vote runs and for the rule's objection period after it closes."""
    if decision.status != DecisionStatus.CLOSED or decision.closed_at is None:
        return None
    return decision.closed_at + timedelta(days=rule_of(decision).objection_days)


def may_object(decision: Decision) -> bool:
    if decision.status == DecisionStatus.OPEN:
        return True
    deadline = objection_deadline(decision)
    return deadline is not None and timezone.now() < deadline


def may_write_minority(user: Actor, decision: Decision) -> list[Elector]:
    """Electors of ``user`` who may still add a minority statement to a published result: those who took part
    and were outvoted — in an open ballot of a motion, who did not vote yes when it passed, or voted yes when it
    failed (a secret ballot or a choice among options: anyone who took part)."""
    if decision.status != DecisionStatus.CLOSED:
        return []
    written = set(MinorityStatement.objects.filter(decision=decision).values_list("elector_id", flat=True))
    out = []
    for eligibility in electors_for(user, decision):
        elector = eligibility.elector
        if eligibility.proxy or elector.pk in written:
            continue
        participation = elector.participations.filter(counted=True).select_related("ballot").first()
        if participation is None:
            continue
        ballot = getattr(participation, "ballot", None)
        if ballot is not None and ballot.choice and (ballot.choice == "yes") == bool(decision.passed):
            continue  # on the winning side
        out.append(elector)
    return out


def objections_of(decision: Decision) -> list[Objection]:
    return list(Objection.objects.filter(decision=decision).select_related("elector").order_by("created_at"))


def mediations_of(decision: Decision) -> list[Mediation]:
    return list(Mediation.objects.filter(decision=decision).select_related("objection"))


def minority_statements_of(decision: Decision) -> list[MinorityStatement]:
    return list(MinorityStatement.objects.filter(decision=decision))


def affected_units_of(decision: Decision) -> list[AffectedUnit]:
    return list(AffectedUnit.objects.filter(decision=decision).select_related("unit__building"))


def cost_plan_of(decision: Decision) -> CostPlan | None:
    return CostPlan.objects.filter(decision=decision).first()


def units_owned_by(user: Actor) -> set[int]:
    """The units a signed-in user's people own (to mark their own share of a cost plan)."""
    if not user.is_authenticated:
        return set()
    person_ids = list(Person.objects.filter(user__pk=user.pk).values_list("pk", flat=True))
    if not person_ids:
        return set()
    return set(Ownership.objects.filter(person_id__in=person_ids).values_list("unit_id", flat=True))
