"""Every decisions page and action × every member of the cast (and a homeowners' committee member).

Who may do what (``comity/decisions/permissions.py``):

* everyone who can see Harmony reads its decisions once voting has opened; drafts are for those who run votes —
  the residents' committee staff, the street office, platform staff and the homeowners' committee;
* every staff page and action is for those who run votes only;
* who may *vote*, object or write a minority statement is the frozen register of the decision, not a role.

An allowed role gets its page (or its write takes effect); a denied role gets 403 — anonymous visitors are sent to
the login page instead — and every denied write leaves every decisions table exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.decisions import selectors, services
from comity.decisions.models import (
    AffectedUnit,
    Ballot,
    CostPlan,
    Decision,
    Elector,
    LogEntry,
    Mediation,
    MinorityStatement,
    Objection,
    Participation,
    ProxyAuthorization,
)
from comity.structure.models import AreaKind, SubjectKind

from ..cast import World
from ..conftest import CAST
from ..factories import AreaFactory, MembershipFactory, PersonFactory, SubjectFactory, UserFactory
from .decisions import end_voting, make_decision, make_estate, vote_for

#: Everyone who can see Harmony (``decisions.see_decisions``).
VIEWERS = {
    "resident",
    "owner",
    "grid_worker",
    "committee_staff",
    "street_official",
    "ngo_staff",
    "enterprise_staff",
    "platform_staff",
}
#: Those who run votes (``decisions.manage_decisions``); a homeowners' committee member is tested separately.
MANAGERS = {"committee_staff", "street_official", "platform_staff"}
NOBODY: set[str] = set()


# --- what a write could change --------------------------------------------------------------------------------


def snapshot() -> dict[str, Any]:
    """Every row a decisions write could add, remove or change."""
    return {
        "decisions": sorted(
            Decision.objects.values_list(
                "pk", "status", "title", "closes_at", "minutes", "passed", "log_length", "log_head"
            )
        ),
        "participations": sorted(Participation.objects.values_list("pk", "counted", "channel")),
        "ballots": sorted(Ballot.objects.values_list("receipt_hash", "counted", "log_sequence")),
        "log_entries": LogEntry.objects.count(),
        "objections": sorted(Objection.objects.values_list("pk", "status")),
        "mediations": Mediation.objects.count(),
        "minority_statements": MinorityStatement.objects.count(),
        "proxies": ProxyAuthorization.objects.count(),
        "affected_units": AffectedUnit.objects.count(),
        "cost_plans": sorted(CostPlan.objects.values_list("pk", "total_fen", "method")),
        "electors": Elector.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# --- the situations each case starts from ---------------------------------------------------------------------


def _staff(world: World) -> Any:
    return world.user("committee_staff")


def _elector_of(decision: Decision, user: Any) -> Elector:
    return Elector.objects.get(decision=decision, persons__user=user)


def _draft(world: World) -> dict[str, Any]:
    estate = make_estate(world)
    return {"estate": estate, "decision": make_decision(world, estate, open_now=False)}


def _draft_with_affected_unit(world: World) -> dict[str, Any]:
    setup = _draft(world)
    setup["affected"] = services.add_affected_unit(
        _staff(world), setup["decision"], setup["estate"].units["101"], "occupied"
    )
    return setup


def _open(world: World) -> dict[str, Any]:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    return {"estate": estate, "decision": decision, "elector": _elector_of(decision, estate.owners["302"])}


def _open_with_objection(world: World) -> dict[str, Any]:
    setup = _open(world)
    setup["objection"] = services.submit_objection(
        setup["estate"].owners["302"], setup["decision"], setup["elector"].pk, "It takes my light."
    )
    return setup


def _voting_time_over(world: World) -> dict[str, Any]:
    setup = _open(world)
    end_voting(setup["decision"])
    return setup


def _closed(world: World) -> dict[str, Any]:
    setup = _open(world)
    estate = setup["estate"]
    vote_for(setup["decision"], [estate.owners["302"], estate.owners["401"]], "yes")
    end_voting(setup["decision"])
    services.close_decision(_staff(world), setup["decision"])
    setup["decision"].refresh_from_db()
    return setup


def _cancelled(world: World) -> dict[str, Any]:
    setup = _open(world)
    services.cancel_decision(_staff(world), setup["decision"], "The budget was withdrawn.")
    setup["decision"].refresh_from_db()
    return setup


def _second_staffer(world: World) -> Any:
    """Another member of Harmony's residents' committee staff (whoever enters a paper ballot cannot check it)."""
    user = UserFactory(username="fang")
    person = PersonFactory(user=user, community=world.harmony, full_name="Fang", is_resident=False)
    MembershipFactory(subject=world.committee, person=person, role="staff")
    return user


def _paper_waiting(world: World) -> dict[str, Any]:
    setup = _open(world)
    services.enter_paper_ballot(
        _second_staffer(world), setup["decision"], setup["elector"], "P-001", choice="yes"
    )
    setup["participation"] = Participation.objects.get(decision=setup["decision"], paper_reference="P-001")
    return setup


def _estate_wide(world: World) -> dict[str, Any]:
    """An owners' decision of the whole estate: Olga (the cast's owner of 1-101) is on its register."""
    decision = make_decision(
        world, None, rule_name="civil-code-278-ordinary", title="Repaint the gates", agenda="Green."
    )
    return {"decision": decision, "elector": _elector_of(decision, world.user("owner"))}


def _estate_wide_with_owner_objection(world: World) -> dict[str, Any]:
    setup = _estate_wide(world)
    setup["objection"] = services.submit_objection(
        world.user("owner"), setup["decision"], setup["elector"].pk, "Not green, please."
    )
    return setup


def _estate_wide_closed_owner_outvoted(world: World) -> dict[str, Any]:
    """The owner alone voted yes; too few took part, so the motion failed and the owner is the minority."""
    setup = _estate_wide(world)
    vote_for(setup["decision"], [world.user("owner")], "yes")
    end_voting(setup["decision"])
    services.close_decision(_staff(world), setup["decision"])
    setup["decision"].refresh_from_db()
    assert setup["decision"].passed is False
    return setup


# --- the cases ------------------------------------------------------------------------------------------------


def _decision_url(
    name: str, *extra: Callable[[dict[str, Any]], Any]
) -> Callable[[World, dict[str, Any]], str]:
    def url(world: World, setup: dict[str, Any]) -> str:
        decision = setup["decision"]
        return reverse(
            f"decisions:{name}", args=[decision.community_id, decision.pk, *(e(setup) for e in extra)]
        )

    return url


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def decision_form(world: World, setup: dict[str, Any], **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    area = setup["estate"].stairwell.pk if "estate" in setup else world.stairwell.pk
    data = {
        "title": "Bicycle shed",
        "agenda": "Build a shed for twenty bicycles.",
        "rule_name": "civil-code-278-ordinary",
        "area": area,
        "subject": "",
        "ballot_kind": "motion",
        "options": "",
        "max_approvals": "",
        "opens_at": _local(now + timedelta(hours=1)),
        "closes_at": _local(now + timedelta(days=7)),
        "retables": "",
    }
    data.update(extra)
    return data


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    allowed: set[str]
    setup: Callable[[World], dict[str, Any]]
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {}
    #: Status of an allowed request.
    ok_status: set[int] = field(default_factory=lambda: {200})
    #: Whether an allowed request must change something (False: pages and previews that save nothing).
    writes: bool = False
    #: Status for someone who can see Harmony but may not do this (a refusal in words is a 303 to the page).
    refused_status: int = 403


def _get(name: str, allowed: set[str], setup: Callable[[World], dict[str, Any]], label: str = "") -> Case:
    return Case(label or f"{name} page", "get", _decision_url(name), allowed, setup)


def _post(
    name: str,
    allowed: set[str],
    setup: Callable[[World], dict[str, Any]],
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {},
    *,
    label: str = "",
    extra: tuple[Callable[[dict[str, Any]], Any], ...] = (),
    ok_status: set[int] | None = None,
    refused_status: int = 403,
    writes: bool = True,
) -> Case:
    return Case(
        label or name,
        "post",
        _decision_url(name, *extra),
        allowed,
        setup,
        data,
        ok_status=ok_status or {302},
        writes=writes,
        refused_status=refused_status,
    )


def _list_url(name: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(f"decisions:{name}", args=[w.harmony.pk])


def _ballot(setup: dict[str, Any], choice: str = "yes") -> dict[str, Any]:
    elector = setup["elector"].pk
    return {"elector": elector, f"e{elector}-choice": choice}


CASES = [
    # reading
    Case("list", "get", _list_url("list"), VIEWERS, _open),
    Case("list (only drafts)", "get", _list_url("list"), VIEWERS, _draft),
    _get("detail", VIEWERS, _open, "open decision page"),
    _get("detail", MANAGERS, _draft, "draft decision page"),
    _get("detail", VIEWERS, _closed, "closed decision page"),
    _get("detail", VIEWERS, _cancelled, "cancelled decision page"),
    _get("receipt", VIEWERS, _open, "receipt check page"),
    _get("receipt", MANAGERS, _draft, "receipt check page of a draft"),
    Case(
        "receipt check",
        "post",
        _decision_url("receipt"),
        VIEWERS,
        _open,
        lambda w, s: {"code": "ABCDE-FGHJK-MNPQR"},
    ),
    _get("log", VIEWERS, _open, "ballot log"),
    _get("log", VIEWERS, _closed, "ballot log of a closed decision"),
    _get("log", MANAGERS, _draft, "ballot log of a draft"),
    _get("log_json", VIEWERS, _open, "ballot log download"),
    _get("log_json", MANAGERS, _draft, "ballot log download of a draft"),
    # drafting
    Case("new decision form", "get", _list_url("new"), MANAGERS, _draft),
    Case(
        "new decision",
        "post",
        _list_url("new"),
        MANAGERS,
        _draft,
        decision_form,
        ok_status={302},
        writes=True,
    ),
    _get("edit", MANAGERS, _draft, "edit form"),
    _post("edit", MANAGERS, _draft, lambda w, s: decision_form(w, s, title="Changed title")),
    _post("open", MANAGERS, _draft, label="open voting"),
    _post(
        "affected_add",
        MANAGERS,
        _draft,
        lambda w, s: {"unit": s["estate"].units["101"].pk, "impact": "occupied", "note": "north wall"},
        label="list an affected unit",
    ),
    _post(
        "affected_remove",
        MANAGERS,
        _draft_with_affected_unit,
        label="remove an affected unit",
        extra=(lambda s: s["affected"].pk,),
    ),
    _get("cost_plan", MANAGERS, _draft, "cost plan form"),
    _post(
        "cost_plan",
        MANAGERS,
        _draft,
        lambda w, s: {"total": "120000", "method": "area", "floor_values": "", "compensation": ""},
        label="set the cost plan",
    ),
    _post("cancel", MANAGERS, _draft, lambda w, s: {"reason": "Not needed."}, label="cancel a draft"),
    # running the vote
    _post("cancel", MANAGERS, _open, lambda w, s: {"reason": "Not needed."}, label="cancel an open vote"),
    _post(
        "extend",
        MANAGERS,
        _open,
        lambda w, s: {"closes_at": _local(s["decision"].closes_at + timedelta(days=14))},
        label="extend voting",
    ),
    _post("close", MANAGERS, _voting_time_over, label="close voting"),
    _post("minutes", MANAGERS, _closed, lambda w, s: {"minutes": "Held in the courtyard."}),
    _get("register", MANAGERS, _open, "register"),
    _get("paper", MANAGERS, _open, "paper ballots page"),
    _post(
        "paper",
        MANAGERS,
        _open,
        lambda w, s: {"elector": s["elector"].pk, "reference": "P-100", "choice": "yes"},
        label="enter a paper ballot",
    ),
    _post(
        "paper_check",
        MANAGERS,
        _paper_waiting,
        lambda w, s: {"verdict": "matches"},
        label="check a paper ballot",
        extra=(lambda s: s["participation"].pk,),
    ),
    _post(
        "paper_check",
        MANAGERS,
        _paper_waiting,
        lambda w, s: {"verdict": "mistake"},
        label="reject a paper ballot",
        extra=(lambda s: s["participation"].pk,),
    ),
    _get("proxies", MANAGERS, _open, "proxies page"),
    _post(
        "proxies",
        MANAGERS,
        _open,
        lambda w, s: {
            "elector": s["elector"].pk,
            "proxy": w.user("resident").person.pk,
            "document": "File 12",
            "signed_on": timezone.localdate().isoformat(),
        },
        label="record a proxy",
    ),
    _get("simulator", MANAGERS, _open, "simulator"),
    _post(
        "simulator",
        MANAGERS,
        _open,
        lambda w, s: {"building": "5", "everyone": "yes"},
        label="simulate",
        ok_status={200},
        writes=False,
    ),
    _post(
        "mediation",
        MANAGERS,
        _open_with_objection,
        lambda w, s: {
            "objection": s["objection"].pk,
            "held_on": timezone.localdate().isoformat(),
            "attendees": "Chen, Owner302",
            "record": "We talked it through.",
            "outcome": "agreed",
        },
        label="record a mediation",
    ),
    # the register decides who votes, objects and writes a minority statement
    _post("vote", NOBODY, _open, lambda w, s: _ballot(s), label="vote for a stairwell owner"),
    _post(
        "vote",
        {"owner"},
        _estate_wide,
        lambda w, s: _ballot(s),
        label="vote in an estate-wide owners' decision",
    ),
    _post(
        "objection",
        NOBODY,
        _open,
        lambda w, s: {"objection-elector": s["elector"].pk, "objection-text": "No."},
        label="object for a stairwell owner",
    ),
    _post(
        "objection",
        {"owner"},
        _estate_wide,
        lambda w, s: {"objection-elector": s["elector"].pk, "objection-text": "No."},
        label="object in an estate-wide owners' decision",
    ),
    _post(
        "objection_withdraw",
        NOBODY,
        _open_with_objection,
        label="withdraw someone else's objection",
        extra=(lambda s: s["objection"].pk,),
    ),
    _post(
        "objection_withdraw",
        {"owner"},
        _estate_wide_with_owner_objection,
        label="withdraw the owner's objection",
        extra=(lambda s: s["objection"].pk,),
    ),
    _post(
        "minority",
        {"owner"},
        _estate_wide_closed_owner_outvoted,
        lambda w, s: {"minority-elector": s["elector"].pk, "minority-text": "Gates should stay grey."},
        label="minority statement of the outvoted owner",
        refused_status=303,  # refused in words on the decision's page
    ),
]


def _page_step(
    step: str,
    allowed: set[str],
    setup: Callable[[World], dict[str, Any]],
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {},
    *,
    label: str,
    page: str = "detail",
    item: Callable[[dict[str, Any]], Any] | None = None,
    refused_status: int = 403,
) -> Case:
    """A step posted to the page that shows it (a hidden ``step`` field, ``item`` for the row it is about)."""
    return Case(
        f"{label} (posted to the page)",
        "post",
        _decision_url(page),
        allowed,
        setup,
        lambda w, s: {"step": step} | ({"item": item(s)} if item else {}) | data(w, s),
        ok_status={302},
        writes=True,
        refused_status=refused_status,
    )


CASES += [
    _page_step("open", MANAGERS, _draft, label="open voting"),
    _page_step(
        "extend",
        MANAGERS,
        _open,
        lambda w, s: {"closes_at": _local(s["decision"].closes_at + timedelta(days=14))},
        label="extend voting",
    ),
    _page_step(
        "cancel", MANAGERS, _open, lambda w, s: {"reason": "Not needed."}, label="cancel an open vote"
    ),
    _page_step("close", MANAGERS, _voting_time_over, label="close voting"),
    _page_step(
        "minutes", MANAGERS, _closed, lambda w, s: {"minutes": "Held in the courtyard."}, label="minutes"
    ),
    _page_step(
        "affected_add",
        MANAGERS,
        _draft,
        lambda w, s: {"unit": s["estate"].units["101"].pk, "impact": "occupied", "note": "north wall"},
        label="list an affected unit",
    ),
    _page_step("vote", {"owner"}, _estate_wide, lambda w, s: _ballot(s), label="vote estate-wide"),
    _page_step(
        "objection_withdraw",
        {"owner"},
        _estate_wide_with_owner_objection,
        label="withdraw the owner's objection",
        item=lambda s: s["objection"].pk,
    ),
    _page_step(
        "minority",
        {"owner"},
        _estate_wide_closed_owner_outvoted,
        lambda w, s: {"minority-elector": s["elector"].pk, "minority-text": "Gates should stay grey."},
        label="minority statement of the outvoted owner",
        refused_status=303,
    ),
    _page_step(
        "check",
        MANAGERS,
        _paper_waiting,
        lambda w, s: {"verdict": "matches"},
        label="check a paper ballot",
        page="paper",
        item=lambda s: s["participation"].pk,
    ),
]


def _request(client: Any, case: Case, world: World, setup: dict[str, Any]) -> Any:
    return getattr(client, case.method)(case.url(world, setup), data=case.data(world, setup))


def _check(case: Case, role: str, response: Any, before: dict[str, Any]) -> None:
    """The outcome for ``role``, who behaves as the cast member ``role`` does."""
    if role in case.allowed:
        assert response.status_code in case.ok_status, (case.name, role, response.status_code)
        if case.writes:
            assert snapshot() != before, f"{role} was allowed {case.name} but nothing changed"
        else:
            assert snapshot() == before, f"{case.name} saves nothing, but something changed"
        return
    if role == "anonymous":
        assert response.status_code == 302, (case.name, role, response.status_code)
        assert "/login/" in response["Location"]
    elif role in VIEWERS:
        assert response.status_code == case.refused_status, (case.name, role, response.status_code)
    else:
        assert response.status_code == 403, (case.name, role, response.status_code)
    assert snapshot() == before, f"{role} was denied {case.name} but something changed"


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_role_gets_exactly_its_permissions(
    case: Case, role: str, world: World, client_for: Any
) -> None:
    setup = case.setup(world)
    before = snapshot()
    response = _request(client_for(role), case, world, setup)
    _check(case, role, response, before)


# --- the homeowners' committee runs votes too -----------------------------------------------------------------


def _owners_body_member(
    world: World, *, kind: str = SubjectKind.HOMEOWNERS_COMMITTEE, community: Any = None, **membership: Any
) -> Any:
    subject = SubjectFactory(community=community or world.harmony, kind=kind, name="Owners' body")
    user = UserFactory(username="hoa")
    person = PersonFactory(
        user=user, community=community or world.harmony, full_name="Hua", is_resident=False
    )
    MembershipFactory(subject=subject, person=person, **({"role": "member"} | membership))
    return user


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_homeowners_committee_member_runs_votes_like_committee_staff(
    case: Case, world: World, client: Any
) -> None:
    """A member of Harmony's homeowners' committee (业委会) may do what committee staff may, no more: they are
    not on any owners' register, so they neither vote nor object for anyone."""
    member = _owners_body_member(world)
    setup = case.setup(world)
    before = snapshot()
    client.force_login(member)
    response = _request(client, case, world, setup)
    _check(case, "committee_staff", response, before)


