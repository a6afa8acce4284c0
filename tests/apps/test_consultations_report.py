"""The report page of a consultation: the opinion map with real groups, what sets each apart, common ground and
bridging, divisive statements; moderators' flags and participation against the registry for those who run
consultations; a decision draft from ticked statements; both languages; and the page before any analysis."""

from __future__ import annotations

import re
from datetime import timedelta
from fractions import Fraction
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.consultations import computing, services
from comity.consultations.models import Analysis, Consultation, DecisionDraft, Moderation, Statement
from comity.consultations.report.map import MAX_DOTS, SHAPES, _hull, _spread, opinion_map
from comity.consultations.report.participation import age_band, natural_key, participation_stats
from comity.structure.models import AreaKind

from ..cast import World
from ..factories import (
    AreaFactory,
    HouseholdFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)
from .consultations import make_consultation

STATEMENTS = (
    "More parking spaces in the courtyard.",  # 0: east agrees, west disagrees
    "Turn the courtyard into a garden.",  # 1: west agrees
    "Keep cars out of the courtyard at night.",  # 2: west agrees
    "Repair the broken street lights.",  # 3: everyone agrees
    "Hold a residents' meeting every month.",  # 4: everyone agrees
    "Ban square dancing entirely.",  # 5: everyone disagrees
    "Charge for parking.",  # 6: west agrees
    "Paint the fences green.",  # 7: opinions vary
)
EAST = {0: 1, 1: -1, 2: -1, 3: 1, 4: 1, 5: -1, 6: -1}
WEST = {0: -1, 1: 1, 2: 1, 3: 1, 4: 1, 5: -1, 6: 1}
CAMP_SIZE = 9


def _url(name: str, consultation: Consultation) -> str:
    return reverse(f"consultations:{name}", args=[consultation.community_id, consultation.pk])


def _resident(world: World, username: str, building: Any, birth_year: int, *, account: bool = True) -> Any:
    household = HouseholdFactory(unit=UnitFactory(building=building))
    user = UserFactory(username=username) if account else None
    PersonFactory(
        user=user,
        community=world.harmony,
        household=household,
        full_name=username.title(),
        birth_year=birth_year,
    )
    return user


def _vote(user: Any, consultation: Consultation, camp: dict[int, int], index: int) -> None:
    for statement in consultation.statements.order_by("number"):
        value = camp.get(statement.number, index % 3 - 1)
        services.cast_vote(user, statement, value)


@pytest.fixture
def town(world: World) -> dict[str, Any]:
    """Two camps of nine voters (building 1, aged about 40; building 2, aged about 30), Rui voting with the east
    camp, and six residents of building 3 aged 85 without accounts who never vote."""
    year = timezone.localdate().year
    building_2 = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="2", name="Building 2")
    building_3 = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="3", name="Building 3")
    consultation = make_consultation(world, seed_statements=list(STATEMENTS))
    east = [_resident(world, f"east{i}", world.building, year - 40) for i in range(CAMP_SIZE)]
    west = [_resident(world, f"west{i}", building_2, year - 30) for i in range(CAMP_SIZE)]
    for i in range(6):
        _resident(world, f"elder{i}", building_3, year - 85, account=False)
    _resident(world, "child", building_3, year - 10, account=False)
    for index, user in enumerate(east):
        _vote(user, consultation, EAST, index)
    for index, user in enumerate(west):
        _vote(user, consultation, WEST, index)
    _vote(world.user("resident"), consultation, EAST, 1)
    computing.compute_analysis(consultation.pk)
    return {"consultation": consultation, "east": east, "west": west, "building_3": building_3}


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


# --- what everyone who may see the consultation sees --------------------------------------------------------


