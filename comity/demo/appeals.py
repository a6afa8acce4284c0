"""A year of appeals in the demo street, each moved through the engine's state machine, so every rate is true.

:func:`generate_demo_appeals` drafts the appeals of the 365 days up to ``now``
(:mod:`comity.demo.appeal_drafts`), numbers them per community and year in order of receipt, routes them with
the real :func:`~comity.appeals.computing.route_appeal` and :func:`~comity.appeals.time_limits.time_limit`, and
lets :mod:`comity.demo.appeal_paths` lay out each path and check every step with the engine. Steps that would
come after ``now`` are left out, so the newest appeals are still open and some of them overdue; the reminders
and escalations are those the deadline job would have made. :mod:`comity.demo.appeal_rows` writes the rows.

All draws come from the generator's one :class:`random.Random`, and times are counted back from ``now`` (the
moment of generation, or ``generate_demo --as-of``): the same seed and the same ``now`` give the same appeals.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.computing import NUMBER_DIGITS, Route, area_chain, route_appeal
from comity.appeals.models import Appeal, Attachment, Dispatch, Rating, Urgency
from comity.appeals.models import AppealEvent as TimelineEntry
from comity.appeals.notifying import notify_step
from comity.appeals.time_limits import TimeLimit, time_limit
from comity.demo import appeal_specs as specs
from comity.demo.appeal_drafts import AppealDraft, Drafter, Estate, Home, Resident
from comity.demo.appeal_paths import Parties, Planner, Say, Step, merge_into, replay, status_at, supervision
from comity.demo.appeal_rows import write_appeals
from comity.demo.appeal_specs import Profile
from comity.demo.names import AGE_YEAR
from comity.demo.specs import COMMUNITY_SPECS
from comity.demo.subject_specs import STREET_SUBJECTS, community_subject_specs
from comity.engine.appeals import OPEN_STATUSES, Actor, AppealEvent, is_open
from comity.structure.models import (
    Area,
    AreaKind,
    Community,
    GovernanceSubject,
    Household,
    MatterCategory,
    Membership,
    MembershipRole,
    Person,
    Responsibility,
    Street,
    SubjectKind,
    Unit,
)

#: Share of duplicates the committee merges (the others are handled as appeals of their own).
MERGED_SHARE = 0.85


class World:
    """The demo street as its appeals see it: places, people, subjects, accounts, routes and time limits."""

    def __init__(self, street: Street, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.categories = {c.code: c for c in MatterCategory.objects.order_by("pk")}
        self.areas = {area.pk: area for area in Area.objects.filter(community__street=street).order_by("pk")}
        for area in self.areas.values():
            if area.parent_id is not None:
                area.parent = self.areas[area.parent_id]
        self.scoped = set(
            Responsibility.objects.filter(community__street=street, scope_area__isnull=False).values_list(
                "scope_area_id", flat=True
            )
        )
        self.keys, self.names = _subjects(street)
        self.street_office = next(pk for pk, key in self.keys.items() if key == (None, "street_office"))
        self.street_level = frozenset(pk for pk, (code, _key) in self.keys.items() if code is None)
        self.staff_users = _staff_users(street)
        communities = Community.objects.filter(street=street).order_by("pk")
        self.estates = {community.code: self._estate(community) for community in communities}
        self.logins = self._logins(street)
        self._routes: dict[tuple[int, int, tuple[int, ...]], Route] = {}
        self._limits: dict[tuple[int, int, str, int], TimeLimit] = {}

    def subject(self, community: Community | None, key: str) -> int:
        code = community.code if community else None
        return next(pk for pk, found in self.keys.items() if found == (code, key))

    def profile(self, subject: int) -> Profile:
        code, key = self.keys[subject]
        return specs.PROFILES.get((code or "", key)) or specs.PROFILES.get(key) or specs.DEFAULT_PROFILE

    def _estate(self, community: Community) -> Estate:
        adults: dict[int, list[Resident]] = {}
        people = Person.objects.filter(
            community=community, is_resident=True, user__isnull=True, birth_year__lte=AGE_YEAR - 20
        ).order_by("pk")
        for pk, name, phone, born, unit in people.values_list(
            "pk", "full_name", "phone", "birth_year", "household__unit_id"
        ):
            if unit is not None:
                adults.setdefault(unit, []).append(Resident(pk, name, phone, born, None))
        homes: dict[int, list[Home]] = {}
        units = Unit.objects.filter(community=community, stairwell__isnull=False).order_by("pk")
        for pk, number, floor, stairwell, building in units.values_list(
            "pk", "number", "floor", "stairwell_id", "building_id"
        ):
            if pk in adults:
                home = Home(pk, number, floor, self.areas[stairwell], self.areas[building], adults[pk])
                homes.setdefault(building, []).append(home)
        grids = Area.objects.filter(community=community, kind=AreaKind.GRID).order_by("pk")
        workers: dict[int, tuple[str, int | None]] = {
            building: (name, user)
            for building, name, user in grids.values_list(
                "grid_buildings", "grid_worker__full_name", "grid_worker__user_id"
            )
        }
        commons = {
            area.code: area
            for area in self.areas.values()
            if area.community_id == community.pk and area.kind == AreaKind.COMMON_SPACE
        }
        return Estate(
            community=community,
            households=Household.objects.filter(community=community).count(),
            committee=self.subject(community, "rc"),
            homes=homes,
            commons=commons,
            grid_workers=workers,
            shops=set(
                Unit.objects.filter(community=community, stairwell__isnull=True).values_list(
                    "building_id", flat=True
                )
            ),
        )

    def _logins(self, street: Street) -> dict[str, tuple[Estate, Home]]:
        """The demo resident logins, each with their estate and home."""
        found = {}
        people = Person.objects.filter(community__street=street, user__isnull=False, household__isnull=False)
        for username, pk, name, phone, born, user, code, unit in people.values_list(
            "user__username",
            "pk",
            "full_name",
            "phone",
            "birth_year",
            "user_id",
            "community__code",
            "household__unit_id",
        ):
            number, floor, stairwell, building = Unit.objects.values_list(
                "number", "floor", "stairwell_id", "building_id"
            ).get(pk=unit)
            resident = Resident(pk, name, phone, born, user)
            home = Home(unit, number, floor, self.areas[stairwell], self.areas[building], [resident])
            found[username] = (self.estates[code], home)
        return found

    def route(self, draft: AppealDraft) -> Route:
        """The real routing, memoised on the areas of the place's chain that have matrix rows of their own."""
        chain = tuple(pk for pk in area_chain(area=draft.area, unit=None) if pk in self.scoped)
        key = (draft.community.pk, draft.category.pk, chain)
        if key not in self._routes:
            self._routes[key] = route_appeal(
                draft.community, category=draft.category, area=draft.area, unit=None
            )
        return self._routes[key]

    def limit(self, draft: AppealDraft, route: Route) -> TimeLimit:
        """The real time limit. Counted in calendar hours it only moves with the moment of receipt, so one
        call per category serves them all; working hours are counted anew for each appeal."""
        urgency = draft.template.urgency
        key = (draft.community.pk, draft.category.pk, urgency, route.time_limit_hours)
        found = self._limits.get(key)
        if found is None or found.clock != "calendar":
            found = time_limit(
                draft.community,
                category=draft.category,
                urgency=urgency,
                route_hours=route.time_limit_hours,
                received_at=draft.received_at,
                config=appeal_settings(draft.community),
            )
            self._limits[key] = found
            return found
        shift = draft.received_at - (found.due_at - timedelta(hours=found.hours))
        return TimeLimit(found.hours, found.clock, found.due_at + shift, found.remind_at + shift)


