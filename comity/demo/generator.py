"""The deterministic demo street: 和平街道 in 郑州市金水区 with three communities and everyone in them.

:func:`generate_demo_street` builds the whole street from one seed. All randomness flows through a single
:class:`random.Random` handed from step to step in a fixed order, and every date of the registry comes from
fixed anchors rather than from today, so the same seed always gives the same registry (the ids differ; the
content does not). Its year of appeals (:mod:`comity.demo.appeals`) ends at ``now``, the moment of
generation unless one is given, so the dashboards show the present; the same seed and ``now`` give the same
appeals. Its two consultations (:mod:`comity.demo.consultations`) draw from a stream of their own seeded from
the seed, so their votes do not change with ``now``; their dates count back from it. Its decisions
(:mod:`comity.demo.decisions`: an elevator retrofit voted stairwell by stairwell, an estate-wide vote on the
maintenance fund, a building's roof, a residents' meeting) are written through the decision services, so their
ballot logs are real; they too draw from a stream of their own. So do 幸福里's community fund and budget cycles
(:mod:`comity.demo.budgeting`), written after them through the budgeting services. Otherwise the generator is a
privileged bootstrap rather than a user action: it writes with ``bulk_create``
instead of going through the services, and records one audit entry per community to say so.

:func:`delete_demo_street` removes it again, deleting in an order that respects the registry's protected
foreign keys (appeals protect their subjects, ownerships protect persons, matrix rows protect subjects,
subjects protect their areas, decisions protect their areas too).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.appeals.models import Appeal
from comity.audit.models import AuditEntry
from comity.budgeting.models import BudgetBallot, Cycle
from comity.consultations.models import Consultation, Vote
from comity.decisions.models import Ballot, Decision
from comity.demo.accounts import DEMO_EMAIL_DOMAIN, build_claims, demo_usernames, link_person, new_demo_users
from comity.demo.appeals import delete_demo_appeals, generate_demo_appeals
from comity.demo.budgeting import delete_demo_budgeting, generate_demo_budgeting
from comity.demo.consultations import delete_demo_consultations, generate_demo_consultations
from comity.demo.decisions import delete_demo_decisions, generate_demo_decisions
from comity.demo.following import generate_demo_following
from comity.demo.layout import BATCH, Estate, build_estate
from comity.demo.mail import forget_demo_emails
from comity.demo.matrix import MatrixRow, build_matrix
from comity.demo.names import NameBook
from comity.demo.population import Population, build_population
from comity.demo.privacy import generate_demo_privacy
from comity.demo.specs import (
    COMMUNITY_SPECS,
    HIGH_RISE,
    OLD_ESTATE,
    STREET_CITY,
    STREET_CODE,
    STREET_DISTRICT,
    STREET_NAME,
)
from comity.demo.subjects import STREET, Subjects, build_subjects
from comity.engine.appeals import OPEN_STATUSES
from comity.foundation.audit import record_audit
from comity.structure.models import (
    Area,
    Community,
    GovernanceSubject,
    Household,
    MatterCategory,
    Membership,
    Ownership,
    Person,
    ResidencyClaim,
    Responsibility,
    Street,
    Tenancy,
    Unit,
)
from comity.structure.scope import roles_changed

AUDIT_ACTION = "demo.generated"


class DemoError(Exception):
    """The demo cannot be generated here (for example, a real account already uses a demo username)."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    seed: int | None
    communities: int
    units: int
    households: int
    persons: int
    subjects: int
    appeals: int = 0
    open_appeals: int = 0
    consultations: int = 0
    consultation_votes: int = 0
    decisions: int = 0
    decision_ballots: int = 0
    budget_cycles: int = 0
    budget_ballots: int = 0


def demo_street() -> Street | None:
    return Street.objects.filter(code=STREET_CODE).first()


def summarise(street: Street) -> DemoSummary:
    """Counts of the demo street as it is stored, and the seed it was generated with."""
    entry = AuditEntry.objects.filter(street=street, action=AUDIT_ACTION).order_by("-id").first()
    seed = entry.changes.get("seed") if entry is not None else None
    appeals = Appeal.objects.filter(community__street=street)
    return DemoSummary(
        seed=seed if isinstance(seed, int) else None,
        communities=Community.objects.filter(street=street).count(),
        units=Unit.objects.filter(community__street=street).count(),
        households=Household.objects.filter(community__street=street).count(),
        persons=Person.objects.filter(community__street=street).count(),
        subjects=GovernanceSubject.objects.filter(street=street).count(),
        appeals=appeals.count(),
        open_appeals=appeals.filter(status__in=[status.value for status in OPEN_STATUSES]).count(),
        consultations=Consultation.objects.filter(community__street=street).count(),
        consultation_votes=Vote.objects.filter(community__street=street).count(),
        decisions=Decision.objects.filter(community__street=street).count(),
        decision_ballots=Ballot.objects.filter(decision__community__street=street).count(),
        budget_cycles=Cycle.objects.filter(community__street=street).count(),
        budget_ballots=BudgetBallot.objects.filter(cycle__community__street=street).count(),
    )


