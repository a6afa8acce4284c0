"""The consultation pages: the list, voting one statement at a time (with and without htmx), adding a
statement, moderation, decision drafts, both languages, and bad input that must never be a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.consultations.models import Consultation, DecisionDraft, Statement, Vote

from ..cast import World
from .consultations import SEEDS, make_consultation, second_building_resident


def _url(name: str, consultation: Consultation, *args: Any) -> str:
    return reverse(f"consultations:{name}", args=[consultation.community_id, consultation.pk, *args])


def _statement(consultation: Consultation, number: int) -> Statement:
    return Statement.objects.get(consultation=consultation, number=number)


def _shown(response: Any) -> str:
    """The text of the statement in the vote area."""
    match = re.search(
        r'class="vote-statement"><span class="statement-number">#\d+</span> ([^<]+)</p>',
        response.content.decode(),
    )
    assert match, "no statement in the vote area"
    return match.group(1)


def _writes() -> tuple[int, int, int]:
    return Vote.objects.count(), Statement.objects.count(), AuditEntry.objects.count()


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_shows_open_then_upcoming_then_closed_and_drafts_only_to_staff(
    world: World, client_for: Any
) -> None:
    now = timezone.now()
    closed = make_consultation(
        world, title="Closed one", opens_at=now - timedelta(days=3), closes_at=now + timedelta(minutes=1)
    )
    Consultation.objects.filter(pk=closed.pk).update(closes_at=now - timedelta(days=1))
    upcoming = make_consultation(
        world, title="Upcoming one", opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9)
    )
    open_one = make_consultation(world, title="Open one")
    make_consultation(world, title="Draft one", publish=False)
    url = reverse("consultations:list", args=[world.harmony.pk])

    resident_page = client_for("resident").get(url)
    assert resident_page.status_code == 200
    assert [c.title for c in resident_page.context["consultations"]] == [
        "Open one",
        "Upcoming one",
        "Closed one",
    ]
    assert "New consultation" not in resident_page.content.decode()
    staff_page = client_for("committee_staff").get(url)
    assert [c.title for c in staff_page.context["consultations"]] == [
        "Open one",
        "Upcoming one",
        "Closed one",
        "Draft one",
    ]
    assert "New consultation" in staff_page.content.decode()
    assert {open_one.pk, upcoming.pk} <= {c.pk for c in staff_page.context["consultations"]}


def test_the_list_costs_the_same_queries_for_one_or_many_consultations(
    world: World, client_for: Any, django_assert_num_queries: Any
) -> None:
    client = client_for("resident")
    url = reverse("consultations:list", args=[world.harmony.pk])
    make_consultation(world, title="First")
    client.get(url)
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # the list's body is cached: compare two renderings of it, not a cached one with a rendered one
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(4):
        make_consultation(world, title=f"More {n}")
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="consultation-card__link"') == 5


def test_the_overview_and_the_navigation_link_to_consultations(world: World, client_for: Any) -> None:
    page = client_for("resident").get(reverse("structure:overview", args=[world.harmony.pk])).content.decode()
    assert page.count(f'href="{reverse("consultations:list", args=[world.harmony.pk])}"') >= 2


# --- voting -------------------------------------------------------------------------------------------------


def test_the_page_shows_one_statement_with_three_buttons_and_the_progress(
    world: World, client_for: Any
) -> None:
    consultation = make_consultation(world)
    response = client_for("resident").get(_url("detail", consultation))
    text = response.content.decode()

    assert response.status_code == 200
    assert "How should the courtyard be used?" in text
    assert "The old bike shed is gone." in text
    assert "You have voted on 0 of 3 statements." in text
    assert _shown(response) in SEEDS
    assert text.count('name="value"') == 3
    assert 'hx-post="' + _url("detail", consultation) + '"' in text  # the vote posts to the page itself
    assert '<input type="hidden" name="step" value="vote">' in text


def test_voting_without_javascript_moves_on_to_the_next_statement(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    client = client_for("resident")
    seen = []
    for value in ["1", "-1", "0"]:
        page = client.get(_url("detail", consultation))
        seen.append(_shown(page))
        statement = Statement.objects.get(consultation=consultation, text=seen[-1])
        response = client.post(_url("vote", consultation), {"statement": statement.pk, "value": value})
        assert response.status_code == 302
        assert response["Location"] == _url("detail", consultation) + "#vote"

    assert sorted(seen) == sorted(SEEDS)
    votes = dict(Vote.objects.values_list("statement__text", "value"))
    assert votes == {seen[0]: 1, seen[1]: -1, seen[2]: 0}
    done = client.get(_url("detail", consultation)).content.decode()
    assert "You have voted on 3 of 3 statements." in done
    assert "You have voted on every statement." in done


def test_voting_with_htmx_swaps_in_only_the_vote_area(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    client = client_for("owner")
    statement = _statement(consultation, 0)
    response = client.post(
        _url("vote", consultation), {"statement": statement.pk, "value": "1"}, HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert text.lstrip().startswith('<section class="card vote-area" id="vote"')
    assert "You have voted on 1 of 3 statements." in text
    assert _shown(response) in SEEDS[1:]
    assert Vote.objects.get().value == 1


def test_a_changed_vote_updates_the_one_row(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    client = client_for("resident")
    statement = _statement(consultation, 0)
    client.post(_url("vote", consultation), {"statement": statement.pk, "value": "1"})
    response = client.post(
        _url("vote", consultation), {"statement": statement.pk, "value": "-1", "from": "my-votes"}
    )
    assert response["Location"].endswith("#my-votes")
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]
    page = client.get(_url("detail", consultation)).content.decode()
    assert 'value="-1" aria-pressed="true"' in page


def test_a_vote_on_a_closed_consultation_is_refused_on_the_page(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    client = client_for("resident")
    with time_machine.travel(consultation.closes_at + timedelta(hours=1)):
        client = client_for("resident")  # a week idle ends a session; the resident signs in again
        page = client.get(_url("detail", consultation))
        assert "This consultation closed on" in page.content.decode()
        assert 'name="value"' not in page.content.decode()
        response = client.post(
            _url("vote", consultation), {"statement": _statement(consultation, 0).pk, "value": "1"}
        )
        htmx = client.post(
            _url("vote", consultation),
            {"statement": _statement(consultation, 0).pk, "value": "1"},
            HTTP_HX_REQUEST="true",
        )
    # refused with a 303 to the page, which says why; never left on the vote's address
    assert (response.status_code, response["Location"]) == (303, _url("detail", consultation) + "#vote")
    with time_machine.travel(consultation.closes_at + timedelta(hours=1)):
        assert "votes can no longer be cast or changed." in client.get(response["Location"]).content.decode()
    assert htmx.status_code == 400
    assert "votes can no longer be cast or changed." in htmx.content.decode()
    assert Vote.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"value": "1"},
        {"statement": "", "value": "1"},
        {"statement": "abc", "value": "1"},
        {"statement": "STATEMENT", "value": "5"},
        {"statement": "STATEMENT", "value": "agree"},
        {"statement": "STATEMENT"},
    ],
)
def test_bad_vote_input_is_a_400_and_writes_nothing(
    world: World, client_for: Any, data: dict[str, str]
) -> None:
    consultation = make_consultation(world)
    data = {k: (str(_statement(consultation, 0).pk) if v == "STATEMENT" else v) for k, v in data.items()}
    response = client_for("resident").post(_url("vote", consultation), data)
    assert response.status_code == 400
    assert "Choose agree, disagree or pass." in response.content.decode()
    assert Vote.objects.count() == 0


def test_an_unknown_statement_or_one_of_another_consultation_is_a_404(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    other = make_consultation(world, title="Another")
    client = client_for("resident")
    assert client.post(_url("vote", consultation), {"statement": 999999, "value": "1"}).status_code == 404
    foreign = _statement(other, 0).pk
    assert client.post(_url("vote", consultation), {"statement": foreign, "value": "1"}).status_code == 404
    wrong_community = reverse("consultations:detail", args=[world.riverside.pk, consultation.pk])
    assert client_for("platform_staff").get(wrong_community).status_code == 404
    assert client.get(reverse("consultations:detail", args=[world.harmony.pk, 999999])).status_code == 404
    assert Vote.objects.count() == 0


def test_residents_of_another_building_see_why_they_cannot_vote(world: World, client_for: Any) -> None:
    bai, building_2 = second_building_resident(world)
    consultation = make_consultation(world, area=building_2)
    client = client_for("resident")
    page = client.get(_url("detail", consultation)).content.decode()
    assert "Only residents and owners of Building 2 take part in this consultation." in page
    assert 'name="value"' not in page
    response = client.post(
        _url("vote", consultation), {"statement": _statement(consultation, 0).pk, "value": "1"}
    )
    assert response.status_code == 403
    assert Vote.objects.count() == 0

    client.force_login(bai)
    assert 'name="value"' in client.get(_url("detail", consultation)).content.decode()


# --- statements and moderation ------------------------------------------------------------------------------


def test_a_resident_adds_a_statement_and_others_can_vote_on_it(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    client = client_for("resident")
    response = client.post(_url("add_statement", consultation), {"text": "Plant more trees."})
    assert response.status_code == 302
    assert response["Location"] == _url("detail", consultation) + "#statements"
    statement = Statement.objects.get(text="Plant more trees.")
    page = client.get(_url("detail", consultation)).content.decode()
    assert "Your statement is now shown to others to vote on." in page
    assert "You have voted on 0 of 4 statements." in page
    client_for("owner").post(_url("vote", consultation), {"statement": statement.pk, "value": "1"})
    assert Vote.objects.get().statement == statement


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write a statement."),
        ("x" * 300, "A statement can have at most 280 characters; this one has 300."),
        (SEEDS[0].upper(), "is already a statement of this consultation."),
    ],
)
def test_a_bad_statement_is_refused_on_the_page(
    world: World, client_for: Any, text: str, message: str
) -> None:
    consultation = make_consultation(world)
    before = _writes()
    response = client_for("resident").post(_url("add_statement", consultation), {"text": text})
    assert response.status_code == 400
    assert message in " ".join(response.context["statement_form"].errors["text"])
    assert _writes() == before


def test_a_post_without_the_text_field_is_a_400(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    response = client_for("resident").post(_url("add_statement", consultation), {})
    assert response.status_code == 400
    assert Statement.objects.count() == 3


def test_the_moderation_reason_is_shown_to_the_author_and_staff_only(world: World, client_for: Any) -> None:
    consultation = make_consultation(world, strict_moderation=True)
    client = client_for("resident")
    client.post(_url("add_statement", consultation), {"text": "Fine the family in 1-103."})
    statement = Statement.objects.get(author=world.user("resident"))
    pending_page = client.get(_url("detail", consultation)).content.decode()
    assert "will be shown once it has been reviewed" in pending_page
    assert "Waiting for review" in pending_page

    staff = client_for("committee_staff")
    queue = staff.get(_url("moderation", consultation))
    assert "Fine the family in 1-103." in queue.content.decode()
    missing = staff.post(
        _url("moderate", consultation, statement.pk), {f"s{statement.pk}-decision": "rejected"}
    )
    assert missing.status_code == 400
    assert "its author will read it" in missing.content.decode()
    response = staff.post(
        _url("moderate", consultation, statement.pk),
        {f"s{statement.pk}-decision": "rejected", f"s{statement.pk}-reason": "It names a household."},
    )
    assert response.status_code == 302
    assert "It names a household." in staff.get(_url("moderation", consultation)).content.decode()

    author_page = client_for("resident").get(_url("detail", consultation)).content.decode()
    assert "Not accepted" in author_page
    assert "It names a household." in author_page
    for role in ["owner", "grid_worker", "street_official"]:
        page = client_for(role).get(_url("detail", consultation)).content.decode()
        assert "It names a household." not in page
        assert "Fine the family in 1-103." not in page


def test_moderating_an_unknown_statement_is_a_404(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    other = make_consultation(world, title="Other")
    client = client_for("committee_staff")
    data = {"decision": "rejected", "reason": "x"}
    assert client.post(_url("moderate", consultation, 999999), data).status_code == 404
    assert client.post(_url("moderate", consultation, _statement(other, 0).pk), data).status_code == 404
    assert _statement(other, 0).moderation == "accepted"


# --- running a consultation ---------------------------------------------------------------------------------


def _form_data(**extra: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data = {
        "title": "Bike shed",
        "question": "Should we build a new bike shed?",
        "background": "",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "allow_statements": "on",
        "seed_statements": "Yes, by building 1.\n\nNo, the space is for children.",
    }
    data.update(extra)
    return data


def test_staff_create_publish_and_edit_a_consultation_on_the_pages(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    assert client.get(reverse("consultations:new", args=[world.harmony.pk])).status_code == 200
    response = client.post(
        reverse("consultations:new", args=[world.harmony.pk]), _form_data(area=world.building.pk)
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("detail", consultation)
    assert consultation.area == world.building
    assert list(consultation.statements.values_list("number", "text")) == [
        (0, "Yes, by building 1."),
        (1, "No, the space is for children."),
    ]
    assert client_for("resident").get(_url("detail", consultation)).status_code == 403

    client = client_for("committee_staff")
    assert client.post(_url("publish", consultation)).status_code == 302
    consultation.refresh_from_db()
    assert consultation.published
    assert client_for("resident").get(_url("detail", consultation)).status_code == 200

    client = client_for("committee_staff")
    edit_form = client.get(_url("edit", consultation))
    assert edit_form.status_code == 200
    assert 'value="Bike shed"' in edit_form.content.decode()
    response = client.post(
        _url("edit", consultation), _form_data(title="Bike shed 2", new_seed_statements="Maybe.")
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Bike shed 2"
    assert consultation.area is None
    assert _statement(consultation, 2).text == "Maybe."


@pytest.mark.parametrize(
    "extra",
    [
        {"title": ""},
        {"opens_at": "tomorrow"},
        {"closes_at": "2000-01-01T00:00"},
        {"area": "999999"},
        {"seed_statements": "y" * 281},
    ],
)
def test_bad_consultation_forms_are_a_400_and_write_nothing(
    world: World, client_for: Any, extra: dict[str, str]
) -> None:
    response = client_for("committee_staff").post(
        reverse("consultations:new", args=[world.harmony.pk]), _form_data(**extra)
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Consultation.objects.count() == 0


def test_publishing_without_statements_says_why(world: World, client_for: Any) -> None:
    consultation = make_consultation(world, publish=False, seed_statements=[])
    client = client_for("committee_staff")
    response = client.post(_url("publish", consultation), follow=True)
    assert "Add at least one seed statement before publishing" in response.content.decode()
    consultation.refresh_from_db()
    assert not consultation.published


def test_staff_write_a_decision_draft_listed_on_the_consultation(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    client = client_for("committee_staff")
    bad = client.post(
        _url("drafts", consultation), {"title": "Benches", "body": "Buy four.", "statements": ["0", "7"]}
    )
    assert bad.status_code == 400
    assert DecisionDraft.objects.count() == 0
    response = client.post(
        _url("drafts", consultation), {"title": "Benches", "body": "Buy four.", "statements": ["0"]}
    )
    assert response.status_code == 302
    assert DecisionDraft.objects.get().statement_numbers == [0]
    assert "Benches" in client.get(_url("detail", consultation)).content.decode()
    assert "Benches" not in client_for("resident").get(_url("detail", consultation)).content.decode()


# --- languages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "detail", "new", "edit", "moderation", "drafts"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pages_render_in_english_and_chinese(
    world: World, client_for: Any, name: str, language: str
) -> None:
    consultation = make_consultation(world)
    if name in {"list", "new"}:
        url = reverse(f"consultations:{name}", args=[world.harmony.pk])
    else:
        url = _url(name, consultation)
    response = client_for("committee_staff").get(url, HTTP_ACCEPT_LANGUAGE=language)
    text = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in text
    if language == "zh-hans":
        assert "退出登录" in text
        assert "Log out" not in text
    else:
        assert "Log out" in text


def test_the_voting_page_in_chinese_keeps_the_residents_words(world: World, client_for: Any) -> None:
    consultation = make_consultation(world, title="院子怎么用", seed_statements=["院子里需要更多长椅。"])
    page = client_for("resident").get(_url("detail", consultation), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    assert "院子怎么用" in text
    assert _shown(page) == "院子里需要更多长椅。"