def _subjects(street: Street) -> tuple[dict[int, tuple[str | None, str]], dict[int, str]]:
    """Each subject's (community code, spec key), recovered from the specs it was built from, and its name."""
    by_name: dict[tuple[str | None, str], str] = {(None, spec.name): spec.key for spec in STREET_SUBJECTS}
    for community in COMMUNITY_SPECS:
        short = community.name.removesuffix("社区")
        for spec in community_subject_specs(short, community.estate_name, community.code):
            by_name[(community.code, spec.name)] = spec.key
    keys: dict[int, tuple[str | None, str]] = {}
    names: dict[int, str] = {}
    rows = GovernanceSubject.objects.filter(street=street).order_by("pk")
    for pk, code, name, kind in rows.values_list("pk", "community__code", "name", "kind"):
        group = kind == SubjectKind.SELF_GOVERNANCE_GROUP
        keys[pk] = (code, "group" if group else by_name.get((code, name), ""))
        names[pk] = name
    return keys, names


def _staff_users(street: Street) -> dict[int, int]:
    """The demo account acting for each subject that has one (grid workers record appeals but do not act)."""
    rows = (
        Membership.objects.filter(subject__street=street, person__user__isnull=False)
        .exclude(role=MembershipRole.GRID_WORKER)
        .order_by("pk")
        .values_list("subject_id", "person__user_id")
    )
    users: dict[int, int] = {}
    for subject, user in rows:
        users.setdefault(subject, user)
    return users


