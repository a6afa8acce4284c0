"""Staff action forms of decisions, as a committee worker makes mistakes on them: the reason sits on the field,
what was typed stays, nothing changes; an action the decision's state does not allow is not offered; and every
number typed has bounds, refused in words, never a server error."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from comity.decisions import services
from comity.decisions.checks import add_months
from comity.decisions.models import (
    AffectedUnit,
    CostPlan,
    Decision,
    Elector,
    Mediation,
    Objection,
    ProxyAuthorization,
)

from ..cast import World
from .decisions import Estate, end_voting, make_decision, make_estate, vote_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(world: World) -> Estate:
    return make_estate(world)


@pytest.fixture
def staff(world: World, client: Any) -> Any:
    client.force_login(world.user("committee_staff"))
    return client


def _url(name: str, decision: Decision, *args: Any) -> str:
    return reverse(f"decisions:{name}", args=[decision.community_id, decision.pk, *args])


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _field(page: str, name: str) -> str:
    """The form field block holding the input, select or textarea ``name``."""
    for block in re.findall(r'<div class="form-field[^"]*">.*?</div>', page, flags=re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name!r} on the page")


def _state(decision: Decision) -> tuple[Any, ...]:
    decision.refresh_from_db()
    return (decision.status, decision.closes_at, decision.minutes, decision.log_length)


# --- errors on their fields, values kept ------------------------------------------------------------------------


def test_an_extension_too_long_keeps_the_typed_time_with_the_reason_on_its_field(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    before = _state(decision)
    typed = _local(add_months(decision.planned_closes_at, 3) + timedelta(days=1))
    response = staff.post(_url("extend", decision), {"closes_at": typed})
    assert response.status_code == 400
    page = _text(response)
    field = _field(page, "closes_at")
    assert "field-error" in field
    assert f'value="{typed}"' in field
    assert "Voting may be extended by at most 3 months" in field
    assert "<details open><summary>Extend voting</summary>" in page
    assert "Nothing was changed. Correct what is marked below and send it again." in page
    assert _state(decision) == before


def test_a_mediation_dated_long_before_the_vote_keeps_everything_typed(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    data = {
        "objection": "",
        "held_on": "2001-02-03",
        "attendees": "Chen, Owner302, the designer",
        "record": "The shaft moves 40 cm east.",
        "outcome": "agreed",
    }
    response = staff.post(_url("mediation", decision), data)
    assert response.status_code == 400
    page = _text(response)
    assert "A mediation about this decision is held at most a year before voting opened." in _field(
        page, "held_on"
    )
    assert 'value="2001-02-03"' in _field(page, "held_on")
    assert 'value="Chen, Owner302, the designer"' in _field(page, "attendees")
    assert "The shaft moves 40 cm east." in _field(page, "record")
    assert "<details open><summary>Record a mediation</summary>" in page
    assert Mediation.objects.count() == 0


def test_a_refused_objection_keeps_its_text_in_its_box(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    elector = Elector.objects.get(decision=decision, persons__user=owner)
    client.force_login(owner)
    text = "Too long. " * 201
    response = client.post(
        _url("objection", decision), {"objection-elector": elector.pk, "objection-text": text}
    )
    assert response.status_code == 400
    field = _field(_text(response), "objection-text")
    assert "field-error" in field
    assert text.strip() in field
    assert "Ensure this value has at most 2000 characters" in field
    assert Objection.objects.count() == 0


def test_a_refused_minority_statement_keeps_its_text_in_its_box(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "yes")  # too few take part: those who voted yes are outvoted
    end_voting(decision)
    services.close_decision(world.user("committee_staff"), decision)
    owner = estate.owners["302"]
    elector = Elector.objects.get(decision=decision, persons__user=owner)
    client.force_login(owner)
    text = "Outvoted. " * 201
    response = client.post(
        _url("minority", decision), {"minority-elector": elector.pk, "minority-text": text}
    )
    assert response.status_code == 400
    field = _field(_text(response), "minority-text")
    assert text.strip() in field
    assert "Ensure this value has at most 2000 characters" in field


def test_a_ballot_the_service_refuses_keeps_the_options_ticked(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(
        world,
        estate,
        rule_name="civil-code-278-ordinary",
        ballot_kind="approval",
        options=["North side", "South side", "No elevator"],
        max_approvals=1,
    )
    owner = estate.owners["302"]
    elector = Elector.objects.get(decision=decision, persons__user=owner)
    client.force_login(owner)
    response = client.post(
        _url("vote", decision), {"elector": elector.pk, f"e{elector.pk}-selection": ["1", "2"]}
    )
    assert response.status_code == 400
    page = _text(response)
    assert len(re.findall(rf'name="e{elector.pk}-selection" value="[12]"[^>]*checked', page)) == 2
    assert elector.participations.count() == 0


def test_a_proxy_signed_long_before_the_vote_is_refused_on_its_field(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    elector = Elector.objects.get(decision=decision, persons__user=estate.owners["201"])
    data = {
        "elector": elector.pk,
        "proxy": world.user("resident").person.pk,
        "document": "Authorization no. 7",
        "signed_on": "2020-01-01",
    }
    response = staff.post(_url("proxies", decision), data)
    assert response.status_code == 400
    field = _field(_text(response), "signed_on")
    assert "An authorization for this vote is signed at most a year before voting opened." in field
    assert 'value="2020-01-01"' in field
    assert 'value="Authorization no. 7"' in _field(_text(response), "document")
    assert ProxyAuthorization.objects.count() == 0


# --- actions offered only when the state allows them ------------------------------------------------------------


def test_close_is_offered_only_once_voting_time_is_over(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    running = _text(staff.get(_url("detail", decision)))
    assert "Close voting and publish the result" not in running
    assert 'data-testid="close-later"' in running
    end_voting(decision)
    over = _text(staff.get(_url("detail", decision)))
    assert "Close voting and publish the result" in over
    assert 'data-testid="close-later"' not in over


def test_close_is_not_offered_while_a_paper_ballot_waits_for_its_check(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    elector = Elector.objects.get(decision=decision, persons__user=estate.owners["302"])
    services.enter_paper_ballot(world.user("committee_staff"), decision, elector, "P-1", choice="yes")
    end_voting(decision)
    page = _text(staff.get(_url("detail", decision)))
    assert "Close voting and publish the result" not in page
    assert "Voting time is over, but 1 paper ballot still waits for its second check." in page


def test_opening_is_not_offered_once_the_closing_time_has_passed(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate, open_now=False)
    assert "Open voting</button>" in _text(staff.get(_url("detail", decision)))
    Decision.objects.filter(pk=decision.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = _text(staff.get(_url("detail", decision)))
    assert "Open voting</button>" not in page
    assert "The closing time has passed, so voting cannot open." in page


def test_a_second_extension_is_not_offered(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    assert "<summary>Extend voting</summary>" in _text(staff.get(_url("detail", decision)))
    services.extend_voting(world.user("committee_staff"), decision, add_months(decision.planned_closes_at, 1))
    page = _text(staff.get(_url("detail", decision)))
    assert "<summary>Extend voting</summary>" not in page
    assert "Voting has already been extended once; it cannot be extended again." in page


# --- bounds on every number -------------------------------------------------------------------------------------


def _draft_form(estate: Estate, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "title": "Elevator for stairwell 5-1",
        "agenda": "Install an elevator on the north side.",
        "rule_name": "elevator-retrofit",
        "area": estate.stairwell.pk,
        "subject": "",
        "ballot_kind": "motion",
        "options": "",
        "max_approvals": "",
        "opens_at": _local(now + timedelta(hours=1)),
        "closes_at": _local(now + timedelta(days=14)),
        "retables": "",
    } | extra


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"closes_at": "9999-12-31T23:59"}, "closes_at", "Give a date between the years 2000 and 2100."),
        (
            {"closes_at": _local(timezone.now() + timedelta(days=200))},
            "closes_at",
            "Voting may last at most 6 months",
        ),
        (
            {"opens_at": "2090-01-01T08:00", "closes_at": "2090-01-02T08:00"},
            "opens_at",
            "Voting must open within 24 months from now.",
        ),
        ({"closes_at": "2001-01-01T08:00"}, "closes_at", "Voting must close after it opens."),
        ({"opens_at": "0001-01-01T00:00"}, "opens_at", "Give a date between the years 2000 and 2100."),
        (
            {
                "rule_name": "civil-code-278-ordinary",
                "ballot_kind": "approval",
                "options": "North\nSouth",
                "max_approvals": "99999",
            },
            "max_approvals",
            "A limit applies only to an approval ballot, and to no more than its number of options.",
        ),
        (
            {"rule_name": "civil-code-278-ordinary", "ballot_kind": "approval", "options": "x" * 201 + "\ny"},
            "options",
            "Each option may be at most 200 characters long.",
        ),
        (
            {
                "rule_name": "civil-code-278-ordinary",
                "ballot_kind": "approval",
                "options": "\n".join(f"Option {n}" for n in range(31)),
            },
            "options",
            "Give at most 30 options.",
        ),
    ],
)
def test_a_draft_out_of_bounds_is_refused_on_its_field(
    extra: dict[str, str], field: str, message: str, world: World, estate: Estate, staff: Any
) -> None:
    response = staff.post(reverse("decisions:new", args=[world.harmony.pk]), _draft_form(estate, **extra))
    assert response.status_code == 200  # the form comes back, as typed
    block = _field(_text(response), field)
    assert "field-error" in block
    assert message in block
    assert Decision.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"total": "1000000000000"}, "total", "Ensure this value is less than or equal to 1000000000."),
        ({"subsidy_cap": "99999999999999"}, "subsidy_cap", "Ensure this value is less than or equal to"),
        ({"subsidy_percent": "250"}, "subsidy_percent", "Ensure this value is less than or equal to 100."),
        ({"floor_values": "3: Infinity"}, "floor_values", "Write “floor: value” pairs"),
        ({"floor_values": "999: 10"}, "floor_values", "Floors run from -10 to 200"),
        ({"floor_values": "3: 1e9"}, "floor_values", "A value may be at most 100"),
        ({"compensation": "1: 1e15"}, "compensation", "A value may be at most 1000000000"),
    ],
)
def test_a_cost_plan_out_of_bounds_is_refused_on_its_field(
    extra: dict[str, str], field: str, message: str, world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate, open_now=False)
    data = {"total": "650000", "method": "area", "floor_values": "", "subsidy_percent": "", "subsidy_cap": ""}
    data |= {"compensation": ""} | extra
    response = staff.post(_url("cost_plan", decision), data)
    assert response.status_code == 400
    block = _field(_text(response), field)
    assert message in block
    assert f"{extra[field]}" in block
    assert CostPlan.objects.count() == 0


def test_an_extension_to_the_year_9999_is_refused_in_words(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    before = _state(decision)
    response = staff.post(_url("extend", decision), {"closes_at": "9999-12-31T23:59"})
    assert response.status_code == 400
    assert "Give a date between the years 2000 and 2100." in _field(_text(response), "closes_at")
    early = staff.post(_url("extend", decision), {"closes_at": "0001-01-01T00:00"})
    assert early.status_code == 400
    assert "Give a date between the years 2000 and 2100." in _field(_text(early), "closes_at")
    assert _state(decision) == before


def test_paper_proxy_and_cost_forms_are_offered_only_when_the_state_allows_them(
    world: World, estate: Estate, staff: Any
) -> None:
    draft = make_decision(world, estate, open_now=False)
    assert "Compute and save</button>" in _text(staff.get(_url("cost_plan", draft)))
    assert "Record the proxy</button>" not in _text(staff.get(_url("proxies", draft)))
    assert "Voting is not open, so no proxy can be recorded." in _text(staff.get(_url("proxies", draft)))
    assert "Voting is not open, so no paper ballot can be entered." in _text(staff.get(_url("paper", draft)))

    running = make_decision(world, estate, title="Running")
    assert "Enter for a second check</button>" in _text(staff.get(_url("paper", running)))
    assert "Record the proxy</button>" in _text(staff.get(_url("proxies", running)))
    fixed = _text(staff.get(_url("cost_plan", running)))
    assert "Compute and save</button>" not in fixed
    assert "The plan is fixed once voting opens: owners vote on the plan they were shown." in fixed

    later = timezone.now() + timedelta(days=1)
    upcoming = make_decision(
        world, estate, title="Upcoming", opens_at=later, closes_at=later + timedelta(days=7)
    )
    waiting = _text(staff.get(_url("paper", upcoming)))
    assert "Enter for a second check</button>" not in waiting
    assert "Paper ballots can be entered once voting opens, on " in waiting


# --- every step posts to its page, and a refusal never leaves the browser on an action's address ---------------

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", flags=re.S)


def _post_forms(page: str) -> list[tuple[str, str]]:
    """Each POST form of a page's main content: its ``action`` and the ``step`` it names ("" when none)."""
    found = []
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    for attributes, body in FORM.findall(main):
        if 'method="post"' not in attributes:
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        step = re.search(r'name="step" value="([^"]*)"', body)
        found.append((html.unescape(action.group(1)) if action else "", step.group(1) if step else ""))
    return found


