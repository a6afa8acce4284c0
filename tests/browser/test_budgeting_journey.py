"""Participatory budgeting on a phone: a resident fills a knapsack ballot while the running budget bar follows every
tick (and the server refuses a ballot over the budget), in large text too; committee staff close the ballot early and
land on the results; a resident reads the results, every project explained and the rules compared.

The cycle is the hand-computed one of :mod:`tests.apps.budgeting`: budget 100 yuan, A (60, w x y z), B (40, w x y),
C (30, Rui and Olga). The official rule, the Method of Equal Shares with Add1, keeps the run where every share is
100/6 + 11 = 27.67 yuan: A's four supporters pay 15 yuan each, C's two pay 15 each, and B's three supporters have
27.67 − 15 = 12.67 each left, 38.00 of its 40 yuan.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from comity.budgeting.models import BallotKind, BudgetBallot, Cycle, CycleStatus, ProposalStatus
from tests.apps.budgeting import make_cycle

from .conftest import assert_fits_screen, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: The rules' short names, official rule first, as the results page's comparison shows them.
RULES = ["Equal Shares", "Equal Shares + votes", "Most votes", "Phragmén", "Equal Shares, plain"]


def _bar(page: Any) -> tuple[str, str, bool, float]:
    """The running budget bar: (spent, the "left"/"over" text, whether it is red, the fill's width in %)."""
    bar = page.locator("#budget-bar")
    over = "budget-bar--over" in (bar.get_attribute("class") or "")
    width = bar.locator(".budget-bar__fill").evaluate("e => parseFloat(e.style.width)")
    return (
        bar.locator(".budget-bar__spent").inner_text(),
        bar.locator(".budget-bar__left").inner_text(),
        over,
        width,
    )


def _box(page: Any, name: str) -> Any:
    return page.get_by_role("checkbox", name=re.compile(rf"Project {name}\b"))


def _chosen(cycle: Cycle, username: str) -> set[str] | None:
    ballot = BudgetBallot.objects.filter(cycle=cycle, voter__username=username).first()
    if ballot is None:
        return None
    return {mark.proposal.title for mark in ballot.marks.select_related("proposal")}


def _cards(cards: Any) -> dict[str, dict[str, str]]:
    """Figure cards: {"Most votes": {"Funded": "100 yuan", …}, …}."""
    out = {}
    for card in cards.locator(".rule-card").all():
        terms = [" ".join(t.split()) for t in card.locator("dt").all_inner_texts()]
        values = [" ".join(t.split()) for t in card.locator("dd").all_inner_texts()]
        out[" ".join(card.locator("h5").inner_text().split())] = dict(zip(terms, values, strict=True))
    return out


def _rows(table: Any) -> list[list[str]]:
    """A table's body as text: one list of cell texts (header cells included) per row."""
    return [
        [" ".join(cell.split()) for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def test_a_resident_fills_a_knapsack_ballot(browser: Any, live_server: Any, world: Any) -> None:
    scenario = make_cycle(world, kind=BallotKind.KNAPSACK, stage="voting")
    cycle = scenario.cycle
    url = f"{live_server.url}/c/{world.harmony.pk}/budgets/{cycle.pk}/"
    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/")
        page.get_by_role("link", name="Community budget", exact=True).click()
        page.get_by_role("heading", name="Community budget", level=1).wait_for()
        page.get_by_role("link", name="Harmony budget").click()
        page.get_by_role("heading", name="Harmony budget", level=1).wait_for()
        assert page.url == url
        part = page.locator("section").filter(has=page.get_by_role("heading", name="Your part"))
        assert part.get_by_text("You vote in Whole community, whose budget is 100 yuan.").is_visible()
        assert_fits_screen(page)
        screenshot(page, "budget-cycle-voting")

        part.get_by_role("link", name="Vote", exact=True).click()
        page.get_by_role("heading", name="Your ballot", level=1).wait_for()
        assert page.url == f"{url}vote/"
        assert page.get_by_text("Whole community · budget 100 yuan").is_visible()
        assert _bar(page) == ("0", "left: 100 yuan", False, 0)
        assert_fits_screen(page)
        screenshot(page, "budget-ballot")

        _box(page, "A").check()
        assert _bar(page) == ("60", "left: 40 yuan", False, 60)
        _box(page, "C").check()
        assert _bar(page) == ("90", "left: 10 yuan", False, 90)
        # B (40 yuan) no longer fits in the 10 yuan left: it is dimmed, but can still be ticked.
        project_b = page.locator(".ballot-project").filter(has=_box(page, "B"))
        assert "ballot-project--unaffordable" in (project_b.get_attribute("class") or "")
        _box(page, "B").check()
        assert _bar(page) == ("130", "over the budget: 30 yuan", True, 100)
        # Over the budget the bar and its "over the budget" text turn red (the danger colour, not the green).
        color = "(s => getComputedStyle(document.querySelector(s)).%s)"
        fill = page.evaluate(color % "backgroundColor", "#budget-bar .budget-bar__fill")
        assert fill == page.evaluate(color % "color", "#budget-bar .budget-bar__left")
        assert fill != page.evaluate(color % "backgroundColor", ".ballot__submit")
        assert page.locator("#budget-bar").get_attribute("role") == "status"
        assert_fits_screen(page)
        screenshot(page, "budget-ballot-over")

        _box(page, "B").uncheck()
        assert _bar(page) == ("90", "left: 10 yuan", False, 90)
        page.get_by_role("button", name="Cast my ballot").click()
        page.get_by_text("Your ballot is counted. You can change it until voting closes.").wait_for()
        assert page.url == f"{url}vote/"
        assert _chosen(cycle, "rui") == {"Project A", "Project C"}

        page.reload()
        assert _box(page, "A").is_checked()
        assert not _box(page, "B").is_checked()
        assert _box(page, "C").is_checked()
        assert _bar(page) == ("90", "left: 10 yuan", False, 90)
        assert page.get_by_role("button", name="Change my ballot").is_visible()
        assert_fits_screen(page)
        screenshot(page, "budget-ballot-kept")

        # Over the budget, the server refuses the ballot (the bar only warns) and keeps the last one.
        _box(page, "B").check()
        assert _bar(page)[2] is True
        page.get_by_role("button", name="Change my ballot").click()
        error = page.locator("#ballot-error")
        error.wait_for()
        assert error.inner_text() == (
            "Your projects cost 130 yuan, more than the budget of 100 yuan. Remove 30 yuan."
        )
        assert error.get_attribute("role") == "alert"
        assert all(_box(page, name).is_checked() for name in "ABC")  # the refused choice is shown again
        assert _bar(page) == ("130", "over the budget: 30 yuan", True, 100)
        assert _chosen(cycle, "rui") == {"Project A", "Project C"}
        assert_fits_screen(page)
        screenshot(page, "budget-ballot-refused")

        page.goto(url)
        assert page.get_by_role("link", name="See or change your ballot").is_visible()
        assert page.get_by_text(re.compile(r"Your ballot was counted on ")).is_visible()

    assert BudgetBallot.objects.filter(cycle=cycle).count() == 1


def test_a_refused_first_ballot_saves_nothing_in_large_text(
    browser: Any, live_server: Any, world: Any
) -> None:
    scenario = make_cycle(world, kind=BallotKind.KNAPSACK, stage="voting")
    cycle = scenario.cycle
    url = f"{live_server.url}/c/{world.harmony.pk}/budgets/{cycle.pk}/"
    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(f"{url}vote/")
        page.get_by_role("button", name="Larger text").click()
        page.wait_for_load_state()
        assert "large-text" in (page.locator("html").get_attribute("class") or "")
        page.get_by_role("heading", name="Your ballot", level=1).wait_for()
        assert _bar(page) == ("0", "left: 100 yuan", False, 0)
        assert_fits_screen(page)
        screenshot(page, "budget-ballot-large-text")

        for name in "AB":
            _box(page, name).check()
        assert _bar(page) == ("100", "left: 0 yuan", False, 100)
        _box(page, "C").check()
        assert _bar(page) == ("130", "over the budget: 30 yuan", True, 100)
        assert_fits_screen(page)
        screenshot(page, "budget-ballot-over-large-text")
        page.get_by_role("button", name="Cast my ballot").click()
        page.locator("#ballot-error").wait_for()
        assert page.locator("#ballot-error").inner_text() == (
            "Your projects cost 130 yuan, more than the budget of 100 yuan. Remove 30 yuan."
        )
        assert page.get_by_role("button", name="Cast my ballot").is_visible()  # still no ballot
        assert _chosen(cycle, "rui") is None
        assert_fits_screen(page)
        screenshot(page, "budget-ballot-refused-large-text")

        _box(page, "A").uncheck()
        assert _bar(page) == ("70", "left: 30 yuan", False, 70)
        page.get_by_role("button", name="Cast my ballot").click()
        page.get_by_text("Your ballot is counted. You can change it until voting closes.").wait_for()
        assert "large-text" in (page.locator("html").get_attribute("class") or "")
        assert page.get_by_role("button", name="Change my ballot").is_visible()
        assert _chosen(cycle, "rui") == {"Project B", "Project C"}

        page.goto(url)
        assert "large-text" in (page.locator("html").get_attribute("class") or "")
        assert_fits_screen(page)
        screenshot(page, "budget-cycle-large-text")


def test_staff_close_the_ballot_early(browser: Any, live_server: Any, world: Any) -> None:
    scenario = make_cycle(world, stage="voted")
    cycle = scenario.cycle
    url = f"{live_server.url}/c/{world.harmony.pk}/budgets/{cycle.pk}/"
    with signed_in(browser, live_server, "chen", world.password) as page:
        page.goto(url)
        manage = page.locator("#manage")
        assert manage.get_by_role("heading", name="Run the cycle").is_visible()
        assert page.locator("#districts").get_by_text("6 ballots").is_visible()
        assert_fits_screen(page)
        screenshot(page, "budget-cycle-staff")

        # Before the planned time, closing needs the confirmation.
        manage.get_by_role("button", name="Close voting and fund the projects").click()
        page.get_by_text(re.compile(r"Voting is planned to close on .+; confirm closing early\.")).wait_for()
        assert page.url.endswith("#manage")
        assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.VOTING

        manage = page.locator("#manage")
        manage.get_by_label("Close before the planned time").check()
        manage.get_by_role("button", name="Close voting and fund the projects").click()
        page.get_by_role("heading", name="Results", level=1).wait_for()
        assert page.url == f"{url}results/"
        assert page.get_by_text("Voting is closed and the projects are decided.").is_visible()
        assert_fits_screen(page)
        screenshot(page, "budget-results-staff")

    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED
    statuses = {name: p.__class__.objects.get(pk=p.pk).status for name, p in scenario.projects.items()}
    assert statuses == {
        "A": ProposalStatus.FUNDED,
        "B": ProposalStatus.NOT_FUNDED,
        "C": ProposalStatus.FUNDED,
    }


def test_a_resident_reads_the_results(browser: Any, live_server: Any, world: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    url = f"{live_server.url}/c/{world.harmony.pk}/budgets/{scenario.cycle.pk}/"
    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(url)
        page.get_by_role("link", name="See the results").click()
        page.get_by_role("heading", name="Results", level=1).wait_for()
        assert page.url == f"{url}results/"
        assert page.get_by_text(
            "The projects were chosen by the Method of Equal Shares (with Add1).", exact=False
        ).is_visible()
        district = page.locator("section").filter(
            has=page.get_by_role("heading", name="Whole community", level=2)
        )
        assert district.locator(".card--highlight").inner_text() == (
            "2 projects funded for 90 of 100 yuan, chosen on 6 ballots."
        )

        # Project by project, the funded first in the order the rule funded them, each with its reason.
        rows = district.locator(".result-row")
        heads = [" ".join(t.split()) for t in rows.locator(".result-row__head").all_inner_texts()]
        assert heads == [
            "#1 Project A 60 yuan · 4 votes",
            "#3 Project C 30 yuan · 2 votes",
            "#2 Project B 40 yuan · 3 votes",
        ], heads
        assert rows.locator("p").all_inner_texts() == [
            "Funded: 4 supporters paid 15.00 yuan each.",
            "Funded: 2 supporters paid 15.00 yuan each.",
            # Each share is 27.67 yuan in the kept Add1 run; after A, w, x and y have 12.67 each: 38 of 40.
            "Not funded: its supporters had 2.00 yuan too little left (38.00 of 40 yuan).",
        ]
        assert ["result-row--funded" in (row.get_attribute("class") or "") for row in rows.all()] == [
            True,
            True,
            False,
        ]

        # The rules side by side: most votes funds A and B, the equal shares A and C, Phragmén B and C.
        assert district.get_by_text(
            "The highlighted projects are funded by some rules and not others."
        ).is_visible()
        compare = district.get_by_role("table", name="Projects funded by each rule")
        assert compare.locator("thead th").all_inner_texts() == ["Project", *RULES]
        yes, no = "✓ funded", "— not funded"
        assert _rows(compare) == [
            ["#1 Project A", yes, yes, yes, no, yes],
            ["#2 Project B", no, no, yes, yes, no],
            ["#3 Project C", yes, yes, no, yes, yes],
        ]
        assert compare.locator("tbody tr.differs").count() == 3  # Phragmén leaves A out: every row differs
        greedy, mes = 1 + RULES.index("Most votes"), 1 + RULES.index("Equal Shares")
        assert [row[0] for row in _rows(compare) if row[greedy] != row[mes]] == [
            "#2 Project B",
            "#3 Project C",
        ]
        assert_fits_screen(page)
        screenshot(page, "budget-results")

        # Public and individual interests: most votes serves 4 of 6 voters, the equal shares all 6, Phragmén 5.
        bars = [" ".join(t.split()) for t in district.locator(".measure-bar__label").all_inner_texts()]
        assert bars == [
            "Equal Shares used 100.0%",
            "Equal Shares + votes 100.0%",
            "Most votes 66.7%",
            "Phragmén 83.3%",
            "Equal Shares, plain 100.0%",
        ]
        figures = _cards(district.locator(".rule-cards").nth(0))
        assert list(figures) == ["Equal Shares used", *RULES[1:]]
        # A + C = 90 yuan (4×60 + 2×30 = 300 over 6 voters: 50); A + B = 100 (4×60 + 3×40 = 360: 60);
        # B + C = 70 (3×40 + 2×30 = 180: 30).
        assert [
            (f["Funded"], f["Average satisfaction"], f["With at least one funded project"])
            for f in figures.values()
        ] == [
            ("90 yuan", "50 yuan", "100.0%"),
            ("90 yuan", "50 yuan", "100.0%"),
            ("100 yuan", "60 yuan", "66.7%"),
            ("70 yuan", "30 yuan", "83.3%"),
            ("90 yuan", "50 yuan", "100.0%"),
        ]
        assert figures["Equal Shares used"]["PJR"] == "✓ holds"
        # Most votes fails PJR: Rui and Olga could pay for C with their third of the budget and get nothing.
        assert figures["Most votes"]["PJR"].startswith("✗ fails"), figures["Most votes"]
        assert "2 voters" in figures["Most votes"]["PJR"]
        assert figures["Most votes"]["EJR (up to one project)"] == "✓ holds"

        # Building by building is folded away (a street's estate has dozens of buildings): open it.
        district.locator("summary", has_text="Building by building").click()
        buildings = _cards(district.locator(".rule-cards").nth(1))
        assert list(buildings) == ["Building 1 · 2 voters", "Building 2 · 4 voters"]
        assert list(buildings["Building 1 · 2 voters"]) == RULES
        # Building 1 (Rui and Olga) gets nothing from most votes; z of Building 2 nothing from Phragmén.
        assert [v.split(" ")[0] for v in buildings["Building 1 · 2 voters"].values()] == [
            "100.0%",
            "100.0%",
            "0.0%",
            "100.0%",
            "100.0%",
        ]
        assert [v.split(" ")[0] for v in buildings["Building 2 · 4 voters"].values()] == [
            "100.0%",
            "100.0%",
            "100.0%",
            "75.0%",
            "100.0%",
        ]
        assert_fits_screen(page)

        page.get_by_text("The rules in brief").click()
        assert page.get_by_text(
            "Projects by number of votes, most first; each is funded if it still fits in the money left."
        ).is_visible()
        assert_fits_screen(page)
        screenshot(page, "budget-results-rules")

        page.get_by_role("button", name="Larger text").click()
        page.wait_for_load_state()
        assert "large-text" in (page.locator("html").get_attribute("class") or "")
        page.get_by_role("heading", name="Results", level=1).wait_for()
        assert page.get_by_text("Funded: 4 supporters paid 15.00 yuan each.").is_visible()
        assert_fits_screen(page)
        screenshot(page, "budget-results-large-text")

        district.get_by_role("link", name="#3 Project C").click()
        page.get_by_role("heading", name=re.compile("Project C"), level=1).wait_for()
        assert page.get_by_text("Funded: 2 supporters paid 15.00 yuan each.").is_visible()
        assert_fits_screen(page)
        screenshot(page, "budget-proposal-funded")
