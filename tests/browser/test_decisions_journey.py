"""Decisions on a phone: an owner casts a ballot, keeps the receipt code and checks it (in large text too);
staff type in a paper ballot that counts only after a second manager has compared it with the paper; and a
resident reads a published result, every threshold explained, and the ballot log whose chain is intact."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.decisions import services
from comity.decisions.models import Ballot, Elector, LogEntry, Participation
from tests.apps.decisions import end_voting, make_decision, make_estate, vote_for

from .conftest import PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _totals(scope: Any) -> dict[str, dict[str, str]]:
    """The totals cards: {"By area": {"May vote": "900.00 m²", …}, …}."""
    out = {}
    for card in scope.locator(".totals__basis").all():
        terms = card.locator("dt").all_inner_texts()
        values = card.locator("dd").all_inner_texts()
        out[card.locator(".totals__head").inner_text()] = dict(zip(terms, values, strict=True))
    return out


def _no_sideways_scrolling(page: Any) -> None:
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == PHONE["width"]
    assert width <= inner, f"{page.url} is {width}px wide on a {inner}px phone"


def _counted_so_far(page: Any) -> int:
    text = page.locator("#result").get_by_text(re.compile(r"\d+ ballots? counted so far")).inner_text()
    return int(re.search(r"(\d+) ballots? counted so far", text).group(1))  # type: ignore[union-attr]


def test_an_owner_votes_and_checks_the_receipt(browser: Any, live_server: Any, world: Any) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    base = f"{live_server.url}/c/{world.harmony.pk}/decisions/"
    with signed_in(browser, live_server, estate.owners["302"].username, world.password) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/")
        page.get_by_role("link", name="Decisions", exact=True).click()
        page.get_by_role("heading", name="Decisions", level=1).wait_for()
        assert page.url == base
        card = page.locator(".decision-list li").filter(has_text="Elevator for stairwell 5-1")
        assert card.get_by_text("Your vote is awaited").is_visible()
        screenshot(page, "decision-list")

        card.get_by_role("link", name="Elevator for stairwell 5-1").click()
        page.get_by_role("heading", name="Elevator for stairwell 5-1", level=1).wait_for()
        assert page.url == f"{base}{decision.pk}/"
        rule = page.locator("#rule")
        assert rule.get_by_role("heading", name="How it is decided").is_visible()
        assert rule.get_by_text("Every owner of an affected unit must consent separately.").is_visible()
        assert rule.get_by_text("10 electors on the register.").is_visible()
        ballot = page.locator("#vote")
        assert ballot.get_by_role("heading", name="For 5-302").is_visible()
        _no_sideways_scrolling(page)
        screenshot(page, "decision-ballot")

        ballot.get_by_label("Yes", exact=True).check()
        ballot.get_by_role("button", name="Cast my ballot").click()
        page.get_by_role("heading", name="Your receipt").wait_for()
        assert page.url.endswith("#receipt")
        assert page.get_by_text("Your ballot has been counted.").is_visible()
        assert page.locator("#vote").get_by_text("Your ballot for 5-302 has been received.").is_visible()
        code = page.get_by_test_id("receipt-code").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}", code), code
        _no_sideways_scrolling(page)
        screenshot(page, "decision-receipt-code")

        page.locator("#receipt").get_by_role("link", name="Check a receipt").click()
        page.get_by_role("heading", name="Check a receipt", level=1).wait_for()
        page.get_by_label("Receipt code").fill(code.lower())
        page.get_by_role("button", name="Check", exact=True).click()
        found = page.locator("#receipt-result")
        found.get_by_role("heading", name="Your ballot is counted").wait_for()
        assert "It was recorded as: Yes" in found.inner_text()
        sequence = Ballot.objects.get(decision=decision).log_sequence
        assert sequence == 2  # after the entry that opened the vote
        assert found.get_by_text(f"It is entry #{sequence} of the ballot log").is_visible()
        _no_sideways_scrolling(page)
        screenshot(page, "decision-receipt-check")

        page.get_by_role("button", name="Larger text").click()
        page.wait_for_load_state()
        assert "large-text" in (page.locator("html").get_attribute("class") or "")
        page.get_by_label("Receipt code").fill(code.lower())
        page.get_by_role("button", name="Check", exact=True).click()
        page.locator("#receipt-result").get_by_role("heading", name="Your ballot is counted").wait_for()
        _no_sideways_scrolling(page)
        screenshot(page, "decision-receipt-check-large-text")
        page.goto(f"{base}{decision.pk}/")
        assert "large-text" in (page.locator("html").get_attribute("class") or "")
        _no_sideways_scrolling(page)
        screenshot(page, "decision-detail-large-text")
        page.goto(base)
        _no_sideways_scrolling(page)
        assert page.get_by_text("Your vote is awaited").count() == 0


def test_a_paper_ballot_counts_after_a_second_manager_checks_it(
    browser: Any, live_server: Any, world: Any
) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["501"], estate.owners["502"]])
    url = f"{live_server.url}/c/{world.harmony.pk}/decisions/{decision.pk}/"

    with signed_in(browser, live_server, "chen", world.password) as page:
        page.goto(url)
        assert _counted_so_far(page) == 2
        page.get_by_role("link", name="Paper ballots").click()
        page.get_by_role("heading", name="Paper ballots", level=1).wait_for()
        form = page.locator("form").filter(has=page.get_by_role("button", name="Enter for a second check"))
        form.get_by_label("Elector").select_option(label="5-402 · Owner402")
        form.get_by_label("Number on the paper ballot").fill("P-0042")
        form.get_by_label("No", exact=True).check()
        screenshot(page, "decision-paper-entry")
        form.get_by_role("button", name="Enter for a second check").click()
        page.get_by_text("Paper ballot P-0042 is entered. Another person must now check it.").wait_for()
        waiting = page.locator("#waiting .paper-check")
        assert waiting.count() == 1
        assert waiting.get_by_text("Paper ballot P-0042").is_visible()
        assert "Entered as: No" in waiting.inner_text()
        assert waiting.get_by_text("You entered this ballot; someone else must check it.").is_visible()
        assert waiting.get_by_role("button", name="Matches the paper: count it").count() == 0
        _no_sideways_scrolling(page)
        screenshot(page, "decision-paper-waiting")
        page.goto(url)
        assert _counted_so_far(page) == 2  # not counted before the second check

    participation = Participation.objects.get(decision=decision, paper_reference="P-0042")
    assert participation.counted is False
    with signed_in(browser, live_server, "shu", world.password) as page:
        page.goto(url)
        paper = page.get_by_role("link", name="Paper ballots")
        assert paper.locator(".badge").inner_text() == "1"
        paper.click()
        article = page.locator("#waiting .paper-check")
        assert "Entered by" in article.inner_text()
        screenshot(page, "decision-paper-check")
        article.get_by_role("button", name="Matches the paper: count it").click()
        page.get_by_text("The paper ballot is checked and counted.").wait_for()
        assert page.locator("#waiting").get_by_text("No paper ballot is waiting.").is_visible()
        page.locator(".breadcrumb").get_by_role("link", name="Elevator for stairwell 5-1").click()
        page.get_by_role("heading", name="Elevator for stairwell 5-1", level=1).wait_for()
        assert _counted_so_far(page) == 3
        assert _totals(page.locator("#result"))["By area"]["No"] == "80.00 m²"
        _no_sideways_scrolling(page)
        screenshot(page, "decision-after-paper-check")

    participation.refresh_from_db()
    assert participation.counted is True
    assert participation.checked_by == world.user("street_official")


def test_a_resident_reads_the_published_result_and_the_ballot_log(
    browser: Any, live_server: Any, world: Any
) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate, affected=[estate.units["201"]])
    yes = [estate.owners[n] for n in ("201", "301", "302", "401", "402", "501", "502", "601")]
    vote_for(decision, yes, "yes")
    vote_for(decision, [estate.owners["602"]], "no")
    end_voting(decision)
    url = f"{live_server.url}/c/{world.harmony.pk}/decisions/{decision.pk}/"

    with signed_in(browser, live_server, "chen", world.password) as page:
        page.goto(url)
        page.get_by_role("button", name="Close voting and publish the result").click()
        page.get_by_text("The result is published.").wait_for()
        assert page.url.endswith("#result")
    decision.refresh_from_db()
    assert decision.status == "closed"
    assert decision.passed is True

    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(url)
        result = page.locator("#result")
        assert result.get_by_role("heading", name="Result").is_visible()
        assert result.locator(".result__verdict").inner_text() == "Passed"
        lines = [line.strip() for line in result.locator(".threshold__text").all_inner_texts()]
        # 9 of 10 owners took part with 780 of 900 m²; 8 of 9 (690 of 780 m²) said yes.
        assert lines == [
            "Participation by area: 86.7% ≥ 66.7% ✓",
            "Participation by headcount: 90.0% ≥ 66.7% ✓",
            "Approval by area: 88.5% ≥ 75.0% ✓",
            "Approval by headcount: 88.9% ≥ 75.0% ✓",
            "Consent of affected owners: 1 of 1, 100.0% needed ✓",
        ], lines
        details = result.locator(".threshold__detail").all_inner_texts()
        assert details[0] == "780.00 of 900.00 m²"
        totals = _totals(result)
        assert list(totals) == ["By area", "By headcount"]
        assert list(totals["By area"]) == ["May vote", "Took part", "Yes", "No", "Abstain"]
        assert list(totals["By area"].values()) == [
            "900.00 m²",
            "780.00 m²",
            "690.00 m²",
            "90.00 m²",
            "0.00 m²",
        ]
        headcount = totals["By headcount"]
        assert [headcount["May vote"], headcount["Took part"], headcount["Yes"]] == [
            "10 voters",
            "9 voters",
            "8 voters",
        ]
        assert headcount["No"] == "1 voter"
        assert headcount["Abstain"] == "0 voters"
        assert result.get_by_role("heading", name="Minutes").is_visible()
        assert page.locator("#vote").count() == 0  # rui owns nothing here
        _no_sideways_scrolling(page)
        screenshot(page, "decision-result")

        result.get_by_role("link", name="Ballot log").click()
        page.get_by_role("heading", name="Ballot log", level=1).wait_for()
        entries = LogEntry.objects.filter(decision=decision).count()
        assert entries == 1 + 9 + 1  # opened, nine ballots, closed
        assert page.get_by_text(f"✓ The chain of {entries} entries is intact.").is_visible()
        assert page.locator(".log-entry").count() == entries
        assert '"type": "opened"' in page.locator(".log-entry pre").first.inner_text()
        _no_sideways_scrolling(page)
        screenshot(page, "decision-log")


def test_a_committee_worker_corrects_a_mistake_on_the_extend_form_on_a_small_phone(
    browser: Any, live_server: Any, world: Any
) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    planned = timezone.localtime(decision.planned_closes_at)
    url = f"{live_server.url}/c/{world.harmony.pk}/decisions/{decision.pk}/"
    too_late = (planned + timedelta(days=120)).strftime("%Y-%m-%dT%H:%M")
    with signed_in(browser, live_server, "chen", world.password, viewport=SMALL_PHONE) as page:
        page.goto(url)
        manage = page.locator("#manage")
        # Voting still runs: publishing the result is not offered, and the page says when it will be.
        assert manage.get_by_role("button", name="Close voting and publish the result").count() == 0
        assert manage.get_by_text("The result can be published once it has closed").is_visible()
        manage.get_by_text("Extend voting").click()
        manage.get_by_label("New closing time").fill(too_late)
        manage.get_by_role("button", name="Extend", exact=True).click()
        page.get_by_text("Nothing was changed. Correct what is marked below and send it again.").wait_for()
        page.get_by_role("link", name="Go to the form").click()
        assert page.url == url + "#manage"  # the decision's page, not the extend step's address
        field = page.locator("#manage .form-field.field-error")
        assert field.is_visible()
        assert field.get_by_text("Voting may be extended by at most 3 months").is_visible()
        assert field.get_by_label("New closing time").input_value() == too_late  # what was typed is kept
        screenshot(page, "decision-extend-mistake-320")

        right = (planned + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
        field.get_by_label("New closing time").fill(right)
        page.locator("#manage").get_by_role("button", name="Extend", exact=True).click()
        page.get_by_text("Voting is extended.").wait_for()
        assert page.get_by_text(
            "Voting has already been extended once; it cannot be extended again."
        ).is_visible()
        screenshot(page, "decision-extended-320")
    decision.refresh_from_db()
    assert timezone.localtime(decision.closes_at).strftime("%Y-%m-%dT%H:%M") == right


def test_a_step_refused_after_the_page_went_stale_leaves_the_phone_on_the_decision_page(
    browser: Any, live_server: Any, world: Any
) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "yes")
    end_voting(decision)
    url = f"{live_server.url}/c/{world.harmony.pk}/decisions/{decision.pk}/"
    with signed_in(browser, live_server, "chen", world.password) as page:
        page.goto(url)
        publish = page.locator("#manage").get_by_role("button", name="Close voting and publish the result")
        assert publish.is_visible()
        # meanwhile, in another tab, the result is published
        services.close_decision(world.user("committee_staff"), decision)
        audit, log = AuditEntry.objects.count(), LogEntry.objects.filter(decision=decision).count()

        publish.click()
        page.get_by_text("This decision has been closed and its result published.").wait_for()
        assert page.url == url + "#manage"  # the decision's page: nothing there posts again on reload
        assert (
            page.locator("#manage").get_by_role("button", name="Close voting and publish the result").count()
            == 0
        )
        _no_sideways_scrolling(page)
        screenshot(page, "decision-stale-step-refused")

        posts: list[str] = []
        page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
        page.reload()
        page.get_by_role("heading", name="Elevator for stairwell 5-1", level=1).wait_for()
        assert posts == []
        assert page.url == url + "#manage"
        assert page.get_by_text("This decision has been closed and its result published.").count() == 0
    assert (AuditEntry.objects.count(), LogEntry.objects.filter(decision=decision).count()) == (audit, log)


def test_an_owner_and_a_tenant_read_an_open_ballots_log(browser: Any, live_server: Any, world: Any) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "yes")
    vote_for(decision, [estate.owners["401"]], "no")
    end_voting(decision)
    services.close_decision(world.user("committee_staff"), decision)
    mine = Elector.objects.get(decision=decision, persons__user=estate.owners["302"])
    theirs = Elector.objects.get(decision=decision, persons__user=estate.owners["401"])
    url = f"{live_server.url}/c/{world.harmony.pk}/decisions/{decision.pk}/log/"

    with signed_in(browser, live_server, estate.owners["302"].username, world.password) as page:
        page.goto(url)
        names = page.get_by_test_id("log-names")
        assert names.get_by_text("You may see who each name is").is_visible()
        assert (
            names.get_by_test_id("own-entry")
            .inner_text()
            .startswith(f"Your name in this log for 5-302: {mine.pseudonym}.")
        )
        own = page.locator(".log-entry").filter(has=page.locator(".badge", has_text="yours"))
        assert own.count() == 1
        assert own.get_by_test_id("named").inner_text() == f"{mine.pseudonym} is Owner302 (5-302)"
        assert page.get_by_text(f"{theirs.pseudonym} is Owner401 (5-401)").is_visible()
        screenshot(page, "decision-log-owner")

    with signed_in(browser, live_server, "rui", world.password, viewport=SMALL_PHONE) as page:
        page.goto(url)
        page.get_by_label("Language").select_option("zh-hans")
        page.get_by_role("button", name="Change").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.goto(url)
        names = page.get_by_test_id("log-names")
        assert names.get_by_role("heading", name="日志里的代号是谁").is_visible()
        assert "投票结束后，有表决权的人（以及组织者）可以查看每个代号是谁" in names.inner_text()
        assert page.get_by_test_id("named").count() == 0
        assert page.get_by_test_id("own-entry").count() == 0
        assert "Owner302" not in page.content()
        assert mine.pseudonym in page.locator(".log-entries").inner_text()
        screenshot(page, "decision-log-tenant-zh-320")
