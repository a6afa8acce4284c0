"""Writes to a community's appeal settings: the calendar and weights, time-limit policies and reply templates.

Each service: one transaction, the ``appeals.manage_settings`` check, validation that does not trust the form,
and one audit entry. What the settings change is read by :mod:`comity.appeals.time_limits` on the next
intake, so a new policy or clock applies to appeals received from now on; appeals already received keep their
due date.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.community_settings.validation import (
    EMERGENCY_HOURS,
    REMIND_PERCENT,
    REOPEN_DAYS,
    WEIGHTS,
    calendar_errors,
    range_error,
    weights_error,
)
from comity.appeals.models import AppealSettings, Clock, ReplyTemplate, TimeLimitPolicy, Urgency
from comity.engine.responsibility import MAX_TIME_LIMIT_HOURS, MIN_TIME_LIMIT_HOURS
from comity.foundation.audit import record_audit
from comity.foundation.services import require, service
from comity.structure.models import Community, GovernanceSubject, MatterCategory

MANAGE = "appeals.manage_settings"
SETTINGS_FIELDS = (
    "clock",
    "work_starts",
    "work_ends",
    "working_weekdays",
    "holidays",
    "adjusted_working_days",
    "emergency_hours",
    "remind_percent",
    "reopen_days",
    *WEIGHTS,
)


def _snapshot(config: AppealSettings) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in SETTINGS_FIELDS:
        value = getattr(config, name)
        values[name] = value.strftime("%H:%M") if isinstance(value, time) else value
    return values


@service
def update_appeal_settings(
    actor: User,
    community: Community,
    *,
    clock: str,
    work_starts: time,
    work_ends: time,
    working_weekdays: list[int],
    holidays: list[date],
    adjusted_working_days: list[date],
    emergency_hours: int,
    remind_percent: int,
    reopen_days: int,
    weight_response: int,
    weight_resolution: int,
    weight_satisfaction: int,
    weight_on_time: int,
) -> AppealSettings:
    """Save the community's settings row (created on the first save; until then the defaults apply)."""
    require(actor, MANAGE, community)
    errors: dict[str, list[Any]] = calendar_errors(
        work_starts=work_starts,
        work_ends=work_ends,
        working_weekdays=working_weekdays,
        holidays=holidays,
        adjusted=adjusted_working_days,
    )
    if clock not in Clock.values:
        errors["clock"] = [_("Choose calendar hours or working hours.")]
    for name, value, bounds in (
        ("emergency_hours", emergency_hours, EMERGENCY_HOURS),
        ("remind_percent", remind_percent, REMIND_PERCENT),
        ("reopen_days", reopen_days, REOPEN_DAYS),
    ):
        if (problem := range_error(value, bounds)) is not None:
            errors[name] = [problem]
    weights = {
        "weight_response": weight_response,
        "weight_resolution": weight_resolution,
        "weight_satisfaction": weight_satisfaction,
        "weight_on_time": weight_on_time,
    }
    for name, value in weights.items():
        if not 0 <= value <= 100:
            errors[name] = [_("Choose a number from 0 to 100.")]
    if not errors.keys() & set(WEIGHTS) and (error := weights_error(weights)) is not None:
        errors["weights"] = [error]
    if errors:
        raise ValidationError(errors)
    config = appeal_settings(community)
    before = _snapshot(config) if config.pk else None
    config.clock = clock
    config.work_starts = work_starts
    config.work_ends = work_ends
    config.working_weekdays = sorted(set(working_weekdays))
    config.holidays = [day.isoformat() for day in sorted(set(holidays))]
    config.adjusted_working_days = [day.isoformat() for day in sorted(set(adjusted_working_days))]
    config.emergency_hours = emergency_hours
    config.remind_percent = remind_percent
    config.reopen_days = reopen_days
    for name, value in weights.items():
        setattr(config, name, value)
    config.save()
    after = _snapshot(config)
    changed = {
        name: {"before": before[name] if before else None, "after": value}
        for name, value in after.items()
        if before is None or before[name] != value
    }
    record_audit(
        actor=actor,
        action="appeal_settings.update",
        obj=config,
        community=community,
        summary=gettext_noop("Changed the appeal settings of %(community)s"),
        params={"community": community},
        changes=changed,
    )
    return config


# --- time-limit policies ------------------------------------------------------------------------------------


def _policy_snapshot(policy: TimeLimitPolicy) -> dict[str, Any]:
    return {
        "category": policy.category.code,
        "urgency": policy.urgency,
        "hours": policy.hours,
        "clock": policy.clock,
    }


