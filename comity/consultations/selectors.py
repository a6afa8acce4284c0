"""Reads of consultations, scoped by community.

:func:`get_consultation_for_user` is the one way views reach a consultation: ``Http404`` when it does not exist
in the community of the URL, ``PermissionDenied`` when the user may not see it. :func:`next_statement_for` asks
the engine which statement a participant should see next (Pol.is comment routing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import Case, Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from comity.consultations.models import Analysis, Consultation, DecisionDraft, Moderation, Statement, Vote
from comity.consultations.permissions import SCOPE_KINDS
from comity.engine.opinions import choose_next_statement
from comity.foundation.caching import cached_for_community
from comity.foundation.services import Actor
from comity.structure.models import Area, Community

#: Open consultations first, then upcoming ones, then closed ones; drafts (staff only) last.
STATUS_ORDER = {"open": 0, "upcoming": 1, "closed": 2, "draft": 3}


#: Seconds a consultation's row stays cached at most.
CONSULTATION_ROW_SECONDS = 300


def get_consultation_for_user(
    user: Actor, community: Community, consultation_id: int, *, perm: str = "consultations.see_consultation"
) -> Consultation:
    # Cached under the community's data version: every write of a consultation's row is audited (votes and the
    # opinion map's bookkeeping write other rows), so the copy is stale for no longer than the writer's commit.
    try:
        consultation = cached_for_community(
            community,
            "consultation-row",
            int(consultation_id),
            compute=lambda: Consultation.objects.select_related("community__street", "area").get(
                community=community, pk=consultation_id
            ),
            timeout=CONSULTATION_ROW_SECONDS,
        )
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc
    if not user.has_perm(perm, consultation):
        raise PermissionDenied
    return consultation


def scope_areas(community: Community) -> QuerySet[Area]:
    """The places of the community a consultation can be limited to: where people live."""
    return Area.objects.filter(community=community, kind__in=SCOPE_KINDS)


def get_statement(consultation: Consultation, statement_id: int | str) -> Statement:
    """A statement of this consultation; an id of another consultation is a 404 like an unknown one."""
    try:
        return Statement.objects.get(consultation=consultation, pk=int(statement_id))
    except (Statement.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def statement_by_number(consultation: Consultation, number: int) -> Statement | None:
    return Statement.objects.filter(consultation=consultation, number=number).first()


def statement_texts(consultation: Consultation, numbers: Iterable[int] | None = None) -> dict[int, str]:
    """The texts of the consultation's statements (of ``numbers`` only, when given) by number."""
    statements = Statement.objects.filter(consultation=consultation)
    if numbers is not None:
        statements = statements.filter(number__in=list(numbers))
    return dict(statements.values_list("number", "text"))


