"""The decisions REST API: list, detail with the count, casting through the API, receipts, the log, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from comity.decisions.models import Ballot, LogEntry, Participation

from .decisions import make_decision, make_estate, vote_for

pytestmark = pytest.mark.django_db


def _urls(world: Any, decision: Any) -> dict[str, str]:
    args = [world.harmony.pk, decision.pk]
    return {
        "list": reverse("api-decisions", args=[world.harmony.pk]),
        "detail": reverse("api-decision", args=args),
        "ballots": reverse("api-decision-ballots", args=args),
        "receipt": reverse("api-decision-receipt", args=args),
        "log": reverse("api-decision-log", args=args),
    }


def test_an_owner_votes_through_the_api_and_checks_the_receipt(world: Any, client: Any) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    draft = make_decision(world, estate, open_now=False, title="Not yet")
    urls = _urls(world, decision)
    client.force_login(estate.owners["302"])
    listed = client.get(urls["list"]).json()
    assert [d["id"] for d in listed] == [decision.pk]  # the draft is for staff only
    assert draft.pk not in [d["id"] for d in listed]
    detail = client.get(urls["detail"]).json()
    assert detail["rule"] == "elevator-retrofit"
    assert len(detail["rule_explained"]) >= 5
    (mine,) = detail["my_ballots"]
    assert (mine["units"], mine["voted"], mine["proxy"]) == ("5-302", False, False)
    assert detail["count"]["totals"]["area"]["eligible"] == "900"
    assert detail["explained"][0].startswith("Participation by area: 0.0%")

    refused = client.post(
        urls["ballots"], {"elector": mine["elector"], "choice": "maybe"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert not Participation.objects.exists()
    cast = client.post(
        urls["ballots"], {"elector": mine["elector"], "choice": "yes"}, content_type="application/json"
    )
    assert cast.status_code == 201
    code = cast.json()["code"]
    again = client.post(
        urls["ballots"], {"elector": mine["elector"], "choice": "no"}, content_type="application/json"
    )
    assert again.status_code == 400
    assert "already been received" in again.json()["non_field_errors"][0]
    assert Ballot.objects.get().choice == "yes"

    check = client.post(
        urls["receipt"], {"code": code.replace("-", " ").lower()}, content_type="application/json"
    )
    assert check.json() == {"found": True, "counted": True, "choice": "yes", "selection": [], "log_entry": 2}
    missing = client.post(urls["receipt"], {"code": "AAAAA-AAAAA-AAAAA"}, content_type="application/json")
    assert missing.json()["found"] is False
    log = client.get(urls["log"]).json()
    assert [e["sequence"] for e in log["entries"]] == [1, 2]
    assert log["head"] == log["entries"][-1]["hash"]


def test_refusals_write_nothing(world: Any, client: Any) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    urls = _urls(world, decision)
    elector = decision.electors.get(units="5-302").pk
    for role in ("owner", "committee_staff", "platform_staff"):  # none is on the register of 5-1
        client.force_login(world.user(role))
        answer = client.post(
            urls["ballots"], {"elector": elector, "choice": "yes"}, content_type="application/json"
        )
        assert answer.status_code == 403
    client.force_login(world.user("other_resident"))
    assert client.get(urls["detail"]).status_code in (403, 404)
    assert client.post(
        urls["ballots"], {"elector": elector, "choice": "yes"}, content_type="application/json"
    ).status_code in (403, 404)
    client.logout()
    assert client.get(urls["list"]).status_code == 403
    assert not Participation.objects.exists()
    assert LogEntry.objects.filter(decision=decision).count() == 1


def test_a_secret_count_shows_participation_only(world: Any, client: Any) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate, rule_name="civil-code-278-ordinary", secret=True)
    vote_for(decision, [estate.owners["302"], estate.owners["401"]], "no")
    client.force_login(estate.owners["501"])
    count = client.get(_urls(world, decision)["detail"]).json()["count"]
    assert count["hidden"] is True
    assert count["totals"]["headcount"]["participating"] == "2"
    assert count["totals"]["headcount"]["rejecting"] == "0"


def test_the_schema_documents_the_endpoints(client_for: Any) -> None:
    schema = client_for("committee_staff").get(reverse("api-schema")).content.decode()
    assert "/decisions/{decision_id}/ballots/" in schema
    assert "/decisions/{decision_id}/receipt/" in schema