def test_the_report_shows_the_groups_what_sets_them_apart_and_common_ground(
    town: dict[str, Any], client_for: Any
) -> None:
    consultation = town["consultation"]
    page = _text(client_for("resident").get(_url("report", consultation)))
    report = Analysis.objects.get(consultation=consultation).report

    assert report["k"] == 2
    assert "What residents think" in page
    assert "How should the courtyard be used?" in page
    assert "Last computed at " in page
    assert f"from {8 * (2 * CAMP_SIZE + 1)} votes." in page
    assert "New votes are being counted" not in page
    assert re.search(r'<svg class="opinion-map"[^>]*role="img"', page)
    assert page.count('<g class="map-group"') == 2
    assert page.count("<use href=") == 2 * CAMP_SIZE + 1
    for label in ("A", "B"):
        assert f'id="group-{label}"' in page
        assert f"Group {label}" in page
    for group in report["groups"]:
        for representative in group["representative"]:
            assert STATEMENTS[representative["statement"]] in page
    assert "Most participants agree" in page
    assert "Repair the broken street lights." in page
    assert "Ban square dancing entirely." in page
    assert "Shared across the groups" in page
    assert "Bridging score" in page
    assert "Group-aware consensus" in page
    assert "data-common-ground" in page
    assert "Where the groups differ most" in page
    # The text alternative: a table of the groups with their sizes.
    sizes = sorted(group["size"] for group in report["groups"])
    legend = page[page.index("data-legend") : page.index("</table>", page.index("data-legend"))]
    assert sorted(int(n) for n in re.findall(r'<td class="num">(\d+)</td>', legend)) == sizes


def test_the_residents_own_dot_is_marked_and_their_group_named(
    town: dict[str, Any], world: World, client_for: Any
) -> None:
    consultation = town["consultation"]
    report = Analysis.objects.get(consultation=consultation).report
    group_of = {p["id"]: p["group"] for p in report["participants"]}
    rui = group_of[world.user("resident").pk]
    assert {group_of[user.pk] for user in town["east"]} == {rui}  # Rui voted with the east camp
    assert {group_of[user.pk] for user in town["west"]} == {1 - rui}
    page = _text(client_for("resident").get(_url("report", consultation)))
    assert "data-you" in page
    assert ">you</text>" in page
    assert f"You are in group {report['groups'][rui]['label']}." in page
    # Someone who did not vote has no dot of their own, and no participant id is ever written into the map.
    other = _text(client_for("owner").get(_url("report", consultation)))
    assert "data-you" not in other
    assert "You are in group" not in other
    drawing = other.split('<svg class="opinion-map"', 1)[1].split("</svg>", 1)[0]
    attributes = set(re.findall(r"\s([a-z-]+)=\"", drawing))
    assert attributes <= {
        *(
            "viewBox",
            "role",
            "aria-labelledby",
            "data-map",
            "data-close-label",
            "focusable",
            "id",
            "d",
            "class",
        ),
        *(
            "x",
            "y",
            "width",
            "height",
            "rx",
            "x1",
            "x2",
            "y1",
            "y2",
            "data-group",
            "style",
            "href",
            "cx",
            "cy",
        ),
        *("r", "text-anchor", "dominant-baseline"),
    }, attributes


def test_flags_and_participation_are_for_those_who_run_the_consultation(
    town: dict[str, Any], client_for: Any
) -> None:
    consultation = town["consultation"]
    row = Analysis.objects.get(consultation=consultation)
    report = row.report
    report["bridging"][-1]["flagged"] = True  # whatever the data, one statement the measures disagree on
    flagged_number = report["bridging"][-1]["statement"]
    Analysis.objects.filter(pk=row.pk).update(report=report)

    for role in ("resident", "owner", "grid_worker", "ngo_staff"):
        page = _text(client_for(role).get(_url("report", consultation)))
        assert "data-flagged" not in page
        assert "Flagged for moderators" not in page
        assert 'id="participation"' not in page
        assert "report_draft" not in page
        assert "Create a decision draft" not in page
    for role in ("committee_staff", "street_official"):
        page = _text(client_for(role).get(_url("report", consultation)))
        assert page.count("data-flagged") == 1
        assert f'data-statement="{flagged_number}" class="is-flagged"' in page
        assert "1 statement is flagged for moderators." in page
        assert 'id="participation"' in page
        assert "Create a decision draft" in page


def test_a_statement_taken_down_disappears_from_the_report_at_once(
    town: dict[str, Any], world: World, client_for: Any
) -> None:
    consultation = town["consultation"]
    statement = consultation.statements.get(number=3)
    services.moderate(
        world.user("committee_staff"), statement, accept=False, reason="Off topic", is_meta=False
    )
    page = _text(client_for("resident").get(_url("report", consultation)))
    assert "Repair the broken street lights." not in page
    assert "New votes are being counted" in page