@pytest.mark.parametrize("kind", [SubjectKind.HOMEOWNERS_COMMITTEE, SubjectKind.HOMEOWNERS_ASSEMBLY])
def test_the_chair_of_an_owners_body_may_draft_and_open_a_vote(kind: str, world: World, client: Any) -> None:
    member = _owners_body_member(world, kind=kind, role="chair")
    setup = _draft(world)
    client.force_login(member)
    assert client.get(_decision_url("detail")(world, setup)).status_code == 200
    response = client.post(_decision_url("open")(world, setup))
    assert response.status_code == 302
    setup["decision"].refresh_from_db()
    assert setup["decision"].status == "open"


def test_a_former_homeowners_committee_member_may_not_run_votes(world: World, client: Any) -> None:
    today = timezone.localdate()
    member = _owners_body_member(
        world, started_on=today - timedelta(days=400), ended_on=today - timedelta(days=1)
    )
    setup = _draft(world)
    client.force_login(member)
    before = snapshot()
    assert client.get(_decision_url("detail")(world, setup)).status_code == 403
    assert client.post(_decision_url("open")(world, setup)).status_code == 403
    assert client.get(reverse("decisions:new", args=[world.harmony.pk])).status_code == 403
    assert snapshot() == before


def test_a_volunteer_of_the_homeowners_committee_may_not_run_votes(world: World, client: Any) -> None:
    member = _owners_body_member(world, role="volunteer")
    setup = _draft(world)
    client.force_login(member)
    before = snapshot()
    assert client.post(_decision_url("open")(world, setup)).status_code in {403}
    assert client.get(_decision_url("detail")(world, setup)).status_code == 403
    assert snapshot() == before


