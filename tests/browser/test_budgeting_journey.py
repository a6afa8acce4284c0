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

from comity.audit.models import AuditEntry
from comity.budgeting.models import BallotKind, BudgetBallot, Cycle, CycleStatus, Proposal, ProposalStatus
from tests.apps.budgeting import make_cycle

from .conftest import PHONE, SMALL_PHONE, assert_fits_screen, screenshot, signed_in

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


def test_the_running_bar_counts_fen_exactly(browser: Any, live_server: Any, world: Any) -> None:
    """Costs with fen (as an imported Warsaw file has): the bar adds them in whole fen, never drifting as floating
    point sums would, and writes two decimals only when there are fen, as the server does on reload."""
    scenario = make_cycle(world, kind=BallotKind.KNAPSACK, stage="voting")
    cycle = scenario.cycle
    for name, fen in (("A", 6025), ("B", 4010), ("C", 3050)):
        Proposal.objects.filter(pk=scenario.projects[name].pk).update(cost_fen=fen)
    url = f"{live_server.url}/c/{world.harmony.pk}/budgets/{cycle.pk}/vote/"
    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(url)
        page.get_by_role("heading", name="Your ballot", level=1).wait_for()
        assert _bar(page)[:3] == ("0", "left: 100 yuan", False)
        _box(page, "A").check()
        assert _bar(page)[:3] == ("60.25", "left: 39.75 yuan", False)
        _box(page, "C").check()
        assert _bar(page)[:3] == ("90.75", "left: 9.25 yuan", False)
        _box(page, "B").check()
        assert _bar(page)[:3] == ("130.85", "over the budget: 30.85 yuan", True)
        _box(page, "B").uncheck()
        page.get_by_role("button", name="Cast my ballot").click()
        page.get_by_text("Your ballot is counted. You can change it until voting closes.").wait_for()
        assert _chosen(cycle, "rui") == {"Project A", "Project C"}
        page.reload()
        assert _bar(page)[:3] == ("90.75", "left: 9.25 yuan", False)
        assert page.get_by_text("60.25 yuan").first.is_visible()


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

        # Before the planned time, closing needs the confirmation, asked on its own box.
        manage.get_by_role("button", name="Close voting early and fund the projects").click()
        page.wait_for_load_state()
        early = page.locator("#manage .form-field", has=page.locator("input[name=early]"))
        assert "Tick this box to close voting before its planned time." in early.inner_text()
        assert page.url.endswith("#manage")
        assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.VOTING

        manage = page.locator("#manage")
        manage.get_by_label(re.compile("Close now, before the planned time")).check()
        manage.get_by_role("button", name="Close voting early and fund the projects").click()
        page.get_by_role("heading", name="Results", level=1).wait_for()
        assert page.url.split("#")[0] == f"{url}results/"  # the form's own #manage may stay
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
        page.wait_for_load_state()  # the whole page, not only its heading
        assert page.get_by_text("Funded: 2 supporters paid 15.00 yuan each.").is_visible()
        assert_fits_screen(page)
        screenshot(page, "budget-proposal-funded")


def _field(page: Any, name: str) -> Any:
    """The form field block holding the input named ``name``."""
    return page.locator(".form-field", has=page.locator(f"[name={name}]"))