def test_every_form_of_the_decision_page_posts_to_the_page_naming_its_step(
    world: World, estate: Estate, staff: Any, client: Any
) -> None:
    draft = make_decision(world, estate, open_now=False, title="Draft")
    services.add_affected_unit(
        world.user("committee_staff"), draft, estate.stairwell.units.first(), "light", ""
    )
    running = make_decision(world, estate, title="Running")
    owner = estate.owners["302"]
    services.submit_objection(
        owner, running, Elector.objects.get(decision=running, persons__user=owner).pk, "It takes my light."
    )
    closed = make_decision(world, estate, title="Closed")
    vote_for(closed, [owner], "yes")
    end_voting(closed)
    services.close_decision(world.user("committee_staff"), closed)

    seen: set[str] = set()
    for decision, who in [(draft, staff), (running, staff), (closed, staff)]:
        forms = _post_forms(_text(who.get(_url("detail", decision))))
        assert forms, decision.title
        for action, step in forms:
            assert action == _url("detail", decision), (decision.title, action, step)
            assert step, (decision.title, action)
            seen.add(step)
    client.force_login(owner)
    for decision in (running, closed):
        for action, step in _post_forms(_text(client.get(_url("detail", decision)))):
            assert action == _url("detail", decision), (decision.title, action, step)
            seen.add(step)
    assert seen >= {
        "open",
        "affected_add",
        "affected_remove",
        "cancel",
        "extend",
        "mediation",
        "minutes",
        "vote",
        "objection",
        "objection_withdraw",
    }


