"""My account lists what I take part in: homes and their areas, appeals, consultations, decisions (never how I voted
in a secret ballot), community budget votes and organisations — in a fixed number of queries."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from comity.appeals import services as appeal_services
from comity.budgeting import services as budget_services
from comity.budgeting.models import BudgetBallot
from comity.consultations import services as consultation_services
from comity.foundation.audit import record_audit
from comity.structure.models import AreaKind, MatterCategory, SubjectKind
from tests.apps.budgeting import make_fund
from tests.apps.consultations import make_consultation
from tests.apps.decisions import make_decision, make_estate, vote_for
from tests.cast import World
from tests.conftest import CAST
from tests.factories import AreaFactory, MembershipFactory, OwnershipFactory, SubjectFactory, UnitFactory


def _give(world: World, estate: Any, user: Any, n: int, *, fund: Any) -> None:
    """``n`` of everything: owned units, appeals, consultation votes, decision ballots, budget ballots, roles."""
    person = user.person
    staff = world.user("committee_staff")
    building = AreaFactory(
        community=world.harmony, kind=AreaKind.BUILDING, code=f"B{user.pk}", name=f"Block {user.pk}"
    )
    for i in range(n):
        unit = UnitFactory(
            building=building, number=f"{i + 1}01", floor=i + 1, exclusive_area=Decimal("50.50")
        )
        OwnershipFactory(unit=unit, person=person, share_numerator=1, share_denominator=2)
        appeal_services.submit_appeal(
            user,
            world.harmony,
            kind="help_request",
            category=MatterCategory.objects.get(code="facilities.lifts"),
            description=f"The lift is stuck ({i}).",
        )
        consultation = make_consultation(world, title=f"Courtyard {user.pk}-{i}")
        for statement in consultation.statements.all()[:2]:
            consultation_services.cast_vote(user, statement, 1)
        decision = make_decision(
            world,
            estate,
            title=f"Decision {user.pk}-{i}",
            rule_name="civil-code-278-ordinary",
            secret=bool(i % 2),
        )
        assert len(vote_for(decision, [user])) == 1
        cycle = budget_services.create_cycle(
            staff,
            world.harmony,
            {"title": f"Budget {user.pk}-{i}", "fund": fund, "ballot_kind": "approval", "budget": 100},
        )
        BudgetBallot.objects.create(
            community=cycle.community,
            cycle=cycle,
            district=cycle.districts.get(),
            voter=user,
            cast_at=timezone.now(),
        )
        subject = SubjectFactory(
            community=world.harmony, kind=SubjectKind.SOCIAL_ORGANISATION, name=f"Club {user.pk}-{i}"
        )
        MembershipFactory(subject=subject, person=person, role="volunteer")


def _queries(client: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:me"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _items(body: str, section: str) -> int:
    match = re.search(rf'<section class="card" id="{section}".*?</section>', body, re.S)
    assert match, section
    return match.group(0).count("<li>")


def test_my_account_costs_the_same_queries_for_one_or_twenty_of_everything(world: World, client: Any) -> None:
    estate = make_estate(world)
    fund = make_fund(world)
    one, twenty = estate.owners["302"], estate.owners["401"]
    _give(world, estate, one, 1, fund=fund)
    _give(world, estate, twenty, 20, fund=fund)

    client.force_login(one)
    _queries(client)  # the account, its roles and the menu are cached on the first page: compare warm pages
    few, body = _queries(client)
    assert [
        _items(body, s) for s in ("my-appeals", "my-consultations", "my-decisions", "my-budget-ballots")
    ] == [
        1,
        1,
        1,
        1,
    ]
    client.force_login(twenty)
    _queries(client)
    many, body = _queries(client)
    for section in ("my-homes", "my-appeals", "my-consultations", "my-decisions", "my-budget-ballots"):
        assert _items(body, section) >= 20, section
    assert _items(body, "my-organisations") == 20
    assert many == few


def test_an_owner_sees_each_units_registered_area_and_their_share(world: World, client_for: Any) -> None:
    olga = world.user("owner")
    world.unit.exclusive_area = Decimal("88.40")
    world.unit.save()
    shared = UnitFactory(building=world.building, number="201", floor=2, exclusive_area=Decimal("90.00"))
    OwnershipFactory(unit=shared, person=olga.person, share_numerator=1, share_denominator=3)
    body = client_for("owner").get(reverse("web:me")).content.decode()
    homes = re.search(r'<section class="card" id="my-homes".*?</section>', body, re.S)
    assert homes
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", homes.group(0)))
    assert "1-101 · Harmony Registered area 88.40 m² My share The whole unit" in text
    assert "1-201 · Harmony Registered area 90.00 m² My share 1 of 3 parts (30.00 m²)" in text


def test_a_secret_ballot_is_listed_with_the_receipt_check_but_never_the_choice(
    world: World, client: Any
) -> None:
    estate = make_estate(world)
    secret = make_decision(
        world, estate, title="Paint the hallway", rule_name="civil-code-278-ordinary", secret=True
    )
    open_vote = make_decision(world, estate, title="Fix the gate", rule_name="civil-code-278-ordinary")
    voter = estate.owners["302"]
    vote_for(secret, [voter], "no")
    vote_for(open_vote, [voter], "no")
    client.force_login(voter)
    body = client.get(reverse("web:me")).content.decode()
    section = re.search(r'<section class="card" id="my-decisions".*?</section>', body, re.S)
    assert section
    html = section.group(0)
    assert "Paint the hallway" in html
    assert "Fix the gate" in html
    receipt_url = reverse("decisions:receipt", args=[world.harmony.pk, secret.pk])
    assert f'href="{receipt_url}"' in html
    assert reverse("decisions:receipt", args=[world.harmony.pk, open_vote.pk]) not in html
    assert "nobody can see how you voted" in html
    for choice in ("Against", "against", ">No<", "Oppose"):
        assert choice not in html


def test_staff_find_their_own_organisation_with_their_role(world: World, client_for: Any) -> None:
    for role, subject in (("ngo_staff", world.ngo), ("enterprise_staff", world.property_company)):
        body = client_for(role).get(reverse("web:me")).content.decode()
        section = re.search(r'<section class="card" id="my-organisations".*?</section>', body, re.S)
        assert section, role
        assert (
            f'<a href="{reverse("structure:subject", args=[subject.pk])}">{subject.name}</a>'
            in section.group(0)
        )
        assert "Staff" in section.group(0)


def test_a_resident_with_nothing_yet_is_told_so(world: World, client_for: Any) -> None:
    body = client_for("resident").get(reverse("web:me")).content.decode()
    assert "You have not sent an appeal." in body
    assert "You have not voted in a decision." in body
    assert 'id="my-homes"' not in body
    assert 'id="my-organisations"' not in body


def test_my_appeal_is_listed_with_its_status_and_link(world: World, client_for: Any) -> None:
    appeal = appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift is stuck.",
        unit=world.unit,
    )
    body = client_for("resident").get(reverse("web:me")).content.decode()
    url = reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])
    assert f'<a href="{url}">Lifts · {appeal.number}</a>' in body
    assert appeal.get_status_display() in body


@pytest.mark.parametrize("role", [role for role in CAST if role != "anonymous"])
def test_the_sign_in_help_link_shows_for_those_the_page_opens_for(
    world: World, client_for: Any, role: str
) -> None:
    """The page asks the permission's rule alone (no database permissions): the same people the help page lets in."""
    body = client_for(role).get(reverse("web:me")).content.decode()
    opens = client_for(role).get(reverse("accounts:sign_in_help")).status_code == 200
    assert ("Sign-in help for residents" in body) is opens