def test_riversides_homeowners_committee_may_not_run_harmonys_votes(world: World, client: Any) -> None:
    member = _owners_body_member(world, community=world.riverside)
    setup = _draft(world)
    client.force_login(member)
    before = snapshot()
    assert client.get(reverse("decisions:list", args=[world.harmony.pk])).status_code == 403
    assert client.get(_decision_url("detail")(world, setup)).status_code == 403
    assert client.post(_decision_url("open")(world, setup)).status_code == 403
    assert (
        client.post(
            reverse("decisions:new", args=[world.harmony.pk]), decision_form(world, setup)
        ).status_code
        == 403
    )
    assert snapshot() == before


# --- a decision is reached only through its own community -----------------------------------------------------

#: Every URL of a decision, with the method its view takes, as (name, method, extra URL arguments).
DECISION_URLS = [
    ("detail", "get", 0),
    ("edit", "get", 0),
    ("edit", "post", 0),
    ("vote", "post", 0),
    ("open", "post", 0),
    ("extend", "post", 0),
    ("close", "post", 0),
    ("cancel", "post", 0),
    ("minutes", "post", 0),
    ("affected_add", "post", 0),
    ("affected_remove", "post", 1),
    ("objection", "post", 0),
    ("objection_withdraw", "post", 1),
    ("mediation", "post", 0),
    ("minority", "post", 0),
    ("receipt", "get", 0),
    ("receipt", "post", 0),
    ("log", "get", 0),
    ("log_json", "get", 0),
    ("register", "get", 0),
    ("paper", "get", 0),
    ("paper", "post", 0),
    ("paper_check", "post", 1),
    ("proxies", "get", 0),
    ("proxies", "post", 0),
    ("simulator", "get", 0),
    ("simulator", "post", 0),
    ("cost_plan", "get", 0),
    ("cost_plan", "post", 0),
]