def test_the_paper_proxy_and_cost_pages_post_to_themselves(world: World, estate: Estate, client: Any) -> None:
    running = make_decision(world, estate)
    elector = Elector.objects.get(decision=running, persons__user=estate.owners["302"])
    services.enter_paper_ballot(world.user("committee_staff"), running, elector, "P-1", choice="yes")
    client.force_login(world.user("street_official"))  # someone other than who entered it may check it
    paper = _post_forms(_text(client.get(_url("paper", running))))
    assert set(paper) == {(_url("paper", running), "enter"), (_url("paper", running), "check")}
    assert _post_forms(_text(client.get(_url("proxies", running)))) == [(_url("proxies", running), "")]
    draft = make_decision(world, estate, open_now=False, title="Draft")
    assert _post_forms(_text(client.get(_url("cost_plan", draft)))) == [(_url("cost_plan", draft), "")]


def test_a_mistake_posted_to_the_page_comes_back_on_the_page_with_its_field(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    before = _state(decision)
    typed = _local(
        add_months(decision.closes_at, 3) + timedelta(days=1)
    )  # planned: closes_at, not yet extended
    response = staff.post(_url("detail", decision), {"step": "extend", "closes_at": typed})
    assert response.status_code == 400
    assert response.request["PATH_INFO"] == _url("detail", decision)
    field = _field(_text(response), "closes_at")
    assert f'value="{typed}"' in field
    assert "Voting may be extended by at most 3 months" in field
    assert _state(decision) == before


def test_a_step_the_state_no_longer_allows_is_refused_with_a_redirect_to_the_page(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    services.cancel_decision(world.user("committee_staff"), decision, "The subsidy was withdrawn.")
    before = _state(decision)
    # the page was left open before the cancellation: its extend form is posted anyway
    for url in (_url("detail", decision), _url("extend", decision)):
        data = {"step": "extend", "closes_at": _local(decision.closes_at + timedelta(days=3))}
        response = staff.post(url, data)
        assert (response.status_code, response["Location"]) == (303, _url("detail", decision) + "#manage")
        shown = _text(staff.get(response["Location"]))
        assert "This decision was cancelled." in shown
        assert "<summary>Extend voting</summary>" not in shown
    assert _state(decision) == before


def test_a_get_of_a_steps_old_address_leads_to_the_page_and_an_unknown_step_is_not_found(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    response = staff.get(_url("extend", decision))
    assert (response.status_code, response["Location"]) == (302, _url("detail", decision) + "#manage")
    before = _state(decision)
    assert staff.post(_url("detail", decision), {"step": "delete_everything"}).status_code == 404
    assert staff.post(_url("detail", decision), {}).status_code == 404
    assert _state(decision) == before


def test_a_paper_ballot_is_checked_through_the_paper_page(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    elector = Elector.objects.get(decision=decision, persons__user=estate.owners["302"])
    services.enter_paper_ballot(world.user("committee_staff"), decision, elector, "P-1", choice="yes")
    participation = elector.participations.get()
    client.force_login(world.user("committee_staff"))  # who entered it may not check it
    own = client.post(
        _url("paper", decision), {"step": "check", "item": participation.pk, "verdict": "matches"}
    )
    assert (own.status_code, own["Location"]) == (303, _url("paper", decision))
    assert "Someone other than the person who entered a paper ballot must check it." in _text(
        client.get(own["Location"])
    )
    participation.refresh_from_db()
    assert not participation.counted
    client.force_login(world.user("street_official"))
    done = client.post(
        _url("paper", decision), {"step": "check", "item": participation.pk, "verdict": "matches"}
    )
    assert (done.status_code, done["Location"]) == (302, _url("paper", decision))
    participation.refresh_from_db()
    assert participation.counted


def test_an_affected_unit_with_an_unknown_impact_is_refused_and_nothing_is_listed(
    world: World, estate: Estate
) -> None:
    draft = make_decision(world, estate, open_now=False, title="Draft")
    unit = estate.stairwell.units.first()
    with pytest.raises(ValidationError) as refused:
        services.add_affected_unit(world.user("committee_staff"), draft, unit, "loses_light", "")
    assert refused.value.message_dict == {"impact": ["Choose how the unit is affected."]}
    with pytest.raises(ValidationError) as too_long:
        services.add_affected_unit(world.user("committee_staff"), draft, unit, "light", "x" * 256)
    assert too_long.value.message_dict == {"note": ["Keep the note under 255 characters."]}
    assert not AffectedUnit.objects.filter(decision=draft).exists()
