"""Staff and resident forms of consultations: bounds on every date and number, refused on their field with what
was typed kept, never a server error; and a GET of an action's address goes to its page instead of a 405."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comity.consultations.models import Consultation, DecisionDraft, Moderation, Vote

from ..cast import World
from .consultations import make_consultation

pytestmark = pytest.mark.django_db


def _url(name: str, consultation: Consultation, *extra: Any) -> str:
    return reverse(f"consultations:{name}", args=[consultation.community_id, consultation.pk, *extra])


def _field(page: str, name: str) -> str:
    for block in re.findall(r'<div class="form-field[^"]*">.*?</div>', page, flags=re.S):
        if f'name="{name}"' in block:
            return html.unescape(block)
    raise AssertionError(f"no field {name!r} on the page")


def _form(**extra: Any) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "title": "Bike shed",
        "question": "Should we build a new bike shed?",
        "background": "",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "allow_statements": "on",
        "group_count": "",
        "seed_statements": "Yes, by building 1.\nNo, the space is for children.",
    } | extra


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"closes_at": "9999-12-31T23:59"}, "closes_at", "Give a date between the years 2000 and 2100."),
        ({"opens_at": "0001-01-01T00:00"}, "opens_at", "Give a date between the years 2000 and 2100."),
        (
            {"closes_at": (timezone.localtime() + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")},
            "closes_at",
            "A consultation may run for at most a year.",
        ),
        ({"group_count": "1"}, "group_count", "Ensure this value is greater than or equal to 2."),
        (
            {"group_count": "99999999999999999999"},
            "group_count",
            "Ensure this value is less than or equal to 9.",
        ),
    ],
)
def test_a_consultation_out_of_bounds_is_refused_on_its_field_as_typed(
    extra: dict[str, str], field: str, message: str, world: World, client_for: Any
) -> None:
    response = client_for("committee_staff").post(
        reverse("consultations:new", args=[world.harmony.pk]), _form(**extra)
    )
    assert response.status_code == 400
    page = response.content.decode()
    block = _field(page, field)
    assert message in block
    assert f'value="{extra[field]}"' in block
    assert "Yes, by building 1." in _field(page, "seed_statements")
    assert Consultation.objects.count() == 0


def test_a_pol_is_import_with_a_date_in_the_year_9999_is_refused_on_its_field(
    world: World, client_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("committee_staff").post(
        reverse("consultations:import", args=[world.harmony.pk]),
        {
            "upload": [SimpleUploadedFile("votes.csv", b"timestamp,datetime,comment-id,voter-id,vote\n")],
            "vote_sign": "auto",
            "title": "Imported",
            "opens_at": "9999-12-31T23:59",
        },
    )
    assert response.status_code == 400
    assert "Give a date between the years 2000 and 2100." in _field(response.content.decode(), "opens_at")
    assert Consultation.objects.count() == 0


def test_a_vote_on_a_statement_number_too_large_for_the_database_is_refused_in_words(
    world: World, client_for: Any
) -> None:
    consultation = make_consultation(world)
    client = client_for("resident")
    page = client.post(_url("vote", consultation), {"statement": "99999999999999999999", "value": "1"})
    assert page.status_code == 400
    assert "Choose agree, disagree or pass." in html.unescape(page.content.decode())
    api = client.post(
        reverse("api-consultation-votes", args=[world.harmony.pk, consultation.pk]),
        {"statement": 99999999999999999999, "value": 1},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "statement" in api.json()
    assert Vote.objects.count() == 0


POST_ONLY = [
    ("vote", (), "detail", "#vote"),
    ("add_statement", (), "detail", "#statements"),
    ("publish", (), "detail", ""),
    ("moderate", (1,), "moderation", ""),
    ("report_draft", (), "report", "#draft"),
]


@pytest.mark.parametrize(("name", "extra", "page", "anchor"), POST_ONLY)
def test_a_get_of_an_action_goes_to_its_page_and_changes_nothing(
    name: str, extra: tuple[int, ...], page: str, anchor: str, world: World, client_for: Any
) -> None:
    consultation = make_consultation(world)
    before = (
        Vote.objects.count(),
        consultation.statements.count(),
        DecisionDraft.objects.count(),
        list(consultation.statements.values_list("moderation", flat=True)),
    )
    client = client_for("committee_staff")
    response = client.get(_url(name, consultation, *extra))
    assert response.status_code == 302
    assert response["Location"] == _url(page, consultation) + anchor
    assert client.put(_url(name, consultation, *extra)).status_code == 405
    anonymous = client_for("anonymous").get(_url(name, consultation, *extra))
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    assert client_for("other_resident").get(_url(name, consultation, *extra)).status_code in (403, 404)
    assert before == (
        Vote.objects.count(),
        consultation.statements.count(),
        DecisionDraft.objects.count(),
        list(consultation.statements.values_list("moderation", flat=True)),
    )
    assert Moderation.ACCEPTED in before[3]


def test_publish_is_offered_only_when_the_draft_can_be_published(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    ready = make_consultation(world, publish=False)
    page = client.get(_url("detail", ready)).content.decode()
    assert "Publish</button>" in page
    assert 'data-testid="publish-blocker"' not in page

    empty = make_consultation(world, publish=False, seed_statements=[])
    page = html.unescape(client.get(_url("detail", empty)).content.decode())
    assert "Publish</button>" not in page
    assert "Add at least one seed statement (Edit) before publishing" in page

    Consultation.objects.filter(pk=ready.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = html.unescape(client.get(_url("detail", ready)).content.decode())
    assert "Publish</button>" not in page
    assert "The closing time has passed: edit the consultation to move it later, then publish it." in page

    published = make_consultation(world)
    assert "Publish</button>" not in client.get(_url("detail", published)).content.decode()


# --- every step posts to its page, and a refusal never leaves the browser on an action's address ---------------

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", flags=re.S)


def _post_forms(page: str) -> list[tuple[str, str]]:
    """Each POST form of a page's main content: its ``action`` and the ``step`` it names ("" when none)."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    found = []
    for attributes, body in FORM.findall(main):
        if 'method="post"' not in attributes:
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        step = re.search(r'name="step" value="([^"]*)"', body)
        found.append((html.unescape(action.group(1)) if action else "", step.group(1) if step else ""))
    return found