def _policy_errors(
    community: Community,
    *,
    category: MatterCategory,
    urgency: str,
    hours: int,
    clock: str,
    exclude: int | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose how urgent the matter is.")]
    if clock not in Clock.values:
        errors["clock"] = [_("Choose calendar hours or working hours.")]
    if (problem := range_error(hours, (MIN_TIME_LIMIT_HOURS, MAX_TIME_LIMIT_HOURS))) is not None:
        errors["hours"] = [problem]
    taken = TimeLimitPolicy.objects.filter(community=community, category=category, urgency=urgency)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        errors["category"] = [
            _("%(category)s already has a time limit for this urgency; change that one instead.")
            % {"category": category.name}
        ]
    return errors


@service
def create_time_limit_policy(
    actor: User, community: Community, *, category: MatterCategory, urgency: str, hours: int, clock: str
) -> TimeLimitPolicy:
    """The community's own time limit for a category and its subcategories at one urgency."""
    require(actor, MANAGE, community)
    errors = _policy_errors(
        community, category=category, urgency=urgency, hours=hours, clock=clock, exclude=None
    )
    if errors:
        raise ValidationError(errors)
    policy = TimeLimitPolicy.objects.create(
        community=community, category=category, urgency=urgency, hours=hours, clock=clock
    )
    record_audit(
        actor=actor,
        action="time_limit_policy.create",
        obj=policy,
        community=community,
        summary=gettext_noop("Added a time limit for %(category)s"),
        params={"category": category.code},
        changes={"after": _policy_snapshot(policy)},
    )
    return policy


@service
def update_time_limit_policy(
    actor: User, policy: TimeLimitPolicy, *, category: MatterCategory, urgency: str, hours: int, clock: str
) -> TimeLimitPolicy:
    community = policy.community
    require(actor, MANAGE, community)
    errors = _policy_errors(
        community, category=category, urgency=urgency, hours=hours, clock=clock, exclude=policy.pk
    )
    if errors:
        raise ValidationError(errors)
    before = _policy_snapshot(policy)
    policy.category = category
    policy.urgency = urgency
    policy.hours = hours
    policy.clock = clock
    policy.save()
    record_audit(
        actor=actor,
        action="time_limit_policy.update",
        obj=policy,
        community=community,
        summary=gettext_noop("Changed the time limit for %(category)s"),
        params={"category": category.code},
        changes={"before": before, "after": _policy_snapshot(policy)},
    )
    return policy


@service
def delete_time_limit_policy(actor: User, policy: TimeLimitPolicy) -> None:
    community = policy.community
    require(actor, MANAGE, community)
    before = _policy_snapshot(policy)
    record_audit(
        actor=actor,
        action="time_limit_policy.delete",
        obj=policy,
        community=community,
        summary=gettext_noop("Removed the time limit for %(category)s"),
        params={"category": policy.category.code},
        changes={"before": before},
    )
    policy.delete()


# --- reply templates ----------------------------------------------------------------------------------------


def _template_errors(
    community: Community, *, title: str, text: str, subject: GovernanceSubject | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the template a title.")]
    if not text.strip():
        errors["text"] = [_("Write the text of the reply.")]
    if subject is not None and subject.community_id != community.pk:
        errors["subject"] = [_("Choose a subject of this community.")]
    return errors


def _template_snapshot(template: ReplyTemplate) -> dict[str, Any]:
    return {"title": template.title, "text": template.text, "subject": template.subject_id}


@service
def create_reply_template(
    actor: User, community: Community, *, title: str, text: str, subject: GovernanceSubject | None = None
) -> ReplyTemplate:
    """A reusable reply for the whole community's handlers, or for one subject's staff."""
    require(actor, MANAGE, community)
    errors = _template_errors(community, title=title, text=text, subject=subject)
    if errors:
        raise ValidationError(errors)
    template = ReplyTemplate.objects.create(
        community=community, title=title.strip(), text=text.strip(), subject=subject
    )
    record_audit(
        actor=actor,
        action="reply_template.create",
        obj=template,
        community=community,
        summary=gettext_noop("Added the reply template “%(title)s”"),
        params={"title": template.title},
        changes={"after": _template_snapshot(template)},
    )
    return template


@service
def update_reply_template(
    actor: User, template: ReplyTemplate, *, title: str, text: str, subject: GovernanceSubject | None = None
) -> ReplyTemplate:
    community = template.community
    require(actor, MANAGE, community)
    errors = _template_errors(community, title=title, text=text, subject=subject)
    if errors:
        raise ValidationError(errors)
    before = _template_snapshot(template)
    template.title = title.strip()
    template.text = text.strip()
    template.subject = subject
    template.save()
    record_audit(
        actor=actor,
        action="reply_template.update",
        obj=template,
        community=community,
        summary=gettext_noop("Changed the reply template “%(title)s”"),
        params={"title": template.title},
        changes={"before": before, "after": _template_snapshot(template)},
    )
    return template


@service
def delete_reply_template(actor: User, template: ReplyTemplate) -> None:
    community = template.community
    require(actor, MANAGE, community)
    record_audit(
        actor=actor,
        action="reply_template.delete",
        obj=template,
        community=community,
        summary=gettext_noop("Removed the reply template “%(title)s”"),
        params={"title": template.title},
        changes={"before": _template_snapshot(template)},
    )
    template.delete()