def _number(drafts: list[AppealDraft], zone: ZoneInfo) -> None:
    """``2026-000123``: per community and year in order of receipt, as ``next_number`` numbers them."""
    running: Counter[tuple[int, int]] = Counter()
    for draft in drafts:
        year = draft.received_at.astimezone(zone).year
        running[(draft.community.pk, year)] += 1
        draft.number = f"{year}-{running[(draft.community.pk, year)]:0{NUMBER_DIGITS}d}"


class _Paths:
    """Routes each draft, draws its fate and lays out its steps; then cuts them at ``now`` and supervises."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.planners = {
            estate.community.pk: Planner(
                world.rng, zone=world.zone, reopen_days=appeal_settings(estate.community).reopen_days
            )
            for estate in world.estates.values()
        }

    def plan(self, draft: AppealDraft) -> None:
        world = self.world
        planner = self.planners[draft.community.pk]
        route = world.route(draft)
        limit = world.limit(draft, route)
        draft.route, draft.limit = route, limit
        committee = world.estates[draft.community.code].committee
        co_handlers = tuple(subject.pk for subject in route.co_handlers)
        takers = [pk for pk in co_handlers if world.keys[pk][1] in specs.CAN_TAKE_OVER]
        alternative = takers[0] if takers else committee if route.lead.pk != committee else None
        parties = Parties(
            route.lead.pk, co_handlers, committee, world.street_office, world.street_level, alternative
        )
        requester = draft.requester
        age = AGE_YEAR - (requester.birth_year or AGE_YEAR) if requester else 0
        fate = draft.fate or planner.draw_fate(
            world.profile(route.lead.pk), has_account=bool(requester and requester.user), elderly=age >= 70
        )
        dispatched = {
            "lead": route.lead.pk,
            "co_handlers": list(co_handlers),
            "responsibility": route.responsibility.pk if route.responsibility else None,
            "time_limit_hours": limit.hours,
            "clock": limit.clock,
        }
        urgent = draft.category.code in specs.ROUND_THE_CLOCK or draft.template.urgency == Urgency.EMERGENCY
        steps = planner.lay_out(
            received_at=draft.received_at,
            due_at=limit.due_at,
            parties=parties,
            fate=fate,
            say=self.say(draft),
            round_the_clock=urgent,
            profiles=world.profile,
            dispatch_data=dispatched,
        )
        if draft.primary is not None and world.rng.random() < MERGED_SHARE:
            steps = self._merge(draft, draft.primary, steps, planner, committee)
        draft.steps = steps

    def _merge(
        self, draft: AppealDraft, primary: AppealDraft, steps: list[Step], planner: Planner, committee: int
    ) -> list[Step]:
        """The committee merges the duplicate into the first appeal, if both are still open by then."""
        at = planner.on_duty(draft.received_at + Planner.span(self.world.rng, 0.5, 6))
        if at > self.world.now:
            return steps
        primary_status = status_at(primary.steps, at)
        if not (is_open(primary_status) and is_open(status_at(steps, at))):
            return steps
        text = _("Appeal %(number)s was merged into this one.") % {"number": draft.number}
        note = Step(at, AppealEvent.NOTE, Actor.FIRST_RECEIVER, committee, text, {}, {"text": text}, draft)
        primary.extra.append(note)
        return merge_into(
            steps,
            at=at,
            committee=committee,
            primary=primary,
            primary_status=primary_status,
            note=specs.MERGE_REASON,
        )

    def finish(self, draft: AppealDraft) -> None:
        """Keep the steps taken by ``now``, add the deadline job's reminders and escalations, and replay."""
        assert draft.limit is not None
        now = self.world.now
        taken = [step for step in sorted([*draft.steps, *draft.extra], key=lambda s: s.at) if step.at <= now]
        checks = supervision(
            taken, replay(taken), remind_at=draft.limit.remind_at, due_at=draft.limit.due_at, now=now
        )
        draft.steps = sorted([*taken, *checks], key=lambda step: step.at)
        draft.transitions = replay(draft.steps)

    def say(self, draft: AppealDraft) -> Say:
        """The words of the steps of ``draft``."""
        world, rng = self.world, self.world.rng
        code = draft.category.code
        replies = specs.REPLIES.get(code) or specs.REPLIES.get(code.split(".")[0]) or specs.REPLIES["other"]
        stairwell = draft.home.stairwell.name if draft.home else draft.area.name

        def say(what: str, subject: int | None) -> str:
            key = world.keys[subject][1] if subject is not None else ""
            if what == "reply":
                return rng.choice(replies).format(stairwell=stairwell)
            if what == "dispute":
                home = "_home" if draft.unit is not None else ""
                reasons = specs.DISPUTE_REASONS
                return reasons.get(key + home) or reasons.get(key) or specs.DEFAULT_DISPUTE_REASON
            if what == "reject":
                return specs.REJECT_REASON
            if what == "redispatch":
                return specs.REDISPATCH_REASON.format(lead=world.names[subject] if subject else "")
            if what == "reopen":
                return rng.choice(specs.REOPEN_REASONS)
            if what == "supervisor_reopen":
                return specs.SUPERVISOR_REOPEN_REASON
            if what == "unreached":
                return str(_("Return visit attempted; the requester could not be reached."))
            if what in specs.VISIT_NOTES:
                return rng.choice(specs.VISIT_NOTES[what])
            return rng.choice(specs.COMMENTS[what.removeprefix("comment_")])

        return say