@pytest.mark.parametrize("size", ["390", "320"])
def test_staff_review_and_cost_a_proposal_with_a_mistake(
    browser: Any, live_server: Any, world: Any, size: str
) -> None:
    """The committee reviews and costs Project B on a phone: a forgotten verdict and a cost over the budget are shown
    on their fields with what was typed kept, then corrected; a step the cycle has moved past is refused, and
    reloading after it posts nothing again; the same mistake is shown in Chinese."""
    scenario = make_cycle(world, stage="proposing")
    b = scenario.projects["B"]
    base = f"{live_server.url}/c/{world.harmony.pk}/budgets/{scenario.cycle.pk}/"
    url = f"{base}proposals/{b.pk}/"
    viewport = PHONE if size == "390" else SMALL_PHONE
    with signed_in(browser, live_server, "chen", world.password, viewport=viewport) as page:
        page.goto(url)
        review = page.locator("#review-form")
        review.get_by_label("Note to the proposer").fill("Checked with the estate office.")
        review.get_by_role("button", name="Save the review").click()
        page.wait_for_load_state()
        verdict = _field(page, "eligible")
        assert "Choose a verdict: eligible or not eligible." in verdict.inner_text()
        assert page.locator("ul.messages").count() == 0  # on the field, not in a banner
        assert page.get_by_label("Note to the proposer").input_value() == "Checked with the estate office."
        assert page.url == url + "#review-form"
        screenshot(page, f"budget-review-mistake-{size}")

        page.get_by_label("Eligible", exact=True).check()
        page.get_by_role("button", name="Save the review").click()
        page.wait_for_load_state()
        assert page.get_by_text("The review is saved and the proposer told.").is_visible()

        costing = page.locator("#costing-form")
        assert costing.get_attribute("open") is not None
        costing.get_by_label("Cost (yuan)").fill("450")
        costing.get_by_label("How the cost was worked out").fill("Quote from the contractor.")
        costing.get_by_role("button", name="Save the cost and put it on the ballot").click()
        page.wait_for_load_state()
        cost = _field(page, "cost")
        assert "That is more than the district's whole budget of 100 yuan." in cost.inner_text()
        assert (
            page.get_by_label("Cost (yuan)").input_value() == "450"
        )  # what was typed, not the estimate of 40
        assert page.get_by_label("How the cost was worked out").input_value() == "Quote from the contractor."
        screenshot(page, f"budget-cost-mistake-{size}")

        page.get_by_label("Cost (yuan)").fill("45")
        page.get_by_role("button", name="Save the cost and put it on the ballot").click()
        page.wait_for_load_state()
        assert page.get_by_text("The cost is saved; the project is on the ballot.").is_visible()
        assert "On the ballot" in page.locator(".page-header").inner_text()
        screenshot(page, f"budget-cost-saved-{size}")
        b.refresh_from_db()
        assert (b.status, b.cost) == (ProposalStatus.ON_BALLOT, 45)

        # The cycle page offers "Close proposals"; meanwhile a colleague closes them. The stale step is refused,
        # the browser lands on the cycle's page, and reloading it posts nothing.
        page.goto(base)
        from comity.budgeting import services

        services.start_review(world.user("committee_staff"), Cycle.objects.get(pk=scenario.cycle.pk))
        audit = AuditEntry.objects.count()
        page.get_by_role("button", name="Close proposals and review").click()
        page.wait_for_load_state()
        assert page.url.split("#")[0] == base
        assert page.get_by_text("That step is not possible at this stage.").is_visible()
        assert "Voting can open once:" in page.locator("#manage").inner_text()
        assert "2 proposals still await review or costing." in page.locator("#manage").inner_text()
        assert page.get_by_role("button", name="Open voting").count() == 0
        screenshot(page, f"budget-step-refused-{size}")
        page.reload()
        page.wait_for_load_state()
        assert page.url.split("#")[0] == base
        assert page.get_by_text("That step is not possible at this stage.").count() == 0
        assert AuditEntry.objects.count() == audit
        assert Cycle.objects.get(pk=scenario.cycle.pk).status == CycleStatus.REVIEWING

        # In Chinese, the mistake is on its field too.
        page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
        c = scenario.projects["C"]
        page.goto(f"{base}proposals/{c.pk}/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.locator("#review-form button[type=submit]").click()
        page.wait_for_load_state()
        assert "请选择审核结论：符合条件或不符合条件。" in _field(page, "eligible").inner_text()
        screenshot(page, f"budget-review-mistake-zh-{size}")