def delete_demo_street() -> None:
    """Delete the demo street, everything in it, and the demo accounts (recognised by their e-mail domain).

    Rows that protect others go first (appeals protect their subjects, decisions their areas and proxies,
    ownerships protect persons, matrix rows protect subjects, subjects protect their areas); then persons, households and communities go one
    table at a time, which keeps each cascade small.
    """
    street = demo_street()
    if street is not None:
        in_street: dict[str, Any] = {"community__street": street}
        delete_demo_appeals(street)
        delete_demo_budgeting(street)
        delete_demo_decisions(street)
        delete_demo_consultations(street)
        ResidencyClaim.objects.filter(**in_street).delete()
        Responsibility.objects.filter(**in_street).delete()
        Membership.objects.filter(subject__street=street).delete()
        Tenancy.objects.filter(**in_street).delete()
        Ownership.objects.filter(**in_street).delete()
        GovernanceSubject.objects.filter(street=street).delete()
        Person.objects.filter(**in_street).delete()
        Household.objects.filter(**in_street).delete()
        Area.objects.filter(**in_street, kind="grid").delete()
        Community.objects.filter(street=street).delete()
        street.delete()
    User.objects.filter(email__iendswith="@" + DEMO_EMAIL_DOMAIN).delete()
    forget_demo_emails()


def _check_usernames_free() -> None:
    taken = sorted(User.objects.filter(username__in=demo_usernames()).values_list("username", flat=True))
    if taken:
        raise DemoError(
            _("These usernames are taken by accounts that are not demo accounts: %(names)s.")
            % {"names": ", ".join(taken)}
        )


def _save_matrix(rows: list[MatrixRow]) -> None:
    Responsibility.objects.bulk_create([row for row, _co_handlers in rows], batch_size=BATCH)
    through = Responsibility.co_handlers.through
    links = [
        through(responsibility_id=row.pk, governancesubject_id=subject.pk)
        for row, co_handlers in rows
        for subject in co_handlers
    ]
    through.objects.bulk_create(links, batch_size=BATCH)


def _save_grids(estates: list[tuple[Estate, Population]]) -> None:
    grids = [(grid, buildings) for estate, _population in estates for grid, buildings in estate.grids]
    Area.objects.bulk_create([grid for grid, _buildings in grids], batch_size=BATCH)
    through = Area.grid_buildings.through
    links = [
        through(from_area_id=grid.pk, to_area_id=building.pk)
        for grid, buildings in grids
        for building in buildings
    ]
    through.objects.bulk_create(links, batch_size=BATCH)


def _demo_residents(populations: dict[str, Population]) -> dict[str, Person]:
    """The residents who get the resident logins. They join no subject, so their roles stay as named."""
    return {
        "resident": populations[OLD_ESTATE].tenant_heads[0],
        "owner": populations[OLD_ESTATE].owner_occupiers[0],
        "other-resident": populations[HIGH_RISE].tenant_heads[0],
    }


def _demo_staff(subjects: Subjects) -> dict[str, Person]:
    """The staff who get the staff logins: the first staff member of each subject, the first grid worker."""
    staff = subjects.staff
    return {
        "grid-worker": subjects.grid_workers[OLD_ESTATE][0],
        "committee-staff": staff[(OLD_ESTATE, "rc")][0],
        "street-official": staff[(STREET, "street_office")][0],
        "ngo-staff": staff[(OLD_ESTATE, "eldercare")][0],
        "enterprise-staff": staff[(OLD_ESTATE, "property")][0],
    }


