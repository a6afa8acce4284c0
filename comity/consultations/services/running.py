"""Running a consultation (staff): create, edit, publish, and write decision drafts from its statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.consultations.models import (
    Analysis,
    Consultation,
    DecisionDraft,
    Moderation,
    Statement,
)
from comity.consultations.permissions import SCOPE_KINDS
from comity.consultations.services.common import (
    MANAGE,
    _clean_statement_text,
    _existing_texts,
    _lock,
    _mark_analysis_dirty,
    _next_number,
)
from comity.foundation.audit import record_audit
from comity.foundation.services import require, service
from comity.structure.models import Area, Community

#: A consultation asks about one question now; a year is already long (a Pol.is import keeps its own dates).
MAX_DURATION = timedelta(days=366)


def _check(
    community: Community,
    *,
    title: str,
    question: str,
    area: Area | None,
    opens_at: datetime,
    closes_at: datetime,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the consultation a title.")]
    if not question.strip():
        errors["question"] = [_("Ask the question residents will answer.")]
    if area is not None and area.community_id != community.pk:
        errors["area"] = [_("This place is not part of the community.")]
    elif area is not None and area.kind not in SCOPE_KINDS:
        errors["area"] = [_("Choose a courtyard, a building, a stairwell or a grid: people live there.")]
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        errors["closes_at"] = [_("The consultation must close after it opens.")]
    elif closes_at - opens_at > MAX_DURATION:
        errors["closes_at"] = [_("A consultation may run for at most a year.")]
    return errors


def _check_group_count(group_count: int | None) -> dict[str, list[str]]:
    if group_count is not None and not 2 <= group_count <= 9:
        return {"group_count": [_("Choose between 2 and 9 opinion groups, or leave it empty.")]}
    return {}


def _seed_texts(lines: Sequence[str], taken: list[str]) -> tuple[list[str], list[str]]:
    """Clean the seed statements (blank lines are skipped); return the texts and the errors, one per line."""
    texts: list[str] = []
    errors: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            texts.append(_clean_statement_text(line, taken=[*taken, *texts]))
        except ValidationError as error:
            errors.extend(error.messages)
    return texts, errors


def _add_seeds(consultation: Consultation, texts: list[str], actor: User) -> list[Statement]:
    number = _next_number(consultation)
    now = timezone.now()
    statements = [
        Statement(
            community_id=consultation.community_id,
            consultation=consultation,
            number=number + offset,
            text=text,
            author=None,
            is_seed=True,
            moderation=Moderation.ACCEPTED,
            moderated_by=actor if actor.is_authenticated else None,
            moderated_at=now,
        )
        for offset, text in enumerate(texts)
    ]
    return Statement.objects.bulk_create(statements)


@service
def create_consultation(
    actor: User,
    community: Community,
    *,
    title: str,
    question: str,
    opens_at: datetime,
    closes_at: datetime,
    background: str = "",
    area: Area | None = None,
    allow_statements: bool = True,
    strict_moderation: bool = False,
    group_count: int | None = None,
    seed_statements: Sequence[str] = (),
) -> Consultation:
    """Create a draft consultation with its seed statements (numbered from 0 in the order given).

    Nothing is written unless everything is valid; errors are keyed by form field.
    """
    require(actor, MANAGE, community)
    errors = _check(
        community, title=title, question=question, area=area, opens_at=opens_at, closes_at=closes_at
    )
    errors.update(_check_group_count(group_count))
    texts, seed_errors = _seed_texts(seed_statements, [])
    if seed_errors:
        errors["seed_statements"] = seed_errors
    if errors:
        raise ValidationError(errors)
    consultation = Consultation.objects.create(
        community=community,
        area=area,
        title=title.strip(),
        question=question.strip(),
        background=background.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        allow_statements=allow_statements,
        strict_moderation=strict_moderation,
        group_count=group_count or None,
        created_by=actor,
    )
    _add_seeds(consultation, texts, actor)
    Analysis.objects.create(
        community=community, consultation=consultation, dirty=True, requested_at=timezone.now()
    )
    record_audit(
        actor=actor,
        action="consultation.create",
        obj=consultation,
        community=community,
        summary=gettext_noop("Created the consultation “%(title)s” with %(n)s seed statements"),
        params={"title": consultation.title, "n": len(texts)},
    )
    return consultation


@service
def update_consultation(
    actor: User,
    consultation: Consultation,
    *,
    title: str,
    question: str,
    opens_at: datetime,
    closes_at: datetime,
    background: str = "",
    area: Area | None = None,
    allow_statements: bool = True,
    strict_moderation: bool = False,
    group_count: int | None = None,
    new_seed_statements: Sequence[str] = (),
) -> Consultation:
    """Change a consultation and add seed statements; statements already voted on are never rewritten."""
    require(actor, MANAGE, consultation)
    locked = _lock(consultation)
    errors = _check(
        locked.community, title=title, question=question, area=area, opens_at=opens_at, closes_at=closes_at
    )
    errors.update(_check_group_count(group_count))
    texts, seed_errors = _seed_texts(new_seed_statements, _existing_texts(locked))
    if seed_errors:
        errors["new_seed_statements"] = seed_errors
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "title": title.strip(),
        "question": question.strip(),
        "background": background.strip(),
        "area": area,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "allow_statements": allow_statements,
        "strict_moderation": strict_moderation,
        "group_count": group_count or None,
    }
    before = {name: _plain(getattr(locked, name)) for name in values}
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    if texts:
        _add_seeds(locked, texts, actor)
    if texts or before["group_count"] != values["group_count"]:
        _mark_analysis_dirty(locked)
    after = {name: _plain(value) for name, value in values.items()}
    record_audit(
        actor=actor,
        action="consultation.update",
        obj=locked,
        community=locked.community,
        summary=gettext_noop("Changed the consultation “%(title)s”"),
        params={"title": locked.title},
        changes={
            "before": {k: v for k, v in before.items() if v != after[k]},
            "after": {k: v for k, v in after.items() if v != before[k]},
            "seed_statements_added": texts,
        },
    )
    return locked


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Area):
        return value.pk
    return value


@service
def publish_consultation(actor: User, consultation: Consultation) -> Consultation:
    """Publish a draft: residents see it, and can vote from ``opens_at`` to ``closes_at``."""
    require(actor, MANAGE, consultation)
    locked = _lock(consultation)
    if locked.published:
        raise ValidationError(_("This consultation is already published."), code="published")
    if locked.closes_at <= timezone.now():
        raise ValidationError(
            _("The closing time has passed: move it later before publishing."), code="closes_in_past"
        )
    if not locked.statements.filter(moderation=Moderation.ACCEPTED).exists():
        raise ValidationError(
            _("Add at least one seed statement before publishing: residents need something to vote on."),
            code="no_statements",
        )
    locked.published = True
    locked.published_at = timezone.now()
    locked.save(update_fields=["published", "published_at", "updated_at"])
    record_audit(
        actor=actor,
        action="consultation.publish",
        obj=locked,
        community=locked.community,
        summary=gettext_noop("Published the consultation “%(title)s”"),
        params={"title": locked.title},
    )
    return locked


@service
def create_decision_draft(
    actor: User,
    consultation: Consultation,
    *,
    title: str,
    body: str,
    statement_numbers: Sequence[int] = (),
) -> DecisionDraft:
    """Write a decision draft from accepted statements of the consultation (for the decisions capability)."""
    require(actor, MANAGE, consultation)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the draft a title.")]
    if not body.strip():
        errors["body"] = [_("Write the text of the draft.")]
    numbers = sorted(set(statement_numbers))
    accepted = set(
        Statement.objects.filter(
            consultation=consultation, number__in=numbers, moderation=Moderation.ACCEPTED
        ).values_list("number", flat=True)
    )
    unknown = [n for n in numbers if n not in accepted]
    if unknown:
        errors["statements"] = [
            _("These are not accepted statements of the consultation: %(numbers)s.")
            % {"numbers": ", ".join(f"#{n}" for n in unknown)}
        ]
    if errors:
        raise ValidationError(errors)
    draft = DecisionDraft.objects.create(
        community_id=consultation.community_id,
        consultation=consultation,
        title=title.strip(),
        body=body.strip(),
        statement_numbers=numbers,
        created_by=actor,
    )
    record_audit(
        actor=actor,
        action="consultation.decision_draft",
        obj=draft,
        community=consultation.community,
        summary=gettext_noop("Wrote the decision draft “%(title)s” from the consultation “%(consultation)s”"),
        params={"title": draft.title, "consultation": consultation.title},
    )
    return draft