def test_before_any_analysis_the_page_explains_instead_of_empty_charts(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    page = _text(client_for("resident").get(_url("report", consultation)))
    assert "No opinion map yet" in page
    assert '<svg class="opinion-map"' not in page
    assert "Last computed" not in page

    services.cast_vote(world.user("resident"), consultation.statements.get(number=0), 1)
    services.cast_vote(world.user("owner"), consultation.statements.get(number=0), -1)
    computing.compute_analysis(consultation.pk)
    page = _text(client_for("resident").get(_url("report", consultation)))
    assert "Too few votes for opinion groups yet" in page
    assert "So far 2 participants have." in page
    assert "Last computed at " in page
    assert "from 2 votes." in page
    assert '<svg class="opinion-map"' not in page
    staff = _text(client_for("committee_staff").get(_url("report", consultation)))
    assert 'id="participation"' in staff


def test_the_consultation_page_and_the_list_link_to_the_report(town: dict[str, Any], client_for: Any) -> None:
    consultation = town["consultation"]
    client = client_for("resident")
    assert f'href="{_url("report", consultation)}"' in _text(client.get(_url("detail", consultation)))
    listing = _text(client.get(reverse("consultations:list", args=[consultation.community_id])))
    assert f'href="{_url("report", consultation)}"' in listing


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("role", ["resident", "committee_staff"])
def test_the_report_renders_in_english_and_chinese(
    town: dict[str, Any], client_for: Any, language: str, role: str
) -> None:
    response = client_for(role).get(_url("report", town["consultation"]), HTTP_ACCEPT_LANGUAGE=language)
    page = _text(response)
    assert f'<html lang="{language}"' in page
    assert "Repair the broken street lights." in page
    if language == "zh-hans":
        assert "退出登录" in page
    else:
        assert "Log out" in page


def test_a_draft_consultations_report_is_for_staff_only(world: World, client_for: Any) -> None:
    consultation = make_consultation(world, publish=False)
    assert client_for("resident").get(_url("report", consultation)).status_code == 403
    assert client_for("committee_staff").get(_url("report", consultation)).status_code == 200
    wrong = reverse("consultations:report", args=[world.riverside.pk, consultation.pk])
    assert client_for("platform_staff").get(wrong).status_code == 404


# --- participation against the registry ---------------------------------------------------------------------


def test_participation_flags_the_unheard_building_and_age_group_while_open(
    town: dict[str, Any], client_for: Any
) -> None:
    consultation = town["consultation"]
    stats = participation_stats(consultation)
    # Building 1: nine east voters, Rui and Olga; building 2: nine west voters; building 3: six elders.
    assert stats.registry_total == 26
    assert stats.voters_in_registry == 19
    assert stats.voters_outside == 0
    by_building = {row.label: row for row in stats.by_building}
    assert list(by_building) == ["Building 1", "Building 2", "Building 3"]
    assert (by_building["Building 1"].registry, by_building["Building 1"].voters) == (11, 10)
    assert (by_building["Building 2"].registry, by_building["Building 2"].voters) == (9, 9)
    assert (by_building["Building 3"].registry, by_building["Building 3"].voters) == (6, 0)
    assert by_building["Building 3"].registry_share == Fraction(6, 26)
    assert by_building["Building 2"].rate == 1
    assert [row.label for row in stats.flagged] == ["Building 3", "80 and older"]
    by_age = {row.key: row for row in stats.by_age}
    assert by_age["80+"].registry == 6
    assert by_age["80+"].under_represented
    assert by_age["35-49"].voters == 9
    assert by_age["18-34"].voters == 9

    page = _text(client_for("committee_staff").get(_url("report", consultation)))
    assert "19 of the 26 people on the register have voted (73%)." in page
    assert "Under-represented so far:" in page
    assert page.count("data-under-represented>") + page.count("data-under-represented ") >= 2
    assert re.search(
        r'data-key="\d+" class="is-flagged" data-under-represented>\s*<th scope="row">Building 3', page
    )


def test_after_closing_nothing_is_flagged(town: dict[str, Any], client_for: Any) -> None:
    consultation = town["consultation"]
    with time_machine.travel(consultation.closes_at + timedelta(hours=1)):
        stats = participation_stats(consultation)
        page = _text(client_for("committee_staff").get(_url("report", consultation)))
    assert not stats.flagging
    assert stats.flagged == []
    assert {row.label: row.voters for row in stats.by_building}["Building 3"] == 0
    assert "Under-represented so far:" not in page
    assert "data-under-represented" not in page


def test_small_groups_and_unknown_ages_are_never_flagged(world: World) -> None:
    year = timezone.localdate().year
    consultation = make_consultation(world)
    small = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="10", name="Building 10")
    for i in range(4):
        _resident(world, f"small{i}", small, year - 70, account=False)
    for i in range(5):
        PersonFactory(community=world.harmony, household=None, full_name=f"Nomad {i}", birth_year=None)
    voter = _resident(world, "voter", world.building, year - 40)
    services.cast_vote(voter, consultation.statements.get(number=0), 1)

    stats = participation_stats(consultation)
    rows = {row.key: row for row in [*stats.by_building, *stats.by_age]}
    assert [row.label for row in stats.by_building] == ["Building 1", "Building 10", "No flat on record"]
    assert rows[str(small.pk)].registry == 4
    assert not rows[str(small.pk)].under_represented
    assert rows["none"].registry == 5
    assert not rows["none"].comparable
    assert not rows["none"].under_represented
    assert rows["unknown"].registry == 5
    assert not rows["unknown"].under_represented
    assert rows["65-79"].registry == 4
    assert not rows["65-79"].under_represented


