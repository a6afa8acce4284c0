"""How long the lead has: the community's policy for the category and urgency, else the matrix, else the catalogue.

Order of precedence, most specific first:

1. a :class:`~comity.appeals.models.TimeLimitPolicy` of the community for the category, or the nearest parent
   category, at the appeal's urgency;
2. for an emergency without a policy, the community's emergency limit (2 hours by default, domain-practice §3);
3. the matrix row's time limit (which the committee edits with the responsibility);
4. the catalogue default of the category.

Whether the hours are calendar or working hours comes from the policy when one applies, else from the
community's settings; working hours follow the community's working calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.computing import working_calendar
from comity.appeals.models import AppealSettings, Clock, TimeLimitPolicy, Urgency
from comity.engine import calendar as engine_calendar
from comity.engine.responsibility import cap_time_limit_hours
from comity.structure.models import Community, MatterCategory
from comity.structure.selectors import category_chain


@dataclass(frozen=True)
class TimeLimit:
    hours: int
    clock: str
    due_at: datetime
    remind_at: datetime


def time_limit(
    community: Community,
    *,
    category: MatterCategory,
    urgency: str,
    route_hours: int,
    received_at: datetime,
    config: AppealSettings | None = None,
    categories: list[str] | None = None,
) -> TimeLimit:
    config = config or appeal_settings(community)
    chain = categories if categories is not None else category_chain(category)
    policies = {
        policy.category.code: policy
        for policy in TimeLimitPolicy.objects.filter(
            community=community, urgency=urgency, category__code__in=chain
        ).select_related("category")
    }
    policy = next((policies[code] for code in chain if code in policies), None)
    if policy is not None:
        hours, clock = policy.hours, policy.clock
    elif urgency == Urgency.EMERGENCY:
        hours, clock = min(config.emergency_hours, route_hours), config.clock
    else:
        hours, clock = route_hours, config.clock
    # A limit stored before the bounds (or by hand) is capped, so it delays the appeal instead of failing it.
    hours = cap_time_limit_hours(hours)
    calendar = working_calendar(config) if clock == Clock.WORKING else None
    engine_clock: engine_calendar.Clock = "working" if clock == Clock.WORKING else "calendar"
    try:
        due = engine_calendar.due_at(received_at, hours=hours, clock=engine_clock, calendar=calendar)
    except (OverflowError, ValueError):
        # A working calendar with next to no working time left: count calendar hours rather than fail.
        calendar, engine_clock, clock = None, "calendar", Clock.CALENDAR
        due = engine_calendar.due_at(received_at, hours=hours, clock=engine_clock, calendar=calendar)
    remind = engine_calendar.remind_at(
        received_at,
        due,
        fraction=Fraction(config.remind_percent, 100),
        clock=engine_clock,
        calendar=calendar,
    )
    return TimeLimit(hours=hours, clock=clock, due_at=due, remind_at=remind)