def consultations_for(user: Actor, community: Community) -> QuerySet[Consultation]:
    """The community's consultations ``user`` may open: published ones, and drafts for those who run them."""
    now = timezone.now()
    consultations = Consultation.objects.filter(community=community).select_related("area")
    if not user.has_perm("consultations.manage_consultations", community):
        consultations = consultations.filter(published=True)
    voters = (
        Vote.objects.filter(consultation=OuterRef("pk"))
        .values("consultation")
        # A vote is a user's or an imported Pol.is participant's, never both: the two counts add up.
        .annotate(n=Count("participant", distinct=True) + Count("imported_participant", distinct=True))
        .values("n")
    )
    statements = (
        Statement.objects.filter(consultation=OuterRef("pk"), moderation=Moderation.ACCEPTED)
        .values("consultation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return consultations.annotate(
        n_participants=Coalesce(Subquery(voters, output_field=IntegerField()), 0),
        n_statements=Coalesce(Subquery(statements, output_field=IntegerField()), 0),
        rank=Case(
            When(published=False, then=Value(STATUS_ORDER["draft"])),
            When(opens_at__gt=now, then=Value(STATUS_ORDER["upcoming"])),
            When(closes_at__gt=now, then=Value(STATUS_ORDER["open"])),
            default=Value(STATUS_ORDER["closed"]),
            output_field=IntegerField(),
        ),
    ).order_by("rank", "closes_at", "pk")


def votable(consultation: Consultation) -> QuerySet[Statement]:
    """Statements shown for voting: accepted ones, meta statements included (Pol.is shows them too)."""
    return Statement.objects.filter(consultation=consultation, moderation=Moderation.ACCEPTED)


@dataclass(frozen=True)
class Progress:
    voted: int
    total: int


def progress_of(user: Actor, consultation: Consultation) -> Progress:
    statements = votable(consultation)
    voted = Vote.objects.filter(participant_id=user.pk, statement__in=statements).count()
    return Progress(voted=voted, total=statements.count())


def my_votes(user: Actor, consultation: Consultation) -> list[Vote]:
    """``user``'s votes on the statements shown for voting, in the statements' order."""
    return list(
        Vote.objects.filter(
            participant_id=user.pk, consultation=consultation, statement__moderation=Moderation.ACCEPTED
        )
        .select_related("statement")
        .order_by("statement__number")
    )


def my_vote_values(user: Actor, consultation: Consultation) -> dict[int, int]:
    """``user``'s vote on each statement they voted on, by statement id (nothing for an anonymous caller)."""
    if not user.is_authenticated:
        return {}
    return dict(
        Vote.objects.filter(consultation=consultation, participant_id=user.pk).values_list(
            "statement_id", "value"
        )
    )


def participant_count(consultation: Consultation) -> int:
    """Everyone who voted: users and imported Pol.is participants."""
    return (
        Vote.objects.filter(consultation=consultation)
        .values("participant", "imported_participant")
        .distinct()
        .count()
    )


def pending_count(consultation: Consultation) -> int:
    """Statements waiting for review."""
    return Statement.objects.filter(consultation=consultation, moderation=Moderation.PENDING).count()


def analysis_of(consultation: Consultation) -> Analysis | None:
    """The consultation's last opinion map (``None`` before its first vote or import), without the engine's
    warm-start state and the Pol.is structure, which no page shows."""
    return Analysis.objects.filter(consultation=consultation).defer("state", "polis").first()


def newest_vote_in(community: Community) -> int | None:
    """The id of the newest vote in any of the community's consultations: a version for what counts participants
    (votes are written without an audit entry; a changed vote adds no participant)."""
    newest: int | None = Vote.objects.filter(community=community).aggregate(newest=Max("id"))["newest"]
    return newest


def votes_version(consultation: Consultation) -> tuple[Any, ...]:
    """The newest of the consultation's votes and the last change to any: votes are written without an audit
    entry, so what is drawn from them is cached under this. (Votes are never deleted but with their statement or
    consultation, whose writes are audited.)"""
    votes = Vote.objects.filter(consultation=consultation).aggregate(
        last=Max("id"), changed=Max("updated_at")
    )
    return votes["last"], votes["changed"]


def _page_version_sql() -> str:
    analysis, vote = Analysis._meta.db_table, Vote._meta.db_table
    return (
        f"SELECT a.id, a.computed_at, a.votes_seen, a.dirty, a.requested_at, a.error, "
        f"(SELECT MAX(v.id) FROM {vote} v WHERE v.consultation_id = %s), "
        f"(SELECT MAX(v.updated_at) FROM {vote} v WHERE v.consultation_id = %s) "
        f"FROM {analysis} a WHERE a.consultation_id = %s"
    )


def page_version(consultation: Consultation) -> tuple[Any, ...]:
    """What changes whenever the consultation's opinion map (recomputed, marked out of date, failed) or its votes
    (a vote cast or changed) do — both written without an audit entry: a version for the parts of pages that show
    them. Every vote marks the map out of date, which makes its row first, so before the row exists there are no
    votes to read but an import's; they are read apart then.

    One query in SQL of its own: it runs on every view of the consultation's pages, and building it through the
    ORM costs several times its execution (about 1.2 ms of CPU against 0.2). It reads where the ORM would (the
    replica on a page that reads from it).
    """
    alias = router.db_for_read(Analysis)
    with connections[alias].cursor() as cursor:
        cursor.execute(_page_version_sql(), [consultation.pk] * 3)
        row = cursor.fetchone()
    return tuple(row) if row is not None else ("no map", *votes_version(consultation))


@dataclass(frozen=True)
class ImportedCounts:
    statements: int
    votes: int
    participants: int


def imported_counts(consultation: Consultation) -> ImportedCounts:
    """What an import brought: statements, votes and the participants who cast them."""
    votes = Vote.objects.filter(consultation=consultation)
    return ImportedCounts(
        statements=Statement.objects.filter(consultation=consultation).count(),
        votes=votes.count(),
        participants=votes.values("imported_participant").distinct().count(),
    )


def stored_priorities(consultation: Consultation) -> dict[int, float]:
    """The comment priorities of the last opinion map (Pol.is ``comment-priorities``), by statement number."""
    # Only the priorities leave the database, not the whole Pol.is structure (megabytes for a big consultation):
    # this runs for every statement a resident is shown.
    raw = (
        Analysis.objects.filter(consultation=consultation)
        .annotate(priorities=KeyTransform("comment-priorities", "polis"))
        .values_list("priorities", flat=True)
        .first()
    )
    priorities: dict[int, float] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            try:
                priorities[int(key)] = float(value)
            except (TypeError, ValueError):
                continue
    return priorities


def routing_seed(user: Actor, consultation: Consultation, voted: int) -> int:
    """The same statement on a reload, a fresh draw after each vote: seeded by who, where and how far."""
    return int(consultation.pk * 1_000_003 + user.pk * 7_919 + voted) % 2**32


def next_statement_for(user: Actor, consultation: Consultation, *, voted: int) -> Statement | None:
    """The statement ``user`` should see next, chosen by the engine among those they have not voted on."""
    unvoted = list(
        votable(consultation)
        .exclude(votes__participant_id=user.pk)
        .order_by("number")
        .values_list("number", flat=True)
    )
    number = choose_next_statement(
        unvoted, stored_priorities(consultation), seed=routing_seed(user, consultation, voted)
    )
    if number is None:
        return None
    return Statement.objects.filter(consultation=consultation, number=number).first()


def own_statements(user: Actor, consultation: Consultation) -> QuerySet[Statement]:
    return Statement.objects.filter(consultation=consultation, author_id=user.pk).order_by("number")


def moderation_queue(consultation: Consultation) -> QuerySet[Statement]:
    """Every statement of the consultation, those waiting for review first."""
    return (
        Statement.objects.filter(consultation=consultation)
        .annotate(
            waiting=Case(
                When(moderation=Moderation.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("moderated_by")
        .order_by("waiting", "number")
    )


def decision_drafts(consultation: Consultation) -> QuerySet[DecisionDraft]:
    return DecisionDraft.objects.filter(consultation=consultation).select_related("created_by")