def test_an_area_consultation_counts_residents_and_owners_of_the_area_only(world: World) -> None:
    year = timezone.localdate().year
    building_2 = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="2", name="Building 2")
    consultation = make_consultation(world, area=building_2)
    neighbour = _resident(world, "neighbour", building_2, year - 50)
    _resident(world, "elsewhere", world.building, year - 50, account=False)
    # Rui lives in building 1 but owns a flat in building 2: counted there, as an owner.
    OwnershipFactory(unit=UnitFactory(building=building_2), person=world.user("resident").person)
    services.cast_vote(neighbour, consultation.statements.get(number=0), 1)
    services.cast_vote(world.user("resident"), consultation.statements.get(number=0), 1)

    stats = participation_stats(consultation)
    assert [(row.label, row.registry, row.voters) for row in stats.by_building] == [("Building 2", 2, 2)]
    assert stats.rate == 1


def test_imported_participants_are_left_out_and_counted_apart(town: dict[str, Any]) -> None:
    from comity.consultations.models import Vote

    consultation = town["consultation"]
    statement = consultation.statements.get(number=0)
    now = timezone.now()
    for n in range(3):
        Vote.objects.create(
            community=consultation.community,
            consultation=consultation,
            statement=statement,
            imported_participant=n,
            value=1,
            created_at=now,
            updated_at=now,
        )
    stats = participation_stats(consultation)
    assert stats.imported_participants == 3
    assert stats.voters_in_registry == 19


def test_age_groups_and_building_order() -> None:
    assert [age_band(2025 - age, 2025) for age in (10, 17, 18, 34, 35, 64, 65, 79, 80, 101)] == [
        "",
        "",
        "18-34",
        "18-34",
        "35-49",
        "50-64",
        "65-79",
        "65-79",
        "80+",
        "80+",
    ]
    assert age_band(None, 2025) == "unknown"
    assert sorted(["10", "2", "1", "3-2", "3-10", "A"], key=natural_key) == [
        "1",
        "2",
        "3-2",
        "3-10",
        "10",
        "A",
    ]


# --- the map's geometry -------------------------------------------------------------------------------------


def test_every_group_has_its_own_marker_shape() -> None:
    assert len(set(SHAPES)) == len(SHAPES) == 9


def test_the_hull_of_a_square_and_its_centre_is_the_square() -> None:
    points = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (1.0, 1.0), (2.0, 0.0)]
    assert _hull(points) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    assert _hull([(1.0, 1.0)]) == [(1.0, 1.0)]


def test_identical_positions_are_spread_apart_deterministically() -> None:
    spread = _spread([(10.0, 10.0)] * 4)
    assert spread[0] == (10.0, 10.0)
    assert len({(round(x, 3), round(y, 3)) for x, y in spread}) == 4
    assert spread == _spread([(10.0, 10.0)] * 4)


def _report(n: int, groups: int = 2) -> dict[str, Any]:
    return {
        "participants": [
            {"id": i + 1, "x": float(i % 7), "y": float(i % 5), "group": i % groups, "in_conversation": True}
            for i in range(n)
        ],
        "groups": [{"id": g, "label": "AB"[g], "size": 0, "center": [0, 0]} for g in range(groups)],
    }


def test_the_map_fits_the_drawing_keeps_badges_apart_and_marks_you() -> None:
    drawn = opinion_map(_report(40), you=7, labels=["A", "B"])
    dots = [d for g in drawn.groups for d in g.dots]
    assert len(dots) == 40
    assert all(0 <= d.x <= drawn.width and 0 <= d.y <= drawn.height for d in dots)
    a, b = drawn.groups
    assert ((a.badge_x - b.badge_x) ** 2 + (a.badge_y - b.badge_y) ** 2) ** 0.5 >= 2 * 15
    assert drawn.you is not None
    assert drawn.you_label_anchor in {"start", "end"}
    assert opinion_map(_report(40), you=None).you is None