def generate_demo_appeals(street: Street, *, rng: random.Random, now: datetime) -> dict[str, int]:
    """Write a year of appeals up to ``now`` in each community of ``street``; return the count per community.

    Call it once the registry, the subjects and the matrix are saved: requesters come from the registry and
    every appeal is routed through the matrix.
    """
    world = World(street, rng, now.astimezone(UTC).replace(microsecond=0))
    drafter = Drafter(world)
    drafts = [draft for estate in world.estates.values() for draft in drafter.year(estate)]
    drafts += drafter.incidents() + drafter.stories()
    drafts.sort(key=lambda draft: draft.received_at)
    _number(drafts, world.zone)
    paths = _Paths(world)
    for draft in drafts:
        paths.plan(draft)
    for draft in drafts:
        paths.finish(draft)
    write_appeals(drafts, users=world.staff_users)
    _tell_of_escalations(street)
    return dict(Counter(draft.community.code for draft in drafts))


def _tell_of_escalations(street: Street) -> None:
    """The appeals still open after their escalation reach the street's officials (and the committee and the
    lead) as the deadline job told them, so the street-official login finds them in its notifications."""
    escalated = Appeal.objects.filter(
        community__street=street, escalated_at__isnull=False, status__in=sorted(OPEN_STATUSES)
    ).select_related("community", "lead_subject", "area", "unit")
    for appeal in escalated.order_by("escalated_at", "pk"):
        notify_step(appeal, "escalated")


def delete_demo_appeals(street: Street) -> None:
    """Delete the street's appeals and everything hanging on them, leaves first.

    Appeals protect their categories, subjects and merged duplicates' primaries, so they go before the
    registry; clearing ``merged_into`` first lets the appeals go in one statement.
    """
    in_street = {"community__street": street}
    for model in (Attachment, Rating, Dispatch, TimelineEntry):
        model.objects.filter(**in_street).delete()
    appeals = Appeal.objects.filter(**in_street)
    appeals.filter(merged_into__isnull=False).update(merged_into=None)
    appeals.delete()