@transaction.atomic
def generate_demo_street(*, seed: int, now: datetime | None = None) -> DemoSummary:
    """Create the demo street from ``seed``, replacing any demo street and demo accounts already there.

    Its appeals cover the year up to ``now`` (by default, the moment of generation).
    """
    now = now or timezone.now()
    delete_demo_street()
    _check_usernames_free()
    rng = random.Random(seed)
    names = NameBook(rng)
    street = Street.objects.create(
        name=STREET_NAME, code=STREET_CODE, district=STREET_DISTRICT, city=STREET_CITY
    )
    estates: list[tuple[Estate, Population]] = []
    for spec in COMMUNITY_SPECS:
        community = Community.objects.create(
            street=street,
            name=spec.name,
            code=spec.code,
            address=spec.address,
            built_year=spec.built_year,
            description=spec.description,
        )
        estate = build_estate(rng, community, spec)
        estates.append((estate, build_population(rng, names, estate)))
    populations = {estate.community.code: population for estate, population in estates}

    residents = _demo_residents(populations)
    subjects = build_subjects(rng, names, street, estates, exclude={id(p) for p in residents.values()})
    users = new_demo_users()
    for minutes, (username, person) in enumerate({**residents, **_demo_staff(subjects)}.items()):
        link_person(users[username], person, minutes * 7)
    owner_household = residents["owner"].household
    assert owner_household is not None
    assert owner_household.unit is not None
    claims = build_claims(rng, names, users, populations[OLD_ESTATE], owner_household.unit)

    User.objects.bulk_create(users.values(), batch_size=BATCH)
    Household.objects.bulk_create([h for _estate, p in estates for h in p.households], batch_size=BATCH)
    persons = [person for _estate, p in estates for person in p.persons] + subjects.persons
    Person.objects.bulk_create(persons, batch_size=BATCH)
    Ownership.objects.bulk_create([o for _estate, p in estates for o in p.ownerships], batch_size=BATCH)
    Tenancy.objects.bulk_create([t for _estate, p in estates for t in p.tenancies], batch_size=BATCH)
    GovernanceSubject.objects.bulk_create(subjects.subjects, batch_size=BATCH)
    Membership.objects.bulk_create(subjects.memberships, batch_size=BATCH)
    _save_grids(estates)

    categories = list(MatterCategory.objects.order_by("position", "code"))
    street_subjects = subjects.by_key[STREET]
    rows: list[MatrixRow] = []
    for estate, _population in estates:
        code = estate.community.code
        serving = {**street_subjects, **subjects.by_key[code]}
        rows.extend(build_matrix(estate, serving, subjects.area_groups.get(code, []), categories))
    _save_matrix(rows)
    ResidencyClaim.objects.bulk_create(claims)
    # Persons, ownerships and memberships were written in bulk, which sends no signals: cached roles are stale.
    roles_changed()
    appeals = generate_demo_appeals(street, rng=rng, now=now)
    consultations = generate_demo_consultations(street, seed=seed, now=now)
    decisions = generate_demo_decisions(street, seed=seed, now=now)
    budgeting = generate_demo_budgeting(street, seed=seed, now=now)
    following = generate_demo_following(street, seed=seed, now=now)
    privacy = generate_demo_privacy(street, seed=seed, now=now)

    for estate, population in estates:
        record_audit(
            actor=None,
            action=AUDIT_ACTION,
            obj=estate.community,
            community=estate.community,
            summary=gettext_noop("Demo data generated for %(community)s (seed %(seed)s)."),
            params={"community": estate.community.name, "seed": seed},
            changes={
                "seed": seed,
                "units": len(estate.units),
                "households": len(population.households),
                "persons": len(population.persons),
                "appeals": appeals.get(estate.community.code, 0),
                "appeals_until": now.isoformat(),
                **(consultations if estate.community.code == OLD_ESTATE else {}),
                **(decisions if estate.community.code == OLD_ESTATE else {}),
                **(budgeting if estate.community.code == OLD_ESTATE else {}),
                **(following if estate.community.code == OLD_ESTATE else {}),
                **(privacy if estate.community.code == OLD_ESTATE else {}),
            },
        )
    return DemoSummary(
        seed=seed,
        communities=len(estates),
        units=sum(len(estate.units) for estate, _population in estates),
        households=sum(len(p.households) for _estate, p in estates),
        persons=len(persons),
        subjects=len(subjects.subjects),
        appeals=sum(appeals.values()),
        open_appeals=Appeal.objects.filter(
            community__street=street, status__in=[status.value for status in OPEN_STATUSES]
        ).count(),
        consultations=consultations["consultations"],
        consultation_votes=consultations["consultation_votes"],
        decisions=decisions["decisions"],
        decision_ballots=decisions["decision_ballots"],
        budget_cycles=budgeting["budget_cycles"],
        budget_ballots=budgeting["budget_ballots"],
    )