def test_a_very_large_map_is_drawn_from_an_even_sample_that_keeps_you() -> None:
    drawn = opinion_map(_report(MAX_DOTS * 2 + 1), you=4)
    assert drawn.sampled
    assert drawn.total == MAX_DOTS * 2 + 1
    assert drawn.drawn <= MAX_DOTS + 1
    assert drawn.you is not None


# --- a decision draft from common ground --------------------------------------------------------------------


def test_ticked_statements_become_exactly_one_decision_draft(town: dict[str, Any], client_for: Any) -> None:
    consultation = town["consultation"]
    client = client_for("committee_staff")
    page = _text(client.get(_url("report", consultation)))
    # Offered: what most agree or disagree with and what every group agrees with; never a divisive statement.
    assert re.findall(r'name="statements" value="(\d+)"', page) == ["3", "4", "5"]
    response = client.post(
        _url("report_draft", consultation), {"title": "Lights and meetings", "statements": ["4", "3", "4"]}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("drafts", consultation)
    draft = DecisionDraft.objects.get()
    assert draft.title == "Lights and meetings"
    assert draft.statement_numbers == [3, 4]
    assert draft.consultation == consultation
    body = draft.body
    assert "1. Hold a residents' meeting every month. (#4)" in body
    assert "2. Repair the broken street lights. (#3)" in body
    assert "agree 19, disagree 0, pass 0" in body
    assert "agreement by group: A " in body
    assert "bridging score " in body
    assert "group-aware consensus " in body
    assert "How should the courtyard be used?" in body
    drafts = _text(client.get(response["Location"]))
    assert "Saved the decision draft “Lights and meetings”." in drafts


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "Nothing"}, "Tick at least one statement for the draft."),
        ({"title": "Far away", "statements": ["42"]}, "Only statements of this consultation"),
        ({"title": "Words", "statements": ["three"]}, "Only statements of this consultation"),
        (
            {"title": "Huge", "statements": ["99999999999999999999999"]},
            "Only statements of this consultation",
        ),
        ({"title": "", "statements": ["3"]}, "This field is required."),
        ({"title": "x" * 161, "statements": ["3"]}, "at most 160 characters"),
    ],
)
def test_an_empty_or_tampered_draft_is_refused_and_writes_nothing(
    town: dict[str, Any], client_for: Any, data: dict[str, Any], message: str
) -> None:
    consultation = town["consultation"]
    audit = AuditEntry.objects.count()
    response = client_for("committee_staff").post(_url("report_draft", consultation), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert DecisionDraft.objects.count() == 0
    assert AuditEntry.objects.count() == audit


def test_a_statement_of_another_consultation_or_one_taken_down_is_refused(
    town: dict[str, Any], world: World, client_for: Any
) -> None:
    consultation = town["consultation"]
    other = make_consultation(world, title="Elsewhere", seed_statements=[f"Other {n}" for n in range(12)])
    foreign = Statement.objects.get(consultation=other, number=11)
    client = client_for("committee_staff")
    response = client.post(
        _url("report_draft", consultation), {"title": "T", "statements": [str(foreign.number)]}
    )
    assert response.status_code == 400
    Statement.objects.filter(consultation=consultation, number=5).update(moderation=Moderation.REJECTED)
    response = client.post(_url("report_draft", consultation), {"title": "T", "statements": ["5"]})
    assert response.status_code == 400
    assert DecisionDraft.objects.count() == 0
    # The residents' page has no such form, and a resident's POST is refused without a trace.
    assert (
        client_for("resident")
        .post(_url("report_draft", consultation), {"title": "T", "statements": ["3"]})
        .status_code
        == 403
    )
    assert DecisionDraft.objects.count() == 0


def test_the_first_votes_of_a_new_consultation_draw_the_map_without_waiting_for_the_sweep(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    consultation = make_consultation(world)
    assert Analysis.objects.get(consultation=consultation).dirty  # created dirty, never computed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.cast_vote(world.user("resident"), consultation.statements.get(number=0), 1)
    assert len(callbacks) == 1
    row = Analysis.objects.get(consultation=consultation)
    assert row.computed_at is not None
    assert row.votes_seen == 1
