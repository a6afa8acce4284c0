"""Two consultations in 幸福里, with votes that give their opinion maps a real shape.

* The **elevator retrofit of building 3** (closed a month ago): residents of the building voted; upper floors
  want the lift, lower floors fear for light, noise and the value of their flats, the third floor is between,
  and two statements bridge them (cost shared by floor with compensation for the ground floor; limits on
  construction noise). One resident's statement was taken down with a reason, one is about the process (meta),
  and the committee wrote a decision draft from the statements every group agreed with.
* **Square dancing on the central square** (open now): older residents and working-age parents disagree about
  hours and volume; residents aged 18–34 have hardly voted (under-represented), and the demo ``resident`` login
  has voted on three statements only, so logging in shows statements to vote on.

Voters are real residents of the registry: those without an account get one (e-mail at the demo domain, so a
reset removes them, and an unusable password — they have no printed login), linked to their person record and
verified. Each vote is drawn from the chances of the voter's camp (:mod:`comity.demo.consultation_specs`): the
floor they live on, or their age. Rows are written with ``bulk_create`` through the real models, then the opinion
maps are computed by :func:`~comity.consultations.computing.compute_analysis`, as the background job would.

The draws come from a stream of their own, seeded from the demo's seed, so the consultations do not change
with the moment of generation (only their dates, which count back from it).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password

from comity.accounts.models import User
from comity.consultations.computing import compute_analysis
from comity.consultations.models import Analysis, Consultation, DecisionDraft, Moderation, Statement, Vote
from comity.demo import consultation_specs as specs
from comity.demo.accounts import DEMO_EMAIL_DOMAIN, VERIFIED_AT
from comity.demo.layout import BATCH
from comity.demo.names import AGE_YEAR
from comity.demo.specs import OLD_ESTATE
from comity.structure.models import Area, AreaKind, Community, Person, Street


@dataclass(frozen=True, slots=True)
class Resident:
    person: int
    user: int | None
    age: int
    household: int
    floor: int
    building: str


@dataclass(frozen=True, slots=True)
class Voter:
    user: int
    camp: int


def _residents(community: Community) -> list[Resident]:
    """Adult residents with a home, in a fixed order."""
    rows = (
        Person.objects.filter(
            community=community,
            is_resident=True,
            household__unit__isnull=False,
            birth_year__lte=AGE_YEAR - 18,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "user_id",
            "birth_year",
            "household_id",
            "household__unit__floor",
            "household__unit__building__code",
        )
    )
    return [
        Resident(pk, user, AGE_YEAR - (born or AGE_YEAR), household, floor, building)
        for pk, user, born, household, floor, building in rows
    ]


def _retrofit_voters(rng: random.Random, residents: list[Resident]) -> list[Resident]:
    """Most households of the building take part: the first adult of four in five, a second adult of a third."""
    chosen: list[Resident] = []
    per_household: dict[int, int] = {}
    for resident in residents:
        if resident.building != specs.RETROFIT_BUILDING:
            continue
        rank = per_household.get(resident.household, 0)
        per_household[resident.household] = rank + 1
        if rng.random() < (0.8 if rank == 0 else 0.35 if rank == 1 else 0.0):
            chosen.append(resident)
    return chosen


def _dancing_voters(rng: random.Random, residents: list[Resident], skip: set[int]) -> list[Resident]:
    chosen: list[Resident] = []
    for camp, count in enumerate(specs.DANCING_VOTERS):
        pool = [r for r in residents if specs.age_camp(r.age) == camp and r.person not in skip]
        chosen.extend(sorted(rng.sample(pool, count), key=lambda r: r.person))
    return chosen


def _accounts(residents: Sequence[Resident]) -> dict[int, int]:
    """Person → user id; residents without an account get one, verified like the demo logins."""
    users = {r.person: r.user for r in residents if r.user is not None}
    missing = sorted({r.person for r in residents if r.user is None})
    names = dict(Person.objects.filter(pk__in=missing).values_list("pk", "full_name"))
    password = make_password(None)  # no login: these residents only vote in the demo
    accounts = [
        User(
            username=f"voter-{pk}",
            email=f"voter-{pk}@{DEMO_EMAIL_DOMAIN}",
            password=password,
            first_name=names[pk],
        )
        for pk in missing
    ]
    User.objects.bulk_create(accounts, batch_size=BATCH)
    persons = []
    for pk, user in zip(missing, accounts, strict=True):
        users[pk] = user.pk
        persons.append(Person(pk=pk, user_id=user.pk, verified_at=VERIFIED_AT))
    Person.objects.bulk_update(persons, ["user", "verified_at"], batch_size=BATCH)
    return users


def _value(rng: random.Random, chances: specs.Chances) -> int:
    agree, disagree = chances
    draw = rng.random()
    return 1 if draw < agree else -1 if draw < agree + disagree else 0


class _Writer:
    """Writes one consultation: its statements, votes and analysis."""

    def __init__(self, rng: random.Random, community: Community, staff: User) -> None:
        self.rng = rng
        self.community = community
        self.staff = staff

    def consultation(
        self, spec: specs.ConsultationSpec, *, area: Area | None, opens_at: datetime, closes_at: datetime
    ) -> Consultation:
        return Consultation.objects.create(
            community=self.community,
            area=area,
            title=spec.title,
            question=spec.question,
            background=spec.background,
            opens_at=opens_at,
            closes_at=closes_at,
            published=True,
            published_at=opens_at - timedelta(days=1),
            created_by=self.staff,
        )

    def statements(
        self, consultation: Consultation, spec: specs.ConsultationSpec, voters: list[Voter]
    ) -> dict[int, int]:
        """Statement number → author's user id (residents' statements only)."""
        authors: dict[int, int] = {}
        rows = []
        for number, statement in enumerate(spec.statements):
            author = None
            if statement.author is not None:
                author = self.rng.choice([v.user for v in voters if v.camp == statement.author])
                authors[number] = author
            rejected = bool(statement.rejected)
            rows.append(
                Statement(
                    community=self.community,
                    consultation=consultation,
                    number=number,
                    text=statement.text,
                    author_id=author,
                    is_seed=statement.author is None,
                    is_meta=statement.meta,
                    moderation=Moderation.REJECTED if rejected else Moderation.ACCEPTED,
                    moderation_reason=statement.rejected,
                    moderated_by=self.staff if rejected else None,
                    moderated_at=consultation.opens_at + timedelta(days=3) if rejected else None,
                )
            )
        Statement.objects.bulk_create(rows, batch_size=BATCH)
        return authors

    def votes(
        self,
        consultation: Consultation,
        spec: specs.ConsultationSpec,
        voters: list[Voter],
        authors: dict[int, int],
        until: datetime,
    ) -> int:
        ids = dict(Statement.objects.filter(consultation=consultation).values_list("number", "pk"))
        span = (until - consultation.opens_at).total_seconds()
        rows = []
        for voter in voters:
            # Seed statements are shown to everyone; residents' statements, added later, to fewer.
            seen = [
                n for n, s in enumerate(spec.statements) if s.author is None or self.rng.random() < s.reach
            ]
            moment = consultation.opens_at + timedelta(seconds=self.rng.uniform(0.02, 0.9) * span)
            for number in seen:
                statement = spec.statements[number]
                value = (
                    1
                    if authors.get(number) == voter.user
                    else _value(self.rng, statement.chances[voter.camp])
                )
                moment += timedelta(seconds=self.rng.randint(8, 90))
                rows.append(self._vote(consultation, ids[number], voter.user, value, moment))
        for number, author in authors.items():
            if all(row.participant_id != author or row.statement_id != ids[number] for row in rows):
                rows.append(
                    self._vote(
                        consultation, ids[number], author, 1, consultation.opens_at + timedelta(days=2)
                    )
                )
        Vote.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def _vote(self, consultation: Consultation, statement: int, user: int, value: int, at: datetime) -> Vote:
        return Vote(
            community=self.community,
            consultation=consultation,
            statement_id=statement,
            participant_id=user,
            value=value,
            created_at=at,
            updated_at=at,
        )

    def analyse(self, consultation: Consultation) -> Analysis:
        Analysis.objects.create(community=self.community, consultation=consultation, dirty=True)
        analysis = compute_analysis(consultation.pk)
        assert analysis is not None
        return analysis


def _draft(consultation: Consultation, analysis: Analysis, staff: User, at: datetime) -> DecisionDraft:
    """The committee's draft from the statements every group agreed with (consensus, then bridging)."""
    report = analysis.report
    usable = dict(
        Statement.objects.filter(
            consultation=consultation, moderation=Moderation.ACCEPTED, is_meta=False
        ).values_list("number", "text")
    )
    candidates = [entry["statement"] for entry in report.get("consensus", {}).get("agree", [])]
    candidates += [entry["statement"] for entry in report.get("bridging", [])[:3] if entry["score"] > 0]
    numbers: list[int] = []
    for number in candidates:
        if number in usable and number not in numbers:
            numbers.append(number)
    numbers = sorted(numbers[:4])
    lines = [f"{index}. {usable[number]}" for index, number in enumerate(numbers, start=1)]
    body = "\n".join([specs.RETROFIT_DRAFT_INTRO, *lines, "", specs.RETROFIT_DRAFT_OUTRO])
    draft = DecisionDraft.objects.create(
        community_id=consultation.community_id,
        consultation=consultation,
        title=specs.RETROFIT_DRAFT_TITLE,
        body=body,
        statement_numbers=numbers,
        created_by=staff,
    )
    DecisionDraft.objects.filter(pk=draft.pk).update(created_at=at)
    return draft