def test_my_roles_name_each_community_where_i_hold_one(world: World, client_for: Any) -> None:
    body = client_for("committee_staff").get(reverse("web:me")).content.decode()
    assert f"{world.harmony.name}: " in body
    assert "Residents&#x27; committee staff" in body or "Residents' committee staff" in body
    assert f"{world.riverside.name}: " not in body


def test_my_account_is_cached_until_i_write_or_my_community_changes(world: World, client_for: Any) -> None:
    """The page's body is cached for the account: a vote (not audited) shows as soon as its POST is answered, an
    audited write of the community (a new appeal) at once; a write that goes around both is not seen (cached)."""
    resident = world.user("resident")
    client = client_for("resident")
    url = reverse("web:me")
    consultation = make_consultation(world, title="Courtyard benches")
    statement = consultation.statements.order_by("pk").first()
    assert "Courtyard benches" not in client.get(url).content.decode()
    consultation_services.cast_vote(resident, statement, 1)  # as a shell would: no request, no audit entry
    assert "Courtyard benches" not in client.get(url).content.decode()
    vote_url = reverse("consultations:vote", args=[world.harmony.pk, consultation.pk])
    assert client.post(vote_url, {"statement": statement.pk, "value": "-1"}).status_code in (200, 302, 303)
    assert "Courtyard benches" in client.get(url).content.decode()
    person = resident.person
    person.full_name = "Rui Renamed"
    person.save()  # around the services: not seen …
    assert "Rui Renamed" not in client.get(url).content.decode()
    record_audit(  # … until an audited write of the community, as the committee's edit of a person records
        actor=world.user("committee_staff"),
        action="structure.person_edited",
        community=world.harmony,
        summary=gettext_noop("A test write"),
    )
    assert "Rui Renamed" in client.get(url).content.decode()