def test_every_form_of_the_consultation_pages_posts_to_its_page(world: World, client_for: Any) -> None:
    draft = make_consultation(world, publish=False, title="Draft")
    staff = client_for("committee_staff")
    assert _post_forms(staff.get(_url("detail", draft)).content.decode()) == [
        (_url("detail", draft), "publish")
    ]

    consultation = make_consultation(world, strict_moderation=True)
    resident = client_for("resident")
    resident.post(_url("detail", consultation), {"step": "statement", "text": "Plant two trees."})
    resident.post(
        _url("detail", consultation),
        {"step": "vote", "statement": consultation.statements.first().pk, "value": "1"},
    )
    steps = _post_forms(resident.get(_url("detail", consultation)).content.decode())
    assert {action for action, _ in steps} == {_url("detail", consultation)}
    assert {step for _, step in steps} == {"vote", "statement"}
    assert len(steps) == 3  # the next statement, the statement form, and changing the vote already cast

    staff = client_for("committee_staff")  # the cast shares one client: sign in as staff again
    queue = _post_forms(staff.get(_url("moderation", consultation)).content.decode())
    assert len(queue) == 4  # three seeds and the resident's statement, each with its decision
    assert set(queue) == {(_url("moderation", consultation), "moderate")}
    assert _post_forms(staff.get(_url("drafts", consultation)).content.decode()) == [
        (_url("drafts", consultation), "")
    ]
    to_import = reverse("consultations:import", args=[world.harmony.pk])
    assert _post_forms(staff.get(to_import).content.decode()) == [(to_import, "")]


def test_a_step_the_state_no_longer_allows_is_a_303_to_the_page_that_says_why(
    world: World, client_for: Any
) -> None:
    consultation = make_consultation(world)  # published already: a page left open offers Publish still
    staff = client_for("committee_staff")
    for url in (_url("detail", consultation), _url("publish", consultation)):
        response = staff.post(url, {"step": "publish"})
        assert (response.status_code, response["Location"]) == (303, _url("detail", consultation))
        assert "This consultation is already published." in html.unescape(
            staff.get(response["Location"]).content.decode()
        )

    closed = make_consultation(world, title="No statements", allow_statements=False)
    resident = client_for("resident")
    count = closed.statements.count()
    response = resident.post(_url("detail", closed), {"step": "statement", "text": "Plant two trees."})
    assert (response.status_code, response["Location"]) == (303, _url("detail", closed) + "#statements")
    assert "This consultation does not take statements from residents" in html.unescape(
        resident.get(response["Location"]).content.decode()
    )
    assert closed.statements.count() == count


def test_a_mistake_comes_back_on_the_page_it_was_posted_to(world: World, client_for: Any) -> None:
    consultation = make_consultation(world, strict_moderation=True)
    resident = client_for("resident")
    long = "x" * 2001
    response = resident.post(_url("detail", consultation), {"step": "statement", "text": long})
    assert response.status_code == 400
    assert response.request["PATH_INFO"] == _url("detail", consultation)
    assert long in _field(response.content.decode(), "text")

    resident.post(_url("detail", consultation), {"step": "statement", "text": "Fine the family in 1-103."})
    statement = consultation.statements.get(author=world.user("resident"))
    staff = client_for("committee_staff")
    missing = staff.post(
        _url("moderation", consultation),
        {"step": "moderate", "item": statement.pk, f"s{statement.pk}-decision": "rejected"},
    )
    assert missing.status_code == 400
    assert "its author will read it" in _field(missing.content.decode(), f"s{statement.pk}-reason")
    statement.refresh_from_db()
    assert statement.moderation == Moderation.PENDING

    draft = staff.post(_url("report", consultation), {"step": "draft", "title": "Trees"})
    assert draft.status_code == 400
    assert draft.request["PATH_INFO"] == _url("report", consultation)
    assert DecisionDraft.objects.count() == 0


def test_an_unknown_step_is_not_found_and_changes_nothing(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    staff = client_for("committee_staff")
    assert staff.post(_url("detail", consultation), {"step": "close_everything"}).status_code == 404
    assert staff.post(_url("moderation", consultation), {"step": "vote"}).status_code == 404
    assert staff.post(_url("report", consultation), {}).status_code == 404
    assert Vote.objects.count() == 0
    assert client_for("resident").post(_url("report", consultation), {"step": "draft"}).status_code == 403