def generate_demo_consultations(street: Street, *, seed: int, now: datetime) -> dict[str, int]:
    """Write the two consultations of 幸福里 (see the module's docstring); return counts for the audit entry.

    Call it once the registry and the demo logins are saved.
    """
    rng = random.Random(f"{seed}/consultations")
    community = Community.objects.get(street=street, code=OLD_ESTATE)
    staff = User.objects.get(username="committee-staff")
    demo_resident = Person.objects.get(user__username="resident")
    residents = _residents(community)
    retrofit_residents = _retrofit_voters(rng, residents)
    dancing_residents = _dancing_voters(rng, residents, skip={demo_resident.pk})
    users = _accounts([*retrofit_residents, *dancing_residents])
    writer = _Writer(rng, community, staff)
    hour = now.replace(minute=0, second=0, microsecond=0)

    building = Area.objects.get(community=community, kind=AreaKind.BUILDING, code=specs.RETROFIT_BUILDING)
    retrofit = writer.consultation(
        specs.RETROFIT, area=building, opens_at=hour - timedelta(days=70), closes_at=hour - timedelta(days=40)
    )
    voters = [Voter(users[r.person], specs.floor_camp(r.floor)) for r in retrofit_residents]
    authors = writer.statements(retrofit, specs.RETROFIT, voters)
    votes = writer.votes(retrofit, specs.RETROFIT, voters, authors, until=retrofit.closes_at)
    _draft(retrofit, writer.analyse(retrofit), staff, at=retrofit.closes_at + timedelta(days=5))

    dancing = writer.consultation(
        specs.DANCING, area=None, opens_at=hour - timedelta(days=6), closes_at=hour + timedelta(days=8)
    )
    voters = [Voter(users[r.person], specs.age_camp(r.age)) for r in dancing_residents]
    authors = writer.statements(dancing, specs.DANCING, voters)
    votes += writer.votes(dancing, specs.DANCING, voters, authors, until=now - timedelta(hours=3))
    ids = dict(Statement.objects.filter(consultation=dancing).values_list("number", "pk"))
    assert demo_resident.user_id is not None
    Vote.objects.bulk_create(
        writer._vote(
            dancing, ids[number], demo_resident.user_id, value, now - timedelta(days=2, minutes=-index)
        )
        for index, (number, value) in enumerate(specs.DEMO_RESIDENT_VOTES)
    )
    votes += len(specs.DEMO_RESIDENT_VOTES)
    writer.analyse(dancing)
    return {"consultations": 2, "consultation_votes": votes, "consultation_voters": len(users)}


def delete_demo_consultations(street: Street) -> None:
    """Delete the street's consultations; their statements, votes, analyses and drafts go with them."""
    Consultation.objects.filter(community__street=street).delete()