def _riverside_decision(world: World) -> Decision:
    """An open residents' meeting of Riverside, where Otto lives (run by the street office, which serves both)."""
    now = timezone.now()
    AreaFactory(community=world.riverside, kind=AreaKind.BUILDING, code="R1", name="River 1")
    official = world.user("street_official")
    decision = services.create_decision(
        official,
        world.riverside,
        {
            "title": "Riverside benches",
            "agenda": "Four benches by the river.",
            "rule_name": "residents-meeting",
            "area": None,
            "ballot_kind": "motion",
            "secret": False,
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=7),
        },
    )
    services.open_voting(official, decision)
    decision.refresh_from_db()
    return decision


@pytest.mark.parametrize("role", ["committee_staff", "street_official", "platform_staff", "resident"])
@pytest.mark.parametrize(("name", "method", "extra"), DECISION_URLS)
def test_a_decision_of_another_community_is_not_found_through_this_one(
    name: str, method: str, extra: int, role: str, world: World, client_for: Any
) -> None:
    decision = _riverside_decision(world)
    before = snapshot()
    url = reverse(f"decisions:{name}", args=[world.harmony.pk, decision.pk, *[1] * extra])
    response = getattr(client_for(role), method)(url, data={"reason": "x", "minutes": "x", "code": "x"})
    assert response.status_code == 404, (name, method, role, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize(("name", "method", "extra"), DECISION_URLS)
def test_a_decision_that_does_not_exist_is_not_found(
    name: str, method: str, extra: int, world: World, client_for: Any
) -> None:
    url = reverse(f"decisions:{name}", args=[world.harmony.pk, 999999, *[1] * extra])
    assert getattr(client_for("platform_staff"), method)(url).status_code == 404


@pytest.mark.parametrize("name", ["list", "new"])
def test_a_community_that_does_not_exist_is_not_found(name: str, world: World, client_for: Any) -> None:
    assert client_for("platform_staff").get(reverse(f"decisions:{name}", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", sorted(VIEWERS | {"other_resident"}))
def test_harmonys_people_do_not_read_riversides_decisions(role: str, world: World, client_for: Any) -> None:
    decision = _riverside_decision(world)
    client = client_for(role)
    detail = client.get(reverse("decisions:detail", args=[world.riverside.pk, decision.pk]))
    listing = client.get(reverse("decisions:list", args=[world.riverside.pk]))
    # the street office serves both communities; platform staff serve every one
    expected = 200 if role in {"other_resident", "street_official", "platform_staff"} else 403
    assert (detail.status_code, listing.status_code) == (expected, expected)


# --- actions take POST only -----------------------------------------------------------------------------------

POST_ONLY = sorted(
    {name for name, _method, _extra in DECISION_URLS}
    - {name for name, method, _extra in DECISION_URLS if method == "get"}
)


POST_ONLY_PAGES = {"paper_check": ("paper", "")} | {
    name: ("detail", anchor)
    for anchor, names in {
        "vote": ["vote"],
        "manage": ["open", "extend", "close", "cancel", "minutes"],
        "affected": ["affected_add", "affected_remove"],
        "objections": ["objection", "objection_withdraw", "mediation"],
        "minority": ["minority"],
    }.items()
    for name in names
}


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_get_of_an_action_goes_to_its_page_and_changes_nothing(
    name: str, world: World, client_for: Any
) -> None:
    setup = _open_with_objection(world)
    extra = [1] if name in {"affected_remove", "paper_check"} else []
    if name == "objection_withdraw":
        extra = [setup["objection"].pk]
    args = [world.harmony.pk, setup["decision"].pk]
    url = reverse(f"decisions:{name}", args=[*args, *extra])
    page, anchor = POST_ONLY_PAGES[name]
    before = snapshot()
    response = client_for("committee_staff").get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse(f"decisions:{page}", args=args) + (f"#{anchor}" if anchor else "")
    assert client_for("committee_staff").put(url).status_code == 405
    anonymous = client_for("anonymous").get(url)
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    assert snapshot() == before


# --- voting is for the register, whatever the role ------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(set(CAST) - {"anonymous"}))
def test_nobody_of_the_cast_votes_on_the_stairwells_register(
    role: str, world: World, client_for: Any
) -> None:
    """The elevator retrofit of stairwell 5-1 is for its owners; Olga owns 1-101, in building 1."""
    setup = _open(world)
    decision = setup["decision"]
    assert selectors.electors_for(world.user(role), decision) == []
    client = client_for(role)
    page = client.get(reverse("decisions:detail", args=[world.harmony.pk, decision.pk]))
    if role in VIEWERS:
        assert page.status_code == 200
        assert 'name="elector"' not in page.content.decode()
    for elector in Elector.objects.filter(decision=decision):
        before = snapshot()
        response = client.post(
            reverse("decisions:vote", args=[world.harmony.pk, decision.pk]),
            {"elector": elector.pk, f"e{elector.pk}-choice": "yes"},
        )
        assert response.status_code == 403, (role, elector.label, response.status_code)
        assert snapshot() == before
    assert Participation.objects.count() == Ballot.objects.count() == 0
    assert LogEntry.objects.filter(decision=decision).count() == 1  # only "opened"


def test_the_owner_votes_on_the_estates_register_but_not_for_anyone_else(
    world: World, client_for: Any
) -> None:
    setup = _estate_wide(world)
    decision = setup["decision"]
    others = Elector.objects.filter(decision=decision).exclude(pk=setup["elector"].pk)
    assert others.exists()  # 1-102 has no owner on record: it stays on the register with nobody to vote
    client = client_for("owner")
    for elector in others:
        before = snapshot()
        response = client.post(
            reverse("decisions:vote", args=[world.harmony.pk, decision.pk]),
            {"elector": elector.pk, f"e{elector.pk}-choice": "yes"},
        )
        assert response.status_code == 403
        assert snapshot() == before
    for bad in ["", "abc", "999999"]:
        before = snapshot()
        response = client.post(
            reverse("decisions:vote", args=[world.harmony.pk, decision.pk]),
            {"elector": bad, f"e{bad}-choice": "yes"},
        )
        assert response.status_code == 403, bad
        assert snapshot() == before
    response = client.post(reverse("decisions:vote", args=[world.harmony.pk, decision.pk]), _ballot(setup))
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert participation.elector == setup["elector"]
    assert participation.cast_by == world.user("owner")


def test_a_register_is_the_frozen_one(world: World, client_for: Any) -> None:
    """Someone who buys a unit after voting opened is not on the register."""
    from ..factories import OwnershipFactory

    setup = _open(world)
    newcomer = UserFactory(username="newcomer")
    person = PersonFactory(user=newcomer, community=world.harmony, full_name="Newcomer")
    OwnershipFactory(unit=setup["estate"].units["402"], person=person)
    before = snapshot()
    elector = _elector_of(setup["decision"], setup["estate"].owners["402"])
    client = client_for("anonymous")
    client.force_login(newcomer)
    response = client.post(
        reverse("decisions:vote", args=[world.harmony.pk, setup["decision"].pk]),
        {"elector": elector.pk, f"e{elector.pk}-choice": "yes"},
    )
    assert response.status_code == 403
    assert snapshot() == before
