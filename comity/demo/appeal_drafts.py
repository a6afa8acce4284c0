"""Drafting demo appeals: who appeals about what, where, when and in which words.

:class:`Drafter` draws a year of appeals for each community (volume in proportion to its households, the
monthly mix of :mod:`comity.demo.appeal_specs`), the rising hot spots, and the appeals the demo logins are
meant to find (:data:`STORIES`). Requesters are adults of the registry living in the building concerned; most
have no account and call the hotline, walk in to the committee's office or tell their grid worker, who records
the appeal with their consent; the demo logins appeal online. A shared matter is now and then reported again
by a neighbour, a duplicate for the committee to merge.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from comity.appeals.computing import Route
from comity.appeals.models import Appeal, Channel
from comity.appeals.time_limits import TimeLimit
from comity.demo import appeal_specs as specs
from comity.demo.appeal_paths import Fate, Planner, Step, story_fate
from comity.demo.appeal_specs import Template
from comity.demo.names import AGE_YEAR, SURNAMES
from comity.demo.specs import MIXED, OLD_ESTATE
from comity.engine.appeals import Transition
from comity.structure.models import Area, Community, MatterCategory

if TYPE_CHECKING:
    from comity.demo.appeals import World

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
#: When appeals come in, by hour of the day and channel.
_HOURS = {
    Channel.HOTLINE: (1, 0, 0, 0, 0, 1, 2, 6, 10, 10, 9, 8, 6, 6, 7, 7, 7, 7, 8, 9, 9, 7, 4, 2),
    Channel.WEB: (2, 1, 0, 0, 0, 0, 1, 3, 5, 6, 6, 6, 6, 5, 5, 5, 5, 6, 7, 9, 10, 10, 8, 5),
    Channel.WALK_IN: (0,) * 8 + (6, 10, 10, 8, 3, 6, 9, 9, 8) + (0,) * 7,
    Channel.GRID_PATROL: (0,) * 9 + (8, 10, 9, 3, 5, 9, 9, 6) + (0,) * 7,
}
#: Share of appeals about a shared matter that a neighbour reports again.
DUPLICATE_SHARE = 0.075


@dataclass(frozen=True, slots=True)
class Story:
    """An appeal a demo login is meant to find: a resident login's own, or one a staff login handles or
    supervises (appealed by a resident of ``community``); the matter, how long ago it came in, its fate."""

    login: str
    category: str
    ago: timedelta
    fate: Fate
    template: int = 0
    community: str = OLD_ESTATE


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


STORIES: tuple[Story, ...] = (
    Story(
        "resident",
        "noise.renovation",
        190 * DAY,
        story_fate(sign_after=_h(2), reply_after=_h(28), rate_after=_h(20)),
    ),
    Story(
        "resident",
        "facilities.drainage",
        75 * DAY,
        story_fate(
            sign_after=_h(1),
            reply_after=_h(26),
            rate_after=_h(10),
            resolved="no",
            satisfaction="unsatisfied",
            reopen="rating",
            reopen_after=_h(2),
        ),
    ),
    Story(
        "resident",
        "safety.security",
        120 * DAY,
        story_fate(sign_after=_h(1), withdraw=True, withdraw_after=_h(3)),
    ),
    Story(
        "resident",
        "disputes.leaks",
        6 * DAY,
        story_fate(sign_after=_h(2), reply_after=_h(96), close_after=_h(20), rate_after=30 * DAY),
    ),
    Story(
        "resident",
        "environment.cleaning",
        2 * DAY,
        story_fate(sign_after=_h(3), reply_after=_h(43), close_after=_h(30)),
    ),
    Story("resident", "parking.order", _h(20), story_fate(sign_after=_h(2), reply_after=5 * DAY)),
    Story(
        "owner",
        "fees.property",
        40 * DAY,
        story_fate(sign_after=_h(3), reply_after=_h(50), rate_after=_h(30)),
        1,
    ),
    Story("owner", "renewal.elevator", 3 * DAY, story_fate(sign_after=_h(4), reply_after=12 * DAY)),
    Story(
        "other-resident",
        "facilities.lifts",
        10 * DAY,
        story_fate(sign_after=_h(0.2), reply_after=_h(1.5), rate_after=_h(6)),
        1,
    ),
    Story("other-resident", "noise.renovation", DAY, story_fate(sign_after=_h(2), reply_after=4 * DAY)),
    Story("enterprise-staff", "facilities.water", _h(2), story_fate(sign_after=_h(5))),
    Story("enterprise-staff", "facilities.lighting", _h(5), story_fate(sign_after=_h(9))),
    Story("enterprise-staff", "noise.renovation", _h(7), story_fate(sign_after=_h(10)), 1),
    Story(
        "enterprise-staff", "facilities.fabric", 3 * DAY, story_fate(sign_after=_h(2), reply_after=5 * DAY), 2
    ),
    Story("enterprise-staff", "fees.property", 4 * DAY, story_fate(sign_after=_h(3), reply_after=9 * DAY)),
    Story(
        "enterprise-staff", "facilities.drainage", 4 * DAY, story_fate(sign_after=_h(2), reply_after=6 * DAY)
    ),
    Story(
        "committee-staff",
        "facilities.water",
        _h(9),
        story_fate(dispute="rejected", dispute_after=_h(2), decide_after=2 * DAY),
        1,
    ),
    Story("ngo-staff", "care.elderly", _h(4), story_fate(sign_after=_h(6))),
    Story(
        "street-official",
        "noise.business",
        12 * DAY,
        story_fate(sign_after=_h(5), reply_after=20 * DAY),
        community=MIXED,
    ),
    Story("street-official", "renewal.works", 20 * DAY, story_fate(sign_after=_h(6), reply_after=30 * DAY)),
)


@dataclass(frozen=True, slots=True)
class Resident:
    pk: int
    name: str
    phone: str
    birth_year: int | None
    user: int | None


@dataclass(frozen=True, slots=True)
class Home:
    """A flat with the adults living in it."""

    unit: int
    number: str
    floor: int
    stairwell: Area
    building: Area
    adults: list[Resident]

    @property
    def address(self) -> str:
        """``7号楼2单元301室`` from unit ``2-301`` of building 7."""
        stairwell, _dash, room = self.number.partition("-")
        return f"{self.building.code}号楼{stairwell}单元{room}室"


@dataclass(eq=False)
class AppealDraft:
    """One appeal before it is written: what was asked, by whom, where, and (once planned) its steps."""

    community: Community
    received_at: datetime
    category: MatterCategory
    template: Template
    area: Area
    building: Area | None
    home: Home | None
    unit: int | None
    requester: Resident | None
    channel: str
    description: str
    is_public: bool
    contact_name: str
    contact_phone: str
    recorded_by: int | None = None
    consent_note: str = ""
    fate: Fate | None = None
    primary: AppealDraft | None = None
    number: str = ""
    route: Route | None = None
    limit: TimeLimit | None = None
    steps: list[Step] = field(default_factory=list)
    extra: list[Step] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    appeal: Appeal | None = None


@dataclass
class Estate:
    """What drafting needs of one community."""

    community: Community
    households: int
    committee: int
    #: Occupied flats by building id.
    homes: dict[int, list[Home]]
    commons: dict[str, Area]
    #: The grid worker of each building: name and demo account.
    grid_workers: dict[int, tuple[str, int | None]]
    #: Buildings with shops on the ground floor.
    shops: set[int]


class Drafter:
    """Drafts appeals: the matter, the place, the requester, the channel, the moment and the words."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng
        self.today = world.now.astimezone(world.zone).date()
        self._surnames = [name for name, _weight in SURNAMES]

    def year(self, estate: Estate) -> list[AppealDraft]:
        """The year's appeals of one community, by the seasonal mix of each month."""
        mix = specs.CATEGORY_MIX[estate.community.code]
        codes = [code for code in mix if self._buildings(estate, code)]
        flat = (1.0,) * 12
        monthly = {
            month: list(itertools.accumulate(mix[c] * specs.SEASON.get(c, flat)[month - 1] for c in codes))
            for month in range(1, 13)
        }
        days = [self.today - timedelta(days=back) for back in range(365)]
        weights = [monthly[day.month][-1] * (0.85 if day.weekday() >= 5 else 1.0) for day in days]
        per_day = list(itertools.accumulate(weights))
        count = round(estate.households * specs.APPEALS_PER_HOUSEHOLD[estate.community.code])
        drafts: list[AppealDraft] = []
        for _index in range(count):
            day = self.rng.choices(days, cum_weights=per_day)[0]
            code = self.rng.choices(codes, cum_weights=monthly[day.month])[0]
            drafts.extend(self.draft(estate, code, day))
        return drafts

    def incidents(self) -> list[AppealDraft]:
        """The rising hot spots: one matter of one building reported again and again in the last weeks."""
        drafts = []
        for code, building_code, category, count, days in specs.INCIDENTS:
            estate = self.world.estates[code]
            building = next(
                self.world.areas[pk] for pk in estate.homes if self.world.areas[pk].code == building_code
            )
            for _index in range(count):
                day = self.today - timedelta(days=self.rng.randint(0, days))
                drafts.extend(self.draft(estate, category, day, building=building))
        return drafts

    def stories(self) -> list[AppealDraft]:
        drafts = []
        for story in STORIES:
            if story.login in self.world.logins:
                estate, home = self.world.logins[story.login]
            else:
                estate = self.world.estates[story.community]
                home = self._home(estate, story.category)
            requester = self.rng.choice(home.adults)
            channel = Channel.WEB if requester.user else Channel.HOTLINE
            template = specs.TEMPLATES[story.category][story.template]
            received = self.world.now - story.ago
            if story.ago >= WEEK:
                # Older stories came in at 8:40 in the morning; recent ones keep their exact age.
                day = received.astimezone(self.world.zone).date()
                received = datetime.combine(day, time(8, 40), tzinfo=self.world.zone).astimezone(UTC)
            draft = self._compose(estate, story.category, template, home, requester, channel, received)
            draft.fate = replace(story.fate)
            drafts.append(draft)
        return drafts

    def _buildings(self, estate: Estate, code: str) -> list[int]:
        buildings = list(estate.homes)
        areas = self.world.areas
        if code in specs.NEEDS_ELEVATOR:
            return [pk for pk in buildings if areas[pk].has_elevator]
        if code in specs.NEEDS_SHOPS:
            return [pk for pk in buildings if pk in estate.shops] or buildings
        return buildings

    def _home(self, estate: Estate, code: str, building: Area | None = None) -> Home:
        if building is None:
            choices = self._buildings(estate, code)
            weights = [len(estate.homes[pk]) for pk in choices]
            building = self.world.areas[self.rng.choices(choices, weights=weights)[0]]
        return self.rng.choice(estate.homes[building.pk])

    def draft(
        self, estate: Estate, code: str, day: date, *, building: Area | None = None
    ) -> list[AppealDraft]:
        """One appeal, and now and then a neighbour's duplicate about the same shared matter."""
        home = self._home(estate, code, building)
        requester = self.rng.choice(home.adults)
        channel = self._channel(requester, day)
        template = self.rng.choice(specs.TEMPLATES[code])
        main = self._compose(estate, code, template, home, requester, channel, self._moment(day, channel))
        drafts = [main]
        if code not in specs.SHARED or main.unit is not None or self.rng.random() >= DUPLICATE_SHARE:
            return drafts
        for _index in range(1 if self.rng.random() < 0.7 else 2):
            received = main.received_at + Planner.span(self.rng, 0.3, 8)
            if received > self.world.now:
                break
            near = [h for h in estate.homes[home.building.pk] if h.stairwell is main.area] or estate.homes[
                home.building.pk
            ]
            neighbour = self.rng.choice(near)
            resident = self.rng.choice(neighbour.adults)
            again = self.rng.choice(specs.TEMPLATES[code])
            duplicate = self._compose(
                estate, code, again, neighbour, resident, Channel.HOTLINE, received, area=main.area
            )
            duplicate.primary = main
            drafts.append(duplicate)
        return drafts

    def _channel(self, requester: Resident, day: date) -> str:
        if requester.user is not None:
            return Channel.WEB
        elderly = AGE_YEAR - (requester.birth_year or AGE_YEAR) >= 65
        weights = (50, 30, 20) if elderly else (75, 10, 15)
        channel = self.rng.choices((Channel.HOTLINE, Channel.WALK_IN, Channel.GRID_PATROL), weights=weights)[
            0
        ]
        return Channel.HOTLINE if day.weekday() >= 5 else channel

    def _moment(self, day: date, channel: str) -> datetime:
        hour = self.rng.choices(range(24), weights=_HOURS[Channel(channel)])[0]
        clock = time(hour, self.rng.randrange(60), self.rng.randrange(60))
        moment = datetime.combine(day, clock, tzinfo=self.world.zone).astimezone(UTC)
        return moment - DAY if moment > self.world.now else moment

    def _place(self, estate: Estate, code: str, home: Home) -> tuple[Area, int | None]:
        for place in specs.PLACES[code]:
            if place == "unit":
                return home.stairwell, home.unit
            if place == "stairwell":
                return home.stairwell, None
            if place == "building":
                return home.building, None
            if place in estate.commons:
                return estate.commons[place], None
        return home.building, None

    def _compose(
        self,
        estate: Estate,
        code: str,
        template: specs.Template,
        home: Home,
        requester: Resident,
        channel: str,
        received: datetime,
        *,
        area: Area | None = None,
    ) -> AppealDraft:
        rng = self.rng
        place, unit = (area, None) if area is not None else self._place(estate, code, home)
        floors = home.building.floors or 6
        description = template.text.format(
            addr=home.address,
            stairwell=home.stairwell.name,
            building=home.building.name,
            place=place.name,
            floor=rng.randint(2, max(2, floors)),
        )
        recorded_by, consent = None, ""
        if channel == Channel.GRID_PATROL:
            worker, recorded_by = estate.grid_workers.get(home.building.pk, ("", None))
            consent = specs.CONSENT_NOTES[channel].format(worker=worker)
        elif channel == Channel.WALK_IN:
            recorded_by = self.world.staff_users.get(estate.committee)
            consent = specs.CONSENT_NOTES[channel]
        who: Resident | None = requester
        name, phone = requester.name, requester.phone
        if channel == Channel.HOTLINE and unit is None and code not in specs.PRIVATE and rng.random() < 0.04:
            who, name = None, rng.choice(self._surnames) + rng.choice(("先生", "女士"))
            phone = f"1{rng.choice((3, 5, 8))}{rng.randrange(10**9):09d}"
        public = 0.0 if code in specs.PRIVATE else 0.1 if unit is not None else 0.36
        return AppealDraft(
            community=estate.community,
            received_at=received,
            category=self.world.categories[code],
            template=template,
            area=place,
            building=home.building,
            home=home,
            unit=unit if who is not None else None,
            requester=who,
            channel=channel,
            description=description,
            is_public=rng.random() < public,
            contact_name=name,
            contact_phone=phone,
            recorded_by=recorded_by,
            consent_note=consent,
        )
